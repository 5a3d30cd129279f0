# startup.gp - what starting the workers costs, per model and worker count (log scale).
# Needs: datadir, outdir, fmt, name, models. Reads datadir/startup-MODEL.dat (workers, microseconds):
# pthread and fork: the spawn phase of every run; pool: the first run's extra time (it forks once).

load 'plots/common.gp'
set output outfile(name)
set title 'start-up: threads and fork every run, the pool once'
set xlabel 'workers'
set ylabel 'start-up (µs, log scale)'
set logscale y
set xtics 1
set key top left
describe(m) = m eq 'pool' ? 'pool: first run over the others (paid once)' : (m eq 'fork' ? 'fork: spawn phase (paid every run)' : m.': spawn phase (paid every run)')
n = words(models)
plot for [i=1:n] sprintf('%s/startup-%s.dat', datadir, word(models, i)) using 1:($2 > 0 ? $2 : 1/0) with linespoints ls i title describe(word(models, i))

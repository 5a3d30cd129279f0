# startup.gp - what starting the workers costs, per model and worker count (log scale).
# Needs: datadir, outdir, fmt, name, models, once. Reads datadir/startup-MODEL.dat (workers, microseconds):
# models that start workers every run (pthread, fork): the spawn phase; those in once (the pool): startup_s.

load 'plots/common.gp'
set output outfile(name)
set title sprintf('start-up: paid every run, or once (%s)', once)
set xlabel 'workers'
set ylabel 'start-up (µs, log scale)'
set logscale y
set xtics 1
set key inside bottom right
describe(m) = strstrt(' '.once.' ', ' '.m.' ') ? m.': start-up (paid once)' : m.': spawn phase (paid every run)'
n = words(models)
plot for [i=1:n] sprintf('%s/startup-%s.dat', datadir, word(models, i)) using 1:($2 > 0 ? $2 : 1/0) with linespoints ls i title describe(word(models, i))

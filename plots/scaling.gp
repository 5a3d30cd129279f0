# scaling.gp - one workload's scaling figures: time, speedup with Amdahl, USL, efficiency, Karp-Flatt.
# Needs (gnuplot -e): datadir, outdir, fmt, name (file prefix), title, models (space separated),
# cores, and the fits (one word per model): fit_p fit_perr fit_pn (Amdahl p, its error, points
# used, 0 = not fitted), fit_s fit_k fit_un fit_ua (USL sigma, kappa, points, 1 = fitted on all).
# Reads datadir/NAME-MODEL.dat (workers median min max speedup efficiency karpflatt
# speedup_low speedup_high); writes outdir/NAME-{time,speedup,usl,efficiency,karpflatt}.FMT.

load 'plots/common.gp'
nmodels = words(models)
dat(i) = sprintf('%s/%s-%s.dat', datadir, name, word(models, i))
stats dat(1) using 1 nooutput
maxw = STATS_max
do for [i=2:nmodels] { stats dat(i) using 1 nooutput; maxw = (STATS_max > maxw) ? STATS_max : maxw }
xmax = maxw + 0.5

# the fits analyze.py made with plots/fit.gp, one word per model (n = 0: not fitted)
P(i) = word(fit_p, i) + 0; PE(i) = word(fit_perr, i) + 0; PN(i) = word(fit_pn, i) + 0
S(i) = word(fit_s, i) + 0; K(i) = word(fit_k, i) + 0; SN(i) = word(fit_un, i) + 0; SA(i) = word(fit_ua, i) + 0
usl(n, s, k) = n / (1.0 + s * (n - 1.0) + k * n * (n - 1.0))

set xrange [0.5:xmax]
if (maxw > 12) { set xtics auto } else { set xtics 1 }
set xlabel 'workers (threads or processes)'
set mxtics 1

# a vertical line at the core count: past it the workers share the cores
if (cores < maxw) {
	set arrow 1 from cores, graph 0 to cores, graph 1 nohead ls 22 dt 3
	set label 1 sprintf('%d cores online', cores) at cores, graph 0.04 offset 0.6, 0 font ',8'
}

# time vs workers
set output outfile(name.'-time')
set title title.': wall time (median of repeats; bars: min to max)'
set ylabel 'wall time (s)'
set yrange [0:*]
plot for [i=1:nmodels] dat(i) using 1:2:3:4 with yerrorlines ls i title word(models, i)

# speedup with the Amdahl fit and the hardware cap
set output outfile(name.'-speedup')
set title title.': speedup over serial, Amdahl fitted on workers ≤ '.cores.' cores'
set ylabel 'speedup (serial time / time)'
set yrange [0:xmax]
set key top left
amdahl_capped(n, p) = 1.0 / ((1.0 - p) + p / (n < cores ? n : cores))
akey(i) = PN(i) > 0 ? sprintf('Amdahl %s: p = %.3f ± %.3f', word(models, i), P(i), PE(i)) : sprintf('%s: too few points to fit', word(models, i))
plot x ls 20 title 'ideal: speedup = workers', \
	(x < cores ? x : cores) ls 21 title sprintf('hardware cap: min(workers, %d cores)', cores), \
	for [i=1:nmodels] dat(i) using 1:5:8:9 with yerrorbars ls i title word(models, i).' (measured)', \
	for [i=1:nmodels] (PN(i) > 0 ? amdahl_capped(x, P(i)) : 1/0) with lines ls i title akey(i).(cores < maxw ? ' (flat past the cores)' : '')

# Universal Scalability Law
set output outfile(name.'-usl')
set title title.': Universal Scalability Law fit (σ contention, κ coherency)'
ukey(i) = SN(i) > 0 ? sprintf('USL %s: σ = %.3f, κ = %.4f%s', word(models, i), S(i), K(i), SA(i) ? ' (fitted on all points)' : '') : sprintf('%s: too few points for USL', word(models, i))
plot x ls 20 title 'ideal: speedup = workers', \
	for [i=1:nmodels] dat(i) using 1:5 with points ls i title word(models, i).' (measured)', \
	for [i=1:nmodels] (SN(i) > 0 ? usl(x, S(i), K(i)) : 1/0) with lines ls i title ukey(i)

# parallel efficiency
set output outfile(name.'-efficiency')
set title title.': parallel efficiency'
set ylabel 'efficiency (speedup / workers)'
set yrange [0:1.2]
set key bottom left
plot 1 ls 20 title 'ideal: 1', \
	for [i=1:nmodels] dat(i) using 1:6 with linespoints ls i title word(models, i)

# Karp-Flatt experimentally determined serial fraction
set output outfile(name.'-karpflatt')
set title title.': Karp-Flatt serial fraction e = (1/S - 1/N) / (1 - 1/N)'
set ylabel 'serial fraction e'
set yrange [*:*]
set xrange [1.5:xmax]
set key top left
plot for [i=1:nmodels] dat(i) using 1:7 with linespoints ls i title word(models, i)

# scaling.gp - one workload's scaling figures: time, speedup with Amdahl, USL, efficiency, Karp-Flatt.
# Needs (gnuplot -e): datadir, outdir, fmt, name (file prefix), title, models (space separated),
# cores, logtime, logspeed (1: log y axis), and the fits' words (below).
# Reads datadir/NAME-MODEL.dat (workers median min max speedup efficiency karpflatt
# speedup_low speedup_high cv noisy) and the curves NAME-MODEL-LAW.curve (workers speedup)
# that analyze.py sampled and checked; writes outdir/NAME-{time,speedup,usl,efficiency,karpflatt}.FMT.

load 'plots/common.gp'
nmodels = words(models)
dat(i) = sprintf('%s/%s-%s.dat', datadir, name, word(models, i))
stats dat(1) using 1 nooutput
maxw = STATS_max
do for [i=2:nmodels] { stats dat(i) using 1 nooutput; maxw = (STATS_max > maxw) ? STATS_max : maxw }
xmax = maxw + 0.5
if (!exists('smax')) smax = xmax  # the speedup and efficiency axes' tops (analyze.py: every point inside)
if (!exists('emax')) emax = 1.2

# the fits analyze.py made (scripts/stats.py), one word per model: has_amdahl/has_usl/has_ovh
# (1: NAME-MODEL-LAW.curve holds a drawable curve), amdahl_kind (fit, one = one-point estimate,
# none), amdahl_p amdahl_lo amdahl_hi, usl_s usl_k, bound (1: overhead-bound, no law applies)
HA(i) = word(has_amdahl, i) + 0; HU(i) = word(has_usl, i) + 0; HO(i) = word(has_ovh, i) + 0
AK(i) = word(amdahl_kind, i); AP(i) = word(amdahl_p, i) + 0; AL(i) = word(amdahl_lo, i) + 0; AH(i) = word(amdahl_hi, i) + 0
US(i) = word(usl_s, i) + 0; UK(i) = word(usl_k, i) + 0; OB(i) = word(bound, i) + 0
crv(i, law) = sprintf('%s/%s-%s-%s.curve', datadir, name, word(models, i), law)

set xrange [0.5:xmax]
if (maxw > 12) { set xtics auto } else { set xtics 1 }
set xlabel 'workers (threads or processes)'
set mxtics 1

# a vertical line at the core count: past it the workers share the cores
if (cores < maxw) {
	set arrow 1 from cores, graph 0 to cores, graph 1 nohead ls 22 dt 3
	set label 1 sprintf('%d cores online', cores) at cores, graph 0.04 offset 0.6, 0 font ',8'
}

# the legends sit in room the ranges leave above the points (tmax, smin, smax from analyze.py),
# so that no legend covers a point
ranged = exists('tmax') && exists('tmin')
if (!exists('smin')) smin = 0.1

# time vs workers
set output outfile(name.'-time')
set title title.': wall time (median of repeats; bars: min to max)'
set ylabel 'wall time (ms)'
set format y '%g'
set key inside top right
if (logtime) { set logscale y; set ylabel 'wall time (ms, log scale)' }
if (logtime && ranged) { set yrange [tmin / 2:tmax * 30] }
if (logtime && !ranged) { set yrange [*:*] }
if (!logtime && ranged) { set yrange [0:tmax * 1.6] }
if (!logtime && !ranged) { set yrange [0:*] }
plot for [i=1:nmodels] dat(i) using 1:($2*1e3):($3*1e3):($4*1e3) with yerrorlines ls i title word(models, i), \
	for [i=1:nmodels] dat(i) using 1:($11 == 1 ? $2*1e3 : 1/0) with points pt 6 ps 2.5 lc rgb '#000000' title (i == 1 ? 'CV above 10% (noisy)' : '')
unset logscale y

# speedup with the Amdahl fit (or a one-point estimate, dashed) and the hardware cap
set output outfile(name.'-speedup')
set title title.': speedup over serial; Amdahl only where admissible (workers <= '.cores.' cores)'
set ylabel 'speedup (serial time / time)'
set key inside top left
if (logspeed) { set logscale y; set yrange [smin:smax * 12]; set ylabel 'speedup (log scale; below 1: slower than serial)' } else { set yrange [0:smax * 1.7] }
akey(i) = AK(i) eq 'fit' ? sprintf('Amdahl %s: p = %.3f (95%% interval %.3f-%.3f)', word(models, i), AP(i), AL(i), AH(i)) : \
	(AK(i) eq 'one' ? sprintf('%s: one-point estimate, not a fit (p = %.3f)', word(models, i), AP(i)) : '')
AD(i) = (AK(i) eq 'one') ? 2 : 1
mkey(i) = word(models, i).(OB(i) ? ' (overhead-bound: slower than serial)' : '')
plot x ls 20 title 'ideal: speedup = workers', \
	(x < cores ? x : cores) ls 21 title sprintf('hardware cap: min(workers, %d cores)', cores), \
	1 ls 22 title 'serial', \
	for [i=1:nmodels] dat(i) using 1:5:8:9 with yerrorbars ls i title mkey(i), \
	for [i=1:nmodels] dat(i) using 1:($11 == 1 ? $5 : 1/0) with points pt 6 ps 2.5 lc rgb '#000000' title (i == 1 ? 'CV above 10% (noisy)' : ''), \
	for [i=1:nmodels] (HA(i) ? crv(i, 'amdahl') : '< true') using 1:2 with lines ls i dt AD(i) title akey(i)

# Universal Scalability Law, fitted on workers <= cores only
set output outfile(name.'-usl')
anyusl = 0; anyovh = 0
do for [i=1:nmodels] { anyusl = anyusl + HU(i); anyovh = anyovh + HO(i) }
set title title.(anyusl ? ': Universal Scalability Law (σ contention, κ coherency), fitted on workers <= '.cores : \
	(anyovh ? ': overhead-aware fit (no USL fit)' : ': no USL or overhead-aware fit'))
ukey(i) = sprintf('USL %s: σ = %.3g, κ = %.3g', word(models, i), US(i), UK(i))
plot x ls 20 title 'ideal: speedup = workers', \
	(x < cores ? x : cores) ls 21 title sprintf('past %d cores: time slicing caps the speedup (not fitted)', cores), \
	for [i=1:nmodels] dat(i) using 1:5 with points ls i title mkey(i), \
	for [i=1:nmodels] (HU(i) ? crv(i, 'usl') : '< true') using 1:2 with lines ls i title (HU(i) ? ukey(i) : ''), \
	for [i=1:nmodels] (HO(i) ? crv(i, 'overhead') : '< true') using 1:2 with lines ls i dt 3 lw 1 \
		title (HO(i) ? word(models, i).': overhead-aware fit (all workers)' : '')
unset logscale y

# parallel efficiency
set output outfile(name.'-efficiency')
set title title.': parallel efficiency'
set ylabel 'efficiency (speedup / workers)'
set yrange [0:emax]
set key inside bottom left
plot 1 ls 20 title 'ideal: 1', \
	for [i=1:nmodels] dat(i) using 1:6 with linespoints ls i title word(models, i)

# Karp-Flatt experimentally determined serial fraction
set output outfile(name.'-karpflatt')
set title title.': Karp-Flatt serial fraction e = (1/S - 1/N) / (1 - 1/N), where at most 1'
set ylabel 'serial fraction e (above 1: slower than serial, not drawn)'
set yrange [0:1.05]
set xrange [1.5:xmax]
set key inside top left
# past the cores S <= cores, so e >= (1/cores - 1/N) / (1 - 1/N) whatever the program: a floor
kfloor(x) = (x > cores) ? (1.0 / cores - 1.0 / x) / (1 - 1.0 / x) : 1/0
plot for [i=1:nmodels] dat(i) using 1:7 with linespoints ls i title word(models, i), \
	(cores < maxw ? kfloor(x) : 1/0) ls 21 title (cores < maxw ? sprintf('floor past %d cores: time slicing alone (S <= %d)', cores, cores) : '')

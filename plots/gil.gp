# gil.gp - the simulated GIL modes side by side: speedup per model under off, modern, legacy.
# Needs: datadir, outdir, fmt, name, workload, modes (space separated), models, cores.
# Reads datadir/gil-WORKLOAD-MODE-MODEL.dat (columns as scaling.gp); one panel per mode.
# logspeed: 1 when a speedup falls below 1 (log y axis). No fitted curves: the GIL section's
# verdict comes from the --gil-free sweep, not from p fitted to these points.

load 'plots/common.gp'
if (fmt eq 'png') { set terminal pngcairo size 1400,520 noenhanced font 'DejaVu Sans,12' linewidth 1.5 } \
else { set terminal pdfcairo size 7.5in,3in noenhanced font 'DejaVu Sans,9' linewidth 1.5 }
set output outfile(name)
nmodes = words(modes); nmodels = words(models)
dat(mode, i) = sprintf('%s/gil-%s-%s-%s.dat', datadir, workload, mode, word(models, i))
describe(mode) = mode eq 'off' ? 'no GIL (C as it is)' : (mode eq 'modern' ? 'modern GIL (CPython 3.2+)' : 'legacy GIL (CPython 2)')
# a vertical line at the core count: past it the workers share the cores
stats dat(word(modes, 1), 1) using 1 nooutput
maxw = STATS_max
if (cores < maxw) {
	set arrow 1 from cores, graph 0 to cores, graph 1 nohead ls 22 dt 3
	set label 1 sprintf('%d cores online', cores) at cores, graph 0.04 offset 0.6, 0 font ',8'
}
set multiplot layout 1, nmodes title workload.': speedup over serial (same GIL mode) under the simulated interpreter lock'
set xlabel 'workers'
set ylabel 'speedup (serial time / time)'
set xtics 1
if (logspeed) { set logscale y; set yrange [*:*] } else { set yrange [0:*] }
set key top left font ',8'
do for [j=1:nmodes] {
	mode = word(modes, j)
	set title describe(mode)
	plot x ls 20 title 'ideal', \
		1 ls 22 title 'serial', \
		for [i=1:nmodels] dat(mode, i) using 1:5 with linespoints ls i title word(models, i)
}
unset multiplot

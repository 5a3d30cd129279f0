# fidelity.gp - tvp's simulated time ratios beside real CPython's, configuration by configuration.
# Needs: datadir, outdir, fmt, name, ncolumns, ymax.
# Reads datadir/fidelity.dat: a title line, then label and one ratio (time / serial time) per column.

load 'plots/common.gp'
set output outfile(name)
set title 'fidelity: time relative to serial, simulation beside the real interpreter'
set ylabel 'time / serial time (1 = no gain; below 1 = faster)'
set style data histograms
set style histogram clustered gap 1
set style fill pattern border lc rgb '#000000'
set boxwidth 0.9
set yrange [0:ymax]
set xtics rotate by -30 font ',8' nomirror
set key top right
plot for [i=1:ncolumns] sprintf('%s/fidelity.dat', datadir) using (column(i + 1)):xtic(1) lt 1 lc rgb barcolor(i) fs pattern barpattern(i) border lc rgb '#000000' title columnheader(i + 1), \
	1 ls 20 title 'serial'

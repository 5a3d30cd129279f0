# overhead.gp - the constants that decide when parallelism pays, one bar each, log scale.
# Needs: datadir, outdir, fmt, name. Reads datadir/overhead.dat: operation label, seconds per op, the time as a label.

load 'plots/common.gp'
set output outfile(name)
set title 'cost of one operation (tvp overhead), log scale'
set ylabel 'time per operation (s)'
set logscale y
set format y '%.0e'
set boxwidth 0.7
set xtics rotate by 30 right font ',8' nomirror
set rmargin 3
set bmargin 10
set key off
set yrange [*:*]
plot sprintf('%s/overhead.dat', datadir) using 0:2:xtic(1) with boxes lt 1 lc rgb barcolor(1) fs pattern barpattern(1) border lc rgb '#000000', \
	'' using 0:2:3 with labels offset 0,0.8 font ',8'

# busy.gp - Mandelbrot: each worker's CPU time in the kernel (the work it did) under each schedule.
# Needs: datadir, outdir, fmt, name, workers (columns), model. Reads datadir/busy.dat: schedule
# label, then one CPU time per worker in ms (workers_detail cpu_s of the last repeat).

load 'plots/common.gp'
set output outfile(name)
set title sprintf('Mandelbrot, %s with %d workers: CPU time of each worker per schedule', model, workers)
set ylabel 'CPU time in the kernel (ms)'
set style data histograms
set style histogram clustered gap 1
set style fill pattern border lc rgb '#000000'
set boxwidth 0.9
set yrange [0:*]
set key top right font ',8'
set xtics font ',9' nomirror
plot for [i=1:workers] sprintf('%s/busy.dat', datadir) using (column(i + 1)):xtic(1) lt 1 lc rgb barcolor(i) fs pattern barpattern(i) border lc rgb '#000000' title sprintf('worker %d', i - 1)

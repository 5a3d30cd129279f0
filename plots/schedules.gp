# schedules.gp - Mandelbrot under each schedule (block, line by line, dynamic, random order).
# Needs: datadir, outdir, fmt, name, models (space separated), workers, serial_s (NaN if unknown), ymax.
# Reads datadir/schedules.dat: schedule label, then the median time per model.

load 'plots/common.gp'
set output outfile(name)
set title sprintf('Mandelbrot: load balance of the row schedules, %d workers', workers)
set ylabel 'wall time (s, median)'
set style data histograms
set style histogram clustered gap 1
set style fill pattern border lc rgb '#000000'
set boxwidth 0.9
set yrange [0:ymax]
set key top right
set xtics font ',9' nomirror
n = words(models)
plot for [i=1:n] sprintf('%s/schedules.dat', datadir) using (column(i + 1)):xtic(1) lt 1 lc rgb barcolor(i) fs pattern barpattern(i) border lc rgb '#000000' title word(models, i), \
	(serial_s == serial_s ? serial_s : 1/0) ls 21 title (serial_s == serial_s ? 'serial (one worker, same image)' : '')

# grepinput.gp - grep: input shipped to the workers vs each worker reading its own chunk, beside the scan limit.
# Needs: datadir, outdir, fmt, name, index, regex, series ('MODEL-INPUT' words), serial_s (NaN
# when not measured), cores, scan1_s and scann_s (memchr over the file's bytes with 1 and
# scan_threads threads, from tvp overhead's scan rows; NaN when not measured), scan_threads,
# logtime (1: a log time axis, when the times span more than a decade).
# Reads datadir/grepinput-INDEX-SERIES.dat (workers median_s). Only tvp's own medians: GNU grep
# and rg are whole processes, compared in the report's table.

load 'plots/common.gp'
set output outfile(name)
set title sprintf("tvp grep -E '%s': input shipped vs shared (median of the runs inside tvp)", regex)
set title noenhanced
set xlabel 'workers (processes)'
set ylabel 'wall time (ms, median)'
set xtics 1
set format y '%g'
if (!exists('logtime')) logtime = 0
set offsets 0, 0, graph 0.6, 0  # room above the lines for the legend
if (logtime) { set logscale y; set yrange [*:*]; set ylabel 'wall time (ms, median, log scale)' } else { set yrange [0:*] }
set key top right
n = words(series)
pretty(s) = (strstrt(s, '-ship') ? s[1:strstrt(s, '-ship') - 1].': --input ship (parent sends the bytes)' : s[1:strstrt(s, '-shared') - 1].': --input shared (worker maps its chunk)')
defined(v) = v == v
plot for [i=1:n] sprintf('%s/grepinput-%d-%s.dat', datadir, index, word(series, i)) using 1:($2*1e3) with linespoints ls i title pretty(word(series, i)), \
	(defined(serial_s) ? 1e3*serial_s : 1/0) ls 22 title 'tvp serial', \
	(defined(scan1_s) ? 1e3*scan1_s : 1/0) lw 2 dt 2 lc rgb '#606060' title (defined(scan1_s) ? 'scan limit: memchr over the file, 1 thread' : ''), \
	(defined(scann_s) ? 1e3*scann_s : 1/0) lw 2 dt 3 lc rgb '#000000' title (defined(scann_s) ? sprintf('scan limit: memchr over the file, %d threads', scan_threads) : '')

# gilfree.gp - --gil-free F: the speedup of N threads between Amdahl's bound and the overlap bound.
# Needs: datadir, outdir, fmt, name, workers (space separated thread counts), cores.
# Reads datadir/gilfree-N.dat (gil_free speedup). Lower bound: Amdahl 1/((1-F)+F/N), the
# free part parallel and the locked part serial; upper: min(N, 1/(1-F)), one thread's locked
# part overlapping another's free part.

load 'plots/common.gp'
set output outfile(name)
set title 'threads under the modern GIL, fraction F of each unit done with the lock released'
set xlabel 'F, fraction of the work done with the GIL released (--gil-free)'
set ylabel 'speedup over serial'
set xrange [0:1]
set yrange [0:*]
set key top left
n = words(workers)
lower(f, w) = 1.0 / ((1.0 - f) + f / w)
upper(f, w) = f >= 1 ? w : ((1.0 / (1.0 - f)) < w ? 1.0 / (1.0 - f) : w)
set samples 400
plot for [i=1:n] lower(x, word(workers, i) + 0) ls (i + 2) lw 1 title sprintf('Amdahl bound, %s threads', word(workers, i)), \
	for [i=1:n] upper(x, word(workers, i) + 0) ls (i + 2) lw 1 dt 3 title sprintf('overlap bound min(N, 1/(1-F)), %s threads', word(workers, i)), \
	for [i=1:n] sprintf('%s/gilfree-%s.dat', datadir, word(workers, i)) using 1:2 with points ls i ps 1.5 title sprintf('measured, %s threads', word(workers, i))

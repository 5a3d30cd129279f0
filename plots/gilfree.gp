# gilfree.gp - --gil-free F: the speedup of N threads between Amdahl's bound and the overlap bound.
# Needs: datadir, outdir, fmt, name, workers (space separated thread counts measured), cores.
# Reads datadir/gilfree-N.dat (gil_free speedup). With n = min(N, cores) threads really
# running, the lower bound is Amdahl's 1/((1-F)+F/n) (the locked parts never overlap anything),
# the upper min(n, 1/(1-F)) (one thread's locked part overlaps another's free part).

load 'plots/common.gp'
set output outfile(name)
set title sprintf('threads under the modern GIL with fraction F of the work done without the lock (%d cores)', cores)
set xlabel 'F, fraction of each unit done with the GIL released (--gil-free)'
set ylabel 'speedup over serial'
set xrange [0:1]
set yrange [0:*]
set key top left
nw = words(workers)
eff(w) = w < cores ? w : cores
lower(f, n) = 1.0 / ((1.0 - f) + f / n)
upper(f, n) = f >= 1 ? n : ((1.0 / (1.0 - f)) < n ? 1.0 / (1.0 - f) : n)
# bounds only for distinct effective thread counts (4 threads on 2 cores run like 2)
bounds = ''
do for [i=1:nw] { e = sprintf('%d', eff(word(workers, i) + 0)); if (strstrt(' '.bounds.' ', ' '.e.' ') == 0) { bounds = bounds.' '.e } }
nb = words(bounds)
top = 1
do for [i=1:nb] { top = (word(bounds, i) + 0 > top) ? word(bounds, i) + 0 : top }
set yrange [0:top * 1.15]
set samples 400
plot for [i=1:nb] lower(x, word(bounds, i) + 0) ls (29 + i) \
		title sprintf('Amdahl bound 1/((1-F)+F/n), n = %s', word(bounds, i)), \
	for [i=1:nb] upper(x, word(bounds, i) + 0) ls (39 + i) \
		title sprintf('overlap bound min(n, 1/(1-F)), n = %s', word(bounds, i)), \
	for [i=1:nw] sprintf('%s/gilfree-%s.dat', datadir, word(workers, i)) using 1:2 with points ls (50 + i) \
		title sprintf('measured, %s threads%s', word(workers, i), (word(workers, i) + 0) > cores ? sprintf(' (on %d cores)', cores) : '')

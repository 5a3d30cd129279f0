# mandelimg.gp - the Mandelbrot image tvp computed: iteration count per pixel.
# Needs: datadir, outdir, fmt, name, maxval (largest value in the image), step (pixels per cell).
# Reads datadir/mandelbrot.mat (a matrix of iteration counts, row 0 at the top).

load 'plots/common.gp'
set output outfile(name)
set title sprintf('Mandelbrot set as computed by tvp (%d pixel%s per cell)', step, step > 1 ? 's' : '')
set xlabel 'column (cell)'
set ylabel 'row (cell)'
set yrange [*:*] reverse
set size ratio -1
set palette gray negative gamma 0.5
set cblabel 'iterations before escape'
set autoscale xfix; set autoscale yfix
unset key
set cbrange [0:maxval]
plot sprintf('%s/mandelbrot.mat', datadir) matrix with image notitle

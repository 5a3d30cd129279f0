# common.gp - terminal, fonts and black-and-white-safe line styles shared by every tvp plot.
# Needs: fmt ('pdf' or 'png') and outdir; outfile('name') is where a figure goes.
# Text is noenhanced: identifiers such as posix_spawn or MAP_SHARED print as written.
# Each style differs in colour, dash type AND point type, so a grey print stays readable.

if (!exists("fmt")) fmt = 'pdf'
if (fmt eq 'png') {
	set terminal pngcairo size 960,620 noenhanced font 'DejaVu Sans,12' linewidth 1.5
} else {
	set terminal pdfcairo size 5.5in,3.4in noenhanced font 'DejaVu Sans,10' linewidth 1.5
}
outfile(name) = sprintf('%s/%s.%s', outdir, name, fmt)
set encoding utf8

set style line 1 lc rgb '#1b5e9e' dt 1 pt 7  ps 1.1 lw 1.5
set style line 2 lc rgb '#c0392b' dt 2 pt 5  ps 1.0 lw 1.5
set style line 3 lc rgb '#2e7d32' dt 4 pt 9  ps 1.2 lw 1.5
set style line 4 lc rgb '#7b1fa2' dt 5 pt 13 ps 1.2 lw 1.5
set style line 5 lc rgb '#ef6c00' dt 3 pt 11 ps 1.2 lw 1.5
set style line 6 lc rgb '#00838f' dt 6 pt 4  ps 1.0 lw 1.5
set style line 7 lc rgb '#5d4037' dt 1 pt 6  ps 1.0 lw 1.0
set style line 8 lc rgb '#455a64' dt 2 pt 8  ps 1.0 lw 1.0
# reference lines: ideal, hardware cap, bounds
set style line 20 lc rgb '#000000' dt 3 lw 1.0
set style line 21 lc rgb '#555555' dt (8,4) lw 2.0
set style line 22 lc rgb '#888888' dt 1 lw 1.0

set grid lc rgb '#dddddd' lt 1
set key top left Left reverse box opaque samplen 3 spacing 1.1 font ',9'
set datafile missing 'NaN'
# bounds (lower: 30, 31; upper: 40, 41) and large open / small filled markers (51..53)
set style line 30 lc rgb '#333333' dt 2 lw 1.5
set style line 31 lc rgb '#333333' dt 4 lw 1.5
set style line 40 lc rgb '#555555' dt 1 lw 2.0
set style line 41 lc rgb '#555555' dt 3 lw 2.0
set style line 51 lc rgb '#1b5e9e' pt 6 ps 2.2 lw 1.5
set style line 52 lc rgb '#c0392b' pt 5 ps 1.1
set style line 53 lc rgb '#2e7d32' pt 9 ps 1.4
# bars: solid black border, a fill pattern per series (not only a colour)
barcolors = '#1b5e9e #c0392b #2e7d32 #7b1fa2 #ef6c00 #00838f'
barcolor(i) = word(barcolors, (i - 1) % 6 + 1)
barpattern(i) = word('4 1 5 2 6 7', (i - 1) % 6 + 1) + 0

# fit.gp - fit Amdahl's law or the Universal Scalability Law to one speedup series; prints the result.
# Needs (gnuplot -e): fitdata (column 1 workers, column 5 speedup), what ('amdahl' or 'usl'), xmax
# (fit the points with workers <= xmax). Prints one line on stdout:
#   amdahl: p p_error      usl: sigma kappa
# A fit that cannot be made (singular, no convergence) stops gnuplot with an error: the caller
# (scripts/analyze.py) then reports the series as not fitted. Parameters are fitted with an offset
# (p = q - 10) because gnuplot scales each parameter by its value and cannot move one that is exactly 0.

amdahl(n, p) = 1.0 / ((1.0 - p) + p / n)
usl(n, s, k) = n / (1.0 + s * (n - 1.0) + k * n * (n - 1.0))

set fit quiet
set fit logfile '/dev/null'
set fit errorvariables
set fit maxiter 200
set print '-'
offset = 10.0
if (what eq 'amdahl') {
	q = offset + 0.5
	fit [1:xmax] amdahl(x, q - offset) fitdata using 1:5 via q
	print sprintf('%.6f %.6f', q - offset, q_err)
} else {
	qs = offset + 0.05; qk = offset + 0.001
	fit [1:xmax] usl(x, qs - offset, qk - offset) fitdata using 1:5 via qs, qk
	print sprintf('%.6f %.6f', qs - offset, qk - offset)
}

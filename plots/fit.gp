# fit.gp - fit Amdahl's law and the Universal Scalability Law to one speedup series.
# Needs: fitdata (a data file: column 1 workers, column 5 speedup) and cores (CPUs online).
# Sets: amdahl_p, amdahl_err, amdahl_n (points used; 0 = not fitted),
#       usl_sigma, usl_kappa, usl_n (0 = not fitted), usl_all (1 if fitted past the cores).
# Amdahl is fitted on the points with workers <= cores only: past the cores the hardware,
# not the program, sets the speedup (min(N, cores)). USL has two parameters: it is fitted
# on workers <= cores when there are at least 3 such points, else on every point.

amdahl(n, p) = 1.0 / ((1.0 - p) + p / n)
usl(n, s, k) = n / (1.0 + s * (n - 1.0) + k * n * (n - 1.0))

set fit quiet
set fit logfile '/dev/null'
set fit errorvariables
set fit maxiter 200

stats [1:cores] fitdata using 1:5 nooutput
amdahl_n = STATS_records
amdahl_p = 0.5; amdahl_err = 0
if (amdahl_n >= 2) {
	fit [1:cores] amdahl(x, amdahl_p) fitdata using 1:5 via amdahl_p
	amdahl_err = amdahl_p_err
} else {
	amdahl_n = 0
}

stats fitdata using 1:5 nooutput
usl_total = STATS_records
usl_sigma = 0.05; usl_kappa = 0.001; usl_all = 0; usl_n = 0
if (amdahl_n >= 3) {
	fit [1:cores] usl(x, usl_sigma, usl_kappa) fitdata using 1:5 via usl_sigma, usl_kappa
	usl_n = amdahl_n
} else {
	if (usl_total >= 3) {
		fit usl(x, usl_sigma, usl_kappa) fitdata using 1:5 via usl_sigma, usl_kappa
		usl_n = usl_total; usl_all = 1
	}
}

/* amdahl.c - exercise 07: Karp-Flatt serial fractions and Amdahl and USL fits of a speedup sweep. */
/*
 * usage: amdahl [FILE]      (no FILE or "-": read standard input)
 * Reads a sweep: the wall time of one job run with different numbers of
 * workers, in either of two forms (mixing them is fine):
 *   tvp's CSV (`tvp ... --format csv`, one or more runs, each with its
 *   header): the columns workers and wall_median_s;
 *   lines "WORKERS SECONDS" (blank lines and lines from # on are skipped).
 * The sweep needs a run with 1 worker (T(1)) and one with more; at most
 * one run per worker count. Prints, per worker count N: the time, the
 * speedup S = T(1)/T(N), the efficiency S/N, the Karp-Flatt serial
 * fraction e, and the speedups the two fitted models predict; then the
 * fitted Amdahl p and USL sigma and kappa with each model's rms error.
 * Exit status 2 for a sweep it cannot read (one line on stderr).
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_POINTS 256
#define MAX_LINE 4096
#define MAX_FIELDS 64

/* One run of the sweep. */
struct point {
	int workers;    /* N */
	double seconds; /* T(N): wall time */
	double speedup; /* T(1) / T(N) */
};

/* ---- the models ---- */

/* Amdahl's law: the speedup with N workers when a fraction p of the
 * one-worker time runs in parallel: 1 / ((1 - p) + p / N). */
static double amdahl_speedup(double p, int workers)
{
	return 1 / ((1 - p) + p / workers);
}

/* The Universal Scalability Law (Gunther): the speedup with N workers
 * under contention sigma and coherency cost kappa:
 * N / (1 + sigma (N - 1) + kappa N (N - 1)). */
static double usl_speedup(double sigma, double kappa, int workers)
{
	double n = workers;
	return n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

/* The Karp-Flatt metric: the serial fraction e that a run with speedup
 * speedup on workers workers shows, e = (1/S - 1/N) / (1 - 1/N). It is
 * Amdahl's 1 - p solved from one point; NAN for workers = 1 (0/0). */
static double karp_flatt(double speedup, int workers)
{
	/* BEGIN SOLUTION */
	if (workers == 1)
		return NAN;
	double n = workers;
	return (1 / speedup - 1 / n) / (1 - 1 / n);
	/* BEGIN STARTER */
	//| /* TODO 1: return e as above, and NAN (from math.h) for one worker. */
	//| (void)speedup, (void)workers;
	//| return 0;
	/* END SOLUTION */
}

/* The Amdahl fraction p in [0, 1] that fits the sweep best: the p that
 * minimises the sum over points of (T(N)/T(1) - ((1 - p) + p/N))^2, the
 * squared error in the measured times (relative to one worker). The
 * points hold a run with 1 worker and one with more. */
static double amdahl_fit(const struct point *points, size_t count)
{
	/* BEGIN SOLUTION */
	/* T(N)/T(1) = 1 - p x with x = 1 - 1/N: a line through (0, 1). Its
	 * least-squares slope is sum x (1 - y) / sum x^2, with y = 1/S. */
	double sum_xy = 0, sum_xx = 0;
	for (size_t i = 0; i < count; i++) {
		double x = 1 - 1.0 / points[i].workers;
		sum_xy += x * (1 - 1 / points[i].speedup);
		sum_xx += x * x;
	}
	double p = sum_xy / sum_xx;
	return p < 0 ? 0 : p > 1 ? 1 : p;
	/* BEGIN STARTER */
	//| /* TODO 2: find that p. The model is a straight line in p: write
	 //| * T(N)/T(1) = 1 - p x with x = 1 - 1/N, set the derivative of the sum
	 //| * to 0 and solve for p; then keep p within [0, 1] (why is that still
	 //| * the least squares answer?). points[i].speedup is T(1)/T(N). */
	//| (void)points, (void)count;
	//| return 0;
	/* END SOLUTION */
}

/* The sum over points of (N T(N)/T(1) - (1 + sigma (N-1) + kappa N (N-1)))^2. */
static double usl_error(const struct point *points, size_t count, double sigma, double kappa)
{
	double sum = 0;
	for (size_t i = 0; i < count; i++) {
		double n = points[i].workers;
		double residual = n / points[i].speedup - (1 + sigma * (n - 1) + kappa * n * (n - 1));
		sum += residual * residual;
	}
	return sum;
}

/* The USL parameters sigma, kappa >= 0 that fit the sweep best: those that
 * minimise usl_error, the squared error in N T(N)/T(1) (the work done by
 * all N workers, relative to one), which is linear in sigma and kappa. */
static void usl_fit(const struct point *points, size_t count, double *sigma, double *kappa)
{
	/* y = N/S - 1 = sigma a + kappa b, a = N - 1, b = N (N - 1): the
	 * normal equations of a two-variable least squares through 0. */
	double saa = 0, sab = 0, sbb = 0, say = 0, sby = 0;
	for (size_t i = 0; i < count; i++) {
		double n = points[i].workers, a = n - 1, b = n * (n - 1);
		double y = n / points[i].speedup - 1;
		saa += a * a, sab += a * b, sbb += b * b, say += a * y, sby += b * y;
	}
	/* The best with kappa = 0, then with sigma = 0 (each clamped at 0),
	 * then both free if that solution is in range: keep the least error. */
	double candidates[3][2] = {
		{fmax(0, say / saa), 0},
		{0, fmax(0, sby / sbb)},
		{-1, -1},
	};
	double det = saa * sbb - sab * sab;
	if (det > 1e-12 * saa * sbb) {
		candidates[2][0] = (say * sbb - sby * sab) / det;
		candidates[2][1] = (sby * saa - say * sab) / det;
	}
	double best = INFINITY;
	for (int c = 0; c < 3; c++) {
		if (candidates[c][0] < 0 || candidates[c][1] < 0)
			continue;
		double error = usl_error(points, count, candidates[c][0], candidates[c][1]);
		if (error < best) {
			best = error;
			*sigma = candidates[c][0];
			*kappa = candidates[c][1];
		}
	}
}

/* The root mean square difference between the measured speedups and
 * model(params, N). */
static double rms_error(const struct point *points, size_t count,
			double (*model)(const double *params, int workers), const double *params)
{
	double sum = 0;
	for (size_t i = 0; i < count; i++) {
		double d = points[i].speedup - model(params, points[i].workers);
		sum += d * d;
	}
	return sqrt(sum / count);
}

static double amdahl_model(const double *params, int workers)
{
	return amdahl_speedup(params[0], workers);
}

static double usl_model(const double *params, int workers)
{
	return usl_speedup(params[0], params[1], workers);
}

/* ---- reading the sweep ---- */

/* Split line at commas (a field in double quotes may hold commas) into at
 * most MAX_FIELDS fields; return how many. Modifies line. */
static int split_csv(char *line, char *fields[MAX_FIELDS])
{
	int count = 0;
	char *p = line;
	while (count < MAX_FIELDS) {
		fields[count++] = p;
		int quoted = 0;
		for (; *p && (quoted || *p != ','); p++)
			if (*p == '"')
				quoted = !quoted;
		if (!*p)
			break;
		*p++ = '\0';
	}
	return count;
}

/* Stop with one line on stderr and exit status 2. */
static void bad_sweep(const char *name, int line_number, const char *what)
{
	if (line_number > 0)
		fprintf(stderr, "amdahl: %s line %d: %s\n", name, line_number, what);
	else
		fprintf(stderr, "amdahl: %s: %s\n", name, what);
	exit(2);
}

/* Read the sweep from in into points (sorted by workers, speedups set);
 * return how many. Exits (2) with one line on anything it cannot use. */
static size_t read_sweep(FILE *in, const char *name, struct point *points)
{
	char line[MAX_LINE], *fields[MAX_FIELDS];
	int workers_column = -1, seconds_column = -1, line_number = 0;
	size_t count = 0;
	while (fgets(line, sizeof line, in)) {
		line_number++;
		line[strcspn(line, "\r\n#")] = '\0';
		if (strspn(line, " \t") == strlen(line))
			continue;
		struct point point;
		char *end, *end2;
		if (strncmp(line, "workload,", 9) == 0) { /* a tvp CSV header */
			int n = split_csv(line, fields);
			workers_column = seconds_column = -1;
			for (int f = 0; f < n; f++) {
				if (strcmp(fields[f], "workers") == 0)
					workers_column = f;
				if (strcmp(fields[f], "wall_median_s") == 0)
					seconds_column = f;
			}
			if (workers_column < 0 || seconds_column < 0)
				bad_sweep(name, line_number, "a CSV header without workers and wall_median_s");
			continue;
		} else if (strchr(line, ',')) { /* a tvp CSV row */
			if (workers_column < 0)
				bad_sweep(name, line_number, "a CSV row before any header line");
			int n = split_csv(line, fields);
			if (n <= workers_column || n <= seconds_column)
				bad_sweep(name, line_number, "a CSV row shorter than its header");
			point.workers = (int)strtol(fields[workers_column], &end, 10);
			point.seconds = strtod(fields[seconds_column], &end2);
			if (*end || *end2 || end == fields[workers_column] || end2 == fields[seconds_column])
				bad_sweep(name, line_number, "workers or wall_median_s is not a number");
		} else { /* WORKERS SECONDS */
			point.workers = (int)strtol(line, &end, 10);
			point.seconds = strtod(end, &end2);
			if (end == line || end2 == end || strspn(end2, " \t") != strlen(end2))
				bad_sweep(name, line_number, "want two numbers, WORKERS SECONDS");
		}
		if (point.workers < 1 || !(point.seconds > 0) || !isfinite(point.seconds))
			bad_sweep(name, line_number, "want workers >= 1 and seconds > 0");
		for (size_t i = 0; i < count; i++)
			if (points[i].workers == point.workers)
				bad_sweep(name, line_number, "a second run with the same number of workers "
					  "(keep one per worker count)");
		if (count == MAX_POINTS)
			bad_sweep(name, line_number, "too many runs");
		points[count++] = point;
	}
	if (ferror(in))
		bad_sweep(name, 0, "read error");
	/* Sort by workers (insertion sort: a few points). */
	for (size_t i = 1; i < count; i++)
		for (size_t j = i; j > 0 && points[j - 1].workers > points[j].workers; j--) {
			struct point swap = points[j];
			points[j] = points[j - 1];
			points[j - 1] = swap;
		}
	if (count < 2 || points[0].workers != 1)
		bad_sweep(name, 0, "the sweep needs a run with 1 worker and at least one with more");
	for (size_t i = 0; i < count; i++)
		points[i].speedup = points[0].seconds / points[i].seconds;
	return count;
}

int main(int argc, char **argv)
{
	if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1])) {
		fprintf(stderr, "usage: amdahl [FILE]   (a sweep: tvp --format csv runs, or lines "
				"WORKERS SECONDS; no FILE or -: standard input)\n");
		return 2;
	}
	const char *name = argc == 2 && strcmp(argv[1], "-") != 0 ? argv[1] : "(standard input)";
	FILE *in = argc == 2 && strcmp(argv[1], "-") != 0 ? fopen(argv[1], "r") : stdin;
	if (!in) {
		fprintf(stderr, "amdahl: cannot open %s\n", argv[1]);
		return 2;
	}
	static struct point points[MAX_POINTS];
	size_t count = read_sweep(in, name, points);
	if (in != stdin)
		fclose(in);

	double p = amdahl_fit(points, count), usl[2] = {0, 0};
	usl_fit(points, count, &usl[0], &usl[1]);
	printf("amdahl: %zu runs from %s; T(1) = %.6f s\n", count, name, points[0].seconds);
	printf("%7s %10s %8s %10s %10s %9s %9s\n", "workers", "time s", "speedup", "efficiency",
	       "karp-flatt", "amdahl S", "usl S");
	for (size_t i = 0; i < count; i++) {
		const struct point *pt = &points[i];
		char e_text[32];
		double e = karp_flatt(pt->speedup, pt->workers);
		if (isnan(e))
			snprintf(e_text, sizeof e_text, "-");
		else
			snprintf(e_text, sizeof e_text, "%.4f", e);
		printf("%7d %10.6f %8.3f %10.3f %10s %9.3f %9.3f\n", pt->workers, pt->seconds,
		       pt->speedup, pt->speedup / pt->workers, e_text, amdahl_speedup(p, pt->workers),
		       usl_speedup(usl[0], usl[1], pt->workers));
	}
	printf("amdahl fit: p = %.4f, serial fraction 1-p = %.4f, ", p, 1 - p);
	if (p < 1)
		printf("speedup limit 1/(1-p) = %.1f", 1 / (1 - p));
	else
		printf("no speedup limit");
	printf("; rms error %.3f\n", rms_error(points, count, amdahl_model, &p));
	printf("usl fit: sigma = %.4f, kappa = %.5f, ", usl[0], usl[1]);
	double peak = usl[1] > 0 && usl[0] < 1 ? sqrt((1 - usl[0]) / usl[1]) : NAN;
	if (usl[1] == 0)
		printf("no peak (kappa = 0)");
	else if (!(peak >= 1))
		printf("no peak (it falls from 1 worker on)");
	else
		printf("peak at N = %.1f (speedup %.2f)", peak,
		       peak / (1 + usl[0] * (peak - 1) + usl[1] * peak * (peak - 1)));
	printf("; rms error %.3f\n", rms_error(points, count, usl_model, usl));
	return 0;
}

"""stats.py - the report's statistics: intervals from the repeats, admissible scaling fits.

Everything here works on the repeats a run recorded (wall_s.all): the ratio of two medians
with a bootstrap interval (as pyperf and benchstat judge a difference), the coefficient of
variation, and the scaling laws fitted only where they are admissible (Amdahl p in [0, 1],
USL sigma, kappa >= 0, from at least three core counts N <= cores; the overhead-aware law
with p in [0, 1], c0, c1 >= 0), each with a bootstrap interval over the repeats.
Standard library only; every random draw is seeded, so a report is reproducible.
"""
import itertools
import math
import random
import statistics

BOOTSTRAP = 2000      # resamples per interval
CONFIDENCE = 0.95
NOISY_CV = 0.10       # a configuration whose repeats vary more than this is flagged
REMEASURE_BUDGET_S = 10  # the sweep measures noisy configurations again for at most this long
MIN_CORE_COUNTS = 3   # Amdahl and USL: N = 1 and two more, all <= cores


def repeats(run):
	"""The measured wall times of a run (every repeat; the median alone for old records)."""
	wall = run["wall_s"]
	values = [x for x in wall.get("all") or [] if isinstance(x, (int, float))]
	return values or [wall["median"]]


def cv(values):
	"""Coefficient of variation (sample standard deviation over the mean); 0 for one value."""
	if len(values) < 2 or statistics.mean(values) <= 0:
		return 0.0
	return statistics.stdev(values) / statistics.mean(values)


def resample(values, rng):
	"""One bootstrap resample of values (same size, with replacement)."""
	return [values[rng.randrange(len(values))] for _ in values]


def percentile_interval(samples):
	"""The central CONFIDENCE interval of samples (sorted copy): (low, high)."""
	ordered = sorted(samples)
	tail = (1 - CONFIDENCE) / 2
	low = ordered[int(math.floor(tail * (len(ordered) - 1)))]
	high = ordered[int(math.ceil((1 - tail) * (len(ordered) - 1)))]
	return low, high


def ratio_interval(a, b, seed=1):
	"""median(a) / median(b) and its bootstrap interval over the repeats of each:
	{"ratio", "low", "high", "n_a", "n_b"}."""
	rng = random.Random(seed)
	a = [x for x in a if x > 0]
	b = [x for x in b if x > 0]
	if not a or not b:  # a time of 0 (below a clock's resolution) compares with nothing
		nan = float("nan")
		return {"ratio": nan, "low": nan, "high": nan, "n_a": len(a), "n_b": len(b)}
	ratio = statistics.median(a) / statistics.median(b)
	samples = [statistics.median(resample(a, rng)) / statistics.median(resample(b, rng)) for _ in range(BOOTSTRAP)]
	low, high = percentile_interval(samples)
	return {"ratio": ratio, "low": min(low, ratio), "high": max(high, ratio), "n_a": len(a), "n_b": len(b)}


def difference_interval(a, b, scale=1.0, seed=1):
	"""(median(a) - median(b)) * scale and its bootstrap interval over the repeats of each:
	{"diff", "low", "high"} (seconds when a and b are)."""
	rng = random.Random(seed)
	diff = (statistics.median(a) - statistics.median(b)) * scale
	samples = [(statistics.median(resample(a, rng)) - statistics.median(resample(b, rng))) * scale
		   for _ in range(BOOTSTRAP)]
	low, high = percentile_interval(samples)
	return {"diff": diff, "low": min(low, diff), "high": max(high, diff)}


def differs(interval):
	"""-1 when a is measurably faster than b (the time ratio's interval is below 1), +1 when
	slower (above 1), 0 when the interval holds 1 (no measurable difference) or is missing."""
	if math.isnan(interval["ratio"]):
		return 0
	if interval["high"] < 1:
		return -1
	if interval["low"] > 1:
		return 1
	return 0


def factor_words(ratio):
	"""A time ratio as words a reader cannot misread: '2.3x faster', '12x slower' (never
	'0.08 times faster')."""
	if ratio <= 0 or math.isnan(ratio):
		return "not comparable"
	if ratio < 1:
		return "%s faster" % times(1 / ratio)
	return "%s slower" % times(ratio)


def times(factor):
	"""A factor of at least 1 as '1.15x', '2.3x', '12x'."""
	if factor >= 10:
		return "%.0fx" % factor
	if factor >= 2:
		return "%.1fx" % factor
	return "%.2fx" % factor


def interval_text(interval):
	"""'ratio 1.03, 95% interval 0.92-1.15' (bounds with the digits it takes to show on which
	side of 1 they lie)."""
	return "ratio %.2f, %d%% interval %s-%s" % (interval["ratio"], round(100 * CONFIDENCE),
						 bound_text(interval["low"]), bound_text(interval["high"]))


def bound_text(value):
	"""An interval bound with 2 decimals, or up to 5 when 2 would put it on the wrong side of 1."""
	for digits in (2, 3, 4, 5):
		text = "%.*f" % (digits, value)
		if (float(text) > 1) == (value > 1) and (float(text) < 1) == (value < 1):
			return text
	return text


def compare_words(interval):
	"""The verdict of a time ratio a/b: '2.3x faster (ratio 0.43, 95% interval 0.40-0.47)',
	or 'no measurable difference (ratio 1.03, 95% interval 0.92-1.15)'."""
	side = differs(interval)
	if math.isnan(interval["ratio"]):
		return "not comparable (a time of 0 s)"
	if side == 0:
		return "no measurable difference (%s)" % interval_text(interval)
	return "%s (%s)" % (factor_words(interval["ratio"]), interval_text(interval))


# ---- scaling laws ------------------------------------------------------------------

def amdahl(n, p):
	"""Amdahl's speedup on n workers with parallel fraction p."""
	return 1.0 / ((1.0 - p) + p / n)


def usl(n, sigma, kappa):
	"""The Universal Scalability Law's speedup on n workers."""
	return n / (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0))


def karp_flatt(speedup, workers):
	"""The Karp-Flatt serial fraction e = (1/S - 1/N) / (1 - 1/N); NaN at N = 1. Above 1
	means slower than serial (S < 1): not a fraction of anything."""
	if workers <= 1 or speedup <= 0:
		return float("nan")
	return (1.0 / speedup - 1.0 / workers) / (1.0 - 1.0 / workers)


def karp_flatt_interval(serial, run, workers, seed=1):
	"""Karp-Flatt e at workers from the repeats of the serial run and of the run, with its
	bootstrap interval: {"e", "low", "high"}."""
	rng = random.Random(seed)
	e = karp_flatt(statistics.median(serial) / statistics.median(run), workers)
	samples = [karp_flatt(statistics.median(resample(serial, rng)) / statistics.median(resample(run, rng)), workers)
		   for _ in range(BOOTSTRAP // 4)]
	low, high = percentile_interval(samples)
	return {"e": e, "low": min(low, e), "high": max(high, e)}


def fit_amdahl(points):
	"""Least-squares p in [0, 1] for 1/S = 1 - p (1 - 1/N) over points [(N, S)]: closed form,
	clamped. Returns p."""
	xs = [1.0 - 1.0 / n for n, _ in points]
	ys = [1.0 - 1.0 / s for _, s in points]
	den = sum(x * x for x in xs)
	if den == 0:
		return float("nan")
	return min(1.0, max(0.0, sum(x * y for x, y in zip(xs, ys)) / den))


def least_squares(rows, ys):
	"""Ordinary least squares for a few unknowns (normal equations, Gaussian elimination).
	Returns the coefficients, or None when the system is singular."""
	k = len(rows[0])
	a = [[sum(r[i] * r[j] for r in rows) for j in range(k)] + [sum(r[i] * y for r, y in zip(rows, ys))]
	     for i in range(k)]
	for col in range(k):
		pivot = max(range(col, k), key=lambda i: abs(a[i][col]))
		if abs(a[pivot][col]) < 1e-300:
			return None
		a[col], a[pivot] = a[pivot], a[col]
		for i in range(k):
			if i != col:
				f = a[i][col] / a[col][col]
				a[i] = [x - f * y for x, y in zip(a[i], a[col])]
	return [a[i][k] / a[i][i] for i in range(k)]


def bounded_least_squares(rows, ys, bounds):
	"""Least squares with each unknown in [low, high] (None: unbounded): tries every set of
	unknowns held at a bound (few unknowns, so exhaustively) and keeps the feasible solution with
	the smallest residual. Returns the coefficients, or None."""
	k = len(bounds)
	best, best_res = None, float("inf")
	choices = [[None] + [b for b in bound if b is not None] for bound in bounds]
	for fixed in itertools.product(*choices):
		free = [i for i in range(k) if fixed[i] is None]
		rest = [y - sum(r[i] * fixed[i] for i in range(k) if fixed[i] is not None) for r, y in zip(rows, ys)]
		coef = [fixed[i] for i in range(k)]
		if free:
			solved = least_squares([[r[i] for i in free] for r in rows], rest)
			if solved is None:
				continue
			for i, value in zip(free, solved):
				coef[i] = value
		if any((lo is not None and c < lo - 1e-12) or (hi is not None and c > hi + 1e-12)
		       for c, (lo, hi) in zip(coef, bounds)):
			continue
		coef = [min(hi, c) if hi is not None else c for c, (lo, hi) in zip(coef, bounds)]
		coef = [max(lo, c) if lo is not None else c for c, (lo, hi) in zip(coef, bounds)]
		res = sum((y - sum(r[i] * coef[i] for i in range(k))) ** 2 for r, y in zip(rows, ys))
		if res < best_res:
			best, best_res = coef, res
	return best


def fit_usl(points):
	"""sigma, kappa >= 0 for N/S - 1 = sigma (N-1) + kappa N (N-1) over points [(N, S)]."""
	rows = [[n - 1.0, n * (n - 1.0)] for n, _ in points]
	ys = [n / s - 1.0 for n, s in points]
	return bounded_least_squares(rows, ys, [(0.0, None), (0.0, None)])


def fit_overhead(points, serial_s, cores):
	"""p in [0, 1], c0, c1 >= 0 (seconds) for T(N) = T1((1-p) + p/min(N, cores)) + c0 + c1 (N-1)
	over points [(N, T)]: the work shares at most the cores, the cost per extra worker does not."""
	rows, ys = [], []
	for n, t in points:
		used = min(n, cores)
		rows.append([-serial_s * (1.0 - 1.0 / used), 1.0, n - 1.0])
		ys.append(t - serial_s)
	return bounded_least_squares(rows, ys, [(0.0, 1.0), (0.0, None), (0.0, None)])


def undefined_p_text(speedup, workers):
	"""Why one speedup S at N workers gives no Amdahl p: 'superlinear (S(2)=2.08 > 2: p not
	defined)' when S > N (p above 1), 'slower than serial (S(2)=0.91 < 1: p not defined)' when
	S < 1 (p below 0)."""
	if speedup > workers:
		return "superlinear (S(%d)=%s > %d: p not defined)" % (workers, beside(speedup, workers),
									  workers)
	return "slower than serial (S(%d)=%s < 1: p not defined)" % (workers, beside(speedup, 1))


def beside(value, bound):
	"""value with two decimals, or as many more (up to 4) as it takes not to print the bound it
	is compared with: 0.996 against 1, not '1.00 < 1'."""
	for digits in (2, 3, 4):
		text = "%.*f" % (digits, value)
		if float(text) != bound:
			return text
	return text


def scaling_fits(serial, series, cores, seed=1):
	"""The admissible fits of one series.

	serial: the serial run's repeats (seconds); series: {workers: repeats}. Returns
	{"core_counts": distinct N <= cores (N = 1 counts as the serial point),
	 "overhead_bound": slower than serial at every N > 1,
	 "amdahl": None or {"p", "low", "high", "n"},
	 "one_point": None or {"p", "workers"} (one N > 1 within the cores: the p it implies),
	 "no_p": None or {"workers", "speedup", "text"} (that one speedup implies a p outside [0, 1]:
	   superlinear, S(N) > N, or slower than serial there; text says which, for a reader),
	 "usl": None or {"sigma", "kappa", "sigma_low", ..., "n"},
	 "overhead": None or {"p", "c0", "c1", intervals, "n"} (only from three core counts N <= cores,
	   as Amdahl: on fewer its p would rest on one speedup),
	 "costs": None or {"first": one worker against serial, "past": per worker past the cores}
	   (difference_interval each, or None): what the points show without a fit, where the
	   overhead-aware fit is not admissible,
	 "karp_flatt": {N: karp_flatt_interval} for each N > 1 within the cores,
	 "why": {"amdahl": text, "usl": text, "overhead": text} for those not fitted}."""
	base = statistics.median(serial)
	speedups = {n: base / statistics.median(v) for n, v in series.items()}
	within = sorted(n for n in speedups if n <= cores)
	counts = sorted(set([1] + within))
	above = [n for n in speedups if n > 1]
	out = {"core_counts": counts, "amdahl": None, "one_point": None, "no_p": None, "usl": None, "overhead": None,
	       "costs": None, "why": {}, "karp_flatt": {n: karp_flatt_interval(serial, series[n], n, seed)
						       for n in within if n > 1},
	       "overhead_bound": bool(above) and all(speedups[n] < 1 for n in above)}
	rng = random.Random(seed)

	def boot(fit):
		"""Bootstrap fit(serial_median, {N: median}) over the repeats: list of results."""
		draws = []
		for _ in range(BOOTSTRAP // 4):
			b = statistics.median(resample(serial, rng))
			meds = {n: statistics.median(resample(v, rng)) for n, v in series.items()}
			value = fit(b, meds)
			if value is not None:
				draws.append(value)
		return draws

	def amdahl_of(b, meds):
		pts = [(n, b / meds[n]) for n in within if n > 1] + [(1, 1.0)]
		return fit_amdahl(pts)

	if out["overhead_bound"]:
		out["why"]["amdahl"] = out["why"]["usl"] = "slower than serial at every N > 1: overhead-bound, Amdahl's law does not apply"
	elif len(counts) < MIN_CORE_COUNTS:
		out["why"]["amdahl"] = out["why"]["usl"] = "a fit needs three core counts (N = 1 and two more, all at most the %d cores)" % cores
		inside = [n for n in within if n > 1]
		if inside:
			n = inside[-1]
			p = (1 - 1 / speedups[n]) / (1 - 1 / n)
			if 0 <= p <= 1:
				out["one_point"] = {"p": p, "workers": n}
			else:
				out["no_p"] = {"workers": n, "speedup": speedups[n], "text": undefined_p_text(speedups[n], n)}
	else:
		p = amdahl_of(base, {n: statistics.median(v) for n, v in series.items()})
		draws = boot(amdahl_of)
		low, high = percentile_interval(draws) if draws else (p, p)
		out["amdahl"] = {"p": p, "low": min(low, p), "high": max(high, p), "n": len(counts)}
		pts = [(1, 1.0)] + [(n, speedups[n]) for n in within if n > 1]
		fitted = fit_usl(pts)
		if fitted is None:
			out["why"]["usl"] = "the USL fit failed (singular points)"
		else:
			def usl_of(b, meds):
				return fit_usl([(1, 1.0)] + [(n, b / meds[n]) for n in within if n > 1])
			draws = boot(usl_of)
			s_low, s_high = percentile_interval([d[0] for d in draws]) if draws else (fitted[0],) * 2
			k_low, k_high = percentile_interval([d[1] for d in draws]) if draws else (fitted[1],) * 2
			out["usl"] = {"sigma": fitted[0], "kappa": fitted[1], "sigma_low": min(s_low, fitted[0]),
				      "sigma_high": max(s_high, fitted[0]), "kappa_low": min(k_low, fitted[1]),
				      "kappa_high": max(k_high, fitted[1]), "n": len(counts)}
	every = sorted(series)
	if len(counts) < MIN_CORE_COUNTS:
		out["why"]["overhead"] = ("the overhead-aware fit needs three core counts too (N = 1 and two more, all at most "
					  "the %d cores)" % cores)
		past = [n for n in every if n > cores]
		first = difference_interval(series[1], serial, seed=seed) if 1 in series else None
		step = None
		if past and cores in series:
			top = max(past)
			step = difference_interval(series[top], series[cores], 1.0 / (top - cores), seed=seed)
			step.update({"from": cores, "to": top})
		if first or step:
			out["costs"] = {"first": first, "past": step}
	elif len(every) < 4:
		out["why"]["overhead"] = "the overhead-aware fit has three parameters and needs four worker counts"
	else:
		def overhead_of(b, meds):
			return fit_overhead([(n, meds[n]) for n in every], b, cores)
		fitted = overhead_of(base, {n: statistics.median(v) for n, v in series.items()})
		if fitted is None:
			out["why"]["overhead"] = "the overhead-aware fit failed"
		else:
			draws = boot(overhead_of)
			entry = {"p": fitted[0], "c0": fitted[1], "c1": fitted[2], "n": len(every)}
			for i, key in enumerate(("p", "c0", "c1")):
				low, high = percentile_interval([d[i] for d in draws]) if draws else (fitted[i],) * 2
				entry[key + "_low"], entry[key + "_high"] = min(low, fitted[i]), max(high, fitted[i])
			out["overhead"] = entry
	return out


def curve(function, start, stop, steps=60):
	"""[(x, function(x))] sampled on [start, stop]; empty when any value is not finite, is
	negative, or exceeds x (no drawn curve may have a pole, go below 0 or beat the ideal)."""
	points = []
	for i in range(steps + 1):
		x = start + (stop - start) * i / steps
		try:
			y = function(x)
		except ZeroDivisionError:
			return []
		if math.isnan(y) or math.isinf(y) or y < 0 or y > x * (1 + 1e-9):
			return []
		points.append((x, y))
	return points

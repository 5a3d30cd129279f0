# practice.awk - seeded practice questions, OSTEP-style: a fresh question for each seed, and its answer with the working.
#
# usage: awk -v topic=amdahl|schedule|gil|overhead -v seed=N [-v check=1] -f practice.awk
# Prints the question; with check=1 also the answer and how it follows.
# The same topic and seed give the same question on every machine (the
# generator is MINSTD, not awk's rand). The answers come from the model the
# report fits: Amdahl's law, and T(N) = T1((1-p) + p/N) + c0 + c1(N-1) with
# start-up costs. A line "given: ..." holds the question's numbers and a
# line "answer: ..." the answer's, as name=value pairs. Bad input: one line
# on stderr, exit 2.

# next_random(): the next number in [0, 1) of the seeded MINSTD sequence.
function next_random() {
	state = (state * 48271) % 2147483647
	return state / 2147483647
}

# pick(lo, hi): a whole number in [lo, hi].
function pick(lo, hi) {
	return lo + int(next_random() * (hi - lo + 1))
}

# pick_of(list): one of the space-separated words of list.
function pick_of(list,    words, count) {
	count = split(list, words, " ")
	return words[pick(1, count)]
}

function usage(what) {
	printf "practice: %s\n", what > "/dev/stderr"
	bad = 1
	exit 2
}

# amdahl_time(t1, p, n, c0, c1): T(N) = T1((1-p) + p/N) + c0 + c1(N-1).
function amdahl_time(t1, p, n, c0, c1) {
	return t1 * ((1 - p) + p / n) + c0 + c1 * (n - 1)
}

function footer() {
	printf "\nWrite your prediction down, then:  make -C exercises practice TOPIC=%s SEED=%s CHECK=1\n", topic, seed
}

function amdahl(    t1, p, n, c0, c1, parallel, startup, t, s) {
	t1 = pick(20, 120) * 10
	p = pick(70, 99) / 100
	n = pick(2, 16)
	c0 = pick(1, 40) / 10
	c1 = pick(1, 30) / 20
	printf "A job takes T1 = %d ms on one worker; a share p = %.2f of it runs in parallel.\n", t1, p
	printf "Starting the workers costs c0 = %.1f ms once, and c1 = %.2f ms more for each worker past the first.\n", c0, c1
	printf "It runs on N = %d workers.\n\n", n
	printf "Predict: the time T(%d) in ms, and the speedup S = T1 / T(%d).\n", n, n
	printf "given: T1_ms=%d p=%.2f c0_ms=%.1f c1_ms=%.2f N=%d\n", t1, p, c0, c1, n
	if (!check) return footer()
	parallel = t1 * ((1 - p) + p / n)
	startup = c0 + c1 * (n - 1)
	t = amdahl_time(t1, p, n, c0, c1)
	s = t1 / t
	printf "\nThe answer, by T(N) = T1((1-p) + p/N) + c0 + c1(N-1):\n"
	printf "  work:     %d x (%.2f + %.2f/%d) = %.1f ms\n", t1, 1 - p, p, n, parallel
	printf "  start-up: %.1f + %.2f x %d = %.2f ms\n", c0, c1, n - 1, startup
	printf "  T(%d) = %.1f ms, S = %d / %.1f = %.2f\n", n, t, t1, t, s
	printf "  Amdahl alone (no start-up) gives S = %.2f; no N can beat 1/(1-p) = %.1f.\n", 1 / ((1 - p) + p / n), 1 / (1 - p)
	printf "answer: T_ms=%.1f S=%.2f\n", t, s
}

function overhead(    kinds, kind, t1, p, c0, c1, n, best, best_t, t, nstar) {
	kind = pick_of("threads processes")
	t1 = pick(1, 60) / 2
	p = pick(90, 100) / 100
	if (kind == "threads") { c0 = pick(2, 10) / 100; c1 = pick(2, 12) / 100 }
	else { c0 = pick(10, 60) / 100; c1 = pick(15, 120) / 100 }
	printf "A job takes T1 = %.1f ms serially; a share p = %.2f of it can run in parallel.\n", t1, p
	printf "Its workers are %s: on this machine starting them costs c0 = %.2f ms once,\n", kind, c0
	printf "and c1 = %.2f ms for each one past the first (measure yours: build/tvp overhead).\n\n", c1
	printf "Predict: how many workers (1 to 16) make T(N) = T1((1-p) + p/N) + c0 + c1(N-1) least,\n"
	printf "and does that beat the serial run (T1, no start-up at all)?\n"
	printf "given: T1_ms=%.1f p=%.2f c0_ms=%.2f c1_ms=%.2f kind=%s\n", t1, p, c0, c1, kind
	if (!check) return footer()
	best = 1; best_t = amdahl_time(t1, p, 1, c0, c1)
	for (n = 2; n <= 16; n++) {
		t = amdahl_time(t1, p, n, c0, c1)
		if (t < best_t - 1e-9) { best = n; best_t = t }
	}
	nstar = sqrt(t1 * p / c1)
	printf "\nThe answer: dT/dN = -T1 p / N^2 + c1 is 0 at N* = sqrt(T1 p / c1) = sqrt(%.1f x %.2f / %.2f) = %.2f,\n", t1, p, c1, nstar
	printf "so the best whole N is a neighbour of N* (within 1 to 16):\n"
	for (n = (best > 1 ? best - 1 : 1); n <= (best < 16 ? best + 1 : 16); n++)
		printf "  T(%d) = %.1f x (%.2f + %.2f/%d) + %.2f + %.2f x %d = %.3f ms\n", n, t1, 1 - p, p, n, c0, c1, n - 1, amdahl_time(t1, p, n, c0, c1)
	printf "  best: N = %d, T = %.3f ms against serial %.1f ms: %s\n", best, best_t, t1,
		best_t < t1 ? sprintf("parallel pays, S = %.2f", t1 / best_t) : "parallel does not pay; run it serially"
	printf "answer: N=%d T_ms=%.3f pays=%s\n", best, best_t, best_t < t1 ? "yes" : "no"
}

# deal(costs, units, workers, how, load): each worker's sum of unit costs under schedule how.
function deal(costs, units, workers, how, load,    w, u, base, extra, first, size, lightest) {
	for (w = 0; w < workers; w++) load[w] = 0
	if (how == "static") {
		base = int(units / workers); extra = units % workers; first = 0
		for (w = 0; w < workers; w++) {
			size = base + (w < extra ? 1 : 0)
			for (u = first; u < first + size; u++) load[w] += costs[u]
			first += size
		}
	} else if (how == "cyclic") {
		for (u = 0; u < units; u++) load[u % workers] += costs[u]
	} else {
		for (u = 0; u < units; u++) {
			lightest = 0
			for (w = 1; w < workers; w++) if (load[w] < load[lightest]) lightest = w
			load[lightest] += costs[u]
		}
	}
}

function schedule(    shape, units, workers, slope, costs, u, total, list, hows, h, how, load, w, span, shown) {
	shape = pick_of("rising peak random falling")
	units = pick(8, 14)
	workers = pick(2, 4)
	slope = pick(2, 4) / 3
	for (u = 0; u < units; u++) {
		if (shape == "rising") costs[u] = 1 + int(u * slope)
		else if (shape == "falling") costs[u] = 1 + int((units - 1 - u) * slope)
		else if (shape == "peak") costs[u] = 1 + int(12 * (1 - ((2 * u - units + 1) / units) ^ 2)) + pick(0, 1)
		else costs[u] = pick(1, 12)
		total += costs[u]
		list = list (u ? "," : "") costs[u]
	}
	printf "%d units of work (a %s cost profile), in ms, unit 0 first:\n  %s\n", units, shape, list
	printf "%d workers. For each schedule predict the time (the busiest worker's sum)\n", workers
	printf "and the speedup over one worker (%d ms, the sum):\n", total
	printf "  static   one block each, in order; the first (units mod workers) blocks one unit longer\n"
	printf "  cyclic   unit u to worker u mod %d\n", workers
	printf "  dynamic  units in order, each to the worker with the least work so far (ties: the lowest)\n"
	printf "given: workers=%d costs=%s\n", workers, list
	if (!check) return footer()
	printf "\nThe answer, each worker's sum of its units' costs:\n"
	split("static cyclic dynamic", hows, " ")
	answer = "answer:"
	for (h = 1; h <= 3; h++) {
		how = hows[h]
		deal(costs, units, workers, how, load)
		span = 0; shown = ""
		for (w = 0; w < workers; w++) {
			shown = shown sprintf(" %3d", load[w])
			if (load[w] > span) span = load[w]
		}
		printf "  %-8s loads%s  time %d ms, speedup %d/%d = %.2f\n", how, shown, span, total, span, total / span
		answer = answer sprintf(" %s=%d", how, span)
	}
	printf "  (no schedule can beat the larger of %d/%d = %.1f ms and the costliest unit)\n", total, workers, total / workers
	print answer
}

function gil(    mode, workers, free, to, low, high, procs) {
	mode = pick_of("modern modern legacy off")
	workers = pick(2, 4)
	free = (mode == "modern") ? pick(0, 4) / 4 : 0
	to = pick(5, 20) * 100000
	printf "primes below %d, on %d workers, under a simulated GIL: --gil %s", to, workers, mode
	if (mode == "modern") printf " --gil-free %.2f", free
	printf ".\nPredict the speedup over the serial run of %d threads (--model pthread),\n", workers
	printf "and of %d processes (--model fork, each with its own lock), on a machine with %d free cores.\n", workers, workers
	printf "given: workers=%d gil=%s free=%.2f to=%d\n", workers, mode, free, to
	printf "\nThen run it and compare (RUN=1 runs these and prints the speedups; fewer cores than workers give less):\n"
	printf "  build/tvp primes --to %d --model serial\n", to
	printf "  build/tvp primes --to %d --model pthread --workers %d --schedule dynamic --gil %s --gil-free %.2f\n", to, workers, mode, free
	printf "  build/tvp primes --to %d --model fork --workers %d --schedule dynamic --gil %s --gil-free %.2f\n", to, workers, mode, free
	if (!check) return footer()
	printf "\nThe answer:\n"
	if (mode == "off") {
		low = workers; high = workers
		printf "  no lock: every thread runs at once, p = 1: S = N = %d (less start-up)\n", workers
	} else if (mode == "legacy") {
		low = 0; high = 1
		printf "  legacy: one lock, released and retaken every 100 ticks; a waiter almost never wins it,\n"
		printf "  and the futile wake-ups cost time: S <= 1, often below 1 (the talk's convoy)\n"
	} else {
		low = 1 / ((1 - free) + free / workers)
		high = (free < 1) ? 1 / (1 - free) : workers
		if (high > workers) high = workers
		printf "  modern, a share F = %.2f of the work without the lock:\n", free
		printf "  Amdahl's bound, one thread's locked work stops all: 1/((1-F) + F/N) = 1/(%.2f + %.2f/%d) = %.2f\n", 1 - free, free, workers, low
		printf "  the overlap bound, locked work excludes only locked work: min(N, 1/(1-F)) = %.2f\n", high
		printf "  threads land between them; how finely the work is cut decides where\n"
	}
	procs = workers
	printf "  processes: each has its own lock: S = N = %d, less fork's start-up (see build/tvp overhead)\n", procs
	printf "answer: threads_low=%.2f threads_high=%.2f processes=%d\n", low, high, procs
}

BEGIN {
	if (seed !~ /^[0-9]+$/) usage("SEED must be a whole number, not '" seed "'")
	if (topic !~ /^(amdahl|schedule|gil|overhead)$/) usage("TOPIC must be amdahl, schedule, gil or overhead, not '" topic "'")
	state = (seed % 2147483646) + 1
	for (warm = 0; warm < 8; warm++) next_random()
	printf "practice %s, seed %s\n\n", topic, seed
	if (topic == "amdahl") amdahl()
	else if (topic == "overhead") overhead()
	else if (topic == "schedule") schedule()
	else gil()
	exit 0
}

"""claims.py - what the talks (shared/seeds) claimed, and how to check each claim against a run.

Each claim: title, source, the claim in a sentence, the talk's own table (quoted), and
check(analysis) -> (measured: LaTeX text, verdict: "holds here" | "does not hold here" |
"partly holds here" | "not measured here", why: LaTeX text). The verdicts and every number
in them come from the analysis; nothing about this machine is written here in advance.
"""

import flip_report
import stats
from facts import command_run, gil_brief, short_command, sizes_tex, sizes_text
from latex import code, secs, tex

NOT_MEASURED = "not measured here"


def versus(run, other):
	"""(LaTeX words, side) for run's time against other's: side -1 faster, +1 slower, 0 no
	measurable difference (stats.differs on the bootstrap interval of the ratio of medians)."""
	i = stats.ratio_interval(stats.repeats(run), stats.repeats(other))
	return tex(stats.compare_words(i)), stats.differs(i)


def scaling_run(a, group, model, workers, gil=None):
	"""The run of a model at workers in a scaling group (or a GIL mode's series), or None."""
	entry = a.gil.get(group, {}).get(gil) if gil else a.scaling.get(group)
	if not entry:
		return None
	return next((r for r in entry["series"].get(model, []) if r["workers"] == workers), None)


def serial_run(a, group, gil=None):
	"""The serial run of a scaling group (or of a GIL mode's series), or None."""
	entry = a.gil.get(group, {}).get(gil) if gil else a.scaling.get(group)
	return entry["serial_run"] if entry else None


def check_primes(a):
	"""PEP 371 primes: threads slower than serial under the GIL, processes much faster."""
	serial = serial_run(a, "primes")
	procs = scaling_run(a, "primes", "pool", a.cores) or scaling_run(a, "primes", "fork", a.cores)
	if not serial or not procs:
		return "no primes run.", NOT_MEASURED, "The primes workload did not run."
	words, proc_side = versus(procs, serial)
	text = "%s, %d processes (%s) against serial: %s" % (sizes_tex(serial), a.cores, code(procs["model"]), words)
	free = scaling_run(a, "primes", "pthread", a.cores)
	if free:
		text += "; %d C threads with no GIL: %s" % (a.cores, versus(free, serial)[0])
	gil = None
	for mode in ("legacy", "modern"):
		threads, gserial = scaling_run(a, "primes", "pthread", a.cores, mode), serial_run(a, "primes", mode)
		if threads and gserial:
			words, side = versus(threads, gserial)
			gil = (mode, side)
			text += "; at %s, %d threads under the simulated %s GIL against serial under it: %s" % (
				sizes_tex(gserial), a.cores, mode, words)
			break
	text += "."
	if gil is None:
		return (text, "partly holds here" if proc_side < 0 else "does not hold here",
			"The thread half needs the GIL runs, which this sweep does not have.")
	if proc_side < 0 and gil[1] > 0:
		return text, "holds here", ("Threads that must hold one interpreter lock run one at a time and pay for the hand-offs, "
					    "so more threads are no faster than one; each process has its own lock, so processes scale.")
	if proc_side < 0 and gil[1] == 0:
		return text, "partly holds here", ("Processes were measurably faster than serial; threads under the %s GIL were no "
						   "faster than serial, but not measurably slower as the talk's." % gil[0])
	return text, "does not hold here", "Processes were %s and threads under the %s GIL %s." % (
		"measurably faster than serial" if proc_side < 0 else "not measurably faster than serial", gil[0],
		"not slower than serial" if gil[1] < 0 else "no faster than serial")


def check_tiny(a):
	"""Stockholm tiny tasks: threads far slower than serial, processes faster, Pool slower than Process."""
	serial = serial_run(a, "tinytask")
	if not serial:
		return "the tiny-task workload is not in this build.", NOT_MEASURED, "No tiny-task runs."
	c = a.cores
	t, f, p = (scaling_run(a, "tinytask", m, c) for m in ("pthread", "fork", "pool"))
	parts, checks, names = [], [], []
	if t:
		words, side = versus(t, serial)
		parts.append("threads against serial: %s" % words)
		checks.append(side > 0)
		names.append("threads slower than serial")
	if f:
		words, side = versus(f, serial)
		parts.append("fork against serial: %s" % words)
		checks.append(side < 0)
		names.append("processes faster than serial")
	if f and p:
		words, side = versus(p, f)
		parts.append("pool against fork: %s" % words)
		checks.append(side > 0)
		names.append("the Pool slower than processes")
	text = "%s, %d workers: %s." % (sizes_tex(serial), c, "; ".join(parts))
	held = sum(checks)
	verdict = "holds here" if held == len(checks) and checks else ("partly holds here" if held else "does not hold here")
	return text, verdict, ("When each task is a few microseconds, start-up and hand-off costs (see the overhead constants) "
			       "decide the order, not the work: %d of the talk's %d orderings %s beyond the noise (%s)." % (
				       held, len(checks), "holds" if held == 1 else "hold",
				       "; ".join("%s: %s" % (n, "holds" if c else "does not") for n, c in zip(names, checks))))


def check_grep(a):
	"""Edinburgh file search: shipping data is slow, chunking is fast, grep is fastest."""
	if not a.grep_input:
		return "the grep workload or its input strategies are not in this build.", NOT_MEASURED, "No grep runs."
	lines, holds = [], []
	for regex, entry in a.grep_input.items():
		for model in ("fork", "pool"):
			ship = [r for r in entry["series"].get(model + "-ship", []) if r["workers"] == a.cores]
			shared = [r for r in entry["series"].get(model + "-shared", []) if r["workers"] == a.cores]
			if ship and shared:
				words, side = versus(ship[0], shared[0])
				lines.append("%s, %s: shipped against shared, %s" % (sizes_tex(ship[0]), code(model), words))
				holds.append(side > 0)
	fastest = grep_fastest(a)
	if not lines:
		return "no ship/shared pair ran.", NOT_MEASURED, ""
	shipping = sum(holds), len(holds)
	gnu = gnu_grep_place(a)
	if gnu:
		holds.append(gnu[1])
	verdict = "holds here" if all(holds) else ("partly holds here" if any(holds) else "does not hold here")
	return "; ".join(lines) + ". " + fastest + (" " + gnu[0] if gnu else ""), verdict, (
		"Shipping makes the parent read every byte and push it through a pipe before a worker can start; with shared "
		"input each worker maps its own chunk, so only the answer travels. Shipping was measurably slower in %d of %d "
		"pairs.%s tvp against GNU grep and ripgrep is compared only as whole processes (section \\ref{sec:grep-like})." % (
			shipping[0], shipping[1], "" if not gnu else (" GNU grep was the fastest whole process, as in the talk." if gnu[1] else
			" GNU grep was not the fastest whole process here (the talk's other programs were Python; tvp is C).")))


def grep_fastest(a):
	"""One sentence: the whole process with the lowest median in the like-for-like hyperfine table,
	against the runner-up by the interval of their ratio (fastest only when it excludes 1), or ''."""
	exported = a.hyperfine.get("grep")
	if not exported:
		return ""
	ranked = sorted(exported["results"], key=lambda r: r.get("median", r["mean"]))
	corpus = a.sweep.get("sizes", {}).get("corpus")

	def name(command):
		return code(short_command(command) if command.startswith("tvp ") else command.replace(corpus or "\0", "CORPUS"))
	best = ranked[0]
	text = "Lowest median whole process on the few-match regex: %s, %s" % (name(best["command"]), secs(best.get("median", best["mean"])))
	if len(ranked) > 1 and best.get("times") and ranked[1].get("times"):
		i = stats.ratio_interval(best["times"], ranked[1]["times"])
		text += "; against the next, %s: %s" % (name(ranked[1]["command"]), tex(stats.compare_words(i)))
	return text + "."


def gnu_grep_place(a):
	"""(LaTeX sentence, held) for the talk's "grep is fastest" on the few-match regex: GNU grep's
	whole process against the fastest other one (held when grep is measurably faster), or None."""
	exported = a.hyperfine.get("grep")
	if not exported:
		return None
	results = [r for r in exported["results"] if r.get("times")]
	gnu = next((r for r in results if not r["command"].startswith("tvp ") and " grep " in " %s " % r["command"]), None)
	others = [r for r in results if r is not gnu]
	if not gnu or not others:
		return None
	best = min(others, key=lambda r: r.get("median", r["mean"]))
	i = stats.ratio_interval(gnu["times"], best["times"])
	name = code(short_command(best["command"]) if best["command"].startswith("tvp ") else best["command"].split()[0])
	return ("GNU grep against the fastest other whole process (%s): %s." % (name, tex(stats.compare_words(i))),
		stats.differs(i) < 0)


def check_mandelbrot(a):
	"""Edinburgh Mandelbrot: pure Python threads slower than serial; line and random orders balance the load."""
	parts, bits = [], []
	for mode in ("modern", "legacy"):
		threads, serial = scaling_run(a, "mandelbrot", "pthread", a.cores, mode), serial_run(a, "mandelbrot", mode)
		if threads and serial:
			words, side = versus(threads, serial)
			parts.append("%s: %d threads under the simulated %s GIL against serial: %s%s" % (
				sizes_tex(serial), a.cores, mode, words, short_gil_words(threads)))
			bits.append(side > 0)
	block = next((r for r in a.schedules if r["label"].startswith("block")), None)
	for other_name in ("line", "random"):
		other = next((r for r in a.schedules if r["label"].startswith(other_name)), None)
		for model in getattr(a, "schedule_models", []):
			if block and other and model in block["runs"] and model in other["runs"]:
				words, side = versus(other["runs"][model], block["runs"][model])
				parts.append("%s, %d workers, %s against one block per worker: %s" % (
					code(model), block.get("workers", a.cores), tex(other["label"]), words))
				bits.append(side < 0)
	if not parts:
		return "Mandelbrot is not in this build.", NOT_MEASURED, "No Mandelbrot runs."
	verdict = "holds here" if all(bits) else ("partly holds here" if any(bits) else "does not hold here")
	cpu = [c for c in (block or {}).get("cpu", {}).get(getattr(a, "busy_model", None), []) if c == c]
	share = (" (here the busiest of %d workers did %.0f\\%% of the kernels' CPU time with one block each)" % (
		len(cpu), 100 * max(cpu) / sum(cpu)) if cpu and sum(cpu) > 0 else "")
	return "; ".join(parts) + ".", verdict, (
		"Rows inside the set cost the full iteration count and rows outside cost almost nothing, so one block per worker "
		"gives some workers far more of the work than others%s; dealing rows one at a time or in random order spreads "
		"it. " % share +
		"%d of %d checks agree with the talk beyond the noise (threads slower than serial, as the talk's 41 s against "
		"26 s; rows dealt one at a time or at random faster than one block per worker)." % (sum(bits), len(bits)))


def short_gil_words(run):
	"""' (a run of 30.0 ms, 6 switch intervals, 5 hand-offs: too short to say much about the lock)' for
	a threaded run under the simulated GIL that facts.gil_brief calls brief, else ''."""
	if not gil_brief(run):
		return ""
	g = run["gil_stats"]
	intervals, handoffs = g["compute_s"] / (g.get("interval_s") or 0.005), g.get("handoffs", "?")
	return " (a run of %s, %.0f switch interval%s, %s hand-off%s: too short to say much about the lock)" % (
		secs(g["compute_s"]), intervals, "" if round(intervals) == 1 else "s", handoffs, "" if handoffs == 1 else "s")


def check_amdahl(a):
	"""Berlin: the speedup is limited by the serial part. Tested where the serial part is known:
	--gil-free F makes a fraction 1 - F of each unit serial (the lock), so N threads must land
	between Amdahl's 1/((1-F) + F/n) and min(n, 1/(1-F)), n = min(N, cores)."""
	if not a.gil_free:
		return "the \\texttt{-{}-gil-free} sweep did not run.", NOT_MEASURED, "No known serial fraction to test against."
	inside, medians, parts = [], [], []
	for fraction, runs in sorted(a.gil_free.items()):
		serial = next((r for r in runs if r["model"] == "serial"), None)
		if not serial:
			continue
		for run in sorted(runs, key=lambda r: r["workers"]):
			if run["model"] != "pthread" or run["workers"] < 2:
				continue
			n = min(run["workers"], a.cores)
			low, high = 1 / ((1 - fraction) + fraction / n), (n if fraction >= 1 else min(n, 1 / (1 - fraction)))
			i = stats.ratio_interval(stats.repeats(serial), stats.repeats(run))
			ok = i["high"] >= low * 0.98 and i["low"] <= high * 1.02
			inside.append(ok)
			medians.append(low * 0.98 <= i["ratio"] <= high * 1.02)
			parts.append("$F = %.2f$, %d threads: %.2f [%.2f, %.2f] in %.2f--%.2f%s" % (
				fraction, run["workers"], i["ratio"], i["low"], i["high"], low, high, "" if ok else " (outside)"))
	if not parts:
		return "no threaded \\texttt{-{}-gil-free} runs.", NOT_MEASURED, ""
	sizes = sizes_text(next(r for runs in a.gil_free.values() for r in runs))
	verdict = "holds here" if all(inside) else ("partly holds here" if any(inside) else "does not hold here")
	return ("speedup [95\\%% interval] against the band, at %s: %s." % (tex(sizes), "; ".join(parts)), verdict,
		"With a known serial part ($1 - F$ of every unit holds the lock) the law is tested, not fitted: the 95\\%% "
		"intervals of %d of %d measured speedups reach the band, and %d of the %d medians lie in it (2\\%% tolerance "
		"for the bounds). No $p$ fitted to the same points is used, since such a $p$ always agrees with the speedups "
		"it came from." % (sum(inside), len(inside), sum(medians), len(medians)))


def check_fork_limit(a):
	"""Stockholm: fork fails with EAGAIN at the user-process limit (ulimit -u)."""
	data = a.extra_json("nproc")
	if not data:
		return "the measurement did not run.", NOT_MEASURED, tex(skip_reason(a, "nproc"))
	if not data.get("measured"):
		return "not measured: %s." % tex(data.get("why", "?")), NOT_MEASURED, "The measurement needs an unprivileged user."
	parts, holds = [], []
	for case in data["cases"]:
		parts.append("%s with %d workers: exit %d after %s (%s without the limit), %s%s" % (
			code(case["model"]), data["workers"], case["exit"], secs(case["seconds"]), secs(case["ok_seconds"]),
			code(case["message"]) if case["message"] else "no message",
			"" if case.get("leftover") in (None, 0) else ", %d processes left behind" % case["leftover"]))
		if case["model"] != "pthread":
			holds.append(case["exit"] == 1 and "RLIMIT_NPROC" in case["message"] and case.get("leftover") in (None, 0))
	text = "%s, RLIMIT\\_NPROC = %d, %s: %s." % (tex(data["user"]), data["limit"], tex(data.get("size", "")), "; ".join(parts))
	verdict = "holds here" if holds and all(holds) else "does not hold here"
	return text, verdict, ("Each process counts against the user's limit, so the fork that would pass it fails with EAGAIN; "
			       "tvp names the limit, stops and reaps the workers it had started (the talk's pool did the same). "
			       "Threads are tasks too and count against the same limit on Linux.")


def check_memory(a):
	"""Berlin: processes have a larger memory footprint than threads (scripts/footprint.py)."""
	data = a.extra_json("footprint")
	if not data:
		return "the footprint measurement did not run.", NOT_MEASURED, tex(skip_reason(a, "footprint"))
	cases = {c["model"]: c for c in data["cases"] if c.get("exit") == 0}
	if "pthread" not in cases or not any(m in cases for m in ("fork", "pool")):
		return "threads and processes were not both measured.", NOT_MEASURED, ""
	parts = ["%s (%d process%s): RSS %d KB, PSS %d KB" % (code(m), c["processes"], "" if c["processes"] == 1 else "es",
							       c["peak_rss_kb"], c["peak_pss_kb"]) for m, c in cases.items()]
	threads = cases["pthread"]
	procs = [c for m, c in cases.items() if m != "pthread"]
	rss_more = all(c["peak_rss_kb"] > 1.1 * threads["peak_rss_kb"] for c in procs)
	pss_more = all(c["peak_pss_kb"] > 1.1 * threads["peak_pss_kb"] for c in procs)
	verdict = "holds here" if rss_more and pss_more else ("partly holds here" if rss_more or pss_more else "does not hold here")
	return ("%s, %d workers, the peak over the whole process tree sampled every %.0f ms: %s." % (
		tex(data["size"]), data["workers"], 1000 * data["interval_s"], "; ".join(parts)), verdict,
		"RSS adds up every page each process maps, so pages that forked workers share copy-on-write with the parent "
		"are counted once per process; PSS splits each shared page among its sharers and so measures what the run really "
		"occupies. A C worker shares almost all its pages with the parent; a Python worker process loads an interpreter "
		"of its own, which is where the talk's larger footprint comes from.")


def check_retry(a):
	"""Berlin: a child process can be killed (and replaced); a thread cannot."""
	exported = a.hyperfine.get("retry")
	if not exported:
		return "the --retry measurement did not run.", NOT_MEASURED, tex(skip_reason(a, "retry"))
	results = exported["results"]
	parts, ok, sides = [], [], []
	for model in ("fork", "pool"):
		clean = next((r for r in results if "--model %s" % model in r["command"] and "TVP_FAULT" not in r["command"]), None)
		fault = next((r for r in results if "--model %s" % model in r["command"] and "TVP_FAULT" in r["command"]), None)
		if clean and fault and clean.get("times") and fault.get("times"):
			i = stats.ratio_interval(fault["times"], clean["times"])
			parts.append("%s, %s: a worker killed at task 4 and replaced, whole process %s against %s without the fault: %s" % (
				sizes_tex(command_run(clean["command"])), code(model), secs(fault["median"]), secs(clean["median"]),
				tex(stats.compare_words(i))))
			ok.append(True)
			sides.append(stats.differs(i))
	if not parts:
		return "no pair of runs.", NOT_MEASURED, ""
	unseen = all(side == 0 for side in sides)
	return ("%s. With \\texttt{-{}-model pthread}, \\texttt{-{}-retry} is refused (exit 2): a thread that dies takes the "
		"process with it." % "; ".join(parts), "holds here", (
		"The parent sees the child's death (its pipe closes, waitpid reports the signal), forks a replacement and reruns "
		"the task; the cost is one fork and the task run twice%s. Threads share the address space, so a crash kills them all." % (
			", too small to measure at these sizes" if unseen else "")))


def check_threaded_regex(a):
	"""Edinburgh: threaded regex search is slower than the trivial loop (21 s against 10 s) under the GIL."""
	runs = [r for r in a.results["runs"] if r.get("sweep", {}).get("group") == "grep-gil"]
	if not runs:
		return "not in this sweep.", NOT_MEASURED, tex(skip_reason(a, "grep-gil"))
	parts, slower = [], []
	for mode in ("modern", "legacy"):
		mruns = [r for r in runs if r.get("gil") == mode]
		serial = next((r for r in mruns if r["model"] == "serial"), None)
		threads = next((r for r in mruns if r["model"] == "pthread" and r["workers"] == a.cores), None)
		if serial and threads:
			i = stats.ratio_interval(stats.repeats(threads), stats.repeats(serial))
			parts.append("%d threads under the %s GIL against serial: %s%s" % (
				a.cores, mode, tex(stats.compare_words(i)), short_gil_words(threads)))
			slower.append((mode, stats.differs(i)))
	if not parts:
		return "no pair of runs.", NOT_MEASURED, ""
	sizes = sizes_text(runs[0])
	held = [mode for mode, side in slower if side > 0]
	verdict = "holds here" if len(held) == len(slower) else ("partly holds here" if held else "does not hold here")
	faster = [mode for mode, side in slower if side < 0]
	return "%s: %s." % (tex(sizes), "; ".join(parts)), verdict, (
		"Under one interpreter lock the threads search one at a time, so they are no faster than one thread; they were "
		"measurably slower, as the talk's, under %s%s. The talk's regex module held the GIL the same way." % (
			" and ".join("the %s GIL" % m for m in held) or "neither GIL",
			"" if not faster else "; faster under %s, which the lock should not allow" % " and ".join(faster)))


def check_print_all(a):
	"""Edinburgh: when every line matches and is shipped back, processes lose their lead (37 s for both chunkings)."""
	runs = [r for r in a.results["runs"] if r.get("sweep", {}).get("group") == "grep-print"]
	serial = next((r for r in runs if r["model"] == "serial"), None)
	if not runs or not serial:
		return "not in this sweep.", NOT_MEASURED, tex(skip_reason(a, "grep-print"))
	parts, faster = [], []
	for run in sorted(runs, key=lambda r: r["model"]):
		if run is serial:
			continue
		i = stats.ratio_interval(stats.repeats(run), stats.repeats(serial))
		parts.append("%s with %d workers against serial: %s" % (code(run["model"]), run["workers"], tex(stats.compare_words(i))))
		faster.append(stats.differs(i) < 0)
	answer = serial.get("answer", "?")
	text = "%s with \\texttt{-{}-print} (%s lines printed, to /dev/null): %s." % (sizes_tex(serial), tex(answer), "; ".join(parts))
	verdict = "does not hold here" if all(faster) else ("holds here" if not any(faster) else "partly holds here")
	return text, verdict, (
		"Every matching line travels back to the parent and is written there in order, so the parent's copy and write is "
		"a serial part that grows with the output; the talk's Python paid pickling on top. %d of %d parallel models "
		"stayed measurably faster than serial." % (sum(faster), len(faster)))


def check_pool_startup(a):
	"""PEP 371 / Berlin: process start-up is costly; the pool pays it once, fork every run."""
	runs = [r for r in a.results["runs"] if r.get("sweep", {}).get("group") == "startup"]
	if not getattr(a, "startup", None) or not runs:
		return "not in this sweep.", NOT_MEASURED, tex(skip_reason(a, "startup"))
	parts = ["%s %s" % (code(model), ", ".join("%d: %s" % (w, secs(us * 1e-6)) for w, us in points))
		 for model, points in sorted(a.startup.items())]
	fork = next((r for r in runs if r["model"] == "fork" and r["workers"] == a.cores), None)
	threads = next((r for r in runs if r["model"] == "pthread" and r["workers"] == a.cores), None)
	text = "%s, no warm-up; start-up per worker count (workers: time): %s (figure \\ref{fig:startup})" % (
		sizes_tex(runs[0]), "; ".join(parts))
	if not fork or not threads:
		return text + ".", NOT_MEASURED, "fork and pthread were not both measured."
	words, side = versus(fork, threads)
	text += ". Whole runs of this tiny job, %d forked workers against %d threads: %s." % (a.cores, a.cores, words)
	return text, "holds here" if side > 0 else "does not hold here", (
		"Starting a process copies the parent's page tables and runs the kernel's fork path; a thread only needs a stack. "
		"fork pays it on every run; the pool pays it once, before its first run, and every run reuses its workers.")


def skip_reason(a, group):
	"""Why the sweep skipped a group, or a plain 'not in this sweep'."""
	for skip in a.sweep.get("skipped", []):
		if skip["group"] == group:
			return skip["why"]
	return "not in this sweep"


ALL = [
	{"title": "Primes: threads slower than serial, processes faster", "source": "Jesse Noller, PyWorks 2008 (PEP 371).",
	 "claim": "Summing the primes below 5,000,000 on an 8-core Mac Pro with Python 2.6:",
	 "table": (["version", "wall time"], [["single threaded", "41 min 57 s"], ["8 threads", "106 min 29 s"],
					      ["8 processes", "6 min 22 s"]]),
	 "check": check_primes},
	{"title": "Process start-up: create the workers up front", "source": "Jesse Noller, PyWorks 2008; Matthias Koenig, Berlin.",
	 "claim": "Process creation can be sluggish: create the workers up front (a pool).",
	 "table": (["model", "start-up"], [["threads", "light weight"], ["processes", "big, can be slow to start"]]),
	 "check": check_pool_startup},
	{"title": "Tiny tasks: overhead swamps the work", "source": "Amir, Stockholm Python Meetup 2015.",
	 "claim": "Five-character random strings, timed with timeit (best of 3):",
	 "table": (["version", "per loop", "version", "per loop"], [["serial", "34.2 µs", "serial", "247 µs"],
				["threads", "442 µs", "processes", "79.2 µs"], ["", "", "Pool", "102.2 µs"]]),
	 "check": check_tiny},
	{"title": "File search: shipping the data is slow, chunking is fast, grep is fastest",
	 "source": "Tom Dalton, Edinburgh.", "claim": "Regex search of a 25M-line, 1.1 GB file (elapsed time):",
	 "table": (["algorithm", "matches no lines", "matches all lines"], [["trivial", "~10 s", "~14 s"],
				["threaded regex", "~21 s", "~27 s"], ["multiprocess regex (queue)", "~30 s", "~60 s"],
				["threaded chunking", "~26 s", "~37 s"], ["multiprocess chunking", "~6 s", "~37 s"],
				["grep", "~2 s", "~3 s"]]),
	 "check": check_grep},
	{"title": "Mandelbrot: the GIL, and the order of the rows", "source": "Tom Dalton, Edinburgh.",
	 "claim": "Render time; pure Python at 256 iterations, then the C kernel at 20000 iterations:",
	 "table": (["algorithm", "kernel", "iterations", "time"], [["simple", "Python", "256", "~26 s"],
				["threaded", "Python", "256", "~41 s"], ["multiprocess", "Python", "256", "~15 s"],
				["multiprocess", "C", "20000", "~12 s"], ["multiprocess (line)", "C", "20000", "~10 s"],
				["multiprocess (line, random)", "C", "20000", "~8 s"]]),
	 "check": check_mandelbrot},
	{"title": "fork at the user-process limit", "source": "Amir, Stockholm Python Meetup 2015.",
	 "claim": "Past `ulimit -u` (709 on the speaker's Mac), os.fork fails: OSError: [Errno 35] Resource temporarily unavailable.",
	 "table": (["", ""], []), "check": check_fork_limit},
	{"title": "Memory footprint: processes hold more", "source": "Matthias Koenig, Berlin.",
	 "claim": "Processes: larger memory footprint; threads: lightweight, low memory footprint.",
	 "table": (["", ""], []), "check": check_memory},
	{"title": "Processes can be killed and replaced, threads cannot", "source": "Matthias Koenig, Berlin.",
	 "claim": "Child processes are interruptible/killable; threads are not.",
	 "table": (["", ""], []), "check": check_retry},
	{"title": "Threaded regex search under the GIL", "source": "Tom Dalton, Edinburgh.",
	 "claim": "Threaded regex: ~21 s against ~10 s for the trivial loop (matches no lines), ~27 s against ~14 s (all lines).",
	 "table": (["", ""], []), "check": check_threaded_regex},
	{"title": "Matching every line: the lines must come back", "source": "Tom Dalton, Edinburgh.",
	 "claim": "With a regex matching all lines, threaded and multiprocess chunking both took ~37 s against ~14 s for the trivial loop.",
	 "table": (["", ""], []), "check": check_print_all},
	{"title": "Amdahl's law: the serial part bounds the speedup", "source": "Matthias Koenig, Berlin.",
	 "claim": "The speedup of a fixed workload is limited by its serial part: max speedup = 1/(1-p).",
	 "table": (["p", "max speedup"], [["0.5", "2"], ["0.9", "10"], ["0.95", "20"]]),
	 "check": check_amdahl},
]
ALL += flip_report.CLAIMS  # the workloads where the answer flips (io, wordcount, pagefault)

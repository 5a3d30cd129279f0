"""claims.py - what the talks (shared/seeds) claimed, and how to check each claim against a run.

Each claim: title, source, the claim in a sentence, the talk's own table (quoted), and
check(analysis) -> (measured: LaTeX text, verdict: "holds here" | "does not hold here" |
"partly holds here" | "not measured here", why: LaTeX text). The verdicts and every number
in them come from the analysis; nothing about this machine is written here in advance.
"""
import os

import stats
from report_tex import at, code, secs, tex

NOT_MEASURED = "not measured here"


def scaling_at(a, group, model, workers):
	"""The scaling row (workers, median, ..., speedup, ...) of a group's model, or None."""
	entry = a.scaling.get(group)
	return at(entry["rows"].get(model, []), workers) if entry else None


def gil_row(a, workload, mode, model, workers):
	"""The scaling row of a model under a GIL mode (group gil), or None."""
	entry = a.gil.get(workload, {}).get(mode)
	return at(entry["rows"].get(model, []), workers) if entry else None


def largest(a, group, model):
	"""The row with the most workers of a group's model, or None."""
	entry = a.scaling.get(group)
	rows = entry["rows"].get(model, []) if entry else []
	return rows[-1] if rows else None


def check_primes(a):
	"""PEP 371 primes: threads slower than serial under the GIL, processes much faster."""
	procs = (scaling_at(a, "primes", "pool", a.cores) or scaling_at(a, "primes", "fork", a.cores)
		 or largest(a, "primes", "pool"))
	threads_free = scaling_at(a, "primes", "pthread", a.cores) or largest(a, "primes", "pthread")
	if not procs:
		return "no primes run.", NOT_MEASURED, "The primes workload did not run."
	text = "with %d processes (pool) the sum took %.2f times less time than serial" % (procs[0], procs[4])
	if threads_free:
		text += "; %d C threads with no GIL: %.2f times less" % (threads_free[0], threads_free[4])
	legacy = None
	for mode in ("legacy", "modern"):
		row = gil_row(a, "primes", mode, "pthread", a.cores)
		if row:
			legacy = (mode, row)
			text += "; %d threads under the simulated %s GIL: %.2f times the serial \\emph{time}" % (row[0], mode, 1 / row[4])
			break
	text += "."
	faster = procs[4] > 1.2
	if legacy is None:
		return (text, "partly holds here" if faster else "does not hold here",
			"Processes %s serial. The thread half needs the GIL simulation, which this build does not have; "
			"without a GIL, C threads %s." % ("beat" if faster else "did not beat",
			"scale like processes" if threads_free and threads_free[4] > 0.8 * procs[4] else "lag behind processes here"))
	slower = legacy[1][4] < 1
	if faster and slower:
		return text, "holds here", ("Threads that must hold one interpreter lock run one at a time and pay for the hand-offs, "
					    "so more threads are slower than one; each process has its own lock, so processes scale.")
	return text, "does not hold here", ("Processes %s serial and threads under the %s GIL %s serial." % (
		"beat" if faster else "did not beat", legacy[0], "were slower than" if slower else "were not slower than"))


def check_tiny(a):
	"""Stockholm tiny tasks: threads far slower than serial, processes faster, Pool slower than Process."""
	entry = a.scaling.get("tinytask")
	if not entry:
		return "the tiny-task workload is not in this build.", NOT_MEASURED, "No tiny-task runs."
	c = a.cores
	t, f, p = (scaling_at(a, "tinytask", m, c) for m in ("pthread", "fork", "pool"))
	parts, checks = [], []
	if t:
		parts.append("threads %.2f times the serial time" % (1 / t[4]))
		checks.append(t[4] < 1)
	if f:
		parts.append("fork %.2f" % (1 / f[4]))
		checks.append(f[4] > 1)
	if f and p:
		parts.append("pool %.2f" % (1 / p[4]))
		checks.append(p[1] > f[1])
	text = "at %d workers: %s." % (c, ", ".join(parts))
	held = sum(checks)
	verdict = "holds here" if held == len(checks) and checks else ("partly holds here" if held else "does not hold here")
	return text, verdict, ("When each task is a few microseconds, start-up and hand-off costs (see the overhead constants) "
			       "decide the order, not the work: %d of the talk's %d orderings hold." % (held, len(checks)))


def check_grep(a):
	"""Edinburgh file search: shipping data is slow, chunking is fast, grep is fastest."""
	if not a.grep_input:
		return "the grep workload or its input strategies are not in this build.", NOT_MEASURED, "No grep runs."
	lines = []
	holds = []
	for regex, entry in a.grep_input.items():
		ship = [r["wall_s"]["median"] for label, runs in entry["series"].items() if label.endswith("-ship") for r in runs]
		shared = [r["wall_s"]["median"] for label, runs in entry["series"].items() if label.endswith("-shared") for r in runs]
		if not ship or not shared:
			continue
		text = "\\texttt{%s}: best shipped %s, best shared %s" % (tex(regex), secs(min(ship)), secs(min(shared)))
		if entry.get("serial"):
			text += ", serial %s" % secs(entry["serial"])
		for peer in ("grep", "rg"):
			if entry.get(peer):
				text += ", %s %s" % (code(peer), secs(entry[peer]))
		lines.append(text)
		holds.append(min(ship) > min(shared))
	if not lines:
		return "no ship/shared pair ran.", NOT_MEASURED, ""
	verdict = "holds here" if all(holds) else ("partly holds here" if any(holds) else "does not hold here")
	return "; ".join(lines) + ".", verdict, (
		"Shipping makes the parent read every byte and push it through a pipe or shared memory before a worker can "
		"start; with shared input each worker maps its own chunk, so only the answer travels. "
		"Shipping was slower for %d of %d regexes." % (sum(holds), len(holds)))


def check_mandelbrot(a):
	"""Edinburgh Mandelbrot: pure Python threads slower than serial; line and random orders balance the load."""
	parts, verdict_bits = [], []
	modern = gil_row(a, "mandelbrot", "modern", "pthread", a.cores)
	if modern:
		parts.append("%d threads under the simulated modern GIL: %.2f times the serial time" % (a.cores, 1 / modern[4]))
		verdict_bits.append(modern[4] < 1)
	if a.schedules:
		block = next((r for r in a.schedules if r["label"].startswith("block")), None)
		rand = next((r for r in a.schedules if r["label"].startswith("random")), None)
		line = next((r for r in a.schedules if r["label"].startswith("line")), None)
		for model in a.schedule_models:
			if block and rand and model in block["times"] and model in rand["times"]:
				text = "%s block %s" % (code(model), secs(block["times"][model]))
				if line and model in line["times"]:
					text += ", line by line %s" % secs(line["times"][model])
				text += ", random order %s" % secs(rand["times"][model])
				parts.append(text)
				verdict_bits.append(rand["times"][model] < block["times"][model])
	if not parts:
		return "Mandelbrot is not in this build.", NOT_MEASURED, "No Mandelbrot runs."
	verdict = "holds here" if all(verdict_bits) else ("partly holds here" if any(verdict_bits) else "does not hold here")
	return "; ".join(parts) + ".", verdict, (
		"Rows inside the set cost the full iteration count and rows outside cost almost nothing, so one block per worker "
		"gives one worker most of the work; dealing rows one at a time or in random order spreads it. "
		"%d of %d checks agree with the talk." % (sum(verdict_bits), len(verdict_bits)))


def check_amdahl(a):
	"""Berlin: the speedup is limited by the serial part. Tested where the serial part is known:
	--gil-free F makes a fraction 1 - F of each unit serial (the lock), so N threads must land
	between Amdahl's 1/((1-F) + F/n) and min(n, 1/(1-F)), n = min(N, cores)."""
	if not a.gil_free:
		return "the \\texttt{-{}-gil-free} sweep did not run.", NOT_MEASURED, "No known serial fraction to test against."
	inside, parts = [], []
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
			parts.append("$F = %.2f$, %d threads: %.2f [%.2f, %.2f] in %.2f--%.2f%s" % (
				fraction, run["workers"], i["ratio"], i["low"], i["high"], low, high, "" if ok else " (outside)"))
	if not parts:
		return "no threaded \\texttt{-{}-gil-free} runs.", NOT_MEASURED, ""
	sizes = params_of(a.gil_free)
	verdict = "holds here" if all(inside) else ("partly holds here" if any(inside) else "does not hold here")
	return ("speedup [95\\%% interval] against the band, at %s: %s." % (tex(sizes), "; ".join(parts)), verdict,
		"With a known serial part ($1 - F$ of every unit holds the lock) the law is tested, not fitted: %d of %d "
		"measured speedups fall in the band (2\\%% tolerance for the bounds). No $p$ fitted to the same points is "
		"used, since such a $p$ always agrees with the speedups it came from." % (sum(inside), len(inside)))


def params_of(groups):
	"""The sizes of the first run of a {key: runs} mapping, as text."""
	for runs in groups.values():
		for run in runs:
			return ", ".join("%s=%s" % kv for kv in run.get("params", {}).items())
	return "?"


def check_startup(a):
	"""PEP 371: process creation can be sluggish, so create the workers up front (a pool)."""
	entry = a.scaling.get("primes")
	if not entry:
		return "no primes runs.", NOT_MEASURED, ""
	spawn = {}
	for run in entry["runs"]:
		if run["workers"] == a.cores and run["model"] in ("pthread", "fork", "pool"):
			spawn[run["model"]] = run.get("phases_s", {}).get("spawn")
	if "fork" not in spawn or "pthread" not in spawn:
		return "spawn phases not recorded.", NOT_MEASURED, ""
	text = "spawn phase (median per run, %d workers): %s" % (a.cores, ", ".join("%s %s" % (code(m), secs(s)) for m, s in spawn.items()))
	holds = spawn["fork"] > spawn["pthread"]
	return text + ".", "holds here" if holds else "does not hold here", (
		"Forking copies the page tables and starts a process per worker on every run; a thread shares the address space, "
		"and the pool forks once and then reuses its workers (its spawn is paid in the first, unmeasured run).")


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
	"""Berlin: processes have a larger memory footprint than threads."""
	entry = a.scaling.get("primes") or next(iter(a.scaling.values()), None)
	if not entry:
		return "no scaling runs.", NOT_MEASURED, ""
	parts, rss = [], {}
	for model in entry["models"]:
		run = next((r for r in entry["series"][model] if r["workers"] == a.cores), None)
		if run and run.get("max_rss_kb"):
			rss[model] = run["max_rss_kb"]
			parts.append("%s %d kB" % (code(model), run["max_rss_kb"]))
	if not rss:
		return "peak RSS not recorded.", NOT_MEASURED, ""
	text = "%s with %d workers (%s): largest single process %s." % (
		tex(entry["title"]), a.cores, tex(", ".join("%s=%s" % kv for kv in entry["params"].items())), ", ".join(parts))
	threads = [v for m, v in rss.items() if is_threads(m)]
	procs = [v for m, v in rss.items() if not is_threads(m)]
	if not threads or not procs:
		return text, NOT_MEASURED, "Threads and processes were not both measured."
	total = max(procs) * (a.cores + 1)
	holds = total > max(threads)
	return text, "holds here" if holds else "does not hold here", (
		"tvp records the largest single process, not the sum: a threaded run is one process, while %d worker processes "
		"and their parent each hold their own pages (shared copy-on-write pages counted in each), up to about %d kB "
		"together here against %d kB for threads. The total of all processes is an estimate, not a measurement." % (
			a.cores, total, max(threads)))


def check_retry(a):
	"""Berlin: a child process can be killed (and replaced); a thread cannot."""
	exported = a.hyperfine.get("retry")
	if not exported:
		return "the --retry measurement did not run.", NOT_MEASURED, tex(skip_reason(a, "retry"))
	results = exported["results"]
	parts, ok = [], []
	for model in ("fork", "pool"):
		clean = next((r for r in results if "--model %s" % model in r["command"] and "TVP_FAULT" not in r["command"]), None)
		fault = next((r for r in results if "--model %s" % model in r["command"] and "TVP_FAULT" in r["command"]), None)
		if clean and fault and clean.get("times") and fault.get("times"):
			i = stats.ratio_interval(fault["times"], clean["times"])
			parts.append("%s: a worker killed at task 4 and replaced, whole process %s against %s without the fault: %s" % (
				code(model), secs(fault["median"]), secs(clean["median"]), tex(stats.compare_words(i))))
			ok.append(True)
	if not parts:
		return "no pair of runs.", NOT_MEASURED, ""
	return ("%s. With \\texttt{-{}-model pthread}, \\texttt{-{}-retry} is refused (exit 2): a thread that dies takes the "
		"process with it." % "; ".join(parts), "holds here", (
		"The parent sees the child's death (its pipe closes, waitpid reports the signal), forks a replacement and reruns "
		"the task; the cost is one fork and the task run twice. Threads share the address space, so a crash kills them all."))


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
			parts.append("%d threads under the %s GIL against serial: %s" % (a.cores, mode, tex(stats.compare_words(i))))
			slower.append(stats.differs(i) >= 0)
	if not parts:
		return "no pair of runs.", NOT_MEASURED, ""
	sizes = ", ".join("%s=%s" % (k, os.path.basename(str(v))) for k, v in runs[0].get("params", {}).items())
	verdict = "holds here" if all(slower) else ("partly holds here" if any(slower) else "does not hold here")
	return "%s: %s." % (tex(sizes), "; ".join(parts)), verdict, (
		"Under one interpreter lock the threads search one at a time, so they are no faster than one thread, and slower "
		"by the cost of handing the lock over; the talk's regex module held the GIL the same way.")


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
	text = "regex \\texttt{.} with \\texttt{-{}-print} (%s lines printed, to /dev/null): %s." % (tex(answer), "; ".join(parts))
	verdict = "does not hold here" if all(faster) else ("holds here" if not any(faster) else "partly holds here")
	return text, verdict, (
		"Every matching line travels back to the parent and is written there in order, so the parent's copy and write is "
		"a serial part that grows with the output; the talk's Python paid pickling on top. %d of %d parallel models "
		"stayed measurably faster than serial." % (sum(faster), len(faster)))


def check_pool_startup(a):
	"""PEP 371 / Berlin: the pool pays its start-up once, fork every run (the start-up figure)."""
	if not getattr(a, "startup", None):
		return "not in this sweep.", NOT_MEASURED, tex(skip_reason(a, "startup"))
	parts = []
	for model, points in sorted(a.startup.items()):
		parts.append("%s %s" % (code(model), ", ".join("%d: %s" % (w, secs(us * 1e-6)) for w, us in points)))
	fork = dict((w, us) for w, us in a.startup.get("fork", []))
	threads = dict((w, us) for w, us in a.startup.get("pthread", []))
	common = [w for w in fork if w in threads]
	holds = bool(common) and all(fork[w] > threads[w] for w in common)
	return ("start-up per worker count (workers: time): %s (figure \\ref{fig:startup})." % "; ".join(parts),
		"holds here" if holds else "does not hold here",
		"Starting a process copies the parent's page tables and runs the kernel's fork path; a thread only needs a stack. "
		"fork pays it on every run; the pool pays it once, in its first run.")


def is_threads(model):
	"""Whether a model's workers are threads of one process (until model_kind lands)."""
	from report_tex import is_threads as threads
	return threads(model)


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
	{"title": "Process start-up: create the workers up front", "source": "Jesse Noller, PyWorks 2008.",
	 "claim": "Process creation can be sluggish: create the workers up front (a pool).",
	 "table": (["model", "start-up"], [["threads", "light weight"], ["processes", "big, can be slow to start"]]),
	 "check": check_startup},
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
	{"title": "The pool's start-up, paid once", "source": "Jesse Noller, PyWorks 2008; Matthias Koenig, Berlin.",
	 "claim": "Process start-up is costly: a pool creates its workers once and reuses them.",
	 "table": (["", ""], []), "check": check_pool_startup},
	{"title": "Amdahl's law: the serial part bounds the speedup", "source": "Matthias Koenig, Berlin.",
	 "claim": "The speedup of a fixed workload is limited by its serial part: max speedup = 1/(1-p).",
	 "table": (["p", "max speedup"], [["0.5", "2"], ["0.9", "10"], ["0.95", "20"]]),
	 "check": check_amdahl},
]

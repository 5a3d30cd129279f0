"""claims.py - what the talks (shared/seeds) claimed, and how to check each claim against a run.

Each claim: title, source, the claim in a sentence, the talk's own table (quoted), and
check(analysis) -> (measured: LaTeX text, verdict: "holds here" | "does not hold here" |
"partly holds here" | "not measured here", why: LaTeX text). The verdicts and every number
in them come from the analysis; nothing about this machine is written here in advance.
"""
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
		return "the \texttt{-{}-gil-free} sweep did not run.", NOT_MEASURED, "No known serial fraction to test against."
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
		return "no threaded \texttt{-{}-gil-free} runs.", NOT_MEASURED, ""
	sizes = params_of(a.gil_free)
	verdict = "holds here" if all(inside) else ("partly holds here" if any(inside) else "does not hold here")
	return ("speedup [95\%% interval] against the band, at %s: %s." % (tex(sizes), "; ".join(parts)), verdict,
		"With a known serial part ($1 - F$ of every unit holds the lock) the law is tested, not fitted: %d of %d "
		"measured speedups fall in the band (2\%% tolerance for the bounds). No $p$ fitted to the same points is "
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
	{"title": "Amdahl's law: the serial part bounds the speedup", "source": "Matthias Koenig, Berlin.",
	 "claim": "The speedup of a fixed workload is limited by its serial part: max speedup = 1/(1-p).",
	 "table": (["p", "max speedup"], [["0.5", "2"], ["0.9", "10"], ["0.95", "20"]]),
	 "check": check_amdahl},
]

"""flip_report.py - the report section and claims for the workloads where the answer flips (pagefault)."""
import stats
from report_tex import code, group_runs_of, secs, tex

NOT_MEASURED = "not measured here"
PAGE = 4096  # bytes per page on x86-64 and most arm64 kernels; tvp's own stderr line gives the exact count


def pages_of(run):
	"""Pages one run touches: regions x MiB / page size."""
	params = run.get("params", {})
	return int(params.get("regions", 0)) * int(params.get("mib", 0)) * 1048576 // PAGE


def faults_per_s(run):
	"""Minor faults per second of wall time (one fault per page touched), at the median."""
	median = run["wall_s"]["median"]
	return pages_of(run) / median if median else 0.0


def pagefault_runs(a):
	"""{(model, workers): run} of the sweep's pagefault group."""
	return {(r["model"], r["workers"]): r for r in group_runs_of(a, "pagefault")}


def section(w):
	"""The pagefault table: time and faults per second per model and worker count."""
	runs = pagefault_runs(w.a)
	w.emit("\\section{Page faults: where processes should win}\n")
	if not runs:
		w.emit(w.not_measured(["pagefault"]) + "\n\n")
		return
	any_run = next(iter(runs.values()))
	w.emit("Each unit maps %s MiB of anonymous memory, writes one value into every page (a minor fault each; huge pages "
	       "off), reads the values back and unmaps it: will-it-scale's \\texttt{page\\_fault} pattern. Threads of one "
	       "process fault into one address space, whose mappings one lock (\\texttt{mmap\\_lock}) and one page-table "
	       "lock guard; processes have one each. %s regions per run; the answer is checked against the closed form "
	       "$1 + \\dots + n$. The machine was shared with other jobs while it was measured.\n\n" % (
		       tex(any_run["params"].get("mib")), tex(any_run["params"].get("regions"))))
	rows = []
	for (model, workers), run in sorted(runs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
		rows.append([code(model), str(workers), secs(run["wall_s"]["median"]), "%.2f M" % (faults_per_s(run) / 1e6)])
	w.table("lrrr", ["model", "workers", "median wall", "faults/s"], rows)
	w.emit("What grows with the core count: every thread of a process takes its address space's locks on each fault and "
	       "each \\texttt{mmap}/\\texttt{munmap}, so past a few cores threads queue on them while processes do not. "
	       "will-it-scale's published runs on large machines show \\texttt{page\\_fault} and \\texttt{mmap} flattening "
	       "as threads and still climbing as processes; on 2 cores the gap can only be small.\n\n")
	verdict = check_pagefault(w.a)
	w.conclusions.append("Page faults (%s): %s." % (verdict[1], verdict[0]))


def check_pagefault(a):
	"""will-it-scale: processes take page faults faster than threads of one process as workers grow."""
	runs = pagefault_runs(a)
	widest = max((wk for (m, wk) in runs if m == "pthread" and ("fork", wk) in runs), default=None)
	if widest is None:
		return "no pagefault run with both pthread and fork.", NOT_MEASURED, "The pagefault group did not run."
	threads, procs = runs[("pthread", widest)], runs[("fork", widest)]
	i = stats.ratio_interval(stats.repeats(procs), stats.repeats(threads))
	side = stats.differs(i)
	text = "mib=%s, regions=%s, %d workers: fork against pthread: %s (%.2f M against %.2f M faults/s)" % (
		tex(procs["params"].get("mib")), tex(procs["params"].get("regions")), widest,
		tex(stats.compare_words(i)), faults_per_s(procs) / 1e6, faults_per_s(threads) / 1e6)
	verdict = "holds here" if side < 0 else "does not hold here"
	return text, verdict, ("Processes fault into separate address spaces; threads share one and its locks. With few "
			       "cores the shared lock is rarely contended, so the difference may not show.")


CLAIMS = [
	{"title": "Page faults: processes scale further than threads", "source": "will-it-scale (page_fault, mmap); issue 16.",
	 "claim": "Threads serialise on their shared address space's lock when they fault and map; processes, one address space each, scale further.",
	 "table": (["", ""], []), "check": check_pagefault},
]

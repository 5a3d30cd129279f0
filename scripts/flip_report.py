"""flip_report.py - the report sections and claims for the workloads where the answer flips (io, wordcount, pagefault)."""
import stats
from facts import group_runs_of, machine_words, noisy_note
from latex import code, secs, tex

NOT_MEASURED = "not measured here"
PAGE = 4096  # bytes per page on x86-64 and most arm64 kernels; tvp's own stderr line gives the exact count


def pages_of(run):
	"""Pages one run touches: regions x MiB / page size."""
	params = run.get("params", {})
	return int(params.get("regions", 0)) * int(params.get("mib", 0)) * 1048576 // PAGE


def faults_of(run):
	"""Minor faults of one run: getrusage's count (JSON minor_faults), else one per page touched."""
	return run.get("minor_faults") or pages_of(run)


def faults_per_s(run):
	"""Minor faults per second of wall time, at the median."""
	median = run["wall_s"]["median"]
	return faults_of(run) / median if median else 0.0


def open_section(w, title, group, runs):
	"""Start a section; when its group has no runs, say why and return False."""
	w.emit("\\section{%s}\n" % title)
	if not runs:
		w.emit(w.not_measured([group]) + "\n\n")
	return bool(runs)


def pagefault_runs(a):
	"""{(model, workers): run} of the sweep's pagefault group."""
	return {(r["model"], r["workers"]): r for r in group_runs_of(a, "pagefault")}


def section(w):
	"""The pagefault table: time and faults per second per model and worker count."""
	runs = pagefault_runs(w.a)
	if not open_section(w, "Page faults: where processes should win", "pagefault", runs):
		return
	any_run = next(iter(runs.values()))
	w.emit("Each unit maps %s MiB of anonymous memory, writes one value into every page (a minor fault each; huge pages "
	       "off), reads the values back and unmaps it: will-it-scale's \\texttt{page\\_fault} pattern. Threads of one "
	       "process fault into one address space, whose mappings one lock (\\texttt{mmap\\_lock}) and one page-table "
	       "lock guard; processes have one each. %s regions per run; the answer is checked against the closed form "
	       "$1 + \\dots + n$.%s\n\n" % (
		       tex(any_run["params"].get("mib")), tex(any_run["params"].get("regions")), machine_words(w.a.sweep, w.a.cores)))
	rows = []
	for (model, workers), run in sorted(runs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
		rows.append([code(model), str(workers), secs(run["wall_s"]["median"]), "%d" % faults_of(run),
			     "%.2f M" % (faults_per_s(run) / 1e6)])
	w.table("lrrrr", ["model", "workers", "median wall", "minor faults", "faults/s"], rows)
	w.emit("\\emph{minor faults} is getrusage's count for tvp and its workers in one run (the median over the "
	       "repeats; about one per page touched, %d pages here); \\emph{faults/s} divides it by the median wall time.\n\n"
	       % pages_of(any_run))
	w.emit("What grows with the core count: every thread of a process takes its address space's locks on each fault and "
	       "each \\texttt{mmap}/\\texttt{munmap}, so past a few cores threads queue on them while processes do not. "
	       "will-it-scale's published runs on large machines show \\texttt{page\\_fault} and \\texttt{mmap} flattening "
	       "as threads and still climbing as processes%s.\n\n" % (
		       "; on %d cores the gap can only be small" % w.a.cores if w.a.cores <= 4 else ""))
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
		tex(stats.compare_words(i)) + noisy_note(procs, threads), faults_per_s(procs) / 1e6, faults_per_s(threads) / 1e6)
	verdict = "holds here" if side < 0 else "does not hold here"
	return text, verdict, ("Processes fault into separate address spaces; threads share one and its locks. With few "
			       "cores the shared lock is rarely contended, so the difference may not show.")


CLAIMS = [
	{"title": "Page faults: processes scale further than threads", "source": "will-it-scale (page_fault, mmap); issue 16.",
	 "claim": "Threads serialise on their shared address space's lock when they fault and map; processes, one address space each, scale further.",
	 "table": (["", ""], []), "check": check_pagefault},
]


def io_runs(a, group):
	"""The runs of an io group."""
	return group_runs_of(a, group)


def hogs_of(run):
	"""--cpu-hogs of a run (0 when absent)."""
	return int(run.get("params", {}).get("cpu-hogs", 0))


def convoy(a):
	"""{gil: (run without hogs, run with one hog)} of the io-convoy group."""
	pairs = {}
	for run in io_runs(a, "io-convoy"):
		pairs.setdefault(run["gil"], [None, None])[min(hogs_of(run), 1)] = run
	return {gil: pair for gil, pair in pairs.items() if pair[0] and pair[1]}


def io_section(w):
	"""The io tables: time per model and worker count; the convoy slowdown per GIL mode; many workers."""
	runs = {(r["model"], r["workers"]): r for r in io_runs(w.a, "io")}
	if open_section(w, "Waiting, not computing: I/O", "io", runs):
		io_table(w, runs)
	io_more(w)


def io_table(w, runs):
	"""The io group: time and speedup over serial per model and worker count."""
	params = next(iter(runs.values()))["params"]
	w.emit("Each unit is a request to a server thread inside tvp (a Unix socket) that answers after %s\\,$\\mu$s; the "
	       "worker then does %s\\,$\\mu$s of CPU work on the reply. %s requests per run; the answer, a sum of the "
	       "replies, is checked against the replies computed without the server and against the server's own log. "
	       "Under a simulated GIL the lock is released around the wait, as CPython releases it.%s\n\n" % (
		       tex(params.get("delay-us")), tex(params.get("work-us")), tex(params.get("requests")),
		       machine_words(w.a.sweep, w.a.cores)))
	serial = runs.get(("serial", 1))
	rows = []
	for (model, workers), run in sorted(runs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
		speedup = serial["wall_s"]["median"] / run["wall_s"]["median"] if serial else float("nan")
		rows.append([code(model), str(workers), secs(run["wall_s"]["median"]), "%.1f" % speedup])
	w.table("lrrr", ["model", "workers", "median wall", "speedup"], rows)


def io_more(w):
	"""The convoy table per GIL mode, the many-workers table, and the conclusions."""
	pairs = convoy(w.a)
	if pairs:
		rows = []
		for gil in ("off", "modern", "legacy"):
			if gil in pairs:
				quiet, hog = pairs[gil]
				i = stats.ratio_interval(stats.repeats(hog), stats.repeats(quiet))
				rows.append([code(gil), secs(quiet["wall_s"]["median"]), secs(hog["wall_s"]["median"]),
					     tex(stats.compare_words(i))])
		w.emit("The convoy effect (Beazley): one I/O thread beside one CPU-bound thread (%s) of the "
		       "same process. Under the modern GIL the I/O thread, back from its wait, must wait for the CPU thread to "
		       "drop the lock: up to a switch interval (5\\,ms) per request.\n\n" % code("--cpu-hogs 1"))
		w.table("lrrl", ["GIL", "no hog", "one hog", "one hog against none"], rows)
	many = io_runs(w.a, "io-many")
	if many:
		rows = [[code(r["model"]), str(r["workers"]), secs(r["wall_s"]["median"]),
			 secs(phase_median(r, "spawn")), secs(r.get("startup_s")) if r.get("startup_s") else "--"]
			for r in sorted(many, key=lambda r: (r["workers"], r["model"]))]
		w.emit("Many workers: starting them is the cost. The spawn phase is paid in every run and is part of the "
		       "median; a model that starts its workers once (the pool; openmp's thread team) pays its start-up "
		       "before the first run, outside the median.\n\n")
		w.table("lrrrr", ["model", "workers", "median wall", "spawn (every run)", "start-up (once)"], rows)
	io_memory(w)
	for check in (check_io, check_convoy):
		text, verdict, _ = check(w.a)
		w.conclusions.append("I/O (%s): %s." % (verdict, text))


def io_memory(w):
	"""Peak memory per io worker, threads against processes (scripts/footprint.py --io-workers)."""
	data = w.a.extra_json("io-memory") if hasattr(w.a, "extra_json") else None
	cases = [c for c in (data or {}).get("cases", []) if c["model"] != "baseline" and c.get("exit") == 0]
	if not cases:
		w.emit(w.not_measured(["io-memory"]) + "\n\n")
		return
	w.emit("Memory per worker: %s; the process tree (tvp and its children) sampled from /proc every %g\\,ms, its "
	       "resident sets (RSS: a page shared by several processes counted in each) and proportional sets (PSS: each "
	       "shared page split among its sharers) summed, less the serial run's; divided by the workers. \\emph{alive} "
	       "is the most workers seen at once (threads, or processes).\n\n" % (
		       tex(data["size"]), data["interval_s"] * 1000))
	rows = []
	for c in sorted(cases, key=lambda c: (c["workers"], c["model"])):
		rows.append([code(c["model"]), str(c["workers"]), str(c["alive"]), "%.1f MB" % (c["peak_rss_kb"] / 1024),
			     "%.1f MB" % (c["peak_pss_kb"] / 1024), "%.0f KB" % c["per_worker_rss_kb"],
			     "%.0f KB" % c["per_worker_pss_kb"]])
	w.table("lrrrrrr", ["model", "workers", "alive", "peak RSS", "peak PSS", "RSS/worker", "PSS/worker"], rows)
	widest = max(c["workers"] for c in cases)
	per = {c["model"]: c for c in cases if c["workers"] == widest}
	if "pthread" in per and "fork" in per:
		w.conclusions.append("Memory per I/O worker at %d workers: a thread %.0f KB, a forked process %.0f KB resident "
				     "(%.0f KB proportional)." % (widest, per["pthread"]["per_worker_rss_kb"],
								 per["fork"]["per_worker_rss_kb"], per["fork"]["per_worker_pss_kb"]))


def check_io(a):
	"""Koenig: threads are good for I/O-bound work: threads at least as fast as processes at 64 workers."""
	runs = {(r["model"], r["workers"]): r for r in io_runs(a, "io")}
	widest = max((wk for (m, wk) in runs if m == "pthread" and ("fork", wk) in runs), default=None)
	serial = runs.get(("serial", 1))
	if widest is None or not serial:
		return "no io run with serial, pthread and fork.", NOT_MEASURED, "The io group did not run."
	threads, procs = runs[("pthread", widest)], runs[("fork", widest)]
	i = stats.ratio_interval(stats.repeats(threads), stats.repeats(procs))
	side = stats.differs(i)
	text = "requests=%s, delay-us=%s, %d workers: pthread %.1f$\\times$ serial, fork %.1f$\\times$; pthread against fork: %s" % (
		tex(serial["params"].get("requests")), tex(serial["params"].get("delay-us")), widest,
		serial["wall_s"]["median"] / threads["wall_s"]["median"], serial["wall_s"]["median"] / procs["wall_s"]["median"],
		tex(stats.compare_words(i)) + noisy_note(threads, procs))
	return text, "holds here" if side <= 0 else "does not hold here", (
		"Waiting needs no CPU, so both kinds overlap their waits; threads start cheaper than forked processes, so "
		"they are not behind them.")


def check_convoy(a):
	"""Beazley: under the modern GIL one CPU-bound thread slows I/O threads down (the convoy effect)."""
	pairs = convoy(a)
	if "modern" not in pairs:
		return "no io-convoy run under the modern GIL.", NOT_MEASURED, "The io-convoy group did not run."
	quiet, hog = pairs["modern"]
	i = stats.ratio_interval(stats.repeats(hog), stats.repeats(quiet))
	text = "requests=%s, delay-us=%s, one pthread worker under the modern GIL, one CPU hog against none: %s" % (
		tex(quiet["params"].get("requests")), tex(quiet["params"].get("delay-us")), tex(stats.compare_words(i)) + noisy_note(hog, quiet))
	return text, "holds here" if stats.differs(i) > 0 else "does not hold here", (
		"The I/O thread comes back from each wait to a lock the CPU thread holds, and waits a switch interval before "
		"it may ask for it.")


CLAIMS += [
	{"title": "I/O: threads are good for waiting", "source": "Matthias Koenig, Berlin; issue 16.",
	 "claim": "Threads are good for I/O-bound work.", "table": (["", ""], []), "check": check_io},
	{"title": "The convoy effect: a CPU-bound thread slows I/O threads", "source": "David Beazley, Understanding the Python GIL (2010); issue 16.",
	 "claim": "An I/O-bound thread that shares the GIL with a CPU-bound thread must wait for the lock each time its I/O returns (up to a switch interval, 5 ms, under the new GIL), so its I/O slows down.",
	 "table": (["", ""], []), "check": check_convoy},
]


def wordcount_runs(a):
	"""{(model, vocab): run} of the wordcount group."""
	return {(r["model"], int(r["params"].get("vocab", 0))): r for r in group_runs_of(a, "wordcount")}


def moved_bytes(a):
	"""{vocab: bytes of partial tables one run moved} from the wordcount-moved command."""
	data = a.extra_json("wordcount-moved") if hasattr(a, "extra_json") else None
	return {r["vocab"]: r["bytes"] for r in (data or {}).get("runs", [])}


def phase_median(run, name):
	"""The median of a phase of a run, in seconds (None when absent)."""
	phase = run.get("phases_s", {}).get(name)
	return phase.get("median") if isinstance(phase, dict) else phase


def wordcount_section(w):
	"""The wordcount table: pthread against pool per vocabulary, the merge phase and the bytes moved."""
	runs = wordcount_runs(w.a)
	if not open_section(w, "Results that must travel: word counts", "wordcount", runs):
		return
	moved = moved_bytes(w.a)
	words = next(iter(runs.values()))["params"].get("words")
	w.emit("A text of %s words (made by tvp from a seed, not read from the grep corpus) drawn from a small and a large "
	       "vocabulary. Each task counts its words into a hash table and emits it serialised; threads leave those bytes "
	       "in shared memory, pool workers send them through a pipe; the parent merges every table, sorts and checksums "
	       "the (word, count) pairs, checked against a serial count by rank. \\emph{collect} is the merge in the parent; "
	       "\\emph{bytes moved} comes from one separate fork run (\\texttt{scripts/flip\\_moved.py}).%s\n\n" % (
		       tex(words), machine_words(w.a.sweep, w.a.cores)))
	rows = []
	for (model, vocab), run in sorted(runs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
		rows.append([code(model), str(vocab), secs(run["wall_s"]["median"]), secs(phase_median(run, "compute")),
			     secs(phase_median(run, "collect")), "%.2f MB" % (moved[vocab] / 1e6) if vocab in moved else "--"])
	w.table("lrrrrr", ["model", "vocabulary", "median wall", "compute", "collect", "bytes moved"], rows)
	text, verdict, _ = check_wordcount(w.a)
	w.conclusions.append("Results that travel (%s): %s." % (verdict, text))
	shared_table(w, runs)


def shared_table(w, private):
	"""--table shared beside the private tables: per model and vocabulary, which wins."""
	shared = {(r["model"], int(r["params"].get("vocab", 0))): r for r in group_runs_of(w.a, "wordcount-shared")}
	pairs = sorted((key for key in shared if key in private), key=lambda k: (k[1], k[0]))
	if not pairs:
		w.emit(w.not_measured(["wordcount-shared"]) + "\n\n")
		return
	w.emit("One shared table instead (%s): every task counts privately, then merges into one table under one lock; "
	       "threads share their process's memory and a mutex, pool workers a MAP\\_SHARED table and a process-shared "
	       "mutex. Nothing travels but a count per task; the merge moves into the compute phase and queues on the "
	       "lock.\n\n" % code("--table shared"))
	rows, words = [], []
	for model, vocab in pairs:
		i = stats.ratio_interval(stats.repeats(shared[(model, vocab)]), stats.repeats(private[(model, vocab)]))
		rows.append([code(model), str(vocab), secs(private[(model, vocab)]["wall_s"]["median"]),
			     secs(shared[(model, vocab)]["wall_s"]["median"]), tex(stats.compare_words(i))])
		side = stats.differs(i)
		words.append("%s at vocabulary %d: %s" % (model, vocab, "the shared table wins" if side < 0 else
							  "the private tables win" if side > 0 else "neither wins"))
	w.table("lrrrl", ["model", "vocabulary", "private tables", "one shared table", "shared against private"], rows)
	w.conclusions.append("One shared table against private tables (words=%s, 2 workers): %s." % (
		tex(shared[pairs[0]]["params"].get("words")), "; ".join(words)))


def check_wordcount(a):
	"""Noller / Stockholm: moving data between processes costs: pool slower than pthread at the large vocabulary."""
	runs = wordcount_runs(a)
	vocabs = sorted({v for (m, v) in runs if ("pthread", v) in runs and ("pool", v) in runs})
	if not vocabs:
		return "no wordcount run with both pthread and pool.", NOT_MEASURED, "The wordcount group did not run."
	moved = moved_bytes(a)
	parts, side = [], 0
	for vocab in vocabs:
		i = stats.ratio_interval(stats.repeats(runs[("pool", vocab)]), stats.repeats(runs[("pthread", vocab)]))
		side = stats.differs(i)
		parts.append("vocabulary %d%s: pool against pthread %s" % (
			vocab, " (%.2f MB moved)" % (moved[vocab] / 1e6) if vocab in moved else "",
			tex(stats.compare_words(i)) + noisy_note(runs[("pool", vocab)], runs[("pthread", vocab)])))
	text = "words=%s, 2 workers; %s" % (tex(runs[("pool", vocabs[-1])]["params"].get("words")), "; ".join(parts))
	return text, "holds here" if side > 0 else "does not hold here", (
		"The verdict is for the largest vocabulary. Every partial table is serialised by every model; processes "
		"also copy it through a pipe into the parent, and the copy grows with the number of distinct words.")


CLAIMS += [
	{"title": "Moving results between processes costs", "source": "Jesse Noller, PyWorks 2008; Amir, Stockholm; issue 16.",
	 "claim": "Pickling is slow (41k against 25k objects/s); don't move data between runtimes.",
	 "table": (["", ""], []), "check": check_wordcount},
]


def peer_runs(a, workload):
	"""{(model, vocab or workers): run} of the Python peers of workload (the flip-peers group)."""
	runs = {}
	for r in group_runs_of(a, "flip-peers"):
		if r["workload"] == workload:
			runs[(r["model"], int(r["params"].get("vocab", r["workers"])))] = r
	return runs


def peers_section(w):
	"""Real CPython on io and wordcount: threads against processes, answers checked against tvp's."""
	io, wc = peer_runs(w.a, "io"), peer_runs(w.a, "wordcount")
	if not open_section(w, "Python on I/O and on results that travel", "flip-peers", io or wc):
		return
	any_run = next(iter((io or wc).values()))
	w.emit("The Python peers (\\texttt{peers/python/iowait.py}, \\texttt{wordcount.py}) under %s, each run's answer checked "
	       "against tvp's. io: the same requests to a server process of the peer's own, blocking socket calls release the "
	       "GIL; process times include starting the workers. wordcount: each task's dict is handed over in memory by "
	       "threads and pickled through a pipe by the pool; \\emph{pickled} is what one run's dicts pickle to.\n\n"
	       % tex(any_run.get("interpreter", "python3")))
	rows = []
	for (model, size), run in sorted(io.items(), key=lambda kv: kv[0]):
		rows.append([code(model), "io", "%d worker%s" % (run["workers"], "" if run["workers"] == 1 else "s"),
			     secs(run["wall_s"]["median"]), "--"])
	for (model, vocab), run in sorted(wc.items(), key=lambda kv: (kv[0][1], kv[0][0])):
		rows.append([code(model), "wordcount", "vocabulary %d" % vocab, secs(run["wall_s"]["median"]),
			     "--" if model == "python-threading" else "%.2f MB" % (run["params"].get("pickled_bytes", 0) / 1e6)])
	w.table("llrrr", ["model", "workload", "size", "median wall", "pickled"], rows)
	threads = [r for (m, _), r in io.items() if m == "python-threading"]
	for other in ("python-process", "python-pool"):
		peer = [r for (m, _), r in io.items() if m == other]
		if threads and peer:
			i = stats.ratio_interval(stats.repeats(threads[0]), stats.repeats(peer[0]))
			w.conclusions.append("Python I/O (%s, requests=%s, %d workers): threading against %s: %s." % (
				tex(threads[0].get("interpreter")), tex(threads[0]["params"].get("requests")), threads[0]["workers"],
				other[7:], tex(stats.compare_words(i))))
	for vocab in sorted({v for (m, v) in wc}):
		if ("python-pool", vocab) in wc and ("python-threading", vocab) in wc:
			pool, threading = wc[("python-pool", vocab)], wc[("python-threading", vocab)]
			i = stats.ratio_interval(stats.repeats(pool), stats.repeats(threading))
			w.conclusions.append("Python word counts (words=%s, vocabulary %d, %.2f MB pickled): pool against threading: %s." % (
				tex(pool["params"].get("words")), vocab, pool["params"].get("pickled_bytes", 0) / 1e6,
				tex(stats.compare_words(i))))

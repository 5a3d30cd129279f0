"""facts.py - what the analysis knows about a run, read from its JSON (shared by every report module).

A run's model kind, GIL mode, schedule, input strategy, --gil-free fraction and problem size
come from the fields tvp writes (model_kind, gil, schedule, chunk, tasks, params, gil_stats),
not from the sweep's labels or command lines. Imports nothing of ours but latex and stats, so
every module of the analysis can import it without a cycle.
"""
import os
import shlex

import stats
from latex import code, tex

# The scaling groups of sweep.def, in report order, with their titles.
SCALING = [
	("primes", "Prime summing (trial division)"),
	("mandelbrot", "Mandelbrot (escape time)"),
	("grep", "Regex file search"),
	("tinytask", "Tiny tasks"),
]
# Models in the order of the README table; a model not listed (a new one) sorts after them.
MODEL_ORDER = ["serial", "pthread", "fork", "pool",
	       "python-serial", "python-threading", "python-process", "python-pool"]
# What each model's workers are: serial, threads or processes. Filled from the runs' model_kind
# (tvp --list's kinds) when results are loaded; by name only for results older than that field
# and for the Python peers, whose JSON has none.
MODEL_KINDS = {"serial": "serial", "pthread": "threads", "fork": "processes", "pool": "processes",
	       "python-serial": "serial", "python-threading": "threads", "python-process": "processes",
	       "python-pool": "processes"}
GIL_MODES = ["off", "modern", "legacy"]


def model_kind(model):
	"""A model's kind, "serial", "threads" or "processes"; None when no run or name tells."""
	return MODEL_KINDS.get(model)


def learn_kinds(runs):
	"""Record the model_kind each run carries (newer results), for model_kind."""
	MODEL_KINDS.update({r["model"]: r["model_kind"] for r in runs if r.get("model_kind")})


def is_threads(model):
	"""Whether a model runs its workers as threads of one process (its model_kind)."""
	return model_kind(model) == "threads"


def is_processes(model):
	"""Whether a model runs its workers as processes (its model_kind)."""
	return model_kind(model) == "processes"


def model_rank(model):
	"""Sort key putting models in the order of the README table (new models after, by name)."""
	return (MODEL_ORDER.index(model), "") if model in MODEL_ORDER else (len(MODEL_ORDER), model)


def first_of_kind(models, kind):
	"""The first model of a kind in report order among models, or None."""
	return min((m for m in models if model_kind(m) == kind), key=model_rank, default=None)


def median_s(run):
	"""The median wall time of a run, in seconds."""
	return run["wall_s"]["median"]


def group_runs(results, group):
	"""The runs the sweep tagged with group (results: the results.json document)."""
	return [r for r in results["runs"] if r.get("sweep", {}).get("group") == group]


def group_runs_of(analysis, group):
	"""The runs of an Analysis (analyze.py) that the sweep tagged with group."""
	return group_runs(analysis.results, group)


def gil_of(run):
	"""The GIL mode a run used (off when the binary predates the field)."""
	return run.get("gil", "off")


def variant_of(run):
	"""The sweep.def alternative a run belongs to ("" when its line has none): a key to group
	runs by, never read for its meaning (the run's own fields say that)."""
	return run.get("sweep", {}).get("variant", "")


def input_of(run):
	"""grep's input strategy, "shared" or "ship" (params.input), or None."""
	return run.get("params", {}).get("input")


def regex_of(run):
	"""grep's regex (params.regex), or None."""
	regex = run.get("params", {}).get("regex")
	return None if regex is None else str(regex)


def gil_free_of(run):
	"""The --gil-free fraction of a run (gil_stats.free), or None without the simulated GIL."""
	free = (run.get("gil_stats") or {}).get("free")
	return None if free is None else float(free)


def schedule_label(run):
	"""A reader's name for a run's schedule, from its schedule, chunk and tasks fields: block
	(static, one task per worker), line by line (static, chunk 1), dynamic or guided with the chunk."""
	schedule, chunk = run.get("schedule", "static"), run.get("chunk")
	if schedule == "static" and run.get("tasks") is not None and run["tasks"] <= run["workers"]:
		return "block (static)"
	names = {("static", 1): "line by line (static, chunk 1)", ("dynamic", 1): "dynamic, chunk 1",
		 ("random", 1): "random line order"}
	return names.get((schedule, chunk), "%s%s" % (schedule, ", chunk %s" % chunk if chunk else ""))


def params_text(params):
	"""A run's params as 'k=v, k=v', without paths (a file is named by its base name)."""
	return ", ".join("%s=%s" % (k, os.path.basename(str(v)) if "/" in str(v) else v) for k, v in params.items())


def busy_load(sweep, cores):
	"""The load average that makes a sweep's machine busy, or None when it was quiet. The start is
	other processes' load alone; the end's 1-minute average also holds the sweep's own runs, which
	keep up to every core busy: only a load past that is others'."""
	start, end = sweep.get("loadavg_start") or 0, sweep.get("loadavg_end") or 0
	if start > 0.5 * cores or end > 1.5 * cores:
		return max(start, end)
	return None


def machine_words(sweep, cores):
	"""' The machine was busy ... .' for a section's method text when busy_load calls the sweep's
	machine busy, else '' (a quiet machine needs no word; Machine and method gives the loads)."""
	load = busy_load(sweep, cores)
	if load is None:
		return ""
	return " The machine was busy while it was measured (load average up to %.1f on %d cores)." % (load, cores)


def noisy_note(*runs):
	"""', with noisy repeats: pthread at 2 workers (CV 21%)' (LaTeX) for the runs whose repeats vary
	more than stats.NOISY_CV, to follow a comparison of them; '' when none does."""
	noisy = ["%s at %d worker%s (CV %.0f\\%%)" % (code(r["model"]), r["workers"], "" if r["workers"] == 1 else "s",
						       100 * stats.cv(stats.repeats(r)))
		 for r in runs if stats.cv(stats.repeats(r)) > stats.NOISY_CV]
	return ", with noisy repeats: %s" % " and ".join(noisy) if noisy else ""


BRIEF = 20  # a simulated-GIL run shorter than this many switch intervals, with fewer hand-offs, says little


def gil_brief(run):
	"""Whether a threaded run under the simulated GIL says little about the lock: it lasted fewer
	than BRIEF switch intervals and the lock changed hands fewer than BRIEF times (the legacy
	lock changes hands far more often than once an interval, so its short runs still say much)."""
	g = run.get("gil_stats") or {}
	compute, handoffs = g.get("compute_s"), g.get("handoffs")
	if compute is None:
		return False
	return compute < BRIEF * (g.get("interval_s") or 0.005) and (handoffs is None or handoffs < BRIEF)


def count(value):
	"""An integer with thousands separators (2,000,000); other values as they are."""
	try:
		return "{:,}".format(int(value)) if float(value) == int(float(value)) else str(value)
	except (TypeError, ValueError):
		return str(value)


def article(number):
	"""'an' before a number said with a vowel first (8, 80, 800, 11, 18), else 'a'."""
	text = str(number)
	return "an" if text.startswith("8") or text in ("11", "18") else "a"


def sizes_text(run):
	"""The problem size a run was measured at, in words, from its params (plain text, no paths):
	'primes to 2,000,000, block 10,000', 'an 800×600 Mandelbrot image, 1,000 iterations', 'regex abc on
	corpus.txt (41.9 MB)'; other workloads list their params."""
	p = dict(run.get("params", {}))
	workload = run.get("workload")
	if workload == "primes" and "to" in p:
		text = "primes to %s" % count(p["to"])
		if p.get("from") not in (None, 0, 1, 2):
			text = "primes from %s to %s" % (count(p["from"]), count(p["to"]))
		return text + (", block %s" % count(p["block"]) if "block" in p else "")
	if workload == "mandelbrot" and "width" in p and "height" in p:
		return "%s %s×%s Mandelbrot image%s" % (article(p["width"]), p["width"], p["height"],
					     ", %s iterations" % count(p["iterations"]) if "iterations" in p else "")
	if workload == "grep" and "file" in p:
		size = os.path.getsize(p["file"]) if os.path.isfile(str(p["file"])) else None
		return "regex %s on %s%s" % (p.get("regex", "?"), os.path.basename(str(p["file"])),
					     " (%.3g MB)" % (size / 1e6) if size else "")
	return params_text(p) or "no parameters"


def sizes_tex(run):
	"""sizes_text as LaTeX."""
	return tex(sizes_text(run))


def command_run(command):
	"""A tvp command line that hyperfine timed, as a run-like record {"workload", "params"} for
	sizes_text (hyperfine records commands, not tvp's JSON): 'tvp primes --to 400 --model fork'
	gives params {"to": 400}; environment assignments and model options are left out."""
	words = shlex.split(command)
	while words and "=" in words[0]:  # leading environment assignments (TVP_FAULT=...)
		words = words[1:]
	if len(words) < 2 or words[0] != "tvp":
		return {"workload": None, "params": {}}
	params, i = {}, 2
	while i < len(words):
		name = words[i][2:] if words[i].startswith("--") else None
		has_value = i + 1 < len(words) and not words[i + 1].startswith("--")
		if name and name not in ("model", "workers", "schedule", "chunk", "input", "retry", "expect", "repeat", "warmup"):
			params[name] = (int(words[i + 1]) if words[i + 1].isdigit() else words[i + 1]) if has_value else True
		i += 2 if has_value else 1
	return {"workload": words[1], "params": params}


def short_command(command):
	"""A hyperfine command line of tvp by its model options only: 'tvp grep --model pool
	--workers 2 --input shared' (hyperfine records commands, not runs)."""
	words = command.split()
	keep = words[:2]
	for i, word in enumerate(words):
		if word in ("--model", "--workers", "--input") and i + 1 < len(words):
			keep += [word, words[i + 1]]
	return " ".join(keep)

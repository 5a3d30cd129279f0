"""report_tex.py - the LaTeX of the tvp report, generated from an Analysis (see analyze.py).

write(analysis) writes DIR/report/generated.tex beside a copy of report/report.tex;
build(analysis) runs latexmk there and copies the PDF to DIR/report.pdf. Every sentence
that depends on a result is computed here from the numbers; the talks' own figures are
quoted from the seeds (shared/seeds) as the claims to check.
"""
import math
import os
import re
import shutil
import statistics
import subprocess
import sys

import claims
import flip_report
import report_mpi
import report_python
import stats
from facts import (SCALING, busy_load, command_run, first_of_kind, gil_brief, group_runs_of, is_processes, is_threads, median_s, model_rank,  # noqa: F401
		   noisy_note, params_text, short_command, sizes_tex)
from latex import code, secs, tex

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def num(x, digits=3):
	"""A number for a table: NaN as a dash, small and large values readable."""
	if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))):
		return "--"
	if abs(x) >= 100:
		return "%.0f" % x
	return ("%%.%df" % digits) % x


def at(rows, workers):
	"""The row of a scaling series at a worker count, or None."""
	return next((r for r in rows if r[0] == workers), None)


def head_cell(text, width=12):
	"""A table heading broken into short lines (a nested tabular), escaped."""
	lines, line = [], ""
	for word in str(text).split():
		if line and len(line) + 1 + len(word) > width:
			lines.append(line)
			line = word
		else:
			line = (line + " " + word).strip()
	lines.append(line)
	if len(lines) == 1:
		return tex(lines[0])
	return "\\begin{tabular}[b]{@{}c@{}}%s\\end{tabular}" % " \\\\ ".join(tex(x) for x in lines)


def figure(names, caption, width=None):
	"""A figure of one or two plots side by side (PDFs from DIR/plots)."""
	width = width or (0.49 if len(names) > 1 else 0.8)
	body = "\\hfill\n".join(r"\includegraphics[width=%.2f\textwidth]{%s}" % (width, n) for n in names)
	return "\\begin{figure}[H]\n\\centering\n%s\n\\caption{%s}\n\\end{figure}\n" % (body, caption)


def ratio_of(run_a, run_b):
	"""The time ratio run_a / run_b of medians with its bootstrap interval (stats.ratio_interval)."""
	return stats.ratio_interval(stats.repeats(run_a), stats.repeats(run_b))


def compare(run_a, run_b):
	"""LaTeX words for run_a against run_b: '2.3x faster (ratio ..., 95% interval ...)' or
	'no measurable difference (...)', then which of the two had noisy repeats (CV above 10%)."""
	return tex(stats.compare_words(ratio_of(run_a, run_b))) + noisy_note(run_a, run_b)


def run_at(runs, model, workers):
	"""The run of model with workers in runs, or None."""
	return next((r for r in runs if r["model"] == model and r["workers"] == workers), None)


def kf_text(e, speedup, workers=2):
	"""A Karp-Flatt cell: the fraction, '--' at one worker (undefined), 'above 1: slower than serial', or
	'below 0: superlinear' (S > N)."""
	if workers <= 1:
		return "--"
	if speedup < 1:
		return "above 1: slower than serial"
	if speedup > workers:
		return "below 0: superlinear"
	return num(e, 3)


CPU_HEAVY = 1.5  # a run whose kernels took this many times the serial run's CPU time is marked


def kernel_cpu_ratio(run, serial):
	"""The CPU time a run's workers spent in the kernel (workers_detail cpu_s, summed) over the
	serial run's, for the same work; None without the GIL off or without the counts."""
	def total(r):
		cpu = [w.get("cpu_s") for w in r.get("workers_detail") or []]
		return sum(cpu) if cpu and all(isinstance(c, (int, float)) for c in cpu) else None
	if run.get("gil", "off") != "off" or run is serial:
		return None
	a, b = total(run), total(serial)
	return a / b if a and b else None


CPU_NOTE = ("$^\\S$ its workers spent %s or more times the serial run's CPU time in the kernel for the same work (the "
	    "kernels themselves ran slower: contention for memory, page faults after a fork, or another process or "
	    "virtual machine on the host; the run does not show which).\n\n" % CPU_HEAVY)


def kf_interval(entry, speedup, workers):
	"""' (95% interval 0.002--0.015)' after a Karp-Flatt fraction (stats.karp_flatt_interval), '' where
	e is not a fraction (S < 1 or S > N) or has no interval."""
	if not entry or speedup < 1 or speedup > workers:
		return ""
	return " (95\\%% interval %s--%s)" % (num(min(1.0, max(0.0, entry["low"])), 3), num(min(1.0, max(0.0, entry["high"])), 3))


class Writer:
	"""Builds generated.tex section by section (SECTIONS lists them)."""

	def __init__(self, a):
		self.a = a
		self.out = []
		self.conclusions = []
		self.skipped = a.sweep.get("skipped", [])

	def emit(self, text):
		"""Append LaTeX to the document."""
		self.out.append(text)

	def not_measured(self, groups):
		"""Why the sweep measured nothing for these groups (from its skip list)."""
		reasons = []
		for skip in self.skipped:
			if skip["group"] in groups and skip["why"] not in reasons:
				reasons.append(skip["why"])
		return "Not measured on this run: %s." % tex("; ".join(reasons) if reasons else "not in the sweep")

	def table(self, spec, header, rows, size="small"):
		"""A booktabs table: spec (column letters), header cells (LaTeX), rows of LaTeX cells (None:
		a rule); scaled down to the line width when wider (\\fitwidth in report.tex)."""
		self.emit("\\begin{center}\\%s\n\\fitwidth{\\begin{tabular}{@{}%s@{}}\n\\toprule\n%s \\\\\n\\midrule\n" % (
			size, spec, " & ".join(header)))
		for row in rows:
			self.emit(("\\midrule\n" if row is None else " & ".join(row) + " \\\\\n"))
		self.emit("\\bottomrule\n\\end{tabular}}\n\\end{center}\n")

	# ---- machine and method ---------------------------------------------------

	def machine(self):
		"""The machine, the sizes and how everything was measured."""
		a, m, s = self.a, self.a.machine, self.a.sweep
		sizes = s.get("sizes", {})
		rows = [("host", m.get("hostname")), ("CPU", m.get("cpu_model")), ("cores online", m.get("cores_online")),
			("memory", "%.1f GiB" % (m["memory_kb"] / 1048576) if m.get("memory_kb") else None),
			("kernel", m.get("kernel")), ("architecture", m.get("arch")), ("compiler", m.get("compiler")),
			("flags", m.get("flags")), ("git revision", m.get("git_revision")), ("tvp", m.get("tvp_version")),
			("sweep started", s.get("started")), ("profile", s.get("profile")),
			("sweep time", "%.0f s" % s["elapsed_s"] if "elapsed_s" in s else None),
			("load average", "%.2f at the start, %.2f at the end (the sweep's own runs included)" % (s["loadavg_start"], s["loadavg_end"])
			 if s.get("loadavg_start") is not None and s.get("loadavg_end") is not None else None)]
		self.emit("\\section{Machine and method}\n")
		self.emit("\\begin{tabular}{@{}lp{0.75\\textwidth}@{}}\n\\toprule\n")
		for key, value in rows:
			if value is not None:
				self.emit("%s & %s \\\\\n" % (tex(key), tex(value)))
		self.emit("\\bottomrule\n\\end{tabular}\n\n")
		busy = busy_load(s, a.cores)
		if busy is not None:
			self.emit("\\textbf{The machine was busy:} a load average of %.1f on %d cores means other processes "
				  "competed for the CPUs during the sweep, so every time below is disturbed: a parallel run slowed by "
				  "the load understates the speedup, a serial run slowed by it overstates it (a speedup above the "
				  "number of workers is that); re-run \\texttt{make bench} on a quiet machine.\n\n" % (busy, a.cores))
			self.conclusions.append("The machine was busy during the sweep (load average up to %.1f on %d cores): "
						"every time here is disturbed, and a speedup may be too low (the parallel run slowed) or "
						"too high (the serial run slowed)." % (busy, a.cores))
		# tvp's own runs (the peers, with a sweep "program", are never measured again): noisy by the
		# sweep's record of their first CV, and by the measurement the analysis kept
		own = [r for r in a.results["runs"] if "program" not in r.get("sweep", {})]
		first = [r for r in own if r.get("sweep", {}).get("cv", 0) > stats.NOISY_CV]
		again = [r for r in own if r.get("sweep", {}).get("remeasure")]
		noisy = [r for r in own if stats.cv(stats.repeats(r)) > stats.NOISY_CV]
		methods = sorted({"%s: %s" % (r["workload"], r.get("reference_method", "?")) for r in a.results["runs"]
				  if "--expect" not in str(r.get("reference_method"))})
		expected = sorted({r["workload"] for r in a.results["runs"] if "--expect" in str(r.get("reference_method"))})
		repeat, warmup = sizes.get("repeat", "?"), sizes.get("warmup", "?")
		self.emit(
			"\\paragraph{Method.} Every configuration ran as its own \\texttt{tvp} process: %s unmeasured "
			"warm-up repeat(s), then %s measured repeats. Tables give the median wall time and the repeats' "
			"coefficient of variation (CV); a CV above %d\\%% marks the configuration as noisy ($^\\dagger$ in "
			"tables, a black ring in figures), and the sweep measured the noisy configurations once more at its "
			"end, the noisiest first for at most %d s, keeping both and judging by the less noisy one (of tvp's "
			"runs, %d noisy at first, %d of them measured again; %d noisy in the end). "
			"Speedup $S(N)$ is the serial median over the median with $N$ workers; efficiency is $S/N$; the "
			"Karp--Flatt serial fraction is $e = (1/S - 1/N)/(1 - 1/N)$, a fraction only while $S \\ge 1$.\n\n"
			"\\paragraph{Comparisons.} Every comparison in this report is the ratio of two medians with a %d\\%% "
			"bootstrap interval over the repeats of each (%d resamples, as pyperf and benchstat judge a "
			"difference): it says faster or slower only when the interval excludes 1, and otherwise "
			"``no measurable difference'' with the ratio and its interval.\n\n"
			"\\paragraph{Fits.} Amdahl's law $S(N) = 1/((1-p) + p/N)$ is fitted only with $p$ in $[0, 1]$ and only "
			"from at least three core counts $N \\le %d$ (the cores online: past them time slicing caps $S$ at "
			"$\\min(N, %d)$, whatever the program); the Universal Scalability Law "
			"$S(N) = N/(1 + \\sigma(N-1) + \\kappa N(N-1))$ on the same points with $\\sigma, \\kappa \\ge 0$. With "
			"fewer core counts the report gives Karp--Flatt at the $N$ measured and draws at most the Amdahl curve "
			"that one speedup implies, dashed, as a one-point estimate. A series slower than serial at every $N > 1$ "
			"is overhead-bound: no $p$, no curve. The overhead-aware law $T(N) = T_1((1-p) + p/\\min(N, %d)) + c_0 + "
			"c_1(N-1)$ ($p \\in [0,1]$, $c_0, c_1 \\ge 0$) is fitted on every $N$ when there are four or more, and "
			"only from three core counts $N \\le %d$ as Amdahl is (on fewer its $p$ would rest on one speedup); "
			"there the report gives instead what the points show: one worker against serial, and each worker "
			"past the cores, with intervals. "
			"Parameter intervals are bootstrap intervals over the repeats. No drawn curve has a pole, a negative "
			"value or a value above $N$.\n\n"
			"Every run's answer was checked against an independent reference (a wrong answer stops the sweep): "
			"%s%s. hyperfine timed whole processes as a cross-check, the peers' output going to a pipe.\n\n"
			% (warmup, repeat, round(100 * stats.NOISY_CV), stats.REMEASURE_BUDGET_S, len(first), len(again), len(noisy),
			   round(100 * stats.CONFIDENCE),
			   stats.BOOTSTRAP, a.cores, a.cores, a.cores, a.cores, tex("; ".join(methods)) if methods else "no run",
			   "; the runs given \\texttt{-{}-expect} (%s) against the answer a verified run had given" % tex(", ".join(expected))
			   if expected else ""))
		self.emit("Sizes of profile \\texttt{%s}: %s.\n\n" % (tex(s.get("profile", "?")), tex(", ".join(
			"%s=%s" % (k, str(v).strip(",")) for k, v in sizes.items()
			if k not in ("dir", "tvp", "corpus", "python2") and str(v) != ""))))

	# ---- per workload -----------------------------------------------------------

	def workload_table(self, entry):
		"""Model, workers, median, CV, speedup with its interval, efficiency, Karp-Flatt."""
		serial = entry["serial_run"]
		rows = [["serial", "1", secs(entry["baseline"]), self.cv_cell(serial), "1", "1.00", "--"]]
		heavy = 0
		for model in entry["models"]:
			rows.append(None)
			for i, run in enumerate(sorted(entry["series"][model], key=lambda r: r["workers"])):
				row = at(entry["rows"][model], run["workers"])
				inv = ratio_of(serial, run)
				mark = (kernel_cpu_ratio(run, serial) or 0) >= CPU_HEAVY
				heavy += mark
				rows.append([code(model) if i == 0 else "", str(run["workers"]), secs(row[1]) + ("$^\\S$" if mark else ""),
					     self.cv_cell(run),
					     "%s {\\scriptsize [%s, %s]}" % (num(inv["ratio"], 2), num(inv["low"], 2), num(inv["high"], 2)),
					     num(row[5], 2), kf_text(stats.karp_flatt(row[4], row[0]), row[4], row[0])])
		self.table("lrrrrrl", ["model", "workers", "median", "CV", "speedup [95\\% interval]", "efficiency",
				       "Karp--Flatt $e$"], rows, "footnotesize")
		if heavy:
			self.emit(CPU_NOTE)

	def cv_cell(self, run):
		"""The CV of a run's repeats in percent, with a dagger when noisy."""
		value = stats.cv(stats.repeats(run))
		return "%.0f\\%%%s" % (100 * value, "$^\\dagger$" if value > stats.NOISY_CV else "")

	def fit_sentences(self, entry, overhead_ops=True):
		"""What each model's fits say, in words (LaTeX): only admissible parameters."""
		out = []
		cores = self.a.cores
		for model in entry["models"]:
			fit = entry["fits"][model]
			rows = entry["rows"][model]
			if fit["overhead_bound"]:
				worst = min(rows[1:] or rows, key=lambda r: r[4])
				first = next((r for r in rows if r[0] > 1), worst)
				text = ("%s is overhead-bound: %d %s took %s the serial time; Amdahl's law does not apply (no $p$, no "
					"curve)" % (code(model), first[0], "threads" if is_threads(model) else "workers",
						    tex(stats.times(1 / first[4]) if first[4] > 0 else "?")))
			elif fit["amdahl"]:
				f = fit["amdahl"]
				text = "%s: Amdahl $p = %.3f$ (95\\%% interval %.3f--%.3f) from $N$ = %s" % (
					code(model), f["p"], f["low"], f["high"], ", ".join(str(n) for n in fit["core_counts"]))
				if fit["usl"]:
					u = fit["usl"]
					text += "; USL $\\sigma = %.3g$ (%.3g--%.3g), $\\kappa = %.3g$ (%.3g--%.3g)" % (
						u["sigma"], u["sigma_low"], u["sigma_high"], u["kappa"], u["kappa_low"], u["kappa_high"])
			else:
				within = [r for r in rows if 1 < r[0] <= cores]
				kf = "; ".join("Karp--Flatt at $N = %d$: %s%s" % (
					r[0], kf_text(stats.karp_flatt(r[4], r[0]), r[4], r[0]), kf_interval(fit["karp_flatt"].get(r[0]), r[4], r[0]))
					for r in within) or "no $N > 1$ within the cores"
				text = "%s: %s; %s" % (code(model), kf, tex(fit["why"].get("amdahl", "")))
				if fit["one_point"]:
					n = fit["one_point"]["workers"]
					e = fit["karp_flatt"].get(n)
					text += " (the dashed curve is a one-point estimate, not a fit: $p = %.3f$ from $N = %d$%s)" % (
						fit["one_point"]["p"], n, ", 95\\%% interval %.3f--%.3f" % (
							max(0.0, 1 - e["high"]), min(1.0, 1 - e["low"])) if e else "")
				elif fit["no_p"]:
					text += "; no Amdahl curve: %s" % tex(fit["no_p"]["text"])
			o, costs = fit["overhead"], fit.get("costs")
			if o:
				text += "; overhead-aware fit on $N$ = %s: %s$c_0$ = %s (%s--%s), $c_1$ = %s per extra worker (%s--%s)" % (
					", ".join(str(r[0]) for r in rows),
					"" if fit["overhead_bound"] else "$p = %.2f$ (%.2f--%.2f), " % (o["p"], o["p_low"], o["p_high"]),
					*(secs(o[k]) if o[k] else "0\\,s" for k in ("c0", "c0_low", "c0_high", "c1", "c1_low", "c1_high")))
			elif costs:
				text += "; no overhead-aware fit (it needs three core counts too); measured instead: %s" % "; ".join(
					self.cost_words(costs))
			const = self.overhead_constant(model)
			if (o or costs) and const and overhead_ops:
				text += ", against %s %s per operation in \\texttt{tvp overhead}" % (tex(const[0]), secs(const[1]))
			out.append(text + ".")
		return out

	def cost_words(self, costs):
		"""What the points show of a model's costs without a fit (stats.scaling_fits' costs): one
		worker against serial, and each worker past the cores, as signed times with intervals."""
		def signed(x):
			return ("+" if x > 0 else "$-$") + secs(abs(x)) if x else "0\\,s"
		def cost(what, d, where=""):
			interval = "95\\%% interval %s to %s%s" % (signed(d["low"]), signed(d["high"]), where)
			if d["low"] <= 0 <= d["high"]:
				return "%s: no measurable cost (%s, %s)" % (what, signed(d["diff"]), interval)
			return "%s %s (%s)" % (what, signed(d["diff"]), interval)
		words = []
		first, past = costs.get("first"), costs.get("past")
		if first:
			words.append(cost("one worker against serial", first))
		if past:
			words.append(cost("each worker past the %d cores" % past["from"], past,
					  "; $N = %d$ against $N = %d$" % (past["to"], past["from"])))
		return words

	def overhead_constant(self, model):
		"""(description, seconds) of tvp overhead's start-up cost for a model's kind, or None."""
		want = {"pthread": "thread_create_join", "fork": "fork_wait", "pool": "pool_task_round_trip"}.get(model)
		for label, seconds in self.a.overhead:
			if want and (label == want or label.startswith(want.split("_")[0])):
				return label, seconds
		return None

	def hyperfine_table(self, name, title):
		"""hyperfine's whole-process times for one `time` line of the sweep (median, mean, sd)."""
		exported = self.a.hyperfine.get(name)
		if not exported:
			return
		answers = {o["command"]: o.get("answer", "") for o in exported.get("tvp_outputs", [])}
		corpus = self.a.sweep.get("sizes", {}).get("corpus")
		def shorten(c):
			return c.replace(corpus, "CORPUS") if corpus else c
		self.emit("\\paragraph{%s (hyperfine, whole processes, %d runs each).}\n" % (
			title, len(exported["results"][0].get("times", []))))
		rows = []
		for r in exported["results"]:
			rows.append(["\\parbox[t]{0.6\\textwidth}{\\raggedright%s}" % code(shorten(r["command"])), secs(r.get("median", r["mean"])),
				     secs(r["mean"]), secs(r.get("stddev") or 0), tex(answers.get(r["command"], "")[:18])])
		self.table("lrrrl", ["command", "median", "mean", "sd", "answer"], rows, "footnotesize")
		if any(r["command"].startswith("tvp ") and "--expect" not in r["command"] for r in exported["results"]):
			self.emit("Each tvp process here runs one repeat and no warm-up (the sweep adds \\texttt{-{}-repeat 1 "
				  "-{}-warmup 0}); without \\texttt{-{}-expect} it also checks its answer against the reference, so it "
				  "takes longer than the medians inside tvp above by its start-up and that reference pass.\n\n")
		if corpus and any(corpus in r["command"] for r in exported["results"]):
			self.emit("CORPUS is %s.\n\n" % code(os.path.basename(corpus)))

	def workloads(self):
		"""One subsection per scaling workload: its table, figures, fits and conclusions."""
		self.emit("\\section{Workloads: scaling with the number of workers}\n")
		for group, title in SCALING:
			self.emit("\\subsection{%s}\n" % tex(title))
			entry = self.a.scaling.get(group)
			if not entry:
				self.emit(self.not_measured([group]) + "\n\n")
				continue
			self.emit("\\texttt{tvp %s} with %s; serial median %s.\n" % (
				tex(entry["workload"]), tex(params_text(entry["params"])), secs(entry["baseline"])))
			self.workload_table(entry)
			self.emit("\\begin{itemize}\\small\n" + "".join("\\item %s\n" % t for t in self.fit_sentences(entry)) + "\\end{itemize}\n")
			right = any(entry["fits"][m].get("drawn", {}).get(law) for m in entry["models"] for law in ("usl", "overhead"))
			self.emit(figure([group + "-speedup"] + ([group + "-usl"] if right else []), self.scaling_caption(title, entry),
					 None if right else 0.75))
			self.emit(figure([group + "-time", group + "-efficiency"], "%s: wall time and parallel efficiency." % tex(title)))
			if any(r[0] > 1 and r[4] >= 1 for m in entry["models"] for r in entry["rows"][m]):
				self.emit(figure([group + "-karpflatt"], self.karp_flatt_caption(title, entry), 0.6))
			else:
				self.emit("No Karp--Flatt figure for %s: every run with $N > 1$ was slower than serial, where $e$ is "
					  "above 1 and not a fraction.\n\n" % tex(title))
			if group != "grep":
				self.hyperfine_table(group, "Cross-check")
			self.conclude_workload(title, entry)

	def karp_flatt_caption(self, title, entry):
		"""The Karp-Flatt figure's caption: what a rise of e means within the cores, and that past
		them time slicing alone raises it (the dashed floor)."""
		cores = self.a.cores
		text = "%s: Karp--Flatt serial fraction where it is one ($S \\ge 1$)." % tex(title)
		within = sorted({r[0] for m in entry["models"] for r in entry["rows"][m] if 1 < r[0] <= cores})
		past = any(r[0] > cores for m in entry["models"] for r in entry["rows"][m])
		if len(within) >= 2:
			text += " Up to the %d cores, a fraction that grows with $N$ points at overhead, a flat one at a true serial part." % cores
		else:
			text += " Within the %d cores there is %s, too few to tell overhead (a fraction that grows with $N$) from a " \
				"serial part (a flat one)." % (cores, "one $N > 1$" if within else "no $N > 1$")
		if past:
			text += (" Past the cores $S \\le %d$, so $e$ cannot fall below the dashed floor $(1/%d - 1/N)/(1 - 1/N)$: its "
				 "rise there is time slicing, not overhead." % (cores, cores))
		return text

	def scaling_caption(self, title, entry):
		"""The caption of a workload's speedup and USL figures: what was drawn, from its fits."""
		fits = entry["fits"]
		cores = self.a.cores

		def drawn(law):
			return [m for m in entry["models"] if fits[m].get("drawn", {}).get(law)]
		fitted = [m for m in drawn("amdahl") if fits[m]["amdahl"]]
		one = [m for m in drawn("amdahl") if not fits[m]["amdahl"]]
		left = []
		if fitted:
			left.append("Amdahl's law fitted on $N \\le %d$ for %s" % (cores, ", ".join(code(m) for m in fitted)))
		if one:
			left.append("the dashed Amdahl curve one speedup implies (a one-point estimate, not a fit) for %s" %
				    ", ".join(code(m) for m in one))
		none = [m for m in entry["models"] if m not in fitted + one]
		if none:
			reasons = {}
			for m in none:
				f = fits[m]
				why = f["no_p"]["text"] if f["no_p"] else ("overhead-bound" if f["overhead_bound"] else f["why"].get("amdahl", "no admissible p"))
				reasons.setdefault(why, []).append(code(m))
			left.append("no Amdahl curve for %s" % "; ".join("%s (%s)" % (", ".join(ms), tex(why)) for why, ms in reasons.items()))
		usl, ovh = drawn("usl"), drawn("overhead")

		def why_not(law, models):
			reasons = {}
			for m in models:
				reasons.setdefault(fits[m]["why"].get(law, "no admissible fit"), []).append(code(m))
			return "; ".join("%s (%s)" % (", ".join(ms), tex(why)) for why, ms in reasons.items())
		right = []
		if usl:
			right.append("the Universal Scalability Law fitted on $N \\le %d$ for %s" % (cores, ", ".join(code(m) for m in usl)))
		if ovh:
			right.append("the overhead-aware fit on every $N$ for %s" % ", ".join(code(m) for m in ovh))
		no_usl = [m for m in entry["models"] if m not in usl]
		no_ovh = [m for m in entry["models"] if m not in ovh]
		if not usl and not ovh:
			return ("%s: speedup with %s, and the hardware cap. No USL fit: %s. No overhead-aware fit: %s. Points past "
				"the cores are time slicing, drawn and never fitted." % (
					tex(title), "; ".join(left), why_not("usl", no_usl), why_not("overhead", no_ovh)))
		if no_usl:
			right.append("no USL fit for %s" % why_not("usl", no_usl))
		if no_ovh:
			right.append("no overhead-aware fit for %s" % why_not("overhead", no_ovh))
		return ("%s: speedup with %s, and the hardware cap (left); %s (right). Points past the cores are time "
			"slicing, drawn and never fitted by Amdahl or the USL." % (tex(title), "; ".join(left), "; ".join(right)))

	def conclude_workload(self, title, entry):
		"""Generated conclusions for one workload: comparisons backed by intervals only."""
		cores = self.a.cores
		runs = entry["runs"]
		serial = entry["serial_run"]
		at_cores = [r for r in (run_at(runs, m, cores) for m in entry["models"]) if r]
		if not at_cores:
			return
		best = min(at_cores, key=lambda r: r["wall_s"]["median"])
		text = "%s, %s, at %d workers (the cores): %s against serial %s." % (
			tex(title), sizes_tex(serial), cores, code(best["model"]), compare(best, serial))
		others = [r for r in at_cores if r is not best]
		if others:
			ties = [r for r in others if stats.differs(ratio_of(best, r)) == 0]
			if ties:
				text += " It is not measurably faster than %s." % ", ".join(
					"%s (%s)" % (code(r["model"]), tex(stats.interval_text(ratio_of(best, r)))) for r in ties)
			else:
				text += " It was the fastest of the parallel models: %s." % "; ".join(
					"against %s %s" % (code(r["model"]), compare(best, r)) for r in others)
		threads = run_at(runs, first_of_kind(entry["models"], "threads"), cores)
		procs = min((r for r in at_cores if is_processes(r["model"])), key=median_s, default=None)
		if threads and procs and procs is not best and threads is not best:
			text += " Threads against the fastest process model (%s): %s." % (code(procs["model"]), compare(threads, procs))
		over = [(run_at(runs, m, 2 * cores), run_at(runs, m, cores)) for m in entry["models"]]
		over = [(o, c) for o, c in over if o and c]
		if over:
			text += " Twice as many workers as cores, against as many as cores: %s." % "; ".join(
				"%s %s" % (code(o["model"]), compare(o, c)) for o, c in over)
		self.conclusions.append(text)

	# ---- cross-workload figures -------------------------------------------------

	def schedules(self):
		"""Mandelbrot under each schedule: table, figures with the measured imbalance, the verdict."""
		self.emit("\\section{Schedules on Mandelbrot}\n")
		a = self.a
		if not a.schedules:
			self.emit(self.not_measured(["mandel-sched"]) + "\n\n")
			return
		workers = a.schedules[0].get("workers", a.cores)
		size = sizes_tex(a.schedules[0]["runs"][a.schedule_models[0]]) if a.schedule_models[0] in a.schedules[0]["runs"] else "?"
		self.emit("%s; %s (%s).\n" % (self.schedule_setting(workers), size, tex(params_text(a.schedule_params))))
		rows = []
		for row in a.schedules:
			rows.append([tex(row["label"])] + ["%s (%s)" % (secs(row["times"].get(m)), self.cv_cell(row["runs"][m]))
							    if m in row["runs"] else "--" for m in a.schedule_models])
		self.table("l" + "r" * len(a.schedule_models), ["schedule"] + ["%s (CV)" % code(m) for m in a.schedule_models], rows)
		model = getattr(a, "busy_model", None)
		self.emit(figure(["mandel-schedules"], "Mandelbrot rows under each schedule, %d workers: wall time (median)." % workers, 0.75))
		caption = self.busy_caption(model, workers)
		if caption:
			self.emit(figure(["mandel-busy"], caption, 0.75))
		for m in a.schedule_models:
			cand = [(r["times"][m], r) for r in a.schedules if m in r["runs"]]
			if len(cand) < 2:
				continue
			cand.sort(key=lambda x: x[0])
			best = cand[0][1]
			against = [(r, ratio_of(best["runs"][m], r["runs"][m])) for _, r in cand[1:]]
			ties = [r["label"] for r, i in against if stats.differs(i) == 0]
			words = "; ".join("against %s %s" % (tex(r["label"]), compare(best["runs"][m], r["runs"][m])) for r, _ in against)
			if ties:
				self.conclusions.append("Schedules on %s, %s with %d workers: %s had the lowest median, but no schedule was "
							"measurably best (%s)." % (size, code(m), workers, tex(best["label"]), words))
			else:
				self.conclusions.append("Schedules on %s, %s with %d workers: the best schedule was %s, %s." % (
					size, code(m), workers, tex(best["label"]), words))

	def schedule_setting(self, workers):
		"""The schedules' setting in words: the workers against the cores, and whether the rows
		divide evenly among them (they may, and the work still not: rows cost what they cost)."""
		height = self.a.schedule_params.get("height")
		cores = self.a.cores
		text = "%d workers on %d core%s" % (workers, cores, "" if cores == 1 else "s")
		if workers > cores:
			text += " (more workers than cores, so they also take turns on the cores)"
		if isinstance(height, int) and workers:
			if height % workers:
				text += "; %d rows do not divide evenly among them, so a block gets %d or %d rows" % (
					height, height // workers, height // workers + 1)
			else:
				text += "; %d rows divide evenly (%d each), but rows inside the set cost far more than rows outside it, " \
					"so equal rows are not equal work" % (height, height // workers)
		return text

	def busy_caption(self, model, workers):
		"""The per-worker figure's caption: each worker's CPU time in the kernel per schedule, as
		measured; why not wall time when workers outnumber the cores; rows per worker under dynamic."""
		parts, rows_taken, waited = [], [], None
		for row in self.a.schedules:
			cpu = [c for c in row["cpu"].get(model, []) if c == c]
			if not cpu or sum(cpu) <= 0:
				continue
			parts.append("%s: most %s, least %s (most over mean %.2f)" % (
				tex(row["label"]), secs(max(cpu)), secs(min(cpu)), max(cpu) / (sum(cpu) / len(cpu))))
			units = row["units"].get(model, [])
			busy = row["busy"].get(model, [])
			if (row["label"].startswith(("dynamic", "guided")) and all(isinstance(u, int) for u in units) and busy
			    and len(units) == len(cpu) and units.index(max(units)) == cpu.index(max(cpu))):
				rows_taken.append("%s the workers took %s rows and spent %s to %s in the kernel (wall time)" % (
					tex(row["label"]), ", ".join(map(str, units)), secs(min(busy)), secs(max(busy))))
			if waited is None and len(busy) == len(cpu) and max(b - c for b, c in zip(busy, cpu)) > 0.1 * max(cpu):
				w = max(range(len(cpu)), key=lambda k: busy[k] - cpu[k])
				waited = (row["label"], w, busy[w], cpu[w])
		if not parts:
			return None
		text = "CPU time each %s worker spent in the kernel per schedule (last repeat): the work it did. Measured: %s." % (
			code(model), "; ".join(parts))
		if waited and workers > self.a.cores:
			text += (" Wall time in the kernel is not drawn: with %d workers on %d cores it also holds the time a worker "
				 "waited for a core (%s, worker %d: %s wall against %s CPU)." % (
					 workers, self.a.cores, tex(waited[0]), waited[1], secs(waited[2]), secs(waited[3])))
		if rows_taken:
			text += " Under %s: the worker that held a core longest took the most rows." % "; ".join(rows_taken)
		return text

	def ipc(self):
		"""Results back through a pipe or through shared memory (group ipc): a table."""
		self.emit("\\section{Results back by pipe or by shared memory}\n")
		runs = [r for r in self.a.results["runs"] if r.get("sweep", {}).get("group") == "ipc"]
		if not runs:
			self.emit(self.not_measured(["ipc"]) + "\n\n")
			return
		kinds = sorted({r.get("ipc", "?") for r in runs})
		cells = {}
		for r in runs:
			cells.setdefault((r["workload"], r["model"], r["workers"]), {})[r.get("ipc", "?")] = r
		rows = []
		for (workload, model, workers), byipc in sorted(cells.items()):
			rows.append([tex(workload), code(model), str(workers)] +
				    ["%s (%s)" % (secs(byipc[k]["wall_s"]["median"]), self.cv_cell(byipc[k])) if k in byipc else "--" for k in kinds])
			if "pipe" in byipc and "shm" in byipc:
				self.conclusions.append("Results back from %s, %s with %d workers: shared memory against a pipe: %s." % (
					sizes_tex(byipc["pipe"]), code(model), workers, compare(byipc["shm"], byipc["pipe"])))
		self.table("llr" + "r" * len(kinds), ["workload", "model", "workers"] + [code("--ipc " + k) for k in kinds], rows)
		self.emit("Sizes: %s. Each row of the image travels back to the parent: copied through a pipe (as Python's "
			  "queues pickle results) or written in place into a shared mapping.\n\n" % tex(params_text(runs[0].get("params", {}))))

	def grep_input(self):
		"""grep with shipped vs shared input; tvp against GNU grep and ripgrep, like for like."""
		self.emit("\\section{Regex search: shipping the input vs sharing it}\n")
		a = self.a
		if not a.grep_input:
			self.emit(self.not_measured(["grep-input", "corpus"]) + "\n\n")
		for regex, entry in a.grep_input.items():
			self.emit(figure(["grep-input-%d" % entry["index"]], "\\texttt{%s}: \\texttt{-{}-input ship} (the parent reads the file "
					 "and sends each chunk through the IPC channel: the talk's queue) against \\texttt{-{}-input shared} "
					 "(each worker maps its own chunk): the median wall time of tvp's measured repeats (inside tvp, without its start-up); the whole-process times of tvp, GNU "
					 "grep and ripgrep are in the table below.%s" % (tex(regex), self.scan_caption(entry)), 0.75))
			self.scan_sentences(regex, entry)
			for model in ("fork", "pool"):
				ship = [r for label, runs in entry["series"].items() if label == model + "-ship" for r in runs]
				shared = [r for label, runs in entry["series"].items() if label == model + "-shared" for r in runs]
				pairs = [(x, y) for x in ship for y in shared if x["workers"] == y["workers"] == a.cores]
				for x, y in pairs:
					self.conclusions.append("grep, %s, %s with %d workers: shipping the input against each worker "
								"mapping its own chunk: %s." % (sizes_tex(x), code(model), a.cores, compare(x, y)))
		self.emit("\\subsection{tvp, GNU grep and ripgrep as whole processes}\\label{sec:grep-like}\n")
		if not any(a.hyperfine.get(n) for n in ("grep", "grep-all")):
			self.emit(self.not_measured(["grep", "grep-all"]) + "\n\n")
			return
		self.emit("Like for like: each command is a whole process timed by hyperfine, its output to a pipe; tvp runs "
			  "with \\texttt{-{}-expect} (the answer checked, no reference pass) and one repeat, so it does what "
			  "\\texttt{grep -c} does plus its start-up.\n\n")
		self.hyperfine_table("grep", "A regex matching few lines")
		self.hyperfine_table("grep-all", "A regex matching every line")
		for name in ("grep", "grep-all"):
			exported = a.hyperfine.get(name)
			if not exported:
				continue
			results = exported["results"]
			tvps = [r for r in results if r["command"].startswith("tvp ")]
			size = self.hyperfine_sizes(tvps)
			for peer in ("grep", "rg"):
				other = next((r for r in results if r["command"].split()[0] in (peer, "LC_ALL=C") and peer in r["command"].split()[:2]), None)
				for t in tvps:
					if other and t.get("times") and other.get("times"):
						i = stats.ratio_interval(t["times"], other["times"])
						self.conclusions.append("Whole processes, grep, %s: %s against %s: %s." % (
							size, code(short_command(t["command"])), code(peer), tex(stats.compare_words(i))))

	def gil(self):
		"""The GIL modes side by side with the lock's counters, the --gil-free band, fidelity."""
		a = self.a
		self.emit("\\section{The simulated GIL}\n")
		measured = {w: e for w, e in a.gil.items() if len(e) >= 2}
		if not measured:
			self.emit(self.not_measured(["gil"]) + "\n\n")
		for workload, entries in measured.items():
			self.emit("\\subsection{%s}\n" % tex(workload))
			first = next(iter(entries.values()))
			self.emit("Sizes: %s; serial %s.\n" % (sizes_tex(first["serial_run"]), secs(first["baseline"])))
			self.emit(figure(["gil-" + workload], "%s: speedup under no GIL, the modern GIL and the legacy GIL (log scale "
					 "where a speedup is below 1). Threads of one process share one lock; each process has its own." % tex(workload), 1.0))
			models = sorted({m for e in entries.values() for m in e["rows"] if is_threads(m) or is_processes(m)},
					key=model_rank)
			rows, heavy = [], 0
			for model in models:
				counts = sorted({r[0] for e in entries.values() for r in e["rows"].get(model, [])})
				for workers in counts:
					cells = []
					for e in entries.values():
						c = at(e["rows"].get(model, []), workers)
						run = run_at(e["runs"], model, workers)
						mark = bool(c and run) and (kernel_cpu_ratio(run, e["serial_run"]) or 0) >= CPU_HEAVY
						heavy += mark
						cells.append((num(c[4], 2) + ("$^\\S$" if mark else "")) if c else "--")
					rows.append([code(model), str(workers)] + cells)
			self.table("lr" + "r" * len(entries), ["model", "workers"] + ["speedup, GIL %s" % tex(m) for m in entries], rows)
			if heavy:
				self.emit(CPU_NOTE)
			self.gil_counters(workload, entries)
			for mode in ("modern", "legacy"):
				if mode not in entries:
					continue
				runs = entries[mode]["runs"]
				t, p = run_at(runs, "pthread", a.cores), run_at(runs, "pool", a.cores)
				if t and p:
					self.conclusions.append("%s (%s) under the %s GIL at %d workers: threads against the process pool: %s%s." % (
						tex(workload), sizes_tex(t), mode, a.cores, compare(t, p), claims.short_gil_words(t)))
		self.emit("\\subsection{Work done with the GIL released}\n")
		if a.gil_free_points:
			inside = total = 0
			for workers, points in a.gil_free_points.items():
				n = min(workers, a.cores)
				for fraction, speedup in points:
					low = 1 / ((1 - fraction) + fraction / n)
					high = n if fraction >= 1 else min(n, 1 / (1 - fraction))
					total += 1
					inside += low * 0.98 <= speedup <= high * 1.02
			first = next(r for runs in a.gil_free.values() for r in runs)
			self.emit(figure(["gil-free"], "Threads under the modern GIL with a known fraction $F$ of each unit done with the lock "
					 "released (\\texttt{-{}-gil-free}), %s: the band between Amdahl's bound $1/((1-F)+F/n)$ and the overlap "
					 "bound $\\min(n, 1/(1-F))$, $n$ the threads that can run at once; %d of the %d measured medians fall "
					 "inside it (2\\%% tolerance)." % (sizes_tex(first), inside, total), 0.75))
		else:
			self.emit(self.not_measured(["gil-free"]) + "\n\n")
		self.emit("\\subsection{Fidelity: the simulation beside real CPython}\n")
		if a.fidelity:
			self.emit(figure(["fidelity"], "Time relative to serial: tvp's simulated GIL beside the Python peers "
					 "(\\texttt{peers/python}) on this machine.", 0.85))
			cols = a.fidelity_columns
			self.table("l" + "r" * len(cols), ["configuration"] + [head_cell(c, 14) for c in cols],
				   [[tex(r["label"])] + [num(r.get(c), 2) for c in cols] for r in a.fidelity])
			interps = [c for c in cols if not c.startswith("tvp")]
			self.emit("Interpreters that ran: %s. %s\n\n" % (tex(", ".join(interps) or "none"), self.fidelity_fairness()))
			for mode, match in (("modern", lambda i: "2." not in i), ("legacy", lambda i: "2." in i)):
				pairs = [(r.get("tvp " + mode, float("nan")), r[i]) for r in a.fidelity for i in interps if match(i) and i in r]
				pairs = [(x, y) for x, y in pairs if not math.isnan(x) and not math.isnan(y)]
				if pairs:
					close = sum(abs(x - y) <= 0.15 for x, y in pairs)
					tvps = group_runs_of(a, "fidelity") or group_runs_of(a, "gil")
					brief = sorted({r["workload"] for r in tvps if r.get("gil") == mode and is_threads(r["model"])
							and r["workers"] > 1 and gil_brief(r)})
					self.conclusions.append("Fidelity of the %s GIL, the peers at %s: %d of %d simulated time ratios were "
								"within 0.15 of the real interpreter's (%s)%s." % (
									mode, self.peer_sizes(), close, len(pairs),
									tex(", ".join(i for i in interps if match(i))),
									"; tvp's threaded %s runs under it were too short to say much about the "
									"lock ($^\\ddagger$ in section 6)" % " and ".join(brief) if brief else ""))
		else:
			self.emit(self.not_measured(["peers"]) + "\n\n")
		self.fidelity_full()

	def peer_sizes(self):
		"""The sizes the Python peers ran at, one per workload (LaTeX): 'primes to 20,000; ...'."""
		firsts = {}
		for run in group_runs_of(self.a, "peers"):
			firsts.setdefault(run["workload"], run)
		return "; ".join(sizes_tex(r) for _, r in sorted(firsts.items())) or "?"

	def hyperfine_sizes(self, tvps):
		"""The regex and corpus of hyperfine's tvp grep commands, in words (LaTeX)."""
		return sizes_tex(command_run(tvps[0]["command"])) if tvps else "?"

	def gil_counters(self, workload, entries):
		"""The lock's counters per threaded configuration: hand-offs, retakes, drop requests,
		median slice, wait, CPU over wall; runs shorter than 20 switch intervals are marked."""
		rows, short = [], 0
		for mode, entry in entries.items():
			for run in sorted(entry["runs"], key=lambda r: (model_rank(r["model"]), r["workers"])):
				g = run.get("gil_stats")
				if not g or not is_threads(run["model"]) or run["workers"] < 2:
					continue
				brief = gil_brief(run)
				short += brief
				rows.append([tex(mode), code(run["model"]), str(run["workers"]),
					     secs(g.get("compute_s")) + ("$^\\ddagger$" if brief else ""), str(g.get("handoffs", "--")),
					     str(g.get("retakes", "--")), str(g.get("drop_requests", "--")), secs(g.get("median_slice_s")),
					     secs(g.get("wait_s")), num(g.get("cpu_per_wall"), 2)])
		if not rows:
			return
		self.table("llrrrrrrrr", ["GIL", "model", "workers", "compute", "hand-offs", "retakes", "drop req.", "median slice",
					  "wait", "CPU/wall"], rows, "footnotesize")
		if short:
			self.emit("$^\\ddagger$ shorter than 20 switch intervals, and the lock changed hands fewer than 20 times: "
				  "such a row says little about the GIL.\n\n")

	def fidelity_fairness(self):
		"""One sentence: whether tvp ran at least as long as the peers, with the same repeats."""
		peers = group_runs_of(self.a, "peers")
		tvps = group_runs_of(self.a, "fidelity") or [r for r in group_runs_of(self.a, "gil") if r.get("gil") != "off"]
		if not peers or not tvps:
			return ""
		reps = sorted({r.get("repeats") for r in peers + tvps if r.get("repeats")})
		parts, shorter = [], []
		for workload in sorted({r["workload"] for r in peers}):
			pser = [r["wall_s"]["median"] for r in peers if r["workload"] == workload and r["model"] == "python-serial"]
			tser = [r["wall_s"]["median"] for r in tvps if r["workload"] == workload and r["model"] == "serial"]
			if not pser or not tser:
				continue
			parts.append("%s: tvp %s to %s, the peers %s to %s" % (workload, secs(min(tser)), secs(max(tser)),
									     secs(min(pser)), secs(max(pser))))
			if min(tser) < max(pser):
				shorter.append(workload)
		if not parts:
			return ""
		text = "Serial runs, %s; repeats: %s." % ("; ".join(parts), ", ".join(str(x) for x in reps))
		if shorter:
			text += " On %s some tvp runs were shorter than the peers': their ratios carry more start-up and less lock." % (
				" and ".join(shorter))
		else:
			text += " Every tvp serial run lasted at least as long as its workload's peers."
		return tex(text).replace("\\textbackslash{}", "\\")

	def fidelity_full(self):
		"""The full fidelity benchmark's tables (make fidelity), when one was run."""
		data = self.a.fidelity_full
		self.emit("\\subsection{The full fidelity benchmark}\n")
		if not data:
			self.emit("Not run for this report: \\texttt{make fidelity} (5 rounds, about an hour on 2 cores, on a "
				  "quiet machine) writes \\texttt{results/fidelity.json}, and the next \\texttt{make report} "
				  "includes its tables here.\n\n")
			return
		ctx = data.get("context", {})
		self.emit("From %s (%s rounds, every configuration once a round in shuffled order; ratios are medians of "
			  "the ratios within a round). Interpreters: %s. Made by \\texttt{%s}.\n\n" % (
				  code(relative_path(self.a.fidelity_path, self.a.dir)), tex(ctx.get("rounds", "?")),
				  tex(", ".join(x for x in (ctx.get("python3"), ctx.get("python2")) if x) or "none"),
				  tex("make fidelity")))
		if ctx.get("sizes"):
			self.emit("Sizes: %s.\n\n" % tex("; ".join("%s %s" % kv for kv in ctx["sizes"].items())))
		for table in data["tables"]:
			self.emit("\\paragraph{%s}\n" % tex(table["title"]))
			spec = ("p{0.5\\linewidth}p{0.17\\linewidth}p{0.2\\linewidth}l" if table["name"] == "checks"
				else "ll" + "r" * (len(table["header"]) - 2))
			self.table(spec, [head_cell(h) for h in table["header"]], [[tex(c) for c in row] for row in table["rows"]], "footnotesize")
			for note in table.get("notes", []):
				self.emit("{\\small %s}\n\n" % tex(note))

	def scan_caption(self, entry):
		"""The grep figure's words for its scan lines, or '' when tvp overhead's scan was not measured."""
		if not entry["scan"]:
			return ""
		return (" Horizontal lines: the time \\texttt{memchr} takes to read the file's %.3g MB once, at the rates "
			"\\texttt{tvp overhead} measured reading %s MiB of memory (the scan limit; medians: %s)." % (
				entry["bytes"] / 1e6, self.a.scan_mib or "--", ", ".join("%s with %d thread%s" % (secs(statistics.median(t)), n, "" if n == 1 else "s")
								for n, t in sorted(entry["scan"].items()))))

	def scan_sentences(self, regex, entry):
		"""Per model with shared input: its run at the cores (else its most workers) against memchr with the most threads
		over the same bytes, as a ratio with its interval (a conclusion)."""
		if not entry["scan"]:
			return
		threads = max(entry["scan"])
		for label, runs in entry["series"].items():
			if not label.endswith("-shared"):
				continue
			run = next((r for r in runs if r["workers"] == self.a.cores), None) or max(runs, key=lambda r: r["workers"])
			i = stats.ratio_interval(stats.repeats(run), entry["scan"][threads])
			self.conclusions.append("grep, %s, %s \\texttt{-{}-input shared} with %d workers against "
						"\\texttt{memchr} reading the same bytes with %d thread%s (the scan limit): %s." % (
							sizes_tex(run), code(label[:-len("-shared")]), run["workers"], threads,
							"" if threads == 1 else "s", tex(stats.compare_words(i))))

	def overhead(self):
		"""The overhead constants: figure and table."""
		self.emit("\\section{Overhead constants}\\label{sec:overhead}\n")
		a = self.a
		if not a.overhead:
			self.emit((self.not_measured(["overhead"]) if "overhead" not in a.sweep.get("extra", {})
				   else "Not measured: \\texttt{tvp overhead}'s JSON held no per-operation times this script knows.") + "\n\n")
			return
		self.emit(figure(["overhead"], "What one operation costs on this machine (log scale): these constants decide "
				 "how much work a task needs before parallelism pays.", 0.8))
		self.table("lr", ["operation", "time"], [[tex(label), secs(seconds)] for label, seconds in a.overhead])

	def startup(self):
		"""The workers' start-up per model (group startup): the pool pays it once."""
		if not getattr(self.a, "startup", None):
			return
		self.emit("\\section{Start-up}\n")
		self.emit(figure(["startup"], "Starting the workers: the spawn phase of models that start them on every run (the "
				 "median of its repeats), and the start-up of those that start them once (\\texttt{startup\\_s}: one "
				 "sample per configuration, since each runs as one process); %s, no warm-up, log scale.\\label{fig:startup}" % (
					 sizes_tex(group_runs_of(self.a, "startup")[0]) if group_runs_of(self.a, "startup") else "?"), 0.7))

	def image(self):
		"""The Mandelbrot image, when the sweep wrote one."""
		if self.a.image:
			self.emit("\\section{The Mandelbrot image}\n")
			self.emit(figure(["mandelbrot-image"], "The image tvp computed (%d $\\times$ %d pixels), verified by the checksum "
					 "of its iteration counts." % (self.a.image["width"], self.a.image["height"]), 0.7))

	# ---- the talks' claims --------------------------------------------------------

	def claims(self):
		"""Each talk's claim, its table, what was measured here and the verdict."""
		self.emit("\\section{What the talks claimed, and what this machine says}\n")
		self.emit("Each claim below is quoted with its talk's own table (from the talks in \\texttt{shared/seeds}); the verdict "
			  "beneath it is computed from this run's numbers, with the sizes it was measured at.\n\n")
		for claim in claims.ALL:
			self.emit("\\subsection{%s}\n" % tex(claim["title"]))
			self.emit("\\emph{%s} %s\n\n" % (tex(claim["source"]), tex(claim["claim"])))
			header, rows = claim["table"]
			if rows:
				self.table("l" + "r" * (len(header) - 1), [tex(h) for h in header], [[tex(c) for c in row] for row in rows])
			measured, verdict, why = claim["check"](self.a)
			self.emit("\\textbf{Measured here:} %s\n\n\\textbf{Verdict: %s.} %s\n\n" % (measured, verdict, why))

	def not_measured_list(self):
		"""Everything the sweep skipped, with the reason."""
		if not self.skipped:
			return
		self.emit("\\section{Not measured on this run}\n\\begin{itemize}\\small\n")
		for skip in self.skipped:
			self.emit("\\item %s %s%s: %s\n" % (tex(skip["group"]), tex(skip.get("workload", "")),
							  (" [" + tex(skip["variant"]) + "]") if skip.get("variant") else "", tex(skip["why"])))
		self.emit("\\end{itemize}\n")

	def generate(self):
		"""The whole of generated.tex: title, conclusions first, then SECTIONS in order."""
		a = self.a
		self.emit("\\title{tvp: threads versus processes, measured on \\texttt{%s}}\n" % tex(a.machine.get("hostname", "?")))
		self.emit("\\author{generated by \\texttt{make bench} (profile %s)}\n\\date{%s}\n\\maketitle\n" % (
			tex(a.sweep.get("profile", "?")), tex(a.sweep.get("started", ""))))
		if a.sweep.get("profile") == "tiny":
			self.emit("\\begin{center}\\fbox{\\parbox{0.9\\textwidth}{\\small The \\emph{tiny} profile checks that the "
				  "pipeline works; its runs last milliseconds, so its timings are mostly start-up and noise. Run "
				  "\\texttt{make bench} for numbers.}}\\end{center}\n")
		body = self.out
		self.out = []
		for section in SECTIONS:
			section(self)
		sections = self.out
		self.out = body
		self.emit("\\section*{Conclusions from these numbers}\n")
		if self.conclusions:
			self.emit("\\begin{itemize}\n" + "".join("\\item %s\n" % c for c in self.conclusions) + "\\end{itemize}\n")
		else:
			self.emit("No workload was measured.\n")
		self.emit("\\tableofcontents\n")
		self.out += sections
		self.not_measured_list()
		return "".join(self.out)


# The report's sections in order: each is a function of the Writer. A new section is one
# module with such a function plus one line here.
def python_tools(w):
	"""Python's tools, measured (scripts/report_python.py, the sweep's python-tools line)."""
	data = w.a.extra_json("python-tools")
	if data is None:
		w.emit("\\section{Python's tools, measured}\n" + w.not_measured(["python-tools"]) + "\n")
		return
	w.emit(report_python.section(data)[0])


def flip_sections(w):
	"""The workloads where the answer flips: io, wordcount, pagefault (scripts/flip_report.py)."""
	flip_report.io_section(w)
	flip_report.wordcount_section(w)
	flip_report.section(w)
	flip_report.peers_section(w)


def mpi_section(w):
	"""Beyond one machine: the mpi model (scripts/report_mpi.py)."""
	report_mpi.section(w)


SECTIONS = [Writer.machine, Writer.workloads, Writer.schedules, Writer.ipc, Writer.grep_input, Writer.gil,
	    python_tools, Writer.overhead, Writer.startup, Writer.image, flip_sections, mpi_section, Writer.claims]


def relative_path(path, directory):
	"""path relative to the results directory (never an absolute path of the machine)."""
	return os.path.relpath(path, directory)


def write(analysis):
	"""DIR/report/report.tex (a copy) and DIR/report/generated.tex."""
	build_dir = os.path.join(analysis.dir, "report")
	os.makedirs(build_dir, exist_ok=True)
	shutil.copy(os.path.join(TOP, "report", "report.tex"), build_dir)
	with open(os.path.join(build_dir, "generated.tex"), "w") as f:
		f.write("%% generated.tex - written by scripts/analyze.py from results.json; do not edit.\n")
		f.write(Writer(analysis).generate())


OVERFULL = re.compile(r"^Overfull \\[hv]box \(([0-9.]+)pt too (?:wide|high)\)(.*)$", re.M)


def overfull_boxes(log_text, limit=1.0):
	"""The overfull-box warnings of a LaTeX log that exceed limit points: [(points, where)]."""
	return [(float(m.group(1)), m.group(2).strip()) for m in OVERFULL.finditer(log_text) if float(m.group(1)) > limit]


def build(analysis):
	"""latexmk in DIR/report; the PDF lands at DIR/report.pdf. An overfull box above 1 pt fails
	the build (exit 1), as a LaTeX error does."""
	build_dir = os.path.join(analysis.dir, "report")
	done = subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "report.tex"],
			      cwd=build_dir, capture_output=True, text=True)
	pdf = os.path.join(build_dir, "report.pdf")
	log = os.path.join(build_dir, "report.log")
	if done.returncode != 0 or not os.path.exists(pdf):
		tail = open(log).read()[-3000:] if os.path.exists(log) else done.stdout[-3000:]
		print(tail, file=sys.stderr)
		print("analyze: latexmk failed (log: %s)" % log, file=sys.stderr)
		sys.exit(1)
	boxes = overfull_boxes(open(log, errors="replace").read())
	if boxes:
		for points, where in boxes:
			print("analyze: overfull box %.1fpt %s" % (points, where), file=sys.stderr)
		print("analyze: %d overfull box(es) above 1pt in %s" % (len(boxes), log), file=sys.stderr)
		sys.exit(1)
	shutil.copy(pdf, os.path.join(analysis.dir, "report.pdf"))
	print("analyze: report %s" % os.path.join(analysis.dir, "report.pdf"), file=sys.stderr)

"""report_tex.py - the LaTeX of the tvp report, generated from an Analysis (see analyze.py).

write(analysis) writes DIR/report/generated.tex beside a copy of report/report.tex;
build(analysis) runs latexmk there and copies the PDF to DIR/report.pdf. Every sentence
that depends on a result is computed here from the numbers; the talks' own figures are
quoted from the seeds (shared/seeds) as the claims to check.
"""
import math
import os
import shlex
import shutil
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tex(text):
	"""Text with LaTeX's special characters escaped."""
	out = []
	for ch in str(text):
		out.append({"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
			    "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
			    "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}",
			    "'": r"\textquotesingle{}"}.get(ch, ch))
	return "".join(out).replace("--", "-{}-")  # no en-dash ligature in option names


def code(text):
	"""Text in typewriter type, escaped."""
	return r"\texttt{%s}" % tex(text)


def num(x, digits=3):
	"""A number for a table: NaN as a dash, small and large values readable."""
	if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))):
		return "--"
	if abs(x) >= 100:
		return "%.0f" % x
	return ("%%.%df" % digits) % x


def secs(x):
	"""Seconds with a unit that suits their size."""
	if x is None or (isinstance(x, float) and math.isnan(x)):
		return "--"
	if x < 1e-3:
		return r"%.1f\,\textmu s" % (x * 1e6)
	if x < 1:
		return r"%.1f\,ms" % (x * 1e3)
	return r"%.2f\,s" % x


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


class Writer:
	"""Builds generated.tex section by section."""

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

	# ---- machine and method ---------------------------------------------------

	def machine(self):
		"""Section 1: the machine, the sizes and how everything was measured."""
		a, m, s = self.a, self.a.machine, self.a.sweep
		sizes = s.get("sizes", {})
		rows = [("host", m.get("hostname")), ("CPU", m.get("cpu_model")), ("cores online", m.get("cores_online")),
			("memory", "%.1f GiB" % (m["memory_kb"] / 1048576) if m.get("memory_kb") else None),
			("kernel", m.get("kernel")), ("architecture", m.get("arch")), ("compiler", m.get("compiler")),
			("flags", m.get("flags")), ("git revision", m.get("git_revision")), ("tvp", m.get("tvp_version")),
			("sweep started", s.get("started")), ("profile", s.get("profile")),
			("sweep time", "%.0f s" % s["elapsed_s"] if "elapsed_s" in s else None),
			("load average", "%.2f at the start, %.2f at the end" % (s["loadavg_start"], s["loadavg_end"])
			 if s.get("loadavg_start") is not None and s.get("loadavg_end") is not None else None)]
		self.emit("\\section{Machine and method}\n")
		self.emit("\\begin{tabular}{@{}ll@{}}\n\\toprule\n")
		for key, value in rows:
			if value is not None:
				self.emit("%s & %s \\\\\n" % (tex(key), tex(value)))
		self.emit("\\bottomrule\n\\end{tabular}\n\n")
		busy = max(s.get("loadavg_start") or 0, s.get("loadavg_end") or 0)
		if busy > 0.5 * a.cores:
			self.emit("\\textbf{The machine was busy:} a load average of %.1f on %d cores means other processes "
				  "competed for the CPUs during the sweep, so speedups and fits below understate what this machine "
				  "can do; re-run \\texttt{make bench} on a quiet machine.\n\n" % (busy, a.cores))
			self.conclusions.append("The machine was busy during the sweep (load average up to %.1f on %d cores): "
						"every speedup here is a lower bound." % (busy, a.cores))
		methods = sorted({"%s: %s" % (r["workload"], r.get("reference_method", "?")) for r in a.results["runs"]})
		repeat, warmup = sizes.get("repeat", "?"), sizes.get("warmup", "?")
		self.emit(
			"\\paragraph{Method.} Every configuration ran as its own \\texttt{tvp} process: %s unmeasured "
			"warm-up repeat(s), then %s measured repeats; the tables give the median wall time "
			"(\\texttt{CLOCK\\_MONOTONIC}, from releasing the workers to the parent holding every result, "
			"plus set-up, spawn, collect and teardown). Speedup $S(N)$ is the serial model's median over "
			"the median with $N$ workers; efficiency is $S/N$; the Karp--Flatt serial fraction is "
			"$e = (1/S - 1/N)/(1 - 1/N)$. Amdahl's law $S(N) = 1/((1-p) + p/N)$ is fitted with gnuplot's "
			"\\texttt{fit} to the points with $N \\le %d$ (the cores online): past the cores the hardware caps "
			"the speedup at $\\min(N, %d)$, whatever the program. The Universal Scalability Law "
			"$S(N) = N/(1 + \\sigma(N-1) + \\kappa N(N-1))$ is fitted on the same points when there are at least "
			"three, else on every point (then $\\kappa$ also absorbs the oversubscription). "
			"Every run's answer was checked against an independent reference, and a wrong answer stops the "
			"sweep: %s. hyperfine timed whole processes (start-up, reference and one repeat included) as a "
			"cross-check, with the peers' output going to a pipe.\n\n"
			% (warmup, repeat, a.cores, a.cores, tex("; ".join(methods)) if methods else "no run"))
		self.emit("Sizes of profile \\texttt{%s}: %s.\n\n" % (tex(s.get("profile", "?")), tex(", ".join(
			"%s=%s" % (k, v) for k, v in sizes.items() if k not in ("dir", "tvp", "corpus")))))

	# ---- per workload -----------------------------------------------------------

	def workload_table(self, entry, fits):
		"""Model, workers, median, speedup, efficiency, Karp-Flatt, fitted p."""
		self.emit("\\begin{center}\\small\n\\begin{tabular}{@{}lrrrrrr@{}}\n\\toprule\n"
			  "model & workers & median & speedup & efficiency & Karp--Flatt $e$ & fitted $p$ \\\\\n\\midrule\n")
		self.emit("serial & 1 & %s & 1.00 & 1.00 & -- & -- \\\\\n" % secs(entry["baseline"]))
		for model in entry["models"]:
			self.emit("\\midrule\n")
			fit = fits.get(model, {})
			for i, row in enumerate(entry["rows"][model]):
				p = ""
				if i == 0:
					p = ("%.3f $\\pm$ %.3f" % (fit["p"], fit["p_err"])) if fit.get("p_n") else "--"
				self.emit("%s & %d & %s & %s & %s & %s & %s \\\\\n" % (
					tex(model) if i == 0 else "", row[0], secs(row[1]), num(row[4], 2), num(row[5], 2),
					num(row[6], 3), p))
		self.emit("\\bottomrule\n\\end{tabular}\n\\end{center}\n")

	def hyperfine_table(self, name):
		"""hyperfine's whole-process times for one `time` line of the sweep."""
		exported = self.a.hyperfine.get(name)
		if not exported:
			return
		answers = {o["command"]: o.get("answer", "") for o in exported.get("tvp_outputs", [])}
		corpus = self.a.sweep.get("sizes", {}).get("corpus")
		shorten = (lambda c: c.replace(corpus, "CORPUS")) if corpus else (lambda c: c)
		self.emit("\\paragraph{Cross-check (hyperfine, whole processes, %d runs each).} The harness column is the "
			  "median the sweep measured for the same configuration (one repeat inside the process: no process start-up, no reference answer).\n"
			  "\\begin{center}\\footnotesize\n\\begin{tabular}{@{}p{0.55\\textwidth}rrrl@{}}\n\\toprule\n"
			  "command & mean & $\\pm$ sd & harness & answer \\\\\n\\midrule\n" % len(exported["results"][0].get("times", [])))
		for r in exported["results"]:
			answer = answers.get(r["command"], "")
			harness = self.harness_median(r["command"])
			self.emit("%s & %s & %s & %s & %s \\\\\n" % (code(shorten(r["command"])), secs(r["mean"]), secs(r.get("stddev") or 0),
								    secs(harness) if harness else "--", tex(answer[:24])))
		self.emit("\\bottomrule\n\\end{tabular}\n\\end{center}\n")
		if corpus and any(corpus in r["command"] for r in exported["results"]):
			self.emit("CORPUS is %s.\n\n" % code(os.path.basename(corpus)))

	def harness_median(self, command):
		"""The sweep's median for the configuration a `tvp ...` command line names, or None."""
		words = shlex.split(command)
		if len(words) < 2 or words[0] != "tvp":
			return None
		opts = dict(zip(words[2::2], words[3::2]))
		model = opts.get("--model", "serial")
		workers = int(opts.get("--workers", 1 if model == "serial" else self.a.cores))
		for run in self.a.results["runs"]:
			if (run["workload"], run["model"], run["workers"]) != (words[1], model, workers):
				continue
			if model != "serial" and run.get("schedule", "static") != opts.get("--schedule", "static"):
				continue
			if run.get("gil", "off") != "off":
				continue
			params = run.get("params", {})
			if all(str(params[k[2:]]) == v for k, v in opts.items() if k[2:] in params):
				return run["wall_s"]["median"]
		return None

	def workloads(self):
		"""One subsection per scaling workload: its table, figures, hyperfine check, conclusions."""
		from analyze import SCALING
		self.emit("\\section{Workloads: scaling with the number of workers}\n")
		for group, title in SCALING:
			self.emit("\\subsection{%s}\n" % tex(title))
			entry = self.a.scaling.get(group)
			if not entry:
				self.emit(self.not_measured([group]) + "\n\n")
				continue
			fits = self.a.fits(group)
			params = ", ".join("%s=%s" % (k, v) for k, v in entry["params"].items())
			self.emit("\\texttt{tvp %s} with %s; serial median %s.\n" % (tex(entry["workload"]), tex(params), secs(entry["baseline"])))
			self.workload_table(entry, fits)
			self.emit(figure([group + "-speedup", group + "-usl"],
					 "%s: speedup with Amdahl's law fitted on $N \\le %d$ and the hardware cap (left); the "
					 "Universal Scalability Law (right)." % (tex(title), self.a.cores)))
			self.emit(figure([group + "-time", group + "-efficiency"], "%s: wall time and parallel efficiency." % tex(title)))
			self.emit(figure([group + "-karpflatt"], "%s: Karp--Flatt serial fraction; a fraction that grows with $N$ "
					 "points at overhead (start-up, communication, imbalance), a flat one at a true serial part." % tex(title), 0.6))
			self.hyperfine_table(group)
			self.conclude_workload(group, title, entry, fits)

	def conclude_workload(self, group, title, entry, fits):
		"""Generated conclusions for one workload."""
		cores = self.a.cores
		best = None
		for model in entry["models"]:
			row = at(entry["rows"][model], cores)
			if row and (best is None or row[4] > best[1][4]):
				best = (model, row)
		if not best:
			return
		text = "%s: at %d workers (the cores) the fastest model was %s, %.2f times faster than serial (efficiency %.0f\\%%)." % (
			tex(title), cores, code(best[0]), best[1][4], 100 * best[1][5])
		ps = ["%s $p = %.2f$" % (code(m), fits[m]["p"]) for m in entry["models"] if fits.get(m, {}).get("p_n")]
		if ps:
			text += " Fitted parallel fractions: %s" % ", ".join(ps)
			top = max((fits[m]["p"], m) for m in entry["models"] if fits.get(m, {}).get("p_n"))
			if top[0] < 1:
				text += "; Amdahl then bounds the speedup of %s at $1/(1-p) = %.1f$ however many cores." % (code(top[1]), 1 / (1 - top[0]))
			else:
				text += "; with $p \\ge 1$ the points show no serial part at all within the noise."
		threads, procs = at(entry["rows"].get("pthread", []), cores), at(entry["rows"].get("pool", []), cores)
		if threads and procs:
			diff = (threads[1] - procs[1]) / procs[1] * 100
			text += " Threads against the process pool at %d workers: %+.0f\\%% time (%s)." % (
				cores, diff, "alike within 10\\%: without an interpreter lock C threads and processes scale the same way"
				if abs(diff) < 10 else ("threads faster" if diff < 0 else "processes faster"))
		over = [(m, at(entry["rows"][m], 2 * cores), at(entry["rows"][m], cores)) for m in entry["models"]]
		over = [(m, o, c) for m, o, c in over if o and c]
		if over:
			gains = ", ".join("%s %.2f" % (code(m), o[4] / c[4]) for m, o, c in over)
			text += " Twice as many workers as cores changed the speedup by a factor of %s: oversubscription buys %s." % (
				gains, "nothing" if all(o[4] / c[4] < 1.1 for _, o, c in over) else "something here (imbalance at $N$ = cores)")
		self.conclusions.append(text)

	# ---- cross-workload figures -------------------------------------------------

	def schedules(self):
		"""Mandelbrot under each schedule: table, figure, and which schedule won."""
		self.emit("\\section{Schedules on Mandelbrot}\n")
		a = self.a
		if not a.schedules:
			self.emit(self.not_measured(["mandel-sched"]) + "\n\n")
			return
		self.emit("\\begin{center}\\small\n\\begin{tabular}{@{}l%s@{}}\n\\toprule\nschedule & %s \\\\\n\\midrule\n" % (
			"r" * len(a.schedule_models), " & ".join(code(m) for m in a.schedule_models)))
		for row in a.schedules:
			self.emit("%s & %s \\\\\n" % (tex(row["label"]), " & ".join(secs(row["times"].get(m)) for m in a.schedule_models)))
		self.emit("\\bottomrule\n\\end{tabular}\n\\end{center}\n")
		self.emit(figure(["mandel-schedules"], "Mandelbrot rows under each schedule: rows near the set cost far more, "
				 "so one block per worker leaves a worker idle while another finishes.", 0.75))
		block = next((r for r in a.schedules if r["label"].startswith("block")), None)
		if block:
			for model in a.schedule_models:
				times = [(r["times"][model], r["label"]) for r in a.schedules if model in r["times"]]
				if model in block["times"] and times:
					best = min(times)
					self.conclusions.append("Mandelbrot with %s: the best schedule was %s, %.2f times faster than one block per worker."
								% (code(model), tex(best[1]), block["times"][model] / best[0]))

	def ipc(self):
		"""Results back through a pipe or through shared memory (group ipc): a table."""
		self.emit("\\section{Results back by pipe or by shared memory}\n")
		runs = [r for r in self.a.results["runs"] if r.get("sweep", {}).get("group") == "ipc"]
		if not runs:
			self.emit(self.not_measured(["ipc"]) + "\n\n")
			return
		kinds = sorted({r.get("ipc", "?") for r in runs})
		rows = {}
		for r in runs:
			rows.setdefault((r["workload"], r["model"], r["workers"]), {})[r.get("ipc", "?")] = r["wall_s"]["median"]
		self.emit("\\begin{center}\\small\n\\begin{tabular}{@{}llr%s@{}}\n\\toprule\nworkload & model & workers & %s \\\\\n\\midrule\n" % (
			"r" * len(kinds), " & ".join("\\texttt{-{}-ipc %s}" % tex(k) for k in kinds)))
		for (workload, model, workers), times in sorted(rows.items()):
			self.emit("%s & %s & %d & %s \\\\\n" % (tex(workload), code(model), workers, " & ".join(secs(times.get(k)) for k in kinds)))
			if "pipe" in times and "shm" in times:
				self.conclusions.append("%s, %s with %d workers: results through shared memory took %.2f times the time "
							"of results through a pipe." % (tex(workload), code(model), workers, times["shm"] / times["pipe"]))
		self.emit("\\bottomrule\n\\end{tabular}\n\\end{center}\n")
		params = runs[0].get("params", {})
		self.emit("Sizes: %s. Each row of the image travels back to the parent: copied through a pipe (as Python's "
			  "queues pickle results) or written in place into a shared mapping.\n\n" % tex(", ".join(
			  "%s=%s" % kv for kv in params.items())))

	def grep_input(self):
		"""grep with shipped vs shared input, beside GNU grep and ripgrep."""
		self.emit("\\section{Regex search: shipping the input vs sharing it}\n")
		a = self.a
		if not a.grep_input:
			self.emit(self.not_measured(["grep-input", "corpus"]) + "\n\n")
			return
		for regex, entry in a.grep_input.items():
			self.emit(figure(["grep-input-%d" % entry["index"]], "\\texttt{%s}: \\texttt{--input ship} (the parent reads the file "
					 "and sends each chunk through the IPC channel: the talk's queue) against \\texttt{--input shared} "
					 "(each worker maps its own chunk); GNU grep and ripgrep timed by hyperfine on the same file." % tex(regex), 0.75))
			ship = [min(r["wall_s"]["median"] for r in runs) for label, runs in entry["series"].items() if label.endswith("-ship")]
			shared = [min(r["wall_s"]["median"] for r in runs) for label, runs in entry["series"].items() if label.endswith("-shared")]
			if ship and shared:
				text = "grep \\texttt{%s}: the best shipped run took %s, the best shared one %s (%.1f times %s)." % (
					tex(regex), secs(min(ship)), secs(min(shared)), max(min(ship), min(shared)) / min(min(ship), min(shared)),
					"slower to ship" if min(ship) > min(shared) else "faster to ship")
				for peer in ("grep", "rg"):
					if entry.get(peer):
						text += " %s took %s (tvp's best %s)." % (code(peer), secs(entry[peer]),
							"faster" if min(shared) < entry[peer] else "slower")
				self.conclusions.append(text)
		self.hyperfine_table("grep")
		self.hyperfine_table("grep-all")

	def gil(self):
		"""The GIL modes side by side, the --gil-free band, and fidelity against real CPython."""
		a = self.a
		self.emit("\\section{The simulated GIL}\n")
		measured = {w: e for w, e in a.gil.items() if len(e) >= 2}
		if not measured:
			self.emit(self.not_measured(["gil"]) + "\n\n")
		for workload, entries in measured.items():
			self.emit("\\subsection{%s}\n" % tex(workload))
			self.emit(figure(["gil-" + workload], "%s: speedup under no GIL, the modern GIL and the legacy GIL. Threads of one "
					 "process share one lock; each process has its own." % tex(workload), 1.0))
			self.emit("\\begin{center}\\small\n\\begin{tabular}{@{}lr%s@{}}\n\\toprule\nmodel & workers & %s \\\\\n\\midrule\n" % (
				"r" * len(entries), " & ".join("speedup, GIL %s" % tex(m) for m in entries)))
			models = [m for m in ("pthread", "fork", "pool") if any(m in e["rows"] for e in entries.values())]
			for model in models:
				counts = sorted({r[0] for e in entries.values() for r in e["rows"].get(model, [])})
				for workers in counts:
					cells = [at(e["rows"].get(model, []), workers) for e in entries.values()]
					self.emit("%s & %d & %s \\\\\n" % (code(model), workers, " & ".join(num(c[4], 2) if c else "--" for c in cells)))
			self.emit("\\midrule\nfitted Amdahl $p$ & & \\\\\n")
			for model in models:
				cells = [a.fits("gil-%s-%s" % (workload, m)).get(model) for m in entries]
				self.emit("%s & $N \\le %d$ & %s \\\\\n" % (code(model), a.cores, " & ".join(
					"%.2f" % f["p"] if f and f["p_n"] else "--" for f in cells)))
			self.emit("\\bottomrule\n\\end{tabular}\n\\end{center}\n")
			for mode in ("modern", "legacy"):
				if mode not in entries:
					continue
				t = at(entries[mode]["rows"].get("pthread", []), a.cores)
				p = at(entries[mode]["rows"].get("pool", []), a.cores)
				fit = a.fits("gil-%s-%s" % (workload, mode)).get("pthread")
				if t and p:
					self.conclusions.append("%s under the %s GIL at %d workers: threads %.2f times the serial speed%s, the process "
								"pool %.2f: %s." % (tex(workload), mode, a.cores, t[4],
								" (fitted $p = %.2f$)" % fit["p"] if fit and fit["p_n"] else "", p[4],
								"the lock serialises the threads while each process has its own" if t[4] < 0.8 * p[4]
								else "threads kept up with processes here"))
		self.emit("\\subsection{Work done with the GIL released}\n")
		if a.gil_free_points:
			self.emit(figure(["gil-free"], "Threads under the modern GIL with fraction $F$ of each unit done with the lock released "
					 "(\\texttt{--gil-free}): measured points between Amdahl's bound $1/((1-F)+F/N)$ and the overlap bound "
					 "$\\min(N, 1/(1-F))$.", 0.75))
			inside = []
			for workers, points in a.gil_free_points.items():
				for f, s in points:
					low, high = 1 / ((1 - f) + f / workers), (workers if f >= 1 else min(workers, 1 / (1 - f)))
					inside.append(low * 0.9 <= s <= high * 1.1)
			self.conclusions.append("With the GIL released for part of the work, %d of %d measured points fell inside the "
						"band between Amdahl's bound and the overlap bound (10\\%% tolerance)." % (sum(inside), len(inside)))
		else:
			self.emit(self.not_measured(["gil-free"]) + "\n\n")
		self.emit("\\subsection{Fidelity: the simulation beside real CPython}\n")
		if a.fidelity:
			self.emit(figure(["fidelity"], "Time relative to serial: tvp's simulated GIL beside the Python peers "
					 "(\\texttt{peers/python}) on this machine.", 0.85))
			cols = a.fidelity_columns
			self.emit("\\begin{center}\\small\n\\begin{tabular}{@{}l%s@{}}\n\\toprule\nconfiguration & %s \\\\\n\\midrule\n" % (
				"r" * len(cols), " & ".join(tex(c) for c in cols)))
			for row in a.fidelity:
				self.emit("%s & %s \\\\\n" % (tex(row["label"]), " & ".join(num(row.get(c), 2) for c in cols)))
			self.emit("\\bottomrule\n\\end{tabular}\n\\end{center}\n")
			interps = [c for c in cols if not c.startswith("tvp")]
			self.emit("Interpreters that ran: %s.\n\n" % tex(", ".join(interps) or "none"))
			for mode, match in (("modern", lambda i: "2." not in i), ("legacy", lambda i: "2." in i)):
				pairs = [(r.get("tvp " + mode, float("nan")), r[i]) for r in a.fidelity for i in interps if match(i) and i in r]
				pairs = [(x, y) for x, y in pairs if not math.isnan(x) and not math.isnan(y)]
				if pairs:
					close = sum(abs(x - y) <= 0.15 for x, y in pairs)
					self.conclusions.append("Fidelity of the %s GIL: %d of %d simulated time ratios were within 0.15 of the "
								"real interpreter's (%s)." % (mode, close, len(pairs),
								tex(", ".join(i for i in interps if match(i)))))
		else:
			self.emit(self.not_measured(["peers"]) + "\n\n")
		self.fidelity_full()

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
				  code(os.path.relpath(self.a.fidelity_path, TOP) if self.a.fidelity_path.startswith(TOP)
				       else self.a.fidelity_path), tex(ctx.get("rounds", "?")),
				  tex(", ".join(x for x in (ctx.get("python3"), ctx.get("python2")) if x) or "none"),
				  tex("make fidelity")))
		if ctx.get("sizes"):
			self.emit("Sizes: %s.\n\n" % tex("; ".join("%s %s" % kv for kv in ctx["sizes"].items())))
		for table in data["tables"]:
			self.emit("\\paragraph{%s}\n" % tex(table["title"]))
			# The checks are sentences: wrap them (and the figures) in fixed columns.
			spec = ("p{0.5\\linewidth}p{0.17\\linewidth}p{0.2\\linewidth}l" if table["name"] == "checks"
				else "ll" + "r" * (len(table["header"]) - 2))
			self.emit("\\begin{center}\\footnotesize\n\\begin{tabular}{@{}%s@{}}\n\\toprule\n%s \\\\\n\\midrule\n" % (
				spec, " & ".join(head_cell(h) for h in table["header"])))
			for row in table["rows"]:
				self.emit("%s \\\\\n" % " & ".join(tex(c) for c in row))
			self.emit("\\bottomrule\n\\end{tabular}\n\\end{center}\n")
			for note in table.get("notes", []):
				self.emit("{\\small %s}\n\n" % tex(note))

	def overhead(self):
		"""The overhead constants: figure and table."""
		self.emit("\\section{Overhead constants}\n")
		a = self.a
		if not a.overhead:
			self.emit((self.not_measured(["overhead"]) if "overhead" not in a.sweep.get("extra", {})
				   else "Not measured: \\texttt{tvp overhead}'s JSON held no per-operation times this script knows.") + "\n\n")
			return
		self.emit(figure(["overhead"], "What one operation costs on this machine (log scale): these constants decide "
				 "how much work a task needs before parallelism pays.", 0.8))
		self.emit("\\begin{center}\\small\n\\begin{tabular}{@{}lr@{}}\n\\toprule\noperation & time \\\\\n\\midrule\n")
		for label, seconds in a.overhead:
			self.emit("%s & %s \\\\\n" % (tex(label), secs(seconds)))
		self.emit("\\bottomrule\n\\end{tabular}\n\\end{center}\n")

	def image(self):
		"""The Mandelbrot image, when the sweep wrote one."""
		if self.a.image:
			self.emit("\\section{The Mandelbrot image}\n")
			self.emit(figure(["mandelbrot-image"], "The image tvp computed (%d $\\times$ %d pixels), verified by the checksum "
					 "of its iteration counts." % (self.a.image["width"], self.a.image["height"]), 0.7))

	# ---- the talks' claims --------------------------------------------------------

	def claims(self):
		"""Each talk's claim, its table, what was measured here and the verdict."""
		import claims
		self.emit("\\section{What the talks claimed, and what this machine says}\n")
		self.emit("Each claim below is quoted with its talk's own table (from the talks in \\texttt{shared/seeds}); the verdict "
			  "beneath it is computed from this run's numbers.\n\n")
		for claim in claims.ALL:
			self.emit("\\subsection{%s}\n" % tex(claim["title"]))
			self.emit("\\emph{%s} %s\n\n" % (tex(claim["source"]), tex(claim["claim"])))
			header, rows = claim["table"]
			self.emit("\\begin{center}\\small\n\\begin{tabular}{@{}%s@{}}\n\\toprule\n%s \\\\\n\\midrule\n" % (
				"l" + "r" * (len(header) - 1), " & ".join(tex(h) for h in header)))
			for row in rows:
				self.emit(" & ".join(tex(c) for c in row) + " \\\\\n")
			self.emit("\\bottomrule\n\\end{tabular}\n\\end{center}\n")
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
		"""The whole of generated.tex: title, conclusions first, then the sections."""
		a = self.a
		self.emit("\\title{tvp: threads versus processes, measured on \\texttt{%s}}\n" % tex(a.machine.get("hostname", "?")))
		self.emit("\\author{generated by \\texttt{make bench} (profile %s)}\n\\date{%s}\n\\maketitle\n" % (
			tex(a.sweep.get("profile", "?")), tex(a.sweep.get("started", ""))))
		if a.sweep.get("profile") == "tiny":
			self.emit("\\begin{center}\\fbox{\\parbox{0.9\\textwidth}{\\small The \\emph{tiny} profile checks that the "
				  "pipeline works; its runs last milliseconds, so its timings, fits and verdicts are noise. Run "
				  "\\texttt{make bench} for numbers.}}\\end{center}\n")
		body = self.out
		self.out = []
		self.machine()
		self.workloads()
		self.schedules()
		self.ipc()
		self.grep_input()
		self.gil()
		self.overhead()
		self.image()
		self.claims()
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


def write(analysis):
	"""DIR/report/report.tex (a copy) and DIR/report/generated.tex."""
	build_dir = os.path.join(analysis.dir, "report")
	os.makedirs(build_dir, exist_ok=True)
	shutil.copy(os.path.join(TOP, "report", "report.tex"), build_dir)
	with open(os.path.join(build_dir, "generated.tex"), "w") as f:
		f.write("%% generated.tex - written by scripts/analyze.py from %s; do not edit.\n" % analysis.dir)
		f.write(Writer(analysis).generate())


def build(analysis):
	"""latexmk in DIR/report; the PDF lands at DIR/report.pdf."""
	build_dir = os.path.join(analysis.dir, "report")
	done = subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "report.tex"],
			      cwd=build_dir, capture_output=True, text=True)
	pdf = os.path.join(build_dir, "report.pdf")
	if done.returncode != 0 or not os.path.exists(pdf):
		log = os.path.join(build_dir, "report.log")
		tail = open(log).read()[-3000:] if os.path.exists(log) else done.stdout[-3000:]
		print(tail, file=sys.stderr)
		print("analyze: latexmk failed (log: %s)" % log, file=sys.stderr)
		sys.exit(1)
	shutil.copy(pdf, os.path.join(analysis.dir, "report.pdf"))
	print("analyze: report %s" % os.path.join(analysis.dir, "report.pdf"), file=sys.stderr)

#!/usr/bin/env python3
"""analyze.py - turn a results directory into plot data, figures and the PDF report.

usage: scripts/analyze.py data|plots|tex|report DIR

  data    DIR/data/*.dat (one file per plotted series) and DIR/data/manifest.json
  plots   data, then every gnuplot script of the manifest: DIR/plots/*.pdf and *.png
  tex     DIR/report/generated.tex from the results and the fits gnuplot wrote
  report  plots, tex, then latexmk: DIR/report.pdf
A workload, mode or peer the sweep did not measure gets no figure; the report says
"not measured" and why. Standard library only. Exit status 0 ok, 1 a tool failed, 2 usage.
"""
import json
import math
import os
import re
import shlex
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report_tex  # noqa: E402
import stats  # noqa: E402
from facts import (SCALING, GIL_MODES, model_kind, learn_kinds, model_rank, median_s,  # noqa: E402,F401
		   group_runs, gil_of, input_of, regex_of, gil_free_of, schedule_label)

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

FIGURE_FORMATS = ("pdf", "png")


def die(status, message):
	"""Print one line on stderr and exit with status."""
	print("analyze: " + message, file=sys.stderr)
	sys.exit(status)


def split_by(runs, key):
	"""{key(run): [runs]} in first-seen order."""
	out = {}
	for run in runs:
		out.setdefault(key(run), []).append(run)
	return out


def scaling_rows(runs, baseline_s):
	"""Rows for one series: workers, median, min, max, speedup, efficiency, Karp-Flatt (NaN
	above 1: slower than serial, not a fraction), speedup at the slowest and fastest repeat,
	the repeats' coefficient of variation, and 1 when that is above stats.NOISY_CV.
	baseline_s is the serial median."""
	rows = []
	for run in sorted(runs, key=lambda r: r["workers"]):
		workers, wall = run["workers"], run["wall_s"]
		speedup = baseline_s / wall["median"]
		karp_flatt = stats.karp_flatt(speedup, workers)
		variation = stats.cv(stats.repeats(run))
		rows.append([workers, wall["median"], wall["min"], wall["max"], speedup,
			     speedup / workers, karp_flatt if karp_flatt <= 1 else float("nan"),
			     baseline_s / wall["max"], baseline_s / wall["min"], variation,
			     int(variation > stats.NOISY_CV)])
	return rows


def use_remeasure(run):
	"""A noisy run the sweep measured again (run["sweep"]["remeasure"]) is judged by the less
	noisy of its two measurements; both stay in the record (wall_s_first keeps the first)."""
	again = run.get("sweep", {}).get("remeasure")
	if not again or "wall_s" not in again:
		return
	if stats.cv(stats.repeats(again)) < stats.cv(stats.repeats(run)):
		run["wall_s_first"] = run["wall_s"]
		run["wall_s"] = again["wall_s"]
		run["sweep"]["used_remeasure"] = True


def baseline(runs, serial_model="serial"):
	"""The serial median of runs, else the median of the first model at one worker, else None."""
	serial = [r for r in runs if r["model"] == serial_model]
	if serial:
		return median_s(serial[0])
	ones = [r for r in runs if r["workers"] == 1]
	return median_s(ones[0]) if ones else None


def write_dat(path, header, rows, titled=False):
	"""A whitespace-separated data file for gnuplot (NaN for missing values); with titled,
	the first line holds quoted column titles (gnuplot's columnheader) instead of a comment."""
	with open(path, "w") as f:
		if titled:
			f.write(" ".join(fmt_num(str(h)) for h in header) + "\n")
		else:
			f.write("# " + " ".join(header) + "\n")
		for row in rows:
			f.write(" ".join(fmt_num(x) for x in row) + "\n")


def fmt_num(x):
	"""One value for a gnuplot data file: strings quoted, missing numbers as NaN."""
	if isinstance(x, str):
		return '"%s"' % x.replace('"', "'")
	if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))):
		return "NaN"
	if isinstance(x, int):
		return str(x)
	return "%.6g" % x


class Analysis:
	"""Everything derived from one results directory."""

	def __init__(self, directory):
		self.dir = os.path.abspath(directory)
		path = os.path.join(self.dir, "results.json")
		if not os.path.exists(path):
			die(2, "no results.json in %s (run the sweep first: make bench)" % self.dir)
		with open(path) as f:
			self.results = json.load(f)
		self.sweep = self.results.get("sweep", {})
		for run in self.results["runs"]:
			use_remeasure(run)
		learn_kinds(self.results["runs"])
		self.machine = self.results.get("machine", {})
		self.cores = int(self.machine.get("cores_online") or self.sweep.get("cores") or 1)
		self.data = os.path.join(self.dir, "data")
		self.plots = os.path.join(self.dir, "plots")
		self.manifest = []      # gnuplot jobs: {"script", "vars", "figures"}
		self.scaling = {}       # group -> {"title", "models", "rows": {model: rows}, "baseline"}
		self.hyperfine = self.load_hyperfine()
		self.fidelity_full, self.fidelity_path = self.load_fidelity()

	# ---- data ---------------------------------------------------------------

	def add_plot(self, script, figures, **variables):
		"""Queue a gnuplot job: script, the figures it must write, its -e variables."""
		self.manifest.append({"script": script, "figures": figures, "vars": variables})

	def make_data(self):
		"""Write every data file and the manifest."""
		os.makedirs(self.data, exist_ok=True)
		summary = os.path.join(self.data, "amdahl-summary.txt")
		if os.path.exists(summary):
			os.remove(summary)
		for group, title in SCALING:
			self.data_scaling(group, title)
		self.data_gil()
		self.data_gil_free()
		self.data_fidelity()
		self.data_schedules()
		self.data_grep_input()
		self.data_overhead()
		self.data_image()
		self.data_startup()
		with open(os.path.join(self.data, "manifest.json"), "w") as f:
			json.dump(self.manifest, f, indent=1)

	def data_scaling(self, group, title, name=None, runs=None, gil="off"):
		"""One scaling group (every model, 1..2x cores): data files, admissible fits, the curves
		they allow (as data files), and its figures."""
		runs = runs if runs is not None else [r for r in group_runs(self.results, group) if gil_of(r) == gil]
		name = name or group
		if not runs:
			return None
		base = baseline(runs)
		if not base:
			return None
		series = split_by(sorted(runs, key=lambda r: model_rank(r["model"])), lambda r: r["model"])
		models = [m for m in series if m != "serial"]
		if not models:
			return None
		serial_runs = [r for r in runs if r["model"] == "serial"] or [r for r in runs if r["workers"] == 1][:1]
		entry = {"title": title, "models": models, "baseline": base, "rows": {}, "fits": {},
			 "serial_run": serial_runs[0], "series": series,
			 "workload": runs[0]["workload"], "params": runs[0].get("params", {}), "runs": runs}
		for model in models:
			rows = scaling_rows(series[model], base)
			entry["rows"][model] = rows
			write_dat(os.path.join(self.data, "%s-%s.dat" % (name, model)),
				  ["workers", "median_s", "min_s", "max_s", "speedup", "efficiency", "karp_flatt",
				   "speedup_low", "speedup_high", "cv", "noisy"], rows)
			fit = stats.scaling_fits(stats.repeats(serial_runs[0]),
						 {r["workers"]: stats.repeats(r) for r in series[model]}, self.cores)
			entry["fits"][model] = fit
			self.write_curves(name, model, fit, base, max(r[0] for r in rows))
		write_fits(os.path.join(self.data, name + "-fits.txt"), entry["fits"])
		if not name.startswith("gil-") or not name.endswith("-off"):
			with open(os.path.join(self.data, "amdahl-summary.txt"), "a") as f:
				f.write(amdahl_summary(name, entry["fits"]) + "\n")
		self.scaling[name] = entry
		if group in dict(SCALING) and name == group:
			self.add_plot("plots/scaling.gp", [name + s for s in ("-speedup", "-usl", "-time", "-efficiency", "-karpflatt")],
				      name=name, title=title, models=" ".join(models), cores=self.cores,
				      **axis_words(entry), **curve_words(entry["fits"], models))
		return entry

	def write_curves(self, name, model, fit, base, most):
		"""NAME-MODEL-{amdahl,usl,overhead}.curve: the speedup each admissible fit draws, sampled
		from 1 to the most workers measured; a curve that would hold a pole, a negative value or
		a value above N is not written (stats.curve)."""
		cores = self.cores
		laws = {}
		if fit["amdahl"]:
			laws["amdahl"] = lambda n, p=fit["amdahl"]["p"]: stats.amdahl(min(n, cores), p)
		elif fit["one_point"]:
			laws["amdahl"] = lambda n, p=fit["one_point"]["p"]: stats.amdahl(min(n, cores), p)
		if fit["usl"]:
			top = max(n for n in fit["core_counts"])
			laws["usl"] = (lambda n, u=fit["usl"]: stats.usl(n, u["sigma"], u["kappa"]), top)
		if fit["overhead"] and not fit["overhead_bound"]:
			o = fit["overhead"]
			laws["overhead"] = lambda n, o=o: base / (base * ((1 - o["p"]) + o["p"] / min(n, cores)) + o["c0"] + o["c1"] * (n - 1))
		for law in ("amdahl", "usl", "overhead"):
			path = os.path.join(self.data, "%s-%s-%s.curve" % (name, model, law))
			function = laws.get(law)
			stop = most
			if isinstance(function, tuple):
				function, stop = function
			points = stats.curve(function, 1.0, float(stop)) if function else []
			fit.setdefault("drawn", {})[law] = bool(points)
			write_dat(path, ["workers", "speedup"], points or [[float("nan"), float("nan")]])

	def data_gil(self):
		"""GIL modes side by side, per workload: speedup per model under each measured mode."""
		runs = group_runs(self.results, "gil")
		self.gil = {}
		for workload, wruns in split_by(runs, lambda r: r["workload"]).items():
			modes = [m for m in GIL_MODES if any(gil_of(r) == m for r in wruns)]
			entries = {}
			for mode in modes:
				entry = self.data_scaling("gil", workload, name="gil-%s-%s" % (workload, mode),
							  runs=[r for r in wruns if gil_of(r) == mode])
				if entry:
					entries[mode] = entry
			self.gil[workload] = entries
			if len(entries) >= 2:
				common = set.intersection(*(set(e["models"]) for e in entries.values()))
				models = sorted((m for m in common if model_kind(m) in ("threads", "processes")), key=model_rank)
				self.add_plot("plots/gil.gp", ["gil-" + workload], name="gil-" + workload, workload=workload,
					      modes=" ".join(entries), models=" ".join(models), cores=self.cores,
					      logspeed=int(any(r[4] < 1 for e in entries.values() for m in models for r in e["rows"][m])))

	def data_gil_free(self):
		"""--gil-free F: the speedup of N threads against F, per N, between the two bounds."""
		runs = group_runs(self.results, "gil-free")
		self.gil_free = {}
		for run in runs:
			fraction = gil_free_of(run)
			if fraction is None:
				continue
			self.gil_free.setdefault(float(fraction), []).append(run)
		by_workers = {}
		# the thread model: the first of kind threads in report order
		threads = min((r["model"] for r in runs if model_kind(r["model"]) == "threads"), key=model_rank, default=None)
		for fraction, fruns in sorted(self.gil_free.items()):
			base = baseline(fruns)
			for run in fruns:
				if run["model"] == threads and run["workers"] > 1 and base:
					by_workers.setdefault(run["workers"], []).append((fraction, base / median_s(run)))
		self.gil_free_points = by_workers
		if not by_workers:
			return
		for workers, points in by_workers.items():
			write_dat(os.path.join(self.data, "gilfree-%d.dat" % workers), ["gil_free", "speedup"], points)
		self.add_plot("plots/gilfree.gp", ["gil-free"], name="gil-free",
			      workers=" ".join(str(w) for w in sorted(by_workers)), cores=self.cores)

	def peer_interpreter(self, run):
		"""Which interpreter a peer run used: the peer's own word, else what the sweep recorded."""
		return str(run.get("interpreter") or run.get("params", {}).get("interpreter")
			   or run.get("sweep", {}).get("program") or "python3")

	def data_fidelity(self):
		"""tvp's simulated time ratios beside the Python peers' measured ones."""
		configs = [("pthread", 2, "python-threading", "2 threads"), ("pthread", 4, "python-threading", "4 threads"),
			   ("fork", 2, "python-process", "2 processes"), ("pool", 2, "python-pool", "pool of 2")]
		peers = group_runs(self.results, "peers")
		gil_runs = group_runs(self.results, "fidelity") or group_runs(self.results, "gil")
		self.fidelity = []
		interpreters = []
		for workload in sorted(set(r["workload"] for r in peers)):
			tvp = {mode: [r for r in gil_runs if r["workload"] == workload and gil_of(r) == mode] for mode in ("modern", "legacy")}
			py = split_by([r for r in peers if r["workload"] == workload], self.peer_interpreter)
			for model, workers, peer_model, label in configs:
				row = {"label": "%s, %s" % (workload, label)}
				for mode, truns in tvp.items():
					row["tvp " + mode] = ratio(truns, "serial", model, workers)
				for interp, pruns in py.items():
					row[interp] = ratio(pruns, "python-serial", peer_model, workers)
					if interp not in interpreters:
						interpreters.append(interp)
				self.fidelity.append(row)
		if not self.fidelity:
			return
		columns = [c for c in ["tvp modern"] + interpreters + ["tvp legacy"]
			   if any(not math.isnan(r.get(c, float("nan"))) for r in self.fidelity)]
		self.fidelity_columns = columns
		write_dat(os.path.join(self.data, "fidelity.dat"), ["label"] + columns,
			  [[r["label"]] + [r.get(c, float("nan")) for c in columns] for r in self.fidelity], titled=True)
		values = [r.get(c) for r in self.fidelity for c in columns]
		self.add_plot("plots/fidelity.gp", ["fidelity"], name="fidelity", ncolumns=len(columns),
			      ymax=1.15 * max([1.0] + [v for v in values if v is not None and not math.isnan(v)]))

	def data_schedules(self):
		"""Schedules on Mandelbrot: time per schedule and model, and each worker's busy time
		(workers_detail of the last repeat) per schedule."""
		runs = group_runs(self.results, "mandel-sched")
		self.schedules = []
		if not runs:
			return
		models = sorted(set(r["model"] for r in runs), key=model_rank)
		# a serial line only from the same image (the scaling group's view may be another one)
		scaling = self.scaling.get("mandelbrot", {})
		serial = scaling.get("baseline") if scaling.get("params") == runs[0].get("params") else None
		for label, vruns in split_by(runs, schedule_label).items():
			row = {"label": label, "times": {}, "runs": {}, "busy": {}, "cpu": {}, "units": {}}
			for run in vruns:
				detail = run.get("workers_detail") or []
				row["times"][run["model"]] = median_s(run)
				row["runs"][run["model"]] = run
				row["busy"][run["model"]] = [w.get("busy_s", float("nan")) for w in detail]
				row["cpu"][run["model"]] = [w.get("cpu_s", float("nan")) for w in detail]
				row["units"][run["model"]] = [w.get("units") for w in detail]
				row["workers"] = run["workers"]
			self.schedules.append(row)
		self.schedule_models = models
		self.schedule_serial = serial
		self.schedule_params = runs[0].get("params", {})
		write_dat(os.path.join(self.data, "schedules.dat"), ["schedule"] + models,
			  [[r["label"]] + [r["times"].get(m, float("nan")) for m in models] for r in self.schedules])
		self.add_plot("plots/schedules.gp", ["mandel-schedules"], name="mandel-schedules",
			      models=" ".join(models), workers=self.schedules[0].get("workers", self.cores),
			      serial_s=serial if serial else "NaN",
			      ymax=1.15 * max([serial or 0] + [t for r in self.schedules for t in r["times"].values()]))
		# each worker's CPU time in the kernel (its work): with more workers than cores its wall
		# time there (busy_s) also holds the time it waited for a core
		model = models[0]
		workers = max(len(r["cpu"].get(model, [])) for r in self.schedules)
		if workers:
			write_dat(os.path.join(self.data, "busy.dat"), ["schedule"] + ["worker%d" % w for w in range(workers)],
				  [[r["label"]] + [1e3 * b for b in r["cpu"].get(model, [])] + [float("nan")] * (workers - len(r["cpu"].get(model, [])))
				   for r in self.schedules])
			self.busy_model = model
			self.add_plot("plots/busy.gp", ["mandel-busy"], name="mandel-busy", workers=workers, model=model)

	def peer_times(self):
		"""{regex: {"grep": s, "rg": s}} from hyperfine's runs of the peers."""
		out = {}
		for name, exported in self.hyperfine.items():
			for result in exported.get("results", []):
				words = shlex.split(result["command"])
				program = next((w for w in words if "=" not in w), "")
				if program in ("grep", "rg") and len(words) >= 3:
					out.setdefault(words[-2], {})[program] = result["median"]
		return out

	def data_grep_input(self):
		"""--input ship vs shared on grep, per regex, with grep and rg as horizontal lines."""
		runs = group_runs(self.results, "grep-input")
		self.grep_input = {}
		self.scan_mib = None
		if not runs:
			return
		peers = self.peer_times()
		document = self.extra_json("overhead") or {}
		scan = scan_per_byte(document)
		self.scan_mib = document.get("overhead_params", {}).get("scan_mib")
		serial_runs = [r for r in self.results["runs"] if r["workload"] == "grep" and r["model"] == "serial"]
		for index, (regex, rruns) in enumerate(split_by(runs, regex_of).items(), 1):
			series = split_by(sorted(rruns, key=lambda r: model_rank(r["model"])),
					  lambda r: "%s-%s" % (r["model"], input_of(r)))
			for label, sruns in series.items():
				write_dat(os.path.join(self.data, "grepinput-%d-%s.dat" % (index, label)), ["workers", "median_s"],
					  [[r["workers"], median_s(r)] for r in sorted(sruns, key=lambda r: r["workers"])])
			serial = [median_s(r) for r in serial_runs if str(r.get("params", {}).get("regex")) == regex]
			size = file_size(rruns)
			entry = {"series": series, "grep": peers.get(regex, {}).get("grep"), "rg": peers.get(regex, {}).get("rg"),
				 "serial": serial[0] if serial else None, "index": index, "bytes": size,
				 "scan": {threads: [t * size for t in per_byte] for threads, per_byte in scan.items()} if size else {}}
			self.grep_input[regex] = entry
			limit = {threads: statistics.median(times) for threads, times in entry["scan"].items()}
			most = max(limit, default=1)
			shown = [median_s(r) for r in rruns] + list(limit.values()) + ([entry["serial"]] if entry["serial"] else [])
			shown = [t for t in shown if t and t > 0]
			self.add_plot("plots/grepinput.gp", ["grep-input-%d" % index], name="grep-input-%d" % index, index=index,
				      regex=regex, series=" ".join(series), cores=self.cores, serial_s=entry["serial"] or "NaN",
				      scan1_s=limit.get(1, "NaN"), scann_s=limit.get(most, "NaN") if most > 1 else "NaN",
				      scan_threads=most, logtime=int(bool(shown) and max(shown) > 10 * min(shown)))

	def data_overhead(self):
		"""The overhead constants (tvp overhead's JSON) as one bar per operation."""
		self.overhead = []
		name = self.sweep.get("extra", {}).get("overhead")
		if not name:
			return
		with open(os.path.join(self.dir, name)) as f:
			self.overhead = extract_costs(json.load(f))
		if not self.overhead:
			return
		write_dat(os.path.join(self.data, "overhead.dat"), ["operation", "seconds", "shown"],
			  [[label, seconds, pretty_seconds(seconds)] for label, seconds in self.overhead])
		self.add_plot("plots/overhead.gp", ["overhead"], name="overhead")

	def data_image(self):
		"""The Mandelbrot image (PGM from --image) as a gnuplot matrix, at most 400 columns."""
		self.image = None
		path = os.path.join(self.dir, "mandelbrot.pgm")
		if not os.path.exists(path):
			return
		width, height, maxval, pixels = read_pgm(path)
		step = max(1, -(-width // 400))
		with open(os.path.join(self.data, "mandelbrot.mat"), "w") as f:
			for y in range(0, height, step):
				row = pixels[y * width:(y + 1) * width:step]
				f.write(" ".join(str(v) for v in row) + "\n")
		self.image = {"width": width, "height": height, "maxval": maxval}
		self.add_plot("plots/mandelimg.gp", ["mandelbrot-image"], name="mandelbrot-image", maxval=maxval, step=step)

	def data_startup(self):
		"""Start-up per model and worker count (group startup, no warm-up): a model that starts
		its workers once (the pool) reports it as startup_s; the others pay the spawn phase on
		every repeat."""
		self.startup = {}
		once = set()  # the models that start their workers once (startup_s)
		for model, runs in split_by(group_runs(self.results, "startup"), lambda r: r["model"]).items():
			points = []
			for run in sorted(runs, key=lambda r: r["workers"]):
				if run.get("startup_s"):
					cost = run["startup_s"]
					once.add(model)
				else:
					cost = run.get("phases_s", {}).get("spawn", float("nan"))
				points.append([run["workers"], max(cost, 0) * 1e6])
			if points:
				self.startup[model] = points
				write_dat(os.path.join(self.data, "startup-%s.dat" % model), ["workers", "startup_us"], points)
		if self.startup:
			self.add_plot("plots/startup.gp", ["startup"], name="startup", models=" ".join(sorted(self.startup, key=model_rank)),
				      once=" ".join(sorted(once)))

	def extra_json(self, group):
		"""The JSON a cmd line of the sweep kept as GROUP.json, or None."""
		name = self.sweep.get("extra", {}).get(group)
		if not name or not os.path.exists(os.path.join(self.dir, name)):
			return None
		with open(os.path.join(self.dir, name)) as f:
			return json.load(f)

	def load_fidelity(self):
		"""The full fidelity benchmark (make fidelity: scripts/fidelity.py --out), if one was run:
		DIR/fidelity.json, else results/fidelity.json beside DIR. (None, None) otherwise."""
		for path in (os.path.join(self.dir, "fidelity.json"),
			     os.path.join(os.path.dirname(os.path.abspath(self.dir)), "fidelity.json")):
			if os.path.exists(path):
				with open(path) as f:
					data = json.load(f)
				if isinstance(data, dict) and data.get("tables"):
					return data, path
		return None, None

	def load_hyperfine(self):
		"""{time line name: hyperfine's exported JSON} for the sweep's hyperfine files."""
		out = {}
		for name in self.sweep.get("hyperfine", []):
			path = os.path.join(self.dir, "hyperfine", name)
			if os.path.exists(path):
				with open(path) as f:
					out[name[:-5]] = json.load(f)
		return out

	# ---- plots --------------------------------------------------------------

	def make_plots(self):
		"""Run every gnuplot job of the manifest, for PDF and PNG, a few at a time."""
		os.makedirs(self.plots, exist_ok=True)
		pending = []
		for job in self.manifest:
			for fmt in FIGURE_FORMATS:
				variables = dict(job["vars"], datadir=self.data, outdir=self.plots, fmt=fmt)
				assign = "; ".join("%s=%s" % (k, gp_value(v)) for k, v in variables.items())
				pending.append((job, ["gnuplot", "-e", assign, job["script"]]))
		running = []
		while pending or running:
			while pending and len(running) < max(2, os.cpu_count() or 1):
				job, argv = pending.pop(0)
				running.append((job, subprocess.Popen(argv, cwd=TOP, stdout=subprocess.PIPE,
								      stderr=subprocess.PIPE, text=True)))
			job, process = running.pop(0)
			_, errors = process.communicate()
			if process.returncode != 0:
				die(1, "gnuplot %s failed:\n%s" % (job["script"], errors.strip()))
		for job in self.manifest:
			for figure in job["figures"]:
				for fmt in FIGURE_FORMATS:
					path = os.path.join(self.plots, "%s.%s" % (figure, fmt))
					if not os.path.exists(path) or os.path.getsize(path) == 0:
						die(1, "gnuplot %s wrote no %s" % (job["script"], path))
		print("analyze: %d figures in %s" % (sum(len(j["figures"]) for j in self.manifest), self.plots), file=sys.stderr)

	def fits(self, name):
		"""{model: fit dict (stats.scaling_fits)} of a scaling series name, or {}."""
		return self.scaling.get(name, {}).get("fits", {})


def write_fits(path, fits):
	"""NAME-fits.txt: one line per model with what was fitted ("-" where a fit is not admissible)
	and why not (read by bench.sh and the tests)."""
	def value(part, key):
		return "%.6g" % part[key] if part else "-"
	with open(path, "w") as f:
		f.write("# model amdahl_p p_low p_high usl_sigma usl_kappa overhead_p c0_s c1_s one_point_p overhead_bound\n")
		for model, fit in fits.items():
			a, u, o = fit["amdahl"], fit["usl"], fit["overhead"]
			f.write("%s %s %s %s %s %s %s %s %s %s %d\n" % (
				model, value(a, "p"), value(a, "low"), value(a, "high"), value(u, "sigma"), value(u, "kappa"),
				value(o, "p"), value(o, "c0"), value(o, "c1"), value(fit["one_point"], "p"), fit["overhead_bound"]))


def amdahl_summary(name, fits):
	"""One line for the end of make bench: each model's Amdahl p where a fit is admissible (three
	core counts <= cores) with its interval, else the p one speedup implies (one-point, not a
	fit), overhead-bound, or why no p is defined (superlinear, slower than serial)."""
	words = []
	for model, fit in fits.items():
		if fit["overhead_bound"]:
			words.append("%s overhead-bound" % model)
		elif fit["amdahl"]:
			a = fit["amdahl"]
			words.append("%s %.3f [%.3f-%.3f]" % (model, a["p"], a["low"], a["high"]))
		elif fit["one_point"]:
			words.append("%s %.3f one-point" % (model, fit["one_point"]["p"]))
		elif fit["no_p"]:
			words.append("%s %s" % (model, fit["no_p"]["text"]))
		else:
			words.append("%s - (%s)" % (model, fit["why"].get("amdahl", "no N > 1 within the cores")))
	return "Amdahl p, %-22s %s" % (name + ":", ";  ".join(words))


def curve_words(fits, models):
	"""For scaling.gp, one word per model: which curves exist (1/0) and their legends' numbers."""
	def word(model, key):
		return "1" if fits[model].get("drawn", {}).get(key) else "0"
	return {"has_amdahl": " ".join(word(m, "amdahl") for m in models),
		"has_usl": " ".join(word(m, "usl") for m in models),
		"has_ovh": " ".join(word(m, "overhead") for m in models),
		"amdahl_kind": " ".join("fit" if fits[m]["amdahl"] else ("one" if fits[m]["one_point"] else "none") for m in models),
		"amdahl_p": " ".join("%.3f" % (fits[m]["amdahl"] or fits[m]["one_point"] or {"p": float("nan")})["p"] for m in models),
		"amdahl_lo": " ".join("%.3f" % (fits[m]["amdahl"] or {"low": float("nan")})["low"] for m in models),
		"amdahl_hi": " ".join("%.3f" % (fits[m]["amdahl"] or {"high": float("nan")})["high"] for m in models),
		"usl_s": " ".join("%.3g" % (fits[m]["usl"] or {"sigma": float("nan")})["sigma"] for m in models),
		"usl_k": " ".join("%.3g" % (fits[m]["usl"] or {"kappa": float("nan")})["kappa"] for m in models),
		"bound": " ".join("1" if fits[m]["overhead_bound"] else "0" for m in models)}


def axis_words(entry):
	"""logtime / logspeed for scaling.gp: log axes when times span more than a decade or a
	speedup falls below 1; smax / emax: the speedup and efficiency axes' tops, which hold every
	measured point and its error bar (a superlinear speedup included); tmax, tmin (ms) and smin:
	the time axis's reach and the log speedup axis's floor (a power of ten below every point)."""
	rows = [r for m in entry["models"] for r in entry["rows"][m]]
	times = [r[1] for r in rows] + [entry["baseline"]]
	top = max([r[0] + 0.5 for r in rows] + [1.25 * r[8] for r in rows if r[8] == r[8]])  # no measured point above the frame
	lows = [r[7] for r in rows if r[7] == r[7] and r[7] > 0] + [r[4] for r in rows if r[4] > 0]
	return {"logtime": int(max(times) > 10 * min(times)), "logspeed": int(any(r[4] < 1 for r in rows)),
		"smax": float(top), "emax": max(1.2, 1.05 * max(r[8] / r[0] for r in rows if r[8] == r[8])),
		"tmax": 1e3 * max([r[3] for r in rows] + times), "tmin": 1e3 * min([r[2] for r in rows] + times),
		"smin": 10 ** math.floor(math.log10(0.8 * min(lows + [1.0])))}


def ratio(runs, serial_model, model, workers):
	"""Median time of (model, workers) over the serial median in runs; NaN when missing."""
	serial = [median_s(r) for r in runs if r["model"] == serial_model]
	this = [median_s(r) for r in runs if r["model"] == model and r["workers"] == workers]
	return this[0] / serial[0] if serial and this else float("nan")


def pretty_seconds(seconds):
	"""Seconds as a short label with a unit: 21 µs, 1.5 ms, 2.3 s."""
	for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
		if seconds >= scale or unit == "ns":
			return "%.3g %s" % (seconds / scale, unit)


def scan_per_byte(document):
	"""tvp overhead's scan rows as {threads: [seconds per byte, one per repetition]}; {} when the
	JSON has none (an older tvp)."""
	out = {}
	for row in document.get("overhead", []):
		if str(row.get("operation", "")).startswith("scan_") and row.get("bytes_per_op") and row.get("all_s"):
			out[row["threads"]] = [t / row["bytes_per_op"] for t in row["all_s"]]
	return out


def file_size(runs):
	"""Bytes of the file the runs searched (params "file"), or None when it is gone."""
	name = next((r.get("params", {}).get("file") for r in runs if r.get("params", {}).get("file")), None)
	return os.path.getsize(name) if name and os.path.isfile(name) else None


def extract_costs(document):
	"""(operation, seconds per operation) pairs found anywhere in tvp overhead's JSON."""
	names = ("description", "name", "operation", "op", "what", "label", "case")
	units = [("seconds_per_op", 1), ("per_op_s", 1), ("median_s", 1), ("seconds", 1), ("time_s", 1), ("s", 1),
		 ("per_op_ns", 1e-9), ("median_ns", 1e-9), ("ns", 1e-9), ("per_op_us", 1e-6), ("us", 1e-6)]
	found = []

	def walk(node):
		if isinstance(node, dict):
			label = next((node[k] for k in names if isinstance(node.get(k), str)), None)
			if label:
				for key, scale in units:
					value = node.get(key)
					if isinstance(value, dict):
						value = value.get("median")
					if isinstance(value, (int, float)) and value > 0:
						found.append((label, value * scale))
						break
			for value in node.values():
				walk(value)
		elif isinstance(node, list):
			for value in node:
				walk(value)
	walk(document)
	return found


def read_pgm(path):
	"""(width, height, maxval, pixels) of a binary (P5) or text (P2) PGM file."""
	with open(path, "rb") as f:
		data = f.read()
	tokens, pos = [], 0
	while len(tokens) < 4:
		match = re.compile(rb"\s*(#[^\n]*\n\s*)*(\S+)").match(data, pos)
		tokens.append(match.group(2))
		pos = match.end()
	magic, width, height, maxval = tokens[0], int(tokens[1]), int(tokens[2]), int(tokens[3])
	if magic == b"P5":
		body = data[pos + 1:]
		size = 2 if maxval > 255 else 1
		pixels = [int.from_bytes(body[i:i + size], "big") for i in range(0, width * height * size, size)]
	elif magic == b"P2":
		pixels = [int(x) for x in data[pos:].split()][:width * height]
	else:
		die(1, "%s is not a PGM file" % path)
	return width, height, maxval, pixels


def gp_value(value):
	"""A Python value as a gnuplot expression (strings quoted)."""
	if isinstance(value, (int, float)) and not isinstance(value, bool):
		return repr(value)
	if value == "NaN":
		return "NaN"
	return "'%s'" % str(value).replace("'", "''")


def main():
	if len(sys.argv) != 3 or sys.argv[1] not in ("data", "plots", "tex", "report"):
		die(2, "usage: analyze.py data|plots|tex|report DIR")
	step, directory = sys.argv[1], sys.argv[2]
	analysis = Analysis(directory)
	analysis.make_data()
	if step in ("plots", "report"):
		analysis.make_plots()
	if step in ("tex", "report"):
		report_tex.write(analysis)
	if step == "report":
		report_tex.build(analysis)


if __name__ == "__main__":
	try:
		main()
	except KeyboardInterrupt:
		print("\nanalyze: interrupted", file=sys.stderr)
		sys.exit(130)

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
import shutil
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The scaling groups of sweep.def, in report order, with their titles.
SCALING = [
	("primes", "Prime summing (trial division)"),
	("mandelbrot", "Mandelbrot (escape time)"),
	("grep", "Regex file search"),
	("tinytask", "Tiny tasks"),
]
MODEL_ORDER = ["serial", "pthread", "fork", "pool",
	       "python-serial", "python-threading", "python-process", "python-pool"]
GIL_MODES = ["off", "modern", "legacy"]
FIGURE_FORMATS = ("pdf", "png")


def die(status, message):
	"""Print one line on stderr and exit with status."""
	print("analyze: " + message, file=sys.stderr)
	sys.exit(status)


def model_rank(model):
	"""Sort key putting models in the order of the README table."""
	return MODEL_ORDER.index(model) if model in MODEL_ORDER else len(MODEL_ORDER)


def median_s(run):
	"""The median wall time of a run, in seconds."""
	return run["wall_s"]["median"]


def group_runs(results, group):
	"""The runs the sweep tagged with group."""
	return [r for r in results["runs"] if r.get("sweep", {}).get("group") == group]


def split_by(runs, key):
	"""{key(run): [runs]} in first-seen order."""
	out = {}
	for run in runs:
		out.setdefault(key(run), []).append(run)
	return out


def scaling_rows(runs, baseline_s):
	"""Rows for one series: workers, median, min, max, speedup, efficiency, Karp-Flatt,
	speedup at the slowest and fastest repeat. baseline_s is the serial median."""
	rows = []
	for run in sorted(runs, key=lambda r: r["workers"]):
		workers, wall = run["workers"], run["wall_s"]
		speedup = baseline_s / wall["median"]
		karp_flatt = float("nan")
		if workers > 1:
			karp_flatt = (1.0 / speedup - 1.0 / workers) / (1.0 - 1.0 / workers)
		rows.append([workers, wall["median"], wall["min"], wall["max"], speedup,
			     speedup / workers, karp_flatt, baseline_s / wall["max"], baseline_s / wall["min"]])
	return rows


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


def gil_of(run):
	"""The GIL mode a run used (off when the binary predates the field)."""
	return run.get("gil", "off")


def variant_of(run):
	"""The sweep.def alternative a run belongs to ("" when its line has none)."""
	return run.get("sweep", {}).get("variant", "")


def option_in(variant, name):
	"""The value of --name in a variant label, or None."""
	words = shlex.split(variant) if variant else []
	if "--" + name in words:
		i = words.index("--" + name)
		return words[i + 1] if i + 1 < len(words) else ""
	return None


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
		for group, title in SCALING:
			self.data_scaling(group, title)
		self.data_gil()
		self.data_gil_free()
		self.data_fidelity()
		self.data_schedules()
		self.data_grep_input()
		self.data_overhead()
		self.data_image()
		with open(os.path.join(self.data, "manifest.json"), "w") as f:
			json.dump(self.manifest, f, indent=1)

	def data_scaling(self, group, title, name=None, runs=None, gil="off"):
		"""One scaling group (every model, 1..2x cores): data files and its figures."""
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
		entry = {"title": title, "models": models, "baseline": base, "rows": {},
			 "workload": runs[0]["workload"], "params": runs[0].get("params", {}), "runs": runs}
		for model in models:
			rows = scaling_rows(series[model], base)
			entry["rows"][model] = rows
			write_dat(os.path.join(self.data, "%s-%s.dat" % (name, model)),
				  ["workers", "median_s", "min_s", "max_s", "speedup", "efficiency", "karp_flatt",
				   "speedup_low", "speedup_high"], rows)
		entry["fits"] = {m: gnuplot_fit(os.path.join(self.data, "%s-%s.dat" % (name, m)), entry["rows"][m], self.cores)
				 for m in models}
		write_fits(os.path.join(self.data, name + "-fits.txt"), entry["fits"])
		self.scaling[name] = entry
		if group in dict(SCALING) and name == group:
			self.add_plot("plots/scaling.gp", [name + s for s in ("-speedup", "-usl", "-time", "-efficiency", "-karpflatt")],
				      name=name, title=title, models=" ".join(models), cores=self.cores,
				      **fit_words([entry["fits"][m] for m in models]))
		return entry

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
				models = [m for m in ("pthread", "fork", "pool") if all(m in e["models"] for e in entries.values())]
				fits = fit_words([entries[mode]["fits"][m] for mode in entries for m in models])
				self.add_plot("plots/gil.gp", ["gil-" + workload], name="gil-" + workload, workload=workload,
					      modes=" ".join(entries), models=" ".join(models), cores=self.cores,
					      fit_p=fits["fit_p"], fit_pn=fits["fit_pn"])

	def data_gil_free(self):
		"""--gil-free F: the speedup of N threads against F, per N, between the two bounds."""
		runs = group_runs(self.results, "gil-free")
		self.gil_free = {}
		for run in runs:
			fraction = option_in(variant_of(run), "gil-free")
			if fraction is None:
				continue
			self.gil_free.setdefault(float(fraction), []).append(run)
		by_workers = {}
		for fraction, fruns in sorted(self.gil_free.items()):
			base = baseline(fruns)
			for run in fruns:
				if run["model"] == "pthread" and run["workers"] > 1 and base:
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
		gil_runs = group_runs(self.results, "fidelity")
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
		"""Schedules on Mandelbrot: time per schedule and model."""
		runs = group_runs(self.results, "mandel-sched")
		self.schedules = []
		if not runs:
			return
		models = sorted(set(r["model"] for r in runs), key=model_rank)
		serial = self.scaling.get("mandelbrot", {}).get("baseline")
		for variant, vruns in split_by(runs, variant_of).items():
			row = {"label": schedule_label(variant), "times": {}}
			for run in vruns:
				row["times"][run["model"]] = median_s(run)
				row["workers"] = run["workers"]
			self.schedules.append(row)
		self.schedule_models = models
		self.schedule_serial = serial
		write_dat(os.path.join(self.data, "schedules.dat"), ["schedule"] + models,
			  [[r["label"]] + [r["times"].get(m, float("nan")) for m in models] for r in self.schedules])
		self.add_plot("plots/schedules.gp", ["mandel-schedules"], name="mandel-schedules",
			      models=" ".join(models), workers=self.schedules[0].get("workers", self.cores),
			      serial_s=serial if serial else "NaN",
			      ymax=1.15 * max([serial or 0] + [t for r in self.schedules for t in r["times"].values()]))

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
		if not runs:
			return
		peers = self.peer_times()
		serial_runs = [r for r in self.results["runs"] if r["workload"] == "grep" and r["model"] == "serial"]
		for index, (regex, rruns) in enumerate(split_by(runs, lambda r: option_in(variant_of(r), "regex")).items(), 1):
			series = split_by(sorted(rruns, key=lambda r: model_rank(r["model"])),
					  lambda r: "%s-%s" % (r["model"], option_in(variant_of(r), "input")))
			for label, sruns in series.items():
				write_dat(os.path.join(self.data, "grepinput-%d-%s.dat" % (index, label)), ["workers", "median_s"],
					  [[r["workers"], median_s(r)] for r in sorted(sruns, key=lambda r: r["workers"])])
			serial = [median_s(r) for r in serial_runs if str(r.get("params", {}).get("regex")) == regex]
			entry = {"series": series, "grep": peers.get(regex, {}).get("grep"), "rg": peers.get(regex, {}).get("rg"),
				 "serial": serial[0] if serial else None, "index": index}
			self.grep_input[regex] = entry
			self.add_plot("plots/grepinput.gp", ["grep-input-%d" % index], name="grep-input-%d" % index, index=index,
				      regex=regex, series=" ".join(series), cores=self.cores,
				      grep_s=entry["grep"] or "NaN", rg_s=entry["rg"] or "NaN", serial_s=entry["serial"] or "NaN")

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
		"""{model: fit dict} from the NAME-fits.txt that scaling.gp wrote."""
		path = os.path.join(self.data, name + "-fits.txt")
		out = {}
		if not os.path.exists(path):
			return out
		for line in open(path):
			if line.startswith("#") or not line.strip():
				continue
			w = line.split()
			out[w[0]] = {"p": float(w[1]), "p_err": float(w[2]), "p_n": int(w[3]), "sigma": float(w[4]),
				     "kappa": float(w[5]), "usl_n": int(w[6]), "usl_all": int(w[7])}
		return out


FIT_KEYS = ["p", "p_err", "p_n", "sigma", "kappa", "usl_n", "usl_all"]


def run_fit(path, what, xmax):
	"""plots/fit.gp on one data file: (two numbers) or None when gnuplot could not fit."""
	done = subprocess.run(["gnuplot", "-e", "fitdata=%s; what='%s'; xmax=%r" % (gp_value(path), what, float(xmax)),
			       "plots/fit.gp"], cwd=TOP, capture_output=True, text=True)
	try:
		values = [float(x) for x in done.stdout.split()[-2:]]
	except ValueError:
		return None
	if done.returncode != 0 or len(values) != 2 or any(math.isnan(v) or math.isinf(v) for v in values):
		return None
	return values


def gnuplot_fit(path, rows, cores):
	"""Amdahl's p fitted on the points with workers <= cores, and the USL's sigma and kappa (on
	those points when there are three, else on all of them), by gnuplot's fit. A count of 0
	points means not fitted (too few points, or gnuplot's fit failed)."""
	fit = dict.fromkeys(FIT_KEYS, 0)
	within = [r for r in rows if r[0] <= cores]
	if len(within) >= 2:
		values = run_fit(path, "amdahl", cores)
		if values:
			fit.update(p=values[0], p_err=values[1], p_n=len(within))
	usable = within if len(within) >= 3 else rows
	if len(usable) >= 3:
		values = run_fit(path, "usl", max(r[0] for r in usable))
		if values:
			fit.update(sigma=values[0], kappa=values[1], usl_n=len(usable), usl_all=int(usable is rows and len(rows) > len(within)))
	return fit


def write_fits(path, fits):
	"""NAME-fits.txt: one line per model (the format bench.sh and Analysis.fits read)."""
	with open(path, "w") as f:
		f.write("# model amdahl_p amdahl_err amdahl_n usl_sigma usl_kappa usl_n usl_all\n")
		for model, fit in fits.items():
			f.write("%s %.6f %.6f %d %.6f %.6f %d %d\n" % ((model,) + tuple(fit[k] for k in FIT_KEYS)))


def fit_words(fits):
	"""The fits of several series as gnuplot variables: one word per series."""
	names = {"p": "fit_p", "p_err": "fit_perr", "p_n": "fit_pn", "sigma": "fit_s", "kappa": "fit_k",
		 "usl_n": "fit_un", "usl_all": "fit_ua"}
	return {names[k]: " ".join("%.6g" % f[k] for f in fits) for k in FIT_KEYS}


def ratio(runs, serial_model, model, workers):
	"""Median time of (model, workers) over the serial median in runs; NaN when missing."""
	serial = [median_s(r) for r in runs if r["model"] == serial_model]
	this = [median_s(r) for r in runs if r["model"] == model and r["workers"] == workers]
	return this[0] / serial[0] if serial and this else float("nan")


def schedule_label(variant):
	"""A reader's name for a schedule variant of sweep.def."""
	schedule = option_in(variant, "schedule") or "static"
	chunk = option_in(variant, "chunk")
	names = {("static", None): "block (static)", ("static", "1"): "line by line (static, chunk 1)",
		 ("dynamic", "1"): "dynamic, chunk 1", ("random", "1"): "random line order"}
	return names.get((schedule, chunk), "%s%s" % (schedule, ", chunk " + chunk if chunk else ""))


def pretty_seconds(seconds):
	"""Seconds as a short label with a unit: 21 us, 1.5 ms, 2.3 s."""
	for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
		if seconds >= scale or unit == "ns":
			return "%.3g %s" % (seconds / scale, unit)


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
		import report_tex
		report_tex.write(analysis)
	if step == "report":
		import report_tex
		report_tex.build(analysis)


if __name__ == "__main__":
	main()

#!/usr/bin/env python3
"""sweep.py - run the benchmark sweep of scripts/sweep.def into one results directory.

usage: scripts/sweep.py --tvp build/tvp [--profile tiny|default|full] [--def FILE]
                        [--results results] [--only GROUP,...]

Writes results/DATE-HOST/ (and, once it is complete, points results/latest at it; until then
the directory holds a file INCOMPLETE and no results.json):
  results.json     every verified tvp run (schema tvp/1, "runs" concatenated; each run
                   carries a "sweep" object: group, variant, line, cv (of its repeats),
                   loadavg_before, loadavg_after, and for a noisy run (cv above 10%)
                   remeasure: {wall_s, cv, loadavg_before, loadavg_after}, measured once more
                   at the end of the sweep) plus "sweep" metadata (profile, cores, elapsed,
                   what was skipped and why), written atomically
  runs/            the JSON of every single tvp invocation
  hyperfine/       hyperfine's JSON per `time` line, and each peer's output
  machine.txt      the machine description (lscpu, kernel, compilers, tool versions)
Standard library only. Exit status: 0 done, 1 a run failed (wrong answer or fault),
2 bad usage or a malformed sweep.def, 130 interrupted (Ctrl-C: one line, latest unchanged).
"""
import argparse
import datetime
import json
import os
import re
import shlex
import shutil
import socket
import string
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "scripts"))
import peers  # noqa: E402  (interpreter discovery, tvp's machine record)
import stats  # noqa: E402  (the noise threshold the report uses too)


def die(status, message):
	"""Print one line on stderr and exit with status."""
	print("sweep: " + message, file=sys.stderr)
	sys.exit(status)


def worker_counts(spec, cores):
	"""The worker counts a WORKERS field asks for, ascending, without duplicates."""
	counts = set()
	for word in spec.split(","):
		word = word.strip()
		if word == "scale":
			if cores <= 2:
				counts.update(range(1, 2 * cores + 1))
			else:
				power = 1
				while power <= 2 * cores:
					counts.add(power)
					power *= 2
				counts.update({cores, 2 * cores})
		elif word == "cores":
			counts.add(cores)
		elif word == "2cores":
			counts.add(2 * cores)
		elif word == "cores+1":
			counts.add(cores + 1)
		elif word.isdigit() and int(word) > 0:
			counts.add(int(word))
		else:
			raise ValueError("bad WORKERS '%s'" % word)
	return sorted(counts)


def expand_alternatives(text):
	"""Every text {{ a | b }} groups can make: a list of (variant label, text)."""
	match = re.search(r"\{\{(.*?)\}\}", text)
	if not match:
		return [("", text)]
	out = []
	for choice in match.group(1).split(" | "):
		choice = choice.strip()
		rest = text[:match.start()] + choice + text[match.end():]
		for label, expanded in expand_alternatives(rest):
			out.append((" ".join(x for x in (choice, label) if x), expanded))
	return out


def parse_def(path):
	"""sweep.def -> (sizes by profile, list of line dicts in file order)."""
	sizes, lines = {}, []
	with open(path) as f:
		for number, raw in enumerate(f, 1):
			line = raw.strip()
			if not line or line.startswith("#"):
				continue
			kind, _, rest = line.partition(" ")
			where = "%s:%d" % (os.path.basename(path), number)
			if kind == "size":
				words = rest.split()
				sizes.setdefault(words[0], {}).update(w.split("=", 1) for w in words[1:])  # later lines add sizes
				continue
			want = {"prep": 2, "cmd": 2, "time": 2, "run": 5, "ext": 5}.get(kind)
			fields = [x.strip() for x in re.split(r" \|(?: |$)", rest, maxsplit=(want or 1) - 1)]
			if want is None or len(fields) != want:
				die(2, "%s: cannot read this line (kind %s, %d fields)" % (where, kind, len(fields)))
			entry = {"kind": kind, "group": fields[0], "where": where, "text": line}
			if kind in ("run", "ext"):
				entry.update(workloads=fields[1].split(), models=fields[2].split(),
					     workers=fields[3], options=fields[4])
			else:
				entry["command"] = fields[1]
			lines.append(entry)
	return sizes, lines


MODEL_KINDS = ("serial", "threads", "processes")  # as `tvp --list` names them; `all` takes these (not ranks: mpi is named)


def tvp_inventory(tvp):
	"""What this tvp binary offers: {"workloads": set, "models": set, "commands": set,
	"model_kinds": {model: kind} in the listed order}."""
	listing = subprocess.run([tvp, "--list"], capture_output=True, text=True, check=True).stdout
	inventory, section = {"workloads": set(), "models": set(), "commands": set(), "model_kinds": {}}, None
	for row in listing.splitlines():
		if row and not row[0].isspace() and row.endswith(":"):
			section = row[:-1]
			inventory.setdefault(section, set())
		elif row.strip() and section:
			words = row.split()
			inventory[section].add(words[0])
			if section == "models" and len(words) > 1 and words[1] in MODEL_KINDS:
				inventory["model_kinds"][words[0]] = words[1]
	return inventory


def resolve_models(words, kinds):
	"""A run line's MODELS words -> model names, each once, in order: `all` is every model
	`tvp --list` names, `threads` or `processes` every model of that kind; other words are names."""
	models = []
	for word in words:
		if word == "all":
			found = list(kinds)
		elif word in MODEL_KINDS[1:]:
			found = [m for m, kind in kinds.items() if kind == word]
		else:
			found = [word]
		found = found or [word]  # no model of that kind: reported as a missing model
		models += [m for m in found if m not in models]
	return models


def python2_command():
	"""How the sweep's lines start a Python 2 (${python2}): peers.find_python2's command, else
	plain python2 (the peers' lines then fail and are skipped with the reason)."""
	return " ".join(shlex.quote(w) for w in (peers.find_python2() or ["python2"]))


def machine_description(tvp):
	"""A text description of the machine and the tools (for machine.txt)."""
	def out(argv):
		try:
			done = subprocess.run(argv, capture_output=True, text=True, timeout=20)
			return (done.stdout + done.stderr).strip()
		except (OSError, subprocess.TimeoutExpired):
			return "(not available)"
	parts = [
		("date", datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")),
		("host", socket.gethostname()),
		("kernel", out(["uname", "-srvmo"])),
		("cores online", str(os.cpu_count())),
		("lscpu", out(["lscpu"])),
		("memory", out(["free", "-h"])),
		("compiler", out(["cc", "--version"]).splitlines()[0] if shutil.which("cc") else "-"),
		("tvp", out([tvp, "--version"])),
		("git", out(["git", "-C", TOP, "describe", "--always", "--dirty"])),
		("gnuplot", out(["gnuplot", "--version"])),
		("hyperfine", out(["hyperfine", "--version"])),
		("grep", out(["grep", "--version"]).splitlines()[0]),
		("rg", out(["rg", "--version"]).splitlines()[0] if shutil.which("rg") else "-"),
		("python3", out(["python3", "--version"])),
		("python2", out(["bash", "-c", python2_command() + " --version"])),
		("load average", open("/proc/loadavg").read().strip() if os.path.exists("/proc/loadavg") else "-"),
	]
	return "\n".join("== %s\n%s\n" % (name, text) for name, text in parts)


class Sweep:
	"""One sweep: the plan, progress on stderr, and everything it writes into outdir."""

	def __init__(self, tvp, profile, sizes, lines, outdir, only, corpus_dir):
		self.tvp, self.profile, self.outdir = tvp, profile, outdir
		self.cores = os.cpu_count() or 1
		self.inventory = tvp_inventory(tvp)
		self.values = dict(sizes)
		self.values.update(cores=str(self.cores), dir=outdir, tvp=tvp,
				   corpus=os.path.join(corpus_dir, "lines-%s-seed-1.txt" % sizes.get("corpus_lines", "0")))
		self.values.update(python2=python2_command())
		self.lines = [l for l in lines if not only or l["group"] in only]
		self.versions = {}
		self.runs, self.skipped, self.hyperfine, self.extra = [], [], [], {}
		self.noisy = []  # (run, argv) of tvp runs whose repeats varied more than NOISY_CV
		self.machine = None
		self.started = time.monotonic()
		self.load_start = load_average()
		self.done = 0

	def subst(self, text, more=None):
		"""Text with ${name} replaced by the profile's sizes and the sweep's values."""
		values = dict(self.values, **(more or {}))
		return string.Template(text).safe_substitute(values)

	def skip(self, line, why, variant=""):
		"""Record that (part of) a line is not measured, and say so."""
		entry = {"group": line["group"], "line": line["where"], "variant": variant,
			 "workload": line.get("workload_used", ""), "why": why}
		self.skipped.append(entry)
		print("  skip %s %s%s: %s" % (line["group"], entry["workload"],
					      (" [" + variant + "]") if variant else "", why), file=sys.stderr)

	def progress(self, what):
		"""One progress line: which run, how many are left, time so far."""
		self.done += 1
		elapsed = time.monotonic() - self.started
		left = max(self.total - self.done, 0)
		rate = elapsed / self.done
		print("[%3d/%d] %-60s  %s so far, about %s left" %
		      (self.done, self.total, what[:60], clock(elapsed), clock(rate * left)),
		      file=sys.stderr, flush=True)

	def plan_line(self, line):
		"""The runs a run/ext line stands for: list of (variant, workload, model, workers, argv)."""
		workload = None
		if line["kind"] == "run":
			workload = next((w for w in line["workloads"] if w in self.inventory["workloads"]), None)
			if not workload:
				line["workload_used"] = line["workloads"][0]
				self.skip(line, "tvp has no workload %s" % " or ".join(line["workloads"]))
				return []
		else:
			workload = line["workloads"][0]
		line["workload_used"] = workload
		models = line["models"]
		if line["kind"] == "run":
			models = resolve_models(models, self.inventory["model_kinds"])
			missing = [m for m in models if m not in self.inventory["models"]]
			if missing:
				self.skip(line, "tvp has no model %s" % ", ".join(missing))
			models = [m for m in models if m in self.inventory["models"]]
		plan = []
		for variant, options in expand_alternatives(line["options"]):
			for model in models:
				counts = worker_counts(line["workers"], self.cores)
				if model == "python-serial" or self.inventory["model_kinds"].get(model) == "serial":
					# the baseline: one worker, once, whatever the line's counts
					counts = [1]
				for workers in counts:
					plan.append((variant, workload, model, workers, options))
		return plan

	def run_tvp(self, line, variant, workload, model, workers, options):
		"""One tvp (or ext) run; returns 'ok', 'unsupported: MESSAGE' or exits 1 on a fault."""
		index = len(os.listdir(os.path.join(self.outdir, "runs")))
		json_path = os.path.join(self.outdir, "runs", "%04d-%s-%s-%s-%d.json" %
					 (index, line["group"], workload, model, workers))
		# pymodel: a peer's own name for its model (python-threading -> threading);
		# tvp: the binary, so a peer can be given tvp's answer to check against.
		more = {"model": model, "pymodel": model.replace("python-", "", 1),
			"workers": str(workers), "json": json_path, "tvp": self.tvp}
		if line["kind"] == "run":
			words = shlex.split(self.subst(options, more))
			argv = [self.tvp, workload, "--model", model, "--workers", str(workers)]
			for name in ("repeat", "warmup"):  # a line may set its own
				if "--" + name not in words:
					argv += ["--" + name, self.values.get(name, "3" if name == "repeat" else "1")]
			argv += words + ["--format", "json", "--output", json_path]
			shown = " ".join([workload, model, "x%d" % workers] + shlex.split(self.subst(variant, more)))
			load_before = load_average()
			done = run_quietly(argv)
		else:
			command = self.subst(options, more)
			words = shlex.split(command)
			program = next((w for w in words if "=" not in w), "")
			if not shutil.which(program):
				return "unsupported: %s is not installed" % program
			for word in words:
				if word.startswith("peers/") and not os.path.exists(os.path.join(TOP, word)):
					return "unsupported: %s is not in this checkout" % word
			shown = "%s %s workers=%d" % (workload, model, workers)
			load_before = load_average()
			done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=TOP)
			interrupted(done.returncode)
		last = (done.stderr.strip().splitlines() or ["exit %d" % done.returncode])[-1]
		if done.returncode == 2 or (line["kind"] == "ext" and done.returncode == 127):
			return "unsupported: " + last
		if line["kind"] == "ext":
			# An outside program that fails or prints no JSON is not measured; tvp failing is fatal.
			if done.returncode != 0:
				return "failed (exit %d): %s" % (done.returncode, last)
			if not os.path.exists(json_path) and done.stdout.lstrip().startswith("{"):
				with open(json_path, "w") as f:
					f.write(done.stdout)
			if not os.path.exists(json_path):
				return "printed no tvp/1 JSON"
		if done.returncode != 0 or not os.path.exists(json_path):
			print(done.stderr, file=sys.stderr)
			die(1, "run failed (exit %d): %s" % (done.returncode, " ".join(argv if line["kind"] == "run" else [command])))
		with open(json_path) as f:
			result = json.load(f)
		if line["kind"] == "run":
			self.machine = self.machine or result.get("machine")
		for run in result.get("runs", []):
			# tvp marks every run verified (it exits 1 otherwise); a peer that says nothing is taken
			# as it is, one that says false is a wrong answer.
			if run.get("verified") is False or (line["kind"] == "run" and run.get("verified") is not True):
				die(1, "unverified run in %s" % json_path)
			run["sweep"] = {"group": line["group"], "variant": variant, "line": line["where"],
					"profile": self.profile, "cv": round(repeats_cv(run), 4),
					"loadavg_before": load_before, "loadavg_after": load_average()}
			if line["kind"] == "ext":
				run["sweep"]["program"] = self.version_of(command, program)
			elif run["sweep"]["cv"] > NOISY_CV:
				self.noisy.append((run, argv))
			self.runs.append(run)
		median = result["runs"][0]["wall_s"]["median"] if result.get("runs") else float("nan")
		self.progress("%s: %s  %.3f s" % (line["group"], shown, median))
		return "ok"

	def version_of(self, command, program):
		"""What `PROGRAM --version` says (an interpreter's name and version), cached."""
		prefix = command[:command.index(program) + len(program)]
		if prefix not in self.versions:
			done = subprocess.run(["bash", "-c", prefix + " --version"], capture_output=True, text=True)
			self.versions[prefix] = (done.stdout + done.stderr).strip().splitlines()[0] if done.returncode == 0 else program
		return self.versions[prefix]

	def prepare(self, line):
		"""A prep line: run it unless its tvp command is missing or its output exists."""
		command = self.subst(line["command"])
		words = shlex.split(command)
		if words[0] == "tvp":
			name = words[1]
			if name not in self.inventory["commands"] | self.inventory["workloads"]:
				line["workload_used"] = name
				self.skip(line, "tvp has no command %s" % name)
				return
			words[0] = self.tvp
		if "--out" in words:
			target = words[words.index("--out") + 1]
			if os.path.exists(target):
				print("  %s: %s exists, reused" % (line["group"], target), file=sys.stderr)
				return
			os.makedirs(os.path.dirname(target), exist_ok=True)
		began = time.monotonic()
		done = subprocess.run(words, capture_output=True, text=True)
		interrupted(done.returncode)
		if done.returncode == 2:
			self.skip(line, "unsupported: " + done.stderr.strip())
			return
		if done.returncode == 77:  # cannot be done here (no privilege for namespaces, say): its reason
			self.skip(line, "not possible here: " + done.stderr.strip())
			return
		if done.returncode != 0:
			die(1, "%s failed: %s" % (command, done.stderr.strip()))
		print("  %s: %s (%.1f s)" % (line["group"], command, time.monotonic() - began), file=sys.stderr)

	def command(self, line):
		"""A cmd line: a tvp command (or a script given ${tvp}) writing JSON to ${json} or stdout,
		kept as GROUP.json."""
		json_path = os.path.join(self.outdir, line["group"] + ".json")
		words = shlex.split(self.subst(line["command"], {"json": json_path}))
		if words[0] == "tvp":
			name = words[1]
			line["workload_used"] = name
			if name not in self.inventory["commands"] | self.inventory["workloads"]:
				self.skip(line, "tvp has no command %s" % name)
				return
			words[0] = self.tvp
		elif not shutil.which(words[0]):
			line["workload_used"] = words[0]
			self.skip(line, "%s is not installed" % words[0])
			return
		done = subprocess.run(words, capture_output=True, text=True, cwd=TOP)
		interrupted(done.returncode)
		if done.returncode == 2:
			self.skip(line, "unsupported: " + done.stderr.strip())
			return
		if done.returncode == 77:  # cannot be done here (no privilege for namespaces, say): its reason
			self.skip(line, "not possible here: " + done.stderr.strip())
			return
		if done.returncode != 0:
			die(1, "%s failed: %s" % (" ".join(words), done.stderr.strip()))
		if not os.path.exists(json_path):  # a command that prints its JSON
			with open(json_path, "w") as f:
				f.write(done.stdout)
		self.extra[line["group"]] = os.path.basename(json_path)
		self.progress("%s %s" % (line["group"], " ".join(os.path.basename(w) for w in words[:3])))

	def time_line(self, line):
		"""A time line: hyperfine over its commands (missing ones dropped), output to a pipe."""
		if not shutil.which("hyperfine"):
			self.skip(line, "hyperfine is not installed")
			return
		commands, names, ignore_failure = [], [], False
		texts = self.subst(line["command"]).split(" ; ")
		needed = [tvp_words(t)[1] for t in texts if tvp_words(t)]
		missing = [w for w in needed if w not in self.inventory["workloads"]]
		if missing:
			line["workload_used"] = missing[0]
			self.skip(line, "tvp has no workload %s" % missing[0])
			return
		for text in texts:
			words = shlex.split(text)
			program = next(w for w in words if "=" not in w)
			if program == "tvp":
				words = tvp_words(text)
				env = text[:text.index("tvp ")]  # NAME=VALUE assignments before tvp (TVP_FAULT=...)
				if words[1] not in self.inventory["workloads"]:
					self.skip(line, "tvp has no workload %s" % words[1], text)
					continue
				# --expect ${answer}: the trial run (with its reference pass) finds the answer, and the
				# timed runs are checked against it instead of computing the reference again.
				shown = text.replace("${answer}", "ANSWER")
				text = env + shlex.quote(self.tvp) + " " + text[text.index("tvp ") + 4:] + " --repeat 1 --warmup 0"
				trial_text = text.replace("--expect ${answer}", "")
				trial = subprocess.run(["bash", "-c", trial_text + " --format json"], capture_output=True, text=True)
				interrupted(trial.returncode)
				if trial.returncode != 0:
					self.skip(line, (trial.stderr.strip().splitlines() or ["exit %d" % trial.returncode])[-1], text)
					continue
				answer = json.loads(trial.stdout)["runs"][0]["answer"]
				text = text.replace("${answer}", answer)
			elif not shutil.which(program):
				self.skip(line, "%s is not installed" % program, text)
				continue
			else:
				shown = text
				trial = subprocess.run(["bash", "-c", text], capture_output=True, text=True)
				interrupted(trial.returncode)
				if trial.returncode > 1:  # grep -c exits 1 when it counts 0 lines
					self.skip(line, (trial.stderr.strip().splitlines() or ["exit %d" % trial.returncode])[-1], text)
					continue
				ignore_failure = ignore_failure or trial.returncode == 1
				answer = trial.stdout.strip()
			commands.append((shown, text))
			names.append({"command": shown, "answer": answer[-200:]})
		if not commands:
			return
		json_path = os.path.join(self.outdir, "hyperfine", line["group"] + ".json")
		# The trial run above was the warm-up (it also filled the page cache).
		argv = ["hyperfine", "--style", "basic", "--warmup", "0", "--runs", self.values.get("hf_runs", "5"),
			"--output", "pipe", "--export-json", json_path] + (["--ignore-failure"] if ignore_failure else [])
		for shown, text in commands:
			argv += ["--command-name", shown, text]
		done = subprocess.run(argv, capture_output=True, text=True)
		interrupted(done.returncode)
		if done.returncode != 0:
			print(done.stdout + done.stderr, file=sys.stderr)
			die(1, "hyperfine failed for %s" % line["group"])
		with open(json_path) as f:
			exported = json.load(f)
		exported["tvp_outputs"] = names
		with open(json_path, "w") as f:
			json.dump(exported, f, indent=1)
		self.hyperfine.append(os.path.basename(json_path))
		means = ", ".join("%.3f" % r["mean"] for r in exported["results"])
		self.progress("hyperfine %s (%d commands: %s s)" % (line["group"], len(commands), means))

	def run(self):
		"""Run every line in order; returns the results object."""
		for sub in ("runs", "hyperfine"):
			os.makedirs(os.path.join(self.outdir, sub), exist_ok=True)
		with open(os.path.join(self.outdir, "machine.txt"), "w") as f:
			f.write(machine_description(self.tvp))
		plans = []
		for line in self.lines:
			if line["kind"] in ("run", "ext"):
				plans.append((line, self.plan_line(line)))
			else:
				plans.append((line, None))
		self.total = sum(len(plan) if plan is not None else line["kind"] != "prep"
				 for line, plan in plans)
		print("sweep: profile %s, %d cores, up to %d runs -> %s" %
		      (self.profile, self.cores, self.total, self.outdir), file=sys.stderr)
		for line, plan in plans:
			if line["kind"] == "prep":
				self.prepare(line)
			elif line["kind"] == "cmd":
				self.command(line)
			elif line["kind"] == "time":
				self.time_line(line)
			else:
				self.run_plan(line, plan)
		self.remeasure()
		return self.results()

	def remeasure(self):
		"""Measure the noisy tvp configurations once more, at the end, the noisiest first, until
		REMEASURE_BUDGET_S have passed (make bench stays within its 5 minutes on a noisy machine);
		both measurements are kept (the second under the run's sweep.remeasure)."""
		if not self.noisy:
			return
		print("sweep: measuring %d noisy configuration(s) (CV above %d%%) again, the noisiest first, for at most %d s" %
		      (len(self.noisy), 100 * NOISY_CV, REMEASURE_BUDGET_S), file=sys.stderr)
		self.total += len(self.noisy)
		started = time.monotonic()
		noisy = sorted(self.noisy, key=lambda entry: -entry[0]["sweep"]["cv"])
		for done_count, (run, argv) in enumerate(noisy):
			if time.monotonic() - started > REMEASURE_BUDGET_S:
				left = len(noisy) - done_count
				self.total -= left
				print("sweep: %d noisy configuration(s) left as measured once (the %d s for measuring again "
				      "ran out)" % (left, REMEASURE_BUDGET_S), file=sys.stderr)
				break
			path = argv[-1][:-5] + "-again.json"
			load_before = load_average()
			done = run_quietly(argv[:-1] + [path])
			if done.returncode != 0 or not os.path.exists(path):
				die(1, "run failed (exit %d): %s" % (done.returncode, " ".join(argv)))
			with open(path) as f:
				again = json.load(f)["runs"][0]
			run["sweep"]["remeasure"] = {"wall_s": again["wall_s"], "cv": round(repeats_cv(again), 4),
						     "loadavg_before": load_before, "loadavg_after": load_average()}
			self.progress("again: %s %s x%d  CV %.0f%% -> %.0f%%" % (run["workload"], run["model"], run["workers"],
								       100 * run["sweep"]["cv"], 100 * run["sweep"]["remeasure"]["cv"]))

	def run_plan(self, line, plan):
		"""The runs of one run/ext line. The first exit 2 of a (variant, model) skips the
		rest of it; skips are reported grouped by reason, one line each."""
		dead = {}
		for variant, workload, model, workers, options in plan:
			key = (variant, model)
			if key in dead:
				self.total -= 1
				continue
			status = self.run_tvp(line, variant, workload, model, workers, options)
			if status != "ok":
				dead[key] = status
				self.total -= 1
		reasons = {}
		for (variant, model), status in dead.items():
			entry = reasons.setdefault(status, ([], []))
			if variant not in entry[0]:
				entry[0].append(variant)
			if model not in entry[1]:
				entry[1].append(model)
		for status, (variants, models) in reasons.items():
			self.skip(line, "%s (models %s)" % (status, ", ".join(models)),
				  " / ".join(v for v in variants if v))

	def results(self):
		"""The merged results object (schema tvp/1)."""
		return {
			"schema": "tvp/1",
			"machine": self.machine or peers.tvp_machine(self.tvp) or {"cores_online": self.cores},
			"sweep": {
				"profile": self.profile, "cores": self.cores, "sizes": self.values,
				"started": self.started_at, "elapsed_s": round(time.monotonic() - self.started, 3),
				"skipped": self.skipped, "hyperfine": self.hyperfine, "extra": self.extra,
				"loadavg_start": self.load_start, "loadavg_end": load_average(),
				"inventory": {k: sorted(v) for k, v in self.inventory.items()},
			},
			"runs": self.runs,
		}


NOISY_CV = stats.NOISY_CV  # repeats varying more than this (coefficient of variation) are measured again
REMEASURE_BUDGET_S = stats.REMEASURE_BUDGET_S  # for at most this long, the noisiest first


def repeats_cv(run):
	"""The coefficient of variation of a run's measured repeats (wall_s.all), 0 for fewer than two."""
	values = run.get("wall_s", {}).get("all") or []
	if len(values) < 2 or sum(values) <= 0:
		return 0.0
	mean = sum(values) / len(values)
	return (sum((x - mean) ** 2 for x in values) / (len(values) - 1)) ** 0.5 / mean


def tvp_words(text):
	"""The words of a `[NAME=VALUE ...] tvp WORKLOAD ...` command from tvp on, or [] for another program."""
	words = shlex.split(text)
	program = next((i for i, w in enumerate(words) if "=" not in w), None)
	return words[program:] if program is not None and words[program] == "tvp" else []


def interrupted(status):
	"""Raise KeyboardInterrupt when a child ended by Ctrl-C (SIGINT, or exit 130)."""
	if status in (-2, 130):
		raise KeyboardInterrupt


def run_quietly(argv):
	"""Run a tvp command with its stdout discarded (results go to --output; --print lines may be
	large) and stderr captured; Ctrl-C in the child interrupts the sweep."""
	try:
		done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
	except OSError as error:
		die(1, "cannot run %s: %s" % (argv[0], error.strerror))
	interrupted(done.returncode)
	done.stdout = ""
	return done


def load_average():
	"""The 1-minute load average (runnable tasks), or None where /proc/loadavg is missing."""
	try:
		with open("/proc/loadavg") as f:
			return float(f.read().split()[0])
	except OSError:
		return None


def clock(seconds):
	"""Seconds as m:ss."""
	seconds = int(round(seconds))
	return "%d:%02d" % (seconds // 60, seconds % 60)


def main():
	parser = argparse.ArgumentParser(description="run the tvp benchmark sweep")
	parser.add_argument("--tvp", default=os.path.join(TOP, "build", "tvp"))
	parser.add_argument("--profile", default=os.environ.get("PROFILE") or "default")
	parser.add_argument("--def", dest="definition", default=os.path.join(TOP, "scripts", "sweep.def"))
	parser.add_argument("--results", default=os.path.join(TOP, "results"))
	parser.add_argument("--only", default="", help="comma-separated groups to run")
	parser.add_argument("--corpus-dir", default=os.path.join(TOP, "build", "corpus"),
			    help="where generated corpora are kept and reused")
	args = parser.parse_args()
	tvp = os.path.abspath(args.tvp)
	if not os.access(tvp, os.X_OK):
		die(2, "no tvp binary at %s (make build)" % tvp)
	sizes, lines = parse_def(args.definition)
	if args.profile not in sizes:
		die(2, "unknown profile '%s' (profiles: %s)" % (args.profile, ", ".join(sizes)))
	now = datetime.datetime.now()
	name = "%s-%s" % (now.strftime("%Y%m%d-%H%M%S"), socket.gethostname())
	results_dir = os.path.abspath(args.results)
	outdir = os.path.join(results_dir, name)
	os.makedirs(outdir)
	marker = os.path.join(outdir, INCOMPLETE)
	with open(marker, "w") as f:
		f.write("this sweep did not finish: no results.json; results/latest points at the last complete run\n")
	only = set(x for x in args.only.split(",") if x)
	try:
		sweep = Sweep(tvp, args.profile, sizes[args.profile], lines, outdir, only, os.path.abspath(args.corpus_dir))
		sweep.started_at = now.isoformat(timespec="seconds")
		results = sweep.run()
	except KeyboardInterrupt:
		print("\nsweep: interrupted; %s is incomplete (marked %s), results/latest unchanged" %
		      ("results/" + name, INCOMPLETE), file=sys.stderr)
		sys.exit(130)
	write_atomically(os.path.join(outdir, "results.json"), json.dumps(results, indent=1))
	os.remove(marker)
	point_latest(results_dir, name)
	print("sweep: %d verified runs, %d skipped, %s -> %s" %
	      (len(results["runs"]), len(results["sweep"]["skipped"]),
	       clock(results["sweep"]["elapsed_s"]), os.path.join(outdir, "results.json")), file=sys.stderr)


INCOMPLETE = "INCOMPLETE"  # the marker file of a results directory whose sweep did not finish


def write_atomically(path, text):
	"""Write text to path through a temporary file and a rename: path is whole or absent."""
	temporary = path + ".tmp"
	with open(temporary, "w") as f:
		f.write(text)
		f.flush()
		os.fsync(f.fileno())
	os.replace(temporary, path)


def point_latest(results_dir, name):
	"""Point results_dir/latest at name (a complete run), replacing the link atomically."""
	link = os.path.join(results_dir, "latest")
	temporary = link + ".new"
	if os.path.lexists(temporary):
		os.remove(temporary)
	os.symlink(name, temporary)
	os.replace(temporary, link)


if __name__ == "__main__":
	main()

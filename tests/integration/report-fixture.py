#!/usr/bin/env python3
"""report-fixture.py - write a results.json that triggers every case the report must get right.

usage: report-fixture.py DIR. A 2-core sweep (N = 1..4: too few core counts for a fit), a series
slower than serial everywhere (tiny tasks, 12x), a noisy pair whose interval spans 1 (two
schedules, 3 workers on 2 cores: each worker's CPU time differs from its wall time in the kernel),
a GIL run shorter than 20 switch intervals, --input ship/shared and --gil-free runs, threaded
regex search under both GILs (no measurable difference under the modern one), page faults, many
io workers (the pool's start-up paid once), the mpi group (a pool whose kernels took twice fork's
CPU time), Python peers whose serial runs outlast tvp's on one workload only, and hyperfine's
whole-process grep table (GNU grep slowest). Times are made up; only their shapes matter.
"""
import json
import os
import sys

CORES = 2


def run(group, workload, model, workers, repeats, variant="", gil="off", params=None, **more):
	"""One tvp/1 run record with the given repeats (seconds)."""
	ordered = sorted(repeats)
	median = ordered[len(ordered) // 2]
	record = {"workload": workload, "model": model, "workers": workers, "schedule": "dynamic", "chunk": 1, "ipc": "pipe",
		  "gil": gil, "params": params or {"from": 2, "to": 1000, "block": 100}, "answer": "42", "reference": "42",
		  "reference_method": "a fixture", "verified": True, "repeats": len(repeats), "warmup": 1,
		  "wall_s": {"median": median, "min": ordered[0], "max": ordered[-1], "all": repeats},
		  "phases_s": {"setup": 0, "spawn": 1e-4, "compute": median, "collect": 0, "teardown": 0},
		  "cpu_s": {"user": median, "sys": 0}, "ctx_switches": {"voluntary": 1, "involuntary": 1},
		  "max_rss_kb": 2000, "gil_stats": None,
		  "workers_detail": [{"worker": w, "tasks": 1, "units": 1, "busy_s": median * (w + 1) / workers,
				      "cpu_s": median * min(workers, CORES) / workers} for w in range(workers)],
		  "sweep": {"group": group, "variant": variant}}
	record.update(more)
	return record


def steady(seconds, spread=0.01):
	"""Five repeats around seconds, spread apart by a fraction."""
	return [seconds * (1 + spread * k) for k in (-2, -1, 0, 1, 2)]


def main():
	directory = sys.argv[1]
	os.makedirs(directory, exist_ok=True)
	runs = [run("primes", "primes", "serial", 1, steady(1.0))]
	for model, speedup2 in (("pthread", 1.9), ("fork", 1.8), ("pool", 2.05)):  # pool: p > 1 from one point
		for workers in (1, 2, 3, 4):
			s = 1.0 if workers == 1 else (speedup2 if workers == 2 else speedup2 * 0.97)
			runs.append(run("primes", "primes", model, workers, steady(1.0 / s)))
	# slower than serial at every N > 1: 11.8x for threads
	runs.append(run("tinytask", "tiny", "serial", 1, steady(0.01), params={"tasks": 1000}))
	for model, factor in (("pthread", 11.8), ("fork", 30.0), ("pool", 2.0)):
		for workers in (1, 2, 3, 4):
			runs.append(run("tinytask", "tiny", model, workers, steady(0.01 * factor * (1 + 0.3 * (workers - 1))),
					params={"tasks": 1000}))
	# a noisy pair: two schedules whose repeats overlap (CV above 10%)
	runs.append(run("mandelbrot", "mandelbrot", "serial", 1, steady(0.5), params={"width": 400}))
	for variant, repeats, facts in (("--schedule static", [0.30, 0.41, 0.33, 0.45, 0.36], ("static", 100, 3)),
					("--schedule dynamic --chunk 1", [0.31, 0.44, 0.35, 0.40, 0.34], ("dynamic", 1, 300))):
		record = run("mandel-sched", "mandelbrot", "pthread", 3, repeats, variant, params={"width": 400, "height": 300},
			     schedule=facts[0], chunk=facts[1], tasks=facts[2])
		for w, detail in enumerate(record["workers_detail"]):  # worker 0 waited for a core: CPU below its wall time
			detail.update(units=100 + w, cpu_s=detail["busy_s"] * (0.6 if w == 0 else 1.0))
		runs.append(record)
	# the GIL: a threaded run shorter than 20 switch intervals (3 ms against 5 ms)
	for mode in ("off", "modern"):
		runs.append(run("gil", "primes", "serial", 1, steady(0.003), gil=mode))
		for workers in (1, 2, 4):
			stats = None if mode == "off" else {
				"interval_s": 0.005, "compute_s": 0.003, "handoffs": 1, "retakes": 0, "drop_requests": 0,
				"median_slice_s": 0.003, "wait_s": 0.0, "cpu_per_wall": 1.0}
			runs.append(run("gil", "primes", "pthread", workers, steady(0.003 if mode == "modern" else 0.003 / min(workers, CORES)),
					gil=mode, gil_stats=stats))
			runs.append(run("gil", "primes", "pool", workers, steady(0.003 / min(workers, CORES)), gil=mode))
	# --gil-free F: known serial parts
	for fraction in (0.0, 0.5, 0.9):
		variant = "--gil-free %g" % fraction
		runs.append(run("gil-free", "primes", "serial", 1, steady(0.2), variant, gil="modern", gil_stats={"free": fraction}))
		for workers in (1, 2, 4):
			n = min(workers, CORES)
			runs.append(run("gil-free", "primes", "pthread", workers, steady(0.2 * ((1 - fraction) + fraction / n)), variant,
					gil="modern", gil_stats={"free": fraction}))
	# shipped against shared input
	for input_kind, factor in (("ship", 2.5), ("shared", 1.0)):
		for model in ("fork", "pool"):
			for workers in (1, 2):
				runs.append(run("grep-input", "grep", model, workers, steady(0.05 * factor / workers),
						"--regex abc --input %s" % input_kind, params={"regex": "abc", "file": "/tmp/x/corpus.txt", "input": input_kind}))
	# threaded regex search under the GIL: the modern one no slower than serial, the legacy one slower
	for mode, factor in (("modern", 1.0), ("legacy", 1.6)):
		grep = {"regex": ".", "file": "/tmp/x/corpus.txt", "input": "shared"}
		runs.append(run("grep-gil", "grep", "serial", 1, steady(0.2), gil=mode, params=grep))
		runs.append(run("grep-gil", "grep", "pthread", CORES, steady(0.2 * factor), gil=mode, params=grep,
				gil_stats={"interval_s": 0.005, "compute_s": 0.2 * factor, "handoffs": 40, "retakes": 0,
					   "drop_requests": 40, "median_slice_s": 0.005, "wait_s": 0.2, "cpu_per_wall": 1.0}))
	# page faults: threads and processes alike on 2 cores
	for model in ("serial", "pthread", "fork"):
		for workers in ((1,) if model == "serial" else (1, 2, 4)):
			runs.append(run("pagefault", "pagefault", model, workers, steady(0.06 / min(workers, CORES)),
					params={"mib": 16, "regions": 8}, minor_faults=32768))
	# io: waiting overlaps; threads ahead of forked processes at 64 workers
	for model, workers, seconds in (("serial", 1, 0.14), ("pthread", 64, 0.011), ("fork", 64, 0.03)):
		runs.append(run("io", "io", model, workers, steady(seconds), params={"requests": 64, "delay-us": 2000, "work-us": 50}))
	# many io workers: fork pays its forks every run, the pool once before the first
	for model, spawn, once in (("fork", 0.05, 0.0), ("pool", 0.0, 0.07)):
		runs.append(run("io-many", "io", model, 256, steady(0.1), params={"requests": 1024, "delay-us": 2000},
				startup_s=once, phases_s={"setup": 0, "spawn": spawn, "compute": 0.05, "collect": 0, "teardown": 0}))
	# mpi beside fork and a pool whose kernels took twice fork's CPU time for the same tasks
	for model, seconds, cpu in (("fork", 0.036, 0.033), ("pool", 0.065, 0.064), ("mpi", 0.034, 0.034)):
		record = run("mpi", "primes", model, CORES, steady(seconds), params={"from": 2, "to": 600000, "block": 10000},
			     startup_s=0.3 if model == "mpi" else (0.0005 if model == "pool" else 0.0),
			     model_info={"library": "Open MPI v4.1.4", "transport": "shared memory (btl vader)", "ranks": CORES})
		record["workers_detail"] = [{"worker": w, "tasks": 30, "units": 30, "busy_s": cpu, "cpu_s": cpu} for w in range(CORES)]
		runs.append(record)
	# start-up: the spawn phase every run (pthread, fork), the pool's start-up once per process
	for model in ("pthread", "fork", "pool"):
		for workers in (1, 2):
			record = run("startup", "primes", model, workers, steady(0.001), params={"from": 2, "to": 2000, "block": 10000},
				     startup_s=2e-4 * workers if model == "pool" else 0.0)
			record["phases_s"]["spawn"] = 0.0 if model == "pool" else (5e-5 if model == "pthread" else 3e-4) * workers
			runs.append(record)
	# Python peers: their primes run outlasts tvp's GIL runs (3 ms), their mandelbrot has no tvp run beside it
	for workload, serial_s in (("primes", 0.002), ("mandelbrot", 0.05)):
		for model, workers in (("python-serial", 1), ("python-threading", 2), ("python-threading", 4),
				       ("python-process", 2), ("python-pool", 2)):
			runs.append(run("peers", workload, model, workers, steady(serial_s * (1.0 if "thread" in model or workers == 1 else 0.6)),
					gil="modern", interpreter="CPython 3.11.7",
					params={"to": 1000} if workload == "primes" else {"width": 80, "height": 60}))
	document = {"schema": "tvp/1",
		    "machine": {"hostname": "fixture", "cores_online": CORES, "cpu_model": "a fixture CPU"},
		    "sweep": {"profile": "fixture", "cores": CORES, "sizes": {"repeat": "5", "warmup": "1"},
			      "skipped": [], "hyperfine": [], "extra": {}, "loadavg_start": 0.1, "loadavg_end": 0.2,
			      "elapsed_s": 1.0, "started": "2026-01-01T00:00:00"},
		    "runs": runs}
	# hyperfine's whole-process grep table: tvp and rg alike, GNU grep ten times slower
	os.makedirs(os.path.join(directory, "hyperfine"), exist_ok=True)
	whole = [("tvp grep --model pthread --workers 2 --file /tmp/x/corpus.txt --regex abc --expect 3", 0.011),
		 ("LC_ALL=C grep -c -E abc /tmp/x/corpus.txt", 0.105), ("rg -c abc /tmp/x/corpus.txt", 0.011)]
	with open(os.path.join(directory, "hyperfine", "grep.json"), "w") as f:
		json.dump({"results": [{"command": c, "mean": t, "median": t, "stddev": t / 50, "times": steady(t, 0.02)}
				       for c, t in whole], "tvp_outputs": []}, f)
	# a cross-check without --expect (the reference pass in the whole process), and a killed worker replaced
	timed = {"primes.json": [("tvp primes --model serial --to 1000", 0.0012), ("tvp primes --model pool --workers 2 --to 1000", 0.0011)],
		 "retry.json": [(fault + "tvp primes --model %s --workers 2 --to 1000 --retry 1" % model, 0.01)
				for model in ("fork", "pool") for fault in ("", "TVP_FAULT=die:worker=1:task=4 ")]}
	for name, commands in timed.items():
		with open(os.path.join(directory, "hyperfine", name), "w") as f:
			json.dump({"results": [{"command": c, "mean": t, "median": t, "stddev": t / 50, "times": steady(t, 0.02)}
					       for c, t in commands], "tvp_outputs": []}, f)
	document["sweep"]["hyperfine"] = ["grep.json", "primes.json", "retry.json"]
	document["sweep"]["sizes"]["corpus"] = "/tmp/x/corpus.txt"
	with open(os.path.join(directory, "results.json"), "w") as f:
		json.dump(document, f, indent=1)


if __name__ == "__main__":
	main()

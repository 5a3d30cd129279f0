#!/usr/bin/env python3
"""footprint.py - the memory of a whole tvp run, threads against processes, measured for the report.

usage: scripts/footprint.py --tvp build/tvp [--workers 2] [--to 3000000]
       scripts/footprint.py --tvp build/tvp --io-workers 256,1024 [--delay-us 1500000]
Runs `tvp primes --model M --workers W` for pthread, fork and pool and samples, every 2 ms, the
process tree of the run (tvp and its children) from /proc: the sum of the resident sets (RSS,
shared pages counted once per process) and the sum of the proportional sets (PSS, each shared
page split among its sharers: what the run really occupies). Prints one JSON object:
{"schema": "tvp-footprint/1", "size", "workers", "interval_s",
 "cases": [{"model", "processes", "peak_rss_kb", "peak_pss_kb", "samples"}]}
With --io-workers: `tvp io` with that many workers per model, one request each, held --delay-us by
the server so that every worker is alive at once (static schedule); each case adds "workers",
"threads" (the most threads alive), "alive" (the most workers alive at once) and the memory per worker beyond the serial run's
("per_worker_rss_kb", "per_worker_pss_kb"); the serial run is the case "baseline".
Standard library only; exit 0 whenever it printed its JSON, 2 on bad usage.
"""
import argparse
import json
import os
import subprocess
import sys
import time

INTERVAL_S = 0.002


def children(pid):
	"""The pids whose parent is pid (from /proc/PID/task/*/children)."""
	out = []
	try:
		for task in os.listdir("/proc/%d/task" % pid):
			with open("/proc/%d/task/%s/children" % (pid, task)) as f:
				out += [int(x) for x in f.read().split()]
	except OSError:
		pass
	return out


def tree(pid):
	"""pid and all its descendants."""
	found, todo = [], [pid]
	while todo:
		current = todo.pop()
		found.append(current)
		todo += children(current)
	return found


def memory_kb(pid):
	"""(rss_kb, pss_kb) of one process, (0, 0) once it is gone."""
	try:
		with open("/proc/%d/smaps_rollup" % pid) as f:
			fields = dict((line.split(":")[0], line.split()[1]) for line in f if ":" in line and line.split()[1].isdigit())
		return int(fields.get("Rss", 0)), int(fields.get("Pss", 0))
	except (OSError, ValueError, IndexError):
		return 0, 0


def threads_of(pid):
	"""Threads of one process (0 once it is gone)."""
	try:
		return len(os.listdir("/proc/%d/task" % pid))
	except OSError:
		return 0


def measure(tvp, model, workers, to, workload=None):
	"""Peak summed RSS and PSS of one run's process tree, sampled every INTERVAL_S
	(workload: the arguments after tvp; default primes up to `to`)."""
	argv = [tvp] + (workload or ["primes", "--to", str(to)]) + ["--model", model, "--workers", str(workers),
								    "--repeat", "1", "--warmup", "0"]
	process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
	peak_rss = peak_pss = most = threads = kids = own_threads = samples = 0
	while process.poll() is None:
		pids = tree(process.pid)
		sizes = [memory_kb(pid) for pid in pids]
		peak_rss = max(peak_rss, sum(r for r, _ in sizes))
		peak_pss = max(peak_pss, sum(p for _, p in sizes))
		most = max(most, sum(1 for r, _ in sizes if r))
		threads = max(threads, sum(threads_of(pid) for pid in pids))
		kids = max(kids, len(children(process.pid)))
		own_threads = max(own_threads, threads_of(process.pid))
		samples += 1
		time.sleep(INTERVAL_S)
	return {"model": model, "exit": process.returncode, "processes": most, "threads": threads,
		"children": kids, "own_threads": own_threads, "peak_rss_kb": peak_rss, "peak_pss_kb": peak_pss,
		"samples": samples}


def measure_io(tvp, sizes, delay_us):
	"""The io cases: a serial baseline, then pthread, fork and pool at each worker count."""
	def io(workers):
		return ["io", "--requests", str(workers), "--delay-us", str(delay_us), "--work-us", "0",
			"--schedule", "static"]
	base = measure(tvp, "serial", 1, 0, io(1))
	base["workers"] = 1
	cases = [dict(base, model="baseline")]
	for workers in sizes:
		for model in ("pthread", "fork", "pool"):
			case = measure(tvp, model, workers, 0, io(workers))
			case["workers"] = workers
			# workers alive at once: children of tvp, or its threads beyond the serial run's
			case["alive"] = case["children"] if model != "pthread" else case["own_threads"] - base["own_threads"]
			case["per_worker_rss_kb"] = (case["peak_rss_kb"] - base["peak_rss_kb"]) / workers
			case["per_worker_pss_kb"] = (case["peak_pss_kb"] - base["peak_pss_kb"]) / workers
			cases.append(case)
	return {"schema": "tvp-footprint/1", "size": "io, one request per worker, delay-us %d" % delay_us,
		"interval_s": INTERVAL_S, "cases": cases}


def main():
	parser = argparse.ArgumentParser(description="the memory of a whole tvp run, per model")
	parser.add_argument("--tvp", required=True)
	parser.add_argument("--workers", type=int, default=2)
	parser.add_argument("--to", type=int, default=3000000)
	parser.add_argument("--io-workers", default=None, help="io instead: comma-separated worker counts")
	parser.add_argument("--delay-us", type=int, default=1500000, help="io: the server's delay per request")
	args = parser.parse_args()
	if not os.access(args.tvp, os.X_OK) or not os.path.exists("/proc/self/smaps_rollup"):
		print("footprint: needs a tvp binary and /proc/PID/smaps_rollup (Linux 4.14+)", file=sys.stderr)
		return 2
	if args.io_workers:
		try:
			sizes = [int(w) for w in args.io_workers.split(",")]
		except ValueError:
			sizes = []
		if not sizes or min(sizes) < 1:
			print("footprint: --io-workers needs worker counts like 256,1024", file=sys.stderr)
			return 2
		print(json.dumps(measure_io(args.tvp, sizes, args.delay_us), indent=1))
		return 0
	cases = [measure(args.tvp, model, args.workers, args.to) for model in ("pthread", "fork", "pool")]
	print(json.dumps({"schema": "tvp-footprint/1", "size": "primes to %d" % args.to, "workers": args.workers,
			  "interval_s": INTERVAL_S, "cases": cases}, indent=1))
	return 0


if __name__ == "__main__":
	sys.exit(main())

#!/usr/bin/env python3
"""nproc_limit.py - fork at the user-process limit (the Stockholm talk's EAGAIN), measured for the report.

usage: scripts/nproc_limit.py --tvp build/tvp [--limit 4] [--workers 8] [--to 200000]
Runs `tvp primes --model pthread|fork|pool --workers W` under RLIMIT_NPROC = LIMIT as an unprivileged
user (root is exempt from the limit): as root, a uid no process uses, through setpriv and
prlimit, with tvp copied where that uid can run it; as another user, that user with the limit
set to the processes it already has plus LIMIT. Prints one JSON object on stdout:
{"schema": "tvp-nproc/1", "measured": bool, "why": text (when not measured), "user", "limit",
 "workers", "cases": [{"model", "exit", "message", "seconds", "ok_seconds", "leftover"}]}
where seconds is the failing run's whole-process time and ok_seconds the same command with no
limit. Standard library only; exit 0 whenever it printed its JSON.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time


def processes_of(uid):
	"""How many processes uid has now."""
	count = 0
	for entry in os.listdir("/proc"):
		if entry.isdigit():
			try:
				if os.stat("/proc/" + entry).st_uid == uid:
					count += 1
			except OSError:
				pass
	return count


def timed(argv):
	"""(exit status, last stderr line, seconds) of one whole process."""
	began = time.monotonic()
	done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
	lines = done.stderr.strip().splitlines()
	return done.returncode, lines[-1] if lines else "", time.monotonic() - began


def not_measured(why, args):
	"""The JSON of a measurement that could not be made, and why."""
	return {"schema": "tvp-nproc/1", "measured": False, "why": why, "limit": args.limit, "workers": args.workers, "cases": []}


def measure(args):
	"""The measurement as a JSON-ready dict."""
	for tool in ("setpriv", "prlimit"):
		if not shutil.which(tool):
			return not_measured("%s (util-linux) is not installed" % tool, args)
	scratch = tempfile.mkdtemp(prefix="tvp-nproc-")
	try:
		os.chmod(scratch, 0o755)
		binary = os.path.join(scratch, "tvp")
		shutil.copy(os.path.abspath(args.tvp), binary)
		os.chmod(binary, 0o755)
		if os.geteuid() == 0:
			uid = random.Random().randrange(61000, 65000)
			while processes_of(uid):
				uid += 1
			prefix = ["setpriv", "--reuid=%d" % uid, "--regid=%d" % uid, "--clear-groups"]
			user, limit = "uid %d (unused, unprivileged)" % uid, args.limit
		else:
			uid = os.getuid()
			prefix = []
			user, limit = "uid %d (the sweep's own user)" % uid, processes_of(uid) + args.limit
		cases = []
		for model in ("pthread", "fork", "pool"):
			command = [binary, "primes", "--to", str(args.to), "--model", model, "--workers", str(args.workers),
				   "--repeat", "1", "--warmup", "0"]
			status, message, seconds = timed(prefix + ["prlimit", "--nproc=%d" % limit] + command)
			ok_status, _, ok_seconds = timed(prefix + command)
			time.sleep(0.2)
			message = message.replace(binary, "tvp")  # the scratch copy's path means nothing later
			cases.append({"model": model, "exit": status, "message": message, "seconds": round(seconds, 4),
				      "ok_exit": ok_status, "ok_seconds": round(ok_seconds, 4),
				      "leftover": processes_of(uid) if prefix else None})
		return {"schema": "tvp-nproc/1", "measured": True, "user": user, "limit": limit, "workers": args.workers,
			"size": "primes to %d" % args.to, "cases": cases}
	finally:
		shutil.rmtree(scratch, ignore_errors=True)


def main():
	parser = argparse.ArgumentParser(description="fork at the user-process limit, measured")
	parser.add_argument("--tvp", required=True)
	parser.add_argument("--limit", type=int, default=4)
	parser.add_argument("--workers", type=int, default=8)
	parser.add_argument("--to", type=int, default=200000)
	args = parser.parse_args()
	if not os.access(args.tvp, os.X_OK):
		print("nproc_limit: no tvp binary at %s" % args.tvp, file=sys.stderr)
		return 2
	print(json.dumps(measure(args), indent=1))
	return 0


if __name__ == "__main__":
	sys.exit(main())

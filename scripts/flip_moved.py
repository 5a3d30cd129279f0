#!/usr/bin/env python3
"""flip_moved.py - the bytes of partial tables wordcount moves to the parent, per vocabulary size (JSON on stdout).

usage: flip_moved.py --tvp TVP --words N --vocab V1,V2,...

Runs `tvp wordcount --model fork --workers 2 --schedule dynamic` (as the sweep's wordcount line) once per vocabulary size (its answer verified as in
every run) and reads the line it prints after its last run:
"wordcount: D distinct words; B bytes of partial tables from T tasks in the last run".
Exit status: 0, 1 when a run fails or prints no such line, 2 on bad usage or when tvp exits 2 (no such workload).
"""
import argparse
import json
import re
import subprocess
import sys

LINE = re.compile(r"^wordcount: (\d+) distinct words; (\d+) bytes of partial tables from (\d+) tasks", re.M)


def main():
	"""Measure and print {"runs": [{vocab, words, distinct, bytes, tasks}, ...]}."""
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--tvp", required=True)
	parser.add_argument("--words", required=True)
	parser.add_argument("--vocab", required=True, help="comma-separated sizes")
	args = parser.parse_args()
	runs = []
	for vocab in args.vocab.split(","):
		command = [args.tvp, "wordcount", "--words", args.words, "--vocab", vocab, "--model", "fork",
			   "--workers", "2", "--schedule", "dynamic", "--repeat", "1", "--warmup", "0", "--format", "csv"]
		done = subprocess.run(command, capture_output=True, text=True)
		found = LINE.search(done.stderr)
		if done.returncode == 2:  # this tvp has no wordcount (or no such option): the sweep skips the line
			print(done.stderr.strip(), file=sys.stderr)
			return 2
		if done.returncode != 0 or not found:
			print("flip_moved: %s: exit %d: %s" % (" ".join(command), done.returncode, done.stderr.strip()),
			      file=sys.stderr)
			return 1
		runs.append({"vocab": int(vocab), "words": int(args.words), "distinct": int(found.group(1)),
			     "bytes": int(found.group(2)), "tasks": int(found.group(3))})
	json.dump({"runs": runs}, sys.stdout, indent=1)
	print()
	return 0


if __name__ == "__main__":
	sys.exit(main())

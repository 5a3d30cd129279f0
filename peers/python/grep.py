#!/usr/bin/env python3
# grep.py - Python peer of `tvp grep`: count the lines of a file that match a regex, chunk by chunk.
"""Counts matching lines, as the Edinburgh talk's Python did: line by line
with re.search, over line-aligned chunks of --unit-bytes of the file.

--input shared: every worker opens the file and reads its own chunks (the
talk's fast "chunking"); --input ship: the parent reads the chunks and sends
the bytes to process workers through the queue (the talk's slow queue).
Python's re stands in for POSIX extended regexes: the same for the talk's
patterns (no match, every line), not for every ERE.

    python3 grep.py --model process --workers 2 --file corpus.txt --regex 'xyzzy'
"""
from __future__ import division, print_function

import os
import re
import sys

import peerlib

NAME = "grep"


def add_options(parser):
    parser.add_argument("--file", required=True, help="the file to search (tvp corpus makes one)")
    parser.add_argument("--regex", required=True, help="the pattern (Python re syntax)")
    parser.add_argument("--unit-bytes", type=int, default=1048576,
                        help="bytes per unit of work, line-aligned [1048576]")
    parser.add_argument("--input", choices=("shared", "ship"), default="shared",
                        help="process workers: read the file themselves, or get the bytes")


def line_starts(path, unit_bytes):
    """Offsets [0, ..., size]: unit u is [starts[u], starts[u+1]), whole lines."""
    size = os.path.getsize(path)
    starts = [0]
    with open(path, "rb") as f:
        pos = unit_bytes
        while pos < size:
            f.seek(pos)
            f.readline()  # to the start of the next line
            pos = f.tell()
            if pos >= size:
                break
            if pos > starts[-1]:
                starts.append(pos)
            pos += unit_bytes
    starts.append(size)
    return starts


def prepare(args):
    if args.unit_bytes < 1:
        raise ValueError("--unit-bytes must be at least 1")
    try:
        pattern = re.compile(args.regex.encode("latin-1") if not isinstance(args.regex, bytes)
                             else args.regex)
    except re.error as e:
        raise ValueError("bad regex '%s': %s" % (args.regex, e))
    try:
        starts = line_starts(args.file, args.unit_bytes)
    except (IOError, OSError) as e:
        raise ValueError("cannot read --file %s: %s" % (args.file, e))
    if starts[-1] == 0:
        raise ValueError("--file %s is empty" % args.file)
    return {"path": args.file, "regex": args.regex, "pattern": pattern, "starts": starts,
            "unit_bytes": args.unit_bytes, "input": args.input, "units": len(starts) - 1}


def read_units(job, first, count):
    starts = job["starts"]
    with open(job["path"], "rb") as f:
        f.seek(starts[first])
        return f.read(starts[first + count] - starts[first])


def count_lines(pattern, data, mark):
    """The talk's loop: for each line, if the regex finds it, count it."""
    matches = 0
    search = pattern.search
    for line in data.splitlines():
        if mark is not None:
            mark()
        if search(line):
            matches += 1
    return matches


def run_task(job, first, count, mark):
    """Matching lines in units [first, first + count), read by the worker."""
    return count_lines(job["pattern"], read_units(job, first, count), mark)


def ships(job):
    """Whether process workers get their input from the parent (--input ship)."""
    return job["input"] == "ship"


def pack(job, first, count):
    """The bytes of units [first, first + count), for a process worker."""
    return read_units(job, first, count)


def run_packed(job, data, mark):
    """Matching lines in shipped bytes."""
    return count_lines(job["pattern"], data, mark)


def reduce(job, partials):
    return str(sum(partials))


def params(job):
    return {"file": job["path"], "regex": job["regex"], "unit-bytes": job["unit_bytes"],
            "input": job["input"]}


if __name__ == "__main__":
    sys.exit(peerlib.main(sys.modules[__name__]))

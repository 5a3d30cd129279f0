#!/usr/bin/env python3
# gilfree.py - CPython's p-curve: primes with a share p of the time spent in C with the GIL released.
"""The primes peer, with GIL-free work mixed in: after every --piece
candidates, the thread hashes once (hashlib.sha256, which releases the GIL
for buffers of 2048 bytes or more, as a C extension between
Py_BEGIN_ALLOW_THREADS and Py_END_ALLOW_THREADS does) for p/(1-p) times the
CPU time the candidates took (less than 2048 bytes' worth is carried over).
The answer is the primes sum, as tvp's; the JSON's params say the p asked.
Compare `--model threading --workers 2` with `--model serial` at the same p:
that is tvp's --gil-free F (--piece is the segment size).

    python3 gilfree.py --p 0.5 --model threading --workers 2 --to 300000
"""
from __future__ import division, print_function

import hashlib
import sys
import time

import peerlib
import primes

NAME = "gilfree"
HASH_MIN = 2048        # hashlib releases the GIL for buffers this large and larger
HASH_MAX = 1 << 20
cpu_clock = getattr(time, "thread_time", time.time)  # Python 2: wall time


def add_options(parser):
    primes.add_options(parser)
    parser.add_argument("--p", type=float, default=0.5, help="share of time GIL-free [0.5]")
    parser.add_argument("--piece", type=int, default=100,
                        help="candidates between two GIL-free stretches [100]")


def prepare(args):
    if not 0 <= args.p < 1:
        raise ValueError("--p must be from 0 to below 1")
    if args.piece < 1:
        raise ValueError("--piece must be at least 1")
    job = primes.prepare(args)
    buf = b"x" * HASH_MAX
    start, calls = cpu_clock(), 0
    while cpu_clock() - start < 0.05:  # the hash rate of this machine
        hashlib.sha256(buf).digest()
        calls += 1
    job.update({"p": args.p, "piece": args.piece, "buf": buf,
                "hash_s_per_byte": (cpu_clock() - start) / calls / HASH_MAX})
    return job


def view(buf, size):
    """The first size bytes of buf, not copied."""
    try:
        return memoryview(buf)[:size]
    except NameError:  # Python 2.6
        return buffer(buf, 0, size)  # noqa: F821


def run_task(job, first, count, mark):
    lo = job["lo"] + first * job["block"]
    hi = min(lo + count * job["block"], job["hi"])
    ratio, piece, buf = job["p"] / (1 - job["p"]), job["piece"], job["buf"]
    per_byte = job["hash_s_per_byte"]
    isprime, total, owed = primes.isprime, 0, 0.0
    for start in range(lo, hi, piece):
        t0 = cpu_clock()
        for n in range(start, min(start + piece, hi)):
            if mark is not None:
                mark()
            if isprime(n):
                total += n
        owed += (cpu_clock() - t0) * ratio
        size = min(int(owed / per_byte), HASH_MAX)
        if size >= HASH_MIN:  # one GIL-free stretch: hashlib releases the lock
            hashlib.sha256(view(buf, size)).digest()
            owed -= size * per_byte
    return total


def reduce(job, partials):
    return str(sum(partials))


def params(job):
    return {"from": job["lo"], "to": job["hi"], "block": job["block"], "p": job["p"],
            "piece": job["piece"]}


if __name__ == "__main__":
    sys.exit(peerlib.main(sys.modules[__name__]))

#!/usr/bin/env python3
# primes.py - Python peer of `tvp primes`: the sum of the primes in [from, to) by the PEP 371 talk's isprime.
"""Sum of the primes in [from, to), in units of --block integers, as tvp does.

    python3 primes.py --model threading --workers 2 --from 2 --to 2000000
"""
from __future__ import division, print_function

import math
import sys

import peerlib

NAME = "primes"


def isprime(n):
    """Returns True if n is prime and False otherwise (the talk's code)."""
    if not isinstance(n, int):
        raise TypeError("argument passed to is_prime is not of 'int' type")
    if n < 2:
        return False
    if n == 2:
        return True
    max = int(math.ceil(math.sqrt(n)))
    i = 2
    while i <= max:
        if n % i == 0:
            return False
        i += 1
    return True


def add_options(parser):
    parser.add_argument("--from", dest="lo", type=int, default=2, help="first integer [2]")
    parser.add_argument("--to", dest="hi", type=int, default=8000000,
                        help="end of the range, not included [8000000]")
    parser.add_argument("--block", type=int, default=10000, help="integers per unit [10000]")


def prepare(args):
    if args.lo < 0 or args.hi <= args.lo:
        raise ValueError("--from (%d) must be >= 0 and below --to (%d)" % (args.lo, args.hi))
    if args.block < 1:
        raise ValueError("--block must be at least 1")
    units = (args.hi - args.lo + args.block - 1) // args.block
    return {"lo": args.lo, "hi": args.hi, "block": args.block, "units": units}


def run_task(job, first, count, mark):
    """The sum of the primes in units [first, first + count)."""
    lo = job["lo"] + first * job["block"]
    hi = min(lo + count * job["block"], job["hi"])
    total = 0
    if mark is None:
        for n in range(lo, hi):
            if isprime(n):
                total += n
    else:
        for n in range(lo, hi):
            mark()
            if isprime(n):
                total += n
    return total


def reduce(job, partials):
    return str(sum(partials))


def params(job):
    return {"from": job["lo"], "to": job["hi"], "block": job["block"]}


if __name__ == "__main__":
    sys.exit(peerlib.main(sys.modules[__name__]))

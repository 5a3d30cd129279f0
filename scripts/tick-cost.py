#!/usr/bin/env python3
# tick-cost.py - what the GIL's tick hook costs with --gil off: tvp against a build without it.
"""Runs the same serial kernels with two tvp binaries, the normal build and
one with the tick hook compiled out (make NOTICKS=1 build), alternating
rounds so that both see the same machine, and prints the ratio of their
median wall times (the harness's verified runs):

    scripts/tick-cost.py build/tvp build/noticks/tvp [--rounds 5]

The ratio is the hook's cost: 1.005 means 0.5%. Run it on a quiet machine.
"""
import argparse
import json
import statistics
import subprocess
import sys

KERNELS = [
    ("primes", ["primes", "--to", "3000000"]),
    ("mandelbrot", ["mandelbrot", "--width", "800", "--height", "600", "--iterations", "1000"]),
]


def median_wall(tvp, args):
    """The harness's median wall time of 5 verified serial runs (after 1 warm-up)."""
    got = subprocess.run([tvp] + args + ["--model", "serial", "--gil", "off", "--repeat", "5",
                                         "--warmup", "1", "--format", "json"],
                         capture_output=True, text=True)
    if got.returncode != 0:
        sys.exit("tick-cost.py: %s %s failed (%d): %s" % (tvp, " ".join(args), got.returncode,
                                                          got.stderr.strip()))
    run = json.loads(got.stdout)["runs"][0]
    if not run["verified"]:
        sys.exit("tick-cost.py: %s %s: the answer did not verify" % (tvp, " ".join(args)))
    return run["wall_s"]["median"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("with_ticks", help="the normal tvp")
    p.add_argument("without_ticks", help="tvp built with NOTICKS=1")
    p.add_argument("--rounds", type=int, default=5)
    opts = p.parse_args()
    print("| kernel | with the hook, s | hook compiled out, s | cost |")
    print("| --- | --- | --- | --- |")
    for name, args in KERNELS:
        ratios, on, off = [], [], []
        for _ in range(opts.rounds):
            a = median_wall(opts.with_ticks, args)
            b = median_wall(opts.without_ticks, args)
            on.append(a)
            off.append(b)
            ratios.append(a / b)
        cost = statistics.median(ratios) - 1
        print("| %s %s | %.4f | %.4f | %+.1f%% |" % (name, " ".join(args[1:]), statistics.median(on),
                                                     statistics.median(off), 100 * cost))
    print("\ncost: median over %d rounds of (median with the hook / median without), minus 1"
          % opts.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())

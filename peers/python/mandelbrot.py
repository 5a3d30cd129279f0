#!/usr/bin/env python3
# mandelbrot.py - Python peer of `tvp mandelbrot`: escape-time counts per pixel, one unit per row.
"""Escape-time Mandelbrot, the Edinburgh talk's _calc_point in pure Python.

The region and the answer are tvp's: pixel (col, row) is the complex number
centre + ((col - (width-1)/2) + i((height-1)/2 - row)) * span/width; a pixel
that never escapes counts --iterations; the answer is the FNV-1a 64-bit hash
of every count as 4 little-endian bytes, in raster order.

    python3 mandelbrot.py --model pool --workers 2 --width 768 --height 576 --iterations 256
"""
from __future__ import division, print_function

import sys

import peerlib

NAME = "mandelbrot"
FNV_OFFSET = 0xcbf29ce484222325
FNV_PRIME = 0x100000001b3
MASK64 = 0xffffffffffffffff


def calc_point(x0, y0, max_iterations):
    """The talk's _calc_point; max_iterations (not -1) when it never escapes."""
    x = 0.0
    y = 0.0
    for i in range(max_iterations):
        if x * x + y * y >= 4.0:
            return i
        x_temp = x * x - y * y + x0
        y = 2 * x * y + y0
        x = x_temp
    return max_iterations


def add_options(parser):
    parser.add_argument("--width", type=int, default=800, help="pixels [800]")
    parser.add_argument("--height", type=int, default=600, help="pixels, one unit per row [600]")
    parser.add_argument("--iterations", type=int, default=256, help="most per pixel [256]")
    parser.add_argument("--centre-re", type=float, default=-0.5, help="real part of the centre [-0.5]")
    parser.add_argument("--centre-im", type=float, default=0.0, help="imaginary part [0]")
    parser.add_argument("--span", type=float, default=3.0, help="width of the view [3]")


def prepare(args):
    if args.width < 1 or args.height < 1:
        raise ValueError("the image has no pixels (--width %d --height %d)"
                         % (args.width, args.height))
    if args.iterations < 1:
        raise ValueError("--iterations must be at least 1")
    if not args.span > 0:
        raise ValueError("--span must be above 0")
    return {"width": args.width, "height": args.height, "iterations": args.iterations,
            "centre_re": args.centre_re, "centre_im": args.centre_im, "span": args.span,
            "step": args.span / args.width, "units": args.height}


def run_task(job, first, count, mark):
    """The counts of rows [first, first + count), as one list in raster order."""
    width, step, iterations = job["width"], job["step"], job["iterations"]
    counts = []
    for row in range(first, first + count):
        y0 = job["centre_im"] + ((job["height"] - 1) / 2 - row) * step
        for col in range(width):
            if mark is not None:
                mark()
            x0 = job["centre_re"] + (col - (width - 1) / 2) * step
            counts.append(calc_point(x0, y0, iterations))
    return counts


def reduce(job, partials):
    h = FNV_OFFSET
    for part in partials:
        for count in part:
            for shift in (0, 8, 16, 24):
                h ^= (count >> shift) & 0xff
                h = (h * FNV_PRIME) & MASK64
    return "%016x" % h


def params(job):
    return dict((k, job[k]) for k in ("width", "height", "iterations", "centre_re",
                                      "centre_im", "span"))


if __name__ == "__main__":
    sys.exit(peerlib.main(sys.modules[__name__]))

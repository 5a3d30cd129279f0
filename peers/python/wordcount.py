#!/usr/bin/env python3
# wordcount.py - Python peer of `tvp wordcount`: count words into partial dicts that threads share and processes pickle.
"""The text is tvp's: word i is the spelling (base 26, at least 3 letters,
least significant letter first) of splitmix64(i) mod --vocab; a unit is
--block consecutive words. Each task counts its words into a dict and
returns it: threads hand the dict over in memory, multiprocessing pickles
it through a pipe to the parent (Noller's pickling claim). The parent
merges the dicts, sorts the (word, count) pairs and checksums the lines
"word count\\n" with FNV-1a 64: tvp's answer.

The JSON's params carry "pickled_bytes": what the last run's partial dicts
pickle to (what process models move), measured once after the runs.

    python3 wordcount.py --model pool --workers 2 --words 200000 --vocab 100000
"""
from __future__ import division, print_function

import pickle
import sys

import peerlib

NAME = "wordcount"
MASK64 = 0xffffffffffffffff
FNV_OFFSET = 0xcbf29ce484222325
FNV_PRIME = 0x100000001b3
MIN_LETTERS = 3
LETTERS = "abcdefghijklmnopqrstuvwxyz"

_LAST = []  # the last run's partial dicts (for pickled_bytes)


def mix(x):
    """splitmix64 of x (tvp's mix)."""
    z = (x + 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def spell(rank):
    """The letters of rank: base 26, least significant first, at least MIN_LETTERS."""
    letters = []
    while True:
        letters.append(LETTERS[rank % 26])
        rank //= 26
        if rank == 0 and len(letters) >= MIN_LETTERS:
            return "".join(letters)


def add_options(parser):
    parser.add_argument("--words", type=int, default=200000, help="words in the text [200000]")
    parser.add_argument("--vocab", type=int, default=1000,
                        help="distinct words the text draws from [1000]")
    parser.add_argument("--block", type=int, default=50000, help="words per unit [50000]")


def prepare(args):
    if not 1 <= args.words <= 10000000000:
        raise ValueError("--words must be 1 to 10000000000")
    if not 1 <= args.vocab <= 100000000:
        raise ValueError("--vocab must be 1 to 100000000")
    if args.block < 1:
        raise ValueError("--block must be at least 1")
    return {"words": args.words, "vocab": args.vocab, "block": args.block,
            "units": (args.words + args.block - 1) // args.block}


def run_task(job, first, count, mark):
    """{word: count} of the words of units [first, first + count)."""
    vocab, table = job["vocab"], {}
    for i in range(first * job["block"], min(job["words"], (first + count) * job["block"])):
        if mark is not None:
            mark()
        word = spell(mix(i) % vocab)
        table[word] = table.get(word, 0) + 1
    return table


def reduce(job, partials):
    """Merge the dicts; FNV-1a 64 of the sorted "word count" lines, as 16 hex digits."""
    merged = {}
    for part in partials:
        for word, count in part.items():
            merged[word] = merged.get(word, 0) + count
    h = FNV_OFFSET
    for word in sorted(merged):
        for byte in bytearray(("%s %d\n" % (word, merged[word])).encode("ascii")):
            h = ((h ^ byte) * FNV_PRIME) & MASK64
    _LAST[:] = partials
    return "%016x" % h


def params(job):
    protocol = pickle.HIGHEST_PROTOCOL if peerlib.PY2 else None  # what multiprocessing uses
    moved = sum(len(pickle.dumps(part, protocol)) for part in _LAST)
    return {"words": job["words"], "vocab": job["vocab"], "block": job["block"],
            "pickled_bytes": moved, "distinct_per_task": max(len(p) for p in _LAST) if _LAST else 0}


if __name__ == "__main__":
    sys.exit(peerlib.main(sys.modules[__name__]))

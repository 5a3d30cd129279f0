#!/usr/bin/env python3
"""fuzz-grep.py - differential fuzzer: tvp grep (both engines) against LC_ALL=C grep -c -E.

Each case is a random extended regex (odd forms included: unmatched
parentheses, leading and stacked repetitions, braces that are no interval,
odd ranges and classes, anchors anywhere, back-references, empty
alternatives) and a few lines made to match it or nearly. For each engine
the case agrees when tvp refuses (exit 2) exactly what grep refuses and
otherwise counts what grep counts, verified (exit 0). Case I of seed S is
the same on every machine: `--seed S --case I` replays it alone, and
`--start I --cases N` runs cases I to I+N-1 (a long run in parts).

  fuzz-grep.py --tvp build/tvp --cases 1000 --seed 1
  fuzz-grep.py --tvp build/tvp --replay tests/integration/grep-regressions.jsonl

Prints one line per disagreement (with its case number), a progress line
with the rate every --progress cases, and a summary by kind; exit 1 when
any. --stop-after S starts no case after S seconds: the summary then says
how many ran.
"""
import argparse
import collections
import concurrent.futures
import csv
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

ENGINES = ("pcre2", "posix")
TIMEOUT_S = 60  # one run; a loaded machine is slow, a hung engine is a disagreement
GREP_TIMES = 4  # tvp may take this many times grep's own time on top (it runs two engines)
LINE_BYTES = "ab x_-1A.{}()*+?[]|^$\\\t:=,"


class Gen:
    """Random regexes from the ERE grammar, leaning on the odd forms."""

    def __init__(self, rng):
        self.rng = rng
        self.groups = 0

    def pick(self, *choices):
        return self.rng.choice(choices)

    def literal(self):
        r = self.rng.random()
        if r < 0.55:
            return self.pick("a", "b", "x", "a", "b", " ", "_", "-", "1", "A", ":", ",", "=")
        if r < 0.75:
            return "\\" + self.pick(*".*+?{}()|[]^$\\")
        if r < 0.85:  # a stray backslash (PCRE-only escapes among them)
            return "\\" + self.pick("A", "z", "G", "n", "d", "t", "a", "-", "Q", "E", "0", "K")
        return self.pick(")", "}", "]", "{", "{1", "{,", "{a}", "{1,a}", "{}", "{2,1}", "{1,2,3}")

    def bracket(self):
        rng = self.rng
        if rng.random() < 0.3:
            return self.pick("[[:alpha:]]", "[^[:digit:]_]", "[[:space:]x]", "[[:punct:]]",
                             "[]a]", "[^]a]", "[a-]", "[-a]", "[a-c-e]", "[[=a=]]", "[[.a.]]",
                             "[[.-.]]", "[z-a]", "[\\]", "[\\d]", "[[:foo:]]", "[:alpha:]",
                             "[[:]:]]", "[[:<:]]", "[ab", "[a-[.c.]]", "[[.a.]-c]", "[[=a=]-c]",
                             "[]-a]", "[--/]", "[^-]", "[[]", "[a[]", "[[:alpha:]-z]", "[:a]",
                             "[[:upper:][:digit:]]", "[^^]", "[.]", "[*+?]", "[{}()|]")
        out = "[" + ("^" if rng.random() < 0.3 else "")
        for _ in range(rng.randint(1, 4)):
            r = rng.random()
            if r < 0.5:
                out += self.pick("a", "b", "x", " ", "_", "-", "1", "]", "^", "\\", "(", ".")
            elif r < 0.8:
                lo = self.pick("a", "0", "A", " ", "-", "b", "x")
                hi = self.pick("c", "9", "Z", "z", "a", "-", "b")
                out += lo + "-" + hi
            else:
                out += "[:" + self.pick("alpha", "digit", "space", "upper", "lower", "alnum",
                                        "punct", "xdigit", "blank", "cntrl", "graph", "print") + ":]"
        return out + ("]" if rng.random() < 0.97 else "")

    def quantifier(self):
        r = self.rng.random()
        if r < 0.6:
            return self.pick("*", "+", "?")
        n, m = self.rng.randint(0, 3), self.rng.randint(0, 4)
        return self.pick("{%d}" % n, "{%d,}" % n, "{,%d}" % m, "{%d,%d}" % (n, m),
                         "{%d,%d}" % (min(n, m), max(n, m)), "{,}")

    def atom(self, depth):
        r = self.rng.random()
        if r < 0.40:
            return self.literal()
        if r < 0.52:
            return self.bracket()
        if r < 0.58:
            return "."
        if r < 0.68:
            return self.pick("^", "$", "\\<", "\\>", "\\b", "\\B", "\\`", "\\'")
        if r < 0.73:
            return self.pick("\\w", "\\W", "\\s", "\\S")
        if r < 0.78 and self.groups:
            return "\\" + str(self.rng.randint(1, min(self.groups + 1, 9)))
        if depth < 3:
            self.groups += 1
            inner = self.alternation(depth + 1)
            close = ")" if self.rng.random() < 0.95 else ""
            return "(" + inner + close
        return self.literal()

    def piece(self, depth):
        text = self.quantifier() if self.rng.random() < 0.04 else ""  # leading repetition
        text += self.atom(depth)
        while self.rng.random() < 0.3:  # repetitions, stacked at times
            text += self.quantifier()
        return text

    def branch(self, depth):
        return "".join(self.piece(depth) for _ in range(self.rng.choice((0, 1, 1, 2, 2, 3, 4))))

    def alternation(self, depth):
        out = self.branch(depth)
        while self.rng.random() < 0.2:
            out += "|" + self.branch(depth)
        return out


def make_lines(rng, regex):
    """Lines that may match: random bytes, and the regex's own text mangled."""
    plain = "".join(ch for ch in regex if ch not in "\\[]()*+?{}|^$")
    lines = []
    for _ in range(rng.randint(3, 9)):
        r = rng.random()
        if r < 0.35:
            line = "".join(rng.choice(LINE_BYTES) for _ in range(rng.randint(0, 12)))
        elif r < 0.7:
            chars = list(plain or "a")
            for _ in range(rng.randint(0, 3)):
                op = rng.random()
                pos = rng.randint(0, len(chars))
                if op < 0.4:
                    chars.insert(pos, rng.choice(LINE_BYTES))
                elif op < 0.7 and chars:
                    del chars[min(pos, len(chars) - 1)]
                else:
                    chars[pos:pos] = chars[:rng.randint(0, len(chars))]
            line = "".join(chars)
        elif r < 0.85:
            line = regex.replace("\\", "")
        else:
            line = rng.choice(("", "a", "aa", "ab", "ba", "xa ax", " a_b ", "1}a", "{1"))
        lines.append(line.replace("\n", " "))
    return lines


def make_case(seed, index):
    """Case index of seed: (regex, lines), the same everywhere."""
    rng = random.Random(seed * 1000003 + index)
    regex = Gen(rng).alternation(0)
    return regex, make_lines(rng, regex)


def grep_count(regex, path):
    """GNU grep's answer, ('count', N) or ('refused', None), and its time in seconds."""
    started = time.monotonic()
    try:
        proc = subprocess.run(["grep", "-c", "-E", "-e", regex, path], capture_output=True,
                              text=True, env=dict(os.environ, LC_ALL="C"), timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return ("timeout", None), TIMEOUT_S
    took = time.monotonic() - started
    if proc.returncode == 2:
        return ("refused", None), took
    return ("count", int(proc.stdout.strip())), took


def tvp_count(tvp, engine, regex, path, timeout):
    """tvp's answer: ('count', N), ('refused', message) or ('failed', message).
    The regex goes as --regex=RE: tvp takes no option's value from the next
    word when it starts with "--" (`--+`)."""
    try:
        proc = subprocess.run([tvp, "grep", "--file", path, "--regex=" + regex, "--engine", engine,
                               "--format", "csv", "--repeat", "1", "--warmup", "0"],
                              capture_output=True, text=True, errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return ("failed", "no answer in %d s" % timeout)
    if proc.returncode == 2:
        return ("refused", proc.stderr.strip())
    if proc.returncode != 0:
        return ("failed", "exit %d: %s" % (proc.returncode, proc.stderr.strip()))
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    if len(rows) != 1 or rows[0].get("verified") != "true":
        return ("failed", "not one verified row: " + proc.stdout.strip())
    return ("count", int(rows[0]["answer"]))


def gnu_read(regex):
    """Does grep match this regex with GNU regex (a possible back-reference,
    or [=x=] or [.x.] in a bracket)? Then grep's answer is glibc's."""
    return re.search(r"\\[1-9]|\[[=.]", regex) is not None


def kind_of(regex, want, got):
    """The kind of a disagreement, or None."""
    if got[0] == "failed" and "no count can be verified" in got[1] and gnu_read(regex):
        return "GNU regex (grep's matcher here) and PCRE2 disagree: exit 1"
    if got[0] == "failed":
        return "tvp failed (wrong answer or engine fault)"
    if want[0] == "refused" and got[0] == "count":
        return "accepted what grep refuses"
    if want[0] == "count" and got[0] == "refused":
        return "refused what grep accepts"
    if want[0] == "count" and got[1] != want[1]:
        return "different count"
    return None


def run_case(tvp, index, regex, lines, scratch):
    """Compare both engines with grep on case index; the disagreements found."""
    fd, path = tempfile.mkstemp(dir=scratch, suffix=".txt")
    with os.fdopen(fd, "w", encoding="latin-1") as f:
        f.write("".join(line + "\n" for line in lines))
    try:
        want, took = grep_count(regex, path)
        found = []
        if want[0] == "timeout":
            return want, found  # grep itself took too long: nothing to compare
        for engine in ENGINES:
            got = tvp_count(tvp, engine, regex, path, TIMEOUT_S + GREP_TIMES * took)
            kind = kind_of(regex, want, got)
            if kind:
                found.append({"kind": kind, "engine": engine, "case": index, "regex": regex,
                              "lines": lines, "grep": want, "tvp": got})
        return want, found
    finally:
        os.unlink(path)


def run_all(args, cases, scratch, on_result):
    """run_case on each (index, regex, lines) of cases, args.jobs at a time;
    on_result(case, want, found) in case order. Starts no case after
    args.stop_after seconds (when set). Returns the number of cases run."""
    deadline = time.monotonic() + args.stop_after if args.stop_after else None
    cases = iter(cases)
    pending = collections.deque()
    ran = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        while True:
            while len(pending) < 4 * args.jobs and not (deadline and time.monotonic() > deadline):
                case = next(cases, None)
                if case is None:
                    break
                pending.append((case, pool.submit(run_case, args.tvp, *case, scratch)))
            if not pending:
                return ran
            case, future = pending.popleft()
            on_result(case, *future.result())
            ran += 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tvp", required=True)
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=int, default=0, help="the first case of the seed to run")
    ap.add_argument("--case", type=int, help="run this case of the seed alone")
    ap.add_argument("--replay", help="a JSON-lines file of fixed cases {regex, lines}")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--failures", help="append every disagreement here as JSON lines "
                    "(kind, engine, case, regex, lines, grep, tvp)")
    ap.add_argument("--progress", type=int, default=5000, help="a progress line every N cases")
    ap.add_argument("--stop-after", type=float, help="start no case after this many seconds")
    args = ap.parse_args()

    if args.replay:
        with open(args.replay, encoding="utf-8") as f:
            lines = [line for line in f if line.strip() and not line.startswith("#")]
        cases = [(i, c["regex"], c["lines"]) for i, c in enumerate(map(json.loads, lines))]
        label, total = args.replay, len(cases)
    elif args.case is not None:
        cases = [(args.case,) + make_case(args.seed, args.case)]
        label, total = "seed %d case %d" % (args.seed, args.case), 1
    else:
        cases = ((i,) + make_case(args.seed, i) for i in range(args.start, args.start + args.cases))
        label, total = "seed %d, %d cases from %d" % (args.seed, args.cases, args.start), args.cases

    kinds = collections.Counter()
    grep_kinds = collections.Counter()
    failures = []
    started = time.monotonic()
    saved = open(args.failures, "a", encoding="utf-8") if args.failures else None

    def on_result(case, want, found):
        grep_kinds["grep " + {"refused": "refused", "count": "counted",
                              "timeout": "timed out"}[want[0]]] += 1
        if want[0] == "timeout":  # not compared: say which, so a longer run can
            print("NOT COMPARED (grep gave no answer in %d s) case %d regex %r" % (
                TIMEOUT_S, case[0], case[1]), flush=True)
        for bad in found:
            kinds[bad["kind"]] += 1
            failures.append(bad)
            print("DISAGREE %s [%s] case %d regex %r lines %r: grep %s, tvp %s" % (
                bad["kind"], bad["engine"], bad["case"], bad["regex"], bad["lines"], bad["grep"],
                bad["tvp"]), flush=True)
            if saved:  # as found: a run stopped early keeps what it found
                saved.write(json.dumps(bad) + "\n")  # {regex, lines}, as --replay reads, and more
                saved.flush()
        done = sum(grep_kinds.values())
        if done % args.progress == 0:
            took = time.monotonic() - started
            print("... %d cases in %.0f s (%.1f a second), %d disagreements" % (
                done, took, done / took, len(failures)), flush=True)

    try:
        with tempfile.TemporaryDirectory(prefix="tvp-fuzz-grep-") as scratch:
            ran = run_all(args, cases, scratch, on_result)
    finally:
        if saved:
            saved.close()
    print("fuzz-grep (%s): %d cases%s (%s), %d engine runs, %d disagreements%s" % (
        label, ran, "" if ran == total else ", stopped after %.0f s" % args.stop_after,
        ", ".join("%s %d" % kv for kv in sorted(grep_kinds.items())),
        2 * (ran - grep_kinds["grep timed out"]), len(failures),
        "".join("; %s: %d" % kv for kv in sorted(kinds.items()))))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

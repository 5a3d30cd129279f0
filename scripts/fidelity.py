#!/usr/bin/env python3
# fidelity.py - tvp's simulated GIL beside real CPython: ratios, slices, hand-offs, GIL-free work.
"""Runs tvp (--gil modern / legacy) and the Python peers interleaved, several
rounds in shuffled order, and prints their ratios side by side:

  ratios     time / serial time for 2 and 4 threads, 2 processes, a pool of
             2: tvp --gil modern beside CPython 3, tvp --gil legacy beside
             CPython 2 (median over rounds of the ratio within each round)
  slices     2 threads: median slice and hand-offs a second at switch
             intervals 0.5, 5, 50 ms (modern) and check intervals 10, 100,
             1000 (legacy, with thread/serial and CPU/wall)
  one-core   legacy on one CPU (taskset -c 0): 2 threads about serial?
  free       --gil-free F for F in 0 .. 1: the 2-thread speedup beside
             Amdahl's 1/((1-F)+F/2) and the overlap bound min(2, 1/(1-F)),
             for fine and coarse segments, with CPython 3.11's p-curve from
             the planning runs

    scripts/fidelity.py --tvp build/tvp                 # everything, default sizes
    scripts/fidelity.py --tvp build/tvp --quick --rounds 2 --sections ratios
    scripts/fidelity.py --tvp build/tvp --out results/fidelity.json

Sizes differ between tvp and Python on purpose (C is ~20x faster): pick
them so that the serial times are alike. The machine should be quiet.
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "scripts"))
import peers as peerfind  # noqa: E402  (the interpreter discovery)

PEERS = os.path.join(TOP, "peers", "python")

# What CPython did on the planning machine (2 cores), from issue 4.
CPYTHON_RATIOS = {
    ("primes", "modern"): {"thread2": "0.95", "thread4": "1.07", "process2": "0.52", "pool2": "0.50"},
    ("mandelbrot", "modern"): {"thread2": "1.11", "thread4": "1.18", "process2": "0.57",
                               "pool2": "0.64"},
    ("primes", "legacy"): {"thread2": "1.80", "thread4": "2.78", "process2": "0.49", "pool2": "0.57"},
    ("mandelbrot", "legacy"): {"thread2": "1.49", "thread4": "-", "process2": "0.53", "pool2": "-"},
}
CPYTHON_P_CURVE = "CPython 3.11, 2 threads: 1.19 at p=0.29, 1.79-1.82 at p=0.55-0.58, 1.97 at p=0.94"
COLUMNS = [("serial", "serial", 1, "serial", 1), ("thread2", "pthread", 2, "threading", 2),
           ("thread4", "pthread", 4, "threading", 4), ("process2", "fork", 2, "process", 2),
           ("pool2", "pool", 2, "pool", 2)]


def run_json(cmd, env=None):
    """Run cmd (which prints tvp/1 JSON or writes it to a temp file); the first run."""
    got = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if got.returncode != 0:
        sys.exit("fidelity.py: %s failed (%d): %s" % (" ".join(cmd), got.returncode,
                                                       got.stderr.strip()))
    text = got.stdout
    return json.loads(text[text.index("{"):])["runs"][0]


def summary(run):
    """What one run says: wall, CPU/wall, hand-offs a second, median slice."""
    wall = run["wall_s"]["median"]
    cpu = run["cpu_s"]["user"] + run["cpu_s"]["sys"]
    g = run.get("gil_stats") or {}
    compute = g.get("compute_s") or 0.0
    return {"wall": wall, "cpu_per_wall": cpu / wall if wall > 0 else 0.0,
            "handoffs_per_s": g.get("handoffs_per_s"), "median_slice_s": g.get("median_slice_s"),
            "takes_per_s": g["acquisitions"] / compute if "acquisitions" in g and compute > 0
            else None}


class Case(object):
    """One command, run once a round; its summaries, round by round.

    With probe (the path of build/semprobe.so) the command runs with the
    probe preloaded, and its hand-offs and slices replace the peer's own
    trace: the probe sees every change of the GIL semaphore's taker."""

    def __init__(self, key, cmd, probe=None):
        self.key, self.cmd, self.probe, self.results = key, cmd, probe, []

    def run(self):
        if not self.probe:
            self.results.append(summary(run_json(self.cmd)))
            return
        fd, out = tempfile.mkstemp(prefix="semprobe-", suffix=".json")
        os.close(fd)
        try:
            env = dict(os.environ, LD_PRELOAD=self.probe, TVP_SEMPROBE_OUT=out)
            run = run_json(self.cmd, env)
            with open(out) as f:
                lines = [json.loads(line) for line in f if line.strip()]
        finally:
            os.unlink(out)
        if len(lines) != 1:
            sys.exit("fidelity.py: the probe wrote %d lines for %s (one process expected)"
                     % (len(lines), " ".join(self.cmd)))
        got = summary(run)
        compute = run["phases_s"]["compute"]
        got["handoffs_per_s"] = lines[0]["handoffs"] / compute if compute > 0 else 0.0
        got["median_slice_s"] = lines[0]["median_slice_s"]
        got["takes_per_s"] = lines[0]["takes"] / compute if compute > 0 else 0.0
        got["probe"] = lines[0]
        self.results.append(got)


def tvp_cmd(opts, workload, model, workers, extra, pin_one=False):
    cmd = [opts.tvp, workload] + tvp_size(opts, workload) + [
        "--model", model, "--workers", str(workers), "--repeat", "1", "--warmup", "0",
        "--format", "json"] + extra
    if model != "serial":
        cmd += ["--schedule", "dynamic"]
    return (["taskset", "-c", "0"] if pin_one else []) + cmd


def peer_cmd(opts, python, workload, model, workers, extra, pin_one=False):
    cmd = python + [os.path.join(PEERS, workload + ".py"), "--model", model, "--workers",
                    str(workers), "--json", "-"] + peer_size(opts, workload) + extra
    return (["taskset", "-c", "0"] if pin_one else []) + cmd


def tvp_size(opts, workload):
    if workload == "primes":
        return ["--to", str(opts.tvp_primes_to)]
    w, h = opts.tvp_mandel.split("x")
    return ["--width", w, "--height", h, "--iterations", "256"]


def peer_size(opts, workload):
    if workload == "primes":
        return ["--to", str(opts.py_primes_to)]
    w, h = opts.py_mandel.split("x")
    return ["--width", w, "--height", h, "--iterations", "256"]


def median_ratio(cases, key, base):
    """Median over rounds of wall(key) / wall(base) within the same round."""
    a, b = cases[key].results, cases[base].results
    ratios = [x["wall"] / y["wall"] for x, y in zip(a, b) if y["wall"] > 0]
    return statistics.median(ratios) if ratios else float("nan")


def median_of(cases, key, field):
    values = [r[field] for r in cases[key].results if r.get(field) is not None]
    return statistics.median(values) if values else float("nan")


def fmt(x, spec="%.2f"):
    return "-" if x != x else spec % x  # NaN -> "-"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tvp", default=os.path.join(TOP, "build", "tvp"))
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--sections", default="ratios,slices,one-core,free")
    p.add_argument("--workloads", default="primes,mandelbrot")
    p.add_argument("--quick", action="store_true", help="small sizes: check that it works")
    p.add_argument("--tvp-primes-to", type=int, default=None)
    p.add_argument("--py-primes-to", type=int, default=None)
    p.add_argument("--tvp-mandel", default=None, metavar="WxH")
    p.add_argument("--py-mandel", default=None, metavar="WxH")
    p.add_argument("--python3", default="python3")
    p.add_argument("--python2", default=None, help="default: python2 or pyenv's 2.x")
    p.add_argument("--segments", default="10,10000", help="--gil-segment values for the free sweep")
    p.add_argument("--pieces", default="1,100",
                   help="Python p-curve: candidates between GIL-free stretches (gilfree.py --piece)")
    p.add_argument("--probe", default=os.path.join(TOP, "build", "semprobe.so"),
                   help="LD_PRELOAD probe for CPython 2's GIL hand-offs (make probe); "
                        "without it the peer's --trace counts them")
    p.add_argument("--out", default=None, help="also write every measurement as JSON")
    opts = p.parse_args()
    quick = opts.quick
    opts.tvp_primes_to = opts.tvp_primes_to or (1000000 if quick else 8000000)
    opts.py_primes_to = opts.py_primes_to or (60000 if quick else 1000000)
    opts.tvp_mandel = opts.tvp_mandel or ("384x288" if quick else "1536x1152")
    opts.py_mandel = opts.py_mandel or ("96x72" if quick else "768x576")
    sections = opts.sections.split(",")
    listing = subprocess.run([opts.tvp, "--list"], capture_output=True, text=True).stdout
    workloads = [w for w in opts.workloads.split(",")
                 if any(line.split()[:1] == [w] for line in listing.splitlines())]
    py3 = [opts.python3] if peerfind.version_of([opts.python3]) else None
    py2 = [opts.python2] if opts.python2 else None
    if py2 is None:
        for label, command in peerfind.find_interpreters("default"):
            if label.startswith("CPython 2"):
                py2 = command
    py3_label = "CPython " + (peerfind.version_of(py3) if py3 else "-")
    py2_label = "CPython " + (peerfind.version_of(py2) if py2 else "-")
    print("tvp %s; Python 3: %s; Python 2: %s; workloads %s; %d rounds" % (
        opts.tvp, py3_label if py3 else "none", py2_label if py2 else "none",
        ",".join(workloads), opts.rounds))
    one_core = "one-core" in sections and shutil.which("taskset")

    cases = {}

    def add(key, cmd, probe=None):
        cases[key] = Case(key, cmd, probe)

    probe = opts.probe if opts.probe and os.path.exists(opts.probe) else None
    print("CPython 2 hand-offs: %s" % ("counted by the semaphore probe " + probe if probe else
                                       "seen by the peer's --trace (no probe: make probe)"))

    for w in workloads:
        if "ratios" in sections:
            for mode, python in (("modern", py3), ("legacy", py2)):
                for col, model, workers, pmodel, pworkers in COLUMNS:
                    add(("ratio", w, mode, "tvp", col), tvp_cmd(opts, w, model, workers,
                                                                ["--gil", mode]))
                    if python:
                        add(("ratio", w, mode, "py", col),
                            peer_cmd(opts, python, w, pmodel, pworkers, []))
    w = "primes"
    if "slices" in sections:
        add(("slice", "modern", "tvp", "serial"), tvp_cmd(opts, w, "serial", 1, ["--gil", "modern"]))
        if py3:
            add(("slice", "modern", "py", "serial"), peer_cmd(opts, py3, w, "serial", 1, []))
        for ms in ("0.5", "5", "50"):
            add(("slice", "modern", "tvp", ms),
                tvp_cmd(opts, w, "pthread", 2, ["--gil", "modern", "--gil-interval", ms]))
            if py3:
                add(("slice", "modern", "py", ms),
                    peer_cmd(opts, py3, w, "threading", 2, ["--switch-interval", ms, "--trace"]))
        add(("slice", "legacy", "tvp", "serial"), tvp_cmd(opts, w, "serial", 1, ["--gil", "legacy"]))
        if py2:
            add(("slice", "legacy", "py", "serial"), peer_cmd(opts, py2, w, "serial", 1, []))
        for check in ("10", "100", "1000"):
            add(("slice", "legacy", "tvp", check),
                tvp_cmd(opts, w, "pthread", 2, ["--gil", "legacy", "--gil-check", check]))
            if py2:
                if probe:
                    add(("slice", "legacy", "py", check),
                        peer_cmd(opts, py2, w, "threading", 2, ["--check-interval", check]), probe)
                else:
                    add(("slice", "legacy", "py", check),
                        peer_cmd(opts, py2, w, "threading", 2, ["--check-interval", check, "--trace"]))
    if one_core:
        for model, workers, pmodel in (("serial", 1, "serial"), ("pthread", 2, "threading")):
            add(("one", "tvp", model), tvp_cmd(opts, w, model, workers, ["--gil", "legacy"], True))
            if py2:
                add(("one", "py", model), peer_cmd(opts, py2, w, pmodel, workers, [], True))
    frees = ("0", "0.25", "0.5", "0.75", "0.9", "1")
    segments = opts.segments.split(",")
    if "free" in sections:
        for f in frees:
            for seg in segments:
                extra = ["--gil", "modern", "--gil-free", f, "--gil-segment", seg]
                add(("free", f, seg, "serial"), tvp_cmd(opts, w, "serial", 1, extra))
                add(("free", f, seg, "thread2"), tvp_cmd(opts, w, "pthread", 2, extra))
            if py3 and float(f) < 1:
                for piece in opts.pieces.split(","):
                    for model, workers in (("serial", 1), ("threading", 2)):
                        add(("pyfree", f, piece, model),
                            py3 + [os.path.join(PEERS, "gilfree.py"), "--p", f, "--piece", piece,
                                   "--model", model, "--workers", str(workers), "--json", "-",
                                   "--to", str(opts.py_primes_to)])

    order = list(cases)
    for r in range(opts.rounds):
        random.shuffle(order)
        for i, key in enumerate(order):
            if sys.stderr.isatty():
                sys.stderr.write("\rround %d/%d  run %d/%d   " % (r + 1, opts.rounds, i + 1,
                                                               len(order)))
                sys.stderr.flush()
            cases[key].run()
    if sys.stderr.isatty():
        sys.stderr.write("\n")

    if "ratios" in sections:
        print("\n## Time / serial time (median of paired runs)\n")
        print("| workload | engine | 2 threads | 4 threads | 2 processes | pool of 2 | CPython (planning) |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for w in workloads:
            for mode, label in (("modern", py3_label), ("legacy", py2_label)):
                for who, name in (("tvp", "tvp --gil %s" % mode), ("py", label)):
                    if ("ratio", w, mode, who, "serial") not in cases:
                        continue
                    cells = [fmt(median_ratio(cases, ("ratio", w, mode, who, col),
                                              ("ratio", w, mode, who, "serial")))
                             for col, _, _, _, _ in COLUMNS[1:]]
                    ref = CPYTHON_RATIOS.get((w, mode), {})
                    print("| %s | %s | %s | %s |" % (w, name, " | ".join(cells), " / ".join(
                        ref.get(col, "-") for col, _, _, _, _ in COLUMNS[1:]) if who == "tvp" else ""))
    if "slices" in sections:
        print("\n## 2 threads on primes: slices and hand-offs\n")
        print("| engine | setting | thread/serial | median slice ms | hand-offs/s | CPU/wall "
              "| takes/s | hand-offs per 1000 takes |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for ms in ("0.5", "5", "50"):
            for who, name in (("tvp", "tvp --gil modern"), ("py", py3_label)):
                key = ("slice", "modern", who, ms)
                if key not in cases:
                    continue
                ratio = median_ratio(cases, key, ("slice", "modern", who, "serial"))
                print("| %s | interval %s ms | %s | %s | %s | %s | - | - |" % (
                    name, ms, fmt(ratio), fmt(median_of(cases, key, "median_slice_s") * 1000, "%.3f"),
                    fmt(median_of(cases, key, "handoffs_per_s"), "%.0f"),
                    fmt(median_of(cases, key, "cpu_per_wall"))))
        for check in ("10", "100", "1000"):
            for who, name in (("tvp", "tvp --gil legacy"), ("py", py2_label)):
                key = ("slice", "legacy", who, check)
                if key not in cases:
                    continue
                ratio = median_ratio(cases, key, ("slice", "legacy", who, "serial"))
                takes = median_of(cases, key, "takes_per_s")
                print("| %s | check %s | %s | %s | %s | %s | %s | %s |" % (
                    name, check, fmt(ratio),
                    fmt(median_of(cases, key, "median_slice_s") * 1000, "%.3f"),
                    fmt(median_of(cases, key, "handoffs_per_s"), "%.0f"),
                    fmt(median_of(cases, key, "cpu_per_wall")), fmt(takes, "%.0f"),
                    fmt(1000 * median_of(cases, key, "handoffs_per_s") / takes
                        if takes == takes and takes > 0 else float("nan"), "%.1f")))
        print("\nCPython (planning): 5 ms -> 5.1 ms slices, ~200 hand-offs/s; 0.5 ms -> 0.6 ms, ~1,550/s;"
              " 2.7 check 100 -> 0.16 ms slices, ~4,800/s; check 10/100/1000 -> 5.1x/1.8x/1.3x serial")
    if one_core:
        print("\n## Legacy on one core (taskset -c 0): 2 threads / serial\n")
        for who, name in (("tvp", "tvp --gil legacy"), ("py", py2_label)):
            if ("one", who, "serial") in cases:
                print("- %s: %s" % (name, fmt(median_ratio(cases, ("one", who, "pthread"),
                                                            ("one", who, "serial")))))
    if "free" in sections:
        pieces = opts.pieces.split(",") if py3 else []
        print("\n## --gil-free F: 2-thread speedup (serial / threads) under --gil modern\n")
        print("| F | Amdahl 1/((1-F)+F/2) | overlap min(2, 1/(1-F)) | %s |" % " | ".join(
            ["tvp segment %s ticks" % s for s in segments] +
            ["%s piece %s (measured p)" % (py3_label, pc) for pc in pieces]))
        print("| --- | --- | --- | %s |" % " | ".join("---" for _ in segments + pieces))
        for f in frees:
            x = float(f)
            amdahl = 1 / ((1 - x) + x / 2)
            overlap = 2.0 if x >= 0.5 else 1 / (1 - x)
            cells = [fmt(1 / median_ratio(cases, ("free", f, s, "thread2"), ("free", f, s, "serial")))
                     for s in segments]
            for pc in pieces:
                if ("pyfree", f, pc, "serial") not in cases:
                    cells.append("-")
                    continue
                speedup = 1 / median_ratio(cases, ("pyfree", f, pc, "threading"),
                                           ("pyfree", f, pc, "serial"))
                base = median_of(cases, ("pyfree", "0", pc, "serial"), "wall")
                measured_p = 1 - base / median_of(cases, ("pyfree", f, pc, "serial"), "wall")
                cells.append("%s (%.2f)" % (fmt(speedup), measured_p))
            print("| %s | %.2f | %.2f | %s |" % (f, amdahl, overlap, " | ".join(cells)))
        print("\n%s" % CPYTHON_P_CURVE)
    if opts.out:
        with open(opts.out, "w") as f:
            json.dump([{"key": list(k), "cmd": c.cmd, "results": c.results}
                       for k, c in cases.items()], f, indent=1)
        print("\nmeasurements: %s" % opts.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

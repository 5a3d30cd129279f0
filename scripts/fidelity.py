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
  state      legacy, 2 threads: tvp with --gil-state 0, 4, 16, 64 KiB and
             CPython 2, each on 2 cores and on one (taskset -c 0): the time
             each hand-off costs on 2 cores beyond one core, the cost per KiB
             of state in tvp, and the state size CPython 2's cost implies
  free       --gil-free F for F in 0 .. 1: the 2-thread speedup beside
             Amdahl's 1/((1-F)+F/2) and the overlap bound min(2, 1/(1-F)),
             for fine and coarse segments, with CPython 3.11's p-curve from
             the planning runs

    scripts/fidelity.py --tvp build/tvp                 # everything, default sizes
    scripts/fidelity.py --tvp build/tvp --quick --rounds 2 --sections ratios
    scripts/fidelity.py --tvp build/tvp --out results/fidelity.json
    scripts/fidelity.py --tvp build/tvp --sections state --rounds 3
    scripts/fidelity.py --tvp build/tvp --gil-state 16     # every tvp --gil run with that state

Sizes differ between tvp and Python on purpose (C is ~20x faster): pick
them so that the serial times are alike. The machine should be quiet.
"""
import argparse
import json
import os
import random
import shutil
import signal
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
            "sys_per_wall": run["cpu_s"]["sys"] / wall if wall > 0 else 0.0,
            "sleeps": run.get("ctx_switches", {}).get("voluntary"),
            "handoffs_per_s": g.get("handoffs_per_s"), "median_slice_s": g.get("median_slice_s"),
            "takes_per_s": g["acquisitions"] / compute if "acquisitions" in g and compute > 0
            else None, "takes": g.get("acquisitions")}


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
        got["takes"] = lines[0]["takes"]
        got["probe"] = lines[0]
        self.results.append(got)


def tvp_cmd(opts, workload, model, workers, extra, pin_one=False):
    cmd = [opts.tvp, workload] + tvp_size(opts, workload) + [
        "--model", model, "--workers", str(workers), "--repeat", "1", "--warmup", "0",
        "--format", "json"] + extra
    if getattr(opts, "gil_state", 0) and "--gil" in extra and "--gil-state" not in extra:
        cmd += ["--gil-state", str(opts.gil_state)]
    if model != "serial":
        cmd += ["--schedule", "dynamic"]
    return (["taskset", "-c", "0"] if pin_one else []) + cmd


def tvp_answer(opts, workload):
    """tvp's verified answer at the peers' size: what every peer run must print (--expect)."""
    run = run_json([opts.tvp, workload] + peer_size(opts, workload) +
                   ["--repeat", "1", "--warmup", "0", "--format", "json"])
    if not run.get("verified"):
        sys.exit("fidelity.py: tvp's own %s answer did not verify" % workload)
    return str(run["answer"])


def peer_cmd(opts, python, workload, model, workers, extra, pin_one=False):
    cmd = python + [os.path.join(PEERS, workload + ".py"), "--model", model, "--workers",
                    str(workers), "--json", "-", "--expect", opts.answers[workload]] + \
        peer_size(opts, workload) + extra
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
    if key not in cases or base not in cases:
        return float("nan")  # not measured in this run
    a, b = cases[key].results, cases[base].results
    ratios = [x["wall"] / y["wall"] for x, y in zip(a, b) if y["wall"] > 0]
    return statistics.median(ratios) if ratios else float("nan")


def work_per_tick(cases, who, check):
    """Legacy, 2 threads on primes at `check`: the serial work divided among the ticks (each
    take follows `check` ticks), seconds, median over rounds; NaN if not measured."""
    key, base = ("slice", "legacy", who, check), ("slice", "legacy", who, "serial")
    if key not in cases or base not in cases:
        return float("nan")
    per_tick = [y["wall"] / ((x.get("takes") or x["takes_per_s"] * x["wall"]) * int(check))
                for x, y in zip(cases[key].results, cases[base].results) if x.get("takes_per_s")]
    return statistics.median(per_tick) if per_tick else float("nan")


def median_of(cases, key, field):
    if key not in cases:
        return float("nan")
    values = [r[field] for r in cases[key].results if r.get(field) is not None]
    return statistics.median(values) if values else float("nan")


def fmt(x, spec="%.2f"):
    return "-" if x != x else spec % x  # NaN -> "-"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tvp", default=os.path.join(TOP, "build", "tvp"))
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--sections", default="ratios,slices,one-core,free",
                   help="comma list of ratios, slices, one-core, state, free")
    p.add_argument("--gil-state", type=int, default=0, metavar="KIB",
                   help="tvp --gil-state for every tvp run with a GIL [0: none]")
    p.add_argument("--states", default="0,4,16,64", help="state section: --gil-state sizes, KiB")
    p.add_argument("--workloads", default="primes,mandelbrot")
    p.add_argument("--quick", action="store_true", help="small sizes: check that it works")
    p.add_argument("--tvp-primes-to", type=int, default=None)
    p.add_argument("--py-primes-to", type=int, default=None)
    p.add_argument("--tvp-mandel", default=None, metavar="WxH")
    p.add_argument("--py-mandel", default=None, metavar="WxH")
    p.add_argument("--python3", default="python3")
    p.add_argument("--python2", default=None, help="default: python2 or pyenv's 2.x")
    p.add_argument("--segments", default="10,10000,100000", help="--gil-segment values for the free sweep")
    p.add_argument("--pieces", default="1,100",
                   help="Python p-curve: candidates between GIL-free stretches (gilfree.py --piece)")
    p.add_argument("--probe", default=os.path.join(TOP, "build", "semprobe.so"),
                   help="LD_PRELOAD probe for CPython 2's GIL hand-offs (make probe); "
                        "without it the peer's --trace counts them")
    p.add_argument("--out", default=None, help="also write every measurement as JSON")
    p.add_argument("--from-json", default=None, metavar="FILE",
                   help="print the tables of an earlier --out FILE (runs nothing); with --out, "
                        "rewrite it in the current format")
    opts = p.parse_args()
    # SIGTERM ends the script as Ctrl-C does: subprocess.run kills the running child first.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    if opts.from_json:
        data, cases, ctx = from_json(opts.from_json)
        found = tables(cases, ctx)
        print_tables(found)
        if opts.out:
            with open(opts.out, "w") as f:
                json.dump({"context": ctx, "tables": found, "cases": data["cases"]}, f, indent=1)
        return 0
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
    py2 = [opts.python2] if opts.python2 else peerfind.find_python2()
    py3_label = "CPython " + (peerfind.version_of(py3) if py3 else "-")
    py2_label = "CPython " + (peerfind.version_of(py2) if py2 else "-")
    print("tvp %s; Python 3: %s; Python 2: %s; workloads %s; %d rounds" % (
        opts.tvp, py3_label if py3 else "none", py2_label if py2 else "none",
        ",".join(workloads), opts.rounds))
    one_core = "one-core" in sections and shutil.which("taskset")
    # Every peer run is checked against tvp's answer at the peer's size (the peer exits 1 if
    # it differs, and this script stops): a wrong answer is never a data point.
    opts.answers = {w: tvp_answer(opts, w) for w in set(workloads) | {"primes"}}

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
    if "state" in sections and shutil.which("taskset"):
        for w in workloads:
            for pin, cores in ((False, "2"), (True, "1")):
                for kib in opts.states.split(","):
                    for model, workers in (("serial", 1), ("pthread", 2)):
                        add(("state", w, kib, cores, model),
                            tvp_cmd(opts, w, model, workers, ["--gil", "legacy", "--gil-state", kib],
                                    pin))
                if py2:
                    add(("state", w, "py", cores, "serial"), peer_cmd(opts, py2, w, "serial", 1, [],
                                                                      pin))
                    add(("state", w, "py", cores, "pthread"),
                        peer_cmd(opts, py2, w, "threading", 2, [] if probe else ["--trace"], pin),
                        probe)
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
                                   "--to", str(opts.py_primes_to),
                                   "--expect", opts.answers["primes"]])

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

    ctx = {"tvp": opts.tvp, "python3": py3_label if py3 else None,
           "python2": py2_label if py2 else None, "rounds": opts.rounds,
           "gil_state_kib": opts.gil_state,
           "probe": bool(probe), "peer_answers": opts.answers, "sizes": {
               "tvp primes --to": opts.tvp_primes_to, "python primes --to": opts.py_primes_to,
               "tvp mandelbrot": opts.tvp_mandel, "python mandelbrot": opts.py_mandel}}
    found = tables(cases, ctx)
    print_tables(found)
    if opts.out:
        with open(opts.out, "w") as f:
            json.dump({"context": ctx, "tables": found,
                       "cases": [{"key": list(k), "cmd": c.cmd, "results": c.results}
                                 for k, c in cases.items()]}, f, indent=1)
        print("\nmeasurements: %s" % opts.out)
    return 0


def tables(cases, ctx):
    """The fidelity tables from the measurements: [{name, title, header, rows, notes}]."""
    py3_label = ctx.get("python3") or "CPython 3"
    py2_label = ctx.get("python2") or "CPython 2"
    keys = list(cases)
    workloads = [w for w in ("primes", "mandelbrot") if any(k[:2] == ("ratio", w) for k in keys)]
    found = []
    if workloads:
        rows = []
        for w in workloads:
            for mode, label in (("modern", py3_label), ("legacy", py2_label)):
                for who, name in (("tvp", "tvp --gil %s" % mode), ("py", label)):
                    if ("ratio", w, mode, who, "serial") not in cases:
                        continue
                    cells = [fmt(median_ratio(cases, ("ratio", w, mode, who, col),
                                              ("ratio", w, mode, who, "serial")))
                             for col, _, _, _, _ in COLUMNS[1:]]
                    ref = CPYTHON_RATIOS.get((w, mode), {})
                    rows.append([w, name] + cells + [" / ".join(
                        ref.get(col, "-") for col, _, _, _, _ in COLUMNS[1:]) if who == "tvp" else ""])
        found.append({"name": "ratios", "title": "Time / serial time (median of paired runs)",
                      "header": ["workload", "engine", "2 threads", "4 threads", "2 processes",
                                 "pool of 2", "CPython (planning)"], "rows": rows, "notes": []})
    if any(k[0] == "slice" for k in keys):
        rows = []
        for ms in ("0.5", "5", "50"):
            for who, name in (("tvp", "tvp --gil modern"), ("py", py3_label)):
                key = ("slice", "modern", who, ms)
                if key not in cases:
                    continue
                ratio = median_ratio(cases, key, ("slice", "modern", who, "serial"))
                rows.append([name, "interval %s ms" % ms, fmt(ratio),
                             fmt(median_of(cases, key, "median_slice_s") * 1000, "%.3f"),
                             fmt(median_of(cases, key, "handoffs_per_s"), "%.0f"),
                             fmt(median_of(cases, key, "cpu_per_wall")),
                             fmt(median_of(cases, key, "sys_per_wall")), "-", "-", "-", "-"])
        for check in ("10", "100", "1000"):
            for who, name in (("tvp", "tvp --gil legacy"), ("py", py2_label)):
                key = ("slice", "legacy", who, check)
                if key not in cases:
                    continue
                ratio = median_ratio(cases, key, ("slice", "legacy", who, "serial"))
                takes = median_of(cases, key, "takes_per_s")
                handoffs = median_of(cases, key, "handoffs_per_s")
                # How often a thread really slept (voluntary context switches) per take:
                # the waiter's futex sleeps, each a real wake-up for the holder's sem_post.
                sleeps = [1000.0 * x["sleeps"] / x["takes"] for x in cases[key].results
                          if x.get("sleeps") is not None and x.get("takes")]
                rows.append([name, "check %s" % check, fmt(ratio),
                             fmt(median_of(cases, key, "median_slice_s") * 1000, "%.3f"),
                             fmt(handoffs, "%.0f"), fmt(median_of(cases, key, "cpu_per_wall")),
                             fmt(median_of(cases, key, "sys_per_wall")),
                             fmt(takes, "%.0f"),
                             fmt(1000 * handoffs / takes if takes == takes and takes > 0
                                 else float("nan"), "%.1f"),
                             fmt(statistics.median(sleeps) if sleeps else float("nan"), "%.1f"),
                             fmt(work_per_tick(cases, who, check) * 1e9, "%.1f")])
        notes = ["CPython (planning): 5 ms -> 5.1 ms slices, ~200 hand-offs/s; 0.5 ms -> 0.6 ms, "
                 "~1,550/s; 2.7 check 100 -> 0.16 ms slices, ~4,800/s; check 10/100/1000 -> "
                 "5.1x/1.8x/1.3x serial",
                 "CPython 2's hand-offs and slices: %s; CPython 3's: the peer's --trace (a thread "
                 "change seen between candidates)." % (
                     "the semaphore probe (every change of the GIL semaphore's taker)"
                     if ctx.get("probe") else "the peer's --trace (only changes that outlast one "
                     "candidate are seen)")]
        found.append({"name": "slices", "title": "2 threads on primes: slices and hand-offs",
                      "header": ["engine", "setting", "thread/serial", "median slice ms",
                                 "hand-offs/s", "CPU/wall", "sys/wall", "takes/s",
                                 "hand-offs per 1000 takes", "sleeps per 1000 takes",
                                 "serial work per tick ns"],
                      "rows": rows, "notes": notes})
    if ("one", "tvp", "serial") in cases:
        rows = []
        for who, name in (("tvp", "tvp --gil legacy"), ("py", py2_label)):
            if ("one", who, "serial") in cases:
                rows.append([name, fmt(median_ratio(cases, ("one", who, "pthread"),
                                                    ("one", who, "serial")))])
        found.append({"name": "one-core", "title": "Legacy on one core (taskset -c 0)",
                      "header": ["engine", "2 threads / serial"], "rows": rows, "notes": []})
    state = state_table(cases, ctx)
    if state:
        found.append(state)
    frees = [f for f in ("0", "0.25", "0.5", "0.75", "0.9", "1")
             if any(k[:2] == ("free", f) for k in keys)]
    verdicts = checks(cases, ctx)
    if verdicts["rows"]:
        found.insert(0, verdicts)
    if frees:
        segments = sorted({k[2] for k in keys if k[0] == "free"}, key=int)
        pieces = sorted({k[2] for k in keys if k[0] == "pyfree"}, key=int)
        rows = []
        for f in frees:
            x = float(f)
            amdahl, overlap = band(x)
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
            rows.append([f, "%.2f" % amdahl, "%.2f" % overlap] + cells)
        found.append({"name": "free", "title": "--gil-free F: 2-thread speedup (serial / threads) "
                      "under --gil modern",
                      "header": ["F", "Amdahl 1/((1-F)+F/2)", "overlap min(2, 1/(1-F))"] +
                      ["tvp segment %s ticks" % s for s in segments] +
                      ["%s piece %s (measured p)" % (py3_label, pc) for pc in pieces],
                      "rows": rows, "notes": [CPYTHON_P_CURVE]})
    return found


def handoff_cost(cases, w, who):
    """CPU seconds each hand-off costs on 2 cores beyond one core, for 2 threads
    of engine `who` (a --gil-state size, or "py"): (CPU time on 2 cores - on
    one) / hand-offs on 2 cores; NaN when not measured. CPU time, not wall: a
    line that moves between caches stalls the CPU that wants it, and CPU time
    does not count the waits for a CPU that other programs cause."""
    two, one = ("state", w, who, "2", "pthread"), ("state", w, who, "1", "pthread")
    if two not in cases or one not in cases:
        return float("nan")
    cpu2 = median_of(cases, two, "cpu_per_wall") * median_of(cases, two, "wall")
    cpu1 = median_of(cases, one, "cpu_per_wall") * median_of(cases, one, "wall")
    handoffs = median_of(cases, two, "handoffs_per_s") * median_of(cases, two, "wall")
    return (cpu2 - cpu1) / handoffs if handoffs > 0 else float("nan")


def state_table(cases, ctx):
    """The state experiment: does a bigger interpreter state cost tvp more per
    hand-off, only across cores, and what state size matches CPython 2?"""
    keys = [k for k in cases if k[0] == "state"]
    if not keys:
        return None
    py2 = ctx.get("python2") or "CPython 2"
    rows, notes = [], []
    for w in ("primes", "mandelbrot"):
        sizes = sorted({k[2] for k in keys if k[1] == w and k[2] != "py"}, key=int)
        points = []
        for who in sizes + ["py"]:
            if ("state", w, who, "2", "serial") not in cases:
                continue
            ratio2 = median_ratio(cases, ("state", w, who, "2", "pthread"), ("state", w, who, "2", "serial"))
            ratio1 = median_ratio(cases, ("state", w, who, "1", "pthread"), ("state", w, who, "1", "serial"))
            serial_cost = median_ratio(cases, ("state", w, who, "2", "serial"), ("state", w, sizes[0], "2", "serial")) \
                if who != "py" and sizes else float("nan")
            cost = handoff_cost(cases, w, who)
            if who != "py":
                points.append((int(who), cost))
            rows.append([w, py2 if who == "py" else "tvp --gil legacy --gil-state %s" % who,
                         fmt(ratio2), fmt(ratio1),
                         fmt(median_of(cases, ("state", w, who, "2", "pthread"), "handoffs_per_s"), "%.0f"),
                         fmt(cost * 1e6, "%.2f"), fmt(serial_cost, "%.3f")])
        slope = fit_slope([(x, y) for x, y in points if y == y])
        py_cost = handoff_cost(cases, w, "py")
        base = dict(points).get(0, float("nan"))
        if slope > 0 and py_cost > base > 0 and all(y > 0 for _, y in points):
            notes.append("%s: a KiB of state costs tvp %.3f us a hand-off across cores (least "
                         "squares over %s KiB); %s pays %.2f us a hand-off beyond tvp's %.2f "
                         "without state, which %.3f us/KiB puts at %.0f KiB of state: an "
                         "estimate from this run to try with --gil-state, then check at 4 threads "
                         "and on the other workload." % (
                             w, slope * 1e6, ", ".join(str(x) for x, _ in points), py2,
                             py_cost * 1e6, base * 1e6, slope * 1e6, (py_cost - base) / slope))
        elif points:
            notes.append("%s: no estimate (slope %s us/KiB, %s %s us a hand-off, tvp without "
                         "state %s us): a cost that does not grow with the state, or a negative "
                         "one, means the state does not explain %s's extra cost here or the "
                         "run was too noisy to say." % (
                             w, fmt(slope * 1e6, "%.3f"), py2, fmt(py_cost * 1e6), fmt(base * 1e6),
                             py2))
    notes.append("Cost per hand-off = (2 threads' CPU time on 2 cores - on one core) / hand-offs "
                 "on 2 cores. If the state is the cause, the cost grows with its size on 2 cores and "
                 "the one-core ratio stays near 1 whatever the size.")
    return {"name": "state", "title": "Legacy, 2 threads: the interpreter state across cores",
            "header": ["workload", "engine", "2 threads / serial, 2 cores", "one core",
                       "hand-offs/s", "CPU us per hand-off beyond one core",
                       "serial / serial without state"],
            "rows": rows, "notes": notes}


def fit_slope(points):
    """Least-squares slope of y over x; NaN with fewer than two distinct x."""
    if len({x for x, _ in points}) < 2:
        return float("nan")
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)


def band(f, workers=2):
    """Amdahl's bound and the overlap bound for fraction f GIL-free on `workers` threads."""
    low = 1 / ((1 - f) + f / workers)
    high = workers if f >= 1 else min(workers, 1 / (1 - f))
    return low, high


def checks(cases, ctx):
    """The issue's fidelity checks, each with tvp's figure, CPython's, and whether it holds.

    CPython's figures are this run's, not the planning machine's."""
    py3 = ctx.get("python3") or "CPython 3"
    py2 = ctx.get("python2") or "CPython 2"
    rows = []

    def row(check, tvp, cpython, holds):
        rows.append([check, tvp, cpython, "yes" if holds else "NO"])

    for mode, python in (("modern", py3), ("legacy", py2)):
        for w in ("primes", "mandelbrot"):
            for col, label in (("thread2", "2 threads"), ("thread4", "4 threads"),
                               ("process2", "2 processes"), ("pool2", "pool of 2")):
                t = median_ratio(cases, ("ratio", w, mode, "tvp", col), ("ratio", w, mode, "tvp", "serial"))
                c = median_ratio(cases, ("ratio", w, mode, "py", col), ("ratio", w, mode, "py", "serial"))
                if t == t and c == c:
                    row("%s, %s, %s / serial within 0.15 of %s" % (mode, w, label, python), fmt(t),
                        fmt(c), abs(t - c) <= 0.15)
    for ms in ("0.5", "5", "50"):
        t, c = ("slice", "modern", "tvp", ms), ("slice", "modern", "py", ms)
        if t in cases and c in cases:
            for field, what, spec, scale in (("median_slice_s", "median slice ms", "%.3f", 1000),
                                             ("handoffs_per_s", "hand-offs/s", "%.0f", 1)):
                x, y = median_of(cases, t, field) * scale, median_of(cases, c, field) * scale
                row("modern, interval %s ms, %s within 25%%" % (ms, what), fmt(x, spec),
                    fmt(y, spec), y > 0 and abs(x - y) <= 0.25 * y)
    for w in ("primes", "mandelbrot"):
        got = {}
        for who in ("tvp", "py"):
            got[who] = [median_ratio(cases, ("ratio", w, "legacy", who, col), ("ratio", w, "legacy", who, "serial"))
                        for col in ("thread2", "thread4")]
        if all(x == x for x in got["tvp"] + got["py"]):
            row("legacy, %s, 2 and 4 threads clearly slower than serial (above 1.2)" % w,
                " / ".join(fmt(x) for x in got["tvp"]), " / ".join(fmt(x) for x in got["py"]),
                min(got["tvp"]) > 1.2)
            row("legacy, %s, 4 threads against 2 in %s's order" % (w, py2),
                fmt(got["tvp"][1] - got["tvp"][0], "%+.2f"), fmt(got["py"][1] - got["py"][0], "%+.2f"),
                (got["tvp"][1] > got["tvp"][0]) == (got["py"][1] > got["py"][0]))
    by_check = {}
    for who in ("tvp", "py"):
        by_check[who] = [median_ratio(cases, ("slice", "legacy", who, c), ("slice", "legacy", who, "serial"))
                         for c in ("10", "100", "1000")]
    if all(x == x for x in by_check["tvp"] + by_check["py"]):
        row("legacy, check 10 worse than 100 worse than 1000 (2 threads / serial)",
            " / ".join(fmt(x) for x in by_check["tvp"]), " / ".join(fmt(x) for x in by_check["py"]),
            by_check["tvp"][0] > by_check["tvp"][1] > by_check["tvp"][2])
        cpu = [median_of(cases, ("slice", "legacy", who, "100"), "cpu_per_wall") for who in ("tvp", "py")]
        row("legacy, check 100, CPU time well above wall time (CPU/wall above 1.15)",
            fmt(cpu[0]), fmt(cpu[1]), cpu[0] > 1.15)
    one = [median_ratio(cases, ("one", who, "pthread"), ("one", who, "serial")) for who in ("tvp", "py")]
    if one[0] == one[0]:
        row("legacy on one core (taskset -c 0), 2 threads / serial within 0.1 of 1", fmt(one[0]),
            fmt(one[1]), abs(one[0] - 1) <= 0.1)
    def placement(points):
        """(inside, below, total) of (f, speedup) points against the band, 5% tolerance."""
        inside = sum(0.95 * band(f)[0] <= x <= 1.05 * band(f)[1] for f, x in points)
        below = sum(x < 0.95 * band(f)[0] for f, x in points)
        return inside, below, len(points)

    keys = list(cases)
    frees = ("0.25", "0.5", "0.75", "0.9")
    tvp_points = {}
    for seg in sorted({k[2] for k in keys if k[0] == "free"}, key=int):
        tvp_points[seg] = [(float(f), 1 / median_ratio(cases, ("free", f, seg, "thread2"),
                                                        ("free", f, seg, "serial")))
                           for f in frees if ("free", f, seg, "thread2") in cases]
    py_points = {}
    for pc in sorted({k[2] for k in keys if k[0] == "pyfree"}, key=int):
        base_wall = median_of(cases, ("pyfree", "0", pc, "serial"), "wall")
        pts = []
        for f in frees:
            key, base = ("pyfree", f, pc, "threading"), ("pyfree", f, pc, "serial")
            if key in cases:
                p = min(max(1 - base_wall / median_of(cases, base, "wall"), 0.0), 0.99)
                pts.append((p, 1 / median_ratio(cases, key, base)))
        py_points[pc] = pts

    def where(points):
        inside, below, total = placement(points)
        return "%d in, %d below of %d" % (inside, below, total)

    segs, pcs = list(tvp_points), list(py_points)
    if segs:
        coarse = segs[-1]
        inside, _, total = placement(tvp_points[coarse])
        row("--gil-free F 0.25..0.9, coarse segments (%s ticks): inside the band" % coarse,
            where(tvp_points[coarse]), where(py_points[pcs[-1]]) + " (piece %s)" % pcs[-1] if pcs
            else "-", total > 0 and inside == total)
        for seg in segs[1:-1]:
            rows.append(["--gil-free F 0.25..0.9, segments of %s ticks" % seg,
                         where(tvp_points[seg]), "-", "-"])
        if len(segs) > 1 and pcs:
            fine, pfine = segs[0], pcs[0]
            _, below_t, total_t = placement(tvp_points[fine])
            _, below_p, total_p = placement(py_points[pfine])
            row("--gil-free F 0.25..0.9, fine segments (%s ticks; CPython piece %s): mostly below "
                "Amdahl's bound in both, or in neither" % (fine, pfine), where(tvp_points[fine]),
                where(py_points[pfine]), (2 * below_t > total_t) == (2 * below_p > total_p))
    notes = ["The band: Amdahl's 1/((1-F)+F/2) to the overlap bound min(2, 1/(1-F)); "
             "CPython's points are placed at the p it measured. '-': shown, not judged."]
    return {"name": "checks", "title": "The fidelity checks (CPython's figures from this run)",
            "header": ["check", "tvp", "CPython", "holds"], "rows": rows,
            "notes": notes + differences(cases, ctx)}


def differences(cases, ctx):
    """Where tvp's legacy lock and CPython 2's part, said from this run's figures."""
    py2 = ctx.get("python2") or "CPython 2"
    said = []

    def legacy(who, check, field):
        return median_of(cases, ("slice", "legacy", who, check), field)

    def slowdown(who, check):
        return median_ratio(cases, ("slice", "legacy", who, check), ("slice", "legacy", who, "serial"))

    t, c = slowdown("tvp", "1000"), slowdown("py", "1000")
    one_t, one_c = [median_ratio(cases, ("one", who, "pthread"), ("one", who, "serial"))
                    for who in ("tvp", "py")]
    ht, hc = legacy("tvp", "1000", "handoffs_per_s"), legacy("py", "1000", "handoffs_per_s")
    if t == t and c == c and c - t > 0.15 and hc > 0 and abs(ht - hc) <= 0.25 * hc:
        said.append(
            "Legacy, why %s loses more: at check 1000 both hand the lock over about equally often "
            "(%.0f and %.0f a second), with slices of %.3f and %.3f ms and CPU/wall %.2f and %.2f, "
            "yet two threads take %.2f times the serial time in %s and %.2f in tvp. So the lock's "
            "protocol is reproduced, and the extra cost is paid outside it, by the interpreter "
            "around each release: most likely its far larger state, disturbed by the waiter "
            "woken at every release (a guess: hardware counters would tell, and %s)%s. tvp "
            "models the lock, not that cost, so its legacy slow-downs are a lower bound of "
            "CPython 2's." % (
                py2, hc, ht, legacy("py", "1000", "median_slice_s") * 1000,
                legacy("tvp", "1000", "median_slice_s") * 1000, legacy("py", "1000", "cpu_per_wall"),
                legacy("tvp", "1000", "cpu_per_wall"), c, py2, t,
                "perf stat -e cycles says whether this machine has them",
                "; on one core too, 2 threads cost %.2f of serial in %s and %.2f in tvp" % (
                    one_c, py2, one_t) if one_c == one_c and one_t == one_t else ""))
    ratio_t = [legacy("tvp", "10", f) for f in ("handoffs_per_s", "takes_per_s")]
    ratio_c = [legacy("py", "10", f) for f in ("handoffs_per_s", "takes_per_s")]
    if all(x == x and x > 0 for x in ratio_t + ratio_c):
        per_t, per_c = 1000 * ratio_t[0] / ratio_t[1], 1000 * ratio_c[0] / ratio_c[1]
        if per_t > 2 * per_c:
            said.append(
                "Legacy, check 10: tvp hands the lock over at %.0f of 1000 releases, %s at %.0f. "
                "tvp's holder keeps the lock for only 10 ticks (%.2f us of serial work) between "
                "releases, about as long as the futex wake-up inside sem_post, so a waiter already "
                "awake often catches the free lock. With more ticks between releases it rarely "
                "does: tvp primes --model pthread --workers 2 --gil legacy --gil-check 20 "
                "--format json shows the hand-offs among the acquisitions." % (
                    per_t, py2, per_c, work_per_tick(cases, "tvp", "10") * 10 * 1e6))
    return said


def print_tables(found):
    for t in found:
        print("\n## %s\n" % t["title"])
        print("| %s |" % " | ".join(t["header"]))
        print("| %s |" % " | ".join("---" for _ in t["header"]))
        for row in t["rows"]:
            print("| %s |" % " | ".join(row))
        for note in t["notes"]:
            print("\n%s" % note)


def from_json(path):
    """Re-make the tables of an earlier --out file, without running anything."""
    with open(path) as f:
        data = json.load(f)
    if isinstance(data, list):  # the first format: the cases alone
        data = {"context": {"probe": any("probe" in r for c in data for r in c["results"])},
                "cases": data}
    cases = {}
    for c in data["cases"]:
        case = Case(tuple(c["key"]), c["cmd"])
        case.results = c["results"]
        cases[case.key] = case
    ctx = data["context"]
    for c in data["cases"]:  # the interpreters, from the peers' commands
        if c["key"][0] == "ratio" and c["key"][3] == "py" and c["results"]:
            label = "CPython " + (peerfind.version_of(c["cmd"][:1]) or "?")
            ctx.setdefault("python3" if c["key"][2] == "modern" else "python2", label)
    return data, cases, ctx


if __name__ == "__main__":
    sys.exit(main())

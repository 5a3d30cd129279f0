#!/usr/bin/env python3
# report_python.py - the report's section "Python's tools, measured": measures Python's parallel tools beside tvp, writes the LaTeX.
"""Two jobs, one file:

    scripts/report_python.py measure --tvp build/tvp --out results/latest/python-tools.json
    scripts/report_python.py tex results/latest/python-tools.json   # the LaTeX, on stdout

measure runs every peer model (scripts/peers.py --models all: threading,
Process and Pool under fork, spawn and forkserver, concurrent.futures,
subinterpreters, free-threading) under CPython 2.7, python3's 3.x and the
newest 3.x (--every-version: 3.11, 3.12 and 3.13) where pyenv or PATH has
them, each answer checked against tvp's; then tvp's
simulation at scaled sizes (serial, 2 threads under --gil modern, legacy
and modern with --gil-free 0.5, 2 processes, a pool of 2) and `tvp
overhead`'s fork and posix_spawn. One JSON, schema tvp-python/1.

From Python: section(data) -> (LaTeX text, the figures it needs: none).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "scripts"))
import peers  # noqa: E402  (interpreter discovery)
import stats  # noqa: E402  (intervals of ratios of medians)
from facts import sizes_text  # noqa: E402
from latex import secs, tex  # noqa: E402

WANTED = ("2.7", "3.11", "3.12", "3.13")  # the versions the section compares, when present
WORKERS = 2
TVP_SCALE = 8  # tvp's primes range is 8 times the peers' (its image 2 x 2 times): alike serial times
# The rows of each table, in reading order: (model, what it is).
MODELS = [
    ("serial", "one thread, the baseline"),
    ("threading", "threading.Thread"),
    ("futures-thread", "ThreadPoolExecutor"),
    ("freethreaded", "threading, free-threaded build"),
    ("subinterp", "a subinterpreter per thread"),
    ("process", "Process, fork"),
    ("process-spawn", "Process, spawn"),
    ("process-forkserver", "Process, forkserver"),
    ("pool", "Pool, fork"),
    ("pool-spawn", "Pool, spawn"),
    ("pool-forkserver", "Pool, forkserver"),
    ("futures-process", "ProcessPoolExecutor, fork"),
]
TVP_RUNS = [  # (label, model, workers, extra options)
    ("serial", "serial", 1, ["--gil", "modern"]),
    ("2 threads, --gil modern", "pthread", WORKERS, ["--gil", "modern"]),
    ("2 threads, --gil legacy", "pthread", WORKERS, ["--gil", "legacy"]),
    ("2 threads, --gil modern --gil-free 0.5", "pthread", WORKERS,
     ["--gil", "modern", "--gil-free", "0.5"]),
    ("serial, --gil-free 0.5", "serial", 1, ["--gil", "modern", "--gil-free", "0.5"]),
    ("2 processes (fork)", "fork", WORKERS, ["--gil", "modern"]),
    ("a pool of 2", "pool", WORKERS, ["--gil", "modern"]),
]


# ---- Measuring.

def pick_interpreters(every=False):
    """Comma list of commands: the newest CPython of each WANTED version, and any
    free-threaded one (pyenv's "t" builds). Unless every, of the 3.x versions
    only python3's and the newest: the classic models behave alike from one
    3.x to the next, and the newest has the newest subinterpreters (this
    keeps `make bench` within its 5 minutes; the full profile takes every)."""
    chosen = {}
    candidates = [(peers.version_of([c]), c) for c in ("python3", "python2")]
    python3 = candidates[0][0]
    candidates += peers.pyenv_pythons()
    for version, command in candidates:
        if not version:
            continue
        minor = ".".join(version.split(".")[:2])
        free = "t" in os.path.basename(os.path.dirname(os.path.dirname(command)))
        if minor in WANTED or free:
            key = minor + ("t" if free else "")
            if key not in chosen or version > chosen[key][0]:
                chosen[key] = (version, command)
    if not every:
        def number(key):
            return tuple(int(x) for x in key.split("."))
        threes = [k for k in chosen if k.startswith("3.") and not k.endswith("t")]
        keep = {max(threes, key=number)} if threes else set()
        if python3:
            keep.add(".".join(python3.split(".")[:2]))
        chosen = {k: v for k, v in chosen.items() if not k.startswith("3.") or k.endswith("t") or k in keep}
    return ",".join(command for _, command in sorted(chosen.values()))


def tvp_json(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("report_python.py: %s failed: %s" % (" ".join(cmd), out.stderr.strip()))
    return json.loads(out.stdout)


def measure_tvp(opts, scaled, workload, scratch):
    """tvp's simulation (TVP_RUNS) of one workload at the scaled sizes: [run records, each with
    its label]. grep searches --tvp-corpus (the sweep's corpus: C searches lines some 50 times
    faster than Python's re, so it needs many more of them), else a corpus of its own of TVP_SCALE
    times the peers' lines in scratch; each run is checked with --expect against GNU grep's count
    where grep is installed (else tvp runs its own reference pass)."""
    corpus, check = None, []
    if workload == "grep":
        corpus = opts.tvp_corpus
        if not corpus or not os.path.isfile(corpus):
            corpus = os.path.join(scratch, "lines-%d-seed-1.txt" % scaled.corpus_lines)
            subprocess.run([opts.tvp, "corpus", "--out", corpus, "--lines", str(scaled.corpus_lines)],
                           check=True, capture_output=True)
        if shutil.which("grep"):
            got = subprocess.run(["grep", "-c", "-E", "--", opts.regex, corpus], capture_output=True,
                                 text=True, env=dict(os.environ, LC_ALL="C"))
            if got.returncode in (0, 1):
                check = ["--expect", got.stdout.strip()]
    args = peers.workload_args(scaled, workload, corpus)[0]
    runs = []
    for label, model, workers, extra in TVP_RUNS:
        run = tvp_json([opts.tvp] + args + check + ["--model", model, "--workers", str(workers),
                                                    "--repeat", str(opts.repeat), "--warmup", "1",
                                                    "--schedule", "dynamic", "--format", "json"] +
                       extra)["runs"][0]
        run["label"] = label
        runs.append(run)
        print("tvp %-10s %-40s %.3f s" % (workload, label, run["wall_s"]["median"]))
    return runs


def measure(opts):
    """Run the peers and tvp; write the JSON; return the exit status."""
    sizes = ["--primes-to", str(opts.primes_to), "--width", str(opts.width),
             "--height", str(opts.height), "--corpus-lines", str(opts.corpus_lines)]
    interpreters = opts.interpreters or pick_interpreters(opts.every_version)
    if not interpreters:
        print("report_python.py: no Python interpreter: the section says 'not measured'")
    fd, peer_out = tempfile.mkstemp(prefix="tvp-python-", suffix=".json")
    os.close(fd)
    try:
        status = 1
        if interpreters:
            status = subprocess.run(
                [sys.executable, os.path.join(TOP, "scripts", "peers.py"), "--tvp", opts.tvp,
                 "--workloads", opts.workloads, "--models", "all", "--interpreters", interpreters,
                 "--workers", str(WORKERS), "--repeat", str(opts.repeat), "--out", peer_out] +
                sizes).returncode
        with open(peer_out) as f:
            text = f.read()
        peer_data = json.loads(text) if text.strip() else {"runs": [], "skipped": []}
    finally:
        os.unlink(peer_out)
    tvp_runs = []
    # C runs the same work ~20 times faster: tvp gets more of it (as fidelity.py does), so its
    # serial time is alike and its ratios are not lost in start-up; ratios are compared.
    scaled = argparse.Namespace(**vars(opts))
    scaled.primes_to, scaled.width, scaled.height = (opts.primes_to * TVP_SCALE, opts.width * 2,
                                                     opts.height * 2)
    scaled.corpus_lines = opts.corpus_lines * TVP_SCALE
    scratch = tempfile.mkdtemp(prefix="tvp-python-")
    try:
        for workload in opts.workloads.split(","):
            tvp_runs += measure_tvp(opts, scaled, workload, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    overhead = tvp_json([opts.tvp, "overhead", "--parent-mib", "64", "--transfer-mib", "8",

                         "--format", "json"])["overhead"]
    data = {"schema": "tvp-python/1", "machine": peer_data.get("machine", {}),
            "sizes": {"primes --to": opts.primes_to, "mandelbrot": "%dx%d" % (opts.width,
                                                                              opts.height),
                      "grep corpus lines": opts.corpus_lines, "grep regex": opts.regex},
            "repeat": opts.repeat, "peers": peer_data.get("runs", []),
            "picked": None if opts.interpreters else ("every" if opts.every_version else "newest"),
            "skipped": peer_data.get("skipped", []),
            "not_measured": peer_data.get("not_measured"), "tvp": tvp_runs,
            "overhead": [o for o in overhead if o["operation"] in ("fork_wait", "posix_spawn_wait",
                                                                   "thread_create_join")]}
    with open(opts.out, "w") as f:
        json.dump(data, f, indent=1)
    print("python tools: %s (%d peer runs, %d skipped)" % (opts.out, len(data["peers"]),
                                                          len(data["skipped"])))
    return status


# ---- Figures from the measurements.

def ratio_interval(base, other):
    """(median(base)/median(other), low, high): stats.ratio_interval, the report's one
    bootstrap interval of a ratio of medians, as a tuple."""
    r = stats.ratio_interval(base, other)
    return r["ratio"], r["low"], r["high"]


def walls(run):
    return run["wall_s"].get("all") or [run["wall_s"]["median"]]


def by_key(data):
    """{(workload, interpreter, model): run} of the peer runs."""
    return dict(((r["workload"], r["interpreter"], r["model"][len("python-"):]), r)
                for r in data["peers"])


def interpreters_of(data):
    names = {r["interpreter"] for r in data["peers"]}
    return sorted(names, key=lambda n: [int(x) if x.isdigit() else x
                                        for x in n.split()[1].split(".")] + [n])


def speedups(data):
    """{(workload, interpreter, model): (time s, speedup, low, high)} against the
    same interpreter's serial run."""
    runs, out = by_key(data), {}
    for (w, interp, model), run in runs.items():
        serial = runs.get((w, interp, "serial"))
        s = ratio_interval(walls(serial), walls(run)) if serial else (float("nan"),) * 3
        out[(w, interp, model)] = (run["wall_s"]["median"],) + s
    return out


def peer_sizes(data, workload, interpreter):
    """The size a workload's peers ran at, in words (facts.sizes_text of the serial run; grep's
    scratch corpus is gone, so its lines come from the recorded sizes)."""
    run = by_key(data).get((workload, interpreter, "serial"))
    if workload == "grep":
        regex = run.get("params", {}).get("regex", "?") if run else "?"
        return "regex %s on %s corpus lines" % (regex, "{:,}".format(int(data.get("sizes", {}).get("grep corpus lines", 0))))
    return sizes_text(run) if run and run.get("params") else workload


def verdicts(data, ups):
    """One sentence per tool: when it wins on this machine, and why, from the figures."""
    said = []
    interps = [i for i in interpreters_of(data) if not i.startswith("CPython 2")]
    newest = interps[-1] if interps else None
    if newest is None:
        return said

    def best(model):
        cells = [(w, ups[(w, newest, model)]) for w in ("primes", "mandelbrot", "grep")
                 if (w, newest, model) in ups]
        return cells

    def words(cells):
        return ", ".join("%s: %.2f$\\times$ [%.2f, %.2f]" % (tex(peer_sizes(data, w, newest)), s, lo, hi)
                         for w, (_, s, lo, hi) in cells)

    def wins(cells):
        return cells and all(lo > 1 for _, (_, _, lo, _) in cells)

    for model, name, why_win, why_not in [
            ("threading", "threading", "", "one thread at a time holds the GIL, so CPU-bound "
             "threads take turns"),
            ("futures-thread", "ThreadPoolExecutor", "", "the executor's threads share the GIL "
             "like any other"),
            ("process", "Process (fork)", "each process has its own interpreter and GIL", ""),
            ("pool", "Pool (fork)", "each worker has its own GIL; fork copies the parent at once",
             ""),
            ("futures-process", "ProcessPoolExecutor", "its workers are processes", ""),
            ("pool-spawn", "Pool (spawn)", "its workers are processes, once started",
             "each worker starts a fresh interpreter and re-imports the program first"),
            ("pool-forkserver", "Pool (forkserver)", "its workers are processes, once started",
             "the server process starts first, then forks each worker"),
            ("subinterp", "A subinterpreter per thread", "each has its own GIL inside one process",
             "each starts an interpreter and imports the workload, and results cross as "
             "pickled bytes")]:
        cells = best(model)
        if not cells:
            continue
        won = [c for c in cells if wins([c])]
        if won and not wins(cells):
            said.append("\\textbf{%s} measurably beats serial only on %s here (%s, %s); on the "
                        "others, %s." % (name, ", ".join(w for w, _ in won), newest, words(cells),
                                         why_not or "the start-up and the transfers eat the gain"))
        elif wins(cells):
            said.append("\\textbf{%s} wins on CPU-bound work (%s, %s): %s." % (
                name, newest, words(cells), why_win or "it runs in parallel"))
        else:
            said.append("\\textbf{%s} does not measurably beat serial here (%s, %s): %s." % (
                name, newest, words(cells), why_not or "at this size the start-up and "
                "the transfers eat the gain"))
    if data.get("not_measured"):
        said.append("\\textbf{free-threading}: %s" % tex(data["not_measured"]))
    return said


# ---- LaTeX.

def ms(seconds):
    return "--" if seconds != seconds else "%.1f" % (seconds * 1000)


def table(header, rows, align):
    """A booktabs table, shrunk to the line's width when wider (graphicx)."""
    out = ["\\begin{center}\\footnotesize\\resizebox{\\ifdim\\width>\\linewidth\\linewidth"
           "\\else\\width\\fi}{!}{%%\n\\begin{tabular}{@{}%s@{}}\n\\toprule" % align,
           " & ".join(header) + " \\\\\n\\midrule"]
    out += [" & ".join(row) + " \\\\" for row in rows]
    out.append("\\bottomrule\n\\end{tabular}}\n\\end{center}\n")
    return "\n".join(out)


def section(data):
    """The section's LaTeX from a tvp-python/1 document, and the figures it needs ([])."""
    out = ["\\section{Python's tools, measured}\n"]
    if not data or not data.get("peers"):
        out.append("Not measured: no Python interpreter ran (\\texttt{scripts/report_python.py "
                   "measure}).\n")
        return "".join(out), []
    interps = interpreters_of(data)
    ups = speedups(data)
    out.append("Every Python tool below ran the same work as tvp, at %d workers, and gave tvp's "
               "answer (checked with \\texttt{-{}-expect}). Time is the median of %d runs; the "
               "speedup is serial time over the tool's time under the same interpreter, with a "
               "95\\%% bootstrap interval%s. Interpreters: %s%s. Sizes: %s.\n\n" % (
                   WORKERS, data.get("repeat", 1),
                   " (from %d runs a resample can only mix those runs, so the interval spans little more than "
                   "their extremes: a guide, not a 95\\%% guarantee)" % data.get("repeat", 1)
                   if data.get("repeat", 1) < 5 else "", tex(", ".join(interps)),
                   " (of the 3.x versions found, python3's and the newest; \\texttt{make bench PROFILE=full} "
                   "runs every one)" if data.get("picked") == "newest" else "",
                   tex(", ".join("%s %s" % kv for kv in sorted(data.get("sizes", {}).items())))))
    for w in ("primes", "mandelbrot", "grep"):
        if not any(k[0] == w for k in ups):
            continue
        rows = []
        for model, what in MODELS:
            cells = []
            for interp in interps:
                got = ups.get((w, interp, model))
                if not got:
                    cells.append("--")
                elif model == "serial":
                    cells.append(secs(got[0]))
                else:
                    cells.append("%s %.2f [%.2f, %.2f]" % ((secs(got[0]),) + got[1:]))
            if any(c != "--" for c in cells):
                rows.append([tex(model), tex(what)] + cells)
        out.append("\\paragraph{%s.}\n" % w.capitalize())
        out.append(table(["model", "tool"] + [tex(i) for i in interps], rows, "ll" + "r" * len(interps)))
        sim = [r for r in data.get("tvp", []) if r["workload"] == w]
        base = {r["label"]: r for r in sim}
        if sim:
            srows = []
            for r in sim:
                serial = base["serial, --gil-free 0.5" if "--gil-free" in r["label"] else "serial"]
                s = ratio_interval(walls(serial), walls(r))
                srows.append([tex("tvp " + r["label"]), secs(r["wall_s"]["median"]),
                              "%.2f [%.2f, %.2f]" % s])
            scale = {"primes": "%d times the peers' range" % TVP_SCALE, "mandelbrot": "4 times the peers' pixels",
                     "grep": "the sweep's corpus"}.get(w, "the peers' sizes")
            out.append("tvp's simulation at %s (%s, so that the serial times are closer; the "
                       "speedups compare):\n" % (tex(sizes_text(sim[0])), scale))
            out.append(table(["tvp", "time", "speedup"], srows, "lrr"))
    # Start-up: the spawn phase of each tool beside tvp overhead's constants.
    rows = []
    for model, what in MODELS[1:]:
        cells = []
        for interp in interps:
            run = by_key(data).get(("primes", interp, model))
            cells.append(ms(run["phases_s"]["spawn"]) if run else "--")
        if any(c != "--" for c in cells):
            rows.append([tex(model), tex(what)] + cells)
    out.append("\\paragraph{Start-up.} The spawn phase (ms) of each tool on primes: making its "
               "%d workers ready (an executor: one empty task each; subinterpreters: create, "
               "import, unpickle the job).\n" % WORKERS)
    out.append(table(["model", "tool"] + [tex(i) for i in interps], rows, "ll" + "r" * len(interps)))
    consts = ", ".join("%s %s" % (tex(o["description"]), secs(o["seconds_per_op"]))
                       for o in data.get("overhead", []))
    if consts:
        out.append("For scale, \\texttt{tvp overhead} run with these tools (its own run, so its figures "
                   "differ from section \\ref{sec:overhead}'s by the run-to-run spread): %s.\n\n" % consts)
    crossing = [(r["interpreter"], r["workload"], r["crossing"]) for r in data["peers"]
                if r.get("crossing")]
    if crossing:
        out.append("\\paragraph{Subinterpreters against processes.} Results cross between "
                   "interpreters as pickled bytes through a channel: %s.\n\n" % "; ".join(
                       "%s %s: %d results, %d bytes, %.2f\\,ms to pickle and send, %.2f\\,ms to "
                       "receive and unpickle" % (tex(i), w, c["results"], c["bytes"],
                                                 c["workers_s"] * 1000, c["parent_s"] * 1000)
                       for i, w, c in crossing))
    if data.get("skipped"):
        reasons = sorted({(s["model"][len("python-"):], s["interpreter"], s["reason"])
                          for s in data["skipped"]})
        out.append("\\paragraph{Not measured.} %s.\n\n" % "; ".join(
            "%s under %s: %s" % (tex(m), tex(i), tex(r)) for m, i, r in reasons))
    said = verdicts(data, ups)
    if said:
        out.append("\\paragraph{Verdicts.}\n\\begin{itemize}\n%s\\end{itemize}\n" % "".join(
            "\\item %s\n" % s for s in said))
    return "".join(out), []


def load(path):
    """The tvp-python/1 document at path, or None when there is none."""
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure", help="run the peers and tvp; write the JSON")
    m.add_argument("--tvp", default=os.path.join(TOP, "build", "tvp"))
    m.add_argument("--out", required=True)
    m.add_argument("--repeat", type=int, default=5)
    m.add_argument("--interpreters", default=None,
                   help="comma list of commands (default: CPython %s where found; of the "
                   "3.x, python3's and the newest)" % ", ".join(WANTED))
    m.add_argument("--every-version", action="store_true",
                   help="every 3.x version of those, not only python3's and the newest")
    m.add_argument("--workloads", default="primes,mandelbrot,grep")
    m.add_argument("--primes-to", type=int, default=300000)
    m.add_argument("--primes-block", type=int, default=10000)
    m.add_argument("--width", type=int, default=160)
    m.add_argument("--height", type=int, default=120)
    m.add_argument("--iterations", type=int, default=256)
    m.add_argument("--corpus-lines", type=int, default=200000)
    m.add_argument("--tvp-corpus", default=None,
                   help="tvp's grep searches this file (default: one of %d times --corpus-lines)" % TVP_SCALE)
    m.add_argument("--regex", default="ab+c")
    m.add_argument("--unit-bytes", type=int, default=65536)
    t = sub.add_parser("tex", help="print the section's LaTeX from a measure JSON")
    t.add_argument("json")
    opts = p.parse_args()
    if opts.command == "measure":
        opts.tvp = os.path.abspath(opts.tvp)
        return measure(opts)
    text, _ = section(load(opts.json))
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

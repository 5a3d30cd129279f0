#!/usr/bin/env python3
# peers.py - run the Python peers (peers/python) beside tvp and check their answers against tvp's.
"""Runs each workload's Python peer under each model and interpreter, with
tvp's answer as the expected one, and writes every run to one tvp/1 JSON.

    scripts/peers.py --tvp build/tvp                      # python3 and python2, small sizes
    scripts/peers.py --tvp build/tvp --interpreters all   # every pyenv version too
    scripts/peers.py --tvp build/tvp --workloads primes --primes-to 2000000 --workers 2

Interpreters: python3 and python2 on PATH, and pyenv's versions
(`pyenv root`/versions/*/bin/python): 2.x as the legacy-GIL reference.
A model an interpreter lacks (concurrent.futures in 2.7, subinterpreters
with their own GIL before 3.12, free-threading in a GIL build) is skipped
with the peer's reason, printed and kept in the JSON ("skipped").
Exit status: 0 every answer equal to tvp's, 1 one differed or a peer failed,
2 bad arguments.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(TOP, "peers", "python")
sys.path.insert(0, PEERS)
from peerlib import FREE_THREADED_INSTALL, MODELS, SKIPPED  # noqa: E402
CLASSIC = ("serial", "threading", "process", "pool")  # the talks' four, the default
PROBE = "import sys; print('%d.%d.%d' % sys.version_info[:3])"


def version_of(command):
    """'3.11.7' when command runs Python, else None."""
    try:
        out = subprocess.run(command + ["-c", PROBE], capture_output=True, text=True,
                             timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else None


def pyenv_pythons():
    """(version, path) of every pyenv-installed CPython."""
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    try:
        got = subprocess.run(["pyenv", "root"], capture_output=True, text=True, timeout=20)
        if got.returncode == 0 and got.stdout.strip():
            root = got.stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        pass
    found = []
    for path in sorted(glob.glob(os.path.join(root, "versions", "*", "bin", "python"))):
        version = version_of([path])
        if version:
            found.append((version, path))
    return found


def find_python2():
    """The command that starts a CPython 2 here, as a list, or None: python2 on PATH when it
    runs (a pyenv shim may not), else pyenv's newest 2.x (its own bin/python)."""
    version = version_of(["python2"])
    if version and version.startswith("2."):
        return ["python2"]
    twos = [(tuple(int(x) for x in v.split(".")), path) for v, path in pyenv_pythons()
            if v.startswith("2.")]
    return [max(twos)[1]] if twos else None


def tvp_machine(tvp):
    """tvp's machine record (the one writer of it: benchmarks/report.c), from a tiny run's
    JSON; {} when tvp cannot say."""
    try:
        out = subprocess.run([tvp, "primes", "--to", "10", "--repeat", "1", "--warmup", "0",
                              "--format", "json"], capture_output=True, text=True, timeout=60)
        return json.loads(out.stdout).get("machine", {}) if out.returncode == 0 else {}
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return {}


def find_interpreters(which):
    """[(label, command list)]: which is 'default', 'all' or a comma list of commands."""
    if which not in ("default", "all"):
        chosen = []
        for command in which.split(","):
            version = version_of([command])
            if not version:
                sys.exit("peers.py: interpreter '%s' does not run" % command)
            chosen.append(("CPython %s" % version, [command]))
        return chosen
    chosen, seen = [], set()

    def add(version, command):
        if version and version not in seen:
            seen.add(version)
            chosen.append(("CPython %s" % version, command))

    add(version_of(["python3"]), ["python3"])
    python2 = find_python2()
    if python2:
        add(version_of(python2), python2)
    if which == "all":
        for version, path in pyenv_pythons():
            add(version, [path])
    return chosen


def tvp_has(tvp, name):
    out = subprocess.run([tvp, "--list"], capture_output=True, text=True)
    return any(line.split()[:1] == [name] for line in out.stdout.splitlines())


def tvp_answer(tvp, args):
    out = subprocess.run([tvp] + args + ["--repeat", "1", "--warmup", "0", "--format", "json"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("peers.py: tvp %s failed: %s" % (" ".join(args), out.stderr.strip()))
    return json.loads(out.stdout)["runs"][0]["answer"]


def workload_args(opts, name, corpus):
    """(tvp arguments, peer arguments) for workload name at the chosen size."""
    if name == "primes":
        common = ["--from", "2", "--to", str(opts.primes_to), "--block", str(opts.primes_block)]
        return ["primes"] + common, common
    if name == "mandelbrot":
        common = ["--width", str(opts.width), "--height", str(opts.height),
                  "--iterations", str(opts.iterations)]
        return ["mandelbrot"] + common, common
    if name == "io":
        common = ["--requests", str(opts.io_requests), "--delay-us", str(opts.io_delay_us),
                  "--work-us", str(opts.io_work_us)]
        return ["io"] + common, common
    if name == "wordcount":
        common = ["--words", str(opts.wc_words), "--vocab", str(opts.wc_vocab),
                  "--block", str(opts.wc_block)]
        return ["wordcount"] + common, common
    common = ["--file", corpus, "--regex", opts.regex, "--unit-bytes", str(opts.unit_bytes)]
    return ["grep"] + common, common


PEER_FILES = {"io": "iowait"}  # io.py would shadow Python's own io module


def peer_file(name):
    """The peer program of workload name."""
    return os.path.join(PEERS, PEER_FILES.get(name, name) + ".py")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tvp", default=os.path.join(TOP, "build", "tvp"))
    p.add_argument("--workloads", default="primes,mandelbrot,grep,io,wordcount",
                   help="comma list; those tvp lacks are skipped with a message")
    p.add_argument("--models", default=",".join(CLASSIC),
                   help="comma list, or all: %s" % ", ".join(MODELS))
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--interpreters", default="default",
                   help="default (python3, python2), all (every pyenv version) or a comma list")
    p.add_argument("--primes-to", type=int, default=100000)
    p.add_argument("--primes-block", type=int, default=10000)
    p.add_argument("--width", type=int, default=120)
    p.add_argument("--height", type=int, default=90)
    p.add_argument("--iterations", type=int, default=256)
    p.add_argument("--corpus", default=None, help="grep: this file (else tvp corpus makes one)")
    p.add_argument("--corpus-lines", type=int, default=20000)
    p.add_argument("--regex", default="ab+c")
    p.add_argument("--unit-bytes", type=int, default=65536)
    p.add_argument("--io-requests", type=int, default=64)
    p.add_argument("--io-delay-us", type=int, default=2000)
    p.add_argument("--io-work-us", type=int, default=50)
    p.add_argument("--wc-words", type=int, default=40000)
    p.add_argument("--wc-vocab", type=int, default=5000)
    p.add_argument("--wc-block", type=int, default=5000)
    p.add_argument("--out", default=None, help="write every run to this JSON file")
    opts = p.parse_args()
    tvp = os.path.abspath(opts.tvp)
    if not os.access(tvp, os.X_OK):
        p.error("no tvp binary at %s (make build)" % tvp)
    if opts.models == "all":
        opts.models = ",".join(MODELS)
    bad = [m for m in opts.models.split(",") if m not in MODELS]
    if bad:
        p.error("unknown model %s (models: %s)" % (bad[0], ", ".join(MODELS)))

    interpreters = find_interpreters(opts.interpreters)
    if not interpreters:
        print("peers.py: no Python interpreter found: skipping the peers")
        return 0
    print("interpreters: %s" % ", ".join(label for label, _ in interpreters))
    scratch = tempfile.mkdtemp(prefix="tvp-peers-")
    try:
        return run_all(opts, tvp, interpreters, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_all(opts, tvp, interpreters, scratch):
    """Every workload x interpreter x model, files in scratch; the exit status."""
    runs, skipped, machine, failures = [], [], None, 0
    # a model an interpreter lacks (exit 77: peerlib's unavailable(), which asks the
    # interpreter and the model only) is lacked for every workload: asked once
    lacks = {}
    for name in opts.workloads.split(","):
        if not tvp_has(tvp, name):
            print("%s: tvp has no such workload yet: skipped" % name)
            continue
        corpus = None
        if name == "grep":
            corpus = opts.corpus
            if corpus is None:
                if not tvp_has(tvp, "corpus"):
                    print("grep: no --corpus and no `tvp corpus`: skipped")
                    continue
                corpus = os.path.join(scratch, "corpus.txt")
                subprocess.run([tvp, "corpus", "--out", corpus, "--lines",
                                str(opts.corpus_lines)], check=True, capture_output=True)
        tvp_args, peer_args = workload_args(opts, name, corpus)
        answer = tvp_answer(tvp, tvp_args)
        print("%s: tvp's answer %s" % (name, answer))
        for label, command in interpreters:
            for model in opts.models.split(","):
                out = os.path.join(scratch, "%s-%s-%s.json" % (name, label.split()[-1], model))
                workers = ["--workers", "1" if model == "serial" else str(opts.workers)]
                cmd = command + [peer_file(name), "--model", model] + \
                    workers + ["--repeat", str(opts.repeat), "--expect", answer,
                               "--json", out] + peer_args
                if (label, model) not in lacks:
                    got = subprocess.run(cmd, capture_output=True, text=True)
                    if got.returncode == SKIPPED:
                        lacks[label, model] = got.stderr.strip().split(" skipped: ", 1)[-1]
                if (label, model) in lacks:
                    reason = lacks[label, model]
                    skipped.append({"workload": name, "model": "python-" + model,
                                    "interpreter": label, "reason": reason})
                    print("  skip %-16s %-10s %s" % (label, model, reason))
                    continue
                if got.returncode != 0:
                    failures += 1
                    print("  FAIL %-16s %-10s %s" % (label, model, got.stderr.strip()))
                    continue
                record = json.load(open(out))
                machine = machine or record["machine"]
                run = record["runs"][0]
                runs.append(run)
                print("  ok   %-16s %-10s %s  wall %.3f s" % (label, model, run["answer"],
                                                             run["wall_s"]["median"]))
    not_measured = free_threaded_note(opts, runs)
    if not_measured:
        print("freethreaded: %s" % not_measured)
    if opts.out:
        # the machine as tvp records it, with the first peer's interpreter and every one that ran
        machine = dict(tvp_machine(tvp), **(machine or {}))
        machine["interpreters"] = [label for label, _ in interpreters]
        with open(opts.out, "w") as f:
            json.dump({"schema": "tvp/1", "machine": machine, "runs": runs,
                       "skipped": skipped, "not_measured": not_measured}, f, indent=1)
        print("runs: %s" % opts.out)
    print("peers: %d runs agree with tvp, %d skipped, %d failed"
          % (len(runs), len(skipped), failures))
    return 1 if failures else 0


def free_threaded_note(opts, runs):
    """The report's line when freethreaded was asked for and no interpreter ran it."""
    if "freethreaded" not in opts.models.split(",") or any(
            r["model"] == "python-freethreaded" for r in runs):
        return None
    return ("not measured: no free-threaded CPython on this machine (`%s` would install one)"
            % FREE_THREADED_INSTALL)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the scratch directory is gone already (main's finally)
        sys.stderr.write("peers.py: interrupted\n")
        sys.exit(130)

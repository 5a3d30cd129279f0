# peerlib.py - what the Python peers share: the four models, timing, tracing and tvp/1 JSON.
"""Runs a workload module's tasks under one of four Python models.

A workload module defines:
    NAME                      its tvp name ("primes")
    add_options(parser)       its own command-line options
    prepare(args) -> job      a dict; job["units"] is the number of units
    run_task(job, first, count, mark) -> partial result of those units;
                              calls mark() (when not None) once per small step
and optionally, to send process workers their input (the talk's queue):
    ships(job) -> bool, pack(job, first, count) -> bytes,
    run_packed(job, data, mark) -> partial result
    reduce(job, partials) -> answer string (partials in unit order)
    params(job) -> dict       the parameters, for the JSON

Runs under Python 3 and under Python 2.7, so it avoids newer syntax.
"""
from __future__ import division, print_function

import argparse
import json
import os
import platform
import socket
import sys
import threading
import time

import multiprocessing

try:
    import queue
except ImportError:  # Python 2
    import Queue as queue

try:
    import resource
except ImportError:  # not on every platform
    resource = None

clock = getattr(time, "perf_counter", time.time)

MODELS = ("serial", "threading", "process", "pool")

# The job of the running program; process workers inherit it by fork.
_JOB = None
_WORKLOAD = None


def interpreter_name():
    """'CPython 3.11.7', 'CPython 2.7.18', with ' free-threaded' when so."""
    name = "%s %s" % (platform.python_implementation(), platform.python_version())
    if sysconfig_flag("Py_GIL_DISABLED"):
        name += " free-threaded"
    return name


def sysconfig_flag(name):
    try:
        import sysconfig
        return bool(sysconfig.get_config_var(name))
    except Exception:
        return False


def gil_mode():
    """The interpreter's lock, in tvp's words: legacy (2.x), modern (3.2+), off."""
    if sys.version_info[0] < 3 or sys.version_info[:2] < (3, 2):
        return "legacy"
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    if is_enabled is not None and not is_enabled():
        return "off"
    return "modern"


def fork_context():
    """multiprocessing with fork (workers inherit the job), where it exists."""
    get = getattr(multiprocessing, "get_context", None)
    if get is None:
        return multiprocessing  # Python 2: always fork on POSIX
    return get("fork")


def tasks_of(units, chunk):
    """[(first, count)] covering [0, units) in tasks of chunk units."""
    return [(first, min(chunk, units - first)) for first in range(0, units, chunk)]


class Tracer(object):
    """Records which thread runs: an event each time the running thread changes.

    mark() is called by a thread between small steps of work; under a GIL
    only the holder can call it, so consecutive events of different threads
    are switches of the lock."""

    def __init__(self):
        self.last = None
        self.events = []

    def marker(self, ident):
        events = self.events
        tracer = self

        def mark():
            if tracer.last != ident:
                tracer.last = ident
                events.append(clock())
        return mark

    def summary(self, compute_s):
        times = self.events
        switches = max(len(times) - 1, 0)
        slices = sorted(b - a for a, b in zip(times, times[1:]))
        median = 0.0
        if slices:
            mid = len(slices) // 2
            median = slices[mid] if len(slices) % 2 else (slices[mid - 1] + slices[mid]) / 2
        return {
            "handoffs": switches,
            "handoffs_per_s": switches / compute_s if compute_s > 0 else 0.0,
            "median_slice_s": median,
            "slices": len(slices),
            "method": "thread changes seen between steps of work (--trace)",
        }


# ---- The four models. Each returns (partials by task index, phases dict).

def run_serial(job, tasks, workers, chunk, trace):
    t0 = clock()
    mark = trace.marker(0) if trace else None
    partials = [_WORKLOAD.run_task(job, first, count, mark) for first, count in tasks]
    t1 = clock()
    return partials, {"spawn": 0.0, "compute": t1 - t0, "teardown": 0.0}


def _thread_main(job, work, partials, mark):
    """The talk's do_work: take tasks until the queue is empty."""
    while True:
        try:
            index, (first, count) = work.get(block=False)
        except queue.Empty:
            break
        partials[index] = _WORKLOAD.run_task(job, first, count, mark)


def run_threading(job, tasks, workers, chunk, trace):
    work = queue.Queue()
    for item in enumerate(tasks):
        work.put(item)
    partials = [None] * len(tasks)
    t0 = clock()
    threads = [threading.Thread(target=_thread_main,
                                args=(job, work, partials, trace.marker(i) if trace else None))
               for i in range(workers)]
    for t in threads:
        t.start()
    t1 = clock()
    for t in threads:
        t.join()
    t2 = clock()
    return partials, {"spawn": t1 - t0, "compute": t2 - t1, "teardown": 0.0}


def shipping(job):
    return hasattr(_WORKLOAD, "ships") and _WORKLOAD.ships(job)


def _process_main(work, results):
    """A process worker: tasks from the queue until None; results back."""
    while True:
        item = work.get()
        if item is None:
            break
        index, task = item
        if shipping(_JOB):
            partial = _WORKLOAD.run_packed(_JOB, task, None)
        else:
            partial = _WORKLOAD.run_task(_JOB, task[0], task[1], None)
        results.put((index, partial))


def run_process(job, tasks, workers, chunk, trace):
    ctx = fork_context()
    work, results = ctx.Queue(), ctx.Queue()
    t0 = clock()
    procs = [ctx.Process(target=_process_main, args=(work, results)) for _ in range(workers)]
    for p in procs:
        p.start()
    t1 = clock()
    for index, (first, count) in enumerate(tasks):
        if shipping(job):
            work.put((index, _WORKLOAD.pack(job, first, count)))
        else:
            work.put((index, (first, count)))
    for _ in procs:
        work.put(None)
    partials = [None] * len(tasks)
    for _ in tasks:  # drain the results before joining (the talk's deadlock)
        index, partial = results.get()
        partials[index] = partial
    t2 = clock()
    for p in procs:
        p.join()
        if p.exitcode != 0:
            raise RuntimeError("worker %d exited with %s" % (p.pid, p.exitcode))
    t3 = clock()
    return partials, {"spawn": t1 - t0, "compute": t2 - t1, "teardown": t3 - t2}


def _pool_unit(unit):
    return _WORKLOAD.run_task(_JOB, unit, 1, None)


def _pool_packed(data):
    return _WORKLOAD.run_packed(_JOB, data, None)


def run_pool(job, tasks, workers, chunk, trace):
    ctx = fork_context()
    t0 = clock()
    pool = ctx.Pool(workers)
    t1 = clock()
    if shipping(job):
        packed = (_WORKLOAD.pack(job, unit, 1) for unit in range(job["units"]))
        partials = pool.map(_pool_packed, packed, chunk)
    else:
        partials = pool.map(_pool_unit, range(job["units"]), chunk)
    t2 = clock()
    pool.close()
    pool.join()
    t3 = clock()
    return partials, {"spawn": t1 - t0, "compute": t2 - t1, "teardown": t3 - t2}


RUNNERS = {"serial": run_serial, "threading": run_threading,
           "process": run_process, "pool": run_pool}


# ---- Measuring and reporting.

def usage_now():
    """(user, sys, voluntary, involuntary, max_rss_kb) of self + reaped children."""
    if resource is None:
        t = os.times()
        return (t[0] + t[2], t[1] + t[3], 0, 0, 0)
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (me.ru_utime + kids.ru_utime, me.ru_stime + kids.ru_stime,
            me.ru_nvcsw + kids.ru_nvcsw, me.ru_nivcsw + kids.ru_nivcsw,
            max(me.ru_maxrss, kids.ru_maxrss))


def stats_of(values):
    values = sorted(values)
    n = len(values)
    mid = n // 2
    median = values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2
    mean = sum(values) / n
    sd = (sum((v - mean) ** 2 for v in values) / (n - 1)) ** 0.5 if n > 1 else 0.0
    return {"median": median, "min": values[0], "max": values[-1], "stddev": sd}


def median(values):
    return stats_of(values)["median"]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except (IOError, OSError):
        pass
    return "unknown"


def machine():
    un = os.uname()
    return {
        "hostname": socket.gethostname(),
        "cpu_model": cpu_model(),
        "cores_online": multiprocessing.cpu_count(),
        "kernel": "%s %s" % (un[0], un[2]),
        "arch": un[4],
        "interpreter": interpreter_name(),
        "executable": sys.executable,
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("needs a whole number >= 1, not '%s'" % text)
    if value < 1:
        raise argparse.ArgumentTypeError("needs a whole number >= 1, not '%s'" % text)
    return value


def parser_for(workload):
    p = argparse.ArgumentParser(
        prog="%s.py" % workload.NAME,
        description="Python peer of `tvp %s`: the same work and answer, in Python." % workload.NAME)
    p.add_argument("--model", choices=MODELS, default="serial")
    p.add_argument("--workers", type=positive_int, default=None,
                   help="threads or processes (default: CPUs; serial: 1)")
    p.add_argument("--chunk", type=positive_int, default=1, help="units per task [1]")
    p.add_argument("--repeat", type=positive_int, default=1, help="measured repeats [1]")
    p.add_argument("--warmup", type=int, default=0, help="unmeasured repeats first [0]")
    p.add_argument("--switch-interval", type=float, default=None, metavar="MS",
                   help="Python 3: sys.setswitchinterval (the modern GIL's interval)")
    p.add_argument("--check-interval", type=int, default=None, metavar="N",
                   help="Python 2: sys.setcheckinterval (the legacy GIL's check)")
    p.add_argument("--trace", action="store_true",
                   help="threading: record thread switches (slices, hand-offs)")
    p.add_argument("--expect", default=None, help="the answer tvp gave: exit 1 if different")
    p.add_argument("--json", default=None, metavar="FILE",
                   help="write the result as tvp/1 JSON to FILE (- for stdout)")
    workload.add_options(p)
    return p


def main(workload, argv=None):
    """Parse, run the repeats, print the answer (and JSON); return the exit status."""
    global _JOB, _WORKLOAD
    args = parser_for(workload).parse_args(argv)
    workers = 1 if args.model == "serial" else (args.workers or multiprocessing.cpu_count())
    if args.model == "serial" and args.workers not in (None, 1):
        sys.stderr.write("%s.py: the serial model runs one worker\n" % workload.NAME)
        return 2
    if args.switch_interval is not None:
        if not hasattr(sys, "setswitchinterval") or args.switch_interval <= 0:
            sys.stderr.write("%s.py: --switch-interval needs Python 3 and a time > 0\n"
                             % workload.NAME)
            return 2
        sys.setswitchinterval(args.switch_interval / 1000.0)
    if args.check_interval is not None:
        if sys.version_info[0] >= 3 or args.check_interval < 1:
            sys.stderr.write("%s.py: --check-interval needs Python 2 and N >= 1\n" % workload.NAME)
            return 2
        sys.setcheckinterval(args.check_interval)
    setup_start = clock()
    try:
        job = workload.prepare(args)
    except ValueError as e:
        sys.stderr.write("%s.py: %s\n" % (workload.NAME, e))
        return 2
    _JOB, _WORKLOAD = job, workload
    tasks = tasks_of(job["units"], args.chunk)
    setup_s = clock() - setup_start

    run = RUNNERS[args.model]
    walls, phases, usages, answer, trace_summary = [], [], [], None, None
    for i in range(args.warmup + args.repeat):
        trace = Tracer() if args.trace else None
        u0 = usage_now()
        start = clock()
        partials, ph = run(job, tasks, workers, args.chunk, trace)
        c0 = clock()
        answer = workload.reduce(job, partials)
        ph["collect"] = clock() - c0
        wall = clock() - start
        u1 = usage_now()
        if args.expect is not None and answer != args.expect:
            sys.stderr.write("%s.py: wrong answer from %s: got %s, expected %s\n"
                             % (workload.NAME, args.model, answer, args.expect))
            return 1
        if i >= args.warmup:
            walls.append(wall)
            ph["setup"] = setup_s if i == 0 else 0.0
            phases.append(ph)
            usages.append([b - a for a, b in zip(u0[:4], u1[:4])] + [u1[4]])
            if trace is not None:
                trace_summary = trace.summary(ph["compute"])
    print("%s %s workers=%d answer %s wall %.4f s" % (workload.NAME, args.model, workers, answer,
                                                      median(walls)))
    if args.json:
        record = {
            "schema": "tvp/1",
            "machine": machine(),
            "runs": [run_record(workload, args, job, workers, tasks, answer, walls, phases,
                                usages, trace_summary)],
        }
        text = json.dumps(record, indent=1, sort_keys=False)
        if args.json == "-":
            print(text)
        else:
            with open(args.json, "w") as f:
                f.write(text + "\n")
    return 0


def run_record(workload, args, job, workers, tasks, answer, walls, phases, usages, trace):
    gil = {"mode": gil_mode(), "interpreter": interpreter_name()}
    if hasattr(sys, "getswitchinterval"):
        gil["interval_s"] = sys.getswitchinterval()
    if hasattr(sys, "getcheckinterval") and sys.version_info[0] < 3:
        gil["check"] = sys.getcheckinterval()
    if trace:
        gil.update(trace)
    wall = stats_of(walls)
    wall["all"] = walls
    return {
        "workload": workload.NAME,
        "model": "python-" + args.model,
        "workers": workers,
        "schedule": "static" if args.model == "serial" else "dynamic",
        "chunk": args.chunk,
        "tasks": len(tasks),
        "units": job["units"],
        "ipc": "pipe" if args.model in ("process", "pool") else "none",
        "input": "ship" if shipping(job) and args.model in ("process", "pool") else "shared",
        "gil": gil_mode(),
        "pin": False,
        "params": workload.params(job),
        "answer": answer,
        "reference": args.expect,
        "reference_method": "tvp's answer, given with --expect" if args.expect else "none",
        "reference_s": 0.0,
        "verified": args.expect is not None and answer == args.expect,
        "repeats": len(walls),
        "warmup": args.warmup,
        "wall_s": wall,
        "phases_s": dict((k, median([p[k] for p in phases]))
                         for k in ("setup", "spawn", "compute", "collect", "teardown")),
        "cpu_s": {"user": median([u[0] for u in usages]), "sys": median([u[1] for u in usages])},
        "ctx_switches": {"voluntary": int(median([u[2] for u in usages])),
                         "involuntary": int(median([u[3] for u in usages]))},
        "max_rss_kb": max(u[4] for u in usages),
        "workers_detail": [],
        "gil_stats": gil,
        "interpreter": interpreter_name(),
    }

# peerlib.py - what the Python peers share: the models, timing, tracing, stopping and tvp/1 JSON.
"""Runs a workload module's tasks under one of Python's parallel tools.

The models: serial; threading; multiprocessing Process and Pool with each
start method (process, pool: fork; process-spawn, pool-forkserver, ...);
concurrent.futures (futures-thread, futures-process); subinterp (one
subinterpreter per worker thread, each with its own GIL: CPython 3.12+);
freethreaded (threading on a free-threaded CPython). A model this
interpreter lacks exits SKIPPED (77) with the reason on stderr.

SIGINT or SIGTERM stops the peer at once: its worker processes are killed
and reaped, its threads and subinterpreters end with it, and it prints one
line ("primes.py: stopped by SIGTERM") and exits 128 + the signal.

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
and MODULE, the file's name, where it is not NAME (iowait.py: io.py would
shadow Python's io module); spawned workers import it.

Runs under Python 3 and under Python 2.7, so it avoids newer syntax.
"""
from __future__ import division, print_function

import argparse
import json
import os
import platform
import shutil
import signal
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

MODELS = ("serial", "threading", "process", "pool", "futures-thread", "futures-process",
          "process-spawn", "process-forkserver", "pool-spawn", "pool-forkserver",
          "subinterp", "freethreaded")
SKIPPED = 77  # exit status: this interpreter cannot run the model (the reason is on stderr)
FREE_THREADED_INSTALL = "pyenv install 3.13.0t"
PY2 = sys.version_info[0] < 3

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


def mp_context(method):
    """multiprocessing with start method fork, spawn or forkserver."""
    get = getattr(multiprocessing, "get_context", None)
    if get is None:
        return multiprocessing  # Python 2: always fork on POSIX
    return get(method)


def start_method(model):
    """The multiprocessing start method a model uses; None for in-process models."""
    if model in ("process", "pool", "futures-process"):
        return "fork"
    if model.startswith("process-") or model.startswith("pool-"):
        return model.split("-", 1)[1]
    return None


def unavailable(model):
    """None when this interpreter runs model, else why it cannot (one line)."""
    version = "%d.%d" % sys.version_info[:2]
    if model.startswith("futures-"):
        try:
            import concurrent.futures  # noqa: F401
        except ImportError:
            return "Python %s has no concurrent.futures (it came in 3.2)" % version
    method = start_method(model)
    if method not in (None, "fork"):
        methods = getattr(multiprocessing, "get_all_start_methods", None)
        if methods is None:
            return "Python %s's multiprocessing only forks (start methods came in 3.4)" % version
        if method not in methods():
            return "no %s start method on this platform" % method
    if model == "subinterp":
        if sys.version_info[:2] < (3, 12):
            return "Python %s's subinterpreters share one GIL (their own GIL came in 3.12, PEP 684)" \
                % version
        try:
            import xinterp  # noqa: F401
        except ImportError as e:
            return "no subinterpreter module in Python %s (%s)" % (version, e)
    if model == "freethreaded":
        if not sysconfig_flag("Py_GIL_DISABLED"):
            return "not measured: CPython %s has a GIL (no free-threaded build; `%s` installs one)" \
                % (platform.python_version(), FREE_THREADED_INSTALL)
        if gil_mode() != "off":
            return "this free-threaded CPython runs with its GIL enabled (PYTHON_GIL=1?)"
    return None


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


# ---- Stopping. The parent kills and reaps its workers; workers leave Ctrl-C to it.

_PARENT = os.getpid()
_STOP_NAME = "peer"
_POOLS = []  # the live multiprocessing pools, whose worker handlers replace dead workers


def die_with_parent(parent):
    """Linux: this process gets SIGKILL when its parent dies (a backstop for a
    SIGKILLed peer); it exits now if parent (a pid, or None: any) is gone already."""
    try:
        import ctypes
        libc = ctypes.CDLL(None)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (ImportError, OSError, AttributeError):
        pass
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def _worker_start(name, job, parent, ready):
    """First thing in a process worker: Ctrl-C (sent to the whole group) is the
    parent's to handle, SIGTERM kills at once; a spawned worker imports the
    workload `name` and takes the job (a forked one, name None, inherited both);
    parent is the pid it must die with (None: a forkserver's worker); last,
    it puts its pid on the queue ready (so the spawn phase ends when every
    worker can take a task, whatever the start method)."""
    global _JOB, _WORKLOAD
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    die_with_parent(parent)
    if name is not None:
        import importlib
        _WORKLOAD = importlib.import_module(name)
        _JOB = job
    ready.put(os.getpid())


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class starting_workers(object):
    """A with-block that starts worker processes with SIGINT and SIGTERM blocked:
    a worker inherits the mask and unblocks them in _worker_start, once its
    handlers are set (a spawned worker would otherwise die in its start-up with
    a traceback); the parent's handler runs when the block ends. Python 2 has
    no mask: its forked workers inherit _on_stop, which leaves SIGINT to the
    parent."""

    def __enter__(self):
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)

    def __exit__(self, *exc):
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        return False


def _start_args(method, ready):
    """_worker_start's arguments for a worker started by method: a forked
    worker inherits the workload and job; every other gets them."""
    parent = None if method == "forkserver" else os.getpid()
    if method == "fork":
        return (None, None, parent, ready)
    return (module_of(_WORKLOAD), _JOB, parent, ready)


def module_of(workload):
    """The module a spawned worker or subinterpreter imports for workload."""
    return getattr(workload, "MODULE", workload.NAME)


def _wait_ready(ready, workers):
    """Wait until `workers` workers have said they are ready."""
    for _ in range(workers):
        _get(ready)


def _worker_pids():
    """Every worker process of this peer: multiprocessing's children, the forkserver."""
    pids = [p.pid for p in multiprocessing.active_children() if p.pid]
    server = getattr(sys.modules.get("multiprocessing.forkserver"), "_forkserver", None)
    if getattr(server, "_forkserver_pid", None):
        pids.append(server._forkserver_pid)
    return pids


_STOPPING = threading.Lock()  # taken by the call of _on_stop that stops the peer


def _on_stop(signum, frame):
    """SIGINT/SIGTERM: kill and reap the workers, one line, exit 128 + signum.
    A forked worker that has not yet set its own handlers ignores SIGINT and
    ends at once on SIGTERM. A signal that comes while the parent stops
    (_watch_signals sends one again) returns at once."""
    if os.getpid() != _PARENT:
        if signum != signal.SIGINT:
            os._exit(128 + signum)
        return
    if not _STOPPING.acquire(False):
        return  # a second signal while the first is handled
    pool_module = sys.modules.get("multiprocessing.pool")
    for pool in _POOLS:  # no replacements for the workers killed below
        handler = getattr(pool, "_worker_handler", None)
        if handler is not None and pool_module is not None:
            handler._state = pool_module.TERMINATE
    pids = _worker_pids()
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for pid in pids:
        try:
            os.waitpid(pid, 0)
        except OSError:
            pass  # not our child (a forkserver's worker): its server reaps it
    tempdir = getattr(multiprocessing.current_process(), "_config", {}).get("tempdir")
    if tempdir:
        shutil.rmtree(tempdir, ignore_errors=True)
    names = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}
    sys.stderr.write("%s.py: stopped by %s; workers stopped\n" % (_STOP_NAME, names[signum]))
    sys.stderr.flush()
    os._exit(128 + signum)


def _watch_signals(fd):
    """Make sure the main thread runs _on_stop. Python-level handlers run in
    the main thread only, when it next runs bytecode or a blocking call of its
    returns EINTR; a main thread blocked in a lock with no timeout (a join,
    pool.map) is not woken by a signal that another thread took, and can miss
    one it took itself: under CPython 3.12, 7 Ctrl-Cs in 250 to a pool
    peer ran the C-level handler (its wakeup byte was written) and never the
    Python one. CPython's C-level handler writes the signal's number to the
    wakeup fd, whichever thread it reached; this thread reads it and, unless
    the peer has exited 0.1 s later, sends it again to the main thread alone,
    whose blocking call it interrupts. This thread blocks both signals, so it
    never takes one the main thread holds off (starting_workers)."""
    main = threading.main_thread().ident
    while True:
        data = os.read(fd, 1)
        if not data:
            return
        time.sleep(0.1)
        signal.pthread_kill(main, data[0])


def _forget_wakeup():
    """In a forked child: its signals are its own, not the parent's watcher's."""
    try:
        signal.set_wakeup_fd(-1)
    except ValueError:  # not the main thread: nothing was inherited there
        pass


def stop_on_signals(name):
    """Install _on_stop for SIGINT and SIGTERM, and (Python 3) the thread of
    _watch_signals; quiet the resource tracker (it still unlinks the
    semaphores of a stopped spawn or forkserver run). That thread waits in a
    read, holding no lock, so the fork-based models stay safe to fork (3.12
    warns of any thread, under -W default)."""
    global _STOP_NAME
    _STOP_NAME = name
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _on_stop)
    if not PY2:
        read_end, write_end = os.pipe()
        os.set_blocking(write_end, False)
        signal.set_wakeup_fd(write_end)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=_forget_wakeup)
        watcher = threading.Thread(target=_watch_signals, args=(read_end,), name="stop-watcher")
        watcher.daemon = True
        with starting_workers():  # it inherits the mask: the signals stay the main thread's
            watcher.start()
    for tracker in ("resource_tracker", "semaphore_tracker"):
        sys.warnoptions.append("ignore:%s:UserWarning" % tracker)


class _Join(object):
    """How run_threading starts its worker threads and waits for them. Python
    3's join is interruptible by a signal, so this plain one serves there."""

    def start(self, threads):
        for t in threads:
            t.start()

    def ended(self):
        """Called by each worker as it ends."""

    def wait(self, threads):
        for t in threads:
            t.join()


class _Py2Join(_Join):
    """Python 2's wait for worker threads that holds no GIL while it waits, as
    the talk's t.join() did: a Python 2 join with no timeout is a lock acquire
    that no signal interrupts, and one with a timeout polls, taking the GIL
    some 140 times a second as a third contender (about 1,800 involuntary
    context switches in an 8 s Mandelbrot run, against about 130 without).
    The workers start with SIGINT and SIGTERM blocked (ctypes: Python 2 has no
    pthread_sigmask), so a stop signal reaches the main thread, which waits in
    a read of a pipe each worker writes a byte to as it ends: the read returns
    EINTR and _on_stop runs."""

    SIG_BLOCK, SIG_UNBLOCK = 0, 1

    def __init__(self):
        import ctypes
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.mask = ctypes.create_string_buffer(128)  # a glibc sigset_t
        self.libc.sigemptyset(self.mask)
        for sig in STOP_SIGNALS:
            self.libc.sigaddset(self.mask, sig)
        self.read_end, self.write_end = os.pipe()

    def start(self, threads):
        self.libc.pthread_sigmask(self.SIG_BLOCK, self.mask, None)
        try:
            for t in threads:
                t.start()
        finally:
            self.libc.pthread_sigmask(self.SIG_UNBLOCK, self.mask, None)

    def ended(self):
        os.write(self.write_end, b"x")

    def wait(self, threads):
        try:
            for _ in threads:
                os.read(self.read_end, 1)  # never EOF: this end's writer stays open
            _Join.wait(self, threads)  # each has written its byte: only its last steps remain
        finally:
            os.close(self.read_end)
            os.close(self.write_end)


# ---- The models. Each returns (partials by task index, phases dict).

def run_serial(job, tasks, workers, chunk, trace):
    t0 = clock()
    mark = trace.marker(0) if trace else None
    partials = [_WORKLOAD.run_task(job, first, count, mark) for first, count in tasks]
    t1 = clock()
    return partials, {"spawn": 0.0, "compute": t1 - t0, "teardown": 0.0}


def _thread_main(job, work, partials, mark, join):
    """The talk's do_work: take tasks until the queue is empty."""
    try:
        while True:
            try:
                index, (first, count) = work.get(block=False)
            except queue.Empty:
                break
            partials[index] = _WORKLOAD.run_task(job, first, count, mark)
    finally:
        join.ended()


def run_threading(job, tasks, workers, chunk, trace):
    work = queue.Queue()
    for item in enumerate(tasks):
        work.put(item)
    partials = [None] * len(tasks)
    join = _Py2Join() if PY2 else _Join()
    t0 = clock()
    threads = [threading.Thread(target=_thread_main,
                                args=(job, work, partials, trace.marker(i) if trace else None, join))
               for i in range(workers)]
    join.start(threads)
    t1 = clock()
    join.wait(threads)
    t2 = clock()
    if None in partials:
        raise RuntimeError("a worker thread failed (its traceback is above)")
    return partials, {"spawn": t1 - t0, "compute": t2 - t1, "teardown": 0.0}


def shipping(job):
    return hasattr(_WORKLOAD, "ships") and _WORKLOAD.ships(job)


def _process_main(work, results, start):
    """A process worker: tasks from the queue until None; results back."""
    _worker_start(*start)
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


def _get(q):
    """q.get(), so that a signal's handler still runs (Python 2 polls)."""
    while PY2:
        try:
            return q.get(True, 0.05)
        except queue.Empty:
            pass
    return q.get()


def run_process(job, tasks, workers, chunk, trace, method="fork"):
    ctx = mp_context(method)
    work, results = ctx.Queue(), ctx.Queue()
    t0 = clock()
    ready = ctx.Queue()
    start = _start_args(method, ready)
    procs = [ctx.Process(target=_process_main, args=(work, results, start))
             for _ in range(workers)]
    with starting_workers():
        for p in procs:
            p.start()
    _wait_ready(ready, workers)
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
        index, partial = _get(results)
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


def _map(pool, function, items, chunk):
    """pool.map, so that a signal's handler still runs (Python 2 polls)."""
    if not PY2:
        return pool.map(function, items, chunk)
    pending = pool.map_async(function, items, chunk)
    while not pending.ready():
        pending.wait(0.05)
    return pending.get()


def run_pool(job, tasks, workers, chunk, trace, method="fork"):
    ctx = mp_context(method)
    t0 = clock()
    ready = ctx.Queue()
    with starting_workers():
        pool = ctx.Pool(workers, _worker_start, _start_args(method, ready))
        _POOLS.append(pool)
    _wait_ready(ready, workers)
    t1 = clock()
    if shipping(job):
        packed = (_WORKLOAD.pack(job, unit, 1) for unit in range(job["units"]))
        partials = _map(pool, _pool_packed, packed, chunk)
    else:
        partials = _map(pool, _pool_unit, range(job["units"]), chunk)
    t2 = clock()
    pool.close()
    pool.join()
    _POOLS.remove(pool)
    t3 = clock()
    return partials, {"spawn": t1 - t0, "compute": t2 - t1, "teardown": t3 - t2}


def _futures_task(task):
    """One task in an executor's worker (a thread, or a forked process)."""
    if shipping(_JOB) and not isinstance(task, tuple):
        return _WORKLOAD.run_packed(_JOB, task, None)
    return _WORKLOAD.run_task(_JOB, task[0], task[1], None)


def _nothing(_):
    return None


def run_futures(job, tasks, workers, chunk, trace, kind):
    """concurrent.futures: kind "thread" or "process" (forked). Executors start
    workers on demand, so the spawn phase makes one, runs one empty task per
    worker and (processes) waits until every worker is ready; the tasks are
    then submitted one by one, as most code does."""
    from concurrent import futures
    t0 = clock()
    ready = None
    with starting_workers():
        if kind == "thread":
            executor = futures.ThreadPoolExecutor(workers)
        else:
            ready = mp_context("fork").Queue()
            try:
                executor = futures.ProcessPoolExecutor(workers, mp_context("fork"),
                                                       _worker_start, _start_args("fork", ready))
            except TypeError:  # Python < 3.7: no context or initializer (fork is the default)
                executor, ready = futures.ProcessPoolExecutor(workers), None
        list(executor.map(_nothing, range(workers)))
    if ready is not None:
        _wait_ready(ready, workers)
    t1 = clock()
    ship = shipping(job) and kind == "process"
    pending = [executor.submit(_futures_task, _WORKLOAD.pack(job, first, count) if ship
                               else (first, count)) for first, count in tasks]
    partials = [f.result() for f in pending]
    t2 = clock()
    executor.shutdown(wait=True)
    t3 = clock()
    return partials, {"spawn": t1 - t0, "compute": t2 - t1, "teardown": t3 - t2}


def run_subinterp(job, tasks, workers, chunk, trace):
    import xinterp
    return xinterp.run(module_of(_WORKLOAD), job, tasks, workers, clock)


def model_runner(model):
    """The function that runs model: (job, tasks, workers, chunk, trace) -> (partials, phases)."""
    method = start_method(model)
    if model.startswith("process"):
        return lambda *a: run_process(*a, method=method)
    if model.startswith("pool"):
        return lambda *a: run_pool(*a, method=method)
    if model.startswith("futures-"):
        return lambda *a: run_futures(*a, kind=model.split("-")[1])
    return {"serial": run_serial, "threading": run_threading, "freethreaded": run_threading,
            "subinterp": run_subinterp}[model]


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


def machine():
    """What only the peer knows of the machine: the interpreter that ran it. The machine itself
    (CPU, cores, kernel, memory) is tvp's record (benchmarks/report.c), which scripts/peers.py
    and the sweep put beside the peers' runs."""
    return {
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
        prog="%s.py" % module_of(workload),
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
    program = module_of(workload)  # messages name the file: "iowait.py: ..."
    stop_on_signals(program)
    args = parser_for(workload).parse_args(argv)
    workers = 1 if args.model == "serial" else (args.workers or multiprocessing.cpu_count())
    if args.model == "serial" and args.workers not in (None, 1):
        sys.stderr.write("%s.py: the serial model runs one worker\n" % program)
        return 2
    reason = unavailable(args.model)
    if reason is not None:
        sys.stderr.write("%s.py: %s skipped: %s\n" % (program, args.model, reason))
        return SKIPPED
    if args.switch_interval is not None:
        if not hasattr(sys, "setswitchinterval") or args.switch_interval <= 0:
            sys.stderr.write("%s.py: --switch-interval needs Python 3 and a time > 0\n"
                             % program)
            return 2
        sys.setswitchinterval(args.switch_interval / 1000.0)
    if args.check_interval is not None:
        if sys.version_info[0] >= 3 or args.check_interval < 1:
            sys.stderr.write("%s.py: --check-interval needs Python 2 and N >= 1\n" % program)
            return 2
        sys.setcheckinterval(args.check_interval)
    setup_start = clock()
    try:
        job = workload.prepare(args)
    except ValueError as e:
        sys.stderr.write("%s.py: %s\n" % (program, e))
        return 2
    _JOB, _WORKLOAD = job, workload
    tasks = tasks_of(job["units"], args.chunk)
    setup_s = clock() - setup_start

    run = model_runner(args.model)
    walls, phases, usages, answer, trace_summary, details = [], [], [], None, None, []
    for i in range(args.warmup + args.repeat):
        trace = Tracer() if args.trace else None
        u0 = usage_now()
        start = clock()
        partials, ph = run(job, tasks, workers, args.chunk, trace)
        detail = ph.pop("detail", None)
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
            if detail is not None:
                details.append(detail)
    print("%s %s workers=%d answer %s wall %.4f s" % (workload.NAME, args.model, workers, answer,
                                                      median(walls)))
    if args.json:
        record = {
            "schema": "tvp/1",
            "machine": machine(),
            "runs": [run_record(workload, args, job, workers, tasks, answer, walls, phases,
                                usages, trace_summary, details)],
        }
        text = json.dumps(record, indent=1, sort_keys=False)
        if args.json == "-":
            print(text)
        else:
            with open(args.json, "w") as f:
                f.write(text + "\n")
    return 0


def run_record(workload, args, job, workers, tasks, answer, walls, phases, usages, trace,
               details):
    gil = {"mode": gil_mode(), "interpreter": interpreter_name()}
    if hasattr(sys, "getswitchinterval"):
        gil["interval_s"] = sys.getswitchinterval()
    if hasattr(sys, "getcheckinterval") and sys.version_info[0] < 3:
        gil["check"] = sys.getcheckinterval()
    if trace:
        gil.update(trace)
    wall = stats_of(walls)
    wall["all"] = walls
    record = {
        "workload": workload.NAME,
        "model": "python-" + args.model,
        "workers": workers,
        "schedule": "static" if args.model == "serial" else "dynamic",
        "chunk": args.chunk,
        "tasks": len(tasks),
        "units": job["units"],
        "ipc": ipc_of(args.model),
        "input": "ship" if shipping(job) and start_method(args.model) else "shared",
        "start_method": start_method(args.model),
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
    if details:  # what crossed between interpreters (subinterp), median over repeats
        record["crossing"] = dict((k, median([d[k] for d in details])) for k in details[0])
    return record


def ipc_of(model):
    """How a model's tasks and results travel: pipe (pickled), channel (subinterp), none."""
    if start_method(model) is not None:
        return "pipe"
    return "channel" if model == "subinterp" else "none"

# xinterp.py - the subinterp peer model: one subinterpreter per worker thread, each with its own GIL.
"""CPython 3.12+ only (PEP 684). 3.12 names the modules _xxsubinterpreters
and _xxinterpchannels, 3.13 _interpreters and _interpchannels; this file
hides the difference. Importing it fails (ImportError) on older Pythons.

How a run goes: the parent creates one interpreter per worker and, in each,
imports the workload and unpickles the job (the spawn phase: like spawn's
re-import, paid in one process). The tasks go into a channel as strings
"index first count"; each worker thread runs serve() in its interpreter,
which takes tasks until the channel is empty and sends each result back as
pickled bytes. Channels carry only shareable objects (bytes, str, int), so
every result is pickled: the crossing, timed on both sides.
"""
import os
import pickle
import sys
import threading

try:
    import _interpchannels as _channels  # 3.13
    _NEW = True
except ImportError:
    import _xxinterpchannels as _channels  # 3.12
    _NEW = False

if sys.version_info[:2] < (3, 12):
    raise ImportError("subinterpreters share one GIL before CPython 3.12")

PEERS = os.path.dirname(os.path.abspath(__file__))
UNBOUND_REMOVE = 1  # 3.13: what happens to items of a destroyed interpreter

SETUP = """
import sys, pickle, importlib
sys.path.insert(0, peers)
import xinterp
W = importlib.import_module(name)
job = pickle.loads(job_bytes)
"""
SERVE = "xinterp.serve(W, job, tasks, results, done)\n"


def _interpreters():
    try:
        import _interpreters as module
    except ImportError:
        import _xxsubinterpreters as module
    return module


def create_isolated(module):
    """A new interpreter with its own GIL (3.12: isolated=True; 3.13: "isolated")."""
    if hasattr(module, "new_config"):
        return module.create("isolated")
    return module.create(isolated=True)


def create_channel():
    """A new cross-interpreter channel (its id is shareable)."""
    return _channels.create(UNBOUND_REMOVE) if _NEW else _channels.create()


def send(channel, obj):
    """Queue obj (bytes, str or int) on channel without waiting for a receiver."""
    if _NEW:
        _channels.send(channel, obj, UNBOUND_REMOVE, blocking=False)
    else:
        _channels.send(channel, obj)


def recv(channel):
    """The next object on channel, or None when it is empty."""
    try:
        got = _channels.recv(channel)
    except _channels.ChannelEmptyError:
        return None
    return got[0] if _NEW else got


def execute(interp, code, shared):
    """Run code in interp with the names in shared; raise RuntimeError on failure."""
    module = _interpreters()
    if hasattr(module, "exec"):  # 3.13 returns the failure instead of raising it
        failure = module.exec(interp, code, shared)
        if failure is not None:
            raise RuntimeError("in subinterpreter: %s" % (getattr(failure, "formatted", None)
                                                          or failure))
    else:
        try:
            module.run_string(interp, code, shared)
        except module.RunFailedError as e:
            raise RuntimeError("in subinterpreter: %s" % e)


def serve(workload, job, tasks, results, done):
    """In a worker's interpreter: run tasks until the channel is empty; results
    back as pickled (index, partial); last, on done, "crossing SECONDS BYTES"."""
    from time import perf_counter as clock
    cross_s, cross_bytes = 0.0, 0
    while True:
        item = recv(tasks)
        if item is None:
            break
        index, first, count = (int(field) for field in item.split())
        partial = workload.run_task(job, first, count, None)
        t0 = clock()
        data = pickle.dumps((index, partial), pickle.HIGHEST_PROTOCOL)
        send(results, data)
        cross_s += clock() - t0
        cross_bytes += len(data)
    send(done, "crossing %r %d" % (cross_s, cross_bytes))


def run(name, job, tasks, workers, clock):
    """Run the tasks of workload `name` in `workers` subinterpreters, one thread
    each: (partials by task index, phases with a "detail" of the crossing)."""
    module = _interpreters()
    t0 = clock()
    job_bytes = pickle.dumps(job, pickle.HIGHEST_PROTOCOL)
    interps = [create_isolated(module) for _ in range(workers)]
    channels = [create_channel() for _ in range(3)]
    task_channel, result_channel, done_channel = channels
    try:
        for interp in interps:
            execute(interp, SETUP, {"peers": PEERS, "name": name, "job_bytes": job_bytes})
        t1 = clock()
        for index, (first, count) in enumerate(tasks):
            send(task_channel, "%d %d %d" % (index, first, count))
        failures = []

        def worker(interp):
            try:
                execute(interp, SERVE, {"tasks": task_channel, "results": result_channel,
                                        "done": done_channel})
            except RuntimeError as e:
                failures.append(str(e))
        threads = [threading.Thread(target=worker, args=(i,)) for i in interps]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if failures:
            raise RuntimeError(failures[0])
        partials, total_bytes = [None] * len(tasks), 0
        c0 = clock()
        for _ in tasks:
            data = recv(result_channel)
            index, partial = pickle.loads(data)
            partials[index] = partial
            total_bytes += len(data)
        main_s = clock() - c0
        worker_s = 0.0
        for _ in interps:
            worker_s += float(recv(done_channel).split()[1])
        t2 = clock()
    finally:
        for channel in channels:
            _channels.destroy(channel)
        t3 = clock()
        for interp in interps:
            module.destroy(interp)
        t4 = clock()
    detail = {"results": len(tasks), "bytes": total_bytes, "workers_s": worker_s,
              "parent_s": main_s, "job_bytes": len(job_bytes), "destroy_s": t4 - t3}
    return partials, {"spawn": t1 - t0, "compute": t2 - t1, "teardown": t4 - t2,
                      "detail": detail}

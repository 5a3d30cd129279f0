#!/usr/bin/env python3
# iowait.py - Python peer of `tvp io`: requests to a local server that answers after a delay (threads win, even under the GIL).
"""Each unit is one request to a local server that answers after --delay-us;
the worker then does --work-us of CPU work (pure Python, under the GIL) on
the reply. The answer is the sum of the replies modulo 2^64, as tvp's, and
is checked here against the server's own log of what it sent.

The server is a process of its own (forked before any worker starts, so the
peer's GIL never delays a reply), listening on a Unix socket in the abstract
namespace: no file, gone with the process. A request is the unit as 8
little-endian bytes; the reply is splitmix64 of the unit and tvp's seed.
Blocking socket calls release the GIL, as tvp's simulation releases its
lock around the wait. --cpu-hogs K starts K threads that spin in the peer's
own process: beside `threading` workers they hold the GIL, and each reply
waits for it (Beazley's convoy effect).

The file is not named io.py: that would shadow Python's own io module.

    python3 iowait.py --model threading --workers 64 --requests 256
"""
from __future__ import division, print_function

import atexit
import heapq
import os
import select
import signal
import socket
import struct
import sys
import threading

import peerlib

NAME = "io"
MODULE = "iowait"  # the file a spawned worker imports
SEED = 0x7470      # tvp's: the same replies, so the same answer
MASK64 = 0xffffffffffffffff
LOG_REQUEST = MASK64  # not a unit: the server answers (count, sum) of its log at once
MAX_DELAY_US = 10e6
MAX_HOGS = 64
CALIBRATE_ROUNDS = 20000

_SERVER = None
_HOGS = []
_STOP_HOGS = threading.Event()
_SEEN = [0, 0]  # the server's log (count, sum) at the previous reduce


def reply_of(unit, seed=SEED):
    """The reply to a request: splitmix64 of its unit and the seed (tvp's reply_of)."""
    z = (unit + seed * 0x9E3779B97F4A7C15 + 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def churn(x):
    """One round of CPU work (tvp's multiply-xorshift)."""
    x ^= x >> 29
    x = (x * 0xBF58476D1CE4E5B9) & MASK64
    return x ^ (x >> 32)


def calibrate():
    """Rounds of churn per microsecond in this interpreter (above 0)."""
    x, start = 1, peerlib.clock()
    for _ in range(CALIBRATE_ROUNDS):
        x = churn(x)
    took = peerlib.clock() - start
    return CALIBRATE_ROUNDS / (took * 1e6) if took > 0 else 1.0


def add_options(parser):
    parser.add_argument("--requests", type=int, default=256, help="requests (units) per run [256]")
    parser.add_argument("--delay-us", type=float, default=2000,
                        help="microseconds the server waits before each reply [2000]")
    parser.add_argument("--work-us", type=float, default=50,
                        help="microseconds of CPU work on each reply, holding the GIL [50]")
    parser.add_argument("--cpu-hogs", type=int, default=0,
                        help="threads spinning in the peer's process beside the requests [0]")


# ---- The server: a forked process; its log answers LOG_REQUEST.

def _recv_exactly(sock, size):
    """size bytes from sock, or b'' when it closed first."""
    data = b""
    while len(data) < size:
        got = sock.recv(size - len(data))
        if not got:
            return b""
        data += got
    return data


def serve(listener, delay_s, parent):
    """The server's loop: accept, read 8-byte requests, answer each after delay_s,
    log it; until killed (it dies with the peer)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # started with them blocked (starting_workers)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, peerlib.STOP_SIGNALS)
    peerlib.die_with_parent(parent)
    poller = select.poll()
    poller.register(listener.fileno(), select.POLLIN)
    conns, buffers, due = {}, {}, []  # fd -> socket, fd -> bytes read, heap of (when, fd, unit)
    count = total = 0
    while True:
        now = peerlib.clock()
        while due and due[0][0] <= now:
            _, fd, unit = heapq.heappop(due)
            reply = reply_of(unit)
            count, total = count + 1, (total + reply) & MASK64
            try:
                conns[fd].sendall(struct.pack("<Q", reply))
            except (KeyError, socket.error):
                pass
        timeout = max(0.0, due[0][0] - now) * 1000 if due else None
        for fd, _ in poller.poll(timeout):
            if fd == listener.fileno():
                sock, _ = listener.accept()
                conns[sock.fileno()], buffers[sock.fileno()] = sock, b""
                poller.register(sock.fileno(), select.POLLIN)
                continue
            try:
                got = conns[fd].recv(8 - len(buffers[fd]))
            except socket.error:
                got = b""
            if not got:
                poller.unregister(fd)
                conns.pop(fd).close()
                del buffers[fd]
                continue
            buffers[fd] += got
            if len(buffers[fd]) == 8:
                unit = struct.unpack("<Q", buffers[fd])[0]
                buffers[fd] = b""
                if unit == LOG_REQUEST:
                    conns[fd].sendall(struct.pack("<QQ", count, total))
                else:
                    heapq.heappush(due, (peerlib.clock() + delay_s, fd, unit))


def start_server(delay_s):
    """Fork the server; return its abstract socket address (a str)."""
    global _SERVER
    address = "\0tvp-io-py-%d" % os.getpid()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(1024)
    process = peerlib.mp_context("fork").Process(target=serve, args=(listener, delay_s, os.getpid()))
    process.daemon = True
    with peerlib.starting_workers():
        process.start()
    listener.close()
    _SERVER = process
    atexit.register(stop)
    return address


def server_log(address):
    """(count, sum) of the replies the server has sent."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(address)
        sock.sendall(struct.pack("<Q", LOG_REQUEST))
        return struct.unpack("<QQ", _recv_exactly(sock, 16))
    finally:
        sock.close()


# ---- Hogs.

def hog():
    """Spin (holding the GIL between its checks) until told to stop."""
    x = 1
    while not _STOP_HOGS.is_set():
        for _ in range(1000):
            x = churn(x)


def stop():
    """At exit: stop the hogs and the server."""
    _STOP_HOGS.set()
    for thread in _HOGS:
        thread.join()
    if _SERVER is not None and _SERVER.is_alive():
        _SERVER.terminate()
        _SERVER.join()


def prepare(args):
    if not 1 <= args.requests <= 100000000:
        raise ValueError("--requests must be 1 to 100000000")
    if not 0 <= args.delay_us <= MAX_DELAY_US:
        raise ValueError("--delay-us %g is out of range (0 to %g microseconds)"
                         % (args.delay_us, MAX_DELAY_US))
    if not 0 <= args.work_us <= MAX_DELAY_US:
        raise ValueError("--work-us %g is out of range (0 to %g microseconds)"
                         % (args.work_us, MAX_DELAY_US))
    if not 0 <= args.cpu_hogs <= MAX_HOGS:
        raise ValueError("--cpu-hogs %d is out of range (0 to %d)" % (args.cpu_hogs, MAX_HOGS))
    rounds = int(args.work_us * calibrate()) if args.work_us > 0 else 0
    address = start_server(args.delay_us * 1e-6)
    for _ in range(args.cpu_hogs):
        thread = threading.Thread(target=hog)
        thread.daemon = True
        thread.start()
        _HOGS.append(thread)
    return {"units": args.requests, "address": address, "rounds": rounds,
            "delay_us": args.delay_us, "work_us": args.work_us, "cpu_hogs": args.cpu_hogs}


def run_task(job, first, count, mark):
    """(sum of the replies, replies) of requests [first, first + count), one connection."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(job["address"])
    total = received = 0
    try:
        for unit in range(first, first + count):
            sock.sendall(struct.pack("<Q", unit))  # the GIL is released while it waits
            data = _recv_exactly(sock, 8)
            if not data:
                raise RuntimeError("io: the server closed the connection at request %d" % unit)
            reply = struct.unpack("<Q", data)[0]
            x = reply
            for _ in range(job["rounds"]):
                if mark is not None:
                    mark()
                x = churn(x)
            total, received = (total + reply) & MASK64, received + 1
    finally:
        sock.close()
    return total, received


def reduce(job, partials):
    """The sum of the replies; 'log-mismatch' (a wrong answer) when it differs from
    what the server's log says it sent in this run."""
    total = sum(p[0] for p in partials) & MASK64
    received = sum(p[1] for p in partials)
    count, logged = server_log(job["address"])
    run_count, run_sum = count - _SEEN[0], (logged - _SEEN[1]) & MASK64
    _SEEN[0], _SEEN[1] = count, logged
    if run_count != received or run_sum != total:
        sys.stderr.write("io: the workers received %d replies (sum %d), the server's log says it "
                         "sent %d (sum %d)\n" % (received, total, run_count, run_sum))
        return "log-mismatch"
    return str(total)


def params(job):
    return {"requests": job["units"], "delay-us": job["delay_us"], "work-us": job["work_us"],
            "cpu-hogs": job["cpu_hogs"]}


if __name__ == "__main__":
    sys.exit(peerlib.main(sys.modules[__name__]))

#!/usr/bin/env python3
"""orphans.py - run a command as a child subreaper and report every process it leaves behind.

usage: orphans.py [--signal SIG --children N] [--group | --thread] [--deadline S] [--grace SECONDS] -- COMMAND...

Marks itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so any
process the command forks and does not reap is re-parented here when the
command exits. With --signal, waits until the command has at least N
child processes (or, with N = 0, for 1 s), then sends it SIG (INT, TERM,
KILL, ...); with --group, the command runs in a process group of its own
and SIG goes to the whole group, as Ctrl-C at a terminal does; with
--thread, SIG goes to one thread of the command other than its main
thread, the first that does not block SIG (tgkill), as the kernel may
choose for a process-directed signal; with --deadline S, a command still
running S seconds after the signal is killed (its group too with --group)
and the exit status is 124. After the
command exits, waits up to --grace seconds (default 0: none) for what it
left to die, reaping as it goes. Prints on stderr one
line "orphans: N left, M still alive after GRACE s (pids ...)" and exits
with the command's status (128 + signal when a signal ended it), or 99
when a process is still alive after the grace time (it is then killed),
or 98 when --grace is 0 and any orphan, even a zombie, appeared.
"""
import ctypes
import os
import signal
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def children_of(pid):
    """The pids whose parent is pid (from /proc/*/stat)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def open_thread(pid, sig):
    """A thread of pid, not its main one, that does not block sig; None if none."""
    for entry in sorted(os.listdir(f"/proc/{pid}/task"), key=int):
        if int(entry) == pid:
            continue
        try:
            with open(f"/proc/{pid}/task/{entry}/status") as status:
                mask = [line.split()[1] for line in status if line.startswith("SigBlk:")][0]
        except (OSError, IndexError):
            continue
        if not int(mask, 16) & (1 << (sig - 1)):
            return int(entry)
    return None


def alive(pid):
    """True when pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def main(argv):
    sig, need, grace, group, thread, limit = None, 0, 0.0, False, False, None
    while argv and argv[0] != "--":
        if argv[0] == "--signal":
            sig = getattr(signal, "SIG" + argv[1])
        elif argv[0] == "--children":
            need = int(argv[1])
        elif argv[0] == "--grace":
            grace = float(argv[1])
        elif argv[0] == "--deadline":
            limit = float(argv[1])
        elif argv[0] in ("--group", "--thread"):
            group = group or argv[0] == "--group"
            thread = thread or argv[0] == "--thread"
            argv = argv[1:]
            continue
        else:
            sys.exit(f"orphans.py: unknown option {argv[0]}")
        argv = argv[2:]
    command = argv[1:]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("orphans.py: cannot become a child subreaper")
    # The command gets SIGINT at its default, as from an interactive shell.
    def prepare_child():
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if group:
            os.setpgid(0, 0)
    child = subprocess.Popen(command, restore_signals=True, preexec_fn=prepare_child)
    if sig is not None:
        deadline = time.monotonic() + 30
        if need == 0:
            time.sleep(1.0)
        while need and len(children_of(child.pid)) < need and time.monotonic() < deadline:
            if child.poll() is not None:
                break
            time.sleep(0.02)
        print(f"orphans.py: {len(children_of(child.pid))} children; sending {signal.Signals(sig).name}",
              file=sys.stderr)
        if group:
            os.killpg(child.pid, sig)
        elif thread:
            target = open_thread(child.pid, sig)
            if target is None:
                child.kill()
                child.wait()
                sys.exit("orphans.py: no thread but the main one takes the signal")
            if libc.tgkill(child.pid, target, sig) != 0:
                sys.exit(f"orphans.py: tgkill: {os.strerror(ctypes.get_errno())}")
        else:
            child.send_signal(sig)
    try:
        status = child.wait(timeout=limit if sig is not None else None)
        status = 128 - status if status < 0 else status
    except subprocess.TimeoutExpired:
        print(f"orphans.py: still running {limit:g} s after the signal: killed", file=sys.stderr)
        if group:
            os.killpg(child.pid, signal.SIGKILL)
        child.kill()
        child.wait()
        status = 124
    left = children_of(os.getpid())
    end = time.monotonic() + grace
    while time.monotonic() < end and any(alive(pid) for pid in children_of(os.getpid())):
        time.sleep(0.02)
    still = [pid for pid in children_of(os.getpid()) if alive(pid)]
    for pid in still:
        os.kill(pid, signal.SIGKILL)
    while True:
        try:
            if os.waitpid(-1, 0)[0] <= 0:
                break
        except ChildProcessError:
            break
    print(f"orphans: {len(left)} left, {len(still)} still alive after {grace:g} s"
          f" (pids {' '.join(map(str, left)) or '-'})", file=sys.stderr)
    if still:
        return 99
    if grace == 0 and left:
        return 98
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env bats
# peers-stop.bats - a stopped Python peer stops its workers at once: one line, no traceback, nothing left.

bats_require_minimum_version 1.5.0
load ../cli/helpers

TOP="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
PEERS="$TOP/peers/python"
ORPHANS="$TOP/tests/integration/orphans.py"
# Work that takes minutes, so a peer that goes on computing is caught by the timeout.
LONG_PRIMES=(--from 2 --to 400000000 --block 100000)

setup() {
	command -v python3 >/dev/null || skip "no python3: the peers cannot run here"
}

# pyenv_python VERSION_PREFIX: the path of a pyenv CPython of that version, or nothing.
pyenv_python() {
	local root p
	root="$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")"
	for p in "$root"/versions/"$1"*/bin/python; do
		[ -x "$p" ] && { echo "$p"; return; }
	done
}

# stop_peer PYTHON SIGNAL GROUP MODEL CHILDREN [WORKLOAD ARGS...]: start the peer on long
# work, send SIGNAL (to its whole process group when GROUP is "group", as Ctrl-C does; to
# one of its threads other than the main one when GROUP is "thread"; else to its pid) once
# it has CHILDREN child processes (or after 1 s), and check: it ends within 30 s (the work
# takes minutes; orphans.py kills it after that, exit 124)
# with 128 + the signal, prints one line naming the signal and no traceback, and leaves no
# process alive 2 s later (orphans.py: a child subreaper).
stop_peer() {
	local python=$1 sig=$2 group=$3 model=$4 children=$5 workload=${6:-primes}
	shift 6 2>/dev/null || shift $#
	local args=("$@") flags=(--signal "$sig" --children "$children" --deadline 30 --grace 2)
	[ ${#args[@]} -gt 0 ] || args=("${LONG_PRIMES[@]}")
	[ "$group" = group ] && flags+=(--group)
	[ "$group" = thread ] && flags+=(--thread)
	run --separate-stderr python3 "$ORPHANS" "${flags[@]}" -- \
		"$python" "$PEERS/$workload.py" --model "$model" --workers 2 "${args[@]}"
	echo "status $status"
	echo "stderr: $stderr"
	local want=130
	[ "$sig" = TERM ] && want=143
	[ "$status" -eq "$want" ] || { echo "expected exit $want (124: still running after 30 s; 99: a process survived)"; return 1; }
	local peer_lines
	peer_lines="$(printf '%s\n' "$stderr" | grep -v '^orphans')"
	[ "$(printf '%s\n' "$peer_lines" | wc -l)" -eq 1 ] || { echo "not one line: $peer_lines"; return 1; }
	[[ "$peer_lines" == "$workload.py: stopped by SIG$sig; workers stopped" ]] || { echo "wrong line"; return 1; }
	[[ "$stderr" != *Traceback* ]]
	[[ "$stderr" == *"still alive after 2 s"* && "$stderr" == *" 0 still alive"* ]]
}

@test "SIGTERM to a process peer stops its workers at once (they kept computing)" {
	stop_peer python3 TERM pid process 2
}

@test "SIGTERM to a process peer on Mandelbrot stops its workers at once" {
	stop_peer python3 TERM pid process 2 mandelbrot --width 4000 --height 3000 --iterations 5000
}

@test "Ctrl-C (SIGINT to the group) stops a threading peer at once, not after its threads" {
	stop_peer python3 INT group threading 0
}

@test "a signal that reaches a worker thread, not the main one, stops the peer at once" {
	# CPython runs Python-level handlers in the main thread only, and a main thread blocked
	# in a join is not woken by a signal another thread took: before peerlib's watcher
	# thread, the peer computed on (the work takes minutes). The same loss, by a race, left
	# 7 Ctrl-Cs in 250 to a pool peer unhandled under CPython 3.12 (and some under 3.11).
	stop_peer python3 INT thread threading 0
	stop_peer python3 TERM thread futures-thread 0
}

@test "Ctrl-C stops a pool peer with one line, no traceback from its workers" {
	stop_peer python3 INT group pool 2
}

@test "SIGINT and SIGTERM stop every other model under python3, workers and executors included" {
	for model in serial futures-thread futures-process process-spawn process-forkserver \
		pool-spawn pool-forkserver; do
		workers=2
		[ "$model" = serial ] && workers=0
		[ "$model" = futures-thread ] && workers=0
		echo "== $model"
		if [ "$model" = serial ]; then
			run --separate-stderr python3 "$ORPHANS" --signal TERM --children 0 \
				--deadline 30 --grace 2 -- python3 "$PEERS/primes.py" --model serial "${LONG_PRIMES[@]}"
			[ "$status" -eq 143 ] && [[ "$stderr" == *"primes.py: stopped by SIGTERM"* ]]
			continue
		fi
		stop_peer python3 INT group "$model" "$workers"
		stop_peer python3 TERM pid "$model" "$workers"
	done
}

@test "SIGINT and SIGTERM stop subinterpreters at once (3.12, 3.13)" {
	found=0
	for version in 3.12 3.13; do
		py="$(pyenv_python "$version")"
		if [ -z "$py" ]; then
			echo "# no CPython $version here: subinterp not stopped under it" >&3
			continue
		fi
		found=1
		stop_peer "$py" INT group subinterp 0
		stop_peer "$py" TERM pid subinterp 0
	done
	[ "$found" -eq 1 ] || skip "no CPython 3.12 or 3.13: no subinterpreters with their own GIL"
}

@test "under Python 2 too, a stopped peer stops its workers at once" {
	py2="$(pyenv_python 2.)"
	[ -n "$py2" ] || { python2 -c pass 2>/dev/null && py2=python2; }
	[ -n "$py2" ] || skip "no Python 2 interpreter here"
	stop_peer "$py2" INT group threading 0
	stop_peer "$py2" TERM pid threading 0
	stop_peer "$py2" TERM pid process 2
	stop_peer "$py2" INT group pool 2
}

#!/usr/bin/env bats
# mpi-faults.bats - the mpi model's faults: a rank killed, crashing or exiting is named with its host,
# Ctrl-C ends every rank, a missing mpirun, hostfile or host is one line; nothing is left running.

bats_require_minimum_version 1.5.0
load ../cli/helpers
load mpi_helper

ORPHANS="$BATS_TEST_DIRNAME/orphans.py"

setup() {
	need_mpi
	scratch=$(mktemp -d)
	# A mark on the command line of every process of this test's run: mpirun's and the
	# ranks' (the seed orders only the random schedule, which these runs do not use).
	mark=$((700000 + RANDOM))
}

teardown() {
	[ -z "${mark:-}" ] || pkill -KILL -f -- "--seed $mark( |$)" 2>/dev/null || true
	[ -z "${scratch:-}" ] || rm -rf "$scratch"
}

# nothing_left: no process of this run (tvp, mpirun, a rank, an orted) is still alive.
nothing_left() {
	local left
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		left=$(pgrep -af -- "--seed $mark( |$)" || true)
		[ -n "$left" ] || return 0
		sleep 0.5
	done
	echo "left running: $left"
	return 1
}

# tvp_lines: the lines of $stderr that tvp printed (not orphans.py's).
tvp_lines() { grep -E '^tvp( |:)' <<<"$stderr" || true; }

# one_tvp_line PATTERN: exactly one line from tvp, matching the bash regex.
one_tvp_line() {
	local lines
	lines=$(tvp_lines)
	[ "$(wc -l <<<"$lines")" -eq 1 ] || { echo "not one line: $stderr"; return 1; }
	[[ "$lines" =~ $1 ]] || { echo "line '$lines' does not match '$1'"; return 1; }
}

LONG=(primes --to 2000000000 --block 10000 --repeat 1 --warmup 0 --model mpi)

# job_segments: set segments, the pattern of the shared-memory segments of this test's
# job (btl vader's /dev/shm/vader_segment.HOST.UID.JOB.RANK, JOB in hex), from the
# jobid in a running rank's environment.
job_segments() {
	local job
	job=$(pgrep -f -- "--seed $mark( |$)" | xargs -I{} cat /proc/{}/environ 2>/dev/null |
		tr '\0' '\n' | sed -n 's/^OMPI_MCA_ess_base_jobid=//p' | head -1)
	[ -n "$job" ] || { echo "no rank shows its jobid"; return 1; }
	segments="/dev/shm/vader_segment.*.$(id -u).$(printf %x "$job").*"
}

# no_segments: none of the job's shared-memory segments is left.
no_segments() {
	if compgen -G "$segments"; then
		echo "Open MPI's shared memory is left in /dev/shm"
		return 1
	fi
}

# rank_fault FAULT WORKERS PATTERN: tvp primes --model mpi on WORKERS ranks under
# TVP_FAULT=FAULT fails with exit 1 and exactly one line from tvp, matching the bash
# regex PATTERN; no process of the run is left (orphans.py and pgrep).
rank_fault() {
	TVP_FAULT=$1 run --separate-stderr "$ORPHANS" --grace 3 -- \
		"$TVP" primes --to 200000 --model mpi --workers "$2" --seed "$mark"
	[ "$status" -eq 1 ] || { echo "$1: exit $status: $stderr"; return 1; }
	one_tvp_line "$3"
	[[ "$stderr" == *"orphans: 0 left, 0 still alive"* ]] || { echo "$stderr"; return 1; }
	nothing_left
}

@test "a rank killed by SIGKILL: named with its host and rank, exit 1, nothing left" {
	rank_fault die:worker=1:how=kill 3 "^tvp: mpi rank 1 on $(hostname) died by signal 9 \(Killed\)$"
}

@test "a rank that segfaults, and rank 0 itself killed: each named, exit 1, nothing left" {
	rank_fault die:worker=2:how=segv 3 "^tvp: mpi rank 2 on $(hostname) died by signal 11 \(Segmentation fault\)$"
	rank_fault die:worker=0:how=kill 2 "^tvp: mpi rank 0 on $(hostname) died by signal 9 \(Killed\)$"
}

@test "a rank that calls exit (how=exit) is a process's exit: named with its host and status 3, exit 1, nothing left" {
	rank_fault die:worker=2:how=exit 3 "^tvp: mpi rank 2 on $(hostname) exited with status 3$"
}

@test "rank 0 that calls exit (how=exit) ends the harness with it, and says so: exit 1, nothing left" {
	rank_fault die:worker=0:how=exit 2 \
		"^tvp: mpi rank 0 on $(hostname) exited with status 3: rank 0 is the harness, so the run ended with it$"
}

@test "Ctrl-C (SIGINT to the terminal's process group) ends every rank: exit 130, nothing left, no shared memory" {
	setsid "$TVP" "${LONG[@]}" --workers 3 --seed "$mark" >"$scratch/out" 2>"$scratch/err" &
	local tvp=$!
	# Wait until the three ranks run (tvp, mpirun and three ranks carry the mark).
	for _ in $(seq 100); do
		[ "$(pgrep -fc -- "--seed $mark( |$)")" -ge 5 ] && break
		sleep 0.1
	done
	[ "$(pgrep -fc -- "--seed $mark( |$)")" -ge 5 ] || { pgrep -af -- "--seed $mark"; return 1; }
	job_segments
	sleep 0.5 # in MPI_Init or the reference pass: then Open MPI left its segments 2 times in 3
	kill -INT -- "-$tvp" # the group: as a terminal sends it
	local status=0
	wait "$tvp" || status=$?
	[ "$status" -eq 130 ] || { echo "exit $status: $(cat "$scratch/err")"; return 1; }
	nothing_left
	no_segments
	stderr=$(cat "$scratch/err")
	one_tvp_line "^tvp: ended by signal 2 \(Interrupt\); mpirun ended every rank$"
}

@test "mpirun and every rank killed (SIGKILL, as the OOM killer would): one line, exit 1, no shared memory left" {
	"$TVP" "${LONG[@]}" --workers 2 --seed "$mark" >"$scratch/out" 2>"$scratch/err" &
	local tvp=$!
	for _ in $(seq 100); do # tvp, mpirun and two ranks
		[ "$(pgrep -fc -- "--seed $mark( |$)")" -ge 4 ] && break
		sleep 0.1
	done
	job_segments
	for _ in $(seq 100); do # the ranks make them in MPI_Init
		compgen -G "$segments" >/dev/null && break
		sleep 0.1
	done
	compgen -G "$segments" >/dev/null || { echo "no segment $segments"; return 1; }
	sleep 0.5 # rank 0 has said its job number
	pgrep -f -- "--seed $mark( |$)" | grep -vx "$tvp" | xargs kill -KILL
	local status=0
	wait "$tvp" || status=$?
	[ "$status" -eq 1 ] || { echo "exit $status: $(cat "$scratch/err")"; return 1; }
	stderr=$(cat "$scratch/err")
	one_tvp_line "^tvp: mpirun died by signal 9$"
	nothing_left
	no_segments
}

@test "SIGTERM to tvp alone: passed to mpirun, which ends every rank; nothing left" {
	"$TVP" "${LONG[@]}" --workers 2 --seed "$mark" >"$scratch/out" 2>"$scratch/err" &
	local tvp=$!
	for _ in $(seq 100); do
		[ "$(pgrep -fc -- "--seed $mark( |$)")" -ge 4 ] && break
		sleep 0.1
	done
	kill -TERM "$tvp"
	local status=0
	wait "$tvp" || status=$?
	[ "$status" -eq 143 ] || { echo "exit $status: $(cat "$scratch/err")"; return 1; }
	nothing_left
}

@test "a hostfile naming an unreachable host: one line naming it, exit 1, nothing left" {
	# The launcher mpirun runs in place of ssh fails as ssh does when no route exists:
	# no network is touched.
	cat >"$scratch/agent" <<-'EOF'
		#!/bin/sh
		echo "ssh: connect to host $1 port 22: No route to host" >&2
		exit 255
	EOF
	chmod +x "$scratch/agent"
	echo "node-unreachable.invalid slots=2" >"$scratch/hosts"
	TVP_MPIRUN_ARGS="--mca plm_rsh_agent $scratch/agent" run --separate-stderr "$ORPHANS" --grace 3 -- \
		"$TVP" primes --to 200000 --model mpi --workers 2 --hostfile "$scratch/hosts" --seed "$mark"
	[ "$status" -eq 1 ] || { echo "exit $status: $stderr"; return 1; }
	one_tvp_line "^tvp: mpirun could not start its daemon on a host of $scratch/hosts .*node-unreachable"
	[[ "$stderr" == *"orphans: 0 left, 0 still alive"* ]] || { echo "$stderr"; return 1; }
	nothing_left
}

@test "a missing hostfile, a missing mpirun, a missing --file: one line each, exit 2" {
	expect_usage_error primes --model mpi --workers 2 --hostfile "$scratch/none"
	[[ "$stderr" == "tvp: --hostfile $scratch/none: No such file or directory" ]]
	run --separate-stderr env PATH=/nonexistent "$TVP" primes --model mpi --workers 2
	[ "$status" -eq 2 ]
	[ "$stderr" = "tvp: the mpi model needs mpirun, which is not on PATH (install openmpi-bin)" ]
	# Every rank misses the file: one line, not one per rank.
	run --separate-stderr "$TVP" grep --file "$scratch/none.txt" --regex a --model mpi --workers 3 \
		--seed "$mark"
	[ "$status" -eq 2 ] || { echo "exit $status: $stderr"; return 1; }
	one_tvp_line "^tvp: grep: cannot read --file $scratch/none.txt: No such file or directory$"
	nothing_left
}

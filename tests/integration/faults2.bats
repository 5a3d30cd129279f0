#!/usr/bin/env bats
# faults2.bats - issue 13 ("Faults, round two"), the cases with workers and signals:
# stopped workers and the watchdog, --timeout, idle deaths, retries in the record,
# signals during fork, nohup, temporary files, tvp overhead. Each failed before its fix.

bats_require_minimum_version 1.5.0
load ../cli/helpers

ORPHANS="$BATS_TEST_DIRNAME/orphans.py"
ANSWER=3709507114 # the primes below 300000
SMALL=(primes --from 0 --to 300000 --block 10000 --format csv --schedule static --chunk 1)
LONG=(primes --from 2 --to 30000000 --repeat 1 --warmup 0 --format csv)

setup() {
	scratch=$(mktemp -d)
}

teardown() {
	rm -rf "$scratch"
}

# tvp_lines: the lines of $stderr that tvp printed (not orphans.py's).
tvp_lines() { grep '^tvp: ' <<<"$stderr" || true; }

no_orphans() {
	[[ "$stderr" == *"orphans: 0 left, 0 still alive"* ]] || { echo "left behind: $stderr"; return 1; }
}

# children PID: the child processes of PID, one per line.
children() { cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep . || true; }

# await_children PID N: wait (at most 30 s) until PID has N children; print them.
await_children() {
	local tries=0 kids
	while [ "$tries" -lt 1500 ]; do
		kids=$(children "$1")
		if [ -n "$kids" ] && [ "$(wc -l <<<"$kids")" -ge "$2" ]; then
			echo "$kids"
			return 0
		fi
		sleep 0.02
		tries=$((tries + 1))
	done
	echo "pid $1 never had $2 children" >&2
	return 1
}

# start_tvp ARGS...: tvp ARGS in the background under orphans.py (60 s at most);
# $runner is the timeout pid, $tvp tvp's (found by its executable: python3 may start
# through a pyenv shim that runs commands of its own first); output in $scratch/out, /err.
start_tvp() {
	timeout 60 "$ORPHANS" -- "$TVP" "$@" >"$scratch/out" 2>"$scratch/err" &
	runner=$!
	local exe tries=0 middle pid
	exe=$(readlink -f "$TVP")
	tvp=
	while [ -z "$tvp" ] && [ "$tries" -lt 1000 ]; do
		for middle in $(children "$runner"); do
			for pid in $(children "$middle"); do
				[ "$(readlink -f /proc/"$pid"/exe 2>/dev/null)" = "$exe" ] && tvp=$pid
			done
		done
		sleep 0.02
		tries=$((tries + 1))
	done
	[ -n "$tvp" ] || { echo "tvp never started" >&2; return 1; }
}

# default_signals COMMAND...: run COMMAND with SIGINT, SIGQUIT, SIGHUP and SIGTERM at their
# defaults (a background job of a script starts with SIGINT and SIGQUIT ignored, a run under
# nohup with SIGHUP ignored, and tvp keeps an ignored signal ignored).
default_signals() {
	exec python3 -c 'import os, signal, sys
for s in (signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGTERM):
    signal.signal(s, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' "$@"
}

# finish_tvp: wait for the background run; status, output and stderr as `run` sets them.
finish_tvp() {
	status=0
	wait "$runner" || status=$?
	output=$(cat "$scratch/out")
	stderr=$(cat "$scratch/err")
}

@test "case 8: a stopped fork or pool worker is named with its state; the run fails, nothing hangs" {
	for model in fork pool; do
		start_tvp "${LONG[@]}" --model "$model" --workers 2 --stall-timeout 2
		local workers
		workers=$(await_children "$tvp" 2) || { cat "$scratch/err"; return 1; }
		kill -STOP "$(head -1 <<<"$workers")"
		finish_tvp
		[ "$status" -eq 1 ] || { echo "$model: status $status: $stderr"; return 1; }
		[[ "$(tvp_lines)" =~ ^tvp:\ worker\ [01]\ \(pid\ [0-9]+\)\ is\ stopped\ \(state\ T:\ SIGSTOP\ or\ SIGTSTP\)\ and\ has\ made\ no\ progress\ for\ 2\ s\ \(--stall-timeout\)\ (during\ task\ [0-9]+\ \(units\ [0-9-]+\)|between\ tasks)\;\ stopping\ the\ other\ workers$ ]] ||
			{ echo "$model: $stderr"; return 1; }
		no_orphans
	done
}

@test "case 8: under --retry a stopped worker is killed and replaced; the answer verifies" {
	start_tvp "${SMALL[@]}" --to 20000000 --model pool --workers 2 --schedule dynamic --repeat 1 \
		--warmup 0 --stall-timeout 2 --retry 1
	local workers
	workers=$(await_children "$tvp" 2) || { cat "$scratch/err"; return 1; }
	kill -STOP "$(head -1 <<<"$workers")"
	finish_tvp
	[ "$status" -eq 0 ] || { echo "status $status: $stderr"; return 1; }
	[[ "$(tvp_lines)" =~ \ is\ stopped\ \(state\ T:\ SIGSTOP\ or\ SIGTSTP\)\ and\ has\ made\ no\ progress\ for\ 2\ s\ \(--stall-timeout\)\ (during\ task\ [0-9]+\ \(units\ [0-9-]+\)|between\ tasks)\;\ replacing\ it\ \(retry\ 1\ of\ 1\)$ ]] ||
		{ echo "$stderr"; return 1; }
	[[ "$output" == *",12272577818052,true,"* ]]
	no_orphans
}

@test "case 8: --timeout bounds a whole run: one line naming what ran, exit 1, workers reaped" {
	run --separate-stderr timeout 60 "$ORPHANS" -- "$TVP" "${LONG[@]}" --to 3000000 --model fork \
		--workers 2 --repeat 100000 --timeout 1.5
	[ "$status" -eq 1 ] || { echo "status $status: $stderr"; return 1; }
	[[ "$(tvp_lines)" =~ ^tvp:\ timed\ out\ after\ 1.5\ s\ \(--timeout\)\ while\ running\ (warm-up\ 1\ of\ 1|repeat\ [0-9]+\ of\ 100000)\ \(fork,\ 2\ workers\)(:\ killed\ and\ reaped\ [0-2]\ worker\ process(es)?)?$ ]] ||
		{ echo "$stderr"; return 1; }
	[ -z "$output" ]
	no_orphans
	expect_usage_error "${SMALL[@]}" --timeout -1
	expect_usage_error "${SMALL[@]}" --stall-timeout 0
}

@test "case 10: --timeout covers the reference pass and the runs and names them (GNU regex back-references, a sieve)" {
	# GNU regex (grep's own matcher for back-references) has no match limit: on this line it
	# runs for minutes. It is the reference of --engine pcre2 and the engine of --engine posix.
	python3 -c "print(('a' * 80 + 'c\n') * 2, end='')" >"$scratch/a.txt"
	run --separate-stderr timeout 60 "$TVP" grep --engine pcre2 --file "$scratch/a.txt" \
		--regex '((a*)*)*\2\1c' --timeout 2
	[ "$status" -eq 1 ] || { echo "status $status: $stderr"; return 1; }
	[[ "$stderr" == "tvp: timed out after 2 s (--timeout) while computing the reference answer of grep "*"engine=pcre2"*"(the other engine (GNU regex for pcre2, PCRE2 for posix) on its own, with no units, prefilter or workers)" ]] ||
		{ echo "$stderr"; return 1; }
	run --separate-stderr timeout 60 "$TVP" grep --engine posix --file "$scratch/a.txt" \
		--regex '((a*)*)*\2\1c' --timeout 2 --expect 2
	[ "$status" -eq 1 ] || { echo "status $status: $stderr"; return 1; }
	[[ "$stderr" == "tvp: timed out after 2 s (--timeout) while running warm-up 1 of 1 (serial, 1 workers)"* ]] ||
		{ echo "$stderr"; return 1; }
	run --separate-stderr timeout 60 "$TVP" primes --to 4294967296 --timeout 1
	[ "$status" -eq 1 ] || { echo "status $status: $stderr"; return 1; }
	[[ "$stderr" == "tvp: timed out after 1 s (--timeout) while computing the reference answer of primes from=2 to=4294967296 block=10000 (segmented sieve of Eratosthenes)" ]]
}

@test "case 19: a worker that dies while idle is named at once as idle, and --retry replaces it" {
	# fork: a worker that dies as the last one to finish is found as its crew is reaped,
	# its results in: named the same way, "after its work was done".
	local late='while idle, after its work was done'
	for model in fork pool; do
		TVP_FAULT=die:worker=0:idle run --separate-stderr timeout 60 "$ORPHANS" -- "$TVP" "${SMALL[@]}" \
			--model "$model" --workers 2 --repeat 3
		[ "$status" -eq 1 ] || { echo "$model: status $status: $stderr"; return 1; }
		[[ "$(tvp_lines)" =~ ^tvp:\ worker\ 0\ \(pid\ [0-9]+\)\ was\ killed\ by\ signal\ 9\ \(Killed\)\ (while\ idle\;\ stopping\ the\ other\ workers|$late)$ ]] ||
			{ echo "$model: $stderr"; return 1; }
		no_orphans
		TVP_FAULT=die:worker=0:idle run --separate-stderr timeout 60 "$ORPHANS" -- "$TVP" "${SMALL[@]}" \
			--model "$model" --workers 2 --repeat 3 --retry 1
		[ "$status" -eq 0 ] || { echo "$model: status $status: $stderr"; return 1; }
		[[ "$(tvp_lines)" =~ ^tvp:\ worker\ 0\ \(pid\ [0-9]+\)\ was\ killed\ by\ signal\ 9\ \(Killed\)\ (while\ idle\;\ replacing\ it\ \(retry\ 1\ of\ 1\)|$late\ \(its\ results\ were\ in:\ nothing\ to\ retry\))$ ]] ||
			{ echo "$model: $stderr"; return 1; }
		[[ "$output" == *",$ANSWER,true,"* ]]
		no_orphans
	done
}

@test "case 7: a repeat with a replaced worker is counted in JSON and CSV, marked, and kept out of the medians" {
	TVP_FAULT=die:worker=1:task=4 run --separate-stderr "$TVP" "${SMALL[@]}" --model fork --workers 3 \
		--retry 1 --repeat 2 --warmup 0 --format json --output "$scratch/r.json"
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	run python3 -c '
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
assert run["retries"] == 1 and run["retries_per_repeat"] == [1, 0] and run["clean_repeats"] == 1, run
assert run["wall_s"]["median"] == run["wall_s"]["all"][1], run["wall_s"]
print("ok")' "$scratch/r.json"
	[ "$output" = ok ] || { echo "$output"; return 1; }
	TVP_FAULT=die:worker=1:task=4 run --separate-stderr "$TVP" "${SMALL[@]}" --model fork --workers 3 \
		--retry 1 --repeat 2 --warmup 0 --format table
	[[ "$output" == *"RETRIED   1 worker replaced (--retry) in 1 of 2 repeats: those repeats are left out of the wall, phase and cpu figures"* ]]
	TVP_FAULT=die:worker=1:task=4 run --separate-stderr "$TVP" "${SMALL[@]}" --model fork --workers 3 \
		--retry 1 --repeat 2 --warmup 0 --format csv
	run python3 -c 'import csv, sys; r = list(csv.DictReader(sys.stdin))[0]; print(r["retries"], r["clean_repeats"])' <<<"$output"
	[ "$output" = "1 1" ]
}

@test "case 11: a signal while 256 pool workers are forked leaves none unreaped (10 runs)" {
	for attempt in 1 2 3 4 5 6 7 8 9 10; do
		run --separate-stderr timeout 60 "$ORPHANS" --signal TERM --children $((attempt * 20)) -- \
			"$TVP" "${LONG[@]}" --model pool --workers 256
		[ "$status" -eq 143 ] || { echo "run $attempt: status $status: $stderr"; return 1; }
		no_orphans
	done
}

@test "case 13: with SIGHUP ignored (nohup), a hang-up reaches tvp and its workers and the run completes" {
	bash -c 'trap "" HUP; exec "$@"' _ "$TVP" "${LONG[@]}" --to 8000000 --model pool --workers 2 \
		>"$scratch/out" 2>"$scratch/err" &
	local tvp=$! workers
	workers=$(await_children "$tvp" 2) || { cat "$scratch/err"; return 1; }
	kill -HUP "$tvp" $workers
	status=0
	wait "$tvp" || status=$?
	[ "$status" -eq 0 ] || { echo "status $status: $(cat "$scratch/err")"; return 1; }
	grep -q ',true,' "$scratch/out"
}

@test "case 12: SIGINT while --image is written leaves no temporary file (the mkstemp fallback)" {
	TVP_NO_TMPFILE=1 default_signals "$TVP" mandelbrot --width 10000 --height 5000 --iterations 2 \
		--repeat 1 --warmup 0 --image "$scratch/m.png" >/dev/null 2>"$scratch/err" &
	local tvp=$! tries=0
	until compgen -G "$scratch/m.png.*" >/dev/null; do
		sleep 0.01
		tries=$((tries + 1))
		[ "$tries" -lt 6000 ] || { echo "no temporary file appeared"; return 1; }
	done
	kill -INT "$tvp"
	status=0
	wait "$tvp" || status=$?
	[ "$status" -eq 130 ] || { echo "status $status: $(cat "$scratch/err")"; return 1; }
	[ -z "$(ls -A "$scratch" | grep -v '^err$')" ] || { ls -la "$scratch"; return 1; }
}

@test "case 12: tvp corpus ended by SIGHUP, SIGQUIT or SIGKILL leaves no file" {
	for signal in HUP QUIT KILL; do
		TVP_NO_TMPFILE=$([ "$signal" = KILL ] && echo 0 || echo 1) \
			default_signals "$TVP" corpus --lines 50M --out "$scratch/c.txt" >/dev/null 2>"$scratch/err" &
		local tvp=$! tries=0
		if [ "$signal" = KILL ]; then
			sleep 0.5 # writing, into an unnamed file
		else
			until compgen -G "$scratch/c.txt.*" >/dev/null; do
				sleep 0.01
				tries=$((tries + 1))
				[ "$tries" -lt 3000 ] || { echo "no temporary file appeared"; return 1; }
			done
		fi
		kill -"$signal" "$tvp"
		status=0
		wait "$tvp" || status=$?
		[ "$status" -eq $((128 + $(kill -l "$signal"))) ] || { echo "$signal: status $status"; return 1; }
		[ -z "$(ls -A "$scratch" | grep -v '^err$')" ] || { echo "$signal:"; ls -la "$scratch"; return 1; }
	done
}

@test "case 17: tvp overhead stopped by SIGINT or SIGTERM says so and leaves no process" {
	for signal in INT TERM; do
		run --separate-stderr timeout 60 "$ORPHANS" --signal "$signal" --children 1 -- \
			"$TVP" overhead --repeat 20000 --transfer-mib 1 --parent-mib 1
		[ "$status" -eq $((128 + $(kill -l "$signal"))) ] || { echo "$signal: status $status: $stderr"; return 1; }
		[[ "$(tvp_lines)" =~ ^tvp:\ (interrupted\ \(SIGINT\)|terminated\ \(SIGTERM\)) ]] || { echo "$stderr"; return 1; }
		[ -z "$output" ]
		no_orphans
	done
}

@test "case 24: tvp overhead at the open-files limit names RLIMIT_NOFILE and what it needs" {
	# Only the standard descriptors open (bats keeps more), then at most 5.
	run --separate-stderr bash -c 'for fd in /proc/self/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
		exec prlimit --nofile=5 "$@"' _ "$TVP" overhead --repeat 1 --transfer-mib 1 --parent-mib 1
	[ "$status" -eq 1 ] || { echo "status $status: $stderr"; return 1; }
	[[ "$stderr" == "tvp: overhead: pipe hit the open-files limit (RLIMIT_NOFILE = 5; this needs about 7: ulimit -n 7): Too many open files" ]] ||
		{ echo "$stderr"; return 1; }
}

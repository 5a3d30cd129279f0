#!/usr/bin/env bats
# faults.bats - worker deaths, --retry, process limits, signals and a dying parent:
# each fault is named in one line, every worker is killed and reaped, nothing hangs.

bats_require_minimum_version 1.5.0
load ../cli/helpers

ORPHANS="$BATS_TEST_DIRNAME/orphans.py"
# Sum of the primes below 300000 in 30 tasks of one unit (static, dealt round
# robin: with 3 workers, task 4 is worker 1's second task).
ANSWER=3709507114
SMALL=(primes --from 0 --to 300000 --block 10000 --repeat 2 --warmup 1 --format csv
	--schedule static --chunk 1)
# A run long enough to be interrupted (it is killed well before it ends).
LONG=(primes --from 2 --to 30000000 --block 10000 --repeat 1 --warmup 0)

# tvp_lines: the lines of $stderr that tvp printed (not orphans.py's).
tvp_lines() { grep '^tvp: ' <<<"$stderr" || true; }

# no_orphans: orphans.py found nothing left behind by the run.
no_orphans() {
	[[ "$stderr" == *"orphans: 0 left, 0 still alive"* ]] || { echo "left behind: $stderr"; return 1; }
}

# one_tvp_line PATTERN: exactly one line from tvp, matching the bash regex.
one_tvp_line() {
	local lines
	lines=$(tvp_lines)
	[ "$(wc -l <<<"$lines")" -eq 1 ] || { echo "not one line: $lines"; return 1; }
	[[ "$lines" =~ $1 ]] || { echo "line '$lines' does not match '$1'"; return 1; }
}

# sanitized: tvp was built with a sanitizer (they need address space and threads of their own).
sanitized() {
	"$TVP" primes --to 100 --repeat 1 --warmup 0 --format json |
		python3 -c 'import json,sys; sys.exit(0 if "-fsanitize" in json.load(sys.stdin)["machine"]["flags"] else 1)'
}

# as_user LIMIT ARGS...: run tvp ARGS under orphans.py as a user id of its own with
# RLIMIT_NPROC = LIMIT. Root is exempt from RLIMIT_NPROC, so the test switches to an
# unused uid (nothing else counts against it) with setpriv; tvp is copied where that
# user can run it.
as_user() {
	local limit=$1
	shift
	[ "$(id -u)" -eq 0 ] || skip "needs root to run tvp as a user of its own"
	command -v setpriv >/dev/null && command -v prlimit >/dev/null || skip "needs setpriv and prlimit (util-linux)"
	local bin
	bin=$(mktemp -d)
	chmod 755 "$bin"
	cp "$TVP" "$bin/tvp"
	chmod 755 "$bin/tvp"
	uid=$((61000 + (RANDOM % 4000)))
	while pgrep -U "$uid" >/dev/null; do uid=$((uid + 1)); done
	run --separate-stderr "$ORPHANS" -- setpriv --reuid="$uid" --regid="$uid" --clear-groups \
		prlimit --nproc="$limit" "$bin/tvp" "$@"
	rm -rf "$bin"
}

@test "fork and pool above RLIMIT_NPROC: one line naming the limit, every started worker reaped" {
	for model in fork pool; do
		as_user 4 primes --to 100000 --model "$model" --workers 8
		[ "$status" -eq 1 ] || { echo "$model: status $status: $stderr"; return 1; }
		one_tvp_line '^tvp: cannot start worker [0-7] \(workers 0 to 7\): fork hit the user-process limit \(RLIMIT_NPROC = 4\)'
		no_orphans
		[ -z "$output" ]
		run pgrep -U "$uid"
		[ "$status" -ne 0 ]
	done
}

@test "the same workers fit under a higher RLIMIT_NPROC" {
	as_user 40 primes --to 100000 --model pool --workers 8 --format csv
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[[ "${lines[1]}" == *",454396537,true,"* ]]
}

@test "pthread above RLIMIT_NPROC (it counts threads): one line naming the limit" {
	as_user 4 primes --to 100000 --model pthread --workers 8
	[ "$status" -eq 1 ] || { echo "status $status: $stderr"; return 1; }
	one_tvp_line '^tvp: cannot start thread [0-7] \(workers 0 to 7\): pthread_create hit the user-process limit \(RLIMIT_NPROC = 4, which counts threads too\)'
	no_orphans
}

@test "pthread under a small RLIMIT_AS: thread stacks fail, one line naming the limit" {
	if sanitized; then skip "sanitizers reserve terabytes of address space"; fi
	run --separate-stderr timeout 30 prlimit --as=268435456 --stack=8388608 \
		"$TVP" primes --to 100000 --model pthread --workers 200
	[ "$status" -eq 1 ] || { echo "status $status: $stderr"; return 1; }
	[ -z "$output" ]
	[ "$(wc -l <<<"$stderr")" -eq 1 ]
	[[ "$stderr" =~ ^tvp:\ cannot\ start\ thread\ [0-9]+\ \(workers\ 0\ to\ 199\):\ pthread_create\ hit\ the\ address-space\ limit\ for\ thread\ stacks\ \(RLIMIT_AS\ =\ 268435456\ bytes\) ]]
}

@test "a process worker that dies (kill, segv, exit) is named with its task; the rest are reaped" {
	for model in fork pool; do
		for ipc in pipe shm; do
			for how in kill segv exit; do
				TVP_FAULT="die:worker=1:task=4:how=$how" run --separate-stderr timeout 60 \
					"$ORPHANS" -- "$TVP" "${SMALL[@]}" --model "$model" --workers 3 --ipc "$ipc"
				local what="$model $ipc $how"
				[ "$status" -eq 1 ] || { echo "$what: status $status: $stderr"; return 1; }
				[ -z "$output" ] || { echo "$what: printed results: $output"; return 1; }
				case $how in
				kill) cause='was killed by signal 9 \(Killed\)' ;;
				segv) cause='was killed by signal 11 \(Segmentation fault\)' ;;
				exit) cause='exited with status 3' ;;
				esac
				one_tvp_line "^tvp: worker 1 \(pid [0-9]+\) $cause during task 4 \(units 4-4\); stopping the other workers$" ||
					{ echo "$what"; return 1; }
				no_orphans
			done
		done
	done
}

@test "--retry: the dead worker is replaced, its task rerun, the answer verified" {
	for model in fork pool; do
		for ipc in pipe shm; do
			for how in kill segv exit; do
				TVP_FAULT="die:worker=1:task=4:how=$how" run --separate-stderr timeout 60 \
					"$ORPHANS" -- "$TVP" "${SMALL[@]}" --model "$model" --workers 3 --ipc "$ipc" --retry 1
				local what="$model $ipc $how"
				[ "$status" -eq 0 ] || { echo "$what: status $status: $stderr"; return 1; }
				[[ "${lines[1]}" == *",$ANSWER,true,"* ]] || { echo "$what: ${lines[1]}"; return 1; }
				one_tvp_line '^tvp: worker 1 \(pid [0-9]+\) .* during task 4 \(units 4-4\); replacing it \(retry 1 of 1\)$'
				no_orphans
			done
		done
	done
}

@test "--retry under a shared schedule: whoever runs task 5 dies, the run still verifies" {
	for model in fork pool; do
		for schedule in dynamic guided; do
			TVP_FAULT="die:task=5" run --separate-stderr timeout 60 "$ORPHANS" -- "$TVP" "${SMALL[@]}" \
				--model "$model" --workers 3 --schedule "$schedule" --retry 2
			[ "$status" -eq 0 ] || { echo "$model $schedule: status $status: $stderr"; return 1; }
			[[ "${lines[1]}" == *",$ANSWER,true,"* ]]
			one_tvp_line 'during task 5 .*; replacing it \(retry 1 of 2\)$'
			no_orphans
		done
	done
}

@test "--retry is a budget: a second death with one retry fails, naming both" {
	for model in fork pool; do
		TVP_FAULT="die:task=4:times=2" run --separate-stderr timeout 60 "$ORPHANS" -- "$TVP" "${SMALL[@]}" \
			--model "$model" --workers 3 --retry 1
		[ "$status" -eq 1 ] || { echo "$model: status $status: $stderr"; return 1; }
		[ "$(tvp_lines | wc -l)" -eq 2 ]
		[[ "$(tvp_lines | head -1)" == *"during task 4 (units 4-4); replacing it (retry 1 of 1)" ]]
		[[ "$(tvp_lines | tail -1)" == *"during task 4 (units 4-4); stopping the other workers" ]]
		no_orphans
	done
}

@test "a pool worker that dies in a later repeat is replaced too" {
	# 30 tasks per repeat, 10 of them worker 1's: its 16th is in the second run.
	TVP_FAULT="die:worker=1:skip=15" run --separate-stderr "$ORPHANS" -- "$TVP" "${SMALL[@]}" --model pool --workers 3 --retry 1
	[ "$status" -eq 0 ] || { echo "status $status: $stderr"; return 1; }
	[[ "${lines[1]}" == *",$ANSWER,true,"* ]]
	one_tvp_line '^tvp: worker 1 \(pid [0-9]+\) was killed by signal 9 \(Killed\) during task 16 \(units 16-16\); replacing it \(retry 1 of 1\)$'
	no_orphans
}

@test "threads: a dying worker takes the whole process; it ends at once, no output file" {
	for model in serial pthread; do
		local workers=3
		[ "$model" = serial ] && workers=1
		for how in segv kill exit; do
			mkdir -p "$BATS_TEST_TMPDIR/out"
			# exit ends the process from a worker thread on purpose, before the others are
			# joined: ThreadSanitizer would add its report of those threads to the one line.
			TSAN_OPTIONS="${TSAN_OPTIONS:-} report_thread_leaks=0" TVP_FAULT="die:task=4:how=$how" \
				run --separate-stderr timeout 30 "$TVP" "${SMALL[@]}" \
				--model "$model" --workers "$workers" --output "$BATS_TEST_TMPDIR/out/results.csv"
			case $how in
			segv) [ "$status" -eq 139 ] ;;
			kill) [ "$status" -eq 137 ] ;;
			# A thread's exit() ends tvp: a runtime fault, exit 1 with one line (issue 13, case 25).
			exit) [ "$status" -eq 1 ] && [[ "$stderr" == "tvp: worker "*" called exit (TVP_FAULT=die:how=exit) during task 4: in a thread that ends the whole process" ]] ;;
			esac || { echo "$model $how: status $status: $stderr"; return 1; }
			[ -z "$(ls -A "$BATS_TEST_TMPDIR/out")" ] || { ls -la "$BATS_TEST_TMPDIR/out"; return 1; }
		done
	done
}

# interrupt SIGNAL MODEL: interrupt a long run mid-way; check status, cleanup and leftovers.
interrupt() {
	local signal=$1 model=$2 workers=3 children=3 code
	case $model in
	serial) workers=1 children=0 ;;
	pthread) children=0 ;;
	esac
	case $signal in INT) code=130 ;; TERM) code=143 ;; HUP) code=129 ;; esac
	mkdir -p "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/tmp"
	shm_list >"$BATS_TEST_TMPDIR/shm.before"
	TMPDIR="$BATS_TEST_TMPDIR/tmp" run --separate-stderr timeout 60 "$ORPHANS" --signal "$signal" \
		--children "$children" -- "$TVP" "${LONG[@]}" --model "$model" --workers "$workers" \
		--output "$BATS_TEST_TMPDIR/out/results.json" --format json
	local what="$model SIG$signal"
	[ "$status" -eq "$code" ] || { echo "$what: status $status, not $code: $stderr"; return 1; }
	[ -z "$output" ]
	no_orphans
	case $signal in
	INT) line='tvp: interrupted (SIGINT)' ;;
	TERM) line='tvp: terminated (SIGTERM)' ;;
	HUP) line='tvp: hung up (SIGHUP)' ;;
	esac
	[ "$children" -eq 0 ] || line+=": killed and reaped $children worker processes"
	[ "$(tvp_lines)" = "$line" ] || { echo "$what: '$(tvp_lines)' is not '$line'"; return 1; }
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/out")" ] || { echo "$what: left $(ls -A "$BATS_TEST_TMPDIR/out")"; return 1; }
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/tmp")" ] || { echo "$what: left in TMPDIR"; return 1; }
	no_new_shm "$what"
}

@test "Ctrl-C (SIGINT) during a run: workers killed and reaped, nothing left, exit 130" {
	for model in serial pthread fork pool; do interrupt INT "$model"; done
}

@test "SIGTERM during a run: workers killed and reaped, nothing left, exit 143" {
	for model in serial pthread fork pool; do interrupt TERM "$model"; done
}

@test "SIGHUP during a pool run: the same, exit 129" {
	interrupt HUP pool
}

@test "SIGINT during a pool run over shared memory: the same" {
	LONG+=(--ipc shm)
	interrupt INT pool
	interrupt INT fork
}

@test "a SIGINT ignored when tvp starts (a background job) stays ignored" {
	(
		trap '' INT
		exec "$TVP" primes --to 10000000 --model fork --workers 2 --repeat 1 --warmup 0 --format csv \
			>"$BATS_TEST_TMPDIR/bg.csv"
	) &
	local pid=$!
	sleep 0.3
	kill -INT "$pid" # it must still be running
	wait "$pid"
	grep -q ',true,' "$BATS_TEST_TMPDIR/bg.csv"
}

@test "the parent killed (SIGKILL): its workers notice and are gone within a second" {
	for model in fork pool; do
		for ipc in pipe shm; do
			run --separate-stderr timeout 60 "$ORPHANS" --signal KILL --children 3 --grace 1 -- \
				"$TVP" "${LONG[@]}" --model "$model" --workers 3 --ipc "$ipc"
			[ "$status" -eq 137 ] || { echo "$model $ipc: status $status: $stderr"; return 1; }
			# all three were orphaned (the parent could not reap them) and died within 1 s
			[[ "$stderr" == *"orphans: 3 left, 0 still alive after 1 s"* ]] ||
				{ echo "$model $ipc: $stderr"; return 1; }
		done
	done
}

@test "256 threads and 256 processes complete and verify" {
	for model in pthread fork pool; do
		for ipc in pipe shm; do
			[ "$model" = pthread ] && [ "$ipc" = shm ] && continue
			local extra=()
			[ "$model" = pthread ] || extra=(--ipc "$ipc")
			run --separate-stderr timeout 120 "$ORPHANS" -- "$TVP" primes --from 0 --to 60000 --block 100 \
				--repeat 1 --warmup 0 --format csv --model "$model" --workers 256 --schedule dynamic "${extra[@]}"
			[ "$status" -eq 0 ] || { echo "$model $ipc: status $status: $stderr"; return 1; }
			[[ "${lines[1]}" == "primes,$model,256,"*",171848738,true,"* ]]
			no_orphans
		done
	done
}

@test "above the documented limit of 1024 workers: one clear line, exit 2" {
	expect_usage_error primes --model pool --workers 1025
	[ "$stderr" = "tvp: --workers must be a whole number from 1 to 1024, not '1025'" ]
}

@test "tvp overhead above RLIMIT_NPROC names the limit and what it needs (issue 13, case 24)" {
	as_user 1 overhead --repeat 1 --transfer-mib 1 --parent-mib 1
	[ "$status" -eq 1 ] || { echo "status $status: $stderr"; return 1; }
	one_tvp_line '^tvp: overhead: (fork|pthread_create) hit the user-process limit \(RLIMIT_NPROC = 1(, which counts threads too)?\); it needs one (process|thread) more than tvp.s own: Resource temporarily unavailable$'
	no_orphans
}

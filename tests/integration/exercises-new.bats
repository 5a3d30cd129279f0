#!/usr/bin/env bats
# exercises-new.bats - labs 09 to 12: each solution passes its checker, each generated starter fails it for its planted reason, and planted mistakes in a solution are caught.

bats_require_minimum_version 1.5.0

load exercises_helper

# mutant EX NAME PROGRAM SED [TSAN]: run exercise EX's checker on its solution with the sed
# expression SED applied to PROGRAM.c (and a ThreadSanitizer build if TSAN is set); the lab's
# other programs are built from the solution as they are.
mutant() {
	local ex=$1 name=$2 program=$3 expression=$4 bin="$BATS_TEST_TMPDIR/bin"
	mkdir -p "$bin"
	make -s --no-print-directory -C "$EXERCISES_DIR" build EX="$ex" EDITION=solution BUILD_DIR="$EX_BUILD" >/dev/null
	awk -v edition=solution -f "$EXERCISES_DIR/tools/edition.awk" "$EXERCISES_DIR/solutions/$name/$program.c" >"$bin/solution.c"
	sed "$expression" "$bin/solution.c" >"$bin/$program.c"
	! cmp -s "$bin/solution.c" "$bin/$program.c" || { echo "the sed expression changed nothing"; return 1; }
	cc -std=gnu11 -O2 -Wall -Wextra -pthread -o "$bin/$program" "$bin/$program.c" -lm
	# The lab's other programs, as the solution has them.
	local other
	for other in "$EXERCISES_DIR/solutions/$name"/*.c "$EXERCISES_DIR/$name"/*.c; do
		[ -f "$other" ] || continue
		[ "$(basename "$other" .c)" != "$program" ] || continue
		awk -v edition=solution -f "$EXERCISES_DIR/tools/edition.awk" "$other" >"$bin/$(basename "$other")"
		cc -std=gnu11 -O2 -Wall -Wextra -pthread -o "$bin/$(basename "$other" .c)" "$bin/$(basename "$other")" -lm
	done
	[ -z "${5:-}" ] || cc -std=gnu11 -O1 -g -pthread -fsanitize=thread -o "$bin/$program-tsan" "$bin/$program.c" -lm
	run env EX_NUM="$ex" EX_NAME="$name" EX_EDITION=solution EX_BIN="$bin" EX_SRC_DIR="$bin" \
		EX_TOOLS="$EX_BUILD/tools" bash "$EXERCISES_DIR/$name/check.sh"
	echo "$output"
}

@test "exercise 09 (build a pool): the solution passes its checker, TSan build included" {
	expect_pass 09 6
	[[ "$output" == *"test 5: the workers sleep while the buffer is empty"*"... ok (wall "* ]]
}

@test "exercise 09 (build a pool): the starter hangs with no task run, and the checker says where to start" {
	expect_starter_fails 09 "it HUNG: still running after 3 s; the log shows 0 of 20000 tasks run" \
		"next: write buffer_take in $EX_BUILD/src/student/09-pool/pool.c (TODO 1)" \
		"(the remaining tests need this one to pass: stopping here)"
}

@test "exercise 09 (build a pool): a close that signals one waiter hangs test 4" {
	mutant 09 09-pool pool 's/pthread_cond_broadcast(&b->not_empty)/pthread_cond_signal(\&b->not_empty)/' tsan
	[ "$status" -eq 1 ]
	# Test 4 (8 idle waiters at the close) always hangs; test 1 may hang first, when more than
	# one of its 4 workers waits at the close.
	if grep -q '^test 1: .* \.\.\. FAILED$' <<<"$output"; then
		[[ "$output" == *"it HUNG"*"next: write buffer_close in "*"(TODO 2)"* ]]
	else
		[[ "$output" == *"test 4: clean shutdown"*"FAILED"* ]]
		[[ "$output" == *"closing it must wake every one of them"* ]]
	fi
}

@test "exercise 09 (build a pool): a take that quits at the close loses the tasks still buffered" {
	mutant 09 09-pool pool 's/^\tlong task = -1;$/\tlong task = -1;\n\tif (b->closed) { pthread_mutex_unlock(\&b->lock); return -1; }/' tsan
	[ "$status" -eq 1 ]
	# Test 2 may lose a few tasks too (a race); test 4 loses nearly all 4000 every time.
	[[ "$output" =~ test\ 4:\ clean\ shutdown.*FAILED ]]
	[[ "$output" =~ pool\ 1\ 4000\ 4096\ [^:]*:\ [0-9]+\ task\(s\)\ never\ ran ]]
	[[ "$output" == *"next: buffer_take returns -1 only when the buffer is closed AND empty"* ]]
}

@test "exercise 09 (build a pool): a take that spins instead of waiting fails test 5" {
	mutant 09 09-pool pool 's/^\t\tpthread_cond_wait(&b->not_empty, &b->lock);$/\t\t{ pthread_mutex_unlock(\&b->lock); for (volatile int i = 0; i < 1000; i++) continue; pthread_mutex_lock(\&b->lock); }/' tsan
	[ "$status" -eq 1 ]
	[[ "$output" == *"test 5: the workers sleep while the buffer is empty"*"FAILED"* ]]
	[[ "$output" == *"they spin instead of waiting"* ]]
}

@test "exercise 10 (thread bugs): the solution passes its checker, TSan build included" {
	expect_pass 10 5
}

@test "exercise 10 (thread bugs): the starter fails all four bugs, and ThreadSanitizer names three of them" {
	# Each starter thread reads the loop's i 1 ms after it starts: mostly 16, the loop's end
	# (16 times on a quiet machine), earlier values when the loop is slowed down.
	expect_starter_fails 10 "the threads said they were: " \
		"0 of 8 threads said 'done'; pthread_join succeeded 0 times." \
		"(status 139 is 128 + 11: SIGSEGV." \
		"bugs-tsan ids 8: data race" \
		"bugs-tsan exit 4: thread leak" \
		"bugs-tsan transfer 1000: lock-order-inversion (potential deadlock)" "in transfer" \
		"next: fix TODO 1 in $EX_BUILD/src/student/10-thread-bugs/bugs.c"
	local repeated='the threads said they were: [0-9( x)]*[0-9]+\(x[0-9]+\)'
	[[ "$output" =~ $repeated ]]
}

@test "exercise 10 (thread bugs): locks taken in opposite orders fail, alone among the fixes" {
	mutant 10 10-thread-bugs bugs 's/^\tstruct account \*first = from < to ? from : to;$/\tstruct account *first = from;/; s/^\tstruct account \*second = from < to ? to : from;$/\tstruct account *second = to;/' tsan
	[ "$status" -eq 1 ]
	[[ "$output" == *"test 1: "*"... ok"* ]]
	[[ "$output" == *"test 3: "*"... ok"* ]]
	[[ "$output" == *"bugs-tsan transfer 1000: lock-order-inversion (potential deadlock)"* ]]
	[[ "$output" == *"exercise 10: "*" of 5 tests FAILED."* ]]
}

@test "exercise 11 (a supervisor): the solution passes its checker, a worker killed from outside included" {
	expect_pass 11 6
	[[ "$output" == *"test 5: a worker killed from outside (kill -9 by this checker) is restarted too ... ok (killed pid "*"; task 0 restarted)"* ]]
}

@test "exercise 11 (a supervisor): the starter hangs with 4 workers started and none reaped" {
	expect_starter_fails 11 "it HUNG: still running after 3 s, with 4 worker(s) started and 0 reaped." \
		"next: write reap_all in $EX_BUILD/src/student/11-supervisor/supervisor.c (TODO 1)"
}

@test "exercise 11 (a supervisor): a finish that counts a killed worker as done loses its task" {
	mutant 11 11-supervisor supervisor 's/^\tif (WIFEXITED(status) \&\& WEXITSTATUS(status) == 0) {$/\tif (1) {/'
	[ "$status" -eq 1 ]
	[[ "$output" == *"no result for task(s): 3 7 20"*"tasks restarted: none, want 3,7,20"* ]]
	[[ "$output" == *"test 6: a task that always fails"*"FAILED"* ]]
}

@test "exercise 11 (a supervisor): reaping one child per SIGCHLD (if, not while) hangs" {
	mutant 11 11-supervisor supervisor 's/while ((pid = waitpid(-1, \&status, WNOHANG)) > 0) {/if ((pid = waitpid(-1, \&status, WNOHANG)) > 0) {/'
	[ "$status" -eq 1 ]
	[[ "$output" == *"test 1: supervisor 4 200 DIR finishes"*"FAILED"*"it HUNG"* ]]
}

@test "exercise 12 (measuring honestly): the solution passes its checker, real tvp runs included" {
	expect_pass 12 6
	[[ "$output" == *"test 1: 10 runs each, a cold first run"*"... ok (no measurable difference)"* ]]
	[[ "$output" == *"test 6: real runs: tvp primes --to 300000"*"... ok ("* ]]
}

@test "exercise 12 (measuring honestly): the starter's intervals have no width and its verdict believes the ratio" {
	expect_starter_fails 12 "interval 0.510000 0.510000" "verdict: B faster than A" "verdict: A slower than B" \
		"test 5: bad input (three labels) is one line on stderr and exit status 2 ... ok" \
		"next: write median_interval in $EX_BUILD/src/student/12-honest/honest.c (TODO 1)"
}

@test "exercise 12 (measuring honestly): a verdict from the ratio of medians alone is caught (TODO 2)" {
	mutant 12 12-honest honest 's/^\tint faster = high < 1, slower = low > 1;$/\tint faster = ratio < 1, slower = ratio > 1;/'
	[ "$status" -eq 1 ]
	[[ "$output" == *"test 1: 10 runs each, a cold first run"*"FAILED"* ]]
	[[ "$output" == *"next: fix verdict in $BATS_TEST_TMPDIR/bin/honest.c (TODO 2)"* ]]
}

# check.sh - checker for exercise 09: the pool runs every task exactly once, shuts down cleanly, sleeps while idle, and has no data race.
# shellcheck shell=bash source=exercises/tools/lib.sh
source "$(dirname "$0")/../tools/lib.sh"

WORKERS=4
TASKS=20000
CAPACITY=8

# log_problems LOG TASKS: which tasks the log shows run 0 times or more than once
# (nothing if each of 0 .. TASKS-1 ran exactly once). Counted here, not by pool.
log_problems() {
	awk -v tasks="$2" '{ runs[$1]++ } END {
		for (t = 0; t < tasks; t++) {
			if (!(t in runs)) { lost++; if (lost <= 5) lost_list = lost_list " " t }
			else if (runs[t] > 1) { twice++; if (twice <= 5) twice_list = twice_list " " t }
		}
		for (t in runs) if (t + 0 < 0 || t + 0 >= tasks) strange++
		if (lost) printf "%d task(s) never ran (%s%s)\n", lost, substr(lost_list, 2), (lost > 5 ? " ..." : "")
		if (twice) printf "%d task(s) ran more than once (%s%s)\n", twice, substr(twice_list, 2), (twice > 5 ? " ..." : "")
		if (strange) printf "%d line(s) name a task that was never submitted\n", strange
	}' "$1"
}

# sum_of_squares TASKS: 0^2 + 1^2 + ... + (TASKS-1)^2, by the closed form.
sum_of_squares() {
	awk -v n="$1" 'BEGIN { printf "%.0f\n", (n - 1) * n * (2 * n - 1) / 6 }'
}

ex_test "pool $WORKERS $TASKS $CAPACITY finishes: the workers take every task and exit"
ex_run big --count -- "$EX_BIN/pool" "$WORKERS" "$TASKS" "$CAPACITY" "$EX_SCRATCH/big.log"
taken=$(wc -l <"$EX_SCRATCH/big.log" 2>/dev/null || echo 0)
ex_finished "it HUNG: still running after $EX_TIMEOUT s; the log shows $taken of $TASKS tasks run (the last few may be unwritten).
With none run, the workers left at once and main waits in buffer_put on a full buffer;
with all run, main waits in pthread_join for workers that wait for a task that never comes." \
	"$([ "$taken" -eq 0 ] && echo "write buffer_take in $EX_SRC/pool.c (TODO 1)" ||
		echo "write buffer_close in $EX_SRC/pool.c (TODO 2): the waiting workers must wake and see -1")"

ex_test "each of the $TASKS tasks ran exactly once (counted from the log), and the sum is right"
problems=$(log_problems "$EX_SCRATCH/big.log" "$TASKS")
want="submitted $TASKS, ran $TASKS, sum $(sum_of_squares "$TASKS")"
if [ -n "$problems" ]; then
	ex_fail "ran: $RUN_CMD
$problems" "$(if [[ $problems == *"never ran"* ]]; then
		echo "buffer_take returns -1 only when the buffer is closed AND empty: what was put before the close still runs"
	else
		echo "a task is taken from slots[head] once: move head on and count down under the same lock hold"
	fi)"
elif ! grep -qx "$want" "$RUN_OUT"; then
	ex_fail "ran: $RUN_CMD
want the line '$want'; it printed:
$(sed 's/^/  /' "$RUN_OUT")"
else
	ex_pass
fi

ex_test "every worker thread was created and joined, and nothing was left behind"
if [ "$COUNT_THREADS" != "$WORKERS" ] || [ "$COUNT_JOINED" != "$WORKERS" ]; then
	ex_fail "ran: $RUN_CMD
pthread_create succeeded ${COUNT_THREADS:-?} times and pthread_join ${COUNT_JOINED:-?}; want $WORKERS and $WORKERS"
else
	ex_no_leftovers
fi

ex_test "clean shutdown: 8 workers on a buffer of 1; 1 worker closed on 4000 buffered tasks; 8 idle workers"
# shutdown_run NAME TASKS ARGS...: run pool ARGS (its log is NAME.log); add to hung or problems.
hung="" problems=""
shutdown_run() {
	local name=$1 tasks=$2 found
	shift 2
	ex_run "$name" -- "$EX_BIN/pool" "$@"
	if [ "$RUN_TIMED_OUT" -eq 1 ]; then
		hung+="  pool $*: still running after $EX_TIMEOUT s"$'\n'
	elif [ "$RUN_STATUS" -ne 0 ]; then
		problems+="pool $*: exit status $RUN_STATUS"$'\n'
	elif found=$(log_problems "$EX_SCRATCH/$name.log" "$tasks") && [ -n "$found" ]; then
		problems+="pool $*: $found"$'\n'
	fi
}
shutdown_run one 500 8 500 1 "$EX_SCRATCH/one.log"
# A buffer that holds every task: main closes it while nearly all are still in it.
shutdown_run buffered 4000 1 4000 4096 "$EX_SCRATCH/buffered.log"
# One task, then 50 ms: all 8 workers wait on the empty buffer when it closes.
shutdown_run idle 1 8 1 1 "$EX_SCRATCH/idle.log" 50000
if [ -n "$hung" ]; then
	ex_fail "it HUNG at the shutdown:
${hung%$'\n'}
the workers waiting on an empty buffer when it closes must all wake: closing it must wake every one of them" \
		"in buffer_close, wake all the takers (pthread_cond_broadcast), not one"
elif [ -n "$problems" ]; then
	ex_fail "${problems%$'\n'}" "buffer_take returns -1 only when the buffer is closed AND empty: what was put before the close still runs"
else
	ex_pass
fi

ex_test "the workers sleep while the buffer is empty (40 tasks, 5 ms apart: CPU time under a fifth of the wall time)"
TIMEFORMAT='%R %U %S'
if ! times=$({ time timeout $((EX_TIMEOUT * 3)) "$EX_BIN/pool" "$WORKERS" 40 "$CAPACITY" /dev/null 5000 >/dev/null 2>&1; } 2>&1); then
	ex_fail "pool $WORKERS 40 $CAPACITY /dev/null 5000 failed or hung"
else
	read -r wall user sys <<<"$times"
	if awk -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN { exit !(u + s < 0.2 * w) }'; then
		ex_pass "wall $wall s, CPU $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') s"
	else
		ex_fail "wall $wall s, but the workers used $user s user + $sys s system time: they spin instead of waiting" \
			"a taker with nothing to take waits on not_empty (pthread_cond_wait), it does not loop"
	fi
fi

ex_test "ThreadSanitizer reports no data race (pool-tsan $WORKERS 2000 2)"
TSAN_OPTIONS="halt_on_error=0 exitcode=66 ${TSAN_OPTIONS:-}" \
	ex_run tsan --timeout $((EX_TIMEOUT * 3)) -- "$EX_BIN/pool-tsan" "$WORKERS" 2000 2
if [ "$RUN_TIMED_OUT" -eq 1 ]; then
	ex_fail "$(ex_run_summary)"
elif grep -q '^WARNING: ThreadSanitizer' "$RUN_ERR"; then
	ex_fail "ThreadSanitizer reported:
$(grep '^SUMMARY: ThreadSanitizer' "$RUN_ERR" | sed 's/^SUMMARY: ThreadSanitizer: //' | sort | uniq -c)
  (run it: $RUN_CMD)" "touch head, count and closed only with the buffer's lock held"
elif [ "$RUN_STATUS" -ne 0 ]; then
	ex_fail "$(ex_run_summary)"
else
	ex_pass
fi

ex_after="Now answer the handout's questions; try a buffer of 1 against one of 1000:
      time $EX_BIN_SHOWN/pool $WORKERS 1000000 1   and   time $EX_BIN_SHOWN/pool $WORKERS 1000000 1000"
ex_end

# check.sh - checker for exercise 10: the four classic thread bugs fixed, each shown by a run, and ThreadSanitizer silent on all of them.
# shellcheck shell=bash source=exercises/tools/lib.sh
source "$(dirname "$0")/../tools/lib.sh"

THREADS=16
TRANSFERS=2000000
DEPTH=100 # deep_sum's levels (DEPTH in bugs.c)

ex_test "bugs ids $THREADS: each thread is told its own number, 0 to $((THREADS - 1)), once each"
ex_run ids -- "$EX_BIN/bugs" ids "$THREADS"
got=$(sed -n 's/^thread //p' "$RUN_OUT" | sort -n | uniq -c | awk '{ printf "%s%s%s", (NR > 1 ? " " : ""), $2, ($1 > 1 ? "(x" $1 ")" : "") }')
want=$(seq 0 $((THREADS - 1)) | tr '\n' ' ' | sed 's/ $//')
if [ "$RUN_STATUS" -ne 0 ]; then
	ex_fail "$(ex_run_summary)"
elif [ "$got" != "$want" ]; then
	ex_fail "ran: $RUN_CMD
the threads said they were: $got
want each of: $want" "fix TODO 1 in $EX_SRC/bugs.c: give each thread its own argument, alive until the thread reads it"
else
	ex_pass
fi

ex_test "bugs exit 8: every thread finishes its job before main returns (8 'done' lines, 8 joins)"
ex_run exit --count -- "$EX_BIN/bugs" exit 8
done_lines=$(grep -c '^done ' "$RUN_OUT")
if [ "$RUN_STATUS" -ne 0 ]; then
	ex_fail "$(ex_run_summary)"
elif [ "$done_lines" -ne 8 ] || [ "${COUNT_JOINED:-0}" -ne 8 ]; then
	ex_fail "ran: $RUN_CMD
$done_lines of 8 threads said 'done'; pthread_join succeeded ${COUNT_JOINED:-0} times.
When main returns, exit() ends the whole process: threads still working die with it." \
		"fix TODO 2 in $EX_SRC/bugs.c: join every thread before main goes on"
else
	ex_pass
fi

ex_test "bugs stack: deep_sum($DEPTH) fits in its thread's stack and gets $((DEPTH * (DEPTH + 1) / 2))"
ex_run stack -- "$EX_BIN/bugs" stack
sum=$(sed -n 's/^stack [0-9]* bytes, sum //p' "$RUN_OUT")
if [ "$RUN_STATUS" -ne 0 ]; then
	ex_fail "$(ex_run_summary)
(status 139 is 128 + 11: SIGSEGV. A thread that runs off the end of its stack
touches the guard page below it, and the kernel kills the whole process.)" \
		"fix TODO 3 in $EX_SRC/bugs.c: deep_sum keeps $DEPTH x FRAME_BYTES on the stack; size the thread's stack for it"
elif [ "$sum" != $((DEPTH * (DEPTH + 1) / 2)) ]; then
	ex_fail "ran: $RUN_CMD
it printed sum '${sum}'; want $((DEPTH * (DEPTH + 1) / 2))"
else
	ex_pass "$(sed -n 's/^stack \([0-9]*\) bytes.*/a stack of \1 bytes/p' "$RUN_OUT")"
fi

ex_test "bugs transfer $TRANSFERS: two threads move money both ways without deadlock, and none is lost"
ex_run transfer -- "$EX_BIN/bugs" transfer "$TRANSFERS"
if [ "$RUN_TIMED_OUT" -eq 1 ]; then
	ex_fail "$(ex_run_summary)
it HUNG: still running after $EX_TIMEOUT s. Each thread holds one account's lock and waits
for the other's: a lock-order deadlock." \
		"fix TODO 4 in $EX_SRC/bugs.c: every thread takes the two locks in the same order"
elif [ "$RUN_STATUS" -ne 0 ]; then
	ex_fail "$(ex_run_summary)"
elif ! grep -qx 'balances 1000000 1000000, total 2000000' "$RUN_OUT"; then
	ex_fail "ran: $RUN_CMD
want 'balances 1000000 1000000, total 2000000' (as many moves each way); it printed:
$(sed 's/^/  /' "$RUN_OUT")"
else
	ex_pass
fi

ex_test "ThreadSanitizer reports nothing for ids 8, exit 4 and transfer 1000 (bugs-tsan)"
reports=""
for mode in "ids 8" "exit 4" "transfer 1000"; do
	# shellcheck disable=SC2086 # the mode is a subcommand and its argument
	TSAN_OPTIONS="halt_on_error=0 exitcode=66 ${TSAN_OPTIONS:-}" \
		ex_run "tsan-${mode%% *}" --timeout $((EX_TIMEOUT * 3)) -- "$EX_BIN/bugs-tsan" $mode
	if [ "$RUN_TIMED_OUT" -eq 1 ]; then
		reports+="  bugs-tsan $mode: hung (killed after $((EX_TIMEOUT * 3)) s)"$'\n'
	fi
	while IFS= read -r line; do
		reports+="  bugs-tsan $mode: ${line#SUMMARY: ThreadSanitizer: }"$'\n'
	done < <(grep '^SUMMARY: ThreadSanitizer' "$RUN_ERR" | sort -u)
done
if [ -n "$reports" ]; then
	ex_fail "ThreadSanitizer reported (run the command to read the full report):
${reports%$'\n'}" "read each report: a data race (TODO 1), a thread leak (TODO 2), a lock-order inversion (TODO 4)"
else
	ex_pass
fi

ex_after="Now answer the handout's questions. Try the lock-order inversion that did not deadlock:
      $EX_BIN_SHOWN/bugs-tsan transfer 10"
ex_end

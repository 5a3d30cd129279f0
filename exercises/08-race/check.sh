# check.sh - checker for exercise 08: race finds the right primes with its threads, and ThreadSanitizer reports no race.
# shellcheck shell=bash source=exercises/tools/lib.sh
source "$(dirname "$0")/../tools/lib.sh"

THREADS=4
LIMIT=2000000
TSAN_LIMIT=200000 # ThreadSanitizer makes every memory access 5-15 times dearer
RUNS=3

ex_test "race $LIMIT $THREADS finds the right primes in each of $RUNS runs, with $THREADS threads"
right=0
for run in $(seq "$RUNS"); do
	ex_run "plain-$run" --count --timeout $((EX_TIMEOUT * 3)) -- "$EX_BIN/race" "$LIMIT" "$THREADS"
	if [ "$RUN_STATUS" -eq 0 ] && grep -q '^check: OK' "$RUN_OUT"; then
		right=$((right + 1))
	else
		wrong_run=$(ex_run_summary; sed 's/^/  /' "$RUN_OUT")
	fi
	if [ "$COUNT_THREADS" != "$THREADS" ] || [ "$COUNT_JOINED" != "$THREADS" ]; then
		threads_wrong="it created ${COUNT_THREADS:-?} threads and joined ${COUNT_JOINED:-?}; want $THREADS and $THREADS"
	fi
done
if [ -n "${threads_wrong:-}" ]; then
	ex_fail "ran: $RUN_CMD
$threads_wrong" "keep the $THREADS threads: the point is to make them share safely"
elif [ "$right" -ne "$RUNS" ]; then
	ex_fail "the answer was right in $right of $RUNS runs; a wrong one:
$wrong_run" "run the ThreadSanitizer build and read its first report: $EX_BIN_SHOWN/race-tsan $TSAN_LIMIT $THREADS"
else
	ex_pass
fi

ex_test "ThreadSanitizer reports no data race (race-tsan $TSAN_LIMIT $THREADS)"
TSAN_OPTIONS="halt_on_error=0 exitcode=66 ${TSAN_OPTIONS:-}" \
	ex_run tsan --timeout $((EX_TIMEOUT * 3)) -- "$EX_BIN/race-tsan" "$TSAN_LIMIT" "$THREADS"
reports=$(grep -c '^WARNING: ThreadSanitizer' "$RUN_ERR")
if [ "$RUN_TIMED_OUT" -eq 1 ]; then
	ex_fail "$(ex_run_summary)
it was still running after $((EX_TIMEOUT * 3)) s"
elif [ "$reports" -gt 0 ]; then
	ex_fail "ThreadSanitizer reported $reports race(s); where (file:line in function), counted:
$(grep '^SUMMARY: ThreadSanitizer' "$RUN_ERR" | sed 's/^SUMMARY: ThreadSanitizer: //' | sort | uniq -c)
read the full reports (each shows both accesses and the threads that made them):
  $RUN_CMD" \
		"read each report, find the shared variable it names, and protect it (a mutex, pthread_once, or no sharing at all)"
elif [ "$RUN_STATUS" -ne 0 ] && [ "$RUN_STATUS" -ne 1 ]; then
	ex_fail "$(ex_run_summary)"
else
	ex_pass
fi

ex_test "the ThreadSanitizer build finds the right primes too"
if grep -q '^check: OK' "$RUN_OUT"; then
	ex_pass
else
	ex_fail "ran: $RUN_CMD
its output:
$(sed 's/^/  /' "$RUN_OUT")"
fi

ex_after="Now answer the handout's questions; time your fix against the racy version:
      time $EX_BIN_SHOWN/race 20000000 $THREADS"
ex_end

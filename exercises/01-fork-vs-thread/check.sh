# check.sh - checker for exercise 01: forkthread creates and reaps exactly N threads and N processes and reports the ratio.
# shellcheck shell=bash source=exercises/tools/lib.sh
source "$(dirname "$0")/../tools/lib.sh"

COUNT=${EX_COUNT:-2000}

ex_test "forkthread $COUNT runs to the end (exit status 0)"
ex_run forkthread --count --timeout $((EX_TIMEOUT * 3)) -- "$EX_BIN/forkthread" "$COUNT"
if [ "$RUN_TIMED_OUT" -eq 1 ]; then
	ex_fail "$(ex_run_summary)
it was still running after $((EX_TIMEOUT * 3)) s" "look for a loop that never ends in $EX_SRC/forkthread.c"
	ex_stop
elif [ "$RUN_STATUS" -ne 0 ]; then
	ex_fail "$(ex_run_summary)" "read TODO 1 in $EX_SRC/forkthread.c: reap each child as time_threads joins each thread"
else
	ex_pass
fi

ex_test "$COUNT threads created and $COUNT joined"
if [ -z "$COUNT_THREADS" ]; then
	ex_fail "the program did not exit normally, so its calls could not be counted"
elif [ "$COUNT_THREADS" -ne "$COUNT" ] || [ "$COUNT_JOINED" -ne "$COUNT" ]; then
	ex_fail "pthread_create succeeded $COUNT_THREADS times and pthread_join $COUNT_JOINED times; want $COUNT and $COUNT"
else
	ex_pass
fi

ex_test "$COUNT processes forked and $COUNT reaped by the program"
if [ -z "$COUNT_FORKS" ]; then
	ex_fail "the program did not exit normally, so its calls could not be counted"
elif [ "$COUNT_FORKS" -ne "$COUNT" ] || [ "$COUNT_REAPED" -ne "$COUNT" ]; then
	ex_fail "fork succeeded $COUNT_FORKS times and wait/waitpid reaped $COUNT_REAPED children; want $COUNT and $COUNT" \
		"read TODO 1 in $EX_SRC/forkthread.c: waitpid for each child right after forking it"
else
	ex_pass
fi

ex_test "no zombie or orphan left when it exits"
ex_no_leftovers

ex_test "the table has a row for threads and for processes, each $COUNT created and $COUNT reaped"
threads_row=$(grep -E '^threads ' "$RUN_OUT")
processes_row=$(grep -E '^processes ' "$RUN_OUT")
read -r _ t_created t_reaped t_wall _ <<<"$threads_row"
read -r _ p_created p_reaped p_wall _ <<<"$processes_row"
if [ -z "$threads_row" ] || [ -z "$processes_row" ]; then
	ex_fail "want lines starting 'threads ' and 'processes '; it printed:
$(cat "$RUN_OUT")"
elif [ "$t_created $t_reaped $p_created $p_reaped" != "$COUNT $COUNT $COUNT $COUNT" ]; then
	ex_fail "rows say threads $t_created created, $t_reaped reaped; processes $p_created created, $p_reaped reaped" \
		"count every reaped child in t.reaped (TODO 1)"
else
	ex_pass
fi

ex_test "it prints the ratio of the wall times, processes/threads"
ratio=$(sed -nE 's/^ratio +processes\/threads +([0-9.]+)$/\1/p' "$RUN_OUT")
if [ -z "$ratio" ]; then
	ex_fail "no line 'ratio      processes/threads R' in its output" \
		"do TODO 2 in $EX_SRC/forkthread.c: print the ratio line"
elif ! awk -v r="$ratio" -v p="${p_wall:-0}" -v t="${t_wall:-0}" \
	'BEGIN { want = t > 0 ? p / t : -1; exit !(want > 0 && (r - want) ^ 2 <= (0.05 + 0.02 * want) ^ 2) }'; then
	ex_fail "it printed ratio $ratio, but the rows give $p_wall / $t_wall" \
		"the ratio is the processes' wall time divided by the threads' wall time"
else
	ex_pass "$ratio here"
fi

ex_after="Now run LLNL's experiment, 50,000 of each, and answer the handout's questions:
      $EX_BIN_SHOWN/forkthread 50000"
ex_end

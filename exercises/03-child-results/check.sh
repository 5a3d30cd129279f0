# check.sh - checker for exercise 03: results come home through a pipe without deadlock, and through MAP_SHARED memory, all correct.
# shellcheck shell=bash source=exercises/tools/lib.sh
source "$(dirname "$0")/../tools/lib.sh"

SMALL=1000    # 4 KB per worker: fits in a pipe buffer
LARGE=400000  # 1.6 MB per worker: 25 pipe buffers of 64 KiB
WORKERS=2

# check_run NAME: the last run forked and reaped $WORKERS workers, left
# nothing behind and said "check: OK"; else fail with what it did.
check_run() {
	if [ "$RUN_STATUS" -ne 0 ] || ! grep -q '^check: OK' "$RUN_OUT"; then
		ex_fail "$(ex_run_summary)
its output:
$(sed 's/^/  /' "$RUN_OUT")" "$1"
	elif [ "$COUNT_FORKS" != "$WORKERS" ] || [ "$COUNT_REAPED" != "$WORKERS" ]; then
		ex_fail "ran: $RUN_CMD
it forked ${COUNT_FORKS:-?} workers and reaped ${COUNT_REAPED:-?}; want $WORKERS and $WORKERS" \
			"fork one worker per block and waitpid for each"
	elif [ "$RUN_ZOMBIES" -gt 0 ] || [ "$RUN_ORPHANS" -gt 0 ]; then
		ex_no_leftovers
	else
		ex_pass
	fi
}

ex_test "small results ($SMALL units) come back through pipes, all correct"
ex_run pipe-small --count --timeout $((EX_TIMEOUT * 3)) -- "$EX_BIN/results" pipe "$SMALL" "$WORKERS"
if [ "$RUN_TIMED_OUT" -eq 1 ]; then
	ex_fail "$(ex_run_summary)" "even small results hang: look at collect_by_pipe in $EX_SRC/results.c"
else
	check_run "look at collect_by_pipe in $EX_SRC/results.c"
fi

ex_test "large results ($LARGE units, more than a pipe buffer holds) come back through pipes within $EX_TIMEOUT s"
ex_run pipe-large --count -- "$EX_BIN/results" pipe "$LARGE" "$WORKERS"
if [ "$RUN_TIMED_OUT" -eq 1 ]; then
	ex_fail "ran: $RUN_CMD
it HUNG: still running after $EX_TIMEOUT s (the same program finished test 1 at once).
$(grep '^ex-run:' "$RUN_ERR" | sed 's/^ex-run: */  /')
The parent is in waitpid() waiting for a worker to exit; each worker is in
write(), waiting for room in its pipe, which fills at 64 KiB and empties only
when the parent reads. Neither can move: a deadlock." \
		"in collect_by_pipe ($EX_SRC/results.c), read every worker's results before you wait for the workers (drain, then join)"
else
	check_run "look at collect_by_pipe in $EX_SRC/results.c"
fi

ex_test "results come back through MAP_SHARED memory, all correct"
ex_run shm --count --timeout $((EX_TIMEOUT * 3)) -- "$EX_BIN/results" shm "$LARGE" "$WORKERS"
if [ "$RUN_TIMED_OUT" -eq 1 ]; then
	ex_fail "$(ex_run_summary)
it was still running after $((EX_TIMEOUT * 3)) s" "look at collect_by_shm in $EX_SRC/results.c"
else
	check_run "in collect_by_shm ($EX_SRC/results.c), the workers write into memory the parent never sees: after fork, malloc'd memory is copied on write. Map it with mmap(MAP_SHARED | MAP_ANONYMOUS) before forking"
fi

ex_after="Now compare the two ways on bigger results and answer the handout's questions:
      $EX_BIN_SHOWN/results pipe 4000000
      $EX_BIN_SHOWN/results shm 4000000"
ex_end

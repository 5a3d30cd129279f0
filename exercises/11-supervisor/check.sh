# check.sh - checker for exercise 11: the supervisor runs every task to a right result, reaps every worker, and restarts the killed ones.
# shellcheck shell=bash source=exercises/tools/lib.sh
source "$(dirname "$0")/../tools/lib.sh"

WORKERS=4
TASKS=200
KILLED="3,7,20"

# result_problems DIR TASKS: tasks with no result file or a wrong one in DIR (nothing if all are
# right). The right result of task t is 1 + 2 + ... + n for n = (t + 1) x 1000: n(n + 1)/2.
result_problems() {
	local task n want got missing="" wrong=""
	for ((task = 0; task < $2; task++)); do
		n=$(((task + 1) * 1000))
		want=$((n * (n + 1) / 2))
		if [ ! -f "$1/$task" ]; then
			missing+=" $task"
		else
			got=$(cat "$1/$task")
			[ "$got" = "$want" ] || wrong+=" $task (${got:-empty}, want $want)"
		fi
	done
	[ -z "$missing" ] || echo "no result for task(s):$missing"
	[ -z "$wrong" ] || echo "wrong result for task(s):$wrong"
}

ex_test "supervisor $WORKERS $TASKS DIR finishes: every worker is reaped as it ends, and its slot reused"
mkdir "$EX_SCRATCH/plain"
ex_run plain --count -- "$EX_BIN/supervisor" "$WORKERS" "$TASKS" "$EX_SCRATCH/plain"
ex_finished "it HUNG: still running after $EX_TIMEOUT s, with $(grep -c '^start' "$RUN_OUT") worker(s) started and $(grep -c '^exited\|^killed' "$RUN_OUT") reaped.
The workers ended (each is a zombie until reaped), SIGCHLD came, and no slot was freed." \
	"write reap_all in $EX_SRC/supervisor.c (TODO 1)"

ex_test "each of the $TASKS results in DIR is right (checked here against n(n+1)/2)"
problems=$(result_problems "$EX_SCRATCH/plain" "$TASKS")
if [ -n "$problems" ]; then
	ex_fail "ran: $RUN_CMD
$problems"
else
	ex_pass
fi

ex_test "every fork was reaped by the supervisor ($TASKS forks, $TASKS reaps), and nothing was left behind"
if [ "$COUNT_FORKS" != "$TASKS" ] || [ "$COUNT_REAPED" != "$TASKS" ]; then
	ex_fail "ran: $RUN_CMD
fork succeeded ${COUNT_FORKS:-?} times and wait/waitpid reaped ${COUNT_REAPED:-?}; want $TASKS and $TASKS" \
		"reap in a loop: one SIGCHLD can stand for several children (signals do not queue)"
else
	ex_no_leftovers
fi

ex_test "workers killed with SIGKILL (tasks $KILLED, by the supervisor as they start) are restarted: no task lost"
mkdir "$EX_SCRATCH/killed"
ex_run killed --count -- "$EX_BIN/supervisor" "$WORKERS" 50 "$EX_SCRATCH/killed" "$KILLED"
problems=$(result_problems "$EX_SCRATCH/killed" 50)
restarted=$(sed -n 's/^restart task //p' "$RUN_OUT" | sort -n | paste -sd, -)
if [ "$RUN_TIMED_OUT" -eq 1 ] || [ "$RUN_STATUS" -ne 0 ]; then
	ex_fail "$(ex_run_summary)"
elif [ -n "$problems" ] || [ "$restarted" != "$KILLED" ]; then
	ex_fail "ran: $RUN_CMD
$(grep '^killed' "$RUN_OUT" | head -n 3)
${problems:-every result is there}; tasks restarted: ${restarted:-none}, want $KILLED" \
		"fix finish in $EX_SRC/supervisor.c (TODO 2): a worker killed by a signal has not done its task; start it again"
elif [ "$COUNT_FORKS" != 53 ] || [ "$COUNT_REAPED" != 53 ]; then
	ex_fail "ran: $RUN_CMD
fork succeeded ${COUNT_FORKS:-?} times and wait/waitpid reaped ${COUNT_REAPED:-?}; want 53 and 53 (50 tasks, 3 restarts)"
else
	ex_pass
fi

ex_test "a worker killed from outside (kill -9 by this checker) is restarted too"
mkdir "$EX_SCRATCH/outside"
"$EX_TOOLS/ex-run" --timeout $((EX_TIMEOUT * 3)) --report "$EX_SCRATCH/outside.report" -- \
	"$EX_BIN/supervisor" 2 6 "$EX_SCRATCH/outside" "" 300 >"$EX_SCRATCH/outside.out" 2>&1 &
runner=$!
victim=""
for _ in $(seq 100); do
	victim=$(sed -n 's/^start   task 0 pid \([0-9]*\) attempt 1$/\1/p' "$EX_SCRATCH/outside.out")
	[ -z "$victim" ] || break
	sleep 0.05
done
[ -z "$victim" ] || kill -KILL "$victim" 2>/dev/null
wait "$runner"
problems=$(result_problems "$EX_SCRATCH/outside" 6)
if [ -z "$victim" ]; then
	ex_fail "supervisor 2 6 DIR '' 300 never printed 'start   task 0 pid P attempt 1'; it printed:
$(sed 's/^/  /' "$EX_SCRATCH/outside.out")"
elif ! grep -q '^status=0 timed_out=0 zombies=0 orphans=0$' "$EX_SCRATCH/outside.report"; then
	ex_fail "ran: supervisor 2 6 DIR '' 300, and killed worker $victim (task 0): $(cat "$EX_SCRATCH/outside.report")
$(tail -n 4 "$EX_SCRATCH/outside.out" | sed 's/^/  /')" \
		"fix finish in $EX_SRC/supervisor.c (TODO 2): a worker killed by a signal has not done its task; start it again"
elif [ -n "$problems" ] || ! grep -q '^restart task 0$' "$EX_SCRATCH/outside.out"; then
	ex_fail "killed worker $victim (task 0): ${problems:-all results there, but no 'restart task 0' line}" \
		"fix finish in $EX_SRC/supervisor.c (TODO 2): a worker killed by a signal has not done its task; start it again"
else
	ex_pass "killed pid $victim; task 0 restarted"
fi

ex_test "a task that always fails ends the run with exit status 1 after 3 attempts each, not a hang"
ex_run failing --count -- "$EX_BIN/supervisor" 2 4 "$EX_SCRATCH/no-such-dir"
if [ "$RUN_TIMED_OUT" -eq 1 ]; then
	ex_fail "$(ex_run_summary)"
elif [ "$RUN_STATUS" -ne 1 ] || ! grep -q '^tasks 4 done 0 failed 4 restarts 8$' "$RUN_OUT"; then
	ex_fail "ran: $RUN_CMD   (no such directory: every worker exits 1)
exit status $RUN_STATUS, last line: $(tail -n 1 "$RUN_OUT")
want exit status 1 and 'tasks 4 done 0 failed 4 restarts 8'" \
		"in finish, a worker that exited with a status other than 0 failed too: restart it, up to MAX_ATTEMPTS"
elif [ "$COUNT_FORKS" != 12 ] || [ "$COUNT_REAPED" != 12 ]; then
	ex_fail "fork succeeded ${COUNT_FORKS:-?} times and wait/waitpid reaped ${COUNT_REAPED:-?}; want 12 and 12"
else
	ex_pass
fi

ex_after="Now answer the handout's questions; watch it restart:
      mkdir -p build/sup-out && $EX_BIN_SHOWN/supervisor 2 6 build/sup-out '' 500   (kill -9 a worker's pid meanwhile)"
ex_end

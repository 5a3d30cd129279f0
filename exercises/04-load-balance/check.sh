# check.sh - checker for exercise 04: every schedule computes each Mandelbrot row once, cyclic and random share the work evenly, dynamic follows a slow thread and beats serial.
# shellcheck shell=bash source=exercises/tools/lib.sh
source "$(dirname "$0")/../tools/lib.sh"

THREADS=3                       # static blocks of the symmetric default view are uneven for 3
SIZE=(--width 200 --height 200) # 200 rows: not a multiple of 3 threads
SHARE=$((200 / THREADS))        # rows per thread in an even split
EVEN=1.10                       # work max/mean below this is an even share
SCHEDULES="static cyclic dynamic random"

# column SCHEDULE FIELD [FILE]: field FIELD of SCHEDULE's row in a balance table.
column() {
	awk -v s="$1" -v f="$2" '$1 == s { print $f; exit }' "${3:-$TABLE}"
}

# detail SCHEDULE WHAT [FILE]: the line under SCHEDULE's row that starts
# with WHAT ("rows", "WRONG:"), without the WHAT.
detail() {
	awk -v s="$1" -v what="$2" '$1 == s { found = 1; next }
		found && /^[a-z]/ { exit }
		found && $1 == what { sub("^ *" what " *", ""); print; exit }' "${3:-$TABLE}"
}

# advice SCHEDULE: what to do when SCHEDULE gets a wrong image.
advice() {
	case $1 in
	static) echo "static is given complete: undo your changes to next_row_static in $EX_SRC/balance.c" ;;
	cyclic) echo "see which rows are missed: $EX_BIN_SHOWN/balance --threads $THREADS --height 200 --schedule cyclic
      then fix next_row_cyclic in $EX_SRC/balance.c (TODO 1)" ;;
	dynamic) echo "write next_row_dynamic in $EX_SRC/balance.c (TODO 2)" ;;
	random) echo "random deals its shuffled rows as cyclic deals rows: fix next_row_cyclic first (TODO 1)" ;;
	esac
}

ex_test "balance --threads $THREADS ${SIZE[*]} runs the four schedules, 3 times each"
ex_run table --timeout $((EX_TIMEOUT * 3)) -- "$EX_BIN/balance" --threads "$THREADS" "${SIZE[@]}"
TABLE=$RUN_OUT
TABLE_CMD=$RUN_CMD
rows=$(grep -cE '^(static|cyclic|dynamic|random) ' "$TABLE")
if [ "$RUN_TIMED_OUT" -eq 1 ]; then
	ex_fail "$(ex_run_summary)
it was still running after $((EX_TIMEOUT * 3)) s" \
		"look for a schedule that never returns -1 in $EX_SRC/balance.c"
	ex_stop
elif [ "$RUN_STATUS" -gt 1 ] || [ "$rows" -ne 4 ]; then
	ex_fail "$(ex_run_summary)
want a row for each of the 4 schedules; got $rows:
$(sed 's/^/  /' "$TABLE")"
	ex_stop
else
	ex_pass
fi

ex_test "the serial image is tvp mandelbrot's: the same checksum"
ex_run tvp -- "$EX_TVP" mandelbrot "${SIZE[@]}" --repeat 1 --warmup 0 --format csv
want=$(ex_csv_field "$RUN_OUT" answer)
got=$(sed -nE 's/^serial: .*checksum ([0-9a-f]+).*/\1/p' "$TABLE")
if [ "$RUN_STATUS" -ne 0 ] || [ -z "$want" ]; then
	ex_fail "$(ex_run_summary)" "build tvp (make build, at the top of the tree), then check again"
elif [ "$got" != "$want" ]; then
	ex_fail "the serial loop of balance says checksum ${got:-(none)}; tvp mandelbrot's answer for the
same view is $want (ran: $RUN_CMD)" \
		"the kernel and the checksum are given: undo your changes to escape_count, compute_row and checksum"
else
	ex_pass "$want"
fi

for schedule in $SCHEDULES; do
	ex_test "$schedule computes every row exactly once and gets the serial checksum"
	if [ "$(column "$schedule" 6)" = OK ]; then
		ex_pass
	else
		ex_fail "$schedule with $THREADS threads on 200 rows: $(detail "$schedule" WRONG:)
(ran: $TABLE_CMD)" "$(advice "$schedule")"
	fi
done

ex_test "cyclic and random share the work evenly: work max/mean below $EVEN"
cyclic=$(column cyclic 4)
random=$(column random 4)
if [ "$(column cyclic 6)" != OK ] || [ "$(column random 6)" != OK ]; then
	ex_fail "cyclic or random gets a wrong image (tests 4 and 6): an even share of the
wrong rows does not count" "$(advice cyclic)"
elif awk -v c="$cyclic" -v r="$random" -v even="$EVEN" 'BEGIN { exit !(c < even && r < even) }'; then
	ex_pass "cyclic $cyclic, random $random; static $(column static 4)"
else
	ex_fail "work max/mean (the busiest thread's escape iterations over the mean): cyclic $cyclic,
random $random; want both below $EVEN. Rows per thread:
  cyclic  $(detail cyclic rows)
  random  $(detail random rows)" \
		"deal the rows round robin in next_row_cyclic: thread k gets rows k, k + threads, k + 2 threads, ..."
fi

ex_test "dynamic follows a slow thread: with --slow 0, thread 0 computes under half its share"
ex_run slow --timeout $((EX_TIMEOUT * 3)) -- "$EX_BIN/balance" --threads "$THREADS" "${SIZE[@]}" \
	--schedule dynamic --slow 0 --repeat 1
read -r -a rows_each < <(detail dynamic rows "$RUN_OUT" | cut -d'|' -f1)
if [ "$(column dynamic 6 "$RUN_OUT")" != OK ]; then
	ex_fail "$(ex_run_summary)
dynamic does not get the right image yet (test 5)" "$(advice dynamic)"
elif [ "${rows_each[0]:-$SHARE}" -lt $((SHARE / 2)) ]; then
	ex_pass "thread 0 computed ${rows_each[0]} of 200 rows; the others ${rows_each[*]:1}"
else
	ex_fail "ran: $RUN_CMD
thread 0 sleeps 2 ms before each of its rows (a core shared with another program), yet it
computed ${rows_each[0]:-?} of 200 rows (the others: ${rows_each[*]:1}): its share was fixed in advance." \
		"in next_row_dynamic, hand each thread the next row nobody has taken (job->next_row), not a planned one (TODO 2)"
fi

ex_test "dynamic with several threads beats the serial loop (default view, 800x600)"
cores=$(ex_cores)
workers=$((cores < 4 ? cores : 4))
why=$(ex_speed_skip_reason "$workers")
if [ -n "$why" ]; then
	ex_skip "$why"
elif [ "$(column dynamic 6)" != OK ]; then
	ex_fail "dynamic does not get the right image yet (test 5), so its speed does not count" \
		"$(advice dynamic)"
else
	bound=$(ex_speed_bound "$workers")
	best=0
	for _ in 1 2 3; do
		ex_run speed --timeout $((EX_TIMEOUT * 3)) -- "$EX_BIN/balance" --threads "$workers" \
			--schedule dynamic --repeat 5
		speedup=$(awk '$1 == "dynamic" && $6 == "OK" { print $3 }' "$RUN_OUT")
		best=$(awk -v a="$best" -v b="${speedup:-0}" 'BEGIN { print (b > a ? b : a) }')
		awk -v s="$best" -v b="$bound" 'BEGIN { exit !(s >= b) }' && break
	done
	if awk -v s="$best" -v b="$bound" 'BEGIN { exit !(s >= b) }'; then
		ex_pass "speedup $best with $workers threads; bound $bound for $cores cores"
	else
		ex_fail "best speedup of 3 tries with $workers threads: $best; want at least $bound on $cores cores
(ran: $RUN_CMD). If the machine is busy, run again later." \
			"take one row per call in next_row_dynamic, with one atomic step and no lock held while computing"
	fi
fi

ex_after="Now make the full tables and answer the handout's questions:
      $EX_BIN_SHOWN/balance --threads 2
      $EX_BIN_SHOWN/balance --threads 3
      build/tvp mandelbrot --model pthread --workers 3 --schedule dynamic"
ex_end

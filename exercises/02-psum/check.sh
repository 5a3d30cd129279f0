# check.sh - checker for exercise 02: every psum version gets the right sum, padded slots own a cache line, local threads speed up.
# shellcheck shell=bash source=exercises/tools/lib.sh
source "$(dirname "$0")/../tools/lib.sh"

THREADS=3 # 3 does not divide 2^20: the blocks are uneven
VERSIONS="mutex array padded local"

ex_test "psum -n 20 -t $THREADS -r 1 runs and prints the table"
ex_run table --timeout $((EX_TIMEOUT * 3)) -- "$EX_BIN/psum" -n 20 -t "$THREADS" -r 1
rows=$(grep -cE '^(serial|mutex|array|padded|local) +[0-9]+ ' "$RUN_OUT")
if [ "$RUN_TIMED_OUT" -eq 1 ]; then
	ex_fail "$(ex_run_summary)
it was still running after $((EX_TIMEOUT * 3)) s" "look for a loop that never ends in $EX_SRC/psum.c"
	ex_stop
elif [ "$RUN_STATUS" -gt 1 ] || [ "$rows" -ne $((1 + 4 * THREADS)) ]; then
	ex_fail "$(ex_run_summary)
want a row for serial and for each of the 4 versions with 1..$THREADS threads; got $rows rows:
$(cat "$RUN_OUT")"
	ex_stop
else
	ex_pass
fi

for version in $VERSIONS; do
	ex_test "psum-$version gets the right sum with 1, 2 and $THREADS threads"
	wrong=$(awk -v v="$version" '$1 == v && $NF != "OK" { print "  " $0 }' "$RUN_OUT")
	if [ -n "$wrong" ]; then
		ex_fail "these rows say WRONG (the sum is not n(n-1)/2):
version  threads     time s  speedup efficiency  check
$wrong" "make sum_$version in $EX_SRC/psum.c add every value of its block (see its TODO)"
	else
		ex_pass
	fi
done

ex_test "padded slots are a whole number of cache lines apart and start on a line"
read -r stride offset line < <(sed -nE 's/.*padded ([0-9]+) bytes apart, padded\[0\] at line offset ([0-9]+).*cache line here ([0-9]+) bytes.*/\1 \2 \3/p' "$RUN_OUT")
if [ -z "${line:-}" ]; then
	ex_fail "no 'slots: ...' line in the output" "keep the line main prints about the slots"
elif [ "$stride" -lt "$line" ] || [ $((stride % line)) -ne 0 ] || [ "$offset" -ne 0 ]; then
	ex_fail "padded slots are $stride bytes apart, the first at offset $offset in its line; the cache line here is $line bytes:
two threads' slots share a line, which is false sharing" \
		"do TODO 1 in $EX_SRC/psum.c: pad struct padded_slot to CACHE_LINE bytes and align it"
else
	ex_pass "$stride bytes apart, cache line $line"
fi

ex_test "psum-local with several threads beats the serial loop"
cores=$(ex_cores)
workers=$((cores < 4 ? cores : 4)) # more would measure memory bandwidth, not the threads
why=$(ex_speed_skip_reason "$workers")
if [ -n "$why" ]; then
	ex_skip "$why"
else
	bound=$(ex_speed_bound "$workers")
	best=0
	for _ in 1 2 3; do
		ex_run speed --timeout $((EX_TIMEOUT * 3)) -- "$EX_BIN/psum" -v local -n 24 -t "$workers" -r 5
		speedup=$(awk -v w="$workers" '$1 == "local" && $2 == w && $NF == "OK" { print $4 }' "$RUN_OUT")
		best=$(awk -v a="$best" -v b="${speedup:-0}" 'BEGIN { print (b > a ? b : a) }')
		awk -v s="$best" -v b="$bound" 'BEGIN { exit !(s >= b) }' && break
	done
	if [ -z "$speedup" ]; then
		ex_fail "psum-local with $workers threads did not get the right sum, so its speed does not count
(ran: $RUN_CMD)" "make sum_local in $EX_SRC/psum.c add every value of its block (TODO 2)"
	elif awk -v s="$best" -v b="$bound" 'BEGIN { exit !(s >= b) }'; then
		ex_pass "speedup $best with $workers threads; bound $bound for $cores cores"
	else
		ex_fail "best speedup of 3 tries with $workers threads: $best; want at least $bound on $cores cores
(ran: $RUN_CMD). If the machine is busy, run again later." \
			"psum-local must not touch shared memory inside its loop (TODO 2)"
	fi
fi

ex_after="Now make the full table and answer the handout's questions:
      $EX_BIN_SHOWN/psum"
ex_end

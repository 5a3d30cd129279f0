# check.sh - checker for exercise 05: ship and share count the lines grep counts, at any unit size; ship moves the file once, share only the counts; share is faster.
# shellcheck shell=bash source=exercises/tools/lib.sh
source "$(dirname "$0")/../tools/lib.sh"

PROGRAM=$EX_BIN/shipshare
SOURCE=$EX_SRC/shipshare.c
BIG_LINES=450000 # about 20 MB: big enough for the copy to show, quick to make
SPEED_BOUND=1.2  # share must beat ship by this factor (measured: 2.5-8)
COUNT_BYTES=8    # each worker sends its count back as 8 bytes

# corpus VAR NAME LINES SEED: make a corpus with tvp corpus; set VAR to its
# path. If tvp cannot, that is a failed test and the end.
corpus() {
	local file=$EX_SCRATCH/$2.txt
	if ! "$EX_TVP" corpus --lines "$3" --seed "$4" --out "$file" >/dev/null 2>"$EX_SCRATCH/corpus.err"; then
		ex_test "tvp corpus makes the test files"
		ex_fail "$EX_TVP corpus failed: $(cat "$EX_SCRATCH/corpus.err")" \
			"build tvp (make build, at the top of the tree), then check again"
		ex_stop
	fi
	printf -v "$1" '%s' "$file"
	ABOUT[$file]="$2.txt (build/tvp corpus --lines $3 --seed $4 --out /tmp/$2.txt)"
}
declare -A ABOUT
LISTED=4 # a failure lists at most this many cases

# run NAME ARGS...: ex_run, with the scratch folder left out of RUN_CMD (the
# files are gone when the checker ends; each is named after its corpus).
run() {
	ex_run "$@"
	RUN_CMD=${RUN_CMD//"$EX_SCRATCH/"/}
}

# field STRATEGY COLUMN [FILE]: a column of STRATEGY's row in shipshare's table
# (2 matches, 3 bytes moved, 4 wall s, 5 check).
field() {
	awk -v s="$1" -v c="$2" '$1 == s { print $c; exit }' "${3:-$RUN_OUT}"
}

# want_count FILE LITERAL: what LC_ALL=C grep -c -E counts; fails the test
# (and says so) if tvp grep counts otherwise.
want_count() {
	local grep_count tvp_count
	grep_count=$(LC_ALL=C grep -c -E -- "$2" "$1")
	tvp_count=$("$EX_TVP" grep --file "$1" --regex "$2" --repeat 1 --warmup 0 --format csv </dev/null |
		awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "answer") c = i; next } { print $c }')
	if [ "$grep_count" != "$tvp_count" ]; then
		echo "grep-and-tvp-disagree($grep_count/$tvp_count)"
	else
		echo "$grep_count"
	fi
}

# about_case KEY: a case ("FILE LITERAL WORKERS UNIT") as the student can rerun it.
about_case() {
	local file literal workers unit
	read -r file literal workers unit <<<"$1"
	echo "${ABOUT[$file]}, --literal $literal --workers $workers --unit-bytes $unit"
}

# listed TEXT: the first LISTED lines of TEXT, and how many more there are.
listed() {
	local lines
	lines=$(printf '%s' "$1" | grep -c '')
	printf '%s' "$1" | head -n "$LISTED"
	[ "$lines" -le "$LISTED" ] || echo "... and $((lines - LISTED)) more"
}

# shipshare_advice STRATEGY: what to do when STRATEGY counts wrongly.
shipshare_advice() {
	case $1 in
	share) echo "see which lines share misses with small units:
      build/tvp corpus --lines 2000 --out /tmp/small.txt
      $EX_BIN_SHOWN/shipshare --file /tmp/small.txt --literal ab --unit-bytes 64
      then fix first_line_start in $SOURCE (TODO 1)" ;;
	ship) echo "write the send loop of run_ship in $SOURCE (TODO 2)" ;;
	esac
}

corpus SMALL small 2000 1
corpus MEDIUM medium 20000 2
corpus OTHER other 20000 3
# Lines of exactly 16 bytes, every other one holding "ab"; the last has no
# newline. Units of 16 and 32 bytes end exactly at line ends.
EDGES=$EX_SCRATCH/edges.txt
EDGES_MAKER="awk 'BEGIN { for (i = 0; i < 100; i++) printf \"%s%s\", (i % 2 ? \"xxxxxabxxxxxxxx\" : \"xxxxxxxxxxxxxxx\"), (i < 99 ? \"\\n\" : \"\") }'"
eval "$EDGES_MAKER" >"$EDGES"
ABOUT[$EDGES]="edges.txt"

ex_test "shipshare runs both strategies on a 2000-line corpus and reaps its workers"
run first -- "$PROGRAM" --file "$SMALL" --literal ab --repeat 1
if [ "$RUN_TIMED_OUT" -eq 1 ]; then
	ex_fail "$(ex_run_summary)
it was still running after $EX_TIMEOUT s: a worker waiting for input that never ends? Every
copy of a pipe's write end must be closed before its reader sees end of file." \
		"close every input pipe in run_ship once the lines are sent ($SOURCE)"
	ex_stop
elif [ "$RUN_STATUS" -gt 1 ] || [ -z "$(field ship 2)" ] || [ -z "$(field share 2)" ]; then
	ex_fail "$(ex_run_summary)
want a row for ship and one for share; it printed:
$(sed 's/^/  /' "$RUN_OUT")" "undo your changes to main and measure in $SOURCE"
	ex_stop
else
	ex_no_leftovers
fi

# CASES: file literal workers unit-bytes, one per line.
CASES="$SMALL ab 2 1048576
$SMALL ab 2 4096
$SMALL ab 3 64
$MEDIUM a 3 1048576
$MEDIUM a 3 4096
$MEDIUM a 2 64
$OTHER abcde 2 4096
$OTHER qz 2 100
$OTHER qz 3 37
$EDGES ab 2 16
$EDGES ab 3 32
$EDGES ab 2 7"

# Run every case once; remember each strategy's count per case.
declare -A GOT WANT
while read -r file literal workers unit; do
	key="$file $literal $workers $unit"
	[ -n "${WANT[$file $literal]:-}" ] || WANT[$file $literal]=$(want_count "$file" "$literal")
	ex_run case -- "$PROGRAM" --file "$file" --literal "$literal" --workers "$workers" \
		--unit-bytes "$unit" --repeat 1 </dev/null
	for strategy in ship share; do
		GOT[$strategy $key]=$(field $strategy 2)
		[ "$RUN_TIMED_OUT" -eq 0 ] || GOT[$strategy $key]="(hung: killed after $EX_TIMEOUT s)"
	done
done <<<"$CASES"

# count_test STRATEGY WHICH DESCRIPTION: STRATEGY's counts equal grep's on
# the cases whose file matches WHICH (a grep -E pattern over the case line).
count_test() {
	local strategy=$1 which=$2 wrong="" key file literal want
	ex_test "$3"
	while read -r key; do
		read -r file literal _ <<<"$key"
		want=${WANT[$file $literal]}
		if [[ $want == grep-and-tvp-disagree* ]]; then
			wrong+="on $(basename "$file") the referees disagree: $want (grep -c -E / tvp grep)"$'\n'
		elif [ "${GOT[$strategy $key]}" != "$want" ]; then
			wrong+="$strategy counted ${GOT[$strategy $key]:-nothing}, grep -c -E counts $want: $(about_case "$key")"$'\n'
		fi
	done < <(grep -E -- "$which" <<<"$CASES")
	if [ -z "$wrong" ]; then
		ex_pass
	else
		ex_fail "$(listed "$wrong")" "$(shipshare_advice "$strategy")"
	fi
}

count_test share '^[^ ]*/(small|medium|other)\.txt ' \
	"share counts the lines LC_ALL=C grep -c -E and tvp grep count: 3 corpora, units of 1 MiB down to 37 bytes"
count_test ship '^[^ ]*/(small|medium|other)\.txt ' \
	"ship counts the same lines as grep on the same corpora and units"
ex_test "a file with no final newline, lines ending exactly at unit ends: both strategies count 50"
edges_wrong=""
for strategy in share ship; do
	while read -r key; do
		[ "${GOT[$strategy $key]}" = "${WANT[$EDGES ab]}" ] ||
			edges_wrong+="$strategy counted ${GOT[$strategy $key]:-nothing}, grep -c -E counts ${WANT[$EDGES ab]}: $(about_case "$key")"$'\n'
	done < <(grep -F -- "$EDGES" <<<"$CASES")
done
if [ -z "$edges_wrong" ]; then
	ex_pass
else
	ex_fail "$(listed "$edges_wrong")
(edges.txt: 100 lines of 16 bytes, every other one holding ab, the last with no newline;
make it with: $EDGES_MAKER >/tmp/edges.txt)" \
		"$(shipshare_advice "$([[ $edges_wrong == share* ]] && echo share || echo ship)")"
fi

ex_test "bytes moved: ship sends the file once plus the counts, share only the counts ($COUNT_BYTES bytes a worker)"
moved_wrong=""
for workers in 2 3; do
	run moved -- "$PROGRAM" --file "$MEDIUM" --literal a --workers "$workers" --unit-bytes 4096 --repeat 1
	size=$(stat -c %s "$MEDIUM")
	ship_want=$((size + COUNT_BYTES * workers))
	share_want=$((COUNT_BYTES * workers))
	[ "$(field ship 3)" = "$ship_want" ] ||
		moved_wrong+="ship moved $(field ship 3) bytes with $workers workers; want $ship_want: the file's $size bytes once, and $share_want of counts"$'\n'
	[ "$(field share 3)" = "$share_want" ] ||
		moved_wrong+="share moved $(field share 3) bytes with $workers workers; want $share_want: the counts only, no text"$'\n'
done
if [ -z "$moved_wrong" ]; then
	ex_pass "ship $ship_want, share $share_want with 3 workers on $size bytes"
else
	ex_fail "${moved_wrong%$'\n'}
(ran: $RUN_CMD)" "send every line once, with send_all, to one worker only: $(shipshare_advice ship)"
fi

corpus BIG big "$BIG_LINES" 4
BIG_SIZE=$(stat -c %s "$BIG")
ex_test "share is faster than ship on a $((BIG_SIZE / 1000000)) MB corpus: ship/share wall at least $SPEED_BOUND (2 workers)"
why=$(ex_speed_skip_reason 2)
ship_s="" share_s=""
if [ -n "$why" ]; then
	ex_skip "$why"
else
	best=0
	for _ in 1 2 3; do
		run speed --timeout $((EX_TIMEOUT * 3)) -- "$PROGRAM" --file "$BIG" --workers 2 --repeat 5
		if [ "$(field ship 5)" != OK ] || [ "$(field share 5)" != OK ]; then
			best=wrong
			break
		fi
		ship_s=$(field ship 4) share_s=$(field share 4)
		best=$(awk -v a="$best" -v b="$ship_s" -v c="$share_s" 'BEGIN { r = c > 0 ? b / c : 0; printf "%.2f", (r > a ? r : a) }')
		awk -v r="$best" -v b="$SPEED_BOUND" 'BEGIN { exit !(r >= b) }' && break
	done
	if [ "$best" = wrong ]; then
		ex_fail "$(ex_run_summary)
a strategy counts wrongly on this corpus, so its speed does not count:
$(grep -E '^(ship|share) ' "$RUN_OUT" | sed 's/^/  /')" \
			"$(shipshare_advice "$([ "$(field share 5)" != OK ] && echo share || echo ship)")"
	elif awk -v r="$best" -v b="$SPEED_BOUND" 'BEGIN { exit !(r >= b) }'; then
		ex_pass "ship $ship_s s, share $share_s s: $best times"
	else
		ex_fail "best ship/share of 3 tries: $best; want at least $SPEED_BOUND (ran: $RUN_CMD).
Share should read its units straight from its mapping: no copy of the file, no pipe. If the
machine is busy, run again later." "share_worker must map the file and count only its own units"
	fi
fi

ex_test "for comparison: tvp grep --model fork --workers 2 --input ship vs --input shared on the same corpus"
# tvp_wall MODE: tvp's median wall time into TVP_WALL (empty when the run
# failed). Not in a subshell, so a failure's summary names this run. tvp
# is not the student's program: it gets time for its reference pass on a
# busy machine or a sanitizer build.
tvp_wall() {
	ex_run tvp --timeout 120 -- "$EX_TVP" grep --file "$BIG" --regex abcde --model fork \
		--workers 2 --input "$1" --repeat 3 --format csv
	TVP_WALL=$(ex_csv_field "$RUN_OUT" wall_median_s)
}
tvp_wall ship
tvp_ship=$TVP_WALL
[ -z "$tvp_ship" ] || tvp_wall shared
tvp_shared=$TVP_WALL
if [ -z "$tvp_ship" ] || [ -z "$tvp_shared" ]; then
	ex_fail "$(ex_run_summary)" "build tvp (make build, at the top of the tree), then check again"
else
	ex_pass "tvp: ship $tvp_ship s, shared $tvp_shared s${ship_s:+; your shipshare: ship $ship_s s, share $share_s s}"
fi

ex_after="Now measure for the handout's questions (make a corpus first):
      build/tvp corpus --lines 1M --out /tmp/corpus.txt
      $EX_BIN_SHOWN/shipshare --file /tmp/corpus.txt --workers 2
      build/tvp grep --file /tmp/corpus.txt --regex abcde --model fork --workers 2 --input ship"
ex_end

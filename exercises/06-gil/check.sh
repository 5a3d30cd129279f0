# check.sh - checker for exercise 06: predictions written, amdahl fits p by least squares, tvp's GIL measured, answers agree.
# shellcheck shell=bash source=exercises/tools/lib.sh
source "$(dirname "$0")/../tools/lib.sh"

TOP=$(cd "$(dirname "$0")/../.." && pwd)
ANSWERS=$EX_SRC/answers.txt
SWEEP_TO=300000     # primes below this: a sweep of 6 runs takes about a second
FREES="0.00 0.25 0.50 0.75 1.00"
RACE_TO=500000      # threads against processes
PEER_TO=200000      # the Python peer (about 20 times slower than tvp)
PEER_TVP_TO=1000000 # tvp beside it: about the same serial time
TOLERANCE=0.002     # amdahl prints p to 3 decimals
cores=$(ex_cores)

# answer NAME: the value of `NAME = value` in the answers file (comments and spaces stripped).
answer() {
	sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$EX_SRC_DIR/answers.txt" 2>/dev/null |
		head -n 1 | sed 's/[[:space:]]*#.*//; s/[[:space:]]*$//'
}

# is_number TEXT: true if TEXT is a decimal number.
is_number() {
	[[ $1 =~ ^-?[0-9]+(\.[0-9]*)?$|^-?\.[0-9]+$ ]]
}

# tvp_json FILE ARGS...: run tvp ARGS with --format json into FILE; false (and says why) if it failed.
tvp_json() {
	local file=$1
	shift
	if ! timeout $((EX_TIMEOUT * 3)) "$TVP" "$@" --format json >"$file" 2>"$file.err"; then
		echo "ran: $TVP $* --format json"
		echo "it failed: $(tail -n 1 "$file.err")"
		return 1
	fi
}

# wall_of FILE [STAT]: the median (or STAT: min, max) wall time of the run in FILE.
wall_of() {
	grep -o "\"${2:-median}\": [0-9.e+-]*" "$1" | head -n 1 | awk '{ print $2 }'
}

# fields_of FILE [STAT]: "free model workers wall" of the one run in FILE, as the checker reads it
# (wall: the median, or STAT).
fields_of() {
	local free
	free=$(grep -o '"free": [0-9.]*' "$1" | head -n 1 | awk '{ print $2 }')
	printf '%s %s %s %s\n' "${free:-0}" \
		"$(grep -o '"model": "[^"]*"' "$1" | head -n 1 | cut -d'"' -f4)" \
		"$(grep -o '"workers": [0-9]*' "$1" | head -n 1 | awk '{ print $2 }')" "$(wall_of "$1" "${2:-median}")"
}

# fits_of DIR [STAT]: "FREE/primes/MODEL P" for the sweep in DIR, by the checker (walls: STAT).
fits_of() {
	local file serial_wall
	for file in "$1"/*.json; do fields_of "$file" "${2:-median}"; done >"$1.fields"
	serial_wall=$(awk '$2 == "serial" { print $4 }' "$1.fields")
	awk -v base="$serial_wall" '$2 != "serial" { printf "%.2f/primes/%s %s %.6f\n", $1, $2, $3, base / $4 }' \
		"$1.fields" | least_squares
}

# least_squares: reads "GROUP WORKERS SPEEDUP" lines; prints "GROUP P" per group (p by least
# squares on 1/S, "-" when no point has WORKERS > 1), groups in the order they first appear.
least_squares() {
	awk '{
		if (!($1 in ab)) { order[++groups] = $1; ab[$1] = 0; aa[$1] = 0 }
		a = 1 - 1 / $2; ab[$1] += a * (1 - 1 / $3); aa[$1] += a * a
	} END {
		for (g = 1; g <= groups; g++)
			if (aa[order[g]] > 0) printf "%s %.4f\n", order[g], ab[order[g]] / aa[order[g]]
			else printf "%s -\n", order[g]
	}'
}

# fitted_of OUT: "FREE/WORKLOAD/MODEL P" for each row of the fit table that amdahl printed into OUT.
fitted_of() {
	awk '/^Amdahl/ { on = 1; next }
		on && $1 ~ /^-?[0-9.]+$/ && NF >= 5 { printf "%.2f/%s/%s %s\n", $1, $2, $3, $5 }' "$1"
}

# compare_fits WANT GOT: the rows of WANT ("KEY P") that GOT lacks or gets wrong, as
# "KEY: want P, amdahl printed Q" lines; nothing if all agree within TOLERANCE.
compare_fits() {
	awk -v tol="$TOLERANCE" 'NR == FNR { got[$1] = $2; next }
		{
			have = ($1 in got) ? got[$1] : "no row"
			if ($2 == "-") bad = (have != "-")
			else bad = (have !~ /^-?[0-9.]+$/ || (have - $2 > tol) || ($2 - have > tol))
			if (bad) printf "  %-28s want p %s, amdahl printed %s\n", $1, $2, have
		}' "$2" "$1"
}

# fake_run MODEL WORKERS WALL FREE [WORKLOAD]: one made-up run, laid out as tvp writes it.
fake_run() {
	local gil='null'
	[ "$4" = 0 ] || gil="{\"interval_s\": 0.005, \"free\": $4, \"segment\": 10000, \"free_ticks\": 5}"
	printf ' {"workload": "%s", "model": "%s", "workers": %s, "params": {"to": 1000},\n' "${5:-primes}" "$1" "$2"
	printf '  "wall_s": {"median": %s, "min": %s, "all": [%s]},\n' "$3" "$3" "$3"
	printf '  "workers_detail": [{"worker": 0, "busy_s": 0.1}],\n  "gil_stats": %s}' "$gil"
}

# fake_file FILE RUN...: a tvp/1 file holding the made-up runs.
fake_file() {
	local file=$1 first=1 run
	shift
	{
		printf '{"schema": "tvp/1", "machine": {"cpu_model": "made up", "cores_online": 2},\n "runs": ['
		for run in "$@"; do
			[ "$first" = 1 ] || printf ',\n'
			first=0
			printf '%s' "$run"
		done
		printf ']}\n'
	} >"$file"
}

# ---------------------------------------------------------------------------

ex_test "your predictions are written down in $ANSWERS (before you measure)"
missing=""
case $(answer predict_faster) in
threads | processes | same) ;;
*) missing+="  predict_faster = $(answer predict_faster): want threads, processes or same"$'\n' ;;
esac
case $(answer predict_legacy) in
faster | same | slower) ;;
*) missing+="  predict_legacy = $(answer predict_legacy): want faster, same or slower"$'\n' ;;
esac
is_number "$(answer predict_p_half)" || missing+="  predict_p_half = $(answer predict_p_half): want a number"$'\n'
if [ ! -f "$EX_SRC_DIR/answers.txt" ]; then
	ex_fail "there is no $ANSWERS" "copy it back from the handout's folder and fill in predictions 1 to 3"
elif [ -n "$missing" ]; then
	ex_fail "these predictions are not written yet:
${missing%$'\n'}" "write down predictions 1 to 3 in $ANSWERS before you run anything (any answer counts)"
else
	ex_pass "threads vs processes: $(answer predict_faster); legacy: $(answer predict_legacy); p at 0.5: $(answer predict_p_half)"
fi

failed_before_fit=$ex_failed
ex_test "amdahl fits p = 0.700 to exact Amdahl points (2, 3 and 4 workers)"
# Made with p = 0.7: wall = (1 - p) + p / N, against a serial run of 1 s.
fake_file "$EX_SCRATCH/exact.json" "$(fake_run serial 1 1.0 0)" "$(fake_run pthread 2 0.65 0.7)" \
	"$(fake_run pthread 3 0.533333 0.7)" "$(fake_run pthread 4 0.475 0.7)"
ex_run exact -- "$EX_BIN/amdahl" "$EX_SCRATCH/exact.json"
printf '0.70/primes/pthread 0.7000\n' >"$EX_SCRATCH/exact.want"
fitted_of "$RUN_OUT" >"$EX_SCRATCH/exact.got"
wrong=$(compare_fits "$EX_SCRATCH/exact.want" "$EX_SCRATCH/exact.got")
if [ "$RUN_STATUS" -ne 0 ]; then
	ex_fail "$(ex_run_summary)" "amdahl must run on a good file; see $EX_SRC/amdahl.c"
elif [ -n "$wrong" ]; then
	ex_fail "ran: $RUN_CMD   (made-up runs: serial 1 s; 2, 3, 4 threads 0.65, 0.5333, 0.475 s)
$wrong
its fit table:
$(sed -n '/^Amdahl/,$p' "$RUN_OUT" | sed 's/^/  /')" \
		"do the TODO in $EX_SRC/amdahl.c: fit_p returns the least-squares p"
else
	ex_pass
fi

ex_test "amdahl fits noisy points by least squares on 1/S, one p per workload, model and fraction"
# Serial runs: 2 s at fraction 0 (the fallback baseline), 1 s at 0.4. Least squares on 1/S for
# 0.4/pthread: a = 0.5, 0.5, 0.75 and 1 - 1/S = 0.25, 0.20, 0.40 give 0.525 / 1.0625 = 0.4941
# (the mean of the three points' own p is 0.4778). 0.90/pthread has one worker: no p. 0.00/fork
# takes the 2 s serial run: S = 1.25, p = 0.4.
fake_file "$EX_SCRATCH/noisy.json" "$(fake_run serial 1 2.0 0)" "$(fake_run pthread 2 0.75 0.4)" \
	"$(fake_run fork 2 0.5 0.4)" "$(fake_run serial 1 1.0 0.4)" "$(fake_run pthread 2 0.80 0.4)" \
	"$(fake_run pthread 4 0.60 0.4)" "$(fake_run pthread 1 1.0 0.9)" "$(fake_run fork 2 1.6 0)"
ex_run noisy -- "$EX_BIN/amdahl" "$EX_SCRATCH/noisy.json"
printf '%s\n' "0.40 2 1.3333" "0.40 2 1.25" "0.40 4 1.6667" |
	sed 's,^0.40,0.40/primes/pthread,' | least_squares >"$EX_SCRATCH/noisy.want"
printf '%s\n' "0.40/primes/fork 1.0000" "0.90/primes/pthread -" "0.00/primes/fork 0.4000" >>"$EX_SCRATCH/noisy.want"
fitted_of "$RUN_OUT" >"$EX_SCRATCH/noisy.got"
wrong=$(compare_fits "$EX_SCRATCH/noisy.want" "$EX_SCRATCH/noisy.got")
if [ "$RUN_STATUS" -ne 0 ]; then
	ex_fail "$(ex_run_summary)" "amdahl must run on a good file; see $EX_SRC/amdahl.c"
elif [ -n "$wrong" ]; then
	ex_fail "ran: $RUN_CMD   (made-up runs; 0.40/pthread: 2, 2 and 4 threads at speedups 1.333, 1.25, 1.667)
$wrong
its fit table:
$(sed -n '/^Amdahl/,$p' "$RUN_OUT" | sed 's/^/  /')" \
		"fit_p must minimise the sum of (1/S - (1 - p) - p/N)^2 over all the points, and return NAN when every N is 1"
else
	ex_pass
fi
# The rest fits real runs: it needs a working fit.
[ "$ex_failed" -eq "$failed_before_fit" ] || ex_stop

# sweep DIR: serial, then 2 threads under --gil modern at each GIL-free fraction, one JSON file each.
sweep() {
	local dir=$1 free
	mkdir -p "$dir"
	tvp_json "$dir/serial.json" primes --to "$SWEEP_TO" || return 1
	for free in $FREES; do
		tvp_json "$dir/free-$free.json" primes --to "$SWEEP_TO" --model pthread --workers 2 \
			--schedule dynamic --gil modern --gil-free "$free" || return 1
	done
}

ex_test "amdahl reads a real sweep (tvp primes --to $SWEEP_TO, 2 threads, --gil-free $FREES) and gets its p's right"
if [ ! -x "$TVP" ]; then
	ex_fail "there is no tvp at $TVP" "build it: make build (from the top of the tree)"
	ex_stop
fi
if ! why=$(sweep "$EX_SCRATCH/sweep1"); then
	ex_fail "$why" "tvp itself failed: run make build, then the command above"
	ex_stop
fi
ex_run sweep1 -- "$EX_BIN/amdahl" "$EX_SCRATCH"/sweep1/*.json
fits_of "$EX_SCRATCH/sweep1" >"$EX_SCRATCH/sweep1.want"
fitted_of "$RUN_OUT" >"$EX_SCRATCH/sweep1.got"
wrong=$(compare_fits "$EX_SCRATCH/sweep1.want" "$EX_SCRATCH/sweep1.got")
if [ "$RUN_STATUS" -ne 0 ]; then
	ex_fail "$(ex_run_summary)"
elif [ -n "$wrong" ]; then
	ex_fail "ran: $RUN_CMD
$wrong" "compare amdahl's table with the walls in the JSON files; the checker's p is 2 (1 - wall/serial wall)"
else
	ex_pass "p at --gil-free $FREES: $(awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $2 }' "$EX_SCRATCH/sweep1.want")"
fi

# band_violations WANT: what in a sweep's fitted p's breaks the GIL's bounds (nothing if none).
band_violations() {
	awk '{ split($1, key, "/"); f = key[1] + 0; p = $2 + 0
		top = (2 * f < 1 ? 2 * f : 1) + 0.2
		if (p > top) printf "  --gil-free %.2f: p %.3f above %.2f, more than the lock allows: was the serial run slowed by another job?\n", f, p, top
		if (f == 1 && p < 0.5) printf "  --gil-free 1: p %.3f below 0.5: two threads without the lock did not run in parallel\n", p
	}' "$1"
}

ex_test "the sweep respects the lock: p <= min(1, 2F) + 0.2 at every F, and p >= 0.5 at F = 1"
why=$(ex_speed_skip_reason 2)
if [ -n "$why" ]; then
	ex_skip "$why"
else
	# The fastest of each run's repeats: a busy machine only ever adds time.
	tries=1
	fits_of "$EX_SCRATCH/sweep1" min >"$EX_SCRATCH/band.want"
	bad=$(band_violations "$EX_SCRATCH/band.want")
	while [ -n "$bad" ] && [ "$tries" -lt 3 ]; do
		tries=$((tries + 1))
		sweep "$EX_SCRATCH/sweep$tries" >/dev/null || break
		fits_of "$EX_SCRATCH/sweep$tries" min >"$EX_SCRATCH/band.want"
		bad=$(band_violations "$EX_SCRATCH/band.want")
	done
	if [ -z "$bad" ]; then
		ex_pass "fastest repeats, p at F = $(awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $2 }' "$EX_SCRATCH/band.want"); $tries sweep(s)"
	else
		ex_fail "in each of $tries sweeps something broke the bounds; the last:
$bad
If the machine is busy (another job on a core), run again later." \
			"run the sweep yourself (handout, step 6) and look at the walls"
	fi
fi

ex_test "processes beat threads under --gil modern: wall of fork / wall of pthread < 0.85 (2 workers)"
why=$(ex_speed_skip_reason 2)
if [ -n "$why" ]; then
	ex_skip "$why"
else
	best=""
	for try in 1 2 3; do
		if ! tvp_json "$EX_SCRATCH/thread$try.json" primes --to "$RACE_TO" --model pthread --workers 2 \
			--schedule dynamic --gil modern >/dev/null ||
			! tvp_json "$EX_SCRATCH/process$try.json" primes --to "$RACE_TO" --model fork --workers 2 \
				--schedule dynamic --gil modern >/dev/null; then
			break
		fi
		ratio=$(awk -v p="$(wall_of "$EX_SCRATCH/process$try.json")" -v t="$(wall_of "$EX_SCRATCH/thread$try.json")" \
			'BEGIN { printf "%.2f", p / t }')
		best=$(awk -v a="${best:-9}" -v b="$ratio" 'BEGIN { print (b < a ? b : a) }')
		awk -v r="$best" 'BEGIN { exit !(r < 0.85) }' && break
	done
	if [ -z "$best" ]; then
		ex_fail "tvp failed: $(tail -n 1 "$EX_SCRATCH"/*.err 2>/dev/null | tail -n 1)" "run make build"
	elif awk -v r="$best" 'BEGIN { exit !(r < 0.85) }'; then
		ex_pass "fork/pthread $best here, $try tr$([ "$try" = 1 ] && echo y || echo ies)"
	else
		ex_fail "best fork/pthread ratio of 3 tries: $best; want below 0.85 on $cores cores.
If the machine is busy, run again later." "$TVP primes --to $RACE_TO --model fork --workers 2 --schedule dynamic --gil modern"
	fi
fi

# The student's own runs (the handout's steps 4 to 7 save them here).
RUNS=${EX_GIL_RUNS:-$TOP/build/gil-runs}
if [ "$EX_EDITION" = solution ] && [ -s "$EX_SRC_DIR/record.sh" ]; then
	# The instructor's steps 4 to 7, run as a student runs them by hand.
	RUNS=$EX_SCRATCH/gil-runs
	echo "(solution edition: record.sh measures steps 4 to 7 into a scratch build/gil-runs/ and fills the answers)"
	TVP=$TVP PEERS=$TOP/peers/python/primes.py bash "$EX_SRC_DIR/record.sh" "$RUNS" "$EX_SRC_DIR/answers.txt" \
		"$EX_BIN/amdahl" "$SWEEP_TO" >"$EX_SCRATCH/record.log" 2>&1 ||
		echo "record.sh failed: $(tail -n 1 "$EX_SCRATCH/record.log")"
fi
RUNS_SHOWN=${RUNS#"$TOP/"}

# run_is FILE MODEL WORKERS GIL: why the saved run in FILE is not that run (nothing if it is).
run_is() {
	[ -s "$1" ] || { echo "${1#"$TOP/"} is missing"; return; }
	local model workers gil
	model=$(grep -o '"model": "[^"]*"' "$1" | head -n 1 | cut -d'"' -f4)
	workers=$(grep -o '"workers": [0-9]*' "$1" | head -n 1 | awk '{ print $2 }')
	gil=$(grep -o '"gil": "[^"]*"' "$1" | head -n 1 | cut -d'"' -f4)
	[ "$model $workers $gil" = "$2 $3 $4" ] ||
		echo "${1#"$TOP/"} is --model $model --workers $workers --gil $gil, want --model $2 --workers $3 --gil $4"
}

# agrees NAME GOT WANT TOLERANCE HOW: a problem line if the answer GOT is not WANT within TOLERANCE.
agrees() {
	is_number "$2" || { echo "$1 = $2: want a number"; return; }
	awk -v got="$2" -v want="$3" -v tol="$4" 'BEGIN { d = got - want; exit !(d > tol || -d > tol) }' &&
		printf '%s = %s, but %s gives %.3f\n' "$1" "$2" "$5" "$3"
}

# ratio_of A B: wall median of run A over run B.
ratio_of() { awk -v a="$(wall_of "$1")" -v b="$(wall_of "$2")" 'BEGIN { printf "%.4f", a / b }'; }

ex_test "your measured answers in $ANSWERS agree with your own runs in $RUNS_SHOWN/"
problems=""
while read -r name model workers gil; do
	why=$(run_is "$RUNS/$name.json" "$model" "$workers" "$gil")
	[ -z "$why" ] || problems+="$why"$'\n'
done <<'RUNS'
serial serial 1 off
pthread pthread 2 modern
fork fork 2 modern
legacy pthread 2 legacy
RUNS
ls "$RUNS"/sweep/free-*.json >/dev/null 2>&1 && [ -s "$RUNS/sweep/serial.json" ] ||
	problems+="$RUNS_SHOWN/sweep/ lacks serial.json or the free-F.json runs (step 6)"$'\n'
if [ -z "$problems" ]; then
	want=$(ratio_of "$RUNS/fork.json" "$RUNS/pthread.json")
	problems+=$(agrees ratio_process_thread "$(answer ratio_process_thread)" "$want" 0.006 "fork.json / pthread.json")
	said=$(awk -v r="$(answer ratio_process_thread)" 'BEGIN { print (r < 0.9 ? "processes" : r > 1.1 ? "threads" : "same") }')
	[ "$(answer faster)" = "$said" ] ||
		problems+=$'\n'"faster = $(answer faster), but your ratio_process_thread $(answer ratio_process_thread) says $said (below 0.9: processes; above 1.1: threads)"
	want=$(ratio_of "$RUNS/legacy.json" "$RUNS/serial.json")
	problems+=$'\n'$(agrees ratio_legacy_serial "$(answer ratio_legacy_serial)" "$want" 0.006 "legacy.json / serial.json")
	fits_of "$RUNS/sweep" >"$EX_SCRATCH/own.fits"
	while read -r name free; do
		want=$(awk -v key="$free/primes/pthread" '$1 == key { print $2 }' "$EX_SCRATCH/own.fits")
		if [ -z "$want" ] || [ "$want" = - ]; then
			problems+=$'\n'"$RUNS_SHOWN/sweep/ has no 2-thread run at --gil-free $free (step 6)"
		else
			problems+=$'\n'$(agrees "$name" "$(answer "$name")" "$want" "$TOLERANCE" "the least-squares fit of $RUNS_SHOWN/sweep/ at --gil-free $free")
		fi
	done <<'FITS'
p_half 0.50
p_one 1.00
FITS
	python_ratio=$(answer python_ratio_thread_serial)
	if [ -s "$RUNS/python-serial.json" ] && [ -s "$RUNS/python-threading.json" ]; then
		want=$(ratio_of "$RUNS/python-threading.json" "$RUNS/python-serial.json")
		problems+=$'\n'$(agrees python_ratio_thread_serial "$python_ratio" "$want" 0.006 "python-threading.json / python-serial.json")
	elif [ "$python_ratio" != none ]; then
		problems+=$'\n'"python_ratio_thread_serial = $python_ratio: save the two Python runs of step 7 (--json), or write none"
	fi
fi
problems=$(printf '%s\n' "$problems" | sed '/^$/d')
if [ -n "$problems" ]; then
	ex_fail "$problems" "measure (handout, steps 4 to 7, saving each run in $RUNS_SHOWN/) and fill the MEASURE lines of $ANSWERS from those runs"
else
	ex_pass "you predicted $(answer predict_faster), measured $(answer faster) (fork/pthread $(answer ratio_process_thread)); predicted p $(answer predict_p_half) at 0.5, fitted $(answer p_half)"
fi

ex_test "the Python peer (peers/python/primes.py) agrees with tvp's answer; the ratios side by side"
if ! command -v python3 >/dev/null; then
	ex_skip "no python3 here: compare with the handout's figures instead"
else
	tvp_json "$EX_SCRATCH/peer-tvp.json" primes --to "$PEER_TO" --repeat 1 --warmup 0 >/dev/null
	expect=$(grep -o '"answer": "[0-9]*"' "$EX_SCRATCH/peer-tvp.json" | head -n 1 | cut -d'"' -f4)
	peer_failed=""
	for model in serial threading process; do
		workers=()
		[ "$model" = serial ] || workers=(--workers 2)
		ex_run "peer-$model" --timeout $((EX_TIMEOUT * 3)) -- python3 "$TOP/peers/python/primes.py" \
			--model "$model" "${workers[@]}" --to "$PEER_TO" --expect "$expect" --json "$EX_SCRATCH/peer-$model.json"
		[ "$RUN_STATUS" -eq 0 ] || { peer_failed=$(ex_run_summary) && break; }
	done
	if [ -n "$peer_failed" ]; then
		ex_fail "$peer_failed" "run it yourself: python3 peers/python/primes.py --model threading --workers 2 --to $PEER_TO"
	else
		for model in serial pthread fork; do
			args=(--model "$model")
			[ "$model" = serial ] || args+=(--workers 2 --schedule dynamic --gil modern)
			tvp_json "$EX_SCRATCH/peer-tvp-$model.json" primes --to "$PEER_TVP_TO" --repeat 1 --warmup 0 \
				"${args[@]}" >/dev/null
		done
		ratio_of() { awk -v a="$(wall_of "$1")" -v b="$(wall_of "$2")" 'BEGIN { printf "%.2f", a / b }'; }
		s=$EX_SCRATCH
		ex_pass "informative, not checked:
    $(grep -o '"interpreter": "[^"]*"' "$s/peer-serial.json" | head -n 1 | cut -d'"' -f4), primes to $PEER_TO: threading/serial $(ratio_of "$s/peer-threading.json" "$s/peer-serial.json"), process/serial $(ratio_of "$s/peer-process.json" "$s/peer-serial.json")
    tvp --gil modern, primes to $PEER_TVP_TO:  pthread/serial $(ratio_of "$s/peer-tvp-pthread.json" "$s/peer-tvp-serial.json"), fork/serial $(ratio_of "$s/peer-tvp-fork.json" "$s/peer-tvp-serial.json")"
	fi
fi

ex_after="Now answer the handout's questions. Try a fine and a coarse segment at --gil-free 0.5:
      ${TVP#"$TOP/"} primes --to 2000000 --model pthread --workers 2 --schedule dynamic --gil modern --gil-free 0.5 --gil-segment 10"
ex_end

# check.sh - checker for exercise 07: Karp-Flatt and the Amdahl fit give the known answers on made-up sweeps, and a least-squares p on a tvp sweep of this machine.
# shellcheck shell=bash source=exercises/tools/lib.sh
source "$(dirname "$0")/../tools/lib.sh"

TOLERANCE=0.0005 # the program prints 4 decimals
SWEEP_TO=300000  # tvp primes --to: a small job, a few milliseconds per run

# Made-up sweeps (WORKERS SECONDS) with known answers.
# exact: T(N) = 2 (0.05 + 0.95/N), Amdahl with p = 0.95: e = 0.05 at every N.
EXACT="# workers seconds
1 2.000000000
4 0.575000000
2 1.050000000
8 0.337500000
16 0.218750000"
# usl: T(N) = 1.5 (1 + 0.05 (N-1) + 0.005 N (N-1)) / N, which Amdahl cannot
# follow; the least-squares p is 0.9222 and e rises from 0.06 by 0.005 per N.
USL="1 1.500000000
2 0.795000000
3 0.565000000
4 0.453750000
5 0.390000000
6 0.350000000
7 0.323571429
8 0.305625000"
# superlinear (cache effects): the unconstrained fit is above 1.
SUPER="1 1.0
2 0.45
4 0.2"
# slower with more workers: the unconstrained fit is below 0.
SLOWER="1 1.0
2 1.2
3 1.5"

# The sweeps are kept next to the program, so that the student can rerun a
# failed test's command.
SWEEPS=$EX_BIN/sweeps
mkdir -p "$SWEEPS"

declare -A CMD # the command each made-up sweep ran, by name

# run_amdahl NAME DATA: run amdahl on DATA (written to NAME.txt).
run_amdahl() {
	printf '%s\n' "$2" >"$SWEEPS/$1.txt"
	ex_run "$1" -- "$EX_BIN/amdahl" "$SWEEPS/$1.txt"
	cp "$RUN_OUT" "$EX_SCRATCH/$1.table"
	cp "$RUN_ERR" "$EX_SCRATCH/$1.stderr"
	CMD[$1]=${RUN_CMD//"$EX_TOP/"/}
}

# field NAME WORKERS COLUMN: a column of the row for WORKERS in NAME's table.
field() {
	awk -v n="$2" -v c="$3" '$1 == n && NF == 7 { print $c; exit }' "$EX_SCRATCH/$1.table"
}

# fitted_p NAME: the p of NAME's "amdahl fit" line.
fitted_p() {
	sed -nE 's/^amdahl fit: p = ([-0-9.a-z]+),.*/\1/p' "$EX_SCRATCH/$1.table"
}

# near GOT WANT: true if GOT is a number within TOLERANCE of WANT.
near() {
	awk -v got="$1" -v want="$2" -v tol="$TOLERANCE" \
		'BEGIN { exit !(got ~ /^-?[0-9.]+$/ && got - want <= tol && want - got <= tol) }'
}

run_amdahl exact "$EXACT"
run_amdahl usl "$USL"
run_amdahl super "$SUPER"
run_amdahl slower "$SLOWER"

ex_test "amdahl reads a sweep (lines WORKERS SECONDS) and prints a row per worker count"
rows=$(awk 'NF == 7 && $1 ~ /^[0-9]+$/' "$EX_SCRATCH/exact.table" | wc -l)
if [ "$RUN_TIMED_OUT" -eq 1 ] || [ "$rows" -ne 5 ] || [ -z "$(fitted_p exact)" ]; then
	ex_fail "ran: ${CMD[exact]}
on a sweep of 5 runs (1, 2, 4, 8 and 16 workers) it printed:
$(sed 's/^/  /' "$EX_SCRATCH/exact.table" "$EX_SCRATCH/exact.stderr")" \
		"keep main and the printing as given; change only karp_flatt and amdahl_fit"
	ex_stop
else
	ex_pass
fi

ex_test "Karp-Flatt: e = 0.0500 at every N of an exact Amdahl sweep (p = 0.95), and - at N = 1"
wrong=""
for workers in 2 4 8 16; do
	got=$(field exact "$workers" 5)
	near "$got" 0.05 || wrong+="  N = $workers: e = $got, want 0.0500"$'\n'
done
[ "$(field exact 1 5)" = - ] || wrong+="  N = 1: e = $(field exact 1 5), want - (NAN: 0/0, one worker has no serial fraction to show)"$'\n'
if [ -z "$wrong" ]; then
	ex_pass
else
	ex_fail "sweep T(N) = 2 (0.05 + 0.95/N) s (ran: ${CMD[exact]}):
${wrong%$'\n'}" "write karp_flatt in $EX_SRC/amdahl.c (TODO 1): e = (1/S - 1/N) / (1 - 1/N)"
fi

ex_test "Karp-Flatt: e = -0.1000 at N = 2 when faster than linear, 1.4000 when slower than serial"
wrong=""
got=$(field super 2 5)
near "$got" -0.1 || wrong+="  T(2) = 0.45 s from T(1) = 1 s: e = $got, want -0.1000 (ran: ${CMD[super]})"$'\n'
got=$(field slower 2 5)
near "$got" 1.4 || wrong+="  T(2) = 1.2 s from T(1) = 1 s: e = $got, want 1.4000 (ran: ${CMD[slower]})"$'\n'
if [ -z "$wrong" ]; then
	ex_pass
else
	ex_fail "${wrong%$'\n'}" \
		"karp_flatt (TODO 1) must not clamp or round: a negative e and an e above 1 both mean something"
fi

ex_test "Amdahl fit: p = 0.9500 on the exact Amdahl sweep"
p=$(fitted_p exact)
if near "$p" 0.95; then
	ex_pass
else
	ex_fail "sweep T(N) = 2 (0.05 + 0.95/N) s: p = $p, want 0.9500 (ran: ${CMD[exact]})" \
		"write amdahl_fit in $EX_SRC/amdahl.c (TODO 2): the least-squares p of T(N)/T(1) = (1 - p) + p/N"
fi

ex_test "Amdahl fit: p = 0.9222 on a sweep Amdahl cannot follow (least squares on T(N)/T(1))"
p=$(fitted_p usl)
if near "$p" 0.9222; then
	ex_pass
else
	ex_fail "sweep T(N) = 1.5 (1 + 0.05 (N-1) + 0.005 N (N-1)) / N s, N = 1..8: p = $p, want 0.9222
(ran: ${CMD[usl]})" \
		"amdahl_fit (TODO 2) must minimise the sum of (T(N)/T(1) - ((1 - p) + p/N))^2 over every point, not fit one point"
fi

ex_test "Amdahl fit stays in [0, 1]: p = 1.0000 faster than linear, 0.0000 slower than serial"
wrong=""
got=$(fitted_p super)
near "$got" 1 || wrong+="  T = 1, 0.45, 0.2 s on 1, 2, 4 workers: p = $got, want 1.0000 (ran: ${CMD[super]})"$'\n'
got=$(fitted_p slower)
near "$got" 0 || wrong+="  T = 1, 1.2, 1.5 s on 1, 2, 3 workers: p = $got, want 0.0000 (ran: ${CMD[slower]})"$'\n'
if [ -z "$wrong" ]; then
	ex_pass
else
	ex_fail "${wrong%$'\n'}" \
		"p is a fraction of the work: keep the least-squares p within [0, 1] in amdahl_fit (TODO 2)"
fi

# The sweep of this machine: 1 .. 2 x cores workers (at most 8 runs).
cores=$(ex_cores)
if [ $((2 * cores)) -le 8 ]; then
	sweep_workers=$(seq 1 $((2 * cores)))
else
	sweep_workers=$(printf '%s\n' 1 2 $((cores / 2)) "$cores" $((cores * 3 / 2)) $((2 * cores)) | sort -nu)
fi
ex_test "a sweep of this machine: tvp primes --model pool --to $SWEEP_TO, workers $(echo "$sweep_workers" | paste -sd' ')"
: >"$SWEEPS/this-machine.csv"
for workers in $sweep_workers; do
	ex_run "sweep-$workers" --timeout $((EX_TIMEOUT * 3)) -- "$EX_TVP" primes --model pool \
		--workers "$workers" --to "$SWEEP_TO" --repeat 3 --warmup 1 --format csv
	[ "$RUN_STATUS" -eq 0 ] || break
	cat "$RUN_OUT" >>"$SWEEPS/this-machine.csv"
done
if [ "$RUN_STATUS" -ne 0 ]; then
	ex_fail "$(ex_run_summary)" "build tvp (make build, at the top of the tree), then check again"
	ex_stop
fi
ex_run own -- "$EX_BIN/amdahl" "$SWEEPS/this-machine.csv"
RUN_CMD=${RUN_CMD//"$EX_TOP/"/}
rows=$(awk 'NF == 7 && $1 ~ /^[0-9]+$/' "$RUN_OUT" | wc -l)
if [ "$RUN_STATUS" -ne 0 ] || [ "$rows" -ne "$(echo "$sweep_workers" | wc -l)" ]; then
	ex_fail "$(ex_run_summary)
$(sed 's/^/  /' "$RUN_OUT")" "keep read_sweep as given: it reads tvp's CSV"
	ex_stop
else
	ex_pass "$(sed -n 1p "$RUN_OUT")"
fi

ex_test "on that sweep, p is in [0, 1] and no p within 0.01 of it fits T(N)/T(1) better"
p=$(sed -nE 's/^amdahl fit: p = ([-0-9.a-z]+),.*/\1/p' "$RUN_OUT")
# squared_error P: the sum of (T(N)/T(1) - ((1 - P) + P/N))^2 over the table.
squared_error() {
	awk -v p="$1" 'NF == 7 && $1 ~ /^[0-9]+$/ { if ($1 == 1) t1 = $2; n[++k] = $1; t[k] = $2 }
		END { for (i = 1; i <= k; i++) { d = t[i] / t1 - ((1 - p) + p / n[i]); s += d * d }
		      printf "%.12f", s }' "$RUN_OUT"
}
if ! awk -v p="$p" 'BEGIN { exit !(p ~ /^[0-9.]+$/ && p >= 0 && p <= 1) }'; then
	ex_fail "p = ${p:-(none)} on your sweep: a fraction of the work is in [0, 1]
(ran: $RUN_CMD)" "keep the least-squares p within [0, 1] in amdahl_fit (TODO 2)"
else
	here=$(squared_error "$p")
	worse=""
	while read -r other; do
		error=$(squared_error "$other")
		awk -v a="$error" -v b="$here" 'BEGIN { exit !(a < b - 1e-9) }' &&
			worse+="  p = $other: squared error $error, less than $here at your p = $p"$'\n'
	done < <(awk -v p="$p" 'BEGIN { if (p >= 0.01) print p - 0.01; if (p <= 0.99) print p + 0.01 }')
	if [ -z "$worse" ]; then
		ex_pass "p = $p"
	else
		ex_fail "the sum of (T(N)/T(1) - ((1 - p) + p/N))^2 over your sweep:
${worse%$'\n'}
(ran: $RUN_CMD)" "amdahl_fit (TODO 2) must minimise that sum over every point"
	fi
fi

e_at_cores=$(awk -v n="$cores" '$1 == n && NF == 7 { print $5 }' "$RUN_OUT")
ex_after="On this machine's small sweep: Karp-Flatt e = ${e_at_cores:--} at N = $cores (the cores), fitted 1-p = $(awk -v p="$p" 'BEGIN { printf "%.4f", 1 - p }').
Now make a sweep of your own at a real size and answer the handout's questions:
      for n in \$(seq 1 $((2 * cores))); do build/tvp primes --model pool --workers \$n --format csv; done >sweep.csv
      $EX_BIN_SHOWN/amdahl sweep.csv"
ex_end

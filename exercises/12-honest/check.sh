# check.sh - checker for exercise 12: honest's medians, intervals, ratios and verdicts agree with an independent computation, on made-up and on real runs.
# shellcheck shell=bash source=exercises/tools/lib.sh
source "$(dirname "$0")/../tools/lib.sh"

# reference FILE: what honest must print for FILE, computed here another way (insertion
# sort; the binomial probabilities from Pascal's triangle, halved row by row).
reference() {
	awk '
	function summary(label, n,    i, j, t, v, median, row, m, cdf, k, sum, low, high, covered) {
		for (i = 1; i <= n; i++) v[i] = x[label, i]
		for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
		median = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		row[0] = 1
		for (m = 1; m <= n; m++) { row[m] = 0; for (i = m; i >= 1; i--) row[i] = (row[i] + row[i - 1]) / 2; row[0] /= 2 }
		k = 0; cdf = 0
		while (k + 1 <= int(n / 2) && cdf + row[k] <= 0.025) { cdf += row[k]; k++ }
		covered = k >= 1; if (k < 1) k = 1
		low = v[k]; high = v[n + 1 - k]
		for (i = 1; i <= n; i++) sum += x[label, i]
		med[label] = median; lo[label] = low; hi[label] = high; mean[label] = sum / n
		printf "%s runs %d median %.6f interval %.6f %.6f%s mean %.6f first %.6f\n", label, n, median, low, high,
			covered ? "" : " (under 95%: too few runs)", sum / n, x[label, 1]
	}
	{ if (!($1 in count)) order[++labels] = $1; x[$1, ++count[$1]] = $2 }
	END {
		a = order[1]; b = order[2]
		summary(a, count[a]); summary(b, count[b])
		low = lo[b] / hi[a]; high = hi[b] / lo[a]
		printf "ratio %s/%s first %.4f mean %.4f median %.4f interval %.4f %.4f\n", b, a, x[b, 1] / x[a, 1],
			mean[b] / mean[a], med[b] / med[a], low, high
		if (high < 1) printf "verdict: %s faster than %s\n", b, a
		else if (low > 1) printf "verdict: %s slower than %s\n", b, a
		else print "verdict: no measurable difference"
	}' "$1"
}

# agree NAME WHAT: run honest on $EX_SCRATCH/NAME.runs and fail the current test (with the
# lines that differ and the TODO they point to) unless it prints what reference does.
agree() {
	local runs=$EX_SCRATCH/$1.runs
	ex_run "$1" -- "$EX_BIN/honest" "$runs"
	reference "$runs" >"$EX_SCRATCH/$1.want"
	if [ "$RUN_STATUS" -ne 0 ]; then
		ex_fail "$(ex_run_summary)"
	elif ! diff -q "$EX_SCRATCH/$1.want" "$RUN_OUT" >/dev/null; then
		local todo="write median_interval in $EX_SRC/honest.c (TODO 1)"
		diff <(grep -v '^verdict' "$EX_SCRATCH/$1.want") <(grep -v '^verdict' "$RUN_OUT") >/dev/null &&
			todo="fix verdict in $EX_SRC/honest.c (TODO 2): claim a difference only when the ratio's interval excludes 1"
		ex_fail "ran: $RUN_CMD   ($2)
want:
$(sed 's/^/  /' "$EX_SCRATCH/$1.want")
honest printed:
$(sed 's/^/  /' "$RUN_OUT")" "$todo"
	else
		ex_pass "$(sed -n 's/^verdict: //p' "$RUN_OUT")"
	fi
}

ex_test "10 runs each, a cold first run: the intervals overlap, so no measurable difference (the first runs say 2.25x)"
{
	printf 'A %s\n' 0.90 0.51 0.50 0.52 0.50 0.53 0.49 0.51 0.50 0.52
	printf 'B %s\n' 0.40 0.50 0.52 0.49 0.51 0.50 0.52 0.48 0.51 0.50
} >"$EX_SCRATCH/cold.runs"
agree cold "made up"

ex_test "B clearly faster: 12 and 9 runs, in measured order"
{
	printf 'A %s\n' 0.52 0.50 0.51 0.55 0.50 0.49 0.51 0.53 0.50 0.52 0.50 0.51
	printf 'B %s\n' 0.41 0.40 0.42 0.39 0.40 0.41 0.43 0.40 0.40
} >"$EX_SCRATCH/faster.runs"
# The same runs, B's first: now the slower sample is the second.
{ grep '^B ' "$EX_SCRATCH/faster.runs"; grep '^A ' "$EX_SCRATCH/faster.runs"; } >"$EX_SCRATCH/slower.runs"
agree faster "made up: B about 0.8 of A"
ex_test "... and the same runs with B's first: A slower than B"
agree slower "made up: B's runs first"

ex_test "5 runs each: too few for a 95% interval of the median, and honest says so"
{
	printf 'fast %s\n' 0.30 0.31 0.29 0.30 0.32
	printf 'slow %s\n' 0.36 0.35 0.37 0.36 0.34
} >"$EX_SCRATCH/few.runs"
agree few "made up"

ex_test "bad input (three labels) is one line on stderr and exit status 2"
printf 'A 1\nB 2\nC 3\n' >"$EX_SCRATCH/three.runs"
ex_run three -- "$EX_BIN/honest" "$EX_SCRATCH/three.runs"
if [ "$RUN_STATUS" -ne 2 ] || [ "$(wc -l <"$RUN_ERR")" -ne 1 ]; then
	ex_fail "$(ex_run_summary)
want exit status 2 and one line on stderr" "keep read_runs as it is: it rejects a third label"
else
	ex_pass
fi

# tvp_walls LABEL ARGS...: "LABEL SECONDS" for each measured repeat of tvp primes ARGS.
tvp_walls() {
	local label=$1
	shift
	"$TVP" primes "$@" --format json | tr -d '\n' | grep -o '"all": \[[^]]*\]' | head -n 1 |
		sed 's/.*\[//; s/\]//' | tr ',' '\n' | awk -v label="$label" 'NF { print label, $1 }'
}

ex_test "real runs: tvp primes --to 300000, serial twice (the same program), 11 repeats each"
if [ ! -x "$TVP" ]; then
	ex_fail "there is no tvp at $TVP" "build it: make build (from the top of the tree)"
else
	{
		tvp_walls first --to 300000 --repeat 11 --warmup 0
		tvp_walls second --to 300000 --repeat 11 --warmup 0
	} >"$EX_SCRATCH/real.runs"
	if [ "$(wc -l <"$EX_SCRATCH/real.runs")" -ne 22 ]; then
		ex_fail "tvp did not give 22 walls: $(head -n 3 "$EX_SCRATCH/real.runs")" "run: $TVP primes --to 300000 --repeat 11"
	else
		agree real "this machine, now"
	fi
fi

ex_after="Now answer the handout's questions. Compare two real configurations:
      the handout's step 4 (serial against 2 threads, 11 repeats each)"
ex_end

#!/usr/bin/env bash
# run-tests.sh - run every test (C unit tests, command-line and integration bats suites)
# and end with one summary line: "tvp tests: N passed, M failed".
# Needs TVP (the binary) and UNIT (the unit-test binary) in the environment.
set -uo pipefail

: "${TVP:?set TVP to the tvp binary}" "${UNIT:?set UNIT to the unit-test binary}"
TVP=$(realpath "$TVP")
export TVP
# The semaphore probe (peers/semprobe), for the suite that checks it against tvp.
if [ -n "${SEMPROBE:-}" ]; then
	SEMPROBE=$(realpath "$SEMPROBE")
	export SEMPROBE
fi
top=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
passed=0
failed=0

# run_unit: the Criterion binary; adds its synthesis line to the totals.
run_unit() {
	"$UNIT" --jobs 1 2>&1 | tee "$log/unit.txt" | grep -Ev '^\[----\]  ?(Criterion|Running)' || true
	local synthesis p f c
	synthesis=$(grep -E 'Synthesis: Tested: ' "$log/unit.txt" | tail -1)
	if [ -z "$synthesis" ]; then
		echo "unit tests: no synthesis line (the binary crashed?)"
		failed=$((failed + 1))
		return
	fi
	p=$(sed -E 's/.*Passing: ([0-9]+).*/\1/' <<<"$synthesis")
	f=$(sed -E 's/.*Failing: ([0-9]+).*/\1/' <<<"$synthesis")
	c=$(sed -E 's/.*Crashing: ([0-9]+).*/\1/' <<<"$synthesis")
	passed=$((passed + p))
	failed=$((failed + f + c))
}

echo "== unit tests ($UNIT)"
if [ "${SAN:-}" = tsan ]; then
	# Criterion cannot start under ThreadSanitizer (Snaipe/Criterion#274):
	# the Makefile hands us the plain unit-test binary; the bats suites
	# below run tvp itself under TSan.
	echo "(the plain build's unit tests: Criterion cannot start under TSan)"
fi
run_unit

for suite in "$top"/tests/cli "$top"/tests/integration; do
	[ -d "$suite" ] || continue
	echo "== $(basename "$suite") tests (bats)"
	bats --tap "$suite" >"$log/bats.tap" 2>&1
	grep -E '^(not ok|#)' "$log/bats.tap" || true
	p=$(grep -cE '^ok ' "$log/bats.tap")
	f=$(grep -cE '^not ok ' "$log/bats.tap")
	echo "$(basename "$suite"): $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "$(basename "$suite"): bats ran no test"
		cat "$log/bats.tap"
		failed=$((failed + 1))
	fi
done

echo "tvp tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

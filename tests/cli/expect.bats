#!/usr/bin/env bats
# expect.bats - --expect ANSWER: every workload checks its repeats against a given answer
# instead of computing the reference (so hyperfine can time tvp like grep and rg).

bats_require_minimum_version 1.5.0
load helpers

setup() {
	"$TVP" corpus --lines 2000 --seed 3 --out "$BATS_TEST_TMPDIR/corpus.txt" >/dev/null
}

# args_of WORKLOAD: small, fast options for each workload
args_of() {
	case "$1" in
	primes) echo "--to 20000" ;;
	grep) echo "--file $BATS_TEST_TMPDIR/corpus.txt --regex ab[c-f]" ;;
	mandelbrot) echo "--width 32 --height 24 --iterations 64" ;;
	*) echo "" ;;
	esac
}

# answer_of WORKLOAD: the answer tvp verifies against its own reference
answer_of() {
	# shellcheck disable=SC2046
	"$TVP" "$1" $(args_of "$1") --repeat 1 --warmup 0 --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["runs"][0]["answer"])'
}

@test "every workload accepts its own answer with --expect, and says the reference was not computed" {
	for workload in $("$TVP" --list | awk '/^workloads:/ { on = 1; next } /^[a-z]/ { on = 0 } on { print $1 }'); do
		answer=$(answer_of "$workload")
		[ -n "$answer" ]
		# shellcheck disable=SC2046
		run --separate-stderr "$TVP" "$workload" $(args_of "$workload") --model pthread --workers 2 \
			--expect "$answer" --format json --output "$BATS_TEST_TMPDIR/out.json"
		[ "$status" -eq 0 ] || { echo "$workload: $stderr"; false; }
		[ "$(json_field "$BATS_TEST_TMPDIR/out.json" 'd["runs"][0]["reference_method"]')" = "the answer given by --expect" ]
		[ "$(json_field "$BATS_TEST_TMPDIR/out.json" 'd["runs"][0]["answer"]')" = "$answer" ]
	done
}

@test "a wrong --expect fails the run with exit 1 and says what it got and expected" {
	for workload in primes grep mandelbrot tiny; do
		answer=$(answer_of "$workload")
		wrong=$(python3 -c 'import sys; a = sys.argv[1]; print(a[:-1] + ("1" if a[-1] != "1" else "2"))' "$answer")
		# shellcheck disable=SC2046
		run --separate-stderr "$TVP" "$workload" $(args_of "$workload") --model fork --workers 2 --expect "$wrong"
		[ "$status" -eq 1 ] || { echo "$workload: exit $status"; false; }
		[[ "$stderr" == *"wrong answer"*"got $answer, expected $wrong (the answer given by --expect)"* ]]
		[ -z "$output" ]
	done
}

@test "a malformed --expect is bad input: exit 2, one line" {
	expect_usage_error primes --to 1000 --expect ''
	expect_usage_error primes --to 1000 --expect 12x4
	expect_usage_error primes --to 1000 --expect ' 76127'
	expect_usage_error primes --to 1000 --expect -76127
	expect_usage_error mandelbrot --expect D321EE37904E844D
	expect_usage_error primes --to 1000 --expect "$(printf '1%.0s' $(seq 200))"
	[[ "$stderr" == *"--expect needs an answer as tvp prints it"* ]]
	expect_usage_error primes --to 1000 --expect
}

@test "--help documents --expect" {
	run "$TVP" primes --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--expect ANSWER"*"skipping the reference pass"* ]]
}

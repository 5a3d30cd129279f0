#!/usr/bin/env bats
# models.bats - the model layer: the pool's start-up is a figure of its own, in no run's phases.

load helpers

@test "the pool's start-up is startup_s in JSON, CSV and the table, outside every repeat's phases" {
	"$TVP" primes --model pool --workers 3 --to 100000 --repeat 2 --warmup 0 --format json >"$BATS_TEST_TMPDIR/pool.json"
	python3 - "$BATS_TEST_TMPDIR/pool.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
assert run["startup_s"] > 0, run["startup_s"]
# no warm-up: the first measured repeat is the first run, and its workers existed already
assert run["phases_s"]["spawn"] == 0, run["phases_s"]
PY
	run "$TVP" primes --model pool --workers 2 --to 100000 --repeat 1 --format csv
	[ "$status" -eq 0 ]
	local col
	col=$(tr ',' '\n' <<<"${lines[0]}" | grep -nx startup_s | cut -d: -f1)
	[ -n "$col" ]
	[ "$(cut -d, -f"$col" <<<"${lines[1]}" | awk '{ print ($1 > 0) }')" = 1 ]
	run "$TVP" primes --model pool --workers 2 --to 100000 --repeat 1
	[[ "$output" == *"startup   0."*" s  (workers started once, before every run"* ]]
}

@test "fork starts its workers on every run: spawn in the phases, no start-up figure" {
	"$TVP" primes --model fork --workers 3 --to 100000 --repeat 2 --warmup 0 --format json >"$BATS_TEST_TMPDIR/fork.json"
	[ "$(json_field "$BATS_TEST_TMPDIR/fork.json" "d['runs'][0]['startup_s']")" = 0.0 ]
	[ "$(json_field "$BATS_TEST_TMPDIR/fork.json" "d['runs'][0]['phases_s']['spawn'] > 0")" = True ]
	run "$TVP" primes --model fork --workers 2 --to 100000 --repeat 1
	[[ "$output" != *"startup "* ]]
}

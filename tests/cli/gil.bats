#!/usr/bin/env bats
# gil.bats - the --gil options on the command line: help, the counters in table and JSON, bad values.

bats_require_minimum_version 1.5.0
load helpers

@test "tvp --help lists the GIL modes and their options with defaults" {
	run "$TVP" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--gil MODE"*"modern"*"legacy"* ]]
	[[ "$output" == *"--gil-interval MS"*"[5]"* ]]
	[[ "$output" == *"--gil-check TICKS"*"[100]"* ]]
	[[ "$output" == *"--gil-free F"*"[0]"* ]]
	[[ "$output" == *"--gil-segment TICKS"* ]]
}

@test "the table shows the GIL's counters when it is on, and nothing when off" {
	run "$TVP" primes --model pthread --workers 2 --to 100000 --gil modern --repeat 1
	[ "$status" -eq 0 ]
	[[ "$output" == *"gil       modern interval 5 ms"* ]]
	[[ "$output" == *"acquisitions:"*"hand-offs ("*"/s)"*"drop requests"* ]]
	[[ "$output" == *"median slice"*"waiting for the lock"* ]]
	run "$TVP" primes --model pthread --workers 2 --to 100000 --repeat 1
	[ "$status" -eq 0 ]
	[[ "$output" != *"acquisitions"* ]]
}

@test "JSON: gil stays the mode string, gil_stats holds counters that add up" {
	"$TVP" primes --model pthread --workers 3 --to 300000 --gil modern --gil-interval 0.5 \
		--repeat 1 --format json >"$BATS_TEST_TMPDIR/m.json"
	python3 - "$BATS_TEST_TMPDIR/m.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
assert run["gil"] == "modern", run["gil"]
g = run["gil_stats"]
for k in ["interval_s", "check", "free", "segment", "compute_s", "handoffs_per_s", "cpu_per_wall",
          "acquisitions", "handoffs", "retakes", "idle_takes", "drop_requests", "forced_drops",
          "free_segments", "ticks", "free_ticks", "slices", "median_slice_s", "wait_s",
          "switch_wait_s", "per_worker"]:
    assert k in g, k
assert abs(g["interval_s"] - 0.0005) < 1e-9
assert g["acquisitions"] == g["handoffs"] + g["retakes"] + g["idle_takes"]
assert len(g["per_worker"]) == 3
for key in ["acquisitions", "handoffs", "drop_requests", "ticks"]:
    assert g[key] == sum(w[key] for w in g["per_worker"]), key
assert abs(g["wait_s"] - sum(w["wait_s"] for w in g["per_worker"])) < 1e-5
assert g["ticks"] > 0
PY
	"$TVP" primes --to 100000 --repeat 1 --format json >"$BATS_TEST_TMPDIR/off.json"
	[ "$(json_field "$BATS_TEST_TMPDIR/off.json" "d['runs'][0]['gil_stats']")" = None ]
	[ "$(json_field "$BATS_TEST_TMPDIR/off.json" "d['runs'][0]['gil']")" = off ]
}

@test "--gil-free and --gil-segment are recorded and run that share of ticks free" {
	"$TVP" primes --model serial --to 200000 --gil legacy --gil-free 0.25 --gil-segment 4 \
		--repeat 1 --format json >"$BATS_TEST_TMPDIR/f.json"
	python3 - "$BATS_TEST_TMPDIR/f.json" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))["runs"][0]["gil_stats"]
assert g["free"] == 0.25 and g["segment"] == 4, g
# one worker: a quarter of its ticks free, to within the last segment
assert abs(g["free_ticks"] - g["ticks"] / 4) <= 4, (g["free_ticks"], g["ticks"])
PY
}

@test "bad input: --gil-free outside 0..1, not a number" {
	expect_usage_error primes --gil modern --gil-free 1.5
	expect_usage_error primes --gil modern --gil-free -0.1
	expect_usage_error primes --gil modern --gil-free half
	expect_usage_error primes --gil modern --gil-free nan
	expect_usage_error primes --gil modern --gil-free
}

@test "bad input: --gil-interval 0, negative, huge, not a number" {
	expect_usage_error primes --gil modern --gil-interval 0
	expect_usage_error primes --gil modern --gil-interval -5
	expect_usage_error primes --gil modern --gil-interval 1e9
	expect_usage_error primes --gil modern --gil-interval 5ms
	expect_usage_error primes --gil modern --gil-interval inf
}

@test "bad input: --gil-check and --gil-segment 0, negative, not a number" {
	expect_usage_error primes --gil legacy --gil-check 0
	expect_usage_error primes --gil legacy --gil-check -1
	expect_usage_error primes --gil legacy --gil-check many
	expect_usage_error primes --gil legacy --gil-check 99999999999
	expect_usage_error primes --gil modern --gil-segment 0
	expect_usage_error primes --gil modern --gil-segment -3
	expect_usage_error primes --gil modern --gil-segment x
}

@test "bad input: a --gil-* option for a mode it does not apply to" {
	expect_usage_error primes --gil-interval 5
	expect_usage_error primes --gil legacy --gil-interval 5
	expect_usage_error primes --gil modern --gil-check 100
	expect_usage_error primes --gil-free 0.5
	expect_usage_error primes --gil off --gil-segment 10
	run --separate-stderr "$TVP" primes --gil modern --gil-check 100
	[[ "$stderr" == *"--gil-check applies to --gil legacy"* ]]
}

@test "--gil-state KIB: the holder writes a line of the state per locked tick, the answer holds" {
	"$TVP" primes --model pthread --workers 2 --to 200000 --gil legacy --gil-state 64 \
		--repeat 1 --warmup 0 --format json >"$BATS_TEST_TMPDIR/s.json"
	python3 - "$BATS_TEST_TMPDIR/s.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
g = r["gil_stats"]
assert r["verified"] is True, r
assert g["state_kib"] == 64, g
# every tick ran locked (no --gil-free): each wrote one line of the state
assert g["state_touches"] == g["ticks"] > 0, (g["state_touches"], g["ticks"])
PY
	"$TVP" primes --model pthread --workers 2 --to 200000 --gil modern --gil-free 0.5 \
		--gil-state 8 --repeat 1 --warmup 0 --format json >"$BATS_TEST_TMPDIR/f.json"
	run json_field "$BATS_TEST_TMPDIR/f.json" \
		'(lambda g: g["state_touches"] == g["ticks"] - g["free_ticks"] > 0)(d["runs"][0]["gil_stats"])'
	[ "$output" = True ]
	"$TVP" primes --model pthread --workers 2 --to 200000 --gil legacy --repeat 1 --warmup 0 \
		--format json >"$BATS_TEST_TMPDIR/n.json"
	run json_field "$BATS_TEST_TMPDIR/n.json" 'd["runs"][0]["gil_stats"]["state_touches"]'
	[ "$output" = 0 ]
}

@test "bad input: --gil-state negative, too large, not a number, or without a GIL" {
	expect_usage_error primes --gil legacy --gil-state -1
	expect_usage_error primes --gil legacy --gil-state 65537
	expect_usage_error primes --gil legacy --gil-state big
	expect_usage_error primes --gil-state 64
	[[ "$stderr" == *"--gil-state applies to --gil modern or legacy"* ]]
}

#!/usr/bin/env bats
# gil.bats - the simulated GIL under every model: answers verify, the lock excludes, processes escape it.

bats_require_minimum_version 1.5.0
load ../cli/helpers

# Sum of the primes below 200000, in 20 units of 10000 integers.
ANSWER=1709600813
ARGS=(primes --from 0 --to 200000 --repeat 2 --warmup 1 --format csv)

# row OPTIONS...: run tvp and fail unless its CSV row has the answer, verified.
row() {
	run "$TVP" "${ARGS[@]}" "$@"
	if [ "$status" -ne 0 ]; then
		echo "tvp ${ARGS[*]} $*: exit $status: $output"
		return 1
	fi
	if [[ "${lines[1]}" != *",$ANSWER,true,"* ]]; then
		echo "tvp ${ARGS[*]} $*: wrong row: ${lines[1]}"
		return 1
	fi
}

@test "every GIL mode x model returns the sieve's answer" {
	for gil in off modern legacy; do
		while read -r model kind; do
			workers=3
			[ "$kind" = serial ] && workers=1
			row --gil "$gil" --model "$model" --workers "$workers" --schedule dynamic
		done < <(listed_models)
	done
}

@test "every GIL mode x model with GIL-free work, coarse and fine, returns the answer" {
	for gil in modern legacy; do
		while read -r model kind; do
			workers=3
			[ "$kind" = serial ] && workers=1
			row --gil "$gil" --model "$model" --workers "$workers" --gil-free 0.5 --gil-segment 1
			row --gil "$gil" --model "$model" --workers "$workers" --gil-free 0.9 --gil-segment 1000
		done < <(listed_models)
	done
	row --gil modern --model pthread --workers 4 --gil-free 1
	row --gil modern --model pthread --workers 4 --gil-interval 0.1 --schedule guided
	row --gil legacy --model pthread --workers 4 --gil-check 1 --schedule random
	row --gil legacy --model fork --ipc shm --workers 2 --gil-check 1
	row --gil modern --model pool --ipc shm --workers 2 --gil-interval 0.1
}

@test "at most one thread inside the lock at once, in every mode (the TSan build checks it too)" {
	exclusion="$(dirname "$TVP")/gil-exclusion"
	[ -x "$exclusion" ] || skip "no $exclusion (make builds it with test-run)"
	run "$exclusion"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^ok ' <<<"$output")" -eq 5 ]
	[[ "$output" == *"ok   legacy free 0.00 state 8 KiB"* ]]
}

# gil_json MODEL WORKERS OPTIONS...: the run's gil_stats as JSON on stdout.
gil_json() {
	local model=$1 workers=$2
	shift 2
	"$TVP" primes --to 400000 --repeat 1 --warmup 0 --model "$model" --workers "$workers" \
		--format json "$@"
}

@test "threads share one lock and it changes hands; each process has its own" {
	gil_json pthread 2 --gil modern --gil-interval 0.5 >"$BATS_TEST_TMPDIR/t.json"
	gil_json fork 2 --gil modern --gil-interval 0.5 >"$BATS_TEST_TMPDIR/f.json"
	gil_json pool 2 --gil legacy --gil-check 1 >"$BATS_TEST_TMPDIR/p.json"
	python3 - "$BATS_TEST_TMPDIR" <<'PY'
import json, sys
def gil(name):
    return json.load(open("%s/%s.json" % (sys.argv[1], name)))["runs"][0]["gil_stats"]
t = gil("t")
# two threads, one lock, work far longer than the interval: they took turns
assert t["handoffs"] > 0 and t["drop_requests"] > 0 and t["wait_s"] > 0, t
for name in ("f", "p"):
    g = gil(name)
    # a process alone with its lock: never waits, never hands it over
    assert g["handoffs"] == 0 and g["drop_requests"] == 0 and g["wait_s"] == 0, (name, g)
    assert g["acquisitions"] == g["retakes"] + g["idle_takes"], (name, g)
    assert all(w["idle_takes"] >= 1 for w in g["per_worker"] if w["ticks"]), (name, g)
PY
}

@test "the GIL is workload-agnostic: mandelbrot verifies under every mode x model" {
	"$TVP" --list | grep -Eq '^  mandelbrot ' || skip "tvp has no mandelbrot yet"
	for gil in modern legacy; do
		while read -r model kind; do
			workers=3
			[ "$kind" = serial ] && workers=1
			run "$TVP" mandelbrot --width 120 --height 90 --repeat 1 --warmup 0 --format json \
				--gil "$gil" --model "$model" --workers "$workers" --gil-free 0.3
			[ "$status" -eq 0 ] || { echo "$gil $model: $output"; return 1; }
			python3 -c '
import json, sys
r = json.loads(sys.stdin.read())["runs"][0]
g = r["gil_stats"]
assert r["verified"] and r["gil"] == sys.argv[1] and g["ticks"] > 0, r
assert g["acquisitions"] == g["handoffs"] + g["retakes"] + g["idle_takes"], g
' "$gil" <<<"$output"
		done < <(listed_models)
	done
}

# The probe that measures CPython 2's GIL from outside (peers/semprobe) must
# count what tvp --gil legacy counts itself: legacy is a POSIX semaphore too.
@test "semprobe counts tvp --gil legacy's takes and hand-offs exactly" {
	[ -n "${SEMPROBE:-}" ] || skip "SEMPROBE not set (make test sets it)"
	[ -z "${SAN:-}" ] || skip "the probe is preloaded into the plain build only"
	local probe="$BATS_TEST_TMPDIR/probe.json" json="$BATS_TEST_TMPDIR/tvp.json"
	for check in 10 1000; do
		rm -f "$probe"
		LD_PRELOAD="$SEMPROBE" TVP_SEMPROBE_OUT="$probe" "$TVP" primes --to 300000 \
			--model pthread --workers 2 --schedule dynamic --gil legacy --gil-check "$check" \
			--repeat 1 --warmup 0 --format json >"$json"
		python3 - "$probe" "$json" <<'PY'
import json, sys
probe = [json.loads(line) for line in open(sys.argv[1])]
assert len(probe) == 1, probe  # one process, one line
probe = probe[0]
g = json.load(open(sys.argv[2]))["runs"][0]["gil_stats"]
assert probe["semaphores"] == 1, probe
assert probe["takes"] == g["acquisitions"] > 0, (probe, g["acquisitions"])
# The probe sees every change of taker; tvp splits them into hand-offs and
# takes of a lock nobody held (idle_takes), the first of which has no taker before it.
assert probe["handoffs"] == g["handoffs"] + g["idle_takes"] - 1, (probe, g)
assert g["handoffs"] > 0 and probe["median_slice_s"] > 0, (probe, g)
PY
	done
}

@test "semprobe writes nothing without TVP_SEMPROBE_OUT and leaves the answer alone" {
	[ -n "${SEMPROBE:-}" ] || skip "SEMPROBE not set (make test sets it)"
	[ -z "${SAN:-}" ] || skip "the probe is preloaded into the plain build only"
	cd "$BATS_TEST_TMPDIR"
	LD_PRELOAD="$SEMPROBE" run "$TVP" "${ARGS[@]}" --model pthread --workers 2 --gil legacy
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *",$ANSWER,true,"* ]]
	[ -z "$(ls -A)" ]
}

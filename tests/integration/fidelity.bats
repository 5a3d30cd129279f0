#!/usr/bin/env bats
# fidelity.bats - scripts/fidelity.py: its checks judge tvp against CPython's figures from the same
# run, its tables come back from --out JSON, and the report prints them.

bats_require_minimum_version 1.5.0
load ../cli/helpers

TOP="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"

setup() {
	command -v python3 >/dev/null || skip "no python3: fidelity.py cannot run here"
}

# measurements FILE TVP_THREAD2 PY_THREAD2 [MODE]: a fidelity --out file with one round of the
# primes ratios under MODE (modern or legacy; serial 1.0 s each; 2 threads at the given ratios)
# and the legacy check sweep.
measurements() {
	python3 - "$@" <<'PY'
import json, sys
path, tvp2, py2 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
mode = sys.argv[4] if len(sys.argv) > 4 else "modern"
def res(wall, **more):
    return dict({"wall": wall, "cpu_per_wall": 1.0, "sys_per_wall": 0.0, "sleeps": 10,
                 "handoffs_per_s": None, "median_slice_s": None, "takes_per_s": None, "takes": None}, **more)
cases = []
def case(key, *results):
    cases.append({"key": key, "cmd": ["python3", "x"], "results": list(results)})
for who, t2 in (("tvp", tvp2), ("py", py2)):
    case(["ratio", "primes", mode, who, "serial"], res(1.0))
    case(["ratio", "primes", mode, who, "thread2"], res(t2))
    case(["slice", "legacy", who, "serial"], res(1.0))
    # tvp: check 10 / 100 / 1000 at 3.0 / 1.5 / 1.2; CPython the same.
    for check, wall in (("10", 3.0), ("100", 1.5), ("1000", 1.2)):
        case(["slice", "legacy", who, check],
             res(wall, cpu_per_wall=1.3, takes=1000000, takes_per_s=1e6 / wall, handoffs_per_s=1000.0,
                 median_slice_s=0.0001))
json.dump({"context": {"python3": "CPython 3.11.7", "python2": "CPython 2.7.18", "rounds": 1,
                       "probe": True}, "cases": cases}, open(path, "w"))
PY
}

@test "a tvp ratio within 0.15 of CPython's holds; one 0.3 away does not" {
	measurements "$BATS_TEST_TMPDIR/close.json" 1.05 1.15
	measurements "$BATS_TEST_TMPDIR/far.json" 1.00 1.30
	run python3 "$TOP/scripts/fidelity.py" --from-json "$BATS_TEST_TMPDIR/close.json"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"| modern, primes, 2 threads / serial within 0.15 of CPython 3.11.7 | 1.05 | 1.15 | yes |"* ]]
	run python3 "$TOP/scripts/fidelity.py" --from-json "$BATS_TEST_TMPDIR/far.json"
	[ "$status" -eq 0 ]
	[[ "$output" == *"| modern, primes, 2 threads / serial within 0.15 of CPython 3.11.7 | 1.00 | 1.30 | NO |"* ]]
}

@test "legacy: a tvp ratio within 0.15 of CPython 2's holds; one 0.3 away does not" {
	measurements "$BATS_TEST_TMPDIR/close.json" 1.70 1.84 legacy
	measurements "$BATS_TEST_TMPDIR/far.json" 1.46 1.76 legacy
	run python3 "$TOP/scripts/fidelity.py" --from-json "$BATS_TEST_TMPDIR/close.json"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"| legacy, primes, 2 threads / serial within 0.15 of CPython 2.7.18 | 1.70 | 1.84 | yes |"* ]]
	[[ "$output" != *"modern, primes, 2 threads"* ]]
	run python3 "$TOP/scripts/fidelity.py" --from-json "$BATS_TEST_TMPDIR/far.json"
	[ "$status" -eq 0 ]
	[[ "$output" == *"| legacy, primes, 2 threads / serial within 0.15 of CPython 2.7.18 | 1.46 | 1.76 | NO |"* ]]
}

@test "the legacy checks: check intervals in order, CPU above wall; the slices table shows both engines" {
	measurements "$BATS_TEST_TMPDIR/m.json" 1.0 1.0
	run python3 "$TOP/scripts/fidelity.py" --from-json "$BATS_TEST_TMPDIR/m.json"
	[ "$status" -eq 0 ]
	[[ "$output" == *"| legacy, check 10 worse than 100 worse than 1000 (2 threads / serial) | 3.00 / 1.50 / 1.20 | 3.00 / 1.50 / 1.20 | yes |"* ]]
	[[ "$output" == *"| legacy, check 100, CPU time well above wall time (CPU/wall above 1.15) | 1.30 | 1.30 | yes |"* ]]
	# 1000000 takes after 10 ticks each, in a serial second: 100 ns of work a tick
	[[ "$output" == *"| tvp --gil legacy | check 10 | 3.00 |"*"| 100.0 |"* ]]
	[[ "$output" == *"| CPython 2.7.18 | check 1000 | 1.20 |"* ]]
}

@test "--out rewrites the tables into the JSON, and the report prints them" {
	measurements "$BATS_TEST_TMPDIR/m.json" 1.0 1.0
	run python3 "$TOP/scripts/fidelity.py" --from-json "$BATS_TEST_TMPDIR/m.json" --out "$BATS_TEST_TMPDIR/fidelity.json"
	[ "$status" -eq 0 ]
	python3 - "$BATS_TEST_TMPDIR/fidelity.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
names = [t["name"] for t in d["tables"]]
assert names[0] == "checks" and "ratios" in names and "slices" in names, names
assert d["context"]["python2"] == "CPython 2.7.18"
PY
	# A tiny sweep's report, with the fidelity file beside the run's directory.
	run --separate-stderr python3 "$TOP/scripts/sweep.py" --tvp "$TVP" --results "$BATS_TEST_TMPDIR/results" \
		--corpus-dir "$BATS_TEST_TMPDIR/corpus" --profile tiny --only primes
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	cp "$BATS_TEST_TMPDIR/fidelity.json" "$BATS_TEST_TMPDIR/results/fidelity.json"
	run --separate-stderr python3 "$TOP/scripts/analyze.py" report "$BATS_TEST_TMPDIR/results/latest"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	tex="$BATS_TEST_TMPDIR/results/latest/report/generated.tex"
	grep -q "The full fidelity benchmark" "$tex"
	grep -q "The fidelity checks" "$tex"
	! grep -q "Not run for this report" "$tex"
}

@test "a quick real run: tvp beside CPython, answers checked, every table printed" {
	python2=$(cd "$TOP/scripts" && python3 -c "import peers; print(' '.join(c[0] for l, c in peers.find_interpreters('default') if l.startswith('CPython 2'))[:1] or '')")
	run --separate-stderr python3 "$TOP/scripts/fidelity.py" --tvp "$TVP" --quick --rounds 1 \
		--workloads primes --sections ratios,one-core --tvp-primes-to 300000 --py-primes-to 20000 \
		--out "$BATS_TEST_TMPDIR/quick.json"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[[ "$output" == *"## The fidelity checks"* ]]
	[[ "$output" == *"| primes | tvp --gil modern |"* ]]
	[[ "$output" == *"| primes | CPython 3."* ]]
	if [ -n "$python2" ]; then
		[[ "$output" == *"| primes | CPython 2."* ]]
		[[ "$output" == *"legacy on one core (taskset -c 0)"* ]]
	fi
}

@test "the state table: the cost per hand-off grows with --gil-state; CPython 2's cost gives the state size" {
	python3 - "$BATS_TEST_TMPDIR/state.json" <<'PY'
import json, sys
def res(wall, cpu_per_wall, handoffs_per_s=None):
    return {"wall": wall, "cpu_per_wall": cpu_per_wall, "sys_per_wall": 0.0, "sleeps": 0,
            "handoffs_per_s": handoffs_per_s, "median_slice_s": None, "takes_per_s": None,
            "takes": None}
cases = []
def case(key, r):
    cases.append({"key": key, "cmd": ["x"], "results": [r]})
# 1000 hand-offs on 2 cores, each costing 10 us + 0.5 us per KiB of state; CPython 2: 42 us.
for who, cost in [("0", 10e-6), ("16", 18e-6), ("64", 42e-6), ("py", 42e-6)]:
    for cores in ("2", "1"):
        case(["state", "primes", who, cores, "serial"], res(1.0, 1.0))
        case(["state", "primes", who, cores, "pthread"],
             res(1.0, 1.0 + (1000 * cost if cores == "2" else 0), 1000.0))
json.dump({"context": {"python2": "CPython 2.7.18"}, "cases": cases}, open(sys.argv[1], "w"))
PY
	run python3 "$TOP/scripts/fidelity.py" --from-json "$BATS_TEST_TMPDIR/state.json"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"| primes | tvp --gil legacy --gil-state 16 | 1.00 | 1.00 | 1000 | 18.00 |"* ]]
	[[ "$output" == *"| primes | CPython 2.7.18 | 1.00 | 1.00 | 1000 | 42.00 | - |"* ]]
	[[ "$output" == *"a KiB of state costs tvp 0.500 us a hand-off"*"puts at 64 KiB of state"* ]]
}

#!/usr/bin/env bats
# exercises-practice.bats - the seeded practice questions: the same seed gives the same question, and the answers agree with an independent computation.

bats_require_minimum_version 1.5.0

EXERCISES_DIR="$BATS_TEST_DIRNAME/../../exercises"

# practice ARGS...: make -C exercises practice ARGS.
practice() {
	run make -s --no-print-directory -C "$EXERCISES_DIR" practice "$@"
}

@test "practice: each topic is deterministic for a seed, and seeds give different questions" {
	local topic first
	for topic in amdahl schedule gil overhead; do
		practice TOPIC=$topic SEED=42 CHECK=1
		[ "$status" -eq 0 ]
		first=$output
		[[ "$first" == *"given: "* ]]
		[[ "$first" == *"answer: "* ]]
		practice TOPIC=$topic SEED=42 CHECK=1
		[ "$output" = "$first" ]
		practice TOPIC=$topic SEED=43 CHECK=1
		[ "$output" != "$first" ]
		# Without CHECK the answer is not shown.
		practice TOPIC=$topic SEED=42
		[ "$status" -eq 0 ]
		[[ "$output" != *"answer: "* ]]
		[[ "$output" == *"CHECK=1"* ]]
	done
}

# answers TOPIC: "given-line<TAB>answer-line" for seeds 1 to 40.
answers() {
	local seed out
	for seed in $(seq 1 40); do
		out=$(awk -v topic="$1" -v seed="$seed" -v check=1 -f "$EXERCISES_DIR/tools/practice.awk")
		printf '%s\t%s\n' "$(grep '^given: ' <<<"$out")" "$(grep '^answer: ' <<<"$out")"
	done
}

# agree TOPIC: run the Python on stdin, which defines check(given, answer) (dicts of the
# "given:" and "answer:" lines; returns what is wrong, or None), over seeds 1 to 40 of TOPIC.
agree() {
	answers "$1" >"$BATS_TEST_TMPDIR/$1"
	cat - >"$BATS_TEST_TMPDIR/check.py"
	cat >>"$BATS_TEST_TMPDIR/check.py" <<'PY'
import sys
bad = 0
for line in open(sys.argv[1]):
    given, answer = line.rstrip("\n").split("\t")
    g = dict(kv.split("=") for kv in given.split()[1:])
    a = dict(kv.split("=") for kv in answer.split()[1:])
    wrong = check(g, a)
    if wrong:
        print("disagree:", given, answer, wrong)
        bad += 1
print("checked 40 seeds")
sys.exit(1 if bad else 0)
PY
	run python3 "$BATS_TEST_TMPDIR/check.py" "$BATS_TEST_TMPDIR/$1"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"checked 40 seeds"* ]]
}

@test "practice amdahl: T(N) and S agree with an independent computation for 40 seeds" {
	agree amdahl <<'PY'
def check(g, a):
    t1, p, c0, c1, n = float(g["T1_ms"]), float(g["p"]), float(g["c0_ms"]), float(g["c1_ms"]), int(g["N"])
    # Amdahl's law with the start-up costs, written out again here.
    t = t1 * (1 - p) + t1 * p / n + c0 + c1 * (n - 1)
    if abs(float(a["T_ms"]) - t) > 0.051 or abs(float(a["S"]) - t1 / t) > 0.0051:
        return "want T %.2f S %.3f" % (t, t1 / t)
PY
}

@test "practice schedule: static, cyclic and dynamic times agree with an independent simulation for 40 seeds" {
	agree schedule <<'PY'
import heapq
def check(g, a):
    workers, costs = int(g["workers"]), [int(c) for c in g["costs"].split(",")]
    units = len(costs)
    # static: contiguous blocks, the first units % workers one longer.
    sizes = [units // workers + (1 if w < units % workers else 0) for w in range(workers)]
    starts = [sum(sizes[:w]) for w in range(workers)]
    static = max(sum(costs[s:s + z]) for s, z in zip(starts, sizes))
    cyclic = max(sum(costs[w::workers]) for w in range(workers))
    # dynamic: a heap of (load, worker): the least-loaded, lowest-numbered worker takes the next unit.
    heap = [(0, w) for w in range(workers)]
    for c in costs:
        load, w = heapq.heappop(heap)
        heapq.heappush(heap, (load + c, w))
    want = {"static": static, "cyclic": cyclic, "dynamic": max(load for load, _ in heap)}
    if {k: int(v) for k, v in a.items()} != want:
        return "want %s" % want
PY
}

@test "practice overhead: the best worker count agrees with a search over 1 to 16 for 40 seeds" {
	agree overhead <<'PY'
def check(g, a):
    t1, p, c0, c1 = (float(g[k]) for k in ("T1_ms", "p", "c0_ms", "c1_ms"))
    times = {n: t1 * ((1 - p) + p / n) + c0 + c1 * (n - 1) for n in range(1, 17)}
    best = min(times, key=lambda n: (round(times[n], 9), n))
    pays = "yes" if times[best] < t1 else "no"
    if int(a["N"]) != best or abs(float(a["T_ms"]) - times[best]) > 0.0006 or a["pays"] != pays:
        return "want N=%d T=%.4f pays=%s" % (best, times[best], pays)
PY
}

@test "practice gil: the bounds are Amdahl's and the overlap bound; RUN=1 runs the scenario with tvp" {
	local seed out found=""
	# A seed with the modern lock and a free share strictly between 0 and 1.
	for seed in $(seq 1 60); do
		out=$(awk -v topic=gil -v seed="$seed" -v check=1 -f "$EXERCISES_DIR/tools/practice.awk")
		if [[ "$out" == *"gil=modern free=0.50"* ]]; then found=$seed; break; fi
	done
	[ -n "$found" ]
	local workers
	workers=$(sed -n 's/^given: workers=\([0-9]*\) .*/\1/p' <<<"$out")
	local low high
	low=$(awk -v n="$workers" 'BEGIN { printf "%.2f", 1 / (0.5 + 0.5 / n) }')
	high=$(awk -v n="$workers" 'BEGIN { printf "%.2f", (2 < n ? 2 : n) }')
	[[ "$out" == *"answer: threads_low=$low threads_high=$high processes=$workers"* ]]
	practice TOPIC=gil SEED="$found" RUN=1 TVP="${TVP:-$BATS_TEST_DIRNAME/../../build/tvp}"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Measured here"* ]]
	[[ "$output" =~ pthread\ +wall\ [0-9.]+\ s\ +speedup\ [0-9.]+ ]]
	[[ "$output" =~ fork\ +wall\ [0-9.]+\ s\ +speedup\ [0-9.]+ ]]
	[[ "$output" == *"The model said: threads_low=$low"* ]]
}

@test "practice: a bad topic or seed is one line on stderr and exit 2" {
	run --separate-stderr bash "$EXERCISES_DIR/tools/practice.sh" fork 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "practice: TOPIC must be amdahl, schedule, gil or overhead, not 'fork'" ]
	run --separate-stderr bash "$EXERCISES_DIR/tools/practice.sh" amdahl x1
	[ "$status" -eq 2 ]
	[ "$stderr" = "practice: SEED must be a whole number, not 'x1'" ]
	run --separate-stderr bash "$EXERCISES_DIR/tools/practice.sh" amdahl 1 "" 1
	[ "$status" -eq 2 ]
	[[ "$stderr" == "practice: RUN=1 runs the gil topic's scenario"* ]]
}

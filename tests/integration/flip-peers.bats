#!/usr/bin/env bats
# flip-peers.bats - the Python peers of io and wordcount give tvp's answers, under every CPython found, and stop cleanly.

bats_require_minimum_version 1.5.0
load ../cli/helpers

TOP="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
PEERS="$TOP/peers/python"
ORPHANS="$TOP/tests/integration/orphans.py"
NEW_MODELS=futures-thread,futures-process,process-spawn,process-forkserver,pool-spawn,pool-forkserver,subinterp,freethreaded

setup() {
	command -v python3 >/dev/null || skip "no python3: the peers cannot run here"
}

# pythons: python3 and pyenv's 2.7, 3.12 and 3.13 where installed, comma-separated;
# says on the TAP stream which are missing (never a silent skip).
pythons() {
	local list=python3 root p v found
	root="$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")"
	for v in 2.7 3.12 3.13; do
		found=""
		for p in "$root"/versions/$v*/bin/python; do
			[ -x "$p" ] && { list+=",$p"; found=1; break; }
		done
		[ -n "$found" ] || echo "# no CPython $v here: not run" >&3
	done
	echo "$list"
}

# check_runs JSON WORKLOAD...: every run verified against tvp's answer; every
# interpreter ran the four classic models of each workload.
check_runs() {
	python3 - "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
want = set(sys.argv[2:])
ran = {}
for r in d["runs"]:
    assert r["verified"] is True and r["answer"] == r["reference"], r
    ran.setdefault((r["interpreter"], r["workload"]), set()).add(r["model"])
for s in d.get("skipped", []):
    assert s["reason"], s
classic = {"python-serial", "python-threading", "python-process", "python-pool"}
assert {w for _, w in ran} == want, ran
for key, models in ran.items():
    assert models >= classic, (key, sorted(models))
print("%d runs verified under %s" % (len(d["runs"]), sorted({i for i, _ in ran})))
PY
}

@test "io and wordcount peers (serial, threading, process, pool) give tvp's answers under python3, 2.7, 3.12, 3.13" {
	run python3 "$TOP/scripts/peers.py" --tvp "$TVP" --workloads io,wordcount \
		--interpreters "$(pythons)" --io-requests 24 --wc-words 20000 --wc-vocab 3000 \
		--out "$BATS_TEST_TMPDIR/flip.json"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *", 0 failed"* ]]
	check_runs "$BATS_TEST_TMPDIR/flip.json" io wordcount
}

@test "io and wordcount peers under the newer models (futures, spawn, forkserver, subinterp): tvp's answers, or skipped with a reason" {
	run python3 "$TOP/scripts/peers.py" --tvp "$TVP" --workloads io,wordcount \
		--interpreters "$(pythons)" --models "$NEW_MODELS" --io-requests 12 --wc-words 10000 \
		--wc-vocab 2000 --out "$BATS_TEST_TMPDIR/new.json"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *", 0 failed"* ]]
	python3 - "$BATS_TEST_TMPDIR/new.json" <<'PY' >&3
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["runs"]:
    assert r["verified"] is True and r["answer"] == r["reference"], r
assert any(r["model"] == "python-process-spawn" for r in d["runs"]), "spawn never ran"
for s in d["skipped"]:
    assert s["reason"], s
    print("# skipped: %s %s %s: %s" % (s["interpreter"], s["workload"], s["model"], s["reason"]))
PY
}

@test "the io peer checks its replies against the server's log: a reply changed on the way is a wrong answer" {
	expect="$("$TVP" io --requests 8 --repeat 1 --warmup 0 --format csv | tail -1 | cut -d, -f10)"
	run --separate-stderr python3 -c '
import sys
sys.path.insert(0, sys.argv[1])
import iowait, peerlib
honest = iowait.run_task
def tampered(job, first, count, mark):
    total, received = honest(job, first, count, mark)
    return (total + 1) & iowait.MASK64, received
iowait.run_task = tampered
sys.exit(peerlib.main(iowait, sys.argv[2:]))' "$PEERS" --model threading --workers 2 --requests 8 --expect "$expect"
	echo "$output / $stderr"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"the server's log says it sent 8"* ]]
	[[ "$stderr" == *"wrong answer from threading: got log-mismatch"* ]]
	# The same run untampered agrees with tvp.
	run python3 "$PEERS/iowait.py" --model threading --workers 2 --requests 8 --expect "$expect"
	[ "$status" -eq 0 ]
}

@test "the wordcount peer reports what its partial dicts pickle to, growing with the vocabulary" {
	for vocab in 100 5000; do
		python3 "$PEERS/wordcount.py" --model pool --workers 2 --words 20000 --block 5000 \
			--vocab "$vocab" --json "$BATS_TEST_TMPDIR/wc-$vocab.json" \
			--expect "$("$TVP" wordcount --words 20000 --block 5000 --vocab "$vocab" --format csv | tail -1 | cut -d, -f10)"
	done
	python3 - "$BATS_TEST_TMPDIR" <<'PY'
import json, sys
small, large = (json.load(open("%s/wc-%d.json" % (sys.argv[1], v)))["runs"][0] for v in (100, 5000))
assert small["verified"] and large["verified"]
# 4 tasks: each holds every word of a vocabulary of 100, about 3,000 of 5,000 distinct words
assert small["params"]["distinct_per_task"] == 100, small["params"]
assert large["params"]["pickled_bytes"] > 10 * small["params"]["pickled_bytes"], (small["params"], large["params"])
PY
}

@test "the io peer with a CPU hog beside its threads (the convoy) still gives tvp's answer" {
	expect="$("$TVP" io --requests 6 --repeat 1 --warmup 0 --format csv | tail -1 | cut -d, -f10)"
	run python3 "$PEERS/iowait.py" --model threading --workers 1 --requests 6 --cpu-hogs 1 --expect "$expect"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "bad io and wordcount peer input exits 2 with one line" {
	for args in "--delay-us -1" "--work-us 20000000" "--cpu-hogs 65" "--requests 0"; do
		# shellcheck disable=SC2086
		run --separate-stderr python3 "$PEERS/iowait.py" $args
		echo "$args: $status $stderr"
		[ "$status" -eq 2 ]
		[[ "$stderr" == "iowait.py: "* ]]
		[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	done
	for args in "--vocab 0" "--words 0" "--block 0"; do
		# shellcheck disable=SC2086
		run --separate-stderr python3 "$PEERS/wordcount.py" $args
		[ "$status" -eq 2 ]
	done
}

@test "SIGINT to the process group of an io peer (Ctrl-C) stops its server and workers: nothing left" {
	run --separate-stderr python3 "$ORPHANS" --signal INT --group --children 3 --deadline 30 --grace 2 -- \
		python3 "$PEERS/iowait.py" --model process --workers 2 --requests 100000000 --delay-us 5000
	echo "status $status"
	echo "stderr: $stderr"
	[ "$status" -eq 130 ]
	[[ "$stderr" == *"iowait.py: stopped by SIGINT; workers stopped"* ]]
	[[ "$stderr" != *Traceback* ]]
	[[ "$stderr" == *" 0 still alive"* ]]
}

@test "SIGTERM to a threading io peer stops it and its server: nothing left" {
	run --separate-stderr python3 "$ORPHANS" --signal TERM --children 1 --deadline 30 --grace 2 -- \
		python3 "$PEERS/iowait.py" --model threading --workers 4 --requests 100000000 --delay-us 5000
	echo "status $status"
	echo "stderr: $stderr"
	[ "$status" -eq 143 ]
	[[ "$stderr" == *"iowait.py: stopped by SIGTERM; workers stopped"* ]]
	[[ "$stderr" == *" 0 still alive"* ]]
}

@test "the tiny sweep runs the io and wordcount peers (answers checked against tvp's) and the report compares threads with processes" {
	run python3 "$TOP/scripts/sweep.py" --tvp "$TVP" --profile tiny --only flip-peers \
		--results "$BATS_TEST_TMPDIR/results" --corpus-dir "$BATS_TEST_TMPDIR/corpus"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"sweep: 8 verified runs, 0 skipped"* ]]
	run python3 "$TOP/scripts/analyze.py" report "$BATS_TEST_TMPDIR/results/latest"
	local tex="$BATS_TEST_TMPDIR/results/latest/report/generated.tex"
	grep -q '\\section{Python on I/O and on results that travel}' "$tex"
	grep -Eq '^\\texttt\{python-pool\} & wordcount & vocabulary 20000 & [^&]* & [0-9.]+ MB' "$tex"
	grep -Eq 'Python I/O \(CPython [0-9.]+, requests=16, 8 workers\): threading against process: ([0-9.]+x (slower|faster)|no measurable difference)' "$tex"
	grep -Eq 'Python word counts \(words=10000, vocabulary 20000, [0-9.]+ MB pickled\): pool against threading: ' "$tex"
}

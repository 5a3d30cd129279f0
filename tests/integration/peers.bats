#!/usr/bin/env bats
# peers.bats - the Python peers (peers/python) give tvp's answers, under every interpreter found.

bats_require_minimum_version 1.5.0
load ../cli/helpers

TOP="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
PEERS="$TOP/peers/python"
NEW_MODELS=futures-thread,futures-process,process-spawn,process-forkserver,pool-spawn,pool-forkserver,subinterp,freethreaded

setup() {
	command -v python3 >/dev/null || skip "no python3: the peers cannot run here"
}

# has WORKLOAD: tvp knows the workload (grep and mandelbrot arrive separately).
has() {
	"$TVP" --list | grep -Eq "^  $1 "
}

@test "primes peers (serial, threading, process, pool) give tvp's answer under python3" {
	run python3 "$TOP/scripts/peers.py" --tvp "$TVP" --workloads primes --interpreters python3 \
		--primes-to 60000 --out "$BATS_TEST_TMPDIR/peers.json"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"peers: 4 runs agree with tvp, 0 skipped, 0 failed"* ]]
	python3 - "$BATS_TEST_TMPDIR/peers.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "tvp/1"
assert d["machine"]["interpreters"] and d["machine"]["interpreter"].startswith("CPython 3")
models = sorted(r["model"] for r in d["runs"])
assert models == ["python-pool", "python-process", "python-serial", "python-threading"], models
for r in d["runs"]:
    assert r["verified"] is True and r["answer"] == r["reference"] == "171848738", r
    assert r["gil"] in ("modern", "off"), r["gil"]
    for k in ["workload", "workers", "schedule", "ipc", "params", "wall_s", "phases_s", "cpu_s",
              "ctx_switches", "max_rss_kb"]:
        assert k in r, k
PY
}

@test "mandelbrot and grep peers give tvp's answer under python3" {
	has mandelbrot || has grep || skip "tvp has neither mandelbrot nor grep yet"
	run python3 "$TOP/scripts/peers.py" --tvp "$TVP" --workloads mandelbrot,grep \
		--interpreters python3 --width 48 --height 36 --corpus-lines 3000
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *", 0 failed"* ]]
}

@test "a wrong answer is caught: the peer exits 1 when --expect differs" {
	run python3 "$PEERS/primes.py" --to 10000 --expect 12345
	[ "$status" -eq 1 ]
	[[ "$output$stderr" == *"wrong answer"* ]]
}

@test "bad peer input exits 2" {
	run python3 "$PEERS/primes.py" --from 10 --to 5
	[ "$status" -eq 2 ]
	run python3 "$PEERS/primes.py" --model green
	[ "$status" -eq 2 ]
	run python3 "$PEERS/primes.py" --model threading --workers 0
	[ "$status" -eq 2 ]
	run python3 "$PEERS/mandelbrot.py" --width 0
	[ "$status" -eq 2 ]
	run python3 "$PEERS/grep.py" --file /nonexistent --regex x
	[ "$status" -eq 2 ]
}

@test "the peers run under every interpreter found (pyenv's too), with tvp's answer" {
	run python3 "$TOP/scripts/peers.py" --tvp "$TVP" --workloads primes --interpreters all \
		--primes-to 30000 --models serial,threading,pool
	echo "$output"
	[[ "$output" != *"no Python interpreter found"* ]] || skip "no interpreter found"
	[ "$status" -eq 0 ]
	[[ "$output" == *", 0 failed"* ]]
}

@test "under Python 2 the peers say the GIL is legacy" {
	py2=""
	if python2 -c 'pass' 2>/dev/null; then
		py2=python2
	else
		for p in "$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"/versions/2.*/bin/python; do
			[ -x "$p" ] && py2=$p && break
		done
	fi
	[ -n "$py2" ] || skip "no Python 2 interpreter here"
	run "$py2" "$PEERS/primes.py" --model threading --workers 2 --to 30000 --trace --json -
	[ "$status" -eq 0 ]
	python3 -c '
import json, sys
text = sys.stdin.read()
d = json.loads(text[text.index("{"):])
r = d["runs"][0]
assert r["gil"] == "legacy" and r["interpreter"].startswith("CPython 2"), r
assert r["gil_stats"]["check"] == 100 and "handoffs" in r["gil_stats"], r["gil_stats"]
' <<<"$output"
}

@test "the p-curve peer (GIL-free hashing mixed in) still gives the primes answer" {
	for model in "serial --workers 1" "threading --workers 2"; do
		# shellcheck disable=SC2086
		run python3 "$PEERS/gilfree.py" --p 0.5 --piece 10 --to 30000 --model $model \
			--expect 45675864
		echo "$output"
		[ "$status" -eq 0 ]
	done
	run python3 "$PEERS/gilfree.py" --p 1
	[ "$status" -eq 2 ]
}

@test "make peers leaves no scratch directory behind (issue 13, case 15)" {
	mkdir -p "$BATS_TEST_TMPDIR/tmp"
	TMPDIR="$BATS_TEST_TMPDIR/tmp" run python3 "$TOP/scripts/peers.py" --tvp "$TVP" \
		--workloads primes,grep --interpreters python3 --models serial,pool --primes-to 30000 \
		--corpus-lines 2000
	echo "$output"
	[ "$status" -eq 0 ]
	left="$(ls -A "$BATS_TEST_TMPDIR/tmp")"
	[ -z "$left" ] || { echo "left in TMPDIR: $left"; false; }
}

# check_models JSON: every run verified; each interpreter ran or skipped exactly the models
# its version has; every skip has a reason (printed to the TAP stream, never silent).
check_models() {
	python3 - "$1" <<'PY' >&3
import json, sys
d = json.load(open(sys.argv[1]))
new = ["futures-thread", "futures-process", "process-spawn", "process-forkserver",
       "pool-spawn", "pool-forkserver", "subinterp", "freethreaded"]
ran, skipped = {}, {}
for r in d["runs"]:
    assert r["verified"] is True and r["answer"] == r["reference"], r
    ran.setdefault((r["interpreter"], r["workload"]), set()).add(r["model"][7:])
    if r["model"] in ("python-process-spawn", "python-pool-forkserver"):
        assert r["start_method"] in ("spawn", "forkserver") and r["phases_s"]["spawn"] > 0, r
    if r["model"] == "python-subinterp":
        assert r["ipc"] == "channel" and r["crossing"]["bytes"] > 0, r
for s in d["skipped"]:
    assert s["reason"], s
    print("# skipped: %s %s %s: %s" % (s["interpreter"], s["workload"], s["model"], s["reason"]))
    skipped.setdefault((s["interpreter"], s["workload"]), set()).add(s["model"][7:])
for key in set(ran) | set(skipped):
    version = tuple(int(x) for x in key[0].split()[1].split(".")[:2])
    free = "free-threaded" in key[0]
    expect_skip = set()
    if version < (3, 4):
        expect_skip |= set(new[:6]) if version < (3, 2) else set(new[2:6])
    if version < (3, 12):
        expect_skip.add("subinterp")
    if not free:
        expect_skip.add("freethreaded")
    got = skipped.get(key, set())
    assert got == expect_skip, (key, sorted(got), sorted(expect_skip))
    assert ran.get(key, set()) | got >= set(new), (key, ran.get(key))
print("# %d runs verified, %d skipped with a reason" % (len(d["runs"]), len(d["skipped"])))
if d.get("not_measured"):
    print("# freethreaded " + d["not_measured"])
PY
}

@test "the new models (futures, spawn, forkserver, subinterp, freethreaded) give tvp's primes answer under every interpreter" {
	run python3 "$TOP/scripts/peers.py" --tvp "$TVP" --workloads primes --interpreters all \
		--models "${NEW_MODELS}" --primes-to 30000 --out "$BATS_TEST_TMPDIR/all.json"
	echo "$output"
	[[ "$output" != *"no Python interpreter found"* ]] || skip "no interpreter found"
	[ "$status" -eq 0 ]
	[[ "$output" == *", 0 failed"* ]]
	check_models "$BATS_TEST_TMPDIR/all.json"
}

@test "the new models give tvp's Mandelbrot and grep answers under python3, 3.12 and 3.13" {
	has mandelbrot && has grep || skip "tvp has no mandelbrot or grep"
	pythons=python3
	root="$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"
	for v in 3.12 3.13 2.7; do
		for p in "$root"/versions/$v*/bin/python; do
			[ -x "$p" ] && pythons+=",$p" && break
		done
	done
	[[ "$pythons" == *3.12* ]] || echo "# no CPython 3.12 here: its subinterpreters not run" >&3
	[[ "$pythons" == *3.13* ]] || echo "# no CPython 3.13 here: its subinterpreters not run" >&3
	run python3 "$TOP/scripts/peers.py" --tvp "$TVP" --workloads mandelbrot,grep \
		--interpreters "$pythons" --models "${NEW_MODELS}" --width 40 --height 30 \
		--corpus-lines 2000 --out "$BATS_TEST_TMPDIR/mg.json"
	echo "$output"
	[ "$status" -eq 0 ]
	check_models "$BATS_TEST_TMPDIR/mg.json"
}

@test "a model the interpreter lacks exits 77 with its reason on one line" {
	run --separate-stderr python3 "$PEERS/primes.py" --model freethreaded --to 1000
	python3 -c 'import sys; sys.exit(0 if getattr(sys, "_is_gil_enabled", lambda: True)() else 1)' ||
		skip "python3 is free-threaded here: freethreaded runs"
	[ "$status" -eq 77 ]
	[[ "$stderr" == "primes.py: freethreaded skipped: not measured: "*"pyenv install 3.13.0t"* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
}

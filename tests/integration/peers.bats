#!/usr/bin/env bats
# peers.bats - the Python peers (peers/python) give tvp's answers, under every interpreter found.

bats_require_minimum_version 1.5.0
load ../cli/helpers

TOP="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
PEERS="$TOP/peers/python"

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
	[[ "$output" == *"peers: 4 runs agree with tvp, 0 failed"* ]]
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

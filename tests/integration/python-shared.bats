#!/usr/bin/env bats
# python-shared.bats - one writer of the machine record (tvp) and one Python 2 discovery (peers.py), for every script.

bats_require_minimum_version 1.5.0
load ../cli/helpers

TOP="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"

setup() {
	command -v python3 >/dev/null || skip "no python3: the scripts cannot run here"
}

@test "the peers' JSON carries tvp's machine record; a peer itself records only its interpreter" {
	run python3 "$TOP/scripts/peers.py" --tvp "$TVP" --workloads primes --interpreters python3 \
		--models serial --primes-to 2000 --out "$BATS_TEST_TMPDIR/peers.json"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	python3 "$TOP/peers/python/primes.py" --model serial --to 2000 --json "$BATS_TEST_TMPDIR/one.json" >/dev/null
	"$TVP" primes --to 10 --repeat 1 --warmup 0 --format json >"$BATS_TEST_TMPDIR/tvp.json"
	python3 - "$BATS_TEST_TMPDIR" <<'PY'
import json, os, sys
d = sys.argv[1]
tvp = json.load(open(os.path.join(d, "tvp.json")))["machine"]
peers = json.load(open(os.path.join(d, "peers.json")))["machine"]
one = json.load(open(os.path.join(d, "one.json")))["machine"]
for key in ("cpu_model", "cores_online", "memory_kb", "kernel", "compiler", "git_revision"):
    assert peers[key] == tvp[key], (key, peers, tvp)
assert peers["interpreter"].startswith("CPython 3") and peers["interpreters"], peers
assert sorted(one) == ["date", "executable", "interpreter"], one
PY
}

@test "sweep, peers and fidelity find the same Python 2: python2 on PATH if it runs, else pyenv's newest 2.x" {
	root="$BATS_TEST_TMPDIR/pyenv"
	for v in 2.7.9 2.7.18 3.11.1; do
		mkdir -p "$root/versions/$v/bin"
		printf '#!/bin/sh\n[ "$1" = -c ] && echo %s\n' "$v" >"$root/versions/$v/bin/python"
		chmod +x "$root/versions/$v/bin/python"
	done
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	py=$(python3 -c 'import sys; print(sys.executable)') # not a pyenv shim: it sets PYENV_ROOT
	cd "$TOP/scripts"
	run env PYENV_ROOT="$root" PATH="$BATS_TEST_TMPDIR/bin:/usr/bin:/bin" "$py" -c '
import fidelity, peers, sweep
two = [c for label, c in peers.find_interpreters("default") if label.startswith("CPython 2")]
print(sweep.python2_command(), peers.find_python2(), two)'
	echo "$output"
	[ "$status" -eq 0 ]
	want="$root/versions/2.7.18/bin/python"
	[ "$output" = "$want ['$want'] [['$want']]" ]
	# python2 on PATH, when it runs, comes first
	printf '#!/bin/sh\n[ "$1" = -c ] && echo 2.7.5\n' >"$BATS_TEST_TMPDIR/bin/python2"
	chmod +x "$BATS_TEST_TMPDIR/bin/python2"
	run env PYENV_ROOT="$root" PATH="$BATS_TEST_TMPDIR/bin:/usr/bin:/bin" "$py" -c 'import sweep; print(sweep.python2_command())'
	[ "$output" = "python2" ]
}

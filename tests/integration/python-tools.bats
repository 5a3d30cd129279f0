#!/usr/bin/env bats
# python-tools.bats - the report's section "Python's tools, measured": measured, verified, written as LaTeX.

bats_require_minimum_version 1.5.0
load ../cli/helpers

TOP="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
SCRIPT="$TOP/scripts/report_python.py"

setup() {
	command -v python3 >/dev/null || skip "no python3: the peers cannot run here"
}

@test "measure: every tool under python3 on primes, tvp beside it, verified; tex: the section from it" {
	run python3 "$SCRIPT" measure --tvp "$TVP" --out "$BATS_TEST_TMPDIR/py.json" \
		--interpreters python3 --workloads primes --repeat 2 --primes-to 20000
	echo "$output"
	[ "$status" -eq 0 ]
	python3 - "$BATS_TEST_TMPDIR/py.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "tvp-python/1"
models = {r["model"] for r in d["peers"]}
for m in ("serial", "threading", "process", "pool", "futures-thread", "futures-process",
          "process-spawn", "process-forkserver", "pool-spawn", "pool-forkserver"):
    assert "python-" + m in models, m
for r in d["peers"]:
    assert r["verified"] and r["repeats"] == 2 and len(r["wall_s"]["all"]) == 2, r["model"]
assert all(s["reason"] for s in d["skipped"])
assert {r["label"] for r in d["tvp"]} >= {"serial", "2 threads, --gil legacy"}
assert all(r["verified"] for r in d["tvp"])
assert {o["operation"] for o in d["overhead"]} >= {"fork_wait", "posix_spawn_wait"}
PY
	run python3 "$SCRIPT" tex "$BATS_TEST_TMPDIR/py.json"
	[ "$status" -eq 0 ]
	[[ "$output" == *"\\section{Python's tools, measured}"* ]]
	[[ "$output" == *"\\paragraph{Primes.}"* ]]
	[[ "$output" == *"pool-spawn"*"Pool, spawn"* ]]
	[[ "$output" == *"tvp's simulation at primes to 160,000, block 10,000 (8 times the peers' range"*"tvp 2 threads, -{}-gil legacy"* ]]
	# every verdict names the sizes it was measured at
	[[ "$output" == *"\\textbf{Pool (fork)}"*"(CPython 3."*", primes to 20,000, block 10,000: "* ]]
	[[ "$output" == *"\\paragraph{Start-up.}"*"fork + wait"*"posix\\_spawn"* ]]
	[[ "$output" == *"\\paragraph{Verdicts.}"*"\\textbf{Pool (fork)}"* ]]
	[[ "$output" == *"Not measured."*"freethreaded"* ]]
}

@test "measure: grep's peers beside tvp's simulation on the corpus it is given, checked against GNU grep" {
	corpus="$BATS_TEST_TMPDIR/lines-30000-seed-1.txt"
	"$TVP" corpus --lines 30000 --seed 1 --out "$corpus"
	run python3 "$SCRIPT" measure --tvp "$TVP" --out "$BATS_TEST_TMPDIR/py.json" \
		--interpreters python3 --workloads grep --repeat 2 --corpus-lines 3000 --tvp-corpus "$corpus"
	echo "$output"
	[ "$status" -eq 0 ]
	answer=$(LC_ALL=C grep -c -E 'ab+c' "$corpus")
	python3 - "$BATS_TEST_TMPDIR/py.json" "$answer" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert {r["workload"] for r in d["peers"]} == {"grep"}, d["peers"]
tvp = d["tvp"]
assert len(tvp) == 7 and {r["workload"] for r in tvp} == {"grep"}, tvp
for r in tvp:  # the sweep's corpus, each run checked against GNU grep's count
    assert r["verified"] and r["answer"] == sys.argv[2] and r["params"]["file"].endswith("lines-30000-seed-1.txt"), r
PY
	run python3 "$SCRIPT" tex "$BATS_TEST_TMPDIR/py.json"
	[ "$status" -eq 0 ]
	[[ "$output" == *"\\paragraph{Grep.}"*"tvp's simulation at regex ab+c on lines-30000-seed-1.txt"*"tvp 2 threads, -{}-gil modern"* ]]
	[[ "$output" == *"\\paragraph{Verdicts.}"*"regex ab+c on 3,000 corpus lines: "* ]]
}

@test "tex: the speedup interval comes from the repeats; a missing file says 'not measured'" {
	python3 - "$BATS_TEST_TMPDIR/f.json" <<'PY'
import json, sys
def run(model, walls):
    return {"workload": "primes", "interpreter": "CPython 3.12.1", "model": "python-" + model,
            "wall_s": {"median": sorted(walls)[len(walls) // 2], "all": walls},
            "phases_s": {"spawn": 0.25}}
d = {"schema": "tvp-python/1", "repeat": 5, "sizes": {}, "tvp": [], "overhead": [],
     "skipped": [], "not_measured": "not measured: no free-threaded CPython on this machine",
     "peers": [run("serial", [2.0, 2.0, 2.1, 1.9, 2.0]), run("pool", [1.0, 1.0, 1.05, 0.95, 1.0]),
               run("threading", [2.0, 2.2, 1.8, 2.1, 1.9])]}
json.dump(d, open(sys.argv[1], "w"))
PY
	run python3 "$SCRIPT" tex "$BATS_TEST_TMPDIR/f.json"
	echo "$output"
	[ "$status" -eq 0 ]
	# pool: 2.0 / 1.0 = 2.00, its interval inside [1.81, 2.21]; threading about 1, not a win
	[[ "$output" =~ pool\ \&\ Pool,\ fork\ \&\ 1.00\\,s\ 2.00\ \[(1\.[89][0-9]|2\.00),\ (2\.[0-2][0-9])\] ]]
	[[ "$output" == *"\\textbf{Pool (fork)} wins"* ]]
	[[ "$output" == *"\\textbf{threading} does not measurably beat serial"* ]]
	[[ "$output" == *"free-threading}: not measured: no free-threaded CPython on this machine"* ]]
	run python3 "$SCRIPT" tex "$BATS_TEST_TMPDIR/none.json"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Not measured: no Python interpreter ran"* ]]
}

@test "tex: a tool that beats serial on one workload and not another is said to, by name, not 'does not beat'" {
	python3 - "$BATS_TEST_TMPDIR/m.json" <<'PY'
import json, sys
def run(w, model, walls):
    return {"workload": w, "interpreter": "CPython 3.12.1", "model": "python-" + model, "params": {},
            "wall_s": {"median": sorted(walls)[2], "all": walls}, "phases_s": {"spawn": 0.1}}
d = {"schema": "tvp-python/1", "repeat": 5, "sizes": {}, "tvp": [], "overhead": [], "skipped": [],
     "peers": [run("primes", "serial", [2.0, 2.0, 2.1, 1.9, 2.0]), run("primes", "threading", [1.0, 1.0, 1.05, 0.95, 1.0]),
               run("mandelbrot", "serial", [2.0, 2.0, 2.1, 1.9, 2.0]), run("mandelbrot", "threading", [2.0, 2.2, 1.8, 2.1, 1.9])]}
json.dump(d, open(sys.argv[1], "w"))
PY
	run python3 "$SCRIPT" tex "$BATS_TEST_TMPDIR/m.json"
	[ "$status" -eq 0 ]
	[[ "$output" == *"\\textbf{threading} measurably beats serial only on primes here"* ]]
	[[ "$output" != *"\\textbf{threading} does not measurably beat serial"* ]]
}

@test "the interpreters picked: python3's 3.x, the newest 3.x, 2.7 and free-threaded builds; every 3.x on request, and the text says which" {
	python3 - "$TOP/scripts" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import report_python as r
found = {"python3": "3.11.7", "python2": None}
r.peers.version_of = lambda command: found[command[0]]
r.peers.pyenv_pythons = lambda: [(v, "/p/versions/%s/bin/python" % v) for v in
                                 ("2.7.18", "3.10.13", "3.11.7", "3.12.1", "3.13.0", "3.13.0t")]
picked = r.pick_interpreters().split(",")
assert picked == ["/p/versions/2.7.18/bin/python", "python3", "/p/versions/3.13.0/bin/python",
                  "/p/versions/3.13.0t/bin/python"], picked
every = r.pick_interpreters(True).split(",")
assert every == picked[:2] + ["/p/versions/3.12.1/bin/python"] + picked[2:], every
run = {"workload": "primes", "interpreter": "CPython 3.11.7", "model": "python-serial", "params": {},
       "verified": True, "wall_s": {"median": 0.1, "all": [0.1, 0.1]}}
for picked_as, said in (("newest", True), ("every", False), (None, False)):
    text, _ = r.section({"peers": [run], "tvp": [], "skipped": [], "repeat": 2, "picked": picked_as})
    assert ("python3's and the newest" in text) == said, (picked_as, text[:600])
PY
}

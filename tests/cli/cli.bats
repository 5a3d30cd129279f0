#!/usr/bin/env bats
# cli.bats - the command line: help, list, version, formats, and one clear line for bad input.

bats_require_minimum_version 1.5.0
load helpers

@test "tvp --help shows usage and exits 0" {
	run "$TVP" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: tvp WORKLOAD"* ]]
	[[ "$output" == *"--workers N"* ]]
}

@test "tvp with no arguments prints usage on stderr and exits 2" {
	run --separate-stderr "$TVP"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"usage:"* ]]
}

@test "tvp --version names the version and the git revision" {
	run "$TVP" --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^tvp\ [0-9]+\.[0-9]+\.[0-9]+\ \(git\ .+\)$ ]]
}

@test "tvp --list names every workload and model with a description" {
	run "$TVP" --list
	[ "$status" -eq 0 ]
	for name in primes serial pthread fork pool; do
		grep -Eq "^  $name +[A-Za-z]" <<<"$output" || { echo "missing $name"; return 1; }
	done
}

@test "tvp --list gives each model's kind: serial, threads, processes or ranks (MPI)" {
	run listed_models
	[ "$status" -eq 0 ]
	[[ "$output" == *"serial serial"* ]]
	[[ "$output" == *"pthread threads"* ]]
	[[ "$output" == *"fork processes"* ]]
	[[ "$output" == *"pool processes"* ]]
	while read -r name kind; do
		[[ "$kind" =~ ^(serial|threads|processes|ranks)$ ]] || { echo "$name: kind '$kind'"; return 1; }
	done <<<"$output"
	if command -v mpicc >/dev/null; then # built with Open MPI: its ranks are a kind of their own
		[[ "$output" == *"mpi ranks"* ]]
	fi
}

@test "tvp --help names every model of the registry, and which take --ipc and --retry" {
	run "$TVP" --help
	[ "$status" -eq 0 ]
	local model_line ipc_line retry_line
	model_line=$(grep -E '^  --model ' <<<"$output")
	ipc_line=$(grep -E '^  --ipc ' <<<"$output")
	retry_line=$(grep -E '^  --retry ' <<<"$output")
	while read -r name kind; do
		[[ "$model_line" == *"$name"* ]] || { echo "--model help lacks $name: $model_line"; return 1; }
		if [ "$kind" = processes ]; then
			[[ "$ipc_line" == *"$name"* ]] || { echo "--ipc help lacks $name"; return 1; }
			[[ "$retry_line" == *"$name"* ]] || { echo "--retry help lacks $name"; return 1; }
		fi
	done < <(listed_models)
	[[ "$ipc_line" != *pthread* && "$retry_line" != *pthread* ]]
}

@test "tvp primes --help lists the workload's options with defaults" {
	run "$TVP" primes --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--from N"* ]]
	[[ "$output" == *"[8000000]"* ]]
	[[ "$output" == *"segmented sieve"* ]]
}

@test "workloads, overhead and corpus share one option parser: the same line for the same mistake" {
	local cmd
	for cmd in primes overhead corpus; do
		expect_usage_error "$cmd" --bogus 1
		[ "$stderr" = "tvp: $cmd: unknown option '--bogus' (see tvp $cmd --help)" ] || { echo "$stderr"; return 1; }
		expect_usage_error "$cmd" stray
		[ "$stderr" = "tvp: $cmd: unexpected argument 'stray' (options start with --; see tvp $cmd --help)" ] ||
			{ echo "$stderr"; return 1; }
		expect_usage_error "$cmd" --help=yes
		[ "$stderr" = "tvp: $cmd: --help takes no value" ] || { echo "$stderr"; return 1; }
		run --separate-stderr "$TVP" "$cmd" -h --bogus
		[ "$status" -eq 0 ] && [[ "$output" == "usage: tvp $cmd "* ]] && [[ "$output" == *"  --help "* ]] ||
			{ echo "$cmd -h: status $status: $output $stderr"; return 1; }
	done
	expect_usage_error corpus --lines 99999999999 --out x
	[ "$stderr" = "tvp: corpus: --lines must be a whole number from 0 to 10000000000, not '99999999999'" ]
	expect_usage_error overhead --repeat 0
	[ "$stderr" = "tvp: overhead: --repeat must be a whole number from 1 to 1000000, not '0'" ]
	expect_usage_error overhead --transfer-mib -3
	[ "$stderr" = "tvp: overhead: --transfer-mib needs a whole number >= 0, not '-3'" ]
}

@test "each model prints a verified JSON run with the sum below two million" {
	local count=0
	while read -r model kind; do
		workers=2
		[ "$kind" = serial ] && workers=1
		"$TVP" primes --model "$model" --workers "$workers" --from 2 --to 2000000 \
			--repeat 1 --warmup 0 --format json >"$BATS_TEST_TMPDIR/$model.json"
		[ "$(json_field "$BATS_TEST_TMPDIR/$model.json" "d['runs'][0]['verified']")" = True ]
		[ "$(json_field "$BATS_TEST_TMPDIR/$model.json" "d['runs'][0]['answer']")" = 142913828922 ]
		[ "$(json_field "$BATS_TEST_TMPDIR/$model.json" "d['runs'][0]['model']")" = "$model" ]
		[ "$(json_field "$BATS_TEST_TMPDIR/$model.json" "d['runs'][0]['model_kind']")" = "$kind" ]
		count=$((count + 1))
	done < <(listed_models)
	[ "$count" -ge 4 ]
}

@test "the JSON has every field the schema promises" {
	"$TVP" primes --model pool --workers 2 --to 200000 --repeat 2 --format json >"$BATS_TEST_TMPDIR/r.json"
	python3 - "$BATS_TEST_TMPDIR/r.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "tvp/1"
for k in ["cpu_model", "cores_online", "kernel", "compiler", "flags", "git_revision"]:
    assert k in d["machine"], k
run = d["runs"][0]
for k in ["workload", "model", "model_kind", "workers", "schedule", "ipc", "gil", "params", "answer",
          "verified", "repeats", "wall_s", "phases_s", "cpu_s", "ctx_switches", "max_rss_kb"]:
    assert k in run, k
assert set(run["wall_s"]) >= {"median", "min", "max"}
assert set(run["phases_s"]) == {"setup", "spawn", "compute", "collect", "teardown"}
assert set(run["cpu_s"]) == {"user", "sys"}
assert set(run["ctx_switches"]) == {"voluntary", "involuntary"}
assert run["params"] == {"from": 2, "to": 200000, "block": 10000}
assert run["repeats"] == 2 and len(run["wall_s"]["all"]) == 2
assert run["wall_s"]["min"] <= run["wall_s"]["median"] <= run["wall_s"]["max"]
assert run["cpu_s"]["user"] > 0
assert isinstance(run["answer"], str)
PY
}

@test "CSV has a header and one row with the same answer" {
	run "$TVP" primes --to 100000 --repeat 1 --format csv
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == workload,model,workers,* ]]
	[[ "${lines[1]}" == primes,serial,1,*,454396537,true,* ]]
	[[ "${lines[0]}" == *,model_kind ]]
	[[ "${lines[1]}" == *,serial ]]
}

@test "the table shows the answer and the wall-time medians" {
	run "$TVP" primes --model pthread --workers 2 --to 100000 --repeat 2
	[ "$status" -eq 0 ]
	[[ "$output" == *"answer    454396537"* ]]
	[[ "$output" == *"wall      median"* ]]
}

@test "a wrong answer is an error: exit 1, no results printed" {
	TVP_FAULT=wrong-answer run --separate-stderr "$TVP" primes --to 100000 --format json
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == "tvp: wrong answer from primes serial"*"expected 454396537"* ]]
}

@test "--output writes the file only when the run succeeds" {
	"$TVP" primes --to 100000 --format json --output "$BATS_TEST_TMPDIR/ok.json"
	[ "$(json_field "$BATS_TEST_TMPDIR/ok.json" "d['runs'][0]['answer']")" = 454396537 ]
	TVP_FAULT=wrong-answer run "$TVP" primes --to 100000 --output "$BATS_TEST_TMPDIR/bad.json"
	[ "$status" -eq 1 ]
	[ -z "$(ls "$BATS_TEST_TMPDIR" | grep bad)" ]
}

@test "bad input: unknown workload, model, schedule, ipc, gil, format, option" {
	expect_usage_error nosuch
	expect_usage_error primes --model green
	expect_usage_error primes --model pthread --schedule cyclic
	expect_usage_error primes --model fork --ipc carrier-pigeon
	expect_usage_error primes --gil sometimes
	expect_usage_error primes --format xml
	expect_usage_error primes --bogus 3
	expect_usage_error --bogus
	expect_usage_error primes stray
}

@test "bad input: workers 0, -1, huge, not a number; missing value" {
	expect_usage_error primes --model pthread --workers 0
	expect_usage_error primes --model pthread --workers -1
	expect_usage_error primes --model pthread --workers 1025
	expect_usage_error primes --model pthread --workers 99999999999999999999999
	expect_usage_error primes --model pthread --workers two
	expect_usage_error primes --model pthread --workers
	expect_usage_error primes --model serial --workers 4
}

@test "bad input: ranges, chunk 0, repeat 0, --ipc on a thread model" {
	expect_usage_error primes --from 10 --to 10
	expect_usage_error primes --from 20 --to 10
	expect_usage_error primes --to 5000000000
	expect_usage_error primes --to 1e3x
	expect_usage_error primes --model pthread --chunk 0
	expect_usage_error primes --repeat 0
	expect_usage_error primes --block 0
	expect_usage_error primes --model pthread --ipc shm
	expect_usage_error primes --pin=yes
}

@test "an output file in a missing directory is a usage error, nothing created" {
	expect_usage_error primes --to 1000 --output "$BATS_TEST_TMPDIR/no/such/dir/r.json"
	[ ! -e "$BATS_TEST_TMPDIR/no" ]
}

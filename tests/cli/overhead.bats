#!/usr/bin/env bats
# overhead.bats - tvp overhead prints every operation (no timing is asserted), and the
# tiny-task workload runs verified under every model.

bats_require_minimum_version 1.5.0
load helpers

SMALL=(overhead --repeat 3 --parent-mib 8 --transfer-mib 1 --scan-mib 4)
OPERATIONS=(thread_create_join fork_wait posix_spawn_wait pool_task_round_trip pipe_round_trip
	pipe_bytes shm_bytes scan_1_thread scan_n_threads fork_wait_large posix_spawn_wait_large)
# Built with Open MPI (the mpi model listed): the MPI ping-pong rows follow.
MPI_ROWS=0
if "$TVP" --list | grep -Eq '^  mpi +ranks'; then
	OPERATIONS+=(mpi_shm_round_trip mpi_shm_bytes mpi_tcp_round_trip mpi_tcp_bytes)
	MPI_ROWS=4
fi

@test "tvp --list names the overhead command" {
	run "$TVP" --list
	[ "$status" -eq 0 ]
	grep -Eq '^  overhead +[a-z]' <<<"$output"
}

@test "tvp overhead --help explains the options and exits 0" {
	run "$TVP" overhead --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: tvp overhead"* && "$output" == *"--parent-mib"* ]]
}

@test "the table has a row for every operation, with a median and a repeat count" {
	run --separate-stderr "$TVP" "${SMALL[@]}"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq $((13 + MPI_ROWS)) ] # a title, a header, eleven operations (+ MPI's)
	for what in "thread: create + join" "fork + wait (parent RSS" "posix_spawn /bin/true + wait (parent RSS" \
		"pool: an empty task" "pipe: one byte" "pipe: move 1 MiB" "MAP_SHARED: child copies 1 MiB" \
		"scan: memchr over 4 MiB, 1 thread" "scan: memchr over 4 MiB, $(nproc) threads" \
		"fork + wait, large parent (RSS" "posix_spawn /bin/true + wait, large parent (RSS"; do
		grep -F -- "$what" <<<"$output" | grep -Eq ' [0-9.]+ (ns|us|ms|s) .* 3( |$)' ||
			{ echo "no row for: $what"; return 1; }
	done
	if [ "$MPI_ROWS" -gt 0 ]; then
		for what in "MPI over shm: one byte to a rank and back" "MPI over shm: move 1 MiB" \
			"MPI over tcp: one byte to a rank and back" "MPI over tcp: move 1 MiB"; do
			grep -F -- "$what" <<<"$output" | grep -Eq ' [0-9.]+ (ns|us|ms|s) .* 3( |$)' ||
				{ echo "no row for: $what"; return 1; }
		done
	fi
	[ "$(grep -c 'GB/s' <<<"$output")" -eq $((4 + MPI_ROWS / 2)) ]
}

@test "--format json: schema tvp/1 with an overhead list of every operation" {
	"$TVP" "${SMALL[@]}" --format json >"$BATS_TEST_TMPDIR/o.json"
	python3 - "$BATS_TEST_TMPDIR/o.json" "$(nproc)" "${OPERATIONS[@]}" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
cpus = int(sys.argv[2])
assert d["schema"] == "tvp/1"
assert "cpu_model" in d["machine"] and d["runs"] == []
assert d["overhead_params"] == {"repeat": 3, "parent_mib": 8, "transfer_mib": 1, "scan_mib": 4}
ops = d["overhead"]
assert [o["operation"] for o in ops] == sys.argv[3:], [o["operation"] for o in ops]
for o in ops:
    assert o["repetitions"] == 3 and o["warmup"] >= 1, o
    assert 0 < o["min_s"] <= o["seconds_per_op"] <= o["max_s"], o
    assert o["description"] and o["parent_rss_kb"] > 0, o
    scan = o["operation"].startswith("scan_")
    moves = o["operation"] in ("pipe_bytes", "shm_bytes", "mpi_shm_bytes", "mpi_tcp_bytes") or scan
    assert ("bytes_per_s" in o) == moves and ("threads" in o) == scan, o
    if moves:
        assert o["bytes_per_op"] == (4 if scan else 1) << 20 and o["bytes_per_s"] > 0, o
    assert ("all_s" in o) == scan, o
    if scan:
        assert o["threads"] == (1 if o["operation"] == "scan_1_thread" else cpus), o
        assert len(o["all_s"]) == 3 and min(o["all_s"]) == o["min_s"] and max(o["all_s"]) == o["max_s"], o
large = {o["operation"]: o["parent_rss_kb"] for o in ops}
assert large["fork_wait_large"] - large["fork_wait"] >= 8 * 1024, large  # the 8 MiB touched
PY
}

@test "--format csv: a header and one row per operation" {
	run "$TVP" "${SMALL[@]}" --format csv
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq $((12 + MPI_ROWS)) ]
	[[ "${lines[0]}" == operation,description,seconds_median,* ]]
	[[ "${lines[1]}" == thread_create_join,* ]]
}

@test "no helper process outlives tvp overhead" {
	"$TVP" "${SMALL[@]}" >/dev/null &
	local pid=$!
	wait "$pid"
	run pgrep -P "$pid"
	[ "$status" -ne 0 ]
}

@test "bad input: unknown option, stray argument, zero or huge sizes, bad format" {
	expect_usage_error overhead --bogus
	expect_usage_error overhead stray
	expect_usage_error overhead --repeat 0
	expect_usage_error overhead --repeat
	expect_usage_error overhead --parent-mib 0
	expect_usage_error overhead --parent-mib 99999999
	expect_usage_error overhead --transfer-mib 0
	expect_usage_error overhead --scan-mib 0
	expect_usage_error overhead --scan-mib 99999999
	expect_usage_error overhead --scan-mib
	expect_usage_error overhead --format xml
}

@test "tiny: every model makes the same strings, one string per task" {
	want=$("$TVP" tiny --tasks 500 --repeat 1 --format csv | tail -1 | cut -d, -f10)
	[[ "$want" =~ ^[0-9a-f]{16}$ ]]
	for run in "pthread" "fork --ipc pipe" "fork --ipc shm" "pool --ipc pipe" "pool --ipc shm"; do
		for order in "dynamic" "static --chunk 1" "static"; do
			run "$TVP" tiny --tasks 500 --model $run --workers 2 --schedule $order --repeat 2 --format csv
			[ "$status" -eq 0 ] || { echo "$run $order: $output"; return 1; }
			[[ "${lines[1]}" == *",$want,true,"* ]] || { echo "$run $order: ${lines[1]}"; return 1; }
		done
	done
	# the dynamic default is the talk's granularity: 500 tasks of one string
	run "$TVP" tiny --tasks 500 --model pool --workers 2 --schedule dynamic --repeat 1 --format json
	[ "$(python3 -c 'import json,sys; r=json.load(sys.stdin)["runs"][0]; print(r["tasks"], r["chunk"])' <<<"$output")" = "500 1" ]
}

@test "tiny: the talk's shape, one worker per string" {
	for model in pthread fork pool; do
		run "$TVP" tiny --tasks 8 --model "$model" --workers 8 --schedule static --chunk 1 --repeat 2 --format csv
		[ "$status" -eq 0 ]
		[[ "${lines[1]}" == tiny,$model,8,static,1,8,*,true,* ]]
	done
}

@test "tiny: bad input" {
	expect_usage_error tiny --tasks 0
	expect_usage_error tiny --tasks 1000000000
	expect_usage_error tiny --length 0
	expect_usage_error tiny --length 65
}

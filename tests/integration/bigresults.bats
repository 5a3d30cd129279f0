#!/usr/bin/env bats
# bigresults.bats - results much larger than a pipe buffer (64 KiB) come back whole,
# for every model, ipc and worker count: the parent drains while it waits (no deadlock).

bats_require_minimum_version 1.5.0
load ../cli/helpers

# 32 units of 256 KiB: 8 MiB in all; a task is 256 KiB (--chunk 1) to 8 MiB (one worker).
FILL=(fill --units 32 --bytes 262144 --repeat 1 --warmup 1 --format csv)

# check_run ARGS...: tvp fill ARGS finishes within 60 s and verifies.
check_run() {
	run --separate-stderr timeout 60 "$TVP" "${FILL[@]}" "$@"
	[ "$status" -ne 124 ] || { echo "tvp ${FILL[*]} $*: hung (killed after 60 s)"; return 1; }
	[ "$status" -eq 0 ] || { echo "tvp ${FILL[*]} $*: status $status: $stderr"; return 1; }
	[[ "${lines[1]}" == *",true,"* ]] || { echo "tvp ${FILL[*]} $*: ${lines[1]}"; return 1; }
}

@test "fill's answer does not depend on the model, the workers or the chunk" {
	run "$TVP" "${FILL[@]}"
	local reference
	reference=$(cut -d, -f10 <<<"${lines[1]}")
	[[ "$reference" =~ ^[0-9a-f]{16}$ ]]
	run "$TVP" "${FILL[@]}" --model pool --workers 3 --chunk 5
	[ "$(cut -d, -f10 <<<"${lines[1]}")" = "$reference" ]
	TVP_FAULT=wrong-answer run "$TVP" "${FILL[@]}" --model fork --workers 2
	[ "$status" -eq 1 ]
}

@test "serial and pthread: big results, every worker count and chunk" {
	check_run --model serial
	check_run --model serial --chunk 1
	for workers in 1 2 3 8; do
		check_run --model pthread --workers "$workers"
		check_run --model pthread --workers "$workers" --chunk 1
	done
}

@test "fork and pool --ipc pipe: results of 256 KiB to 8 MiB per task never deadlock" {
	for model in fork pool; do
		for workers in 1 2 3 8; do
			for schedule in static dynamic; do
				check_run --model "$model" --workers "$workers" --ipc pipe --schedule "$schedule"
				check_run --model "$model" --workers "$workers" --ipc pipe --schedule "$schedule" --chunk 1
			done
		done
	done
}

@test "fork and pool --ipc shm: the same results through shared memory" {
	for model in fork pool; do
		for workers in 1 3 8; do
			check_run --model "$model" --workers "$workers" --ipc shm
			check_run --model "$model" --workers "$workers" --ipc shm --chunk 1
		done
	done
}

@test "one 48 MiB result through a pipe" {
	run --separate-stderr timeout 60 "$TVP" fill --units 3 --bytes 16777216 --repeat 1 --warmup 0 \
		--format csv --model fork --workers 1 --ipc pipe
	[ "$status" -eq 0 ] || { echo "status $status: $stderr"; return 1; }
	[[ "${lines[1]}" == *",true,"* ]]
}

@test "fill: bad sizes are usage errors" {
	expect_usage_error fill --units 0
	expect_usage_error fill --bytes 0
	expect_usage_error fill --bytes 16777217
	expect_usage_error fill --units 65 --bytes 16777216
}

#!/usr/bin/env bats
# mandelbrot-matrix.bats - every model x row order x ipc draws the serial image; results larger
# than a pipe buffer never deadlock.

bats_require_minimum_version 1.5.0
load ../cli/helpers

# A small, off-centre image (so no two blocks of rows cost the same).
IMAGE=(mandelbrot --width 48 --height 37 --iterations 400 --centre-re -0.6 --centre-im 0.3 --span 2.4)

# The talk's row orders through the common options: block, cyclic (line by
# line), dynamic, guided, random line order, random blocks.
ORDERS=("static" "static --chunk 1" "dynamic" "guided" "random" "random --chunk 5")

setup_file() {
	serial=$("$TVP" "${IMAGE[@]}" --repeat 1 --warmup 0 --format csv | tail -1 | cut -d, -f10)
	[[ "$serial" =~ ^[0-9a-f]{16}$ ]]
	export SERIAL_ANSWER=$serial
}

# sweep MODEL IPC: every row order with 2 and 3 workers gives the serial answer
# and writes the same image, byte for byte.
sweep() {
	local model=$1 ipc=$2 order workers
	local -a extra
	"$TVP" "${IMAGE[@]}" --repeat 1 --warmup 0 --image "$BATS_TEST_TMPDIR/serial.pgm" >/dev/null
	for order in "${ORDERS[@]}"; do
		for workers in 2 3; do
			extra=(--model "$model" --workers "$workers" --schedule $order)
			[ "$ipc" = none ] || extra+=(--ipc "$ipc")
			run "$TVP" "${IMAGE[@]}" "${extra[@]}" --repeat 2 --warmup 1 --format csv \
				--image "$BATS_TEST_TMPDIR/run.pgm"
			if [ "$status" -ne 0 ] || [[ "${lines[1]}" != *",$SERIAL_ANSWER,true,"* ]]; then
				echo "${extra[*]}: exit $status, want $SERIAL_ANSWER: $output"
				return 1
			fi
			cmp "$BATS_TEST_TMPDIR/serial.pgm" "$BATS_TEST_TMPDIR/run.pgm" ||
				{ echo "${extra[*]}: the image differs from the serial one"; return 1; }
		done
	done
}

@test "serial gives the same answer in every row order" {
	for order in "${ORDERS[@]}"; do
		run "$TVP" "${IMAGE[@]}" --schedule $order --repeat 1 --format csv
		[ "$status" -eq 0 ]
		[[ "${lines[1]}" == *",$SERIAL_ANSWER,true,"* ]]
	done
}

@test "every thread model tvp --list names: every row order draws the serial image" { sweep_each threads; }
@test "every process model tvp --list names, --ipc pipe and shm: every row order draws the serial image" { sweep_each processes; }

# 4000 pixels a row at two bytes a count: 8000 bytes a row, so one block of
# 32 rows is 256 KB, four times a pipe's 64 KiB buffer, in one result.
BIG=(mandelbrot --width 4000 --height 64 --iterations 300 --repeat 1 --warmup 0 --format csv)

@test "results far larger than a pipe buffer come back by pipe without deadlock (fork, pool)" {
	want=$("$TVP" "${BIG[@]}" | tail -1 | cut -d, -f10)
	for model in fork pool; do
		for order in "static" "dynamic"; do
			run timeout 120 "$TVP" "${BIG[@]}" --model "$model" --workers 2 --ipc pipe --schedule "$order"
			[ "$status" -eq 0 ] || { echo "$model $order: exit $status (124: hung): $output"; return 1; }
			[[ "${lines[1]}" == *",$want,true,"* ]]
			[[ "${lines[1]}" == mandelbrot,$model,2,$order,* ]]
		done
	done
}

@test "the same large results written into shared memory (fork, pool)" {
	want=$("$TVP" "${BIG[@]}" | tail -1 | cut -d, -f10)
	for model in fork pool; do
		run timeout 120 "$TVP" "${BIG[@]}" --model "$model" --workers 2 --ipc shm
		[ "$status" -eq 0 ]
		[[ "${lines[1]}" == *",$want,true,"* ]]
	done
}

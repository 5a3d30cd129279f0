#!/usr/bin/env bats
# matrix.bats - every model x schedule x ipc x workers {1,2,3,8} x chunk {1, default,
# larger than the work} returns the sieve's answer for the sum of primes.

bats_require_minimum_version 1.5.0
load ../cli/helpers

# Sum of the primes below 60000, in 60 units of 1000 integers.
ANSWER=171848738
ARGS=(primes --from 0 --to 60000 --block 1000 --repeat 2 --warmup 1 --format csv)

# sweep MODEL IPC: every schedule, worker count and chunk size; fail on the first mismatch.
sweep() {
	local model=$1 ipc=$2 schedule workers chunk opts
	local -a extra
	for schedule in static dynamic guided random; do
		for workers in 1 2 3 8; do
			for chunk in 1 default 1000; do
				extra=(--model "$model" --workers "$workers" --schedule "$schedule")
				[ "$chunk" = default ] || extra+=(--chunk "$chunk")
				[ "$ipc" = none ] || extra+=(--ipc "$ipc")
				opts="${extra[*]}"
				run "$TVP" "${ARGS[@]}" "${extra[@]}"
				if [ "$status" -ne 0 ]; then
					echo "tvp ${ARGS[*]} $opts: exit $status: $output"
					return 1
				fi
				if [[ "${lines[1]}" != *",$ANSWER,true,"* ]]; then
					echo "tvp ${ARGS[*]} $opts: wrong row: ${lines[1]}"
					return 1
				fi
			done
		done
	done
}

@test "serial returns the sieve's answer under every schedule" {
	for schedule in static dynamic guided random; do
		run "$TVP" "${ARGS[@]}" --schedule "$schedule"
		[ "$status" -eq 0 ]
		[[ "${lines[1]}" == *",$ANSWER,true,"* ]]
	done
}

@test "every thread model tvp --list names: every schedule x workers x chunk" { sweep_each threads; }
@test "every process model tvp --list names, --ipc pipe and shm: every schedule x workers x chunk" { sweep_each processes; }

@test "pinned workers still return the answer" {
	local model kind ipc
	while read -r model kind ipc; do
		local -a extra=(--model "$model" --workers 3 --pin)
		[ "$ipc" = none ] || extra+=(--ipc "$ipc")
		run "$TVP" "${ARGS[@]}" "${extra[@]}"
		[ "$status" -eq 0 ] || { echo "$model $ipc: $output"; return 1; }
		[[ "${lines[1]}" == *",$ANSWER,true,"* ]]
	done < <(model_runs threads processes)
}

@test "no worker process outlives a run" {
	"$TVP" "${ARGS[@]}" --model pool --workers 4 >/dev/null &
	local pid=$!
	wait "$pid"
	run pgrep -P "$pid"
	[ "$status" -ne 0 ]
	# and none of our children is left as a zombie
	[ -z "$(ps -o stat= --ppid $$ | grep Z || true)" ]
}

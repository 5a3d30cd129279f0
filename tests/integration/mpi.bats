#!/usr/bin/env bats
# mpi.bats - the mpi model on this host: every workload, schedules, 1 to 4 ranks, GIL modes,
# shared memory and TCP, both launch forms; each answer verified (the matrix is sampled: see below).

bats_require_minimum_version 1.5.0
load ../cli/helpers
load mpi_helper

# Sum of the primes below 60000, in 60 units of 1000 integers.
ANSWER=171848738
PRIMES=(primes --from 0 --to 60000 --block 1000 --repeat 2 --warmup 1 --format csv)

setup() {
	need_mpi
	scratch=$(mktemp -d)
}

teardown() { [ -z "${scratch:-}" ] || rm -rf "$scratch"; }

# listed_workloads: the names `tvp --list` gives its workloads.
listed_workloads() {
	"$TVP" --list | awk '/^workloads:/ { on = 1; next } /^[a-z]/ { on = 0 } on { print $1 }'
}

# verified_row ANSWER: the CSV's data row ($output's second line) carries ANSWER, verified.
verified_row() {
	[[ "${lines[1]}" == *",$1,true,"* ]] || { echo "row: ${lines[1]}"; return 1; }
	[[ "${lines[1]}" == primes,mpi,* || "${lines[1]}" == *,mpi,* ]]
}

# mpi_run ARGS...: tvp ARGS under the mpi model; fails with the output on a non-zero exit.
mpi_run() {
	run --separate-stderr "$TVP" "$@" --model mpi
	[ "$status" -eq 0 ] || { echo "tvp $*: exit $status: $stderr"; return 1; }
}

# Every schedule with every rank count 1-4 on primes (16 runs of about 0.5 s, each with
# a warm-up and 2 repeats, so the claim counter is reset between runs). The other
# workloads then run at the ranks and schedules that differ most (below).
@test "primes: every schedule x 1, 2, 3, 4 ranks returns the sieve's answer" {
	for schedule in static dynamic guided random; do
		for ranks in 1 2 3 4; do
			mpi_run "${PRIMES[@]}" --workers "$ranks" --schedule "$schedule" --chunk 3
			verified_row "$ANSWER" || { echo "$schedule, $ranks ranks"; return 1; }
		done
	done
}

@test "every workload under mpi, 3 ranks (oversubscribed on 2 cores), dynamic: verified" {
	"$TVP" corpus --out "$scratch/corpus.txt" --lines 20000 >/dev/null 2>&1
	local -A args=(
		[primes]="--to 60000 --block 1000"
		[grep]="--file $scratch/corpus.txt --regex ab[c-f] --unit-bytes 65536"
		[mandelbrot]="--width 64 --height 48 --iterations 200"
		[tiny]="--tasks 200"
		[fill]="--units 16 --bytes 100000"
		[io]=refused
		[wordcount]="--words 40000 --block 5000"
		[pagefault]="--mib 1 --regions 8"
	)
	local workload
	for workload in $(listed_workloads); do
		[ -n "${args[$workload]+set}" ] || { echo "no small case for workload $workload: add one"; return 1; }
		if [ "${args[$workload]}" = refused ]; then # its server is a thread of tvp's process
			expect_usage_error "$workload" --model mpi --workers 2
			[[ "$stderr" == *"must be threads of tvp or processes forked from it"* ]]
			continue
		fi
		# shellcheck disable=SC2086 # the arguments are words
		mpi_run "$workload" ${args[$workload]} --workers 3 --schedule dynamic --repeat 1 --format json
		[ "$(json_field <(echo "$output") 'd["runs"][0]["verified"]')" = True ] || {
			echo "$workload: $output"
			return 1
		}
	done
}

@test "grep: shared and shipped input, static and guided, the same count as serial" {
	"$TVP" corpus --out "$scratch/corpus.txt" --lines 20000 >/dev/null 2>&1
	local base=(grep --file "$scratch/corpus.txt" --regex 'q[a-d]+z|^ab' --unit-bytes 32768
		--format csv --repeat 1)
	run "$TVP" "${base[@]}"
	local expected
	expected=$(cut -d, -f10 <<<"${lines[1]}")
	[ -n "$expected" ]
	for input in shared ship; do
		mpi_run "${base[@]}" --input "$input" --workers 2 --schedule static
		verified_row "$expected"
		mpi_run "${base[@]}" --input "$input" --workers 4 --schedule guided
		verified_row "$expected"
	done
}

@test "grep --print and mandelbrot --image: rank 0 writes what the ranks computed" {
	"$TVP" corpus --out "$scratch/corpus.txt" --lines 5000 >/dev/null 2>&1
	"$TVP" grep --file "$scratch/corpus.txt" --regex 'abc' --print --repeat 1 --format csv \
		>"$scratch/serial.txt"
	"$TVP" grep --file "$scratch/corpus.txt" --regex 'abc' --print --repeat 1 --format csv \
		--model mpi --workers 3 --schedule random --unit-bytes 20000 >"$scratch/mpi.txt"
	diff <(grep -E '^[0-9]+:' "$scratch/serial.txt") <(grep -E '^[0-9]+:' "$scratch/mpi.txt")
	[ "$(grep -cE '^[0-9]+:' "$scratch/mpi.txt")" -gt 0 ]
	"$TVP" mandelbrot --width 40 --height 30 --image "$scratch/serial.pgm" --repeat 1 >/dev/null
	"$TVP" mandelbrot --width 40 --height 30 --image "$scratch/mpi.pgm" --repeat 1 \
		--model mpi --workers 2 --schedule dynamic >/dev/null
	cmp "$scratch/serial.pgm" "$scratch/mpi.pgm"
}

@test "GIL modes per rank: modern and legacy each verified, every rank's lock counted" {
	for gil in modern legacy; do
		mpi_run primes --to 60000 --block 1000 --repeat 1 --workers 2 --schedule dynamic \
			--gil "$gil" --format json
		local doc="$scratch/gil.json"
		echo "$output" >"$doc"
		[ "$(json_field "$doc" 'd["runs"][0]["verified"]')" = True ]
		[ "$(json_field "$doc" 'd["runs"][0]["gil"]')" = "$gil" ]
		# Each rank is a process with its own lock: both took it.
		[ "$(json_field "$doc" 'all(w["acquisitions"] > 0 for w in d["runs"][0]["gil_stats"]["per_worker"])')" = True ] || {
			json_field "$doc" 'd["runs"][0]["gil_stats"]'
			return 1
		}
	done
}

@test "JSON records the ranks, the host with its rank count, Open MPI's version, the transport" {
	mpi_run primes --to 60000 --repeat 1 --workers 3 --format json
	echo "$output" >"$scratch/shm.json"
	local info='d["runs"][0]["model_info"]'
	[ "$(json_field "$scratch/shm.json" 'd["runs"][0]["model_kind"]')" = ranks ]
	[ "$(json_field "$scratch/shm.json" "$info[\"ranks\"]")" = 3 ]
	[ "$(json_field "$scratch/shm.json" "[(h['name'], h['ranks']) for h in $info['hosts']]")" = "[('$(hostname)', 3)]" ]
	[[ "$(json_field "$scratch/shm.json" "$info[\"library\"]")" == "Open MPI v"* ]]
	[ "$(json_field "$scratch/shm.json" "$info[\"transport\"]")" = "shared memory (btl vader)" ]
	TVP_MPIRUN_ARGS="--mca btl tcp,self" mpi_run primes --to 60000 --repeat 1 --workers 2 --format json
	echo "$output" >"$scratch/tcp.json"
	[ "$(json_field "$scratch/tcp.json" "$info[\"transport\"]")" = "tcp (btl tcp)" ]
	[ "$(json_field "$scratch/tcp.json" 'd["runs"][0]["verified"]')" = True ]
}

@test "start-up: from tvp starting mpirun, MPI_Init included, until every rank checked in" {
	mpi_run primes --to 60000 --repeat 2 --warmup 0 --workers 2 --format json
	echo "$output" >"$scratch/run.json"
	local run='d["runs"][0]'
	[ "$(json_field "$scratch/run.json" "$run['model_info']['launched_by']")" = tvp ]
	# mpirun's start and the exec come before MPI_Init; the check-in after it; the ranks
	# then serve every run, whose spawn is only rank 0's go message.
	[ "$(json_field "$scratch/run.json" "0 < $run['model_info']['mpi_init_s'] < $run['model_info']['launch_s'] <= $run['startup_s']")" = True ]
	[ "$(json_field "$scratch/run.json" "$run['phases_s']['spawn'] < $run['model_info']['mpi_init_s']")" = True ]
}

@test "launched by mpirun: mpirun -np 3 tvp ... --model mpi, the ranks are the workers" {
	local root=()
	[ "$(id -u)" -ne 0 ] || root=(env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1)
	run --separate-stderr "${root[@]}" mpirun -np 3 --oversubscribe "$TVP" "${PRIMES[@]}" \
		--model mpi --schedule guided
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[ "${#lines[@]}" -eq 2 ] # rank 0 alone prints the results
	[[ "${lines[1]}" == primes,mpi,3,guided,* ]]
	verified_row "$ANSWER"
	# --workers that contradicts -np is bad input.
	run --separate-stderr "${root[@]}" mpirun -np 2 "$TVP" "${PRIMES[@]}" --model mpi --workers 3
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"tvp: --workers 3, but mpirun started 2 ranks"* ]]
}

# osc_of JSON: "OSC SET_BY_TVP" from tvp's JSON on stdin's model_info.
osc_of() {
	python3 -c 'import json,sys; i=json.load(sys.stdin)["runs"][0]["model_info"]; print(i["osc"], i["osc_set_by_tvp"])'
}

@test "the counter's window: tvp asks Open MPI 4 for osc sm,pt2pt, unless OMPI_MCA_osc or --mca osc says otherwise" {
	local expected
	expected=$(osc_by_tvp)
	local root=() quick=(primes --to 60000 --schedule dynamic --repeat 1 --warmup 0 --format json)
	[ "$(id -u)" -ne 0 ] || root=(env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1)
	[ "$(env -u OMPI_MCA_osc "$TVP" "${quick[@]}" --model mpi --workers 2 | osc_of)" = "$expected" ]
	[ "$(OMPI_MCA_osc=sm "$TVP" "${quick[@]}" --model mpi --workers 2 | osc_of)" = "sm False" ]
	# Launched by mpirun: each rank chooses before its MPI_Init, and mpirun's --mca is the user's.
	[ "$(env -u OMPI_MCA_osc "${root[@]}" mpirun -np 2 "$TVP" "${quick[@]}" --model mpi | osc_of)" = "$expected" ]
	[ "$(env -u OMPI_MCA_osc "${root[@]}" mpirun -np 2 --mca osc sm "$TVP" "${quick[@]}" --model mpi | osc_of)" = "sm False" ]
}

@test "--hostfile applies to mpi only, and mpi refuses --ipc and --retry" {
	expect_usage_error primes --model pool --hostfile /dev/null
	expect_usage_error primes --model mpi --ipc shm
	expect_usage_error primes --model mpi --retry 1
}

@test "tvp mpi-pingpong under mpirun -np 2: rank 0 prints every timed round trip and window" {
	local root=()
	[ "$(id -u)" -ne 0 ] || root=(env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1)
	run --separate-stderr "${root[@]}" mpirun -np 2 --mca btl self,tcp "$TVP" mpi-pingpong \
		--round-trips 7 --windows 3 --bytes 64K
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" =~ ^round_trip\ 0\ 7(\ [0-9.]+){7}$ ]]
	[[ "${lines[1]}" =~ ^bytes\ 64000\ 3(\ [0-9.]+){3}$ ]] # 64 messages of 1000 bytes
	run --separate-stderr "${root[@]}" mpirun -np 3 --oversubscribe "$TVP" mpi-pingpong --round-trips 2
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"tvp: mpi-pingpong runs as 2 ranks (mpirun -np 2), not 3"* ]]
}

@test "tvp --model mpi leaves its stdin alone: a script's loop over lines keeps every line" {
	local seen=0
	while read -r line; do
		seen=$((seen + 1))
		"$TVP" primes --to 20000 --repeat 1 --warmup 0 --model mpi --workers 2 --format csv >/dev/null
	done < <(printf 'a\nb\nc\n')
	[ "$seen" -eq 3 ] # mpirun forwarding stdin to rank 0 ate b and c
}

#!/usr/bin/env bats
# badinput.bats - every bad input to primes and the common options: one line naming the
# problem, exit 2, nothing on stdout, no output file left behind, no crash or core file.

bats_require_minimum_version 1.5.0
load helpers

# bad_input 'EXPECTED TEXT' ARGS...: tvp ARGS (with --output in a fresh directory, placed
# after the workload name) fails as bad input with one line containing EXPECTED TEXT.
bad_input() {
	local expected=$1
	shift
	local dir="$BATS_TEST_TMPDIR/case"
	rm -rf "$dir" && mkdir -p "$dir/out"
	local args=("$@")
	if [ "${#args[@]}" -gt 0 ] && [[ "${args[0]}" != -* ]]; then
		args=("${args[0]}" --output "$dir/out/results.json" "${args[@]:1}")
	fi
	cd "$dir"
	ulimit -c unlimited 2>/dev/null || true
	run --separate-stderr "$TVP" "${args[@]}"
	cd - >/dev/null
	local what="tvp ${args[*]}"
	[ "$status" -lt 128 ] || { echo "$what: died by signal $((status - 128))"; return 1; }
	[ "$status" -eq 2 ] || { echo "$what: status $status, not 2: $stderr"; return 1; }
	[ -z "$output" ] || { echo "$what: stdout: $output"; return 1; }
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || { echo "$what: not one line: $stderr"; return 1; }
	[[ "$stderr" == "tvp: "*"$expected"* ]] || { echo "$what: '$stderr' lacks '$expected'"; return 1; }
	[ -z "$(ls -A "$dir/out")" ] || { echo "$what: left $(ls -A "$dir/out")"; return 1; }
	[ -z "$(find "$dir" -maxdepth 1 -name 'core*')" ] || { echo "$what: dumped core"; return 1; }
}

@test "unknown workload, model, schedule, ipc, format, option; stray argument" {
	bad_input "unknown workload 'nosuch' (workloads: primes" nosuch
	local models
	models=$(listed_models | awk '{ print $1 }' | paste -sd, - | sed 's/,/, /g')
	[ -n "$models" ]
	bad_input "unknown model 'green' (models: $models)" primes --model green
	bad_input "unknown schedule 'cyclic'" primes --model pthread --schedule cyclic
	bad_input "unknown ipc 'carrier-pigeon' (ipc: pipe, shm)" primes --model fork --ipc carrier-pigeon
	bad_input "unknown format 'xml' (formats: table, csv, json)" primes --format xml
	bad_input "primes: unknown option '--bogus'" primes --bogus 3
	bad_input "unknown option '--bogus' (see tvp --help)" --bogus
	bad_input "primes: unexpected argument 'stray'" primes stray
	bad_input "--pin takes no value" primes --pin=yes
}

@test "a missing option value" {
	bad_input "--workers needs a value (N)" primes --model pthread --workers
	bad_input "--chunk needs a value (UNITS)" primes --model pthread --chunk
	bad_input "--model needs a value" primes --model
	bad_input "--output needs a value (FILE)" primes --output
}

@test "workers: 0, -1, huge, not a number, more than one for serial" {
	bad_input "--workers must be a whole number from 1 to 1024, not '0'" primes --model pthread --workers 0
	bad_input "--workers needs a whole number" primes --model fork --workers -1
	bad_input "--workers must be a whole number from 1 to 1024, not '1025'" primes --model pool --workers 1025
	bad_input "--workers must be a whole number from 1 to 1024, not '1e9'" primes --model pool --workers 1e9
	bad_input "--workers needs a whole number >= 0, not '99999999999999999999999'" primes --model pthread --workers 99999999999999999999999
	bad_input "--workers needs a whole number >= 0, not 'two'" primes --model pthread --workers two
	bad_input "the serial model runs one worker, not 4" primes --model serial --workers 4
}

@test "--chunk 0, --repeat 0, --block 0, --ipc on threads" {
	bad_input "--chunk must be a whole number from 1" primes --model pthread --chunk 0
	bad_input "--repeat must be a whole number from 1 to 100000, not '0'" primes --repeat 0
	bad_input "primes: --block must be at least 1" primes --block 0
	bad_input "--ipc applies to the process models (fork, pool), not pthread" primes --model pthread --ipc shm
}

@test "primes: from >= to, and beyond the supported range" {
	bad_input "primes: --from (10) must be below --to (10)" primes --from 10 --to 10
	bad_input "primes: --from (20) must be below --to (10)" primes --from 20 --to 10
	bad_input "primes: --to 5000000000 is beyond the supported range (at most 4294967296)" primes --to 5000000000
	bad_input "primes: --to 4294967297 is beyond the supported range" primes --from 4294967296 --to 4294967297
	bad_input "primes: --to needs a whole number >= 0, not '1e3x'" primes --to 1e3x
}

@test "--retry: a number from 0 to 1000, and only for process models" {
	bad_input "--retry applies to the process models (fork, pool)" primes --model pthread --retry 1
	bad_input "--retry applies to the process models (fork, pool)" primes --retry 1
	bad_input "--retry needs a whole number >= 0, not '-1'" primes --model pool --retry -1
	bad_input "--retry must be a whole number from 0 to 1000, not '1001'" primes --model pool --retry 1001
	bad_input "--retry needs a whole number >= 0, not 'x'" primes --model fork --retry x
}

@test "--output: a missing directory, a directory, an empty name" {
	bad_input "cannot write --output $BATS_TEST_TMPDIR/no/such/dir/r.json: No such file or directory" \
		primes --to 1000 --output "$BATS_TEST_TMPDIR/no/such/dir/r.json"
	[ ! -e "$BATS_TEST_TMPDIR/no" ]
	bad_input "it names a directory, not a file" primes --to 1000 --output "$BATS_TEST_TMPDIR"
	bad_input "it names a directory, not a file" primes --to 1000 --output "$BATS_TEST_TMPDIR/nodir/"
	bad_input "--output needs a file name" primes --to 1000 --output ""
}

@test "TVP_FAULT that makes no sense is bad input too" {
	TVP_FAULT=explode bad_input "TVP_FAULT='explode': unknown fault" primes --to 1000
	TVP_FAULT=die:worker=x bad_input "TVP_FAULT='die:worker=x': bad key or value" primes --to 1000
	TVP_FAULT=die:how=burn bad_input "bad key or value" primes --to 1000
	TVP_FAULT=die:bogus=1 bad_input "bad key or value" primes --to 1000
	TVP_FAULT=dies bad_input "unknown fault" primes --to 1000
}

@test "a failed run never leaves its --output file, and a good one replaces the old" {
	local out="$BATS_TEST_TMPDIR/r.csv"
	echo old >"$out"
	TVP_FAULT=wrong-answer run "$TVP" primes --to 1000 --format csv --output "$out"
	[ "$status" -eq 1 ]
	[ "$(cat "$out")" = old ]
	[ "$(ls -A "$BATS_TEST_TMPDIR" | grep -c r.csv)" -eq 1 ]
	"$TVP" primes --to 1000 --format csv --output "$out"
	[[ "$(sed -n 2p "$out")" == primes,serial,1,*,76127,true,* ]]
	[ "$(ls -A "$BATS_TEST_TMPDIR" | grep -c r.csv)" -eq 1 ]
}

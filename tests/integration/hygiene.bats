#!/usr/bin/env bats
# hygiene.bats - shellcheck on the scripts; valgrind finds no error in any model and the
# parent frees everything before it exits, on success and on a fault.

bats_require_minimum_version 1.5.0
load ../cli/helpers

TOP="$BATS_TEST_DIRNAME/../.."

# sanitized: tvp was built with a sanitizer (valgrind cannot run such a binary).
sanitized() {
	"$TVP" primes --to 100 --repeat 1 --warmup 0 --format json |
		python3 -c 'import json,sys; sys.exit(0 if "-fsanitize" in json.load(sys.stdin)["machine"]["flags"] else 1)'
}

# under_valgrind ARGS...: run tvp ARGS under memcheck, one log per process in $logs;
# $parent_log is the log of tvp itself (its workers write their own).
under_valgrind() {
	command -v valgrind >/dev/null || skip "valgrind is not installed (scripts/deps.sh test installs it)"
	if sanitized; then skip "valgrind cannot run a sanitizer build"; fi
	logs="$BATS_TEST_TMPDIR/vg"
	rm -rf "$logs" && mkdir -p "$logs"
	run --separate-stderr sh -c 'echo $$ >"$0/pid"; supp=$1; shift; exec valgrind --log-file="$0/vg.%p" \
		--error-exitcode=101 --leak-check=full --trace-children=no \
		--suppressions="$supp" "$@"' "$logs" "$TOP/tests/valgrind-openmp.supp" "$TVP" "$@"
	parent_log="$logs/vg.$(cat "$logs/pid")"
}

# clean_logs: no process had a memcheck error (a worker killed on purpose writes no
# summary), and the parent had none and nothing in use at exit but what libgomp keeps
# for the process's life (tests/valgrind-openmp.supp).
clean_logs() {
	[ -s "$parent_log" ] || { echo "no valgrind log for the parent"; return 1; }
	grep -q 'ERROR SUMMARY: 0 errors' "$parent_log" || { cat "$parent_log"; return 1; }
	local bad
	bad=$(grep -l 'ERROR SUMMARY: [1-9]' "$logs"/vg.[0-9]* || true)
	[ -z "$bad" ] || { cat $bad; return 1; }
	grep -q 'in use at exit: 0 bytes in 0 blocks' "$parent_log" && return 0
	local kind
	for kind in 'definitely lost' 'indirectly lost' 'possibly lost' 'still reachable'; do
		grep -q "$kind: 0 bytes in 0 blocks" "$parent_log" || { cat "$parent_log"; return 1; }
	done
}

@test "shellcheck passes on scripts/ and .ci/run" {
	command -v shellcheck >/dev/null || skip "shellcheck is not installed (scripts/deps.sh test installs it)"
	run shellcheck "$TOP"/scripts/*.sh "$TOP/.ci/run"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

@test "valgrind: every model runs clean and the parent frees all it allocated" {
	local model kind
	while read -r model kind; do
		local workers=3
		[ "$kind" = serial ] && workers=1
		under_valgrind primes --to 30000 --block 1000 --model "$model" --workers "$workers" \
			--schedule dynamic --repeat 2 --warmup 1 --format json
		[ "$status" -eq 0 ] || { echo "$model: status $status: $stderr"; cat "$logs"/vg.*; return 1; }
		clean_logs
	done < <(listed_models)
}

@test "valgrind: shared-memory results, big results and table output run clean" {
	for model in fork pool; do
		under_valgrind fill --units 16 --bytes 100000 --model "$model" --workers 2 --ipc shm --repeat 1
		[ "$status" -eq 0 ] || { echo "$model: status $status: $stderr"; return 1; }
		clean_logs
		under_valgrind fill --units 16 --bytes 100000 --model "$model" --workers 2 --ipc pipe --chunk 1 \
			--repeat 1 --output "$BATS_TEST_TMPDIR/fill.txt"
		[ "$status" -eq 0 ] || { echo "$model: status $status: $stderr"; return 1; }
		clean_logs
	done
}

@test "valgrind: a dead worker, its replacement and the failure path leak nothing" {
	for model in fork pool; do
		TVP_FAULT=die:worker=1:task=4 under_valgrind primes --to 30000 --block 1000 --model "$model" \
			--workers 3 --chunk 1 --retry 1 --repeat 1 --format csv
		[ "$status" -eq 0 ] || { echo "$model retry: status $status: $stderr"; return 1; }
		clean_logs
		TVP_FAULT=die:worker=1:task=4 under_valgrind primes --to 30000 --block 1000 --model "$model" \
			--workers 3 --chunk 1 --repeat 1 --format csv
		[ "$status" -eq 1 ] || { echo "$model no retry: status $status: $stderr"; return 1; }
		clean_logs
	done
}

@test "valgrind: bad input leaks nothing either" {
	under_valgrind primes --from 10 --to 5 --output "$BATS_TEST_TMPDIR/never.json"
	[ "$status" -eq 2 ]
	clean_logs
	[ ! -e "$BATS_TEST_TMPDIR/never.json" ]
}

# exercises_helper.bash - what the exercise test files share: the environment, and running a checker to pass or to fail.
# shellcheck shell=bash

EXERCISES_DIR="$BATS_TEST_DIRNAME/../../exercises"

# setup_file: the checks' environment for a whole file.
setup_file() {
	# Timing is not for tests: the speed bounds are skipped, correctness is not.
	export TVP_EX_NO_SPEED=1
	# A planted hang is detected after this many seconds, not the default 10.
	export EX_TIMEOUT=3
	export EX_BUILD="$BATS_FILE_TMPDIR/build"
}

# running TEXT: true if a process's command line contains TEXT (read from
# /proc, so no procps needed; the bracket keeps grep from finding itself).
running() {
	grep -qsa -- "[${1:0:1}]${1:1}" /proc/[0-9]*/cmdline
}

# check EX EDITION: run the checker of exercise EX on that edition.
check() {
	run make -s --no-print-directory -C "$EXERCISES_DIR" check EX="$1" EDITION="$2" \
		BUILD_DIR="$EX_BUILD"
}

# expect_pass EX TESTS: the checker passed all TESTS tests.
expect_pass() {
	check "$1" solution
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"exercise $1: all $2 tests passed."* ]]
	[[ "$output" != *FAILED* ]]
}

# expect_starter_fails EX PATTERN...: the checker failed (the code built) and
# said each PATTERN.
expect_starter_fails() {
	local ex=$1 pattern
	shift
	check "$ex" student
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" != *"does not build"* ]]
	[[ "$output" == *"exercise $ex: "*" tests FAILED."* ]]
	[[ "$output" == *"next: "* ]]
	for pattern in "$@"; do
		[[ "$output" == *"$pattern"* ]] || { echo "missing: $pattern"; return 1; }
	done
}

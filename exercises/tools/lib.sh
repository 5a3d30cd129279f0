# lib.sh - what every checker shares: numbered tests, running a program safely, the speed bound.
# shellcheck shell=bash disable=SC2034,SC2119,SC2120
# (SC2034: the RUN_* and COUNT_* variables are for the checkers that source this file.)
#
# A checker (NN-name/check.sh) is run by `make -C exercises check EX=NN` with
# EX_NUM, EX_NAME, EX_EDITION, EX_BIN (the built programs), EX_SRC_DIR (their sources), EX_TOOLS
# (ex-run, count.so) and EX_TVP (the tvp binary) in the environment. It
# sources this file, then calls ex_test / ex_pass / ex_fail for each
# numbered test and ex_end last.
# Environment a user may set:
#   TVP_EX_NO_SPEED=1   skip the speed bounds only; correctness is still checked
#   EX_TIMEOUT=S        seconds before a run counts as hung (default 10)
#   TVP=PATH            the tvp binary, for checkers that run it (default build/tvp)

set -uo pipefail
: "${EX_NUM:?run checkers through: make -C exercises check EX=NN}" "${EX_NAME:?}" "${EX_BIN:?}" "${EX_TOOLS:?}"
EX_EDITION=${EX_EDITION:-student}
EX_TIMEOUT=${EX_TIMEOUT:-10}
TVP=${TVP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/tvp}
EX_SCRATCH=$(mktemp -d)
trap 'rm -rf "$EX_SCRATCH"' EXIT
ex_tests=0
ex_failed=0
ex_next=""

EX_TVP=${EX_TVP:-$TVP}
EX_TOP=$(cd "$(dirname "$0")/../.." && pwd)
# EX_SRC_DIR: the edition's files (the Makefile generates them from the
# masters in the instructor tree; in the student edition, the student's
# exercises/NN-name/). EX_SRC: the same, as a path from the top of the tree.
EX_SRC_DIR=${EX_SRC_DIR:-$EX_TOP/exercises/$EX_NAME}
EX_SRC=${EX_SRC_DIR#"$EX_TOP/"}
EX_BIN_SHOWN=${EX_BIN#"$EX_TOP/"}
echo "exercise $EX_NUM ($EX_NAME), $EX_EDITION edition: checking the programs in $EX_BIN_SHOWN/"

# ex_test DESCRIPTION: start the next numbered test.
ex_test() {
	ex_tests=$((ex_tests + 1))
	printf 'test %d: %s ... ' "$ex_tests" "$1"
}

# ex_pass [NOTE]: the current test passed.
ex_pass() {
	echo "ok${1:+ ($1)}"
}

# ex_skip WHY: the current test did not run here; it counts as passed.
ex_skip() {
	echo "skipped: $1"
}

# ex_fail WHAT_WENT_WRONG [WHAT_TO_DO]: the current test failed. Every line
# of WHAT_WENT_WRONG is shown indented; WHAT_TO_DO of the first failure
# becomes the "next:" advice at the end.
ex_fail() {
	ex_failed=$((ex_failed + 1))
	echo "FAILED"
	printf '%s\n' "$1" | sed 's/^/    /'
	if [ -n "${2:-}" ] && [ -z "$ex_next" ]; then
		ex_next=$2
	fi
}

# ex_end: the summary line and the advice; exit 0 only if every test passed.
ex_end() {
	echo
	if [ "$ex_failed" -eq 0 ]; then
		echo "exercise $EX_NUM: all $ex_tests tests passed."
		[ -z "${ex_after:-}" ] || printf '%s\n' "$ex_after"
		exit 0
	fi
	echo "exercise $EX_NUM: $ex_failed of $ex_tests tests FAILED."
	echo "next: ${ex_next:-read the failures above, fix $EX_SRC/, then run again}"
	echo "      make -C exercises check EX=$EX_NUM"
	exit 1
}

# ex_stop: end now (a later test cannot run without the one that failed).
ex_stop() {
	echo "(the remaining tests need this one to pass: stopping here)"
	ex_end
}

# ex_run NAME [--count] [--timeout S] -- PROGRAM ARGS...: run PROGRAM under
# ex-run (own process group, killed and reaped on time-out, leftovers
# counted). Sets RUN_STATUS, RUN_TIMED_OUT, RUN_ZOMBIES, RUN_ORPHANS,
# RUN_OUT and RUN_ERR (files holding stdout and stderr), RUN_CMD (the command
# as the student would type it) and, with --count, COUNT_FORKS,
# COUNT_REAPED, COUNT_THREADS, COUNT_JOINED (empty if the program did not
# exit normally).
ex_run() {
	local name=$1 count=0 timeout=$EX_TIMEOUT
	shift
	while [ "$1" != -- ]; do
		case $1 in
		--count) count=1 ;;
		--timeout)
			timeout=$2
			shift
			;;
		esac
		shift
	done
	shift
	RUN_OUT=$EX_SCRATCH/$name.out
	RUN_ERR=$EX_SCRATCH/$name.err
	local shown=$1
	case $1 in
	"$EX_BIN"/*) shown="$EX_BIN_SHOWN/$(basename "$1")" ;;
	"$EX_TOP"/*) shown=${1#"$EX_TOP/"} ;;
	esac
	RUN_CMD="$shown${2:+ ${*:2}}"
	local report=$EX_SCRATCH/$name.report counts=$EX_SCRATCH/$name.counts
	local -a preload=()
	[ "$count" -eq 0 ] || preload=(--preload "$EX_TOOLS/count.so")
	rm -f "$counts"
	EX_COUNT_FILE=$counts "$EX_TOOLS/ex-run" --timeout "$timeout" --report "$report" \
		"${preload[@]}" -- "$@" >"$RUN_OUT" 2>"$RUN_ERR"
	RUN_STATUS=$(sed -E 's/.*status=([0-9-]+).*/\1/' "$report" 2>/dev/null || echo 125)
	RUN_TIMED_OUT=$(sed -E 's/.*timed_out=([0-9]+).*/\1/' "$report" 2>/dev/null || echo 0)
	RUN_ZOMBIES=$(sed -E 's/.*zombies=([0-9]+).*/\1/' "$report" 2>/dev/null || echo 0)
	RUN_ORPHANS=$(sed -E 's/.*orphans=([0-9]+).*/\1/' "$report" 2>/dev/null || echo 0)
	COUNT_FORKS="" COUNT_REAPED="" COUNT_THREADS="" COUNT_JOINED=""
	if [ -s "$counts" ]; then
		COUNT_FORKS=$(sed -E 's/.*forks=([0-9]+).*/\1/' "$counts")
		COUNT_REAPED=$(sed -E 's/.*reaped=([0-9]+).*/\1/' "$counts")
		COUNT_THREADS=$(sed -E 's/.*threads=([0-9]+).*/\1/' "$counts")
		COUNT_JOINED=$(sed -E 's/.*joined=([0-9]+).*/\1/' "$counts")
	fi
}

# ex_run_summary: what the last run printed (stderr's last lines), for a failure message.
ex_run_summary() {
	echo "ran: $RUN_CMD"
	echo "exit status $RUN_STATUS"
	if [ -s "$RUN_ERR" ]; then
		echo "its stderr (last lines):"
		tail -n 8 "$RUN_ERR" | sed 's/^/  /'
	fi
}

# ex_finished HUNG_TEXT NEXT: pass the current test if the last run exited 0; if it hung,
# fail with its summary, HUNG_TEXT and the advice NEXT; if it failed, fail with its summary.
# Either failure stops the checker (the later tests need a run that ends).
ex_finished() {
	if [ "$RUN_TIMED_OUT" -eq 1 ]; then
		ex_fail "$(ex_run_summary)
$1" "$2"
		ex_stop
	elif [ "$RUN_STATUS" -ne 0 ]; then
		ex_fail "$(ex_run_summary)"
		ex_stop
	else
		ex_pass
	fi
}

# ex_no_leftovers: fail the current test if the last run left processes behind; else pass.
ex_no_leftovers() {
	if [ "$RUN_ZOMBIES" -gt 0 ] || [ "$RUN_ORPHANS" -gt 0 ]; then
		ex_fail "ran: $RUN_CMD
when it exited it left $RUN_ZOMBIES zombie(s) (children that ended but were never waited for)
and $RUN_ORPHANS orphan(s) (children still running); the checker reaped them." \
			"wait (waitpid) for every child you fork before your program exits."
	else
		ex_pass
	fi
}

# ex_csv_field FILE NAME: the value in column NAME of the last row of a tvp
# CSV (`tvp ... --format csv`: a header line, then rows); empty if none.
ex_csv_field() {
	awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) column = i; next }
		column { value = $column } END { print value }' "$1"
}

# ex_cores: the CPUs this process may run on.
ex_cores() {
	nproc 2>/dev/null || getconf _NPROCESSORS_ONLN
}

# ex_speed_bound WORKERS: the least speedup over serial accepted from WORKERS
# workers on this machine: 1 + 0.3 per usable core beyond the first (1.3 on 2
# cores, 1.9 on 4, 3.1 on 8). Generous on purpose: machines are shared.
ex_speed_bound() {
	local workers=$1 cores
	cores=$(ex_cores)
	[ "$workers" -lt "$cores" ] || workers=$cores
	awk -v usable="$workers" 'BEGIN { printf "%.2f", 1 + 0.3 * (usable - 1) }'
}

# ex_speed_skip_reason WORKERS: why a speed bound cannot be checked here
# (prints nothing when it can).
ex_speed_skip_reason() {
	if [ -n "${TVP_EX_NO_SPEED:-}" ]; then
		echo "TVP_EX_NO_SPEED is set: the speed bound is skipped, correctness was still checked"
	elif [ "$(ex_cores)" -lt 2 ]; then
		echo "this machine has 1 core: no speedup can be measured here"
	elif [ "$1" -lt 2 ]; then
		echo "one worker: no speedup to measure"
	fi
}

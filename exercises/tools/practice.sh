#!/usr/bin/env bash
# practice.sh - a seeded practice question (tools/practice.awk), its answer with CHECK=1, and for topic gil the scenario run with tvp (RUN=1).
#
# usage: practice.sh TOPIC SEED [CHECK] [RUN]   (TVP: the tvp binary, for RUN)
# With RUN=1 it runs the question's tvp commands (the lines "  build/tvp ...")
# and prints each measured speedup over the serial run beside the answer's
# bounds. Bad input: one line on stderr, exit 2.
set -euo pipefail
topic=${1:-} seed=${2:-} check=${3:-} run=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
tvp=${TVP:-$here/../../build/tvp}

if [ -z "$topic" ] || [ -z "$seed" ]; then
	echo "practice: say TOPIC=amdahl|schedule|gil|overhead and SEED=N" >&2
	exit 2
fi
[ -z "$run" ] || check=1
out=$(awk -v topic="$topic" -v seed="$seed" -v check="$check" -f "$here/practice.awk")
printf '%s\n' "$out"
[ -n "$run" ] || exit 0
if [ "$topic" != gil ]; then
	echo "practice: RUN=1 runs the gil topic's scenario; topic $topic has no tvp run" >&2
	exit 2
fi
[ -x "$tvp" ] || { echo "practice: no tvp at $tvp (make build at the top, or TVP=...)" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
echo
echo "Measured here ($(nproc) cores; a busy machine gives less):"
serial=""
while read -r _ _ args; do
	# shellcheck disable=SC2086 # args is the question's option list, split on purpose
	"$tvp" primes $args --format json --output "$scratch/run.json"
	wall=$(grep -o '"median": [0-9.e+-]*' "$scratch/run.json" | head -n 1 | awk '{ print $2 }')
	model=$(grep -o '"model": "[^"]*"' "$scratch/run.json" | head -n 1 | cut -d'"' -f4)
	if [ -z "$serial" ]; then
		serial=$wall
		printf '  %-8s wall %.4f s\n' "$model" "$wall"
	else
		printf '  %-8s wall %.4f s  speedup %.2f\n' "$model" "$wall" "$(awk -v s="$serial" -v w="$wall" 'BEGIN { print s / w }')"
	fi
done < <(printf '%s\n' "$out" | grep '^  build/tvp primes ')
printf '%s\n' "$out" | sed -n 's/^answer: /The model said: /p'
echo "(on $(nproc) cores no speedup can pass $(nproc): the model's figures assume a free core per worker)"

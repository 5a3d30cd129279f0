#!/usr/bin/env bash
# grep-peers.sh - tvp grep against GNU grep and ripgrep on the talk's corpus, in the page cache.
#
# usage: scripts/grep-peers.sh [TVP] [LINES] [DIR]
#   TVP    the tvp binary (build/tvp)
#   LINES  corpus lines (25M: the talk's 1.1 GB file; use 200k for a quick check)
#   DIR    where the corpus is kept (/tmp); it is made once and reused
# For each regex (no line, every line, the talk's abcde[a-m]) it prints the
# median wall time of tvp with 2 workers (threads; processes sharing the
# mapping; processes sent their chunks through pipes) beside `LC_ALL=C grep
# -c -E` and `rg -c` timed by hyperfine with their output going to a pipe
# (GNU grep stops at the first match when its output is /dev/null).
# tvp's time is its own measured run (median of 5 after a warm-up): the
# verification pass and the mapping of the file are outside it, as reading
# the file is inside grep's and rg's; the whole-process time is shown too.
set -euo pipefail

tvp=${1:-build/tvp}
lines=${2:-25M}
dir=${3:-/tmp}
corpus=$dir/tvp-corpus-$lines.txt
repeat=5
regexes=('[0-9]' '^' 'abcde[a-m]')

for tool in hyperfine rg grep python3; do
	command -v "$tool" >/dev/null || { echo "grep-peers.sh: needs $tool" >&2; exit 2; }
done
[ -x "$tvp" ] || { echo "grep-peers.sh: no tvp binary at $tvp (make build)" >&2; exit 2; }
[ -s "$corpus" ] || "$tvp" corpus --lines "$lines" --out "$corpus"
cat "$corpus" >/dev/null # into the page cache
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# tvp_median ARGS...: the median wall time of tvp grep with ARGS, in seconds.
tvp_median() {
	"$tvp" grep --file "$corpus" --repeat "$repeat" --warmup 1 --format csv "$@" >"$work/tvp.csv"
	python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); print(r[0]["wall_median_s"], r[0]["answer"])' "$work/tvp.csv"
}

# peer_median NAME COMMAND: the median of hyperfine's runs, output to a pipe.
peer_median() {
	hyperfine --style none --output=pipe --ignore-failure --warmup 1 --runs "$repeat" \
		--export-json "$work/peer.json" "$2" >/dev/null 2>"$work/peer.err" ||
		{ cat "$work/peer.err" >&2; return 1; }
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$work/peer.json"
}

printf '%-12s %-44s %10s %8s %12s\n' regex run median_s ratio answer
for re in "${regexes[@]}"; do
	read -r base answer < <(tvp_median --regex "$re" --model fork --workers 2)
	row() { printf '%-12s %-44s %10.4f %8.2f %12s\n' "$re" "$1" "$2" "$(python3 -c "print($2 / $base)")" "$3"; }
	row "tvp fork 2 shared (the base)" "$base" "$answer"
	read -r t a < <(tvp_median --regex "$re" --model pthread --workers 2)
	row "tvp pthread 2" "$t" "$a"
	read -r t a < <(tvp_median --regex "$re" --model serial)
	row "tvp serial" "$t" "$a"
	read -r t a < <(tvp_median --regex "$re" --model fork --workers 2 --input ship --schedule dynamic)
	row "tvp fork 2 ship (1 MiB tasks by pipe)" "$t" "$a"
	read -r t a < <(tvp_median --regex "$re" --model pool --workers 2 --input ship --schedule dynamic)
	row "tvp pool 2 ship (1 MiB tasks by pipe)" "$t" "$a"
	quoted=$(printf '%q' "$re")
	a=$(LC_ALL=C grep -c -E -- "$re" "$corpus" || true)
	row "LC_ALL=C grep -c -E" "$(peer_median grep "LC_ALL=C grep -c -E -- $quoted $corpus")" "$a"
	a=$(rg -c -- "$re" "$corpus" || echo 0)
	row "rg -c" "$(peer_median rg "rg -c -- $quoted $corpus")" "$a"
	row "tvp fork 2 shared, whole process" \
		"$(peer_median tvp "$tvp grep --file $corpus --regex $quoted --model fork --workers 2 --repeat 1 --warmup 0")" "-"
done

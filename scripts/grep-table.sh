#!/usr/bin/env bash
# grep-table.sh - issue 20's table: tvp grep before and after a change, rg, GNU grep and the scan limit, on 8+ regexes.
#
# usage: scripts/grep-table.sh BEFORE AFTER [LINES] [DIR]
#   BEFORE, AFTER  two tvp binaries (say, main's build/tvp copied aside, and this one)
#   LINES          corpus lines (25M: the talk's 1.1 GB file)
#   DIR            where the corpus is kept (/tmp); it is made once and reused
# Every run is verified: tvp by --expect with GNU grep's count, rg's count is
# compared with it. "in-process" is tvp's own median of 5 (pthread, 2 workers);
# the other columns are hyperfine medians of 5 whole processes, output to a
# pipe (GNU grep stops at the first match when its output is /dev/null); their
# exit status 1 (no line matched) is no failure.
set -euo pipefail

before=${1:?usage: grep-table.sh BEFORE AFTER [LINES] [DIR]}
after=${2:?usage: grep-table.sh BEFORE AFTER [LINES] [DIR]}
lines=${3:-25M}
dir=${4:-/tmp}
corpus=$dir/tvp-corpus-$lines.txt
runs=5
# no match, every line, the talk's, rare / frequent / very frequent literals,
# classes with no literal, alternations, anchored
regexes=('[0-9]' '^[a-z ]*$' 'abcde[a-m]' 'hello' 'the' 'q' '[xyz]{4}' 'foo|bar|baz' '^ab')

for tool in hyperfine rg grep python3; do
	command -v "$tool" >/dev/null || { echo "grep-table.sh: needs $tool" >&2; exit 2; }
done
[ -s "$corpus" ] || "$after" corpus --lines "$lines" --out "$corpus"
cat "$corpus" >/dev/null # into the page cache
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bytes=$(stat -L -c %s "$corpus")
mib=$((bytes >> 20))

echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs; $lines lines, $bytes bytes; medians of $runs (s)"
"$after" overhead --scan-mib "$mib" --parent-mib 1 --repeat "$runs" --format csv >"$work/scan.csv"
python3 - "$work/scan.csv" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["operation"].startswith("scan"):
        print("scan limit: %s: %.4f s (%.1f GB/s)" % (r["description"], float(r["seconds_median"]),
                                                     float(r["bytes_per_s"]) / 1e9))
PY
printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' regex matches "tvp before in-process" \
	"tvp after in-process" "tvp before" "tvp after" rg "GNU grep"
printf '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
for re in "${regexes[@]}"; do
	want=$(LC_ALL=C grep -c -E -- "$re" "$corpus" || true)
	got=$(rg -c -- "$re" "$corpus" || echo 0)
	[ "$got" = "$want" ] || { echo "grep-table.sh: rg counts $got, grep $want for '$re'" >&2; exit 1; }
	inproc=()
	for tvp in "$before" "$after"; do
		"$tvp" grep --file "$corpus" --regex "$re" --model pthread --workers 2 --repeat "$runs" \
			--warmup 1 --expect "$want" --format csv >"$work/tvp.csv"
		inproc+=("$(python3 -c 'import csv,sys; print(next(csv.DictReader(open(sys.argv[1])))["wall_median_s"])' "$work/tvp.csv")")
	done
	q=$(printf '%q' "$re")
	tvp_args="grep --file $corpus --regex $q --model pthread --workers 2 --repeat 1 --warmup 0 --expect $want"
	hyperfine --style none --output=pipe --warmup 1 --runs "$runs" --export-json "$work/h.json" \
		"$before $tvp_args" "$after $tvp_args" "rg -c -- $q $corpus || [ \$? = 1 ]" "LC_ALL=C grep -c -E -- $q $corpus || [ \$? = 1 ]" \
		>/dev/null 2>"$work/h.err" || { cat "$work/h.err" >&2; exit 1; }
	python3 - "$work/h.json" "$re" "$want" "${inproc[@]}" <<'PY'
import json, sys
medians = ["%.4f" % r["median"] for r in json.load(open(sys.argv[1]))["results"]]
print("| `%s` | %s | %.4f | %.4f | %s |" % (sys.argv[2].replace("|", "\\|"), sys.argv[3],
      float(sys.argv[4]), float(sys.argv[5]), " | ".join(medians)))
PY
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# bench.sh - `make bench`: the sweep, every plot and the PDF report, then where they are.
# usage: scripts/bench.sh path/to/tvp [tiny|default|full]
set -euo pipefail

tvp="${1:?usage: bench.sh path/to/tvp [tiny|default|full]}"
profile="${2:-default}"
top=$(cd "$(dirname "$0")/.." && pwd)
began=$(date +%s)

python3 "$top/scripts/sweep.py" --tvp "$tvp" --profile "$profile" --results "$top/results"
dir=$(readlink -f "$top/results/latest")
python3 "$top/scripts/analyze.py" report "$dir"

elapsed=$(($(date +%s) - began))
rel=${dir#"$top"/}
echo
echo "tvp bench (profile $profile) done in $((elapsed / 60))m$((elapsed % 60))s"
echo "  results  $rel/results.json  ($(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["runs"]), "verified runs,", len(d["sweep"]["skipped"]), "parts not measured")' "$dir/results.json"))"
echo "  hyperfine $rel/hyperfine/"
echo "  plots    $rel/plots/  ($(find "$dir/plots" -name '*.pdf' | wc -l) figures, PDF and PNG)"
echo "  report   $rel/report.pdf"
echo "  latest   results/latest -> $(basename "$dir")"
# Amdahl's p per scaling series (analyze.py's amdahl_summary: the fit, a one-point estimate,
# overhead-bound, or why p is not defined).
[ ! -e "$dir/data/amdahl-summary.txt" ] || sed 's/^/  /' "$dir/data/amdahl-summary.txt"

#!/usr/bin/env bash
# bench.sh - the default sweep: primes under every model, 1 to 2x the cores.
# (The bench issue grows this into sweeps, plots and the report.)
set -euo pipefail

tvp="${1:?usage: bench.sh path/to/tvp}"
cores=$(getconf _NPROCESSORS_ONLN)
stamp="$(date -u +%Y%m%d-%H%M%S)-$(hostname)"
out="results/$stamp"
mkdir -p "$out"
ln -sfn "$stamp" results/latest

n=0
for model in serial pthread fork pool; do
	for ((workers = 1; workers <= 2 * cores; workers++)); do
		[ "$model" = serial ] && [ "$workers" -gt 1 ] && break
		n=$((n + 1))
		echo "[$n] primes $model workers=$workers" >&2
		"$tvp" primes --model "$model" --workers "$workers" --schedule dynamic \
			--repeat 3 --warmup 1 --format csv --output "$out/primes-$model-$workers.csv"
	done
done
{
	head -1 "$out/primes-serial-1.csv"
	for f in "$out"/primes-*.csv; do tail -n +2 "$f"; done
} >"$out/primes.csv"
echo "results: $out/primes.csv" >&2
column -s, -t < <(cut -d, -f2,3,10,13 "$out/primes.csv")

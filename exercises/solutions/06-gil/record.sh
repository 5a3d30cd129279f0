# BEGIN SOLUTION
# record.sh - exercise 06, the instructor's steps 4 to 7: measure as the handout says, save the runs, fill the MEASURE lines.
# shellcheck shell=bash
#
# usage: bash record.sh RUNS_DIR ANSWERS_FILE AMDAHL [TO]
# Runs the handout's commands (primes below TO, 2000000 by default) with
# TVP (default build/tvp; PEERS: peers/python/primes.py), saving each run as JSON in RUNS_DIR as a student
# does, fits p with AMDAHL (the solution's amdahl), and rewrites the
# measured lines of ANSWERS_FILE from those runs. Exit 1 if a run fails.
set -euo pipefail
runs=${1:?usage: record.sh RUNS_DIR ANSWERS_FILE AMDAHL [TO]}
answers=${2:?} amdahl=${3:?} to=${4:-2000000}
tvp=${TVP:-build/tvp}
peers=${PEERS:-peers/python/primes.py}
two=(--workers 2 --schedule dynamic)

mkdir -p "$runs/sweep"
# save NAME ARGS...: tvp primes ARGS, saved as RUNS_DIR/NAME.json.
save() {
	local name=$1
	shift
	"$tvp" primes --to "$to" "$@" --format json --output "$runs/$name.json"
}
save serial --model serial
save pthread --model pthread "${two[@]}" --gil modern
save fork --model fork "${two[@]}" --gil modern
save legacy --model pthread "${two[@]}" --gil legacy
save sweep/serial --model serial
for free in 0.00 0.25 0.50 0.75 1.00; do
	save "sweep/free-$free" --model pthread "${two[@]}" --gil modern --gil-free "$free"
done
python_ratio=none
if command -v python3 >/dev/null; then
	python3 "$peers" --model serial --to 200000 --json "$runs/python-serial.json" >/dev/null
	python3 "$peers" --model threading --workers 2 --to 200000 --json "$runs/python-threading.json" >/dev/null
fi

median() { grep -o '"median": [0-9.e+-]*' "$1" | head -n 1 | awk '{ print $2 }'; }
ratio() { awk -v a="$(median "$1")" -v b="$(median "$2")" 'BEGIN { printf "%.2f", a / b }'; }
p_at() { awk -v f="$1" '/^Amdahl/ { on = 1; next } on && $1 == f && $3 == "pthread" { print $5 }' "$runs/fit.txt"; }
"$amdahl" "$runs"/sweep/*.json >"$runs/fit.txt"
process_thread=$(ratio "$runs/fork.json" "$runs/pthread.json")
faster=$(awk -v r="$process_thread" 'BEGIN { print (r < 0.9 ? "processes" : r > 1.1 ? "threads" : "same") }')
[ ! -f "$runs/python-serial.json" ] || python_ratio=$(ratio "$runs/python-threading.json" "$runs/python-serial.json")
sed -i -e "s/^ratio_process_thread = .*/ratio_process_thread = $process_thread/" \
	-e "s/^faster = .*/faster = $faster/" \
	-e "s/^ratio_legacy_serial = .*/ratio_legacy_serial = $(ratio "$runs/legacy.json" "$runs/serial.json")/" \
	-e "s/^p_half = .*/p_half = $(p_at 0.50)/" -e "s/^p_one = .*/p_one = $(p_at 1.00)/" \
	-e "s/^python_ratio_thread_serial = .*/python_ratio_thread_serial = $python_ratio/" "$answers"
# END SOLUTION

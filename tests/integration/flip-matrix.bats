#!/usr/bin/env bats
# flip-matrix.bats - the workloads where the answer flips (pagefault, io, wordcount), under every model, schedule,
# ipc and GIL mode: every run verified against its independent reference, and nothing left behind after Ctrl-C.

bats_require_minimum_version 1.5.0
load ../cli/helpers

# 12 regions of 1 MiB: the values 1 .. 12 x pages, each once.
PF=(pagefault --mib 1 --regions 12 --repeat 1 --warmup 1 --format csv)
pf_answer() {
	local pages=$((12 * 1048576 / $(getconf PAGESIZE)))
	echo $((pages * (pages + 1) / 2))
}

# refuses_ranks MODEL KIND ARGS...: ranks (MPI's, separate programs) cannot reach tvp's memory: io's
# server is a thread of tvp, and wordcount --table shared's table is memory tvp maps for its forks. Such
# a model must refuse ARGS (exit 2, one line), and is then not run.
refuses_ranks() {
	local model=$1 kind=$2 want
	shift 2
	[ "$kind" = ranks ] || return 1
	if [ "$1" = io ]; then
		want="must be threads of tvp or processes forked from it"
	elif [[ " $* " == *" --table shared "* ]]; then
		want="--table shared needs workers that share tvp's memory"
	else
		return 1
	fi
	run --separate-stderr "$TVP" "$@" --model "$model" --workers 2
	[ "$status" -eq 2 ] && [[ "$stderr" == *"$want"* ]] ||
		{ echo "$model did not refuse $*: exit $status: $stderr"; exit 1; }
}

# matrix ANSWER ARGS...: every model x schedule x GIL mode (and both ipc for processes) gives ANSWER.
matrix() {
	local answer=$1 model kind schedule gil ipc
	shift
	while read -r model kind ipc; do
		refuses_ranks "$model" "$kind" "$@" && continue
		for schedule in static dynamic guided random; do
			for gil in off modern legacy; do
				local -a extra=(--model "$model" --schedule "$schedule" --gil "$gil")
				[ "$kind" = serial ] || extra+=(--workers 3)
				[ "$ipc" = none ] || extra+=(--ipc "$ipc")
				run --separate-stderr "$TVP" "$@" "${extra[@]}"
				if [ "$status" -ne 0 ] || [[ "${lines[1]}" != *",$answer,true,"* ]]; then
					echo "tvp $* ${extra[*]}: exit $status, want $answer: $output $stderr"
					return 1
				fi
			done
		done
	done < <(model_runs)
}

@test "pagefault: every model, schedule, ipc and GIL mode sums the values written back to the closed form" {
	matrix "$(pf_answer)" "${PF[@]}"
}

@test "pagefault: a corrupted result is caught by the closed form (exit 1)" {
	TVP_FAULT=wrong-answer run --separate-stderr "$TVP" "${PF[@]}" --model fork --workers 2
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"wrong answer from pagefault fork"* ]]
}

@test "pagefault: getrusage counts at least one minor fault per page touched" {
	for model in pthread fork; do
		run --separate-stderr "$TVP" "${PF[@]}" --model "$model" --workers 2
		[ "$status" -eq 0 ]
		[[ "$stderr" =~ pagefault:\ ([0-9]+)\ minor\ faults.*\ ([0-9]+)\ pages ]] || { echo "$stderr"; return 1; }
		[ "${BASH_REMATCH[1]}" -ge "${BASH_REMATCH[2]}" ] || { echo "$model: $stderr"; return 1; }
	done
	# The JSON carries getrusage's count of the run, pool workers' included (they are never reaped in a run).
	# Under ThreadSanitizer every page touched also touches its shadow, 4 times its size (TSan's
	# x86-64 layout: four 8-byte shadow cells per 8 bytes), so up to 5 faults a page there.
	local shadow=1
	[ "${SAN:-}" != tsan ] || shadow=5
	for model in pthread fork pool; do
		"$TVP" pagefault --mib 1 --regions 12 --repeat 3 --warmup 0 --format json --model "$model" --workers 2 |
			python3 -c '
import json, sys
run = json.load(sys.stdin)["runs"][0]
pages = 12 * 1048576 // int(sys.argv[1])
assert pages <= run["minor_faults"] < 3 * int(sys.argv[2]) * pages, (run["model"], run["minor_faults"], pages)' \
			"$(getconf PAGESIZE)" "$shadow"
	done
}

@test "pagefault: Ctrl-C mid-run leaves no worker, mapping or shared-memory object" {
	shm_list >"$BATS_TEST_TMPDIR/shm.before"
	for model in pthread fork pool; do
		run --separate-stderr timeout 60 "$BATS_TEST_DIRNAME/orphans.py" --signal INT --children 0 -- \
			"$TVP" pagefault --mib 64 --regions 100000 --model "$model" --workers 2
		[ "$status" -eq 130 ] || { echo "$model: status $status: $stderr"; return 1; }
		[[ "$stderr" == *"orphans: 0 left"* ]] || { echo "$model: $stderr"; return 1; }
	done
	no_new_shm
}

@test "pagefault: the tiny sweep measures it and the report gives its section and a verdict with sizes" {
	local top="$BATS_TEST_DIRNAME/../.."
	run python3 "$top/scripts/sweep.py" --tvp "$TVP" --profile tiny --only pagefault \
		--results "$BATS_TEST_TMPDIR/results" --corpus-dir "$BATS_TEST_TMPDIR/corpus"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	run python3 "$top/scripts/analyze.py" report "$BATS_TEST_TMPDIR/results/latest"
	local tex="$BATS_TEST_TMPDIR/results/latest/report/generated.tex"
	grep -q '\\section{Page faults: where processes should win}' "$tex"
	grep -q '^\\texttt{fork} & 2 & .* M \\\\$' "$tex"
	# getrusage's minor faults per run: at least one per page touched (16 regions of 2 MiB).
	grep -Eq "^\\\\texttt\\{fork\\} & 2 & [^&]* & ([0-9]{4,}) & [0-9.]+ M" "$tex"
	python3 - "$tex" "$(getconf PAGESIZE)" <<'PY'
import re, sys
pages = 16 * 2 * 1048576 // int(sys.argv[2])
rows = re.findall(r"^\\texttt\{(\w+)\} & (\d+) & [^&]* & (\d+) & ([0-9.]+) M", open(sys.argv[1]).read(), re.M)
assert len(rows) >= 5, rows
for model, workers, faults, rate in rows:
    assert int(faults) >= pages and float(rate) > 0, (model, workers, faults, pages)
PY
	grep -Eq 'Measured here:\} mib=2, regions=16, 4 workers: fork against pthread: .*faults/s' "$tex"
	grep -Eq 'Verdict: (holds here|does not hold here)\.\} Processes fault' "$tex"
}

# 24 requests, each answered after 200 us: splitmix64 of the unit, summed (the replies computed without the server).
IO=(io --requests 24 --delay-us 200 --work-us 20 --repeat 1 --warmup 1 --format csv)
io_answer() {
	python3 -c '
M = (1 << 64) - 1
def mix(z):
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9 & M
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB & M
	return z ^ (z >> 31)
print(sum(mix((u + 0x7470 * 0x9E3779B97F4A7C15 + 0x9E3779B97F4A7C15) & M) for u in range(24)) & M)'
}

# io_sockets: the io servers' names (abstract Unix sockets, "@tvp-io-...") open on the machine.
io_sockets() { grep -o '@tvp-io-[0-9]*-[0-9]*' /proc/net/unix | sort -u || true; }

@test "io: every model, schedule, ipc and GIL mode sums the server's replies to the reference" {
	matrix "$(io_answer)" "${IO[@]}"
}

@test "io: with a CPU hog beside the requests, every model and GIL mode still verifies" {
	local answer model kind gil
	answer=$(io_answer)
	while read -r model kind; do
		refuses_ranks "$model" "$kind" io && continue
		for gil in off modern legacy; do
			local -a extra=(--model "$model" --gil "$gil" --cpu-hogs 1 --schedule dynamic)
			[ "$kind" = serial ] || extra+=(--workers 2)
			run --separate-stderr "$TVP" "${IO[@]}" "${extra[@]}"
			[ "$status" -eq 0 ] && [[ "${lines[1]}" == *",$answer,true,"* ]] ||
				{ echo "${extra[*]}: exit $status: $output $stderr"; return 1; }
		done
	done < <(listed_models)
}

@test "io: a corrupted result disagrees with the server's own log (exit 1)" {
	for model in pthread fork; do
		TVP_FAULT=wrong-answer run --separate-stderr "$TVP" "${IO[@]}" --model "$model" --workers 2
		[ "$status" -eq 1 ] || { echo "$model: $status $stderr"; return 1; }
		[[ "$stderr" == *"io: the workers received 24 replies (sum "*"), the server's log says it sent 24 (sum "* ]] ||
			{ echo "$model: $stderr"; return 1; }
	done
}

@test "io: 64 workers of each kind all get their replies; the server's socket is gone after the run" {
	local model
	io_sockets >"$BATS_TEST_TMPDIR/sock.before"
	for model in pthread fork pool; do
		run --separate-stderr "$TVP" io --requests 128 --delay-us 2000 --work-us 0 --model "$model" --workers 64 \
			--repeat 1 --warmup 0 --format csv
		[ "$status" -eq 0 ] || { echo "$model: $status $stderr"; return 1; }
		[[ "${lines[1]}" == *",true,"* ]] || { echo "$model: ${lines[1]}"; return 1; }
	done
	io_sockets >"$BATS_TEST_TMPDIR/sock.after"
	run comm -13 "$BATS_TEST_TMPDIR/sock.before" "$BATS_TEST_TMPDIR/sock.after"
	[ -z "$output" ] || { echo "sockets left: $output"; return 1; }
}

@test "io: Ctrl-C mid-run leaves no worker, server, socket or shared-memory object" {
	shm_list >"$BATS_TEST_TMPDIR/shm.before"
	io_sockets >"$BATS_TEST_TMPDIR/sock.before"
	for model in serial pthread fork pool; do
		local workers=3
		[ "$model" = serial ] && workers=1
		for gil in off modern; do
			run --separate-stderr timeout 60 "$BATS_TEST_DIRNAME/orphans.py" --signal INT --children 0 -- \
				"$TVP" io --requests 1000000 --cpu-hogs 1 --gil "$gil" --model "$model" --workers "$workers"
			[ "$status" -eq 130 ] || { echo "$model $gil: status $status: $stderr"; return 1; }
			[[ "$stderr" == *"orphans: 0 left"* ]] || { echo "$model $gil: $stderr"; return 1; }
		done
	done
	io_sockets >"$BATS_TEST_TMPDIR/sock.after"
	run comm -13 "$BATS_TEST_TMPDIR/sock.before" "$BATS_TEST_TMPDIR/sock.after"
	[ -z "$output" ] || { echo "sockets left: $output"; return 1; }
	no_new_shm
}

@test "io: the tiny sweep measures the convoy and the memory per worker; the report gives their tables and a verdict with sizes" {
	local top="$BATS_TEST_DIRNAME/../.."
	run python3 "$top/scripts/sweep.py" --tvp "$TVP" --profile tiny --only io-convoy,io-memory \
		--results "$BATS_TEST_TMPDIR/results" --corpus-dir "$BATS_TEST_TMPDIR/corpus"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	run python3 "$top/scripts/analyze.py" report "$BATS_TEST_TMPDIR/results/latest"
	local tex="$BATS_TEST_TMPDIR/results/latest/report/generated.tex"
	grep -q '\\section{Waiting, not computing: I/O}' "$tex"
	grep -Eq '^\\texttt\{modern\} & .* & .* & ([0-9.]+x (slower|faster)|no measurable difference)' "$tex"
	grep -Eq 'Measured here:\} requests=16, delay-us=2000, one pthread worker under the modern GIL, one CPU hog against none: ' "$tex"
	grep -Eq 'Verdict: (holds here|does not hold here)\.\} The I/O thread comes back' "$tex"
	# Memory per worker at 16 and 64 workers, every worker alive at once, a thread far below a process.
	grep -q '^model & workers & alive & peak RSS & peak PSS & RSS/worker & PSS/worker' "$tex"
	grep -Eq '^\\texttt\{pthread\} & 64 & 64 & [0-9.]+ MB & [0-9.]+ MB & -?[0-9]+ KB & -?[0-9]+ KB' "$tex"
	grep -Eq '^\\texttt\{fork\} & 64 & 64 & ' "$tex"
	python3 - "$BATS_TEST_TMPDIR/results/latest" <<'PY'
import glob, json, sys
data = json.load(open(glob.glob(sys.argv[1] + "/io-memory.json")[0]))
cases = {(c["model"], c["workers"]): c for c in data["cases"]}
assert cases[("fork", 64)]["alive"] == 64 and cases[("pthread", 64)]["alive"] == 64, cases
assert cases[("fork", 64)]["per_worker_rss_kb"] > 4 * cases[("pthread", 64)]["per_worker_rss_kb"], cases
PY
	grep -Eq 'Memory per I/O worker at 64 workers: a thread -?[0-9]+ KB, a forked process [0-9]+ KB resident' "$tex"
}

# 20000 words drawn from 500: the checksum of the sorted "word count" lines, computed here in Python.
WC=(wordcount --words 20000 --vocab 500 --block 1500 --repeat 1 --warmup 1 --format csv)
wc_answer() {
	python3 -c '
M = (1 << 64) - 1
def mix(x):
	z = (x + 0x9E3779B97F4A7C15) & M
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9 & M
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB & M
	return z ^ (z >> 31)
def spell(r):
	s = ""
	while True:
		s += chr(97 + r % 26); r //= 26
		if r == 0 and len(s) >= 3: return s
counts = {}
for i in range(20000):
	w = spell(mix(i) % 500); counts[w] = counts.get(w, 0) + 1
h = 0xcbf29ce484222325
for w in sorted(counts):
	for b in ("%s %d\n" % (w, counts[w])).encode(): h = ((h ^ b) * 0x100000001b3) & M
print("%016x" % h)'
}

@test "wordcount: every model, schedule, ipc and GIL mode merges to the checksum of an independent count" {
	matrix "$(wc_answer)" "${WC[@]}"
}

@test "wordcount: the bytes moved grow with the vocabulary; a corrupted table is caught (exit 1)" {
	local small large
	run --separate-stderr "$TVP" wordcount --words 20000 --vocab 50 --model fork --workers 2 --format csv
	[ "$status" -eq 0 ]
	[[ "$stderr" =~ wordcount:\ 50\ distinct\ words\;\ ([0-9]+)\ bytes ]] || { echo "$stderr"; return 1; }
	small=${BASH_REMATCH[1]}
	run --separate-stderr "$TVP" wordcount --words 20000 --vocab 5000 --model fork --workers 2 --format csv
	[ "$status" -eq 0 ]
	[[ "$stderr" =~ wordcount:\ [0-9]+\ distinct\ words\;\ ([0-9]+)\ bytes ]] || { echo "$stderr"; return 1; }
	large=${BASH_REMATCH[1]}
	[ "$large" -gt $((10 * small)) ] || { echo "small $small large $large"; return 1; }
	TVP_FAULT=wrong-answer run --separate-stderr "$TVP" "${WC[@]}" --model pool --workers 2
	[ "$status" -eq 1 ] || { echo "$status $stderr"; return 1; }
}

@test "wordcount --table shared: every model, schedule, ipc and GIL mode merges in place into one locked table, to the same checksum" {
	matrix "$(wc_answer)" "${WC[@]}" --table shared
}

@test "wordcount --table shared: nothing travels but a count per task; repeats start from an empty table; a bad count is caught" {
	run --separate-stderr "$TVP" "${WC[@]}" --table shared --model pool --workers 2 --schedule dynamic --repeat 3
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *",$(wc_answer),true,"* ]]
	[[ "$stderr" == *"wordcount: 500 distinct words; 0 bytes of partial tables from 14 tasks in the last run (--table shared: merged in place under one lock)"* ]]
	TVP_FAULT=wrong-answer run --separate-stderr "$TVP" "${WC[@]}" --table shared --model fork --workers 2
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"wordcount: the tasks say they counted"*"words, not 20000"* ]]
	# A worker killed before its merge is replaced; its task merges once.
	TVP_FAULT=die:worker=1:task=3 run --separate-stderr "$TVP" "${WC[@]}" --table shared --model pool \
		--workers 2 --schedule dynamic --retry 1
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[[ "${lines[1]}" == *",$(wc_answer),true,"* ]]
	run --separate-stderr "$TVP" wordcount --table both
	[ "$status" -eq 2 ]
	[ "$stderr" = "tvp: wordcount: --table must be private or shared, not 'both'" ]
}

@test "wordcount: Ctrl-C mid-run leaves no worker or shared-memory object (private and shared tables)" {
	shm_list >"$BATS_TEST_TMPDIR/shm.before"
	for model in pthread fork pool; do
		for table in private shared; do
			local -a ipc=()
			[ "$model" = pthread ] || ipc=(--ipc shm)
			# --expect: no reference pass, so the signal lands in the run itself.
			run --separate-stderr timeout 60 "$BATS_TEST_DIRNAME/orphans.py" --signal INT --children 0 -- \
				"$TVP" wordcount --words 2000000000 --vocab 100000 --table "$table" --model "$model" --workers 2 \
				"${ipc[@]}" --expect 0
			[ "$status" -eq 130 ] || { echo "$model $table: status $status: $stderr"; return 1; }
			[[ "$stderr" == *"orphans: 0 left"* ]] || { echo "$model $table: $stderr"; return 1; }
		done
	done
	no_new_shm
}

@test "wordcount: the tiny sweep measures pthread and pool at two vocabularies, private and shared tables; the report gives bytes moved and verdicts" {
	local top="$BATS_TEST_DIRNAME/../.."
	run python3 "$top/scripts/sweep.py" --tvp "$TVP" --profile tiny --only wordcount,wordcount-moved,wordcount-shared \
		--results "$BATS_TEST_TMPDIR/results" --corpus-dir "$BATS_TEST_TMPDIR/corpus"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	run python3 "$top/scripts/analyze.py" report "$BATS_TEST_TMPDIR/results/latest"
	local tex="$BATS_TEST_TMPDIR/results/latest/report/generated.tex"
	grep -q '\\section{Results that must travel: word counts}' "$tex"
	grep -Eq '^\\texttt\{pool\} & 20000 & .* & [0-9.]+ MB \\\\$' "$tex"
	grep -Eq 'Measured here:\} words=100000, 2 workers; vocabulary 1000 \([0-9.]+ MB moved\): pool against pthread .*; vocabulary 20000 \([0-9.]+ MB moved\)' "$tex"
	grep -Eq 'Verdict: (holds here|does not hold here)\.\} The verdict is for the largest vocabulary' "$tex"
	# --table shared beside the private tables, per model and vocabulary, with which wins.
	grep -q '^model & vocabulary & private tables & one shared table & shared against private' "$tex"
	grep -Eq '^\\texttt\{pthread\} & 20000 & .* & ([0-9.]+x (slower|faster)|no measurable difference)' "$tex"
	grep -Eq 'One shared table against private tables \(words=100000, 2 workers\): pool at vocabulary 1000: (the shared table wins|the private tables win|neither wins);' "$tex"
}

#!/usr/bin/env bats
# bench.bats - the `make bench` pipeline: the sweep driver merges verified runs and skips what the
# binary lacks, gnuplot's fits recover known parameters, the plot scripts write figures, and the
# report builds (on the real tvp for primes, on tests/integration/fake-tvp for every other part).

bats_require_minimum_version 1.5.0
load ../cli/helpers

TOP="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"

# fake_tvp: a copy of fake-tvp that starts the interpreter directly (a pyenv shim costs
# a quarter of a second per start, and the sweep starts it hundreds of times).
fake_tvp() {
	FAKE="$BATS_TEST_TMPDIR/fake-tvp"
	{
		echo "#!$(python3 -c 'import sys; print(sys.executable)')"
		tail -n +2 "$BATS_TEST_DIRNAME/fake-tvp"
	} >"$FAKE"
	chmod +x "$FAKE"
}

# sweep ARGS...: the sweep driver, results and corpora under the test's own directory.
sweep() {
	python3 "$TOP/scripts/sweep.py" --results "$BATS_TEST_TMPDIR/results" \
		--corpus-dir "$BATS_TEST_TMPDIR/corpus" "$@"
}

# synthetic NAME MODEL CORES LAW: a scaling data file (as analyze.py writes them) with speedups
# from LAW(n) (a python expression in n), capped at the cores, with +-1% deterministic noise.
synthetic() {
	mkdir -p "$BATS_TEST_TMPDIR/data"
	python3 - "$BATS_TEST_TMPDIR/data/$1-$2.dat" "$3" "$4" <<'EOF'
import sys
path, cores, law = sys.argv[1], int(sys.argv[2]), sys.argv[3]
noise = [0.0, 0.01, -0.01, 0.005, -0.005, 0.008, -0.008, 0.003, -0.003, 0.0, 0.01, -0.01, 0.0, 0.004, -0.004, 0.0]
with open(path, "w") as f:
	for i, workers in enumerate(range(1, 2 * cores + 1)):
		n = min(workers, cores)
		speedup = eval(law) * (1 + (noise[i % len(noise)] if workers > 1 else 0))
		t = 1.0 / speedup
		kf = (1 / speedup - 1 / workers) / (1 - 1 / workers) if workers > 1 else float("nan")
		f.write("%d %g %g %g %g %g %g %g %g\n" % (workers, t, t, t, speedup, speedup / workers, kf, speedup, speedup))
EOF
}

# scaling_plot NAME MODEL CORES: run plots/scaling.gp on one synthetic series, PNG and PDF,
# with a fitted Amdahl curve and a USL curve as analyze.py writes them.
scaling_plot() {
	python3 -c "
import sys
for law in ('amdahl', 'usl', 'overhead'):
	with open('%s/data/%s-%s-%s.curve' % (sys.argv[1], sys.argv[2], sys.argv[3], law), 'w') as f:
		f.write('# workers speedup\\n1 1\\n2 1.8\\n4 2\\n')" "$BATS_TEST_TMPDIR" "$1" "$2"
	for fmt in png pdf; do
		(cd "$TOP" && gnuplot -e "datadir='$BATS_TEST_TMPDIR/data'; outdir='$BATS_TEST_TMPDIR'; fmt='$fmt'; \
			name='$1'; title='synthetic'; models='$2'; cores=$3; logtime=0; logspeed=0; has_amdahl='1'; has_usl='1'; \
			has_ovh='1'; amdahl_kind='fit'; amdahl_p='0.9'; amdahl_lo='0.88'; amdahl_hi='0.92'; usl_s='0.1'; \
			usl_k='0.01'; bound='0'" plots/scaling.gp)
	done
}

# fit_of NAME MODEL CORES KEY: what the report's fits (scripts/stats.py) make of a synthetic
# series: KEY is p, p_n (core counts used), sigma or kappa ("None" when not admissible).
fit_of() {
	(cd "$TOP/scripts" && python3 -c "
import sys, stats
rows = [[float(x) for x in line.split()] for line in open(sys.argv[1])]
fit = stats.scaling_fits([1.0], {int(r[0]): [r[1]] for r in rows}, int(sys.argv[2]))
key = sys.argv[3]
part = fit['usl'] if key in ('sigma', 'kappa') else fit['amdahl']
print(None if part is None else (part['n'] if key == 'p_n' else part[key]))" "$BATS_TEST_TMPDIR/data/$1-$2.dat" "$3" "$4")
}

# within VALUE WANT TOLERANCE: |VALUE - WANT| <= TOLERANCE
within() {
	python3 -c "import sys; v, w, t = map(float, sys.argv[1:]); sys.exit(0 if abs(v - w) <= t else 1)" "$1" "$2" "$3" ||
		{ echo "got $1, want $2 +- $3"; return 1; }
}

@test "the sweep writes one merged tvp/1 JSON of verified runs, and results/latest points at it" {
	run --separate-stderr sweep --tvp "$TVP" --profile tiny --only primes
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	dir="$BATS_TEST_TMPDIR/results/latest"
	[ -L "$dir" ]
	[ -s "$dir/machine.txt" ]
	[ "$(json_field "$dir/results.json" 'd["schema"]')" = "tvp/1" ]
	cores=$(getconf _NPROCESSORS_ONLN)
	# serial once, then every other model tvp --list names at every worker count of the scale;
	# `all` leaves out kind ranks (mpi: about 1 s of launch per run, it has lines of its own)
	counts=$(python3 -c "import sys; sys.path.insert(0, '$TOP/scripts'); import sweep; print(len(sweep.worker_counts('scale', $cores)))")
	local parallel models
	parallel=$(listed_models | awk '$2 != "serial" && $2 != "ranks"' | wc -l)
	models=$(listed_models | awk '$2 != "ranks"' | python3 -c "import sys; print(sorted(l.split()[0] for l in sys.stdin))")
	[ "$(json_field "$dir/results.json" 'len(d["runs"])')" -eq $((1 + parallel * counts)) ]
	[ "$(json_field "$dir/results.json" 'all(r["verified"] is True for r in d["runs"])')" = True ]
	[ "$(json_field "$dir/results.json" 'sorted({r["sweep"]["group"] for r in d["runs"]})')" = "['primes']" ]
	[ "$(json_field "$dir/results.json" 'sorted({r["model"] for r in d["runs"]})')" = "$models" ]
	[ "$(ls "$dir/runs" | grep -vc -- -again.json)" -eq $((1 + parallel * counts)) ] # noisy ones measured again: -again.json
	[[ "$stderr" == *"[  1/"*"so far, about"*"left"* ]]
}

@test "the sweep measures noisy configurations again, the noisiest first, until its time budget runs out" {
	# five noisy runs, each re-run taking 0.2 s, a budget of 0.3 s: the two noisiest are measured again
	run python3 - "$TOP/scripts" "$BATS_TEST_TMPDIR" <<'PY'
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
import sweep
def fake_run(argv):
    time.sleep(0.2)
    with open(argv[-1], "w") as f:
        json.dump({"runs": [{"wall_s": {"all": [1.0, 1.0, 1.0]}}]}, f)
    class Done:
        returncode = 0
    return Done()
sweep.run_quietly = fake_run
sweep.REMEASURE_BUDGET_S = 0.3
s = sweep.Sweep.__new__(sweep.Sweep)
s.started, s.done, s.total = time.monotonic(), 0, 5
runs = [{"workload": "w", "model": "m%d" % i, "workers": 1, "sweep": {"cv": cv}}
        for i, cv in enumerate([0.2, 0.5, 0.15, 0.4, 0.3])]
s.noisy = [(r, ["tvp", os.path.join(sys.argv[2], "run%d.json" % i)]) for i, r in enumerate(runs)]
s.remeasure()
print(sorted(r["sweep"]["cv"] for r in runs if "remeasure" in r["sweep"]), s.total)
PY
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ "$output" == *"3 noisy configuration(s) left as measured once"* ]]
	[ "$(tail -1 <<<"$output")" = "[0.4, 0.5] 7" ]
}

@test "the worker counts are 1..2x cores on small machines, powers of two and the cores on larger ones" {
	run python3 -c "import sys; sys.path.insert(0, '$TOP/scripts'); import sweep
print(sweep.worker_counts('scale', 2), sweep.worker_counts('scale', 6), sweep.worker_counts('1,cores,2cores', 4))"
	[ "$output" = "[1, 2, 3, 4] [1, 2, 4, 6, 8, 12] [1, 4, 8]" ]
}

@test "a run line's models may be all, threads or processes, resolved from tvp --list" {
	run python3 -c "import sys; sys.path.insert(0, '$TOP/scripts'); import sweep
kinds = {'serial': 'serial', 'pthread': 'threads', 'openmp': 'threads', 'fork': 'processes'}
print(sweep.resolve_models(['all'], kinds), sweep.resolve_models(['serial', 'threads'], kinds),
      sweep.resolve_models(['processes', 'fork', 'mpi'], kinds), sweep.resolve_models(['threads'], {}))"
	[ "$output" = "['serial', 'pthread', 'openmp', 'fork'] ['serial', 'pthread', 'openmp'] ['fork', 'mpi'] ['threads']" ]
	cat >"$BATS_TEST_TMPDIR/sweep.def" <<'EOF'
size tiny  repeat=1 warmup=0
run  every  | primes | all | 2 | --to 20000
run  thr    | primes | serial threads | 2 | --to 20000
run  proc   | primes | processes | 2 | --to 20000
EOF
	run --separate-stderr sweep --tvp "$TVP" --profile tiny --def "$BATS_TEST_TMPDIR/sweep.def"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	json="$BATS_TEST_TMPDIR/results/latest/results.json"
	# listed KIND: the sorted names of the models tvp --list gives that kind ("all": every model
	# of one machine; ranks, MPI's, are named in a line, as their launch costs about a second)
	listed() { "$TVP" --list | awk -v want="$1" '/^models:/ { on = 1; next } /^[a-z]/ { on = 0 }
		on && ((want == "all" && $2 != "ranks") || $2 == want) { print $1 }' | sort | paste -sd' ' -; }
	models_of() { json_field "$json" "' '.join(sorted(r['model'] for r in d['runs'] if r['sweep']['group'] == '$1'))"; }
	[ -n "$(listed threads)" ] && [ -n "$(listed processes)" ]
	[ "$(models_of every)" = "$(listed all)" ]
	[ "$(models_of thr)" = "$(printf '%s\n' serial $(listed threads) | sort | paste -sd' ' -)" ]
	[ "$(models_of proc)" = "$(listed processes)" ]
	# the serial baseline runs once, with one worker, whatever the line's counts
	[ "$(json_field "$json" "[r['workers'] for r in d['runs'] if r['model_kind'] == 'serial']")" = "[1, 1]" ]
}

@test "the analysis finds thread and process models by model_kind, by name only for results without it" {
	run python3 -c "import sys; sys.path.insert(0, '$TOP/scripts'); import analyze, report_tex
old = (report_tex.is_threads('pthread'), report_tex.is_processes('pool'), report_tex.is_threads('python-threading'))
analyze.learn_kinds([{'model': 'openmp', 'model_kind': 'threads'}, {'model': 'mpi', 'model_kind': 'processes'},
		     {'model': 'python-pool'}])
print(old, report_tex.is_threads('openmp'), report_tex.is_processes('mpi'), report_tex.is_threads('mpi'),
      analyze.model_kind('python-pool'), analyze.model_kind('nosuch'))"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$output" = "(True, True, True) True True False processes None" ]
}

@test "a line the binary cannot run, or a failing peer, is skipped and listed with the reason; the rest runs" {
	cat >"$BATS_TEST_TMPDIR/sweep.def" <<'EOF'
size tiny  repeat=1 warmup=0
run  ok      | primes       | serial | 1 | --to 20000
run  newopt  | primes       | serial pthread | 1,2 | --to 20000 {{ --block 100 | --no-such-option 1 }}
run  missing | nosuchthing  | serial | 1 |
ext  peer    | primes       | python-serial | 1 | false
cmd  tool    | tvp nosuchtool --format json --output ${json}
EOF
	run --separate-stderr sweep --tvp "$TVP" --profile tiny --def "$BATS_TEST_TMPDIR/sweep.def"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	json="$BATS_TEST_TMPDIR/results/latest/results.json"
	[ "$(json_field "$json" 'len(d["runs"])')" -eq 4 ]
	[ "$(json_field "$json" '[s["group"] for s in d["sweep"]["skipped"]]')" = "['missing', 'newopt', 'peer', 'tool']" ]
	[[ "$(json_field "$json" 'd["sweep"]["skipped"][1]["why"]')" == *"unknown option '--no-such-option'"* ]]
	[[ "$stderr" == *"skip newopt primes [--no-such-option 1]"* ]]
}

@test "a wrong answer stops the sweep with exit status 1" {
	TVP_FAULT=wrong-answer run --separate-stderr sweep --tvp "$TVP" --profile tiny --only primes
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"sweep: run failed"* ]]
}

@test "the Amdahl fit recovers p = 0.8 from noisy points, using only workers <= cores" {
	synthetic syn threads 4 "1 / ((1 - 0.8) + 0.8 / n)"
	synthetic syn procs 4 "1 / ((1 - 0.97) + 0.97 / n)"
	within "$(fit_of syn threads 4 p)" 0.8 0.02
	within "$(fit_of syn procs 4 p)" 0.97 0.02
	[ "$(fit_of syn threads 4 p_n)" -eq 4 ] # points fitted: workers 1..4, not the capped 5..8
}

@test "the USL fit recovers contention and coherency from a curve with a peak" {
	synthetic usl model 16 "n / (1 + 0.05 * (n - 1) + 0.002 * n * (n - 1))"
	within "$(fit_of usl model 16 sigma)" 0.05 0.02
	within "$(fit_of usl model 16 kappa)" 0.002 0.001
}

@test "a series that leaves nothing to fit (no gain at all) is fitted at p = 0, not a gnuplot failure" {
	synthetic flat threads 4 "1.0"
	within "$(fit_of flat threads 4 p)" 0 0.03
	[ "$(fit_of flat threads 4 p_n)" -eq 4 ]
}

@test "the scaling plot script writes every figure as a non-empty PDF and PNG" {
	synthetic fig pthread 2 "1 / ((1 - 0.9) + 0.9 / n)"
	scaling_plot fig pthread 2
	for figure in speedup usl time efficiency karpflatt; do
		[ "$(head -c 4 "$BATS_TEST_TMPDIR/fig-$figure.pdf")" = "%PDF" ]
		[ "$(head -c 4 "$BATS_TEST_TMPDIR/fig-$figure.png" | tail -c 3)" = "PNG" ]
		[ "$(stat -c %s "$BATS_TEST_TMPDIR/fig-$figure.png")" -gt 10000 ]
	done
}

@test "with every workload, mode and peer present, every figure is drawn and the report builds" {
	fake_tvp
	# The peers' lines call the fake as a peer: `FAKE peer WORKLOAD --model python-X ... --output FILE`.
	# The python-tools line runs real interpreters, whose answers the fake cannot give
	# (python-tools.bats and the real tiny bench below test it).
	sed -E -e '/^cmd  python-tools/d' -e "s#\| [^|]*peers/python/([a-z]+)\.py --model \\\$\{pymodel\}#| $FAKE peer \1 --model \${model}#" \
		-e 's#--json \$\{json\}#--output ${json}#' -e '/^time primes/d; /^time mandelbrot/d; /^time grep-all/d' \
		"$TOP/scripts/sweep.def" >"$BATS_TEST_TMPDIR/sweep.def"
	run --separate-stderr sweep --tvp "$FAKE" --profile tiny --def "$BATS_TEST_TMPDIR/sweep.def"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	dir="$BATS_TEST_TMPDIR/results/latest"
	[ "$(json_field "$dir/results.json" 'len(d["sweep"]["skipped"])')" -eq 0 ]
	run --separate-stderr python3 "$TOP/scripts/analyze.py" report "$dir"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	for figure in primes-speedup mandelbrot-usl grep-karpflatt tinytask-time gil-primes gil-mandelbrot \
		gil-free fidelity mandel-schedules grep-input-1 grep-input-2 overhead mandelbrot-image; do
		[ -s "$dir/plots/$figure.pdf" ] || { echo "no $figure.pdf"; false; }
		[ -s "$dir/plots/$figure.png" ] || { echo "no $figure.png"; false; }
	done
	[ "$(head -c 4 "$dir/report.pdf")" = "%PDF" ]
	! grep -q "Not measured" "$dir/report/generated.tex"
	# the fake's laws come back out of the fits: pool p = 0.97 (fitted where the cores allow it,
	# else the one-point estimate)
	within "$(awk '$1 == "pool" { print ($2 != "-" ? $2 : $10) }' "$dir/data/primes-fits.txt")" 0.97 0.01
	python3 "$BATS_TEST_DIRNAME/report_checks.py" "$dir"
	# the scan limit beside the grep curves: the fake's 10 and 16 GB/s over the corpus's bytes
	python3 - "$dir" "$(nproc)" <<'PY'
import json, os, sys
directory, cores = sys.argv[1], int(sys.argv[2])
jobs = [j for j in json.load(open(os.path.join(directory, "data", "manifest.json"))) if j["script"] == "plots/grepinput.gp"]
assert len(jobs) == 2, jobs
corpus = [r["params"]["file"] for r in json.load(open(os.path.join(directory, "results.json")))["runs"] if r["workload"] == "grep"][0]
size = os.path.getsize(corpus)
for job in jobs:
    v = job["vars"]
    assert abs(v["scan1_s"] / (size / 10e9) - 1) < 1e-9, v
    assert (v["scann_s"] == "NaN") if cores == 1 else abs(v["scann_s"] / (size / 16e9) - 1) < 1e-9, v
tex = open(os.path.join(directory, "report", "generated.tex")).read()
assert tex.count("(the scan limit; medians:") == 2, "no scan lines in the grep captions"
assert tex.count("reading the same bytes with %d thread" % cores) == 4, "no grep-against-scan conclusions"
PY
}

@test "a workload the sweep did not measure gets 'not measured' in the report, not a failure" {
	run --separate-stderr sweep --tvp "$TVP" --profile tiny --only primes
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	dir="$BATS_TEST_TMPDIR/results/latest"
	run --separate-stderr python3 "$TOP/scripts/analyze.py" report "$dir"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	grep -q 'subsection{Mandelbrot (escape time)}' "$dir/report/generated.tex"
	grep -A1 'subsection{Mandelbrot (escape time)}' "$dir/report/generated.tex" | grep -q "Not measured"
	[ -s "$dir/plots/primes-speedup.pdf" ]
	[ ! -e "$dir/plots/mandelbrot-speedup.pdf" ]
}

@test "the overhead figure reads tvp overhead's own JSON: every operation it timed" {
	run --separate-stderr "$TVP" overhead --format json --parent-mib 8 --transfer-mib 1 --scan-mib 4 --repeat 3
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	echo "$output" >"$BATS_TEST_TMPDIR/overhead.json"
	counts=$(cd "$TOP/scripts" && python3 -c "
import json, sys, analyze
d = json.load(open(sys.argv[1]))
print(len(analyze.extract_costs(d)), len(d['overhead']))" "$BATS_TEST_TMPDIR/overhead.json")
	[ "${counts% *}" -gt 0 ]
	[ "${counts% *}" = "${counts#* }" ]
	# the scan rows: three repetitions each, per byte, for 1 thread and one per CPU
	scan=$(cd "$TOP/scripts" && python3 -c "
import json, sys, analyze
s = analyze.scan_per_byte(json.load(open(sys.argv[1])))
assert all(len(t) == 3 and min(t) > 0 for t in s.values()), s
print(' '.join(str(n) for n in sorted(s)))" "$BATS_TEST_TMPDIR/overhead.json")
	[ "$scan" = "$(nproc | awk '{ print ($1 > 1 ? "1 " $1 : "1") }')" ]
}

@test "fits on two cores: a fit needs three core counts; no p is fitted from N = 1, 2" {
	synthetic two threads 2 "1 / ((1 - 0.9) + 0.9 / n)"
	[ "$(fit_of two threads 2 p)" = None ]
	[ "$(fit_of two threads 2 sigma)" = None ]
}

@test "the report of a fixture that triggers every case says only what the numbers show" {
	dir="$BATS_TEST_TMPDIR/fixture"
	python3 "$BATS_TEST_DIRNAME/report-fixture.py" "$dir"
	run --separate-stderr python3 "$TOP/scripts/analyze.py" report "$dir"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	run python3 "$BATS_TEST_DIRNAME/report_checks.py" "$dir"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	tex="$dir/report/generated.tex"
	grep -q 'texttt{pthread} is overhead-bound: 2 threads took 15x the serial time' "$tex"
	grep -q 'a fit needs three core counts' "$tex"
	grep -q 'one-point estimate, not a fit' "$tex"
	[ "$(awk '$1 == "pool" { print $10 }' "$dir/data/primes-fits.txt")" = "-" ] # p = 1.05 from one point: not shown
	# ... and the report and make bench's summary say why: S(2) = 2.05 is superlinear
	grep -q 'pool}: Karp.*superlinear.*no Amdahl curve: superlinear (S(2)=2.05 \\textgreater{} 2: p not defined)' "$tex"
	grep -q 'primes: .*pool superlinear (S(2)=2.05 > 2: p not defined)' "$dir/data/amdahl-summary.txt"
	grep -q 'primes: .*pthread 0.947 one-point' "$dir/data/amdahl-summary.txt"
	grep -q 'no schedule was measurably best' "$tex"
	grep -q 'no measurable difference (ratio 0.97' "$tex"
	grep -q 'shorter than 20 switch intervals' "$tex"
	grep -q 'above 1: slower than serial' "$tex"
}

@test "the report checker catches each thing a report must never say" {
	dir="$BATS_TEST_TMPDIR/fixture"
	python3 "$BATS_TEST_DIRNAME/report-fixture.py" "$dir"
	python3 "$TOP/scripts/analyze.py" report "$dir" 2>/dev/null
	tex="$dir/report/generated.tex"
	cp "$tex" "$tex.good"
	for bad in 'fitted $p = 1.01$.' 'USL $\sigma = -0.2$.' 'it was 0.08x faster than serial.' \
		'2.0x faster (ratio 0.5, 95\% interval 0.4-1.2).' 'the corpus is /tmp/corpus.txt.'; do
		cp "$tex.good" "$tex"
		printf '%s\n' "$bad" >>"$tex"
		(cd "$dir/report" && latexmk -pdf -interaction=nonstopmode report.tex >/dev/null 2>&1)
		cp "$dir/report/report.pdf" "$dir/report.pdf"
		run python3 "$BATS_TEST_DIRNAME/report_checks.py" "$dir"
		[ "$status" -eq 1 ] || { echo "not caught: $bad"; false; }
	done
	# a verdict without its sizes (as the conclusions read before they named them)
	cp "$tex.good" "$tex"
	sed -i 's/^\\begin{itemize}$/&\n\\item Prime summing at 2 workers (the cores): \\texttt{fork} against serial 2.1x faster (ratio 0.48, 95\\% interval 0.47-0.50)./' "$tex"
	grep -q '^.item Prime summing at 2 workers' "$tex"
	run python3 "$BATS_TEST_DIRNAME/report_checks.py" "$dir"
	[ "$status" -eq 1 ] && [[ "$output" == *"a comparison without its sizes: Prime summing at 2 workers"* ]] || { echo "$output"; false; }
}

@test "make bench PROFILE=tiny: the real report passes the same checks" {
	run --separate-stderr sweep --tvp "$TVP" --profile tiny
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	dir="$BATS_TEST_TMPDIR/results/latest"
	run --separate-stderr python3 "$TOP/scripts/analyze.py" report "$dir"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	run python3 "$BATS_TEST_DIRNAME/report_checks.py" "$dir"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "an interrupted sweep leaves results/latest at the last complete run, exit 130, one line" {
	run --separate-stderr sweep --tvp "$TVP" --profile tiny --only primes
	[ "$status" -eq 0 ]
	complete=$(readlink "$BATS_TEST_TMPDIR/results/latest")
	printf '%s\n' 'size tiny  repeat=1 warmup=0' 'run  ok    | primes | serial | 1 | --to 2000' \
		'ext  slow  | primes | python-serial | 1 | sleep 30' >"$BATS_TEST_TMPDIR/slow.def"
	sleep 1 # a new directory name (seconds)
	code=0
	timeout --preserve-status -s INT 3 python3 "$TOP/scripts/sweep.py" --results "$BATS_TEST_TMPDIR/results" --corpus-dir "$BATS_TEST_TMPDIR/corpus" \
		--tvp "$TVP" --profile tiny --def "$BATS_TEST_TMPDIR/slow.def" 2>"$BATS_TEST_TMPDIR/err" || code=$?
	[ "$code" -eq 130 ] || { echo "exit $code"; cat "$BATS_TEST_TMPDIR/err"; false; }
	[ "$(grep -c 'sweep: interrupted' "$BATS_TEST_TMPDIR/err")" -eq 1 ]
	! grep -q Traceback "$BATS_TEST_TMPDIR/err"
	[ "$(readlink "$BATS_TEST_TMPDIR/results/latest")" = "$complete" ]
	partial=$(ls -d "$BATS_TEST_TMPDIR"/results/2* | grep -v "$complete")
	[ -e "$partial/INCOMPLETE" ]
	[ ! -e "$partial/results.json" ]
}

@test "the analysis scripts import one another without a cycle, lazy imports included" {
	python3 - "$TOP/scripts" <<'PY'
import ast, glob, os, sys
mods = {os.path.basename(f)[:-3]: f for f in glob.glob(os.path.join(sys.argv[1], "*.py"))}
deps = {}
for name, path in mods.items():  # every import statement, at the top or inside a function
    found = set()
    for node in ast.walk(ast.parse(open(path).read())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in mods}
        elif isinstance(node, ast.ImportFrom) and node.module in mods:
            found.add(node.module)
    deps[name] = found
def reach(start):
    seen, todo = set(), list(deps[start])
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo += deps[m]
    return seen
cycles = [m for m in deps if m in reach(m)]
assert not cycles, "import cycles through: %s" % ", ".join(sorted(cycles))
PY
}

@test "the fake tvp refuses a model it does not know as tvp does: one line, exit 2, no traceback" {
	fake_tvp
	run --separate-stderr "$FAKE" primes --model nosuch --workers 2
	[ "$status" -eq 2 ]
	[ "$stderr" = "tvp: unknown model 'nosuch' (models: serial, pthread, fork, pool, mpi)" ] # the fake's own models
}

@test "facts: sizes, schedules and hyperfine commands read from the runs' own fields" {
	cd "$TOP/scripts"
	python3 - <<'PY'
import facts
run = lambda **kw: dict({"workers": 3}, **kw)
assert facts.sizes_text({"workload": "primes", "params": {"from": 2, "to": 2000000, "block": 10000}}) == "primes to 2,000,000, block 10,000"
assert facts.sizes_text({"workload": "mandelbrot", "params": {"width": 800, "height": 600, "iterations": 1000}}) == "an 800×600 Mandelbrot image, 1,000 iterations"
assert facts.sizes_text({"workload": "mandelbrot", "params": {"width": 80, "height": 60}}) == "an 80×60 Mandelbrot image"
assert facts.sizes_text({"workload": "mandelbrot", "params": {"width": 400, "height": 300}}) == "a 400×300 Mandelbrot image"
assert facts.sizes_text({"workload": "io", "params": {"requests": 16}}) == "requests=16"
assert facts.schedule_label(run(schedule="static", chunk=100, tasks=3)) == "block (static)"
assert facts.schedule_label(run(schedule="static", chunk=1, tasks=300)) == "line by line (static, chunk 1)"
assert facts.schedule_label(run(schedule="guided", chunk=1, tasks=20)) == "guided, chunk 1"
assert facts.command_run("TVP_FAULT=die:task=4 tvp primes --model fork --workers 2 --to 400 --retry 1") == {"workload": "primes", "params": {"to": 400}}
assert facts.command_run("tvp grep --file c.txt --regex 'a=b' --expect 3")["params"] == {"file": "c.txt", "regex": "a=b"}
assert facts.gil_free_of({"gil_stats": {"free": 0.25}}) == 0.25 and facts.gil_free_of({"gil_stats": None}) is None
assert facts.model_rank("openmp") > facts.model_rank("pool")  # a new model sorts after the known ones
PY
}

@test "the sweep's own runs in the final load average are not a busy machine; other processes' load is" {
	dir="$BATS_TEST_TMPDIR/fixture"
	python3 "$BATS_TEST_DIRNAME/report-fixture.py" "$dir"
	# load START END: the sweep's load averages in the fixture (2 cores), then the report
	load() {
		python3 - "$dir/results.json" "$1" "$2" <<'PY'
import json, sys
path, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
with open(path) as f:
	d = json.load(f)
d["sweep"]["loadavg_start"], d["sweep"]["loadavg_end"] = start, end
with open(path, "w") as f:
	json.dump(d, f)
PY
		python3 "$TOP/scripts/analyze.py" report "$dir" >/dev/null 2>&1
	}
	tex="$dir/report/generated.tex"
	load 0.1 2.1 # a quiet machine after 2 cores' worth of the sweep's own runs
	if grep -q 'machine was busy' "$tex"; then echo "called busy on the sweep's own load"; false; fi
	grep -q '2.10 at the end (the sweep.textquotesingle{}s own runs included)' "$tex"
	load 1.5 2.1 # others kept 1.5 CPUs busy before the sweep began
	grep -q 'machine was busy during the sweep (load average up to 2.1 on 2 cores)' "$tex"
	load 0.1 3.5 # more than the sweep's own runs at the end
	grep -q 'machine was busy during the sweep (load average up to 3.5 on 2 cores)' "$tex"
}

# fixture_tex [PYTHON]: the fixture report's generated.tex (no plots, no LaTeX) in $tex, after
# PYTHON edits the fixture's results.json (the document is d; the edit may be empty).
fixture_tex() {
	dir="$BATS_TEST_TMPDIR/fixture"
	python3 "$BATS_TEST_DIRNAME/report-fixture.py" "$dir"
	python3 - "$dir/results.json" "${1:-}" <<'PY'
import json, sys
path, edit = sys.argv[1], sys.argv[2]
with open(path) as f:
	d = json.load(f)
exec(edit)
with open(path, "w") as f:
	json.dump(d, f)
PY
	run --separate-stderr python3 "$TOP/scripts/analyze.py" tex "$dir"
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	tex="$dir/report/generated.tex"
}

@test "a quiet machine is not called shared in the sections that measured it; a busy one is called busy there" {
	fixture_tex 'd["sweep"]["loadavg_start"], d["sweep"]["loadavg_end"] = 0.5, 2.1'
	grep -q 'Page faults: where processes should win' "$tex"
	if grep -q 'shared with other jobs\|busy while it was measured' "$tex"; then echo "a quiet run called shared"; false; fi
	grep -q 'on 2 cores the gap can only be small' "$tex"
	fixture_tex 'd["sweep"]["loadavg_start"], d["sweep"]["loadavg_end"] = 1.8, 2.5'
	grep -q 'closed form $1 + \\dots + n$. The machine was busy while it was measured (load average up to 2.5 on 2 cores)' "$tex"
	fixture_tex 'd["machine"]["cores_online"] = 8'  # the page-fault text names the machine's cores, not 2
	if grep -q 'on 2 cores the gap' "$tex"; then echo "8 cores called 2"; false; fi
}

@test "schedules: the text says whether the rows divide evenly; the per-worker figure is each worker's CPU time" {
	fixture_tex
	if grep -q 'no schedule can give every worker the same number of rows' "$tex"; then echo "300 rows do divide by 3"; false; fi
	grep -q '3 workers on 2 cores (more workers than cores, so they also take turns on the cores); 300 rows divide evenly (100 each)' "$tex"
	grep -q 'CPU time each \\texttt{pthread} worker spent in the kernel per schedule' "$tex"
	grep -q 'Wall time in the kernel is not drawn: with 3 workers on 2 cores' "$tex"
	# no serial line from another image: the scaling group's Mandelbrot is not the schedules' view
	python3 -c "
import json, sys
job = next(j for j in json.load(open(sys.argv[1])) if j['script'] == 'plots/schedules.gp')
assert job['vars']['serial_s'] == 'NaN', job['vars']" "$dir/data/manifest.json"
	# busy.dat holds the CPU times (worker 0's is 0.6 of its wall time in the kernel), in ms
	python3 - "$dir" <<'PY'
import json, sys
d = json.load(open(sys.argv[1] + "/results.json"))
run = next(r for r in d["runs"] if r["sweep"]["group"] == "mandel-sched" and r["schedule"] == "static")
row = next(l.split() for l in open(sys.argv[1] + "/data/busy.dat") if l.startswith('"block'))
want = [1e3 * w["cpu_s"] for w in run["workers_detail"]]
got = [float(x) for x in row[-3:]]
assert all(abs(g - w) < 1e-3 * w for g, w in zip(got, want)), (got, want)
PY
}

@test "fits on two cores: no overhead-aware p either; the costs the points show are given instead, with intervals" {
	fixture_tex
	[ "$(awk '$1 == "pthread" { print $7 }' "$dir/data/primes-fits.txt")" = "-" ]
	if grep -q 'overhead-aware fit on \$N\$' "$tex"; then echo "an overhead-aware fit from one core count"; false; fi
	grep -q 'pthread}: Karp.*no overhead-aware fit (it needs three core counts too); measured instead: one worker against serial' "$tex"
	grep -q 'each worker past the 2 cores +.*(95\\% interval\|each worker past the 2 cores +[0-9.]*\\,ms ([^;]*; $N = 4$ against $N = 2$)' "$tex"
	# with four cores the same law is fitted, and p printed with its interval
	cd "$TOP/scripts"
	python3 -c "
import stats
serial = [1.0, 1.01, 0.99]
series = {n: [t * (1 / (0.1 + 0.9 / n) ** -1) for t in (1.0, 1.01, 0.99)] for n in (1, 2, 3, 4)}
fit = stats.scaling_fits(serial, series, 4)
assert fit['overhead'] and fit['costs'] is None, fit
fit = stats.scaling_fits(serial, series, 2)
assert fit['overhead'] is None and fit['costs']['past']['to'] == 4, fit
import report_tex
words = report_tex.Writer.cost_words(None, {'first': {'diff': 2e-6, 'low': 0.0, 'high': 6e-6}, 'past': None})
assert words == [r'one worker against serial: no measurable cost (+2.0\\,\\textmu s, 95\\% interval 0\\,s to +6.0\\,\\textmu s)'], words"
}

@test "a figure with nothing fitted on its right is drawn alone, and its caption gives each model's reason" {
	fixture_tex
	if grep -q 'includegraphics.*tinytask-usl' "$tex"; then echo "an empty USL panel"; false; fi
	grep -q 'No USL fit: \\texttt{pthread}, \\texttt{fork}, \\texttt{pool} (slower than serial at every N .textgreater{} 1' "$tex"
	if grep -q 'Karp--Flatt serial fraction where it is one ($S \\ge 1$); a fraction that grows with $N$ points at overhead' "$tex"; then
		echo "growth past the cores blamed on overhead"; false
	fi
	grep -q 'its rise there is time slicing, not overhead' "$tex"
}

@test "claims: no measurable difference is not agreement, a GIL run too short says so, grep's place is judged" {
	fixture_tex
	claim() { awk -v t="$1" 'index($0, t) { on = 1 } on && /Verdict/ { print; exit }' "$tex"; }
	[[ "$(claim 'subsection{Threaded regex search under the GIL}')" == *'Verdict: partly holds here.} Under one interpreter lock'*'slower, as the talk'"'"'s, under the legacy GIL'* ]]
	[[ "$(claim 'subsection{File search')" == *'Verdict: partly holds here.'*'GNU grep was not the fastest whole process here'* ]]
	grep -q 'GNU grep against the fastest other whole process' "$tex"
	grep -q 'under the modern GIL at 2 workers: threads against the process pool: .*(a run of 3.0\\,ms, 1 switch interval, 1 hand-off: too short to say much about the lock)' "$tex"
	if grep -q 'Real CPython 3.11 on this machine' "$tex"; then echo "another machine's numbers quoted as this one's"; false; fi
	grep -q 'must wait for the lock each time its I/O returns' "$tex"
	# the Amdahl claim and the --gil-free figure count the same medians
	figure=$(grep -o '[0-9]* of the [0-9]* measured medians fall inside it' "$tex" | awk '{ print $1 "/" $4 }')
	claimed=$(grep -o 'and [0-9]* of the [0-9]* medians lie in it' "$tex" | awk '{ print $2 "/" $5 }')
	[ -n "$figure" ] && [ "$figure" = "$claimed" ]
}

@test "fidelity: tvp's runs are compared with their own workload's peers; mpi is judged against fork too" {
	fixture_tex
	grep -q 'Serial runs, mandelbrot:.*primes: tvp 2.9\\,ms to 3.1\\,ms, the peers 1.9\\,ms to 2.0\\,ms\|On primes some tvp\|Every tvp serial run lasted' "$tex"
	grep -q 'Every tvp serial run lasted at least as long as its workload.textquotesingle{}s peers' "$tex" ||
		grep -q 'Serial runs, primes: tvp' "$tex"
	if grep -q 'Some tvp runs were shorter' "$tex"; then echo "tvp's primes compared with the peers' mandelbrot"; false; fi
	grep -q 'mpi against the pool: .*; against fork: ' "$tex"
	grep -q 'Fidelity of the modern GIL.*real interpreter.s (CPython 3.11.7); tvp.s threaded primes runs under it were too short' "$tex"
	grep -q 'the pool against fork: 1.8[0-9]x slower.*so the difference is in the computing itself' "$tex"
	grep -q 'start-up (once)' "$tex"
	grep -q 'startup\\_s}: one sample per configuration' "$tex"
}

@test "a comparison with noisy repeats says so; grep's input figure has a log axis when its times span a decade" {
	fixture_tex 'for r in d["runs"]:
	if r["sweep"]["group"] == "grep-input" and r["params"]["input"] == "ship":
		r["wall_s"] = {k: (v * 20 if k != "all" else [x * 20 for x in v]) for k, v in r["wall_s"].items()}'
	grep -q 'no measurable difference (ratio 0.97[^)]*), with noisy repeats: \\texttt{pthread} at 3 workers (CV' "$tex"
	python3 - "$dir/data/manifest.json" <<'PY'
import json, sys
jobs = [j for j in json.load(open(sys.argv[1])) if j["script"] == "plots/grepinput.gp"]
assert jobs and all(j["vars"]["logtime"] == 1 for j in jobs), jobs
PY
}

@test "a run whose kernels took far more CPU time than the serial run's for the same work is marked in its table" {
	fixture_tex 'for r in d["runs"]:
	if r["sweep"]["group"] == "gil" and r["gil"] == "off" and r["model"] == "pool" and r["workers"] == 2:
		for w in r["workers_detail"]: w["cpu_s"] *= 2'
	grep -q '^\\texttt{pool} & 2 & [0-9.]*\$^\\S\$ & ' "$tex"
	grep -q '^\$^\\S\$ its workers spent 1.5 or more times the serial run.textquotesingle{}s CPU time in the kernel\|^\$^\\S\$ its workers spent 1.5 or more times the serial run' "$tex"
}

@test "a short run under the simulated GIL says little only when the lock also changed hands rarely" {
	fixture_tex 'import copy
for r in [r for r in d["runs"] if r["sweep"]["group"] == "gil" and r["gil"] == "modern"]:
	legacy = copy.deepcopy(r)
	legacy["gil"] = "legacy"
	if legacy["gil_stats"]:
		legacy["gil_stats"]["handoffs"] = 500
	d["runs"].append(legacy)'
	grep -q '^modern & \\texttt{pthread} & 2 & 3.0\\,ms\$^\\ddagger\$ & 1 & ' "$tex"
	grep -q '^legacy & \\texttt{pthread} & 2 & 3.0\\,ms & 500 & ' "$tex"
	grep -q 'under the modern GIL at 2 workers: threads against the process pool: .*too short to say much about the lock' "$tex"
	if grep -q 'under the legacy GIL at 2 workers: threads against the process pool: .*too short' "$tex"; then
		echo "a legacy run with 500 hand-offs called too short"; false
	fi
}

@test "claims and cross-checks say what their runs do: the retry's cost unmeasured, the pool started before its first run" {
	fixture_tex
	grep -q 'the cost is one fork and the task run twice, too small to measure at these sizes' "$tex"
	grep -q 'the pool pays it once, before its first run' "$tex"
	grep -q 'threads start cheaper than forked processes, so they are not behind them' "$tex"
	grep -q 'Each tvp process here runs one repeat and no warm-up' "$tex"
}

@test "an undefined p names the speedup with the digits it takes to differ from its bound (0.996 < 1, not 1.00 < 1)" {
	cd "$TOP/scripts"
	python3 -c "
import stats
for speedup, workers, want in ((0.996, 2, 'S(2)=0.996 < 1'), (0.91, 2, 'S(2)=0.91 < 1'),
                               (2.001, 2, 'S(2)=2.001 > 2'), (2.04, 2, 'S(2)=2.04 > 2')):
    text = stats.undefined_p_text(speedup, workers)
    assert want in text, (speedup, text)"
}

#!/usr/bin/env bats
# exercises.bats - every instructor solution passes its checker, every untouched starter fails
# its checker for the planted reason, and the student edition holds no solution.

bats_require_minimum_version 1.5.0

load exercises_helper

@test "every exercise has a handout, a checker and masters whose starter and solution differ; no hand-kept copy" {
	local dir name master found=0 generated=0
	for dir in "$EXERCISES_DIR"/[0-9][0-9]-*/; do
		name=$(basename "$dir")
		found=$((found + 1))
		[ -s "$dir/README.md" ] || { echo "$name: no README.md"; return 1; }
		[ -s "$dir/check.sh" ] || { echo "$name: no check.sh"; return 1; }
		[ -d "$EXERCISES_DIR/solutions/$name" ] || { echo "$name: no solutions/$name (masters)"; return 1; }
		# The code has one source: no starter is kept beside its master.
		for master in "$EXERCISES_DIR/solutions/$name"/*; do
			[ "$(basename "$master")" != NOTES.md ] || continue
			[ ! -e "$dir/$(basename "$master")" ] || { echo "$name: $(basename "$master") kept by hand beside its master"; return 1; }
			awk -v edition=starter -f "$EXERCISES_DIR/tools/edition.awk" "$master" >"$BATS_TEST_TMPDIR/starter"
			awk -v edition=solution -f "$EXERCISES_DIR/tools/edition.awk" "$master" >"$BATS_TEST_TMPDIR/solution"
			! cmp -s "$BATS_TEST_TMPDIR/starter" "$BATS_TEST_TMPDIR/solution" ||
				{ echo "$name: the starter of $(basename "$master") equals its solution"; return 1; }
			generated=$((generated + 1))
		done
		ls "$EXERCISES_DIR/solutions/$name"/*.c >/dev/null || { echo "$name: no code to write"; return 1; }
	done
	[ "$found" -ge 8 ]
	[ "$generated" -ge "$found" ]
}

@test "make -C exercises instructor: every lab with its generated solution and notes, no marker left" {
	run make -s --no-print-directory -C "$EXERCISES_DIR" instructor BUILD_DIR="$BATS_TEST_TMPDIR/b"
	echo "$output"
	[ "$status" -eq 0 ]
	local tree="$BATS_TEST_TMPDIR/b/instructor" master name labs=0
	for master in "$EXERCISES_DIR"/solutions/[0-9][0-9]-*/*; do
		name=$(basename "$(dirname "$master")")/$(basename "$master")
		[ -f "$tree/$name" ] || { echo "no $name"; return 1; }
		[ "$(basename "$master")" = NOTES.md ] && continue
		awk -v edition=solution -f "$EXERCISES_DIR/tools/edition.awk" "$master" | cmp -s - "$tree/$name" ||
			{ echo "$name is not the solution made from its master"; return 1; }
	done
	for name in "$tree"/*/; do
		labs=$((labs + 1))
		[ -f "$name/README.md" ] && [ -f "$name/check.sh" ] || { echo "$name lacks its handout or checker"; return 1; }
	done
	[ "$labs" -eq 12 ]
	! grep -rl -E 'BEGIN (SOLUTION|STARTER)|END SOLUTION' "$tree"
}

@test "edition.awk: a master makes the starter and the solution; a malformed one is refused (exit 2)" {
	local edition="$EXERCISES_DIR/tools/edition.awk" master="$BATS_TEST_TMPDIR/master.c"
	printf '%s\n' 'int f(void)' '{' '	/* BEGIN SOLUTION */' '	return 42 * 1000000;' '	/* BEGIN STARTER */' \
		'	//| /* TODO: the answer */' '	//| return 0;' '	/* END SOLUTION */' '}' >"$master"
	run awk -v edition=starter -f "$edition" "$master"
	[ "$status" -eq 0 ]
	[ "$output" = $'int f(void)\n{\n\t/* TODO: the answer */\n\treturn 0;\n}' ]
	run awk -v edition=solution -f "$edition" "$master"
	[ "$status" -eq 0 ]
	[ "$output" = $'int f(void)\n{\n\treturn 42 * 1000000;\n}' ]
	run awk -v edition=secret -f "$edition" "$master"
	[ "$output" = $'\treturn 42 * 1000000;' ]
	printf '%s\n' '/* BEGIN SOLUTION */' 'x' >"$master"
	run awk -v edition=starter -f "$edition" "$master"
	[ "$status" -eq 2 ]
	[[ "$output" == *"a solution part is not closed"* ]]
	printf '%s\n' '/* BEGIN SOLUTION */' '/* BEGIN STARTER */' 'not prefixed' '/* END SOLUTION */' >"$master"
	run awk -v edition=starter -f "$edition" "$master"
	[ "$status" -eq 2 ]
	[[ "$output" == *"master.c:3: a starter line must begin with //| or #|"* ]]
}

@test "exercise 01 (fork vs thread): the solution passes its checker" {
	expect_pass 01 6
}

@test "exercise 01 (fork vs thread): the starter fails: children never reaped, no ratio" {
	expect_starter_fails 01 "wait/waitpid reaped 0 children" "zombie(s)" \
		"no line 'ratio      processes/threads R'"
}

@test "exercise 02 (psum): the solution passes its checker; only the speed bound is skipped, and it says so" {
	expect_pass 02 7
	[[ "$output" == *"skipped: TVP_EX_NO_SPEED is set: the speed bound is skipped, correctness was still checked"* ]]
	[[ "$output" == *"psum-local gets the right sum with 1, 2 and 3 threads ... ok"* ]]
}

@test "exercise 02 (psum): on one core the speed bound is skipped with a message, not failed" {
	command -v taskset >/dev/null || skip "taskset (util-linux) is not installed"
	TVP_EX_NO_SPEED='' run taskset -c 0 make -s --no-print-directory -C "$EXERCISES_DIR" check \
		EX=02 EDITION=solution BUILD_DIR="$EX_BUILD"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"skipped: this machine has 1 core: no speedup can be measured here"* ]]
}

@test "exercise 02 (psum): the starter fails: psum-local sums nothing, padded slots share a line" {
	expect_starter_fails 02 "test 5: psum-local gets the right sum with 1, 2 and 3 threads ... FAILED" \
		"padded slots are 8 bytes apart"
}

@test "exercise 03 (results from a child): the solution passes its checker" {
	expect_pass 03 3
}

@test "exercise 03 (results from a child): the starter hangs on large results and is killed; shm results are wrong" {
	expect_starter_fails 03 "test 1: small results (1000 units) come back through pipes, all correct ... ok" \
		"it HUNG: still running after 3 s" "killed them all (SIGKILL) and reaped them" \
		"check: WRONG"
	# Nothing of the hung run survives.
	if running "$EX_BUILD/student/03-child-results/results"; then
		echo "a process of the hung run survived"
		return 1
	fi
}

@test "exercise 04 (load balance): the solution passes its checker; only the speed bound is skipped" {
	expect_pass 04 9
	[[ "$output" == *"test 2: the serial image is tvp mandelbrot's: the same checksum ... ok"* ]]
	[[ "$output" == *"test 8: dynamic follows a slow thread: with --slow 0, thread 0 computes under half its share ... ok"* ]]
	[[ "$output" == *"skipped: TVP_EX_NO_SPEED is set"* ]]
}

@test "exercise 04 (load balance): the starter fails: cyclic and random miss the last rows, dynamic computes none" {
	expect_starter_fails 04 "test 3: static computes every row exactly once and gets the serial checksum ... ok" \
		"cyclic with 3 threads on 200 rows: 2 rows computed 0 times (198 199)" \
		"dynamic with 3 threads on 200 rows: 200 rows computed 0 times" \
		"random with 3 threads on 200 rows: 2 rows computed 0 times" \
		"fix next_row_cyclic in $EX_BUILD/src/student/04-load-balance/balance.c (TODO 1)"
}

@test "exercise 05 (ship or share): the solution passes its checker; tvp's ship and shared times are shown" {
	expect_pass 05 7
	[[ "$output" == *"test 4: a file with no final newline, lines ending exactly at unit ends: both strategies count 50 ... ok"* ]]
	[[ "$output" == *"test 5: bytes moved: "*"... ok (ship "*", share 24 with 3 workers on "*" bytes)"* ]]
	[[ "$output" == *"skipped: TVP_EX_NO_SPEED is set"* ]]
	[[ "$output" == *"test 7: for comparison: tvp grep"*"... ok (tvp: ship "*" s, shared "*" s)"* ]]
}

@test "exercise 05 (ship or share): the starter fails: share misses lines at cuts, ship sends nothing" {
	expect_starter_fails 05 "test 1: shipshare runs both strategies on a 2000-line corpus and reaps its workers ... ok" \
		"share counted 124, grep -c -E counts 127: small.txt" \
		"share counted 0, grep -c -E counts 50: edges.txt, --literal ab --workers 2 --unit-bytes 16" \
		"ship counted 0, grep -c -E counts 127" \
		"ship moved 16 bytes with 2 workers; want " \
		"then fix first_line_start in $EX_BUILD/src/student/05-ship-or-share/shipshare.c (TODO 1)"
}

@test "exercise 07 (Amdahl and beyond): the solution passes its checker, a tvp sweep of this machine included" {
	expect_pass 07 8
	[[ "$output" == *"test 7: a sweep of this machine: tvp primes --model pool"*"... ok"* ]]
}

@test "exercise 07 (Amdahl and beyond): the starter fails: Karp-Flatt and the Amdahl fit give 0" {
	expect_starter_fails 07 "N = 2: e = 0.0000, want 0.0500" \
		"want - (NAN: 0/0" \
		"p = 0.0000, want 0.9500" "p = 0.0000, want 0.9222" \
		"write karp_flatt in $EX_BUILD/src/student/07-amdahl/amdahl.c (TODO 1)"
}

@test "exercise 06 (the GIL): the solution passes its checker; only the timing bounds are skipped" {
	expect_pass 06 8
	[[ "$output" == *"test 4: amdahl reads a real sweep"*"... ok (p at --gil-free 0.00 0.25 0.50 0.75 1.00: "* ]]
	[[ "$output" == *"test 5: the sweep respects the lock"*"skipped: TVP_EX_NO_SPEED is set"* ]]
	[[ "$output" == *"test 6: processes beat threads"*"skipped: TVP_EX_NO_SPEED is set"* ]]
}

@test "exercise 06 (the GIL): the starter fails: no predictions written, fit_p returns 0" {
	expect_starter_fails 06 \
		"test 1: your predictions are written down in $EX_BUILD/src/student/06-gil/answers.txt (before you measure) ... FAILED" \
		"predict_faster = ?: want threads, processes or same" \
		"0.70/primes/pthread          want p 0.7000, amdahl printed 0.000" \
		"0.90/primes/pthread          want p -, amdahl printed 0.000" \
		"(the remaining tests need this one to pass: stopping here)"
}

@test "exercise 06 (the GIL): a fit that averages each point's own p passes exact points, fails noisy ones" {
	make -s --no-print-directory -C "$EXERCISES_DIR" build EX=06 EDITION=solution BUILD_DIR="$EX_BUILD"
	local bin="$BATS_TEST_TMPDIR/bin"
	mkdir -p "$bin"
	sed -e 's|^\t\tsum_ab += a \* b;|\t\tif (a > 0) { sum_ab += b / a; sum_aa += 1; }|' \
		-e '/^\t\tsum_aa += a \* a;/d' "$EXERCISES_DIR/solutions/06-gil/amdahl.c" >"$bin/mean.c"
	grep -q 'sum_ab += b / a' "$bin/mean.c"
	cc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$bin/amdahl" "$bin/mean.c" -lm
	run env EX_NUM=06 EX_NAME=06-gil EX_EDITION=solution EX_BIN="$bin" EX_TOOLS="$EX_BUILD/tools" \
		bash "$EXERCISES_DIR/06-gil/check.sh"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"test 2: amdahl fits p = 0.700 to exact Amdahl points (2, 3 and 4 workers) ... ok"* ]]
	[[ "$output" == *"0.40/primes/pthread          want p 0.4941, amdahl printed 0.478"* ]]
}

# student_tree DIR: the student edition (make student), unpacked into DIR; prints its top.
student_tree() {
	bash "$EXERCISES_DIR/tools/student-edition.sh" "$1/student.tar.gz" >/dev/null
	tar -xzf "$1/student.tar.gz" -C "$1"
	echo "$1/tvp-student"
}

@test "exercise 06 (the GIL): test 7 checks the answers against the student's own saved runs" {
	local top answers runs
	top=$(student_tree "$BATS_TEST_TMPDIR")
	answers="$top/exercises/06-gil/answers.txt" runs="$top/build/gil-runs"
	# A student who wrote fit_p and the predictions, then did steps 4 to 7 (record.sh, the
	# instructor's steps, stands in for the hand-typed commands) on small runs.
	awk -v edition=solution -f "$EXERCISES_DIR/tools/edition.awk" "$EXERCISES_DIR/solutions/06-gil/amdahl.c" \
		>"$top/exercises/06-gil/amdahl.c"
	sed -i -e 's/^predict_faster = ?/predict_faster = same/' -e 's/^predict_legacy = ?/predict_legacy = same/' \
		-e 's/^predict_p_half = ?/predict_p_half = 0.5/' "$answers"
	make -s --no-print-directory -C "$top/exercises" build EX=06 TVP="${TVP:-$BATS_TEST_DIRNAME/../../build/tvp}" >/dev/null
	TVP="${TVP:-$BATS_TEST_DIRNAME/../../build/tvp}" PEERS="$top/peers/python/primes.py" \
		bash "$EXERCISES_DIR/solutions/06-gil/record.sh" "$runs" "$answers" \
		"$top/build/exercises/student/06-gil/amdahl" 200000
	ex06() {
		run make -s --no-print-directory -C "$top/exercises" check EX=06 TVP="${TVP:-$BATS_TEST_DIRNAME/../../build/tvp}"
		echo "$output"
	}
	ex06
	[ "$status" -eq 0 ]
	[[ "$output" == *"test 7: your measured answers in exercises/06-gil/answers.txt agree with your own runs in build/gil-runs/ ... ok"* ]]
	# An answer that is not what the student's runs say fails, with the file that says otherwise.
	local p_half faster
	p_half=$(sed -n 's/^p_half = //p' "$answers")
	sed -i "s/^p_half = .*/p_half = $(awk -v p="$p_half" 'BEGIN { printf "%.3f", p + 0.1 }')/" "$answers"
	faster=$(sed -n 's/^faster = //p' "$answers")
	sed -i "s/^faster = .*/faster = $([ "$faster" = threads ] && echo processes || echo threads)/" "$answers"
	ex06
	[ "$status" -ne 0 ]
	[[ "$output" == *"exercise 06: 1 of 8 tests FAILED."* ]]
	[[ "$output" == *"p_half = "*", but the least-squares fit of build/gil-runs/sweep/ at --gil-free 0.50 gives "* ]]
	[[ "$output" == *"faster = "*", but your ratio_process_thread "*" says $faster"* ]]
	# A run that was never saved is named.
	rm "$runs/fork.json"
	ex06
	[ "$status" -ne 0 ]
	[[ "$output" == *"build/gil-runs/fork.json is missing"* ]]
	# The wrong run saved under a name is named too.
	cp "$runs/pthread.json" "$runs/fork.json"
	ex06
	[[ "$output" == *"build/gil-runs/fork.json is --model pthread --workers 2 --gil modern, want --model fork --workers 2 --gil modern"* ]]
}

@test "exercise 06 (the GIL): the handout shows the form of the answers, not a passing set" {
	local handout="$EXERCISES_DIR/06-gil/README.md"
	# No measured line with a value in it: a student could copy it.
	! grep -E '^(ratio_process_thread|faster|ratio_legacy_serial|p_half|p_one|python_ratio_thread_serial) = [0-9a-z]' "$handout"
	grep -q '^ratio_process_thread = 0.NN$' "$handout"
	grep -q 'build/gil-runs/' "$handout"
}

@test "exercise 01 (fork vs thread): question 4 asks the student to measure, and leaves the verdict open" {
	local q4
	q4=$(sed -n '/^4\. A task takes 20 µs/,/^$/p' "$EXERCISES_DIR/01-fork-vs-thread/README.md")
	echo "$q4"
	[[ "$q4" == *"build/tvp overhead"* ]]
	[[ "$q4" == *"Does your machine agree?"* ]]
	[[ "$q4" != *"(This is the tiny-task result"* ]]
}

@test "exercise 08 (a race to find): the solution passes its checker, TSan build included" {
	expect_pass 08 3
}

@test "exercise 08 (a race to find): the starter fails: ThreadSanitizer reports its races" {
	expect_starter_fails 08 "ThreadSanitizer reported" "in add_prime" "in fill_small_primes"
}

@test "a lab whose checker does not run tvp checks without building tvp" {
	# TVP names no binary: a check that needed it (or built it) would stop with exit 2.
	run make -s --no-print-directory -C "$EXERCISES_DIR" check EX=01 EDITION=solution BUILD_DIR="$EX_BUILD" \
		TVP="$BATS_TEST_TMPDIR/no-tvp-here"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"exercise 01: all 6 tests passed."* ]]
	[[ "$output" != *"no tvp binary"* ]]
	run make -s --no-print-directory -C "$EXERCISES_DIR" check EX=07 EDITION=solution BUILD_DIR="$EX_BUILD" \
		TVP="$BATS_TEST_TMPDIR/no-tvp-here"
	[ "$status" -eq 2 ]
	[[ "$output" == *"exercises: no tvp binary at $BATS_TEST_TMPDIR/no-tvp-here"* ]]
}

@test "check names the exercises when EX is missing or unknown (exit 2)" {
	run make -s --no-print-directory -C "$EXERCISES_DIR" check EX=99 BUILD_DIR="$EX_BUILD"
	[ "$status" -eq 2 ]
	[[ "$output" == *"no exercise '99'"* ]]
	[[ "$output" == *"01-fork-vs-thread"* ]]
}

@test "make student: the tarball lists no solution, and exercise 01 builds and checks from it" {
	local tarball="$BATS_TEST_TMPDIR/student.tar.gz" unpacked="$BATS_TEST_TMPDIR/unpacked"
	run bash "$EXERCISES_DIR/tools/student-edition.sh" "$tarball"
	echo "$output"
	[ "$status" -eq 0 ]
	# Listed by path: no solutions/ anywhere.
	run tar -tzf "$tarball"
	[ "$status" -eq 0 ]
	[[ "$output" == *"tvp-student/exercises/01-fork-vs-thread/forkthread.c"* ]]
	[[ "$output" != *solutions/* ]]
	# By content: no file equal to a solution file.
	mkdir "$unpacked"
	tar -xzf "$tarball" -C "$unpacked"
	local solution sums="$BATS_TEST_TMPDIR/sums" generated="$BATS_TEST_TMPDIR/generated"
	(cd "$unpacked" && find . -type f -exec sha256sum {} +) >"$sums"
	while IFS= read -r solution; do
		awk -v edition=solution -f "$EXERCISES_DIR/tools/edition.awk" "$solution" >"$generated"
		for file in "$solution" "$generated"; do
			sum=$(sha256sum <"$file" | cut -d' ' -f1)
			! grep -q "^$sum " "$sums" || { echo "content of $file ($solution) is in the tarball"; return 1; }
		done
	done < <(find "$EXERCISES_DIR/solutions" -type f)
	# Every lab's code is there, as a starter made from its master, with no marker left.
	for solution in "$EXERCISES_DIR"/solutions/[0-9][0-9]-*/*.c; do
		file="$unpacked/tvp-student/exercises/$(basename "$(dirname "$solution")")/$(basename "$solution")"
		[ -f "$file" ] || { echo "no starter $file"; return 1; }
		awk -v edition=starter -f "$EXERCISES_DIR/tools/edition.awk" "$solution" | cmp -s - "$file" ||
			{ echo "$file is not the starter made from $solution"; return 1; }
		! grep -q 'SOLUTION' "$file" || { echo "$file holds a marker"; return 1; }
	done
	# Every exercise builds from the tarball alone.
	local dir
	for dir in "$unpacked"/tvp-student/exercises/[0-9][0-9]-*/; do
		make -s --no-print-directory -C "$unpacked/tvp-student/exercises" build \
			EX="$(basename "$dir" | cut -c1-2)" >/dev/null ||
			{ echo "$(basename "$dir") does not build from the tarball"; return 1; }
	done
	# A student's first step works from the tarball alone: it builds, the checker fails for the TODO.
	run make -s --no-print-directory -C "$unpacked/tvp-student/exercises" check EX=01
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" != *"does not build"* ]]
	[[ "$output" == *"wait/waitpid reaped 0 children"* ]]
	run make -s --no-print-directory -C "$unpacked/tvp-student/exercises" check EX=01 EDITION=solution
	[ "$status" -ne 0 ]
	[[ "$output" == *"this is the student edition"* ]]
}

# copy_tree DIR: the tracked files of the tree, copied into DIR.
copy_tree() {
	mkdir "$1"
	(cd "$EXERCISES_DIR/.." && git ls-files -z | xargs -0 cp --parents -t "$1")
}

@test "the student-edition check refuses a tree with a copy of a solution beside a starter" {
	local copy="$BATS_TEST_TMPDIR/tree"
	copy_tree "$copy"
	awk -v edition=solution -f "$EXERCISES_DIR/tools/edition.awk" "$copy/exercises/solutions/01-fork-vs-thread/forkthread.c" \
		>"$copy/exercises/01-fork-vs-thread/forkthread-copy.c"
	git -C "$copy" init -q && git -C "$copy" add -A
	run bash "$copy/exercises/tools/student-edition.sh" "$BATS_TEST_TMPDIR/leaky.tar.gz"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"have the content of a solution file"*"forkthread-copy.c"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/leaky.tar.gz" ]
}

@test "the student-edition check refuses a master whose starter text holds a line of its solution" {
	local copy="$BATS_TEST_TMPDIR/tree" master
	copy_tree "$copy"
	master="$copy/exercises/solutions/01-fork-vs-thread/forkthread.c"
	grep -q '^		if (waitpid(pid, &status, 0) != pid)$' "$master"
	awk '{ print } /TODO 1: wait for this child/ { print "\t\t//| if (waitpid(pid, &status, 0) != pid)" }' \
		"$master" >"$master.new" && mv "$master.new" "$master"
	grep -q '//| if (waitpid(pid, &status, 0) != pid)' "$master"
	run bash "$copy/exercises/tools/student-edition.sh" "$BATS_TEST_TMPDIR/leaky.tar.gz"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"01-fork-vs-thread/forkthread.c in the tarball holds lines of the solution: "*"waitpid(pid, &status, 0)"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/leaky.tar.gz" ]
}

@test "ex-run kills and reaps a child left running, counts it as an orphan, and times out a hang" {
	make -s --no-print-directory -C "$EXERCISES_DIR" build EX=01 BUILD_DIR="$EX_BUILD"
	local report="$BATS_TEST_TMPDIR/report" marker="tvp-ex-run-orphan-$$"
	run "$EX_BUILD/tools/ex-run" --report "$report" -- bash -c "exec -a $marker sleep 60 & exit 0"
	[ "$status" -eq 0 ]
	[ "$(cat "$report")" = "status=0 timed_out=0 zombies=0 orphans=1" ]
	if running "$marker"; then
		echo "a process left by the program survived"
		return 1
	fi
	run "$EX_BUILD/tools/ex-run" --timeout 1 --report "$report" -- bash -c "exec -a $marker sleep 60"
	[ "$status" -eq 124 ]
	[[ "$output" == *"did not finish in 1 s"*"killed them all"* ]]
	[[ "$(cat "$report")" == *"timed_out=1"* ]]
	if running "$marker"; then
		echo "a process left by the program survived"
		return 1
	fi
}

@test "count.so counts the forks, reaps, thread creations and joins that succeed" {
	make -s --no-print-directory -C "$EXERCISES_DIR" build EX=01 BUILD_DIR="$EX_BUILD"
	local counts="$BATS_TEST_TMPDIR/counts"
	EX_COUNT_FILE="$counts" run "$EX_BUILD/tools/ex-run" --preload "$EX_BUILD/tools/count.so" -- \
		bash -c 'true & true & wait; exit 0'
	[ "$status" -eq 0 ]
	[[ "$(cat "$counts")" == "forks=2 reaped=2 threads=0 joined=0" ]]
	# waitid reaps too (python3 calls the libc functions through its os module).
	EX_COUNT_FILE="$counts" run "$EX_BUILD/tools/ex-run" --preload "$EX_BUILD/tools/count.so" -- \
		python3 -c 'import os
pid = os.fork()
if pid == 0:
    os._exit(0)
os.waitid(os.P_PID, pid, os.WEXITED)'
	[ "$status" -eq 0 ]
	[[ "$(cat "$counts")" == "forks=1 reaped=1 threads=0 joined=0" ]]
}

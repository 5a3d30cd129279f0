#!/usr/bin/env bats
# grep.bats - tvp corpus and the grep workload's command line: the file, its errors, JSON.

bats_require_minimum_version 1.5.0
load helpers

# agrees_with_grep FILE RE ARGS...: tvp grep ARGS counts RE in FILE as
# LC_ALL=C grep -c -E does, verified (exit 0).
agrees_with_grep() {
	local file=$1 re=$2 want
	shift 2
	want=$(LC_ALL=C grep -c -E -- "$re" "$file" 2>/dev/null || true)
	run --separate-stderr "$TVP" grep --file "$file" --regex "$re" --format csv "$@"
	[ "$status" -eq 0 ] || { echo "'$re' $*: exit $status: $stderr"; return 1; }
	[[ "${lines[1]}" == *",$want,true,"* ]] || { echo "'$re' $*: ${lines[1]}, grep $want"; return 1; }
}

@test "tvp corpus writes lines of 10-80 characters of [a-z ], the same for the same seed" {
	run "$TVP" corpus --lines 5000 --seed 7 --out "$BATS_TEST_TMPDIR/a.txt"
	[ "$status" -eq 0 ]
	[[ "$output" == "tvp corpus: 5000 lines, "* ]]
	"$TVP" corpus --lines 5000 --seed 7 --out "$BATS_TEST_TMPDIR/b.txt" >/dev/null
	"$TVP" corpus --lines 5000 --seed 8 --out "$BATS_TEST_TMPDIR/c.txt" >/dev/null
	cmp "$BATS_TEST_TMPDIR/a.txt" "$BATS_TEST_TMPDIR/b.txt"
	! cmp -s "$BATS_TEST_TMPDIR/a.txt" "$BATS_TEST_TMPDIR/c.txt"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/a.txt")" -eq 5000 ]
	[ "$(LC_ALL=C grep -cvE '^[a-z ]{10,80}$' "$BATS_TEST_TMPDIR/a.txt")" -eq 0 ]
	# both ends of the length range and a space occur
	[ "$(awk 'length == 10' "$BATS_TEST_TMPDIR/a.txt" | wc -l)" -gt 0 ]
	[ "$(awk 'length == 80' "$BATS_TEST_TMPDIR/a.txt" | wc -l)" -gt 0 ]
	grep -q ' ' "$BATS_TEST_TMPDIR/a.txt"
}

@test "tvp corpus --lines 0 writes an empty file; the default is a few MB" {
	"$TVP" corpus --lines 0 --out "$BATS_TEST_TMPDIR/empty.txt" >/dev/null
	[ -f "$BATS_TEST_TMPDIR/empty.txt" ] && [ ! -s "$BATS_TEST_TMPDIR/empty.txt" ]
	"$TVP" corpus --out "$BATS_TEST_TMPDIR/default.txt" >/dev/null
	size=$(stat -c %s "$BATS_TEST_TMPDIR/default.txt")
	[ "$size" -gt 1000000 ] && [ "$size" -lt 10000000 ]
}

@test "tvp corpus: bad input is one line and exit 2, and writes nothing" {
	local dir=$BATS_TEST_TMPDIR/out
	mkdir "$dir"
	expect_usage_error corpus
	expect_usage_error corpus --out
	expect_usage_error corpus --lines -3 --out "$dir/x"
	expect_usage_error corpus --lines many --out "$dir/x"
	expect_usage_error corpus --seed x --out "$dir/x"
	expect_usage_error corpus --out "$dir/no/such/dir/x"
	expect_usage_error corpus --frobnicate
	[ -z "$(ls "$dir")" ]
}

@test "tvp corpus interrupted leaves neither the file nor a temporary one" {
	local dir=$BATS_TEST_TMPDIR/out
	mkdir "$dir"
	"$TVP" corpus --lines 20M --out "$dir/big.txt" >/dev/null 2>&1 &
	local pid=$!
	sleep 0.3
	kill -TERM "$pid"
	local status=0
	wait "$pid" || status=$?
	[ "$status" -eq 143 ] # died of SIGTERM, as a killed program should
	[ -z "$(ls "$dir")" ]
}

@test "tvp corpus replaces an existing file only when complete" {
	local dir=$BATS_TEST_TMPDIR/out
	mkdir "$dir"
	echo old >"$dir/c.txt"
	"$TVP" corpus --lines 10 --out "$dir/c.txt" >/dev/null
	[ "$(wc -l <"$dir/c.txt")" -eq 10 ]
	[ "$(ls "$dir")" = c.txt ]
}

@test "tvp --list names grep and the corpus command" {
	run "$TVP" --list
	grep -Eq '^  grep +[A-Za-z]' <<<"$output"
	grep -Eq '^  corpus +[A-Za-z]' <<<"$output"
}

@test "tvp grep: a missing option, file, engine or input is one line and exit 2" {
	"$TVP" corpus --lines 100 --out "$BATS_TEST_TMPDIR/c.txt" >/dev/null
	expect_usage_error grep --regex a
	expect_usage_error grep --file "$BATS_TEST_TMPDIR/c.txt"
	expect_usage_error grep --file "$BATS_TEST_TMPDIR/none.txt" --regex a
	expect_usage_error grep --file "$BATS_TEST_TMPDIR" --regex a
	expect_usage_error grep --file "$BATS_TEST_TMPDIR/c.txt" --regex a --engine re2
	expect_usage_error grep --file "$BATS_TEST_TMPDIR/c.txt" --regex a --input queue
	expect_usage_error grep --file "$BATS_TEST_TMPDIR/c.txt" --regex a --unit-bytes 0
}

@test "tvp grep: an unreadable file is one line and exit 2" {
	[ "$(id -u)" -ne 0 ] || skip "root reads every file"
	"$TVP" corpus --lines 100 --out "$BATS_TEST_TMPDIR/c.txt" >/dev/null
	chmod 000 "$BATS_TEST_TMPDIR/c.txt"
	expect_usage_error grep --file "$BATS_TEST_TMPDIR/c.txt" --regex a
}

@test "tvp grep: a regex GNU grep refuses is refused with grep's message, by both engines" {
	"$TVP" corpus --lines 100 --out "$BATS_TEST_TMPDIR/c.txt" >/dev/null
	for engine in pcre2 posix; do
		expect_usage_error grep --file "$BATS_TEST_TMPDIR/c.txt" --regex 'ab(c' --engine "$engine"
		[ "$stderr" = "tvp: grep: invalid regex 'ab(c': Unmatched ( or \\(" ]
		expect_usage_error grep --file "$BATS_TEST_TMPDIR/c.txt" --regex 'x[[:nope:]]' --engine "$engine"
		[ "$stderr" = "tvp: grep: invalid regex 'x[[:nope:]]': Invalid character class name" ]
		expect_usage_error grep --file "$BATS_TEST_TMPDIR/c.txt" --regex '[:space:]' --engine "$engine"
		[[ "$stderr" == *"character class syntax is [[:space:]], not [:space:]" ]]
		expect_usage_error grep --file "$BATS_TEST_TMPDIR/c.txt" --regex 'a{}' --engine "$engine"
		! LC_ALL=C grep -E 'a{}' "$BATS_TEST_TMPDIR/c.txt" 2>/dev/null || false
	done
}

@test "tvp grep: what GNU grep accepts is never refused (a), {1, a**, a+?, *a, ^*a)" {
	printf 'a)\n{1\nb\n*a\nxa\n' >"$BATS_TEST_TMPDIR/odd.txt"
	for re in 'a)' ')' '{1' 'a{1' 'a**' 'a+?' 'a{1}{1}' '*a' '^*a' '{1}a' '(*a)'; do
		for engine in pcre2 posix; do
			agrees_with_grep "$BATS_TEST_TMPDIR/odd.txt" "$re" --engine "$engine" || return 1
		done
	done
}

@test "tvp grep: PCRE-only forms (\\A \\G \\z, lookbehind, lazy) mean what they mean to grep, in every model" {
	printf 'ab\nAz\nb\nxab\n<=ab\naaa\nGx\n' >"$BATS_TEST_TMPDIR/p.txt"
	for re in '\Aa' '\Ab' 'a\z' '\Gx' '(?<=a)b' 'a+?b' 'a{1}?' '(?:a)' 'a*+'; do
		for model in "serial" "fork --workers 3" "pthread --workers 2"; do
			# shellcheck disable=SC2086
			agrees_with_grep "$BATS_TEST_TMPDIR/p.txt" "$re" --unit-bytes 3 --model $model || return 1
		done
	done
}

@test "tvp grep on an empty file counts 0" {
	: >"$BATS_TEST_TMPDIR/empty.txt"
	for model in serial pool; do
		run "$TVP" grep --file "$BATS_TEST_TMPDIR/empty.txt" --regex '^' --model "$model" --format csv
		[ "$status" -eq 0 ]
		[[ "${lines[1]}" == *",0,true,"* ]]
	done
}

@test "tvp grep --format json is a verified run whose answer is the match count" {
	"$TVP" corpus --lines 20000 --out "$BATS_TEST_TMPDIR/c.txt" >/dev/null
	want=$(LC_ALL=C grep -c -E 'ab[c-f]' "$BATS_TEST_TMPDIR/c.txt")
	"$TVP" grep --file "$BATS_TEST_TMPDIR/c.txt" --regex 'ab[c-f]' --model fork --workers 2 \
		--format json >"$BATS_TEST_TMPDIR/r.json"
	[ "$(json_field "$BATS_TEST_TMPDIR/r.json" "d['runs'][0]['workload']")" = grep ]
	[ "$(json_field "$BATS_TEST_TMPDIR/r.json" "d['runs'][0]['verified']")" = True ]
	[ "$(json_field "$BATS_TEST_TMPDIR/r.json" "d['runs'][0]['answer']")" = "$want" ]
	[ "$(json_field "$BATS_TEST_TMPDIR/r.json" "d['runs'][0]['params']['regex']")" = 'ab[c-f]' ]
	[ "$(json_field "$BATS_TEST_TMPDIR/r.json" "d['runs'][0]['params']['unit-bytes']")" = 1048576 ]
}

@test "tvp grep: a wrong count is caught (exit 1)" {
	"$TVP" corpus --lines 2000 --out "$BATS_TEST_TMPDIR/c.txt" >/dev/null
	TVP_FAULT=wrong-answer run --separate-stderr "$TVP" grep --file "$BATS_TEST_TMPDIR/c.txt" --regex '^'
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"wrong answer"* ]]
}

@test "tvp grep: a line PCRE2 gives up on (its match limit) is decided by GNU regex: grep's count, verified" {
	python3 -c "print('a' * 40); print('b')" >"$BATS_TEST_TMPDIR/a.txt"
	for engine in pcre2 posix; do
		for re in '^(a|aa)+(a|aa)+(a|aa)+[^a]' '^(a|aa)+(a|aa)+(a|aa)+$'; do
			agrees_with_grep "$BATS_TEST_TMPDIR/a.txt" "$re" --engine "$engine" || return 1
		done
	done
}

@test "tvp grep --engine posix refuses a line longer than 2^31 bytes (exit 2); pcre2 counts it as grep does" {
	local file=$BATS_TEST_TMPDIR/sparse.txt
	truncate -s 2200M "$file" 2>/dev/null || skip "this filesystem cannot hold a 2.2 GB sparse file"
	printf 'abc\nabc\n' >>"$file"
	[ "$(du -k "$file" | cut -f1)" -lt 102400 ] || skip "this filesystem does not keep files sparse"
	expect_usage_error grep --file "$file" --regex abc --engine posix
	[[ "$stderr" == *"--engine posix cannot search the line at byte 0 of $file: it is 2306867203 bytes long"* ]]
	run --separate-stderr "$TVP" grep --file "$file" --regex abc --format csv --repeat 1 --warmup 0
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *",2,true,"* ]]
}

@test "tvp grep reads /proc files (size 0) and counts what grep counts" {
	[ -r /proc/version ] || skip "no /proc"
	for spec in "/proc/version:Linux" "/proc/cpuinfo:^processor" "/proc/self/mountinfo:."; do
		local file=${spec%%:*} re=${spec#*:}
		[ "$(stat -c %s "$file")" -eq 0 ] || { echo "$file says it has a size"; return 1; }
		want=$(LC_ALL=C grep -c -E -- "$re" "$file")
		[ "$want" -gt 0 ]
		for input in shared ship; do
			run --separate-stderr "$TVP" grep --file "$file" --regex "$re" --format csv --model pool \
				--workers 2 --input "$input" --unit-bytes 64
			[ "$status" -eq 0 ] || { echo "$file: $stderr"; return 1; }
			# mountinfo may change between reads: its answer is checked for verification only
			[ "$file" = /proc/self/mountinfo ] || [[ "${lines[1]}" == *",$want,true,"* ]] ||
				{ echo "$file: ${lines[1]}, grep $want"; return 1; }
		done
	done
}

@test "tvp grep reads a /sys file (a size but no mapping)" {
	local file=/sys/devices/system/cpu/online
	[ -r "$file" ] || skip "no $file here"
	agrees_with_grep "$file" '[0-9]'
	agrees_with_grep "$file" '[0-9]' --model pool --workers 2 --input ship
}

@test "tvp grep --file FIFO is refused at once (exit 2), not waited on" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	run --separate-stderr timeout 10 "$TVP" grep --file "$BATS_TEST_TMPDIR/fifo" --regex a
	[ "$status" -eq 2 ]
	[ "$stderr" = "tvp: grep: --file $BATS_TEST_TMPDIR/fifo is not a regular file" ]
}

@test "tvp grep --print: a reader that leaves ends tvp quietly (status 141, as grep)" {
	"$TVP" corpus --lines 100000 --seed 2 --out "$BATS_TEST_TMPDIR/c.txt" >/dev/null
	run bash -c '"$1" grep --file "$2" --regex a --print --output "$3/report.txt" 2>"$3/err" | head -1 >/dev/null;
		echo "${PIPESTATUS[0]}"' _ "$TVP" "$BATS_TEST_TMPDIR/c.txt" "$BATS_TEST_TMPDIR"
	[ "$output" = 141 ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
}

@test "tvp grep --print to a closed or full stdout is exit 1 with the reason" {
	"$TVP" corpus --lines 20000 --seed 2 --out "$BATS_TEST_TMPDIR/c.txt" >/dev/null
	# (no --output: a file opened while fd 1 is closed would become stdout)
	run bash -c '"$1" grep --file "$2" --regex a --print >&-' _ "$TVP" "$BATS_TEST_TMPDIR/c.txt"
	[ "$status" -eq 1 ]
	[ "$output" = "tvp: grep: cannot print the matching lines: Bad file descriptor" ]
	[ "$(id -u)" -eq 0 ] || skip "only root can make a /dev/full node in a scratch directory"
	mknod "$BATS_TEST_TMPDIR/full" c 1 7
	run bash -c '"$1" grep --file "$2" --regex a --print --output "$3/report.txt" >"$3/full"' _ "$TVP" \
		"$BATS_TEST_TMPDIR/c.txt" "$BATS_TEST_TMPDIR"
	[ "$status" -eq 1 ]
	[ "$output" = "tvp: grep: cannot print the matching lines: No space left on device" ]
}

@test "tvp grep: a --file truncated during the run is named (exit 1), not a SIGBUS death" {
	"$TVP" corpus --lines 20000 --seed 2 --out "$BATS_TEST_TMPDIR/c.txt" >/dev/null
	for model in serial "pthread --workers 2"; do
		cp "$BATS_TEST_TMPDIR/c.txt" "$BATS_TEST_TMPDIR/t.txt"
		# shellcheck disable=SC2086
		TVP_GREP_TRUNCATE=1 run --separate-stderr "$TVP" grep --file "$BATS_TEST_TMPDIR/t.txt" --regex zzz --model $model
		[ "$status" -eq 1 ] || { echo "$model: exit $status: $stderr"; return 1; }
		[[ "$stderr" == *"tvp: grep: --file $BATS_TEST_TMPDIR/t.txt changed during the run"* ]]
	done
}

@test "tvp grep: GNU regex recursing out of its stack is grep's \"stack overflow\" (exit 2, one line), not a crash" {
	printf 'ab\n[\n' >"$BATS_TEST_TMPDIR/s.txt"
	! LC_ALL=C grep -E '(\B$)\1{,3}*' "$BATS_TEST_TMPDIR/s.txt" 2>/dev/null || false # grep: exit 2, "stack overflow"
	for model in serial "pthread --workers 2"; do
		for engine in pcre2 posix; do
			# shellcheck disable=SC2086
			expect_usage_error grep --file "$BATS_TEST_TMPDIR/s.txt" --regex '(\B$)\1{,3}*' --engine "$engine" --model $model
			[[ "$stderr" == *"GNU regex overflowed its stack"* ]]
		done
	done
}

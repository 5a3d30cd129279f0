#!/usr/bin/env bats
# grep.bats - tvp corpus and the grep workload's command line: the file, its errors, JSON.

bats_require_minimum_version 1.5.0
load helpers

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

@test "tvp grep: an invalid regex names the engine's message and offset" {
	"$TVP" corpus --lines 100 --out "$BATS_TEST_TMPDIR/c.txt" >/dev/null
	expect_usage_error grep --file "$BATS_TEST_TMPDIR/c.txt" --regex 'ab(c'
	[[ "$stderr" == *"missing closing parenthesis at offset 4 (PCRE2)"* ]]
	expect_usage_error grep --file "$BATS_TEST_TMPDIR/c.txt" --regex 'x[[:nope:]]'
	[[ "$stderr" == *"offset"* ]]
	expect_usage_error grep --file "$BATS_TEST_TMPDIR/c.txt" --regex 'ab(c' --engine posix
	[[ "$stderr" == *"Unmatched ( or \\("* ]]
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

@test "tvp grep: a regex that exhausts PCRE2's match limit is a runtime fault (exit 1, one line)" {
	python3 -c "print('a' * 40)" >"$BATS_TEST_TMPDIR/a.txt"
	run --separate-stderr "$TVP" grep --file "$BATS_TEST_TMPDIR/a.txt" --regex '^(a|aa)+(a|aa)+(a|aa)+[^a]'
	[ "$status" -eq 1 ]
	[ "$stderr" = "tvp: grep: the pcre2 engine failed on the line at byte 0: match limit exceeded" ]
	# the POSIX engine has no such limit
	run "$TVP" grep --file "$BATS_TEST_TMPDIR/a.txt" --regex '^(a|aa)+(a|aa)+(a|aa)+[^a]' --engine posix
	[ "$status" -eq 0 ]
}

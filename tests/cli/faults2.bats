#!/usr/bin/env bats
# faults2.bats - issue 13 ("Faults, round two"), the cases that need no second process:
# output files of every kind, bad input found before the run, numbers, JSON and CSV.
# Each test names its case; each failed before the fix (see FAULTS.md).

bats_require_minimum_version 1.5.0
load helpers

QUICK=(primes --to 30000 --repeat 1 --warmup 0)

setup() {
	scratch=$(mktemp -d)
}

teardown() {
	rm -rf "$scratch"
}

# need_root WHY: skip unless root (device nodes, another user's view).
need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root: $1"
}

# as_nobody ARGS...: run tvp ARGS as an unprivileged user (root runs it through setpriv).
as_nobody() {
	if [ "$(id -u)" -ne 0 ]; then
		run --separate-stderr "$TVP" "$@"
		return
	fi
	command -v setpriv >/dev/null || skip "needs setpriv (util-linux) to drop root"
	local bin
	bin=$(mktemp -d)
	chmod 755 "$bin"
	cp "$TVP" "$bin/tvp"
	chmod 755 "$bin/tvp"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups "$bin/tvp" "$@"
	rm -rf "$bin"
}

@test "case 1: a character device (a scratch /dev/full) is written, not replaced; ENOSPC is exit 1" {
	need_root "mknod makes the device nodes"
	mknod "$scratch/full" c 1 7
	run --separate-stderr "$TVP" "${QUICK[@]}" --output "$scratch/full"
	[ "$status" -eq 1 ] || { echo "status $status: $stderr"; return 1; }
	[[ "$stderr" == *"No space left on device"* ]]
	[ -c "$scratch/full" ] || { ls -l "$scratch"; return 1; }
}

@test "case 1: a scratch /dev/null node stays a device; the run succeeds" {
	need_root "mknod makes the device nodes"
	mknod "$scratch/null" c 1 3
	run --separate-stderr "$TVP" "${QUICK[@]}" --output "$scratch/null"
	[ "$status" -eq 0 ] || { echo "status $status: $stderr"; return 1; }
	[ -c "$scratch/null" ]
	[ "$(ls -A "$scratch")" = null ]
}

@test "case 1: a FIFO is written like tee writes it, and stays a FIFO" {
	mkfifo "$scratch/fifo"
	timeout 30 cat "$scratch/fifo" >"$scratch/got" &
	local reader=$!
	run --separate-stderr timeout 30 "$TVP" "${QUICK[@]}" --format csv --output "$scratch/fifo"
	local tvp_status=$status
	# If tvp replaced the FIFO, the reader still waits: end it.
	kill "$reader" 2>/dev/null || true
	wait "$reader" || true
	[ "$tvp_status" -eq 0 ] || { echo "status $tvp_status: $stderr"; return 1; }
	[ -p "$scratch/fifo" ] || { ls -l "$scratch"; return 1; }
	grep -q '^primes,serial,1,' "$scratch/got"
}

@test "case 1: a symlink is followed: the target is written, the link stays (dangling too)" {
	echo old >"$scratch/real.csv"
	ln -s real.csv "$scratch/link"
	ln -s made.csv "$scratch/dangling"
	run --separate-stderr "$TVP" "${QUICK[@]}" --format csv --output "$scratch/link"
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[ -L "$scratch/link" ] && [ "$(readlink "$scratch/link")" = real.csv ]
	grep -q '^primes,serial,1,' "$scratch/real.csv"
	run --separate-stderr "$TVP" "${QUICK[@]}" --format csv --output "$scratch/dangling"
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[ -L "$scratch/dangling" ] && [ -f "$scratch/made.csv" ]
	grep -q '^primes,serial,1,' "$scratch/made.csv"
}

# keeps_mode MODE: an existing file of that mode is replaced by the results and keeps MODE.
keeps_mode() {
	echo old >"$scratch/out.csv"
	chmod "$1" "$scratch/out.csv"
	run --separate-stderr "$TVP" "${QUICK[@]}" --format csv --output "$scratch/out.csv"
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[ "$(stat -c %a "$scratch/out.csv")" = "$1" ]
	grep -q '^primes,serial,1,' "$scratch/out.csv"
}

@test "case 1: an existing file keeps its mode (0640 stays 0640)" {
	keeps_mode 640
}

@test "case 1: a read-only file: root writes it as sort -o does and it stays 444" {
	need_root "root may write a 0444 file, as sort -o and tee do"
	keeps_mode 444
}

@test "case 1: a read-only file another user may not write is refused (exit 2), untouched" {
	chmod 777 "$scratch"
	echo old >"$scratch/ro.csv"
	chmod 444 "$scratch/ro.csv"
	as_nobody "${QUICK[@]}" --format csv --output "$scratch/ro.csv"
	[ "$status" -eq 2 ] || { echo "status $status: $stderr"; return 1; }
	[[ "$stderr" == "tvp: cannot write --output $scratch/ro.csv: Permission denied" ]]
	[ "$(cat "$scratch/ro.csv")" = old ]
	[ "$(stat -c %a "$scratch/ro.csv")" = 444 ]
}

@test "case 1: --output /dev/stdout and /dev/null work for an unprivileged user" {
	as_nobody "${QUICK[@]}" --format csv --output /dev/stdout
	[ "$status" -eq 0 ] || { echo "status $status: $stderr"; return 1; }
	[[ "${lines[1]}" == primes,serial,1,* ]]
	as_nobody "${QUICK[@]}" --format csv --output /dev/null
	[ "$status" -eq 0 ] || { echo "status $status: $stderr"; return 1; }
	[ -z "$output" ]
	[ -c /dev/null ]
}

@test "case 1: mandelbrot --image and corpus --out follow the same rules (FIFO, mode)" {
	mkfifo "$scratch/img"
	timeout 30 cat "$scratch/img" >"$scratch/got.pgm" &
	local reader=$!
	run --separate-stderr timeout 30 "$TVP" mandelbrot --width 8 --height 4 --repeat 1 --warmup 0 \
		--image "$scratch/img"
	kill "$reader" 2>/dev/null || true
	wait "$reader" || true
	[ "$status" -eq 0 ] || { echo "status $status: $stderr"; return 1; }
	[ -p "$scratch/img" ]
	[ "$(head -c 2 "$scratch/got.pgm")" = P5 ]
	echo old >"$scratch/corpus.txt"
	chmod 600 "$scratch/corpus.txt"
	run --separate-stderr "$TVP" corpus --lines 10 --out "$scratch/corpus.txt"
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[ "$(stat -c %a "$scratch/corpus.txt")" = 600 ]
	[ "$(wc -l <"$scratch/corpus.txt")" -eq 10 ]
}

@test "case 26: without O_TMPFILE (the mkstemp fallback) a new file is 0666 minus the umask" {
	(umask 022 && TVP_NO_TMPFILE=1 "$TVP" "${QUICK[@]}" --output "$scratch/new.txt")
	[ "$(stat -c %a "$scratch/new.txt")" = 644 ]
	[ "$(ls -A "$scratch")" = new.txt ]
	(umask 027 && TVP_NO_TMPFILE=1 "$TVP" corpus --lines 5 --out "$scratch/c.txt" >/dev/null)
	[ "$(stat -c %a "$scratch/c.txt")" = 640 ]
}

@test "case 21: an over-long --output name, --image DIR and corpus --out DIR are bad input at once" {
	local long
	long=$(printf 'x%.0s' $(seq 300))
	# Each was found only after the work was done (exit 1 then).
	expect_usage_error primes --to 3000000 --output "$scratch/$long"
	[[ "$stderr" == *"is 300 bytes long"* ]]
	expect_usage_error mandelbrot --width 400 --height 300 --image "$scratch"
	[[ "$stderr" == *"names a directory"* ]]
	expect_usage_error corpus --lines 100000 --out "$scratch"
	[ -z "$(ls -A "$scratch")" ]
}

@test "case 22: an option missing its value never takes the next option as its value" {
	cd "$scratch"
	expect_usage_error "${QUICK[@]}" --output --pin
	[[ "$stderr" == *"--output needs a value (FILE), not the option '--pin'"* ]]
	expect_usage_error corpus --out --lines 5
	expect_usage_error overhead --format --repeat 1
	[ -z "$(ls -A "$scratch")" ]
	# A value that looks like an option is still possible with '='.
	run --separate-stderr "$TVP" "${QUICK[@]}" --format csv --output=--pin
	[ "$status" -eq 0 ] && [ -f "$scratch/--pin" ]
}

@test "case 6: primes --block 2^64-1 is one unit and the right answer, not an overflow" {
	run --separate-stderr "$TVP" primes --to 1000 --block 18446744073709551615 --format csv \
		--repeat 1 --warmup 0
	[ "$status" -eq 0 ] || { echo "status $status: $stderr"; return 1; }
	[[ "${lines[1]}" == *",76127,true,"* ]]
	run --separate-stderr "$TVP" primes --from 4294967000 --to 4294967296 --block 18446744073709551000 \
		--model pthread --workers 2 --format csv --repeat 1 --warmup 0
	[ "$status" -eq 0 ] || { echo "status $status: $stderr"; return 1; }
	[[ "${lines[1]}" == *",true,"* ]]
}

@test "case 23: JSON stays valid UTF-8 when an argument holds a byte such as 0xff" {
	run --separate-stderr "$TVP" mandelbrot --width 4 --height 2 --repeat 1 --warmup 0 --format json \
		--image "$scratch/$(printf 'x\xffy\xc3\xa9').pgm" --output "$scratch/r.json"
	[ "$status" -eq 0 ] || { echo "status $status: $stderr"; return 1; }
	run json_field "$scratch/r.json" 'd["runs"][0]["params"]["image"]'
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$output" = "$scratch/x"$'\ufffd'"y"$'\u00e9'".pgm" ]
}

@test "case 25: TVP_FAULT=die:how=exit in a thread is exit 1 with one line, not 3" {
	TVP_FAULT=die:task=1:how=exit run --separate-stderr "$TVP" primes --to 100000 --model pthread \
		--workers 2 --chunk 1 --repeat 1 --warmup 0
	[ "$status" -eq 1 ] || { echo "status $status: $stderr"; return 1; }
	[[ "$stderr" == "tvp: worker "[01]" called exit (TVP_FAULT=die:how=exit) during task 1: in a thread that ends the whole process" ]]
}

@test "case 26: --seed with white space or a sign is bad input, not 2^64-1" {
	expect_usage_error "${QUICK[@]}" --seed $'\t-1'
	expect_usage_error "${QUICK[@]}" --seed ' 1'
	expect_usage_error "${QUICK[@]}" --gil modern --gil-free $'\t0.5'
}

@test "case 26: help, list and version to a full disk are exit 1 with a message" {
	for args in --help --list --version "primes --help" "corpus --help" "overhead --help"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$TVP" $args
		[ "$status" -eq 0 ] || { echo "$args: status $status"; return 1; }
		run --separate-stderr bash -c '"$1" $2 >/dev/full' _ "$TVP" "$args"
		[ "$status" -eq 1 ] || { echo "$args to /dev/full: status $status"; return 1; }
		[[ "$stderr" == "tvp: cannot write to standard output: No space left on device" ]]
	done
}

@test "case 26: a ';' or '=' in a value cannot make the CSV params field ambiguous" {
	run --separate-stderr "$TVP" mandelbrot --width 4 --height 2 --repeat 1 --warmup 0 --format csv \
		--image "$scratch/a;b=c.pgm"
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	run python3 -c '
import csv, re, sys
row = list(csv.DictReader(sys.stdin))[0]
pairs = [p for p in re.split(r"(?<!\\);", row["params"])]
values = dict(re.split(r"(?<!\\)=", p, maxsplit=1) for p in pairs)
print(len(pairs), re.sub(r"\\(.)", r"\1", values["image"]))' <<<"$output"
	[ "$output" = "7 $scratch/a;b=c.pgm" ] || { echo "$output"; return 1; }
}

@test "case 26: a repeated option takes its last value, and --help says so" {
	run --separate-stderr "$TVP" primes --to 1000 --repeat 3 --repeat 1 --warmup 0 --format json
	[ "$status" -eq 0 ]
	[ "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["runs"][0]["repeats"])' <<<"$output")" = 1 ]
	run "$TVP" --help
	[[ "$output" == *"An option given twice takes its last value"* ]]
	run "$TVP" primes --help
	[[ "$output" == *"An option given twice takes its last value"* ]]
}

@test "case 18: an impossible task plan is 'out of memory (N bytes, while ...)', exit 1, no core" {
	if "$TVP" primes --to 100 --repeat 1 --warmup 0 --format json | grep -q fsanitize; then
		skip "sanitizers reserve terabytes of address space"
	fi
	cd "$scratch"
	run --separate-stderr prlimit --as=1000000000 "$TVP" primes --to 4294967296 --block 1 \
		--schedule dynamic --chunk 1
	[ "$status" -eq 1 ] || { echo "status $status: $stderr"; return 1; }
	[[ "$stderr" =~ ^tvp:\ out\ of\ memory\ \([0-9]+\ bytes,\ while\ building\ the\ task\ plan ]]
	run --separate-stderr prlimit --as=600000000 "$TVP" fill --units 64 --bytes 16000000 \
		--repeat 1 --warmup 0
	[ "$status" -eq 1 ] || { echo "status $status: $stderr"; return 1; }
	[[ "$stderr" =~ ^tvp:\ out\ of\ memory\ \([0-9]+\ bytes,\ while\ running\ repeat\ 1\ of\ 1 ]]
	[ -z "$(ls -A "$scratch")" ]
}

@test "case 18: tvp overhead refuses --parent-mib above the memory available, with the figure" {
	local available
	available=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
	[ "$available" -lt 65000 ] || skip "more than 64 GiB available"
	local limit=()
	# Were the check missing, tvp would touch all that memory: cap it (not under sanitizers).
	"$TVP" primes --to 100 --repeat 1 --warmup 0 --format json | grep -q fsanitize ||
		limit=(prlimit --as=$(((available / 2) << 20)))
	run --separate-stderr timeout 60 "${limit[@]}" "$TVP" overhead --parent-mib $((available + 500))
	[ "$status" -eq 2 ] || { echo "status $status: $stderr"; return 1; }
	[[ "$stderr" == "tvp: overhead: --parent-mib $((available + 500)) is more than the memory available ("*" MiB"* ]]
}

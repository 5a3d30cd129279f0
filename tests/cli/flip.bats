#!/usr/bin/env bats
# flip.bats - the flip workloads' options: listed, and bad input rejected with one line and exit 2.

bats_require_minimum_version 1.5.0
load helpers

@test "tvp --list names pagefault, io and wordcount" {
	run "$TVP" --list
	[ "$status" -eq 0 ]
	[[ "$output" == *pagefault* ]]
	[[ "$output" == *"io "* ]]
	[[ "$output" == *wordcount* ]]
}

@test "pagefault: a region larger than memory is refused with the machine's figure" {
	expect_usage_error pagefault --mib 100000000
	[[ "$stderr" == *"--mib 100000000 is larger than this machine's memory ("*" MiB)" ]]
}

@test "pagefault: --mib 0 and --regions 0 are refused" {
	expect_usage_error pagefault --mib 0
	expect_usage_error pagefault --regions 0
	expect_usage_error pagefault --mib -1
}

@test "io: a negative delay or work, too many hogs, no requests are refused" {
	expect_usage_error io --delay-us -5
	[[ "$stderr" == "tvp: io: --delay-us -5 is out of range (0 to 1e+07 microseconds)" ]]
	expect_usage_error io --work-us -1
	expect_usage_error io --delay-us nan
	expect_usage_error io --cpu-hogs 65
	expect_usage_error io --requests 0
}

@test "wordcount: no words, no vocabulary, a vocabulary past the limit, an empty block are refused" {
	expect_usage_error wordcount --words 0
	expect_usage_error wordcount --vocab 0
	expect_usage_error wordcount --vocab 100000001
	[[ "$stderr" == "tvp: wordcount: --vocab must be 1 to 100000000" ]]
	expect_usage_error wordcount --block 0
}

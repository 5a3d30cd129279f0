#!/usr/bin/env bats
# flip.bats - the flip workloads' options: listed, and bad input rejected with one line and exit 2.

bats_require_minimum_version 1.5.0
load helpers

@test "tvp --list names pagefault" {
	run "$TVP" --list
	[ "$status" -eq 0 ]
	[[ "$output" == *pagefault* ]]
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

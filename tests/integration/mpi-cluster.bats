#!/usr/bin/env bats
# mpi-cluster.bats - two hosts made from network namespaces on this machine
# (scripts/netns-cluster.sh): MPI ranks on both reduce over TCP across the veth
# pair, tvp --model mpi runs primes and grep across them (and names the host that
# lacks the --file), and no path (success, a killed rank, Ctrl-C, SIGINT/SIGTERM
# of the launcher, a failing command) leaves a namespace, a veth link, a mount or
# a process.

bats_require_minimum_version 1.5.0
load ../cli/helpers
load mpi_helper

TOP="$BATS_TEST_DIRNAME/../.."
CLUSTER="$TOP/scripts/netns-cluster.sh"
TIMEOUT=120 # seconds any one launch may take on a loaded machine

# setup_file: build the probe (tests/tools/mpi_probe.c) once, when mpicc exists.
setup_file() {
	if command -v mpicc >/dev/null; then
		mpicc -Wall -Wextra -Werror -O2 -o "$BATS_FILE_TMPDIR/mpi_probe" \
			"$TOP/tests/tools/mpi_probe.c"
	fi
}

# setup: PROBE is the probe; skip (with the reason) only without mpicc or when the
# cluster script reports that namespaces cannot be made for lack of privilege.
setup() {
	command -v mpicc >/dev/null ||
		skip "mpicc is not installed (libopenmpi-dev): no MPI program to run"
	PROBE="$BATS_FILE_TMPDIR/mpi_probe"
	[ -x "$PROBE" ]
	dir=
	pid=
}

# teardown: a test that failed half-way still ends what it launched (SIGTERM: run
# then removes its cluster) and removes its cluster.
teardown() {
	if [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; then
		wait_exit "$pid" || true
	fi
	[ -z "$dir" ] || "$CLUSTER" down "$dir" 2>/dev/null || true
}

# cluster_up [ARGS...]: make a cluster; set dir (its directory), id, and keep
# its namespaces' inode numbers in $BATS_TEST_TMPDIR/inodes.
cluster_up() {
	run --separate-stderr "$CLUSTER" up "$@"
	if [ "$status" -eq 77 ]; then
		skip "no privilege to make network namespaces: $stderr"
	fi
	[ "$status" -eq 0 ] || { echo "up failed ($status): $stderr"; return 1; }
	dir=$output
	id=${dir##*/tvp-netns.}
	cp "$dir/netns-inodes" "$BATS_TEST_TMPDIR/inodes"
}

# processes_in_cluster: the pids of every process in the cluster's network
# namespaces (by inode, so deleted namespaces count too) or with its directory
# in their environment (every process started on the cluster inherits it).
processes_in_cluster() {
	{
		stat -L -c '%i %n' /proc/[0-9]*/ns/net 2>/dev/null |
		awk 'NR == FNR { ours[$1] = 1; next } ($1 in ours) { split($2, p, "/"); print p[3] }' \
			"$BATS_TEST_TMPDIR/inodes" -
		grep -lzxF "NETNS_CLUSTER_DIR=$dir" /proc/[0-9]*/environ 2>/dev/null |
			sed 's,/proc/\([0-9]*\)/environ,\1,' || true
	} | sort -u
}

# describe PIDS...: one line per process (for failure messages).
describe() {
	local pid
	for pid in "$@"; do
		echo "left: $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
	done
}

# ends_empty: within TIMEOUT seconds no process is left on the cluster (Open MPI's
# own clean-up: nothing here kills them).
ends_empty() {
	local left deadline=$((SECONDS + TIMEOUT))
	while [ "$SECONDS" -le "$deadline" ]; do
		left=$(processes_in_cluster)
		[ -n "$left" ] || return 0
		sleep 0.25
	done
	# shellcheck disable=SC2086
	describe $left
	return 1
}

# cluster_gone: the cluster directory, both namespaces, the veth pair and every
# process of the cluster are gone.
cluster_gone() {
	local left
	[ ! -e "$dir" ] || { echo "directory $dir remains"; return 1; }
	if ip netns list | grep -E "^tvp-$id-[ab]( |$)"; then
		echo "namespace remains"
		return 1
	fi
	if ip -o link show | grep -E ': veth-[ab]@'; then
		echo "a veth link is among the machine's links"
		return 1
	fi
	left=$(processes_in_cluster)
	# shellcheck disable=SC2086
	[ -z "$left" ] || { describe $left; return 1; }
	! pgrep -f "$PROBE" || { echo "a rank remains"; return 1; }
	dir=
}

# launch OUT CMD...: start CMD in the background with SIGINT at its default (bats'
# background jobs ignore it), stdout and stderr to OUT.stdout/OUT.stderr; sets pid.
launch() {
	local out=$1
	shift
	: >"$out.stdout"
	: >"$out.stderr"
	env --default-signal=INT "$@" >"$out.stdout" 2>"$out.stderr" 3>&- &
	pid=$!
}

# wait_ready OUT RANKS: within TIMEOUT seconds OUT.stdout has RANKS "ready" lines.
wait_ready() {
	local deadline=$((SECONDS + TIMEOUT))
	while [ "$SECONDS" -le "$deadline" ]; do
		[ "$(grep -c '^ready rank' "$1.stdout")" -ge "$2" ] && return 0
		sleep 0.25
	done
	echo "not ready: $(cat "$1.stdout" "$1.stderr")"
	return 1
}

# wait_exit PID: wait (TIMEOUT seconds at most) for the background PID; sets
# status. A launch that hangs is killed and fails the test.
wait_exit() {
	local deadline=$((SECONDS + TIMEOUT))
	while grep -q '^[^)]*) [^Z]' "/proc/$1/stat" 2>/dev/null; do
		[ "$SECONDS" -le "$deadline" ] || break
		sleep 0.25
	done
	if [ "$SECONDS" -gt "$deadline" ]; then
		kill -KILL "$1"
		echo "pid $1 did not end in $TIMEOUT s"
		return 1
	fi
	status=0
	wait "$1" || status=$?
	[ "$1" != "$pid" ] || pid= # reaped: teardown must not signal a reused pid
}

# run_to_files CMD...: run CMD like bats' run (status, output, lines, stderr) but with
# its output in files, so a process it leaves behind holding the output cannot
# hang the test: ends_empty then names that process.
run_to_files() {
	local out="$BATS_TEST_TMPDIR/run.$RANDOM"
	launch "$out" "$@"
	wait_exit "$pid"
	output=$(cat "$out.stdout")
	stderr=$(cat "$out.stderr")
	mapfile -t lines <"$out.stdout"
}

@test "two ranks on two hosts: distinct host names, the right sum, over the veth pair" {
	cluster_up
	run_to_files "$CLUSTER" exec "$dir" mpirun -np 2 "$PROBE" sum
	[ "$status" -eq 0 ] || { echo "status $status: $output $stderr"; return 1; }
	echo "$output"
	[ "${#lines[@]}" -eq 2 ]
	[[ " ${lines[*]} " == *" rank 0 of 2 on tvp-$id-a sum 1 "* ]]
	[[ " ${lines[*]} " == *" rank 1 of 2 on tvp-$id-b sum 1 "* ]]
	# The ranks' only way to each other is the veth pair: it carried their bytes.
	local bytes
	bytes=$(ip netns exec "tvp-$id-b" cat /sys/class/net/veth-b/statistics/rx_bytes)
	echo "veth-b received $bytes bytes"
	[ "$bytes" -gt 0 ]
	ends_empty
	"$CLUSTER" down "$dir"
	cluster_gone
}

@test "four ranks, two slots a host: ranks a, a, b, b and the sum 6" {
	cluster_up --slots 2
	run_to_files "$CLUSTER" exec "$dir" mpirun -np 4 "$PROBE" sum
	[ "$status" -eq 0 ] || { echo "status $status: $output $stderr"; return 1; }
	echo "$output"
	local rank
	for rank in 0 1; do
		[[ " ${lines[*]} " == *" rank $rank of 4 on tvp-$id-a sum 6 "* ]]
	done
	for rank in 2 3; do
		[[ " ${lines[*]} " == *" rank $rank of 4 on tvp-$id-b sum 6 "* ]]
	done
	ends_empty
	"$CLUSTER" down "$dir"
	cluster_gone
}

@test "a rank killed on host b: mpirun fails naming it, nothing is left on either host" {
	cluster_up
	local out="$BATS_TEST_TMPDIR/killed" victim
	launch "$out" "$CLUSTER" exec "$dir" mpirun -np 2 "$PROBE" wait
	wait_ready "$out" 2
	victim=$(awk '/^ready rank 1 / { print $5 }' "$out.stdout")
	ip netns pids "tvp-$id-b" | grep -qx "$victim" || { echo "rank 1 ($victim) is not on host b"; return 1; }
	kill -KILL "$victim"
	wait_exit "$pid"
	cat "$out.stderr"
	[ "$status" -ne 0 ]
	grep -q "process rank 1 with PID $victim on node $(sed -n 2p "$dir/hosts" | cut -d' ' -f1) exited on signal 9" "$out.stderr"
	ends_empty
	"$CLUSTER" down "$dir"
	cluster_gone
}

@test "Ctrl-C (SIGINT) of mpirun ends the ranks and the orted on both hosts" {
	cluster_up
	local out="$BATS_TEST_TMPDIR/ctrlc"
	launch "$out" "$CLUSTER" exec "$dir" mpirun -np 2 "$PROBE" wait
	wait_ready "$out" 2
	# exec replaces itself down to mpirun: the launched pid is mpirun's.
	[ "$(cat "/proc/$pid/comm")" = mpirun ]
	kill -INT "$pid"
	wait_exit "$pid"
	[ "$status" -ne 0 ]
	ends_empty
	"$CLUSTER" down "$dir"
	cluster_gone
}

@test "SIGINT or SIGTERM of 'netns-cluster.sh run' mid-run removes the whole cluster" {
	local signal expected out
	for signal in INT TERM; do
		out="$BATS_TEST_TMPDIR/run-$signal"
		launch "$out" "$CLUSTER" run mpirun -np 2 "$PROBE" wait
		wait_ready "$out" 2
		id=$(awk '/^ready rank 0 / { sub(/^tvp-/, "", $7); sub(/-a$/, "", $7); print $7 }' "$out.stdout")
		dir=/tmp/tvp-netns.$id
		cp "$dir/netns-inodes" "$BATS_TEST_TMPDIR/inodes"
		kill -"$signal" "$pid"
		wait_exit "$pid"
		expected=130
		[ "$signal" = INT ] || expected=143
		[ "$status" -eq "$expected" ] || { echo "$signal: status $status"; return 1; }
		cluster_gone
	done
}

@test "a failing command under 'netns-cluster.sh run': its status, and the cluster removed" {
	# shellcheck disable=SC2016 # expanded by the command, on the cluster
	run_to_files "$CLUSTER" run sh -c 'echo "$NETNS_CLUSTER_DIR"; cat "$NETNS_CLUSTER_DIR/netns-inodes"; exit 3'
	if [ "$status" -eq 77 ]; then
		skip "no privilege to make network namespaces: $stderr"
	fi
	[ "$status" -eq 3 ] || { echo "status $status: $stderr"; return 1; }
	dir=${lines[0]}
	id=${dir##*/tvp-netns.}
	printf '%s\n' "${lines[@]:1}" >"$BATS_TEST_TMPDIR/inodes"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/inodes")" -eq 2 ]
	cluster_gone
}

@test "without privilege (as nobody): up says why, exits 77 (the status tests skip on), leaves nothing" {
	[ "$(id -u)" -eq 0 ] || skip "not root: cannot become nobody to check the refusal"
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
	local as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	"${as_nobody[@]}" test -x "$CLUSTER" || skip "nobody cannot run $CLUSTER (its directory is closed)"
	run --separate-stderr "${as_nobody[@]}" "$CLUSTER" up
	[ "$status" -eq 77 ] || { echo "status $status: $stderr"; return 1; }
	[[ "$stderr" == "netns-cluster: cannot make a network namespace: ip netns add: "* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[ -z "$output" ]
	[ -z "$(find /tmp -maxdepth 1 -name 'tvp-netns.*' -user 65534)" ]
}

# usage_error ARGS...: netns-cluster.sh ARGS exits 2 with one line on stderr.
usage_error() {
	run --separate-stderr "$CLUSTER" "$@"
	[ "$status" -eq 2 ] || { echo "$*: status $status: $stderr"; return 1; }
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || { echo "$*: not one line: $stderr"; return 1; }
}

# tvp_json_check FILE ANSWER: the run in FILE (tvp's JSON) carries ANSWER, verified,
# over TCP, with one rank on each host of the cluster, the hosts told apart, the
# claim counter's window made by the one-sided components tvp chose.
tvp_json_check() {
	local info='d["runs"][0]["model_info"]'
	[ "$(json_field "$1" 'd["runs"][0]["answer"]')" = "$2" ]
	[ "$(json_field "$1" 'd["runs"][0]["verified"]')" = True ]
	[ "$(json_field "$1" "$info['transport']")" = "tcp (btl tcp)" ]
	[ "$(json_field "$1" "sorted((h['name'], h['ranks']) for h in $info['hosts'])")" = \
		"[('tvp-$id-a', 1), ('tvp-$id-b', 1)]" ]
	[ "$(json_field "$1" "$info['rank_hosts']")" = "['tvp-$id-a', 'tvp-$id-b']" ]
	# The cluster sets no one-sided component: tvp's own choice made the window.
	[ "$(json_field "$1" "$info['osc'], $info['osc_set_by_tvp']")" = "$(osc_by_tvp)" ]
}

# tvp_on_cluster NAME ARGS...: tvp ARGS --model mpi --workers 2 across the cluster's
# hosts (its hostfile), JSON into $BATS_TEST_TMPDIR/NAME.json.
tvp_on_cluster() {
	local name=$1
	shift
	run_to_files "$CLUSTER" exec "$dir" "$TVP" "$@" --model mpi --workers 2 \
		--hostfile "$dir/hostfile" --repeat 1 --warmup 0 --format json \
		--output "$BATS_TEST_TMPDIR/$name.json"
	[ "$status" -eq 0 ] || { echo "tvp $*: status $status: $stderr"; return 1; }
}

@test "tvp primes --model mpi across both hosts: the sieve's answer, the JSON tells the hosts apart" {
	need_mpi
	cluster_up
	local schedule answer
	# The reference: a sieve in Python, sharing nothing with tvp.
	answer=$(python3 -c 'n = 400000; s = bytearray([1]) * n; s[:2] = b"\0\0"
for i in range(2, int(n ** 0.5) + 1):
    if s[i]: s[i * i::i] = bytearray(len(range(i * i, n, i)))
print(sum(i for i in range(n) if s[i]))')
	for schedule in static dynamic; do
		tvp_on_cluster "primes-$schedule" primes --to 400000 --schedule "$schedule"
		tvp_json_check "$BATS_TEST_TMPDIR/primes-$schedule.json" "$answer"
	done
	ends_empty
	"$CLUSTER" down "$dir"
	cluster_gone
}

@test "tvp grep --model mpi across both hosts: shared and shipped input, grep -c's count" {
	need_mpi
	cluster_up
	# Both hosts see the file at the same path: the namespaces share the file system.
	local corpus="$BATS_TEST_TMPDIR/corpus.txt" input answer
	"$TVP" corpus --out "$corpus" --lines 30000 >/dev/null 2>&1
	answer=$(LC_ALL=C grep -c -E 'ab[c-f]|^q' "$corpus")
	[ "$answer" -gt 0 ]
	for input in shared ship; do
		tvp_on_cluster "grep-$input" grep --file "$corpus" --regex 'ab[c-f]|^q' \
			--unit-bytes 65536 --input "$input" --schedule guided
		tvp_json_check "$BATS_TEST_TMPDIR/grep-$input.json" "$answer"
	done
	ends_empty
	"$CLUSTER" down "$dir"
	cluster_gone
}

@test "a --file on host a only (up --private): one line names rank 1, host b and the path; exit 2; nothing left" {
	need_mpi
	local private="$BATS_TEST_TMPDIR/private" corpus
	mkdir "$private"
	corpus="$private/corpus.txt"
	"$TVP" corpus --out "$corpus" --lines 3000 >/dev/null 2>&1
	[ -s "$corpus" ]
	cluster_up --private "$private"
	# The control: a command on each host looks for the file (mpirun runs any program).
	run_to_files "$CLUSTER" exec "$dir" mpirun -np 2 \
		sh -c "echo \$(hostname) \$(test -e '$corpus' && echo has || echo lacks) the file"
	[ "$status" -eq 0 ] || { echo "status $status: $output $stderr"; return 1; }
	[ "$(printf '%s\n' "${lines[@]}" | sort)" = "tvp-$id-a has the file
tvp-$id-b lacks the file" ] || { echo "$output"; return 1; }
	# Bad input, as a file missing on every host is (FAULTS.md: exit 2): rank 1 says
	# so with its host and exits 2; rank 0 hears its status at the check-in and
	# exits with it, silently (mpirun passes on whichever rank fails first).
	run_to_files "$CLUSTER" exec "$dir" "$TVP" grep --file "$corpus" --regex 'ab[c-f]' \
		--model mpi --workers 2 --hostfile "$dir/hostfile" --repeat 1 --warmup 0
	echo "status $status, stderr: $stderr"
	[ "$status" -eq 2 ]
	[ "$stderr" = "tvp rank 1 on tvp-$id-b: grep: cannot read --file $corpus: No such file or directory" ]
	[ -z "$output" ]
	ends_empty
	"$CLUSTER" down "$dir"
	cluster_gone
	# Host b's tmpfs lived in its processes' mount namespace: no process sees it now.
	if grep -lF " $private " /proc/[0-9]*/mountinfo 2>/dev/null; then
		echo "a process still sees a mount on $private"
		return 1
	fi
	[ -s "$corpus" ] # host a's file, untouched
}

@test "Ctrl-C (SIGINT) of tvp --model mpi mid-run across both hosts: no rank or orted is left" {
	need_mpi
	cluster_up
	local out="$BATS_TEST_TMPDIR/tvp-ctrlc" deadline=$((SECONDS + TIMEOUT))
	launch "$out" "$CLUSTER" exec "$dir" "$TVP" primes --to 2000000000 --model mpi --workers 2 \
		--hostfile "$dir/hostfile" --repeat 1 --warmup 0
	# Mid-run: a tvp rank is working on host b.
	until ip netns pids "tvp-$id-b" | xargs -r ps -o comm= -p | grep -qx tvp; do
		[ "$SECONDS" -le "$deadline" ] || { cat "$out.stderr"; return 1; }
		sleep 0.25
	done
	[ "$(cat "/proc/$pid/comm")" = tvp ]
	kill -INT "$pid"
	wait_exit "$pid"
	cat "$out.stderr"
	[ "$status" -ne 0 ]
	ends_empty
	"$CLUSTER" down "$dir"
	cluster_gone
}

@test "bad usage: one line and exit 2; down refuses a directory that is not a cluster's" {
	usage_error up --slots zero
	usage_error up --private "$BATS_TEST_TMPDIR/none"
	usage_error up --private /
	usage_error up --private /tmp # it would hide the cluster's own directory from host b
	usage_error run --private
	usage_error down /tmp
	usage_error down /tmp/tvp-netns.x/..
	[ -d /tmp ]
	usage_error frobnicate
	usage_error run
}

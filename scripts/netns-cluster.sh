#!/usr/bin/env bash
# netns-cluster.sh - a two-host Open MPI cluster on one machine: two network namespaces
# joined by a veth pair, each host with its own host name; needs root (or CAP_SYS_ADMIN).
#
#   netns-cluster.sh run [OPTIONS] CMD [ARG...]   up, run CMD on host a, down (always)
#   netns-cluster.sh up [OPTIONS]                 make a cluster; prints its directory DIR
#   netns-cluster.sh exec DIR CMD [ARG...]        run CMD on host a of cluster DIR
#   netns-cluster.sh down DIR                     end its processes, remove it
#
# OPTIONS: --slots N (ranks a host takes, default 1); --private PATH (host b
# sees an empty directory at PATH: a file under it exists on host a only).
#
# CMD runs on host a with Open MPI pointed at the cluster through the environment
# (OMPI_MCA_*): mpirun with no hostfile places ranks on a then b (N slots each,
# default 1), starts b's orted through this script's `agent` instead of ssh, and
# the ranks talk over TCP across the veth pair only (btl tcp,self). The hostfile
# is $NETNS_CLUSTER_HOSTFILE (addresses: no name resolution is needed).
#
# Host names: `ip netns exec` enters a network namespace only, so both hosts would
# report the machine's name. Each host's processes get a UTS namespace of their
# own with the name tvp-ID-a or tvp-ID-b, so MPI_Get_processor_name (and any JSON
# that records it) tells the hosts apart with no knowledge of this script.
#
# --private PATH: the two hosts share the machine's file system, so a file is on
# both. With --private, host b's processes (its orted and ranks) run in a mount
# namespace of their own (unshare --mount --propagation private) with an empty
# tmpfs mounted over PATH, an existing directory of the caller's (a test's scratch
# directory): a file under PATH exists on host a only, as on two real machines
# when one lacks it. The mount is seen by host b's processes only, and ends with
# the last of them. PATH must not hold the cluster's directory (/tmp/tvp-netns.ID).
#
# Nothing of the machine is touched: the veth pair is created inside the two
# namespaces, its addresses (10.231.0.1/30, 10.231.0.2/30) exist only there, and
# the names carry a unique ID (from mktemp) so parallel clusters never collide.
# `down` kills every process left in the two namespaces (all of them started
# here), deletes the namespaces (which deletes the veth pair) and DIR (Open MPI's
# session files too: TMPDIR points inside it). Exit status: 0 on success, CMD's
# status for run, 77 when namespaces cannot be made for lack of privilege, 2 on
# bad usage, 1 on any other failure.
set -euo pipefail

self=$(realpath "$0")
subnet=10.231.0.0/30
addr_a=10.231.0.1
addr_b=10.231.0.2
STATUS_NO_PRIVILEGE=77

die() {
	echo "netns-cluster: $*" >&2
	exit 1
}

usage() {
	echo "netns-cluster: $* (usage: run [--slots N] [--private PATH] CMD... | up [--slots N] [--private PATH] | exec DIR CMD... | down DIR)" >&2
	exit 2
}

# cluster_names DIR: set ns_a, ns_b (namespace names) and host_a, host_b (host names)
# of the cluster whose directory is DIR (/tmp/tvp-netns.ID).
cluster_names() {
	local id=${1##*/tvp-netns.}
	ns_a="tvp-$id-a"
	ns_b="tvp-$id-b"
	host_a="tvp-$id-a"
	host_b="tvp-$id-b"
}

# parse_options ARGS...: set slots (--slots N, default 1) and private (--private
# PATH as an absolute path, default -) from the leading options, and shifted, the
# number of arguments they took.
parse_options() {
	slots=1
	private=-
	shifted=0
	while :; do
		case "${1:-}" in
		--slots)
			[[ "${2:-}" =~ ^[1-9][0-9]?$ ]] || usage "--slots needs a number from 1 to 99"
			slots=$2
			;;
		--private)
			[ -n "${2:-}" ] || usage "--private needs a directory"
			[ -d "$2" ] || usage "--private $2: not an existing directory"
			private=$(realpath -- "$2")
			[[ "$private" =~ ^/[^[:space:]]*[^/[:space:]]$ ]] ||
				usage "--private $2: not / and no white space in the path, please"
			local a_cluster_dir=/tmp/tvp-netns.x/
			case "$a_cluster_dir" in
			"$private"/*) usage "--private $2 holds the cluster's directory (/tmp/tvp-netns.ID)" ;;
			esac
			;;
		*) return 0 ;;
		esac
		shift 2
		shifted=$((shifted + 2))
	done
}

# cmd_up SLOTS PRIVATE: make the cluster (host b's PRIVATE path empty, or - for
# none) and set cluster_dir to its directory (set before anything else is made,
# so a trap can remove a half-made cluster). On a failure, removes what it made
# and exits: 77 when the first namespace cannot be made for lack of privilege, else 1.
cmd_up() {
	local slots=$1 private=$2 err
	command -v ip >/dev/null || die "ip (iproute2) is not installed"
	command -v unshare >/dev/null || die "unshare (util-linux) is not installed"
	cluster_dir=$(mktemp -d /tmp/tvp-netns.XXXXXX)
	cluster_names "$cluster_dir"
	if ! err=$(ip netns add "$ns_a" 2>&1); then
		rmdir "$cluster_dir"
		echo "netns-cluster: cannot make a network namespace: ip netns add: $err" >&2
		case "$err" in
		*"not permitted"* | *"Permission denied"*) exit "$STATUS_NO_PRIVILEGE" ;;
		*) exit 1 ;;
		esac
	fi
	if ! err=$(make_hosts "$cluster_dir" "$slots" "$private" 2>&1); then
		cmd_down "$cluster_dir"
		die "cannot make the cluster: $err"
	fi
}

# make_hosts DIR SLOTS PRIVATE: the second namespace, the veth pair, addresses,
# loopbacks, the hostfile, the hosts table (address, namespace, host name, the
# path made empty there or -) and the agent of cluster DIR whose first namespace
# exists. Returns non-zero at the first step that fails (its message on stderr).
make_hosts() {
	local dir=$1 slots=$2 private=$3
	cluster_names "$dir"
	ip netns add "$ns_b" || return
	# Created inside the namespaces: the pair never appears among the machine's links.
	ip link add veth-a netns "$ns_a" type veth peer name veth-b netns "$ns_b" || return
	ip -n "$ns_a" addr add "$addr_a/30" dev veth-a || return
	ip -n "$ns_b" addr add "$addr_b/30" dev veth-b || return
	ip -n "$ns_a" link set lo up || return
	ip -n "$ns_b" link set lo up || return
	ip -n "$ns_a" link set veth-a up || return
	ip -n "$ns_b" link set veth-b up || return
	printf '%s slots=%s\n%s slots=%s\n' "$addr_a" "$slots" "$addr_b" "$slots" >"$dir/hostfile" || return
	printf '%s %s %s -\n%s %s %s %s\n' "$addr_a" "$ns_a" "$host_a" "$addr_b" "$ns_b" "$host_b" \
		"$private" >"$dir/hosts" || return
	# The namespaces' inode numbers: a test finds any process left in them by these.
	stat -L -c %i "/run/netns/$ns_a" "/run/netns/$ns_b" >"$dir/netns-inodes" || return
	mkdir "$dir/tmp" || return
	# Open MPI splits plm_rsh_agent on spaces: a one-word agent keeps paths safe.
	printf '#!/bin/sh\n# agent - Open MPI'"'"'s rsh agent for this cluster\nexec "%s" agent "$@"\n' \
		"$self" >"$dir/agent" || return
	chmod +x "$dir/agent"
}

# ns_pids NS: the processes in network namespace NS (none when it does not exist).
ns_pids() {
	ip netns pids "$1" 2>/dev/null || true
}

# cmd_down DIR: SIGKILL every process in the cluster's namespaces, wait until they are
# gone (10 s at most), delete the namespaces and DIR. Safe to call twice.
cmd_down() {
	local dir=$1 ns pids left tries
	[[ "$dir" =~ ^/tmp/tvp-netns\.[A-Za-z0-9]+$ ]] || usage "not a cluster directory: $dir"
	cluster_names "$dir"
	for ns in "$ns_a" "$ns_b"; do
		pids=$(ns_pids "$ns")
		# shellcheck disable=SC2086 # one pid a word
		[ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
	done
	for ((tries = 0; tries < 100; tries++)); do
		left=$(ns_pids "$ns_a")$(ns_pids "$ns_b")
		[ -n "$left" ] || break
		sleep 0.1
	done
	[ -z "$left" ] || echo "netns-cluster: processes still in the namespaces: $left" >&2
	for ns in "$ns_a" "$ns_b"; do
		if ip netns list | grep -qw -- "$ns"; then
			ip netns del "$ns" || echo "netns-cluster: cannot delete namespace $ns" >&2
		fi
	done
	rm -rf -- "$dir"
}

# cluster_env DIR: print the environment (NAME=VALUE a line) a command on the cluster runs with.
cluster_env() {
	local dir=$1
	echo "NETNS_CLUSTER_DIR=$dir"
	echo "NETNS_CLUSTER_HOSTFILE=$dir/hostfile"
	echo "TMPDIR=$dir/tmp"
	echo "OMPI_MCA_orte_default_hostfile=$dir/hostfile"
	echo "OMPI_MCA_plm_rsh_agent=$dir/agent"
	echo "OMPI_MCA_oob_tcp_if_include=$subnet"
	echo "OMPI_MCA_btl_tcp_if_include=$subnet"
	echo "OMPI_MCA_btl=tcp,self"
	# Each host thinks the machine's cores are its own: bound ranks of both hosts
	# would share core 0 (a one-byte round trip then took 26 ms instead of 1 ms).
	echo "OMPI_MCA_hwloc_base_binding_policy=none"
	# Open MPI refuses root without these (documented in mpirun(1)).
	echo "OMPI_ALLOW_RUN_AS_ROOT=1"
	echo "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"
}

# on_host NS HOST PRIVATE CMD...: exec CMD in network namespace NS under a new UTS
# namespace named HOST; unless PRIVATE is -, in a new private mount namespace too,
# with an empty tmpfs over the path PRIVATE.
on_host() {
	local ns=$1 host=$2 private=$3 mount=()
	shift 3
	[ "$private" = - ] || mount=(--mount --propagation private)
	exec ip netns exec "$ns" unshare --uts "${mount[@]}" "$self" _enter "$(readlink /proc/self/ns/uts)" \
		"$(readlink /proc/self/ns/mnt)" "$host" "$private" "$@"
}

# cmd_enter OUTER_UTS OUTER_MNT NAME PRIVATE CMD...: (internal) set the host name,
# mount an empty tmpfs over PRIVATE (unless it is -), then exec CMD. Refuses when
# this process is still in the UTS namespace OUTER_UTS (the machine's name stays)
# or, for PRIVATE, in the mount namespace OUTER_MNT (the machine's mounts stay).
cmd_enter() {
	local outer_uts=$1 outer_mnt=$2 name=$3 private=$4
	shift 4
	[ "$(readlink /proc/self/ns/uts)" != "$outer_uts" ] || die "not in a UTS namespace of its own: host name left alone"
	echo "$name" >/proc/sys/kernel/hostname
	if [ "$private" != - ]; then
		[ "$(readlink /proc/self/ns/mnt)" != "$outer_mnt" ] || die "not in a mount namespace of its own: $private left alone"
		mount -t tmpfs -o size=1m,mode=0755 tvp-private "$private" || die "cannot mount a tmpfs over $private"
	fi
	exec "$@"
}

# cmd_exec DIR CMD...: exec CMD on host a of cluster DIR with the cluster's environment.
cmd_exec() {
	local dir=$1 env_lines
	shift
	[ -f "$dir/hosts" ] || usage "not a cluster directory: $dir"
	[ "$#" -gt 0 ] || usage "exec needs a command"
	cluster_names "$dir"
	mapfile -t env_lines < <(cluster_env "$dir")
	on_host "$ns_a" "$host_a" - env "${env_lines[@]}" "$@"
}

# cmd_agent ADDRESS WORD...: (Open MPI's rsh agent) run the remote command WORD... as ssh
# would (joined into one string for sh) on the host with ADDRESS, in the cluster
# $NETNS_CLUSTER_DIR.
cmd_agent() {
	local address=$1 hosts line fields
	shift
	: "${NETNS_CLUSTER_DIR:?the agent runs under netns-cluster.sh exec}"
	mapfile -t hosts <"$NETNS_CLUSTER_DIR/hosts"
	for line in "${hosts[@]}"; do
		read -r -a fields <<<"$line"
		[ "${fields[0]}" != "$address" ] || on_host "${fields[1]}" "${fields[2]}" "${fields[3]}" sh -c "$*"
	done
	die "agent: no host $address in this cluster"
}

# cmd_run SLOTS PRIVATE CMD...: up, CMD on host a in the background, down on every way
# out (CMD's end, an error, SIGINT, SIGTERM, SIGHUP). Exits with CMD's status, or 128+signal.
cmd_run() {
	local slots=$1 private=$2 status=0
	shift 2
	[ "$#" -gt 0 ] || usage "run needs a command"
	cluster_dir=
	run_child=
	trap '[ -z "$cluster_dir" ] || cmd_down "$cluster_dir"' EXIT
	trap 'run_stop 130' INT
	trap 'run_stop 143' TERM
	trap 'run_stop 129' HUP
	cmd_up "$slots" "$private"
	"$self" exec "$cluster_dir" "$@" &
	run_child=$!
	wait "$run_child" || status=$?
	run_child=
	exit "$status"
}

# running PID: PID is a process that has not ended (a zombie has ended).
running() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# run_stop STATUS: (run's signal trap) ask the command to stop (SIGTERM: mpirun then
# ends its ranks and orteds), give it 5 s, then down and exit STATUS.
run_stop() {
	local tries
	trap - INT TERM HUP
	if [ -n "$run_child" ]; then
		kill -TERM "$run_child" 2>/dev/null || true
		for ((tries = 0; tries < 50; tries++)); do
			running "$run_child" || break
			sleep 0.1
		done
	fi
	[ -z "$cluster_dir" ] || cmd_down "$cluster_dir"
	cluster_dir=
	[ -z "$run_child" ] || wait "$run_child" 2>/dev/null || true
	exit "$1"
}

[ "$#" -gt 0 ] || usage "no command"
command=$1
shift
case "$command" in
up)
	parse_options "$@"
	shift "$shifted"
	[ "$#" -eq 0 ] || usage "up takes only --slots N and --private PATH"
	cmd_up "$slots" "$private"
	echo "$cluster_dir"
	;;
down)
	[ "$#" -eq 1 ] || usage "down needs the cluster directory"
	cmd_down "$1"
	;;
exec)
	[ "$#" -ge 1 ] || usage "exec needs the cluster directory"
	cmd_exec "$@"
	;;
run)
	parse_options "$@"
	shift "$shifted"
	cmd_run "$slots" "$private" "$@"
	;;
agent) cmd_agent "$@" ;;
_enter) cmd_enter "$@" ;;
*) usage "unknown command '$command'" ;;
esac

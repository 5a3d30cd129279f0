# helpers.bash - shared by the bats suites: the binary and one-line error checks.

: "${TVP:?set TVP to the tvp binary (make test does)}"

# expect_usage_error ARGS...: exit status 2, exactly one line on stderr
# starting with "tvp: ", nothing on stdout.
expect_usage_error() {
	run --separate-stderr "$TVP" "$@"
	if [ "$status" -ne 2 ]; then
		echo "expected exit 2 from: tvp $*; got $status"
		echo "stderr: $stderr"
		return 1
	fi
	[ -z "$output" ] || { echo "stdout not empty: $output"; return 1; }
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || { echo "not one line: $stderr"; return 1; }
	[[ "$stderr" == "tvp: "* ]] || { echo "no 'tvp: ' prefix: $stderr"; return 1; }
}

# json_field FILE EXPR: print a value of the JSON document, by a python expression on d.
json_field() {
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

# listed_models: "NAME KIND" for each model `tvp --list` names, in its order.
listed_models() {
	"$TVP" --list | awk '/^models:/ { on = 1; next } /^[a-z]/ { on = 0 } on { print $1, $2 }'
}

# model_runs [KIND...]: "NAME KIND IPC" for every way to run each model `tvp --list`
# names (of the given kinds; all when none given): a process model once per
# --ipc (pipe, shm), the others with IPC "none". A new model is in every matrix.
model_runs() {
	local name kind
	listed_models | while read -r name kind; do
		[ $# -eq 0 ] || [[ " $* " == *" $kind "* ]] || continue
		case $kind in
		processes) printf '%s %s pipe\n%s %s shm\n' "$name" "$kind" "$name" "$kind" ;;
		*) printf '%s %s none\n' "$name" "$kind" ;;
		esac
	done
}

# sweep_each KIND...: the calling file's `sweep MODEL IPC` for every line of model_runs KIND...
sweep_each() {
	local model kind ipc
	while read -r model kind ipc; do sweep "$model" "$ipc" || return 1; done < <(model_runs "$@")
}

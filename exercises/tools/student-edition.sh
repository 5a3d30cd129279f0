#!/usr/bin/env bash
# student-edition.sh - pack the student edition of tvp (no instructor solutions) into a tarball and prove it holds none.
#
# usage: student-edition.sh OUT.tar.gz
# Packs the tracked files of the tree (git ls-files; every file but build/
# and .git/ when there is no git) under tvp-student/, leaving out
# exercises/solutions/ and the tests that need it. Then lists the tarball
# and fails (exit 1, tarball removed) if any path is a solution's, or if any
# file in it has the same content as a solution file.
set -euo pipefail

out=${1:?usage: student-edition.sh OUT.tar.gz}
top=$(cd "$(dirname "$0")/../.." && pwd)
solutions=exercises/solutions
# Left out besides the solutions: the test that checks them.
teacher_only=(tests/integration/exercises.bats)

cd "$top"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached >"$work/all"
else
	find . \( -path ./build -o -path ./.git \) -prune -o -type f -printf '%P\0' >"$work/all"
fi
: >"$work/files"
while IFS= read -r -d '' file; do
	case $file in
	"$solutions"/* | build/*) continue ;;
	esac
	for skip in "${teacher_only[@]}"; do
		[ "$file" != "$skip" ] || continue 2
	done
	[ -f "$file" ] && printf '%s\0' "$file" >>"$work/files"
done <"$work/all"

mkdir -p "$(dirname "$out")"
tar -czf "$out" --null -T "$work/files" --transform 's,^,tvp-student/,' --owner=0 --group=0

# Prove it: by path, then by content.
fail() {
	echo "student-edition: $1" >&2
	rm -f "$out"
	exit 1
}
if tar -tzf "$out" | grep -E "(^|/)$solutions(/|$)|(^|/)solutions/" >"$work/bad"; then
	fail "the tarball holds solution paths: $(tr '\n' ' ' <"$work/bad")"
fi
mkdir "$work/unpacked"
tar -xzf "$out" -C "$work/unpacked"
if [ -d "$solutions" ]; then
	find "$solutions" -type f -exec sha256sum {} + | sort >"$work/solution-sums"
	(cd "$work/unpacked" && find . -type f -exec sha256sum {} +) | sort >"$work/student-sums"
	join <(cut -d' ' -f1 "$work/solution-sums" | sort -u) <(cut -d' ' -f1 "$work/student-sums" | sort -u) >"$work/same"
	if [ -s "$work/same" ]; then
		fail "files in the tarball have the content of a solution file: $(grep -F -f "$work/same" "$work/student-sums" | awk '{print $2}' | tr '\n' ' ')"
	fi
fi
count=$(tar -tzf "$out" | grep -cv '/$')
echo "student edition: $out ($count files; checked: no solution by path or by content)"

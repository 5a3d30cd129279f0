#!/usr/bin/env bash
# student-edition.sh - pack the student edition of tvp (generated starters, no instructor solutions) into a tarball and prove it holds none.
#
# usage: student-edition.sh OUT.tar.gz
# Packs the tracked files of the tree (git ls-files; every file but build/
# and .git/ when there is no git) under tvp-student/, leaving out
# exercises/solutions/ and the tests that need it, and adds each lab's
# starter files, generated from its masters in exercises/solutions/NN-name/
# by tools/edition.awk (a master that is all solution gives no starter
# file). Then lists the tarball and fails (exit 1, tarball removed) if any
# path is a solution's, if any file in it has the content of a master or of
# a generated solution, if a lab file still holds a solution marker, or if a
# starter holds a line that only the solution has.
set -euo pipefail

out=${1:?usage: student-edition.sh OUT.tar.gz}
top=$(cd "$(dirname "$0")/../.." && pwd)
solutions=exercises/solutions
edition=exercises/tools/edition.awk
cd "$top"
# Left out besides the solutions: the tests that check them.
teacher_only=(tests/integration/exercises*.bats tests/integration/exercises*.bash)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached >"$work/all"
else
	find . \( -path ./build -o -path ./.git \) -prune -o -type f -printf '%P\0' >"$work/all"
fi
stage=$work/stage/tvp-student
mkdir -p "$stage"
while IFS= read -r -d '' file; do
	case $file in
	"$solutions"/* | build/*) continue ;;
	esac
	for skip in "${teacher_only[@]}"; do
		[ "$file" != "$skip" ] || continue 2
	done
	[ -f "$file" ] && cp --parents -- "$file" "$stage/"
done <"$work/all"

# The starters and (for the checks below) the solutions, from the masters.
mkdir -p "$work/solution"
for master in "$solutions"/[0-9][0-9]-*/*; do
	if [ ! -f "$master" ] || [ "$(basename "$master")" = NOTES.md ]; then
		continue
	fi
	lab=$(basename "$(dirname "$master")")
	name=$(basename "$master")
	mkdir -p "$stage/exercises/$lab" "$work/solution/$lab"
	awk -v edition=starter -f "$edition" "$master" >"$work/starter"
	[ ! -s "$work/starter" ] || cp "$work/starter" "$stage/exercises/$lab/$name"
	awk -v edition=solution -f "$edition" "$master" >"$work/solution/$lab/$name"
	awk -v edition=secret -f "$edition" "$master" >"$work/solution/$lab/$name.secret"
done

mkdir -p "$(dirname "$out")"
tar -czf "$out" -C "$work/stage" --owner=0 --group=0 --sort=name tvp-student

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
	{
		find "$solutions" -type f -exec sha256sum {} +
		find "$work/solution" -type f ! -name '*.secret' -exec sha256sum {} +
	} | sort >"$work/solution-sums"
	(cd "$work/unpacked" && find . -type f -exec sha256sum {} +) | sort >"$work/student-sums"
	join <(cut -d' ' -f1 "$work/solution-sums" | sort -u) <(cut -d' ' -f1 "$work/student-sums" | sort -u) >"$work/same"
	if [ -s "$work/same" ]; then
		fail "files in the tarball have the content of a solution file: $(grep -F -f "$work/same" "$work/student-sums" | awk '{print $2}' | tr '\n' ' ')"
	fi
fi
labs=$work/unpacked/tvp-student/exercises
if grep -l -E 'BEGIN (SOLUTION|STARTER)|END SOLUTION' "$labs"/[0-9][0-9]-*/* >"$work/bad" 2>/dev/null; then
	fail "lab files in the tarball still hold solution markers: $(tr '\n' ' ' <"$work/bad")"
fi
for secret in "$work"/solution/*/*.secret; do
	[ -s "$secret" ] || continue
	lab=$(basename "$(dirname "$secret")")
	starter=$labs/$lab/$(basename "$secret" .secret)
	[ -f "$starter" ] || continue
	if grep -F -x -f "$secret" "$starter" >"$work/bad"; then
		fail "$lab/$(basename "$starter") in the tarball holds lines of the solution: $(head -n 3 "$work/bad" | tr '\n' ' ')"
	fi
done
count=$(tar -tzf "$out" | grep -cv '/$')
echo "student edition: $out ($count files; checked: no solution by path or by content)"

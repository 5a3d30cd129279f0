#!/usr/bin/env bash
# deps.sh - install what tvp needs from Debian's packages: `deps.sh test` or `deps.sh bench`.
# As root it runs apt-get; with passwordless sudo, sudo apt-get; otherwise it
# prints the exact command to run and exits 1.
set -euo pipefail

want="${1:-test}"
missing=()

# need CHECK PACKAGE...: the packages are missing when CHECK fails.
need() {
	local check="$1"
	shift
	if ! eval "$check" >/dev/null 2>&1; then
		missing+=("$@")
	fi
}

has_header() { [ -f "/usr/include/$1" ]; }

case "$want" in
test | bench) ;;
*)
	echo "deps.sh: unknown set '$want' (test or bench)" >&2
	exit 2
	;;
esac

need 'command -v cc' gcc
# OpenMP (the openmp model): gcc's -fopenmp links libgomp1, which Debian's
# gcc depends on; checked by linking, in case cc is another compiler.
need 'printf "int main(void) { return 0; }\n" | cc -fopenmp -x c -o /dev/null -' libgomp1
need 'command -v make' make
need 'command -v python3' python3
need 'has_header criterion/criterion.h' libcriterion-dev
need 'has_header pcre2.h' libpcre2-dev
need 'has_header png.h' libpng-dev
need 'command -v bats' bats
need 'command -v shellcheck' shellcheck
need 'command -v valgrind' valgrind
# The bench's tools: make bench uses them, and so do the tests, which run the
# sweep with hyperfine, draw the plots and build the report
# (tests/integration/bench.bats). So both sets install them.
need 'command -v gnuplot' gnuplot-nox
need 'command -v hyperfine' hyperfine
need 'command -v rg' ripgrep
need 'command -v latexmk' latexmk
need 'kpsewhich booktabs.sty' texlive-latex-base texlive-latex-recommended texlive-fonts-recommended
need 'kpsewhich ptmr8t.tfm' texlive-fonts-recommended
need 'command -v pdftoppm' poppler-utils
# Open MPI: the mpi model is built where mpicc is, run by mpirun; its tests
# and its sweep lines need both, so both sets install them.
need 'command -v mpicc && command -v mpirun' libopenmpi-dev openmpi-bin
# The two-host cluster (scripts/netns-cluster.sh): ip netns, veth.
need 'command -v ip' iproute2

[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo=(sudo -n)
else
	echo "tvp: missing packages: ${missing[*]}" >&2
	echo "tvp: install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi

echo "tvp: installing ${missing[*]}" >&2
install() {
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}
if ! install 2>/dev/null; then
	"${sudo[@]}" apt-get update -q >/dev/null
	install
fi

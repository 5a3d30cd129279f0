# mpi_helper.bash - shared by the mpi suites: skip only where Open MPI is missing.

# need_mpi: skip (with the reason) when mpicc is absent; where it is present, tvp
# must list the mpi model (a build without it is a failure, not a skip).
need_mpi() {
	command -v mpicc >/dev/null || skip "Open MPI is not installed (no mpicc): tvp has no mpi model"
	listed_models | grep -qx 'mpi ranks' || {
		echo "mpicc is installed but tvp --list shows no mpi model of kind ranks"
		return 1
	}
}

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

# osc_by_tvp: what tvp's JSON says of the counter's window when the user set no
# OMPI_MCA_osc, as "OSC SET_BY_TVP": Open MPI 4 (and older) gets "sm,pt2pt True";
# Open MPI 5 has no pt2pt and is left alone ("None False").
osc_by_tvp() {
	local major
	major=$(ompi_info --version | sed -n 's/^Open MPI v\([0-9]*\).*/\1/p')
	if [ "${major:-0}" -lt 5 ]; then echo "sm,pt2pt True"; else echo "None False"; fi
}

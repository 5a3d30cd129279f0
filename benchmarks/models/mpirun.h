/* mpirun.h - the mpi model's launcher: tvp starts mpirun on its own command line. */
#ifndef TVP_MPIRUN_H
#define TVP_MPIRUN_H

#include "../plugin.h"

#include <sys/types.h>

/* When tvp launched mpirun: "SECONDS BOOT_ID", tvp_now() as it started
 * mpirun and this machine's boot id (CLOCK_MONOTONIC is comparable only
 * on the same boot of the same machine). */
#define TVP_MPI_LAUNCHED_AT "TVP_MPI_LAUNCHED_AT"

/* Set (to 1) by tvp's launcher for every rank (mpirun -x): rank 0 then
 * tells it on stderr where each rank runs, one line per rank in the form
 * TVP_MPI_MAP_LINE, so that the launcher can name the host of a rank that
 * mpirun reports by number only (a non-zero exit). */
#define TVP_MPI_MAP "TVP_MPI_MAP"
#define TVP_MPI_MAP_LINE "tvp-mpi-map: rank %d on %s\n"
/* And before its MPI_Init, the job's number (Open MPI's jobid), so that the
 * launcher can remove the job's shared-memory segments that ranks ended by
 * a signal leave in /dev/shm. */
#define TVP_MPI_JOB_LINE "tvp-mpi-map: job %s\n"

/* This machine's boot id (/proc/sys/kernel/random/boot_id) into out; false if unknown. */
bool tvp_boot_id(char *out, size_t size);

/* In a rank, before MPI_Init: where process_vm_readv is refused (a
 * container's seccomp), tell Open MPI's shared memory not to use it. */
void tvp_mpi_prepare_rank(void);

/* True when this process was started by mpirun (it is an MPI rank). */
bool tvp_mpirun_here(void);

/* Where mpirun is (on PATH) and this tvp (/proc/self/exe), each in PATH_MAX
 * bytes; as root, Open MPI's OMPI_ALLOW_RUN_AS_ROOT variables set for it.
 * 0, or after one line naming who needs mpirun: TVP_EUSAGE (no mpirun) or
 * TVP_ERUNTIME. */
int tvp_mpirun_find(char *mpirun, char *self, const char *who);

/* Start mpirun (its path) with args, its descriptor fd (stdout or stderr)
 * a pipe whose read end goes to *read_end, its stdin /dev/null. The pid,
 * or -1 after one line. */
pid_t tvp_mpirun_spawn(const char *mpirun, char **args, int fd, int *read_end);

/* Run this command line (argv[0] is tvp, argv[1] the workload) as
 * cfg->workers ranks under mpirun: `mpirun -np N [--oversubscribe]
 * [--hostfile H] $TVP_MPIRUN_ARGS /path/to/tvp ARGS...`, as root with Open
 * MPI's OMPI_ALLOW_RUN_AS_ROOT variables. mpirun's own reports become one
 * line each ("tvp: mpi rank 1 on node2 died by signal 9 (Killed)", "tvp:
 * mpi rank 2 on node2 exited with status 3"); a signal tvp gets is passed
 * to mpirun, which ends every rank; the job's shared-memory segments left
 * on this machine are removed once every rank is gone. Returns the
 * exit status: the ranks' (0, 1, 2), 1 when a rank died or a host could
 * not be reached, 2 when mpirun or the hostfile is missing; ends by the
 * signal that ended the run, after mpirun is gone. */
int tvp_mpirun_launch(int argc, char **argv, const struct tvp_config *cfg);

#endif

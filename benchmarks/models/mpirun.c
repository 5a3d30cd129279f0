/* mpirun.c - the mpi model's launcher: tvp starts mpirun on its own command line. */
#define _GNU_SOURCE
#include "mpirun.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_EXTRA 64 /* words of TVP_MPIRUN_ARGS */
#define DASHES "-----"

bool tvp_mpirun_here(void)
{
	return getenv("OMPI_COMM_WORLD_SIZE") != NULL;
}

static volatile sig_atomic_t mpirun_pid, got_signal;

/* A signal for tvp goes to mpirun, which ends every rank and exits. */
static void forward(int sig)
{
	got_signal = sig;
	if (mpirun_pid > 0)
		kill((pid_t)mpirun_pid, sig);
}

/* The full path of a program on PATH, or false. */
static bool on_path(const char *name, char *out, size_t size)
{
	const char *path = getenv("PATH");
	for (const char *dir = path ? path : ""; *dir;) {
		size_t len = strcspn(dir, ":");
		snprintf(out, size, "%.*s/%s", (int)len, dir, name);
		if (len && access(out, X_OK) == 0)
			return true;
		dir += len + (dir[len] == ':');
	}
	return false;
}

void tvp_mpi_prepare_rank(void)
{
	/* Open MPI's shared-memory transport copies large messages with
	 * process_vm_readv (CMA); a container whose seccomp forbids it (Docker's
	 * default without CAP_SYS_PTRACE) makes every such copy fail. Where the
	 * call is refused even on this process, copy through the shared buffers. */
	char probe = 1, copy = 0;
	struct iovec local = {&copy, 1}, remote = {&probe, 1};
	if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != 1)
		setenv("OMPI_MCA_btl_vader_single_copy_mechanism", "none", 0);
}

bool tvp_boot_id(char *out, size_t size)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	bool ok = f && fgets(out, (int)size, f);
	if (f)
		fclose(f);
	if (ok)
		out[strcspn(out, "\n")] = '\0';
	return ok && *out;
}

int tvp_mpirun_find(char *mpirun, char *self, const char *who)
{
	if (!on_path("mpirun", mpirun, PATH_MAX))
		return tvp_err(TVP_EUSAGE, "%s needs mpirun, which is not on PATH (install openmpi-bin)",
			       who);
	ssize_t len = readlink("/proc/self/exe", self, PATH_MAX - 1);
	if (len <= 0)
		return tvp_syserr(TVP_ERUNTIME, "cannot find tvp's own path (/proc/self/exe)");
	self[len] = '\0';
	if (geteuid() == 0) { /* Open MPI refuses root unless told, by these documented variables */
		setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
		setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
	}
	return 0;
}

pid_t tvp_mpirun_spawn(const char *mpirun, char **args, int fd, int *read_end)
{
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return tvp_syserr(TVP_ERUNTIME, "cannot make a pipe for mpirun"), -1;
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, pipefd[1], fd);
	/* tvp reads no input: mpirun would forward its stdin to rank 0, and
	 * take lines a calling script meant for itself. */
	posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	pid_t pid;
	int err = posix_spawn(&pid, mpirun, &actions, NULL, args, environ);
	posix_spawn_file_actions_destroy(&actions);
	close(pipefd[1]);
	if (err) {
		close(pipefd[0]);
		errno = err;
		return tvp_syserr(TVP_ERUNTIME, "cannot start %s", mpirun), -1;
	}
	*read_end = pipefd[0];
	return pid;
}

/* What mpirun's stderr said that tvp turns into one line of its own. */
struct said {
	bool died, unreachable;
	char (*host_of)[64];   /* rank 0's map (TVP_MPI_MAP): each rank's host, "" if unknown */
	unsigned long job;     /* Open MPI's jobid, from rank 0 (0: unknown) */
	struct tvp_buf held;   /* the launcher's lines outside mpirun's boxes (ssh's, a sanitizer's) */
	char last_held[1024];  /* the last of them */
	struct tvp_buf rank0, ranks; /* lines of rank 0 (shown) and of the others (held) */
};

/* "tvp rank 1 on node2: MESSAGE": the MESSAGE, or NULL for another line. */
static const char *rank_message(const char *line)
{
	if (strncmp(line, "tvp rank ", 9) != 0)
		return NULL;
	const char *colon = strstr(line, ": ");
	return colon ? colon + 2 : NULL;
}

/* The other ranks' lines, except those rank 0 said too ("tvp: MESSAGE"):
 * a bad --file on every host is one line, a file missing on one host its own. */
static void show_ranks(struct said *said)
{
	tvp_buf_append(&said->rank0, "", 1);
	tvp_buf_append(&said->ranks, "", 1);
	for (char *line = (char *)said->ranks.data; *line;) {
		char *end = strchr(line, '\n');
		*end = '\0';
		char same[1100];
		snprintf(same, sizeof same, "tvp: %s\n", rank_message(line));
		if (!strstr((char *)said->rank0.data, same))
			fprintf(stderr, "%s\n", line);
		line = end + 1;
	}
	tvp_buf_free(&said->rank0);
	tvp_buf_free(&said->ranks);
}

/* A rank's "tvp: terminated (SIGTERM)" while mpirun ends the job: the
 * reason is the line about the rank that died (or tvp's own signal). */
static bool ending(const char *line)
{
	const char *message = rank_message(line);
	message = message ? message : !strncmp(line, "tvp: ", 5) ? line + 5 : "";
	return !strncmp(message, "terminated (SIGTERM)", 20) ||
	       !strncmp(message, "interrupted (SIGINT)", 20) ||
	       !strncmp(message, "hung up (SIGHUP)", 16) || !strncmp(message, "quit (SIGQUIT)", 14);
}


/* A line of rank 0's map (TVP_MPI_MAP_LINE) into said->host_of; false for another line. */
static bool read_map(struct said *said, const char *line)
{
	int rank;
	char host[64];
	if (sscanf(line, "tvp-mpi-map: job %lu", &said->job) == 1)
		return true;
	if (sscanf(line, "tvp-mpi-map: rank %d on %63s", &rank, host) != 2)
		return false;
	if (rank >= 0 && rank < TVP_MAX_WORKERS) {
		if (!said->host_of)
			said->host_of = tvp_xcalloc(TVP_MAX_WORKERS, sizeof *said->host_of);
		snprintf(said->host_of[rank], sizeof said->host_of[rank], "%s", host);
	}
	return true;
}

/* "tvp: mpi rank K on HOST exited with status S" for mpirun's report of a rank's
 * non-zero exit, which names the rank only (the host from rank 0's map). */
static void exited(const struct said *said, int rank, const char *code)
{
	const char *host = said->host_of && rank >= 0 && rank < TVP_MAX_WORKERS ? said->host_of[rank] : "";
	fprintf(stderr, "tvp: mpi rank %d%s%s exited with status %s%s\n", rank, *host ? " on " : "", host,
		code, rank == 0 ? ": rank 0 is the harness, so the run ended with it" : "");
}

/* One of mpirun's boxed reports (the lines between its dashed rules). */
static void read_box(struct said *said, const char *box)
{
	int rank, sig;
	char node[256], name[64], exitcode[32];
	const char *noticed = strstr(box, "noticed that process rank");
	if (noticed && sscanf(noticed, "noticed that process rank %d with PID %*d on node %255s "
			      "exited on signal %d (%63[^)])", &rank, node, &sig, name) == 4) {
		fprintf(stderr, "tvp: mpi rank %d on %s died by signal %d (%s)\n", rank, node, sig, name);
		said->died = true;
		return;
	}
	if (strstr(box, "unable to reliably start one or more daemons") ||
	    strstr(box, "daemon has unexpectedly failed") || strstr(box, "unable to reach")) {
		said->unreachable = true;
		return;
	}
	const char *process = strstr(box, "Process name: [[");
	const char *code = strstr(box, "Exit code:");
	if (strstr(box, "exited with non-zero status") && process && code) {
		if (sscanf(process, "Process name: [[%*d,%*d],%d]", &rank) == 1 &&
		    sscanf(code, "Exit code: %31s", exitcode) == 1 && strcmp(exitcode, "1") &&
		    strcmp(exitcode, "2")) { /* tvp's own statuses: the rank said why itself */
			exited(said, rank, exitcode);
			said->died = true;
		}
		return;
	}
	if (strstr(box, "Primary job") && strstr(box, "non-zero exit code"))
		return; /* the line that names the rank follows in the next box */
	fputs(box, stderr); /* anything else, as mpirun said it */
}

/* mpirun's stderr, line by line, until it closes. */
static void filter(int fd, struct said *said)
{
	FILE *in = fdopen(fd, "r");
	char line[1024];
	char *box = NULL;
	size_t box_len = 0;
	bool in_box = false;
	while (in) {
		errno = 0;
		if (!fgets(line, sizeof line, in)) {
			if (errno == EINTR) {
				clearerr(in);
				continue;
			}
			break;
		}
		if (!strncmp(line, DASHES, strlen(DASHES))) {
			if (in_box && box)
				read_box(said, box);
			if (in_box)
				box_len = 0;
			in_box = !in_box;
			continue;
		}
		if (in_box) {
			box = tvp_xrealloc(box, box_len + strlen(line) + 1);
			strcpy(box + box_len, line);
			box_len += strlen(line);
		} else if (ending(line) || read_map(said, line)) {
			continue;
		} else if (rank_message(line)) {
			tvp_buf_append(&said->ranks, line, strlen(line)); /* shown at the end */
		} else if (!strncmp(line, "tvp: ", 5)) {
			fputs(line, stderr); /* rank 0's line, at once */
			tvp_buf_append(&said->rank0, line, strlen(line));
		} else { /* the launcher's (ssh) or Open MPI's: held, to fold or show at the end */
			tvp_buf_append(&said->held, line, strlen(line));
			snprintf(said->last_held, sizeof said->last_held, "%s", line);
		}
	}
	if (in_box && box_len) /* an unclosed box: show it */
		fputs(box, stderr);
	free(box);
	if (in)
		fclose(in);
}

/* Ranks that mpirun left behind as it ended (it kills them, and does not
 * always wait for them): tvp is their subreaper, so they are its children
 * now. Wait up to two seconds for them to end, then kill what is left;
 * return when none is left. */
static void reap_orphans(void)
{
	const struct timespec nap = {0, 50 * 1000 * 1000};
	for (int round = 0;; round++) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			continue;
		if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
			return;
		if (round == 40) { /* still there after 2 s: kill them */
			DIR *proc = opendir("/proc");
			struct dirent *entry;
			while (proc && (entry = readdir(proc))) {
				char path[300], text[512];
				snprintf(path, sizeof path, "/proc/%s/stat", entry->d_name);
				FILE *stat = fopen(path, "r");
				if (!stat)
					continue;
				const char *after = fgets(text, sizeof text, stat) ? strrchr(text, ')') : NULL;
				fclose(stat);
				int ppid;
				if (after && sscanf(after, ") %*c %d", &ppid) == 1 && ppid == getpid())
					kill(atoi(entry->d_name), SIGKILL);
			}
			if (proc)
				closedir(proc);
		}
		nanosleep(&nap, NULL);
	}
}

/* Remove this machine's shared-memory segments of Open MPI job `job` (btl
 * vader's /dev/shm/vader_segment.HOST.UID.JOB.RANK, JOB in hex): a rank
 * removes its own in MPI_Finalize, or mpirun does when it ends the job, but
 * Ctrl-C reaches mpirun and every rank at once and the segments stay (4 MiB
 * each). Call when mpirun and every rank are gone. */
static void remove_segments(unsigned long job)
{
	char mark[64];
	snprintf(mark, sizeof mark, ".%u.%lx.", (unsigned)getuid(), job);
	DIR *dir = job ? opendir("/dev/shm") : NULL;
	struct dirent *entry;
	while (dir && (entry = readdir(dir)))
		if (!strncmp(entry->d_name, "vader_segment.", 14) && strstr(entry->d_name + 14, mark))
			unlinkat(dirfd(dir), entry->d_name, 0);
	if (dir)
		closedir(dir);
}

int tvp_mpirun_launch(int argc, char **argv, const struct tvp_config *cfg)
{
	char mpirun[PATH_MAX], self[PATH_MAX];
	int found = tvp_mpirun_find(mpirun, self, "the mpi model");
	if (found)
		return found;
	if (cfg->hostfile && access(cfg->hostfile, R_OK) != 0)
		return tvp_syserr(TVP_EUSAGE, "--hostfile %s", cfg->hostfile);

	char np[32], *extra = tvp_xstrdup(getenv("TVP_MPIRUN_ARGS") ? getenv("TVP_MPIRUN_ARGS") : "");
	snprintf(np, sizeof np, "%zu", cfg->workers);
	char **args = tvp_xcalloc((size_t)argc + MAX_EXTRA + 16, sizeof *args);
	size_t n = 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	args[n++] = "mpirun";
	args[n++] = "-np", args[n++] = np;
	if (!cfg->hostfile && cpus > 0 && cfg->workers > (size_t)cpus)
		args[n++] = "--oversubscribe"; /* more ranks than cores: time slicing, as fork does */
	if (!cfg->pin)
		args[n++] = "--bind-to", args[n++] = "none"; /* as the other models: --pin pins */
	setenv(TVP_MPI_MAP, "1", 1);
	args[n++] = "-x", args[n++] = TVP_MPI_MAP; /* rank 0, on any host: say where each rank runs */
	if (cfg->hostfile)
		args[n++] = "--hostfile", args[n++] = (char *)cfg->hostfile;
	size_t words = 0;
	for (char *word = strtok(extra, " \t\n"); word; word = strtok(NULL, " \t\n"))
		if (words++ < MAX_EXTRA)
			args[n++] = word;
	args[n++] = self;
	for (int i = 1; i < argc; i++)
		args[n++] = argv[i];

	prctl(PR_SET_CHILD_SUBREAPER, 1); /* ranks mpirun leaves behind come to tvp, which reaps them */
	char launched[160], boot[64];
	if (tvp_boot_id(boot, sizeof boot)) { /* rank 0 on this machine starts spawn here */
		snprintf(launched, sizeof launched, "%.9f %s", tvp_now(), boot);
		setenv(TVP_MPI_LAUNCHED_AT, launched, 1);
	}
	struct sigaction act = {.sa_handler = forward}, old[4];
	const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	for (int i = 0; i < 4; i++)
		sigaction(signals[i], &act, &old[i]);
	int from_mpirun;
	pid_t pid = tvp_mpirun_spawn(mpirun, args, STDERR_FILENO, &from_mpirun);
	free(args);
	free(extra);
	if (pid < 0) {
		for (int i = 0; i < 4; i++)
			sigaction(signals[i], &old[i], NULL);
		return TVP_ERUNTIME;
	}
	mpirun_pid = pid;
	if (got_signal) /* it came before mpirun_pid was known */
		kill(pid, got_signal);

	struct said said = {0};
	filter(from_mpirun, &said);
	show_ranks(&said);
	int wstatus = 0;
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		continue;
	mpirun_pid = 0;
	reap_orphans();
	remove_segments(said.job);
	for (int i = 0; i < 4; i++)
		sigaction(signals[i], &old[i], NULL);

	free(said.host_of);
	if (said.unreachable) {
		char *why = said.last_held;
		why[strcspn(why, "\n")] = '\0';
		tvp_buf_free(&said.held);
		return tvp_err(TVP_ERUNTIME, "mpirun could not start its daemon on a host of %s "
			       "(unreachable, or no Open MPI there)%s%s",
			       cfg->hostfile ? cfg->hostfile : "the allocation", *why ? ": " : "", why);
	}
	if (said.held.len && fwrite(said.held.data, 1, said.held.len, stderr) != said.held.len)
		clearerr(stderr);
	tvp_buf_free(&said.held);
	if (got_signal) {
		fprintf(stderr, "tvp: ended by signal %d (%s); mpirun ended every rank\n", (int)got_signal,
			strsignal(got_signal));
		signal(got_signal, SIG_DFL);
		raise(got_signal);
	}
	if (said.died)
		return TVP_ERUNTIME;
	if (WIFSIGNALED(wstatus))
		return tvp_err(TVP_ERUNTIME, "mpirun died by signal %d", WTERMSIG(wstatus));
	int status = WEXITSTATUS(wstatus);
	if (status > TVP_EUSAGE)
		return tvp_err(TVP_ERUNTIME, "mpirun exited with status %d", status);
	return status;
}

/* ex-run.c - run one exercise program for a checker: time limit, process group, no survivors. */
/*
 * ex-run [--timeout SECONDS] [--preload LIB] [--report FILE] -- PROGRAM ARGS...
 *
 * Runs PROGRAM in a process group of its own, as a child of ex-run, which is
 * a child subreaper (prctl PR_SET_CHILD_SUBREAPER): any process PROGRAM
 * leaves behind is reparented here, not to init, so ex-run can see it.
 *
 * States of a run, in order:
 *   RUNNING   PROGRAM has not exited; if the time limit passes, ex-run lists
 *             every process of the group (pid, state, kernel wait channel),
 *             kills the group with SIGKILL and goes on as TIMED_OUT.
 *   EXITED    PROGRAM has been reaped; its children that were already dead
 *             but never waited for (zombies) are reaped and counted.
 *   CLEANUP   children still running (orphans) are killed and counted.
 *
 * With --report, writes one line "status=S timed_out=T zombies=Z orphans=O"
 * to FILE (S is the exit status, or 128+signal). --preload sets LD_PRELOAD
 * for PROGRAM only. ex-run exits with PROGRAM's status, 124 on time-out, or
 * 125 if it could not run PROGRAM at all.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXIT_TIMED_OUT 124
#define EXIT_CANNOT_RUN 125
#define POLL_NS (2 * 1000 * 1000) /* how often to look for exited children */
#define GRACE_POLLS 25		  /* polls to let an exiting orphan finish */

/* Print "ex-run: MESSAGE" on stderr and exit with EXIT_CANNOT_RUN. */
static void die(const char *what)
{
	fprintf(stderr, "ex-run: %s: %s\n", what, strerror(errno));
	exit(EXIT_CANNOT_RUN);
}

/* Seconds on CLOCK_MONOTONIC. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Sleep one poll interval. */
static void nap(void)
{
	struct timespec ts = {0, POLL_NS};
	nanosleep(&ts, NULL);
}

/* Read the first line of /proc/PID/NAME into buf (empty on failure). */
static void proc_read(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
	buf[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(buf, (int)size, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

/* The name of the system calls a blocked exercise program is likely in. */
static const char *syscall_name(int number)
{
#if defined(__x86_64__)
	switch (number) {
	case 0: return "read";
	case 1: return "write";
	case 7: return "poll";
	case 23: return "select";
	case 35: return "nanosleep";
	case 61: return "wait4 (waitpid)";
	case 202: return "futex (a lock or a join)";
	case 230: return "clock_nanosleep";
	case 247: return "waitid";
	}
#elif defined(__aarch64__)
	switch (number) {
	case 63: return "read";
	case 64: return "write";
	case 98: return "futex (a lock or a join)";
	case 260: return "wait4 (waitpid)";
	}
#endif
	static char other[32];
	snprintf(other, sizeof other, "number %d", number);
	return other;
}

/* List on stderr every process of process group pgid: where each one waits. */
static void show_group(pid_t pgid)
{
	DIR *dir = opendir("/proc");
	if (!dir)
		return;
	struct dirent *entry;
	while ((entry = readdir(dir))) {
		pid_t pid = (pid_t)atoi(entry->d_name);
		if (pid <= 0 || getpgid(pid) != pgid)
			continue;
		char stat[512], wchan[128], comm[64] = "?";
		char state = '?';
		proc_read(pid, "stat", stat, sizeof stat);
		char *close_paren = strrchr(stat, ')'), *open_paren = strchr(stat, '(');
		if (open_paren && close_paren && close_paren > open_paren) {
			snprintf(comm, sizeof comm, "%.*s", (int)(close_paren - open_paren - 1),
				 open_paren + 1);
			state = close_paren[2];
		}
		char syscall[256], kernel_stack[256];
		proc_read(pid, "syscall", syscall, sizeof syscall);
		proc_read(pid, "wchan", wchan, sizeof wchan);
		if (wchan[0] == '\0' || strcmp(wchan, "0") == 0) {
			/* "[<0>] pipe_write+0x1d2/0x4a0": keep the function name. */
			proc_read(pid, "stack", kernel_stack, sizeof kernel_stack);
			char *name = strchr(kernel_stack, ' ');
			snprintf(wchan, sizeof wchan, "%.*s", name ? (int)strcspn(name + 1, "+") : 0,
				 name ? name + 1 : "");
		}
		fprintf(stderr, "ex-run:   pid %d (%s) state %c, in system call %s, kernel function %s\n",
			(int)pid, comm, state, syscall_name(atoi(syscall)),
			wchan[0] ? wchan : "(not shown here)");
	}
	closedir(dir);
}

/* Exit status of a wait status: the code, or 128 + the signal. */
static int status_of(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return EXIT_CANNOT_RUN;
}

int main(int argc, char **argv)
{
	double timeout_s = 60;
	const char *preload = NULL, *report = NULL;
	int arg = 1;
	for (; arg < argc; arg++) {
		if (strcmp(argv[arg], "--") == 0) {
			arg++;
			break;
		} else if (strcmp(argv[arg], "--timeout") == 0 && arg + 1 < argc) {
			timeout_s = atof(argv[++arg]);
		} else if (strcmp(argv[arg], "--preload") == 0 && arg + 1 < argc) {
			preload = argv[++arg];
		} else if (strcmp(argv[arg], "--report") == 0 && arg + 1 < argc) {
			report = argv[++arg];
		} else {
			break;
		}
	}
	if (arg >= argc || timeout_s <= 0) {
		fprintf(stderr, "usage: ex-run [--timeout S] [--preload LIB] [--report FILE] "
				"-- PROGRAM ARGS...\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
		die("prctl(PR_SET_CHILD_SUBREAPER)");

	pid_t program = fork();
	if (program < 0)
		die("fork");
	if (program == 0) {
		setpgid(0, 0);
		if (preload && setenv("LD_PRELOAD", preload, 1) != 0)
			_exit(EXIT_CANNOT_RUN);
		execvp(argv[arg], argv + arg);
		fprintf(stderr, "ex-run: cannot run %s: %s\n", argv[arg], strerror(errno));
		_exit(EXIT_CANNOT_RUN);
	}
	setpgid(program, program); /* either side may win the race; both set it */

	/* RUNNING: reap whatever exits; PROGRAM's own status is the one kept. */
	double deadline = now() + timeout_s;
	int status = -1, timed_out = 0;
	while (status < 0) {
		int wstatus;
		pid_t pid = waitpid(-1, &wstatus, WNOHANG);
		if (pid == program) {
			status = status_of(wstatus);
		} else if (pid == 0 && now() > deadline) {
			timed_out = 1;
			fprintf(stderr, "ex-run: %s did not finish in %g s; its processes:\n",
				argv[arg], timeout_s);
			show_group(program);
			fprintf(stderr, "ex-run: killed them all (SIGKILL) and reaped them\n");
			kill(-program, SIGKILL);
		} else if (pid == 0) {
			nap();
		} else if (pid < 0 && errno != EINTR) {
			die("waitpid");
		}
	}

	/* EXITED: children already dead were zombies PROGRAM never reaped. */
	int zombies = 0, orphans = 0;
	for (;;) {
		int wstatus;
		pid_t pid = waitpid(-1, &wstatus, WNOHANG);
		if (pid > 0)
			zombies++;
		else
			break;
	}
	/* CLEANUP: give exiting ones a moment, then kill what still runs. */
	for (int poll = 0; poll < GRACE_POLLS; poll++) {
		int wstatus;
		pid_t pid = waitpid(-1, &wstatus, WNOHANG);
		if (pid > 0)
			orphans++;
		else if (pid < 0)
			break;
		else
			nap();
	}
	if (kill(-program, SIGKILL) == 0 || errno != ESRCH) {
		int wstatus;
		while (waitpid(-1, &wstatus, 0) > 0)
			orphans++;
	}
	if (timed_out)
		zombies = orphans = 0; /* killed by us: not the program's leftovers */

	if (report) {
		FILE *f = fopen(report, "w");
		if (!f)
			die(report);
		fprintf(f, "status=%d timed_out=%d zombies=%d orphans=%d\n", status, timed_out,
			zombies, orphans);
		fclose(f);
	}
	return timed_out ? EXIT_TIMED_OUT : status;
}

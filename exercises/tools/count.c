/* count.c - LD_PRELOAD shim for checkers: counts the processes and threads a program creates and reaps. */
/*
 * Loaded into an exercise program with LD_PRELOAD (ex-run --preload), it
 * wraps fork, pthread_create, pthread_join and the wait family (wait,
 * waitpid, wait3, wait4, waitid), counts the calls that succeed, and when
 * the program exits normally writes one line to the file named by
 * $EX_COUNT_FILE:
 *   forks=F reaped=R threads=T joined=J
 * Only the process that loaded the shim writes (not its forked children).
 * If the program dies by a signal or calls _exit, nothing is written.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static atomic_long forks, reaped, threads, joined;
static pid_t first_pid;

/* The next definition of name after this library (the real one in libc). */
static void *real(const char *name)
{
	void *fn = dlsym(RTLD_NEXT, name);
	if (!fn) {
		fprintf(stderr, "count.so: cannot find %s\n", name);
		abort();
	}
	return fn;
}

/* A wait that returned pid > 0 with an exit or a signal reaped one child. */
static void count_reaped(pid_t pid, int *wstatus)
{
	if (pid > 0 && (!wstatus || WIFEXITED(*wstatus) || WIFSIGNALED(*wstatus)))
		atomic_fetch_add(&reaped, 1);
}

/* The wrappers below: each calls the real function (found on first use),
 * counts it if it succeeded, and returns what the real one returned. */

pid_t fork(void)
{
	static pid_t (*real_fork)(void);
	if (!real_fork)
		real_fork = (pid_t(*)(void))real("fork");
	pid_t pid = real_fork();
	if (pid > 0)
		atomic_fetch_add(&forks, 1);
	return pid;
}

pid_t waitpid(pid_t pid, int *wstatus, int options)
{
	static pid_t (*real_waitpid)(pid_t, int *, int);
	if (!real_waitpid)
		real_waitpid = (pid_t(*)(pid_t, int *, int))real("waitpid");
	int local;
	int *where = wstatus ? wstatus : &local;
	pid_t got = real_waitpid(pid, where, options);
	count_reaped(got, where);
	return got;
}

pid_t wait(int *wstatus)
{
	return waitpid(-1, wstatus, 0);
}

pid_t wait4(pid_t pid, int *wstatus, int options, struct rusage *usage)
{
	static pid_t (*real_wait4)(pid_t, int *, int, struct rusage *);
	if (!real_wait4)
		real_wait4 = (pid_t(*)(pid_t, int *, int, struct rusage *))real("wait4");
	int local;
	int *where = wstatus ? wstatus : &local;
	pid_t got = real_wait4(pid, where, options, usage);
	count_reaped(got, where);
	return got;
}

pid_t wait3(int *wstatus, int options, struct rusage *usage)
{
	return wait4(-1, wstatus, options, usage);
}

int waitid(idtype_t idtype, id_t id, siginfo_t *info, int options)
{
	static int (*real_waitid)(idtype_t, id_t, siginfo_t *, int);
	if (!real_waitid)
		real_waitid = (int (*)(idtype_t, id_t, siginfo_t *, int))real("waitid");
	int rc = real_waitid(idtype, id, info, options);
	/* Reaped: it returned a child that exited, and left it unwaitable. */
	if (rc == 0 && info && info->si_pid > 0 && (options & WEXITED) && !(options & WNOWAIT) &&
	    (info->si_code == CLD_EXITED || info->si_code == CLD_KILLED ||
	     info->si_code == CLD_DUMPED))
		atomic_fetch_add(&reaped, 1);
	return rc;
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
		   void *arg)
{
	static int (*real_create)(pthread_t *, const pthread_attr_t *, void *(*)(void *),
				  void *);
	if (!real_create)
		real_create = (int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *),
				       void *))real("pthread_create");
	int rc = real_create(thread, attr, start, arg);
	if (rc == 0)
		atomic_fetch_add(&threads, 1);
	return rc;
}

int pthread_join(pthread_t thread, void **retval)
{
	static int (*real_join)(pthread_t, void **);
	if (!real_join)
		real_join = (int (*)(pthread_t, void **))real("pthread_join");
	int rc = real_join(thread, retval);
	if (rc == 0)
		atomic_fetch_add(&joined, 1);
	return rc;
}

__attribute__((constructor)) static void count_start(void)
{
	first_pid = getpid();
}

__attribute__((destructor)) static void count_report(void)
{
	const char *path = getenv("EX_COUNT_FILE");
	if (!path || getpid() != first_pid)
		return;
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "forks=%ld reaped=%ld threads=%ld joined=%ld\n", atomic_load(&forks),
		atomic_load(&reaped), atomic_load(&threads), atomic_load(&joined));
	fclose(f);
}

/* cleanup.c - on SIGINT, SIGTERM or SIGHUP: kill and reap every worker, remove the temp file, die by the signal. */
#define _GNU_SOURCE
#include "cleanup.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILD_SLOTS 2048 /* more than TVP_MAX_WORKERS: the pool's replacements */

/* What the handler reads. A slot is 0 or a child's pid; an int store is
 * atomic with respect to a signal handler on every Linux target. */
static volatile sig_atomic_t children[CHILD_SLOTS];
static char temp_path[PATH_MAX];
static volatile sig_atomic_t temp_set;
static pid_t owner; /* the tvp process: a freshly forked child is not it */
static atomic_int handling;

static const int caught[] = {SIGINT, SIGTERM, SIGHUP};

/* The decimal digits of value at the end of buf; returns where they start. */
static char *format_count(unsigned value, char *end)
{
	*--end = '\0';
	do
		*--end = (char)('0' + value % 10);
	while ((value /= 10) != 0);
	return end;
}

static void say(const char *text)
{
	if (write(STDERR_FILENO, text, strlen(text)) < 0)
		return;
}

static void on_fatal_signal(int sig)
{
	int saved_errno = errno;
	if (getpid() != owner) {
		/* A worker forked a moment ago, before it reset its handlers. */
		signal(sig, SIG_DFL);
		raise(sig);
		errno = saved_errno;
		return;
	}
	if (atomic_exchange(&handling, 1)) {
		for (;;) /* another thread is already cleaning up and will end us */
			pause();
	}
	unsigned reaped = 0;
	for (size_t i = 0; i < CHILD_SLOTS; i++)
		if (children[i] > 0)
			kill((pid_t)children[i], SIGKILL);
	for (size_t i = 0; i < CHILD_SLOTS; i++) {
		pid_t pid = (pid_t)children[i];
		if (pid <= 0)
			continue;
		pid_t got;
		do
			got = waitpid(pid, NULL, __WALL);
		while (got < 0 && errno == EINTR);
		if (got == pid)
			reaped++;
		children[i] = 0;
	}
	while (waitpid(-1, NULL, WNOHANG | __WALL) > 0) /* any other zombie */
		reaped++;
	if (temp_set)
		unlink(temp_path);

	char digits[16];
	say(sig == SIGINT ? "tvp: interrupted (SIGINT)" : sig == SIGTERM ? "tvp: terminated (SIGTERM)"
								      : "tvp: hung up (SIGHUP)");
	if (reaped) {
		say(": killed and reaped ");
		say(format_count(reaped, digits + sizeof digits));
		say(reaped == 1 ? " worker process" : " worker processes");
	}
	say("\n");

	/* End by the signal itself, so a calling shell sees how we ended. */
	struct sigaction fallback = {.sa_handler = SIG_DFL};
	sigemptyset(&fallback.sa_mask);
	sigaction(sig, &fallback, NULL);
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, sig);
	raise(sig);
	pthread_sigmask(SIG_UNBLOCK, &mask, NULL);
	_exit(128 + sig);
}

void tvp_cleanup_install(void)
{
	owner = getpid();
	struct sigaction action = {.sa_handler = on_fatal_signal};
	sigemptyset(&action.sa_mask);
	for (size_t i = 0; i < sizeof caught / sizeof *caught; i++)
		sigaddset(&action.sa_mask, caught[i]);
	for (size_t i = 0; i < sizeof caught / sizeof *caught; i++) {
		struct sigaction old;
		if (sigaction(caught[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(caught[i], &action, NULL);
	}
}

void tvp_cleanup_add_child(pid_t pid)
{
	for (size_t i = 0; i < CHILD_SLOTS; i++)
		if (children[i] == 0) {
			children[i] = pid;
			return;
		}
	/* Full: the child still dies with us (PR_SET_PDEATHSIG). */
}

void tvp_cleanup_remove_child(pid_t pid)
{
	for (size_t i = 0; i < CHILD_SLOTS; i++)
		if (children[i] == pid) {
			children[i] = 0;
			return;
		}
}

void tvp_cleanup_temp_file(const char *path)
{
	temp_set = 0;
	if (!path || strlen(path) >= sizeof temp_path)
		return;
	memcpy(temp_path, path, strlen(path) + 1);
	temp_set = 1;
}

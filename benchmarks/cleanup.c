/* cleanup.c - on a fatal signal or --timeout: kill and reap every worker, remove temp files, end. */
#define _GNU_SOURCE
#include "cleanup.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#define CHILD_SLOTS 2048 /* more than TVP_MAX_WORKERS: the pool's replacements */
#define TEMP_SLOTS 8

/* What the handler reads. A slot is 0 or a child's pid; an int store is
 * atomic with respect to a signal handler on every Linux target. */
static volatile sig_atomic_t children[CHILD_SLOTS];
static char temp_path[TEMP_SLOTS][PATH_MAX];
static volatile sig_atomic_t temp_set[TEMP_SLOTS];
static pid_t owner; /* the tvp process: a freshly forked child is not it */
static atomic_int handling;
static char deadline_text[96]; /* "tvp: timed out after 5 s (--timeout) while " */

static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define NCAUGHT (sizeof caught / sizeof *caught)
static bool catching[NCAUGHT]; /* not ignored when tvp started */

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

static const char *signal_phrase(int sig)
{
	switch (sig) {
	case SIGINT:
		return "tvp: interrupted (SIGINT)";
	case SIGTERM:
		return "tvp: terminated (SIGTERM)";
	case SIGHUP:
		return "tvp: hung up (SIGHUP)";
	default:
		return "tvp: quit (SIGQUIT)";
	}
}

/* Kill and reap every registered child and any other zombie, remove the
 * temporary files; the number of processes reaped. */
static unsigned kill_and_reap(void)
{
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
	for (size_t i = 0; i < TEMP_SLOTS; i++)
		if (temp_set[i])
			unlink(temp_path[i]);
	return reaped;
}

static void say_reaped(unsigned reaped)
{
	char digits[16];
	if (reaped) {
		say(": killed and reaped ");
		say(format_count(reaped, digits + sizeof digits));
		say(reaped == 1 ? " worker process" : " worker processes");
	}
	say("\n");
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
	if (sig == SIGALRM) {
		unsigned reaped = kill_and_reap();
		say(deadline_text);
		say(tvp_activity());
		say_reaped(reaped);
		_exit(TVP_ERUNTIME);
	}
	unsigned reaped = kill_and_reap();
	say(signal_phrase(sig));
	say_reaped(reaped);

	/* End by the signal itself, so a calling shell sees how we ended. */
	if (sig == SIGQUIT) {
		struct rlimit no_core = {0, 0}; /* SIGQUIT dumps core by default */
		setrlimit(RLIMIT_CORE, &no_core);
	}
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

/* The caught signals and SIGALRM, as a set. */
static void held_signals(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < NCAUGHT; i++)
		sigaddset(set, caught[i]);
	sigaddset(set, SIGALRM);
}

void tvp_cleanup_install(void)
{
	owner = getpid();
	struct sigaction action = {.sa_handler = on_fatal_signal};
	held_signals(&action.sa_mask);
	for (size_t i = 0; i < NCAUGHT; i++) {
		struct sigaction old;
		catching[i] = false;
		if (sigaction(caught[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		catching[i] = sigaction(caught[i], &action, NULL) == 0;
	}
}

void tvp_cleanup_hold(bool hold)
{
	sigset_t set;
	held_signals(&set);
	pthread_sigmask(hold ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

pid_t tvp_cleanup_fork(void)
{
	sigset_t set, old;
	held_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	pid_t pid = fork();
	int saved_errno = errno;
	if (pid == 0) {
		/* Not tvp's handlers: the parent cleans up. What tvp ignored
		 * from the start (nohup's SIGHUP) stays ignored. */
		for (size_t i = 0; i < NCAUGHT; i++)
			if (catching[i])
				signal(caught[i], SIG_DFL);
		signal(SIGALRM, SIG_DFL);
	} else if (pid > 0) {
		tvp_cleanup_add_child(pid);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved_errno;
	return pid;
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

void tvp_cleanup_add_temp(const char *path)
{
	if (!path || strlen(path) >= PATH_MAX)
		return;
	for (size_t i = 0; i < TEMP_SLOTS; i++)
		if (!temp_set[i]) {
			memcpy(temp_path[i], path, strlen(path) + 1);
			temp_set[i] = 1;
			return;
		}
}

void tvp_cleanup_remove_temp(const char *path)
{
	if (!path)
		return;
	for (size_t i = 0; i < TEMP_SLOTS; i++)
		if (temp_set[i] && strcmp(temp_path[i], path) == 0) {
			temp_set[i] = 0;
			return;
		}
}

void tvp_cleanup_deadline(double seconds)
{
	if (!(seconds > 0))
		return;
	snprintf(deadline_text, sizeof deadline_text, "tvp: timed out after %g s (--timeout) while ",
		 seconds);
	if (!owner)
		owner = getpid();
	struct sigaction action = {.sa_handler = on_fatal_signal};
	held_signals(&action.sa_mask);
	sigaction(SIGALRM, &action, NULL);
	struct itimerval timer = {.it_value = {.tv_sec = (time_t)seconds,
					       .tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6)}};
	if (timer.it_value.tv_sec == 0 && timer.it_value.tv_usec == 0)
		timer.it_value.tv_usec = 1;
	setitimer(ITIMER_REAL, &timer, NULL);
}

/* supervisor.c - exercise 11: fork/exec a worker per task, reap them on SIGCHLD, restart any that dies, lose no task. */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORKERS 64
#define MAX_TASKS 100000
#define MAX_ATTEMPTS 3 /* a task whose worker dies this often fails the run */
#define PATH_BYTES 4096

/* A task moves TODO -> RUNNING (a worker has it) -> DONE, or back to TODO
 * when its worker dies (a restart), or to FAILED after MAX_ATTEMPTS. */
enum task_state { TODO, RUNNING, DONE, FAILED };

struct supervisor {
	int workers, tasks;
	const char *dir;        /* where the workers write their results */
	char worker_path[PATH_BYTES];
	const char *sleep_ms;   /* passed to each worker */
	enum task_state state[MAX_TASKS];
	int attempts[MAX_TASKS];
	char kill_first[MAX_TASKS]; /* the supervisor kills the first worker of these tasks */
	pid_t pid[MAX_WORKERS]; /* the worker in each slot, 0 if the slot is free */
	int task_of[MAX_WORKERS];
	int running, done, failed, restarts;
};

static volatile sig_atomic_t child_exited;

/* SIGCHLD: note it; the main loop reaps. One signal may stand for many children. */
static void on_sigchld(int signal_number)
{
	(void)signal_number;
	child_exited = 1;
}

/* die WHAT: one line on stderr naming the failed call (errno), exit 1. */
static void die(const char *what)
{
	fprintf(stderr, "supervisor: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Start a worker for task in a free slot: fork, then exec the worker program. */
static void start_worker(struct supervisor *sup, int task)
{
	int slot = 0;
	while (sup->pid[slot])
		slot++;
	char task_text[16];
	snprintf(task_text, sizeof task_text, "%d", task);
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execl(sup->worker_path, "worker", task_text, sup->dir, sup->sleep_ms, (char *)NULL);
		_exit(127); /* exec failed: the parent sees status 127 */
	}
	sup->pid[slot] = pid;
	sup->task_of[slot] = task;
	sup->state[task] = RUNNING;
	sup->attempts[task]++;
	sup->running++;
	printf("start   task %d pid %d attempt %d\n", task, (int)pid, sup->attempts[task]);
	if (sup->kill_first[task] && sup->attempts[task] == 1 && kill(pid, SIGKILL) != 0)
		die("kill");
}

/* A worker has been reaped with status: the task is done, or it goes back
 * to TODO for a restart (FAILED after MAX_ATTEMPTS). Frees the slot. */
static void finish(struct supervisor *sup, int slot, int status)
{
	int task = sup->task_of[slot];
	sup->pid[slot] = 0;
	sup->running--;
	if (WIFSIGNALED(status))
		printf("killed  task %d signal %d\n", task, WTERMSIG(status));
	else
		printf("exited  task %d status %d\n", task, WEXITSTATUS(status));
	/* BEGIN SOLUTION */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		sup->state[task] = DONE;
		sup->done++;
	} else if (sup->attempts[task] < MAX_ATTEMPTS) {
		sup->state[task] = TODO;
		sup->restarts++;
		printf("restart task %d\n", task);
	} else {
		sup->state[task] = FAILED;
		sup->failed++;
	}
	/* BEGIN STARTER */
	//| /* TODO 2: only a worker that exited with status 0 has done its task.
	//|  * A worker killed by a signal (or one that failed) must be restarted:
	//|  * put its task back to TODO and count the restart; after MAX_ATTEMPTS
	//|  * attempts mark it FAILED instead. */
	//| sup->state[task] = DONE;
	//| sup->done++;
	/* END SOLUTION */
}

/* Reap every worker that has ended, without blocking; finish each one. */
static void reap_all(struct supervisor *sup)
{
	/* BEGIN SOLUTION */
	int status;
	pid_t pid;
	/* A loop, not one call: signals do not queue, so one SIGCHLD may
	 * announce several dead children. */
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int slot = 0; slot < sup->workers; slot++)
			if (sup->pid[slot] == pid) {
				finish(sup, slot, status);
				break;
			}
	}
	if (pid < 0 && errno != ECHILD)
		die("waitpid");
	/* BEGIN STARTER */
	//| /* TODO 1: reap with waitpid(-1, &status, WNOHANG) every child that has
	//|  * ended (how many can one SIGCHLD stand for?), find its slot by pid and
	//|  * call finish(sup, slot, status). */
	//| (void)sup;
	//| (void)finish;
	/* END SOLUTION */
}

/* The next task to start: the lowest TODO one, or -1. */
static int next_task(const struct supervisor *sup)
{
	for (int task = 0; task < sup->tasks; task++)
		if (sup->state[task] == TODO)
			return task;
	return -1;
}

/* parse_count TEXT LO HI NAME: TEXT as a whole number in [LO, HI]; exit 2 otherwise. */
static int parse_count(const char *text, long lo, long hi, const char *name)
{
	char *end;
	errno = 0;
	long value = strtol(text, &end, 10);
	if (errno || *end || end == text || value < lo || value > hi) {
		fprintf(stderr, "supervisor: %s must be a whole number from %ld to %ld, not '%s'\n", name, lo, hi, text);
		exit(2);
	}
	return (int)value;
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: supervisor WORKERS TASKS DIR [KILL_FIRST,... [SLEEP_MS]]\n");
		return 2;
	}
	static struct supervisor sup;
	sup.workers = parse_count(argv[1], 1, MAX_WORKERS, "WORKERS");
	sup.tasks = parse_count(argv[2], 0, MAX_TASKS, "TASKS");
	sup.dir = argv[3];
	sup.sleep_ms = argc > 5 ? argv[5] : "0";
	for (char *list = argc > 4 ? argv[4] : "", *next; *list; list = next) {
		int task = (int)strtol(list, &next, 10);
		if (next == list || task < 0 || task >= sup.tasks) {
			fprintf(stderr, "supervisor: KILL_FIRST must list tasks 0 to %d, not '%s'\n", sup.tasks - 1, argv[4]);
			return 2;
		}
		sup.kill_first[task] = 1;
		next += *next == ',';
	}
	char self[PATH_BYTES];
	ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
	if (length < 0)
		die("readlink /proc/self/exe");
	self[length] = '\0';
	snprintf(sup.worker_path, sizeof sup.worker_path, "%s/worker", dirname(self));
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* SIGCHLD stays blocked except inside sigsuspend: no wake-up is missed. */
	sigset_t chld, unblocked;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &unblocked);
	struct sigaction action = {.sa_handler = on_sigchld};
	sigemptyset(&action.sa_mask);
	if (sigaction(SIGCHLD, &action, NULL) != 0)
		die("sigaction");

	while (sup.done + sup.failed < sup.tasks) {
		int task;
		while (sup.running < sup.workers && (task = next_task(&sup)) >= 0)
			start_worker(&sup, task);
		while (!child_exited)
			sigsuspend(&unblocked);
		child_exited = 0;
		reap_all(&sup);
	}
	printf("tasks %d done %d failed %d restarts %d\n", sup.tasks, sup.done, sup.failed, sup.restarts);
	return sup.failed ? 1 : 0;
}

/* fault.c - TVP_FAULT: deliberate faults for the tests (a wrong answer, a dying worker). */
#define _GNU_SOURCE
#include "fault.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "util.h"

enum fault_kind { FAULT_NONE, FAULT_WRONG_ANSWER, FAULT_DIE };

/* The one fault of this invocation: set before any worker exists, then
 * read-only, so every worker (thread or forked process) sees the same. */
static struct {
	enum fault_kind kind;
	enum tvp_fault_how how;
	long worker, task; /* -1: any */
	unsigned skip;     /* matching task starts to let pass first */
	unsigned times;    /* 0: every time */
	bool idle;         /* die as the worker goes idle, not as it starts a task */
	pid_t tvp;         /* tvp itself: an exit there ends the whole run */
	atomic_uint *matched; /* MAP_SHARED: matching task starts, in every process */
} fault = {.worker = -1, .task = -1};

/* This process is a worker although it is tvp (an MPI rank): see fault.h. */
static bool worker_is_process;

void tvp_fault_worker_is_process(void)
{
	worker_is_process = true;
}

static int bad_spec(const char *spec, const char *why)
{
	return tvp_err(TVP_EUSAGE, "TVP_FAULT='%s': %s (wrong-answer, or "
		       "die[:worker=K][:task=T][:how=kill|segv|exit][:skip=S][:times=N][:idle])", spec, why);
}

/* One key=value of a die spec into the fault; 0 or -1. */
static int set_key(const char *key, size_t key_len, const char *value)
{
	uint64_t number;
	if (key_len == 4 && strncmp(key, "idle", 4) == 0 && value == NULL) {
		fault.idle = true;
		return 0;
	}
	if (!value)
		return -1;
	if (key_len == 3 && strncmp(key, "how", 3) == 0) {
		if (!strcmp(value, "kill"))
			fault.how = TVP_DIE_KILL;
		else if (!strcmp(value, "segv"))
			fault.how = TVP_DIE_SEGV;
		else if (!strcmp(value, "exit"))
			fault.how = TVP_DIE_EXIT;
		else
			return -1;
		return 0;
	}
	if (tvp_parse_u64(value, &number) != 0 || number > INT32_MAX)
		return -1;
	if (key_len == 6 && strncmp(key, "worker", 6) == 0)
		fault.worker = (long)number;
	else if (key_len == 4 && strncmp(key, "task", 4) == 0)
		fault.task = (long)number;
	else if (key_len == 5 && strncmp(key, "times", 5) == 0)
		fault.times = (unsigned)number;
	else if (key_len == 4 && strncmp(key, "skip", 4) == 0)
		fault.skip = (unsigned)number;
	else
		return -1;
	return 0;
}

int tvp_fault_setup(const char *spec)
{
	if (!spec || !*spec)
		return 0;
	if (!strcmp(spec, "wrong-answer")) {
		fault.kind = FAULT_WRONG_ANSWER;
		return 0;
	}
	if (strncmp(spec, "die", 3) != 0 || (spec[3] != '\0' && spec[3] != ':'))
		return bad_spec(spec, "unknown fault");
	fault.kind = FAULT_DIE;
	fault.how = TVP_DIE_KILL;
	fault.times = 1;
	fault.idle = false;
	fault.tvp = getpid();
	char *copy = tvp_xstrdup(spec);
	int status = 0;
	/* Each ":key=value" after "die"; an empty one is an error. */
	for (char *item = copy + 3; *item == ':' && !status;) {
		item++;
		char *next = strchr(item, ':');
		if (next)
			*next = '\0';
		char *eq = strchr(item, '=');
		size_t key_len = eq ? (size_t)(eq - item) : strlen(item);
		if (key_len == 0 || set_key(item, key_len, eq ? eq + 1 : NULL) != 0)
			status = bad_spec(spec, "bad key or value");
		if (!next)
			break;
		*next = ':';
		item = next;
	}
	free(copy);
	if (status) {
		fault.kind = FAULT_NONE;
		return status;
	}
	fault.matched = mmap(NULL, sizeof *fault.matched, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fault.matched == MAP_FAILED) {
		fault.matched = NULL;
		fault.kind = FAULT_NONE;
		return tvp_syserr(TVP_ERUNTIME, "TVP_FAULT: cannot map a shared counter");
	}
	return 0;
}

bool tvp_fault_wrong_answer(void)
{
	return fault.kind == FAULT_WRONG_ANSWER;
}

/* Die as the fault says, if worker (at task, or -1 going idle) matches. */
static void maybe_die(size_t worker, long task)
{
	if ((fault.worker >= 0 && (size_t)fault.worker != worker) ||
	    (fault.task >= 0 && task >= 0 && fault.task != task))
		return;
	unsigned before = atomic_fetch_add(fault.matched, 1);
	if (before < fault.skip || (fault.times && before - fault.skip >= fault.times))
		return;
	switch (fault.how) {
	case TVP_DIE_KILL:
		raise(SIGKILL);
		break;
	case TVP_DIE_SEGV: {
		/* Die by the signal itself: no sanitizer report, no core file. */
		struct rlimit no_core = {0, 0};
		setrlimit(RLIMIT_CORE, &no_core);
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
		break;
	}
	case TVP_DIE_EXIT:
		if (getpid() == fault.tvp && !worker_is_process) {
			/* A thread's exit() ends tvp itself: say so, as a runtime fault. */
			tvp_err(TVP_ERUNTIME, "worker %zu called exit (TVP_FAULT=die:how=exit) during task "
				"%ld: in a thread that ends the whole process", worker, task);
			_exit(TVP_ERUNTIME);
		}
		break;
	}
	_exit(TVP_FAULT_EXIT_STATUS);
}

void tvp_fault_at_task(size_t worker, size_t task)
{
	if (fault.kind == FAULT_DIE && !fault.idle)
		maybe_die(worker, (long)task);
}

void tvp_fault_when_idle(size_t worker)
{
	if (fault.kind == FAULT_DIE && fault.idle)
		maybe_die(worker, -1);
}

void tvp_fault_release(void)
{
	if (fault.matched)
		munmap(fault.matched, sizeof *fault.matched);
	fault.matched = NULL;
	fault.kind = FAULT_NONE;
}

/* fault.h - TVP_FAULT: deliberate faults for the tests (a wrong answer, a dying worker). */
#ifndef TVP_FAULT_H
#define TVP_FAULT_H

#include <stdbool.h>
#include <stddef.h>

/* How an injected death happens. */
enum tvp_fault_how {
	TVP_DIE_KILL, /* SIGKILL, as the OOM killer would */
	TVP_DIE_SEGV, /* SIGSEGV, as a bad pointer would (no core file) */
	TVP_DIE_EXIT, /* _exit(TVP_FAULT_EXIT_STATUS) in a process worker (an MPI
		       * rank too), as a stray exit() would; in tvp itself (a thread,
		       * the serial worker) one line and exit status 1, a runtime fault */
};

#define TVP_FAULT_EXIT_STATUS 3

/* Read the fault from spec (the TVP_FAULT text; NULL or "" for none), once,
 * before any worker starts. The grammar:
 *   wrong-answer                      flip one bit of one result
 *   die[:worker=K][:task=T][:how=kill|segv|exit][:skip=S][:times=N][:idle]
 *                                     worker K (any if not given) dies when
 *                                     it starts task T (any if not given),
 *                                     letting the first S such starts pass
 *                                     (default 0), at most N times in all
 *                                     (default 1, 0: every time); counted
 *                                     across processes and repeats. With
 *                                     idle (process models): instead, as
 *                                     it finishes its share of a run.
 * Return 0, or TVP_EUSAGE after printing one line. */
int tvp_fault_setup(const char *spec);

/* Declare this process a worker of its own although it runs tvp's main (an
 * MPI rank: each is a tvp process): a die:how=exit here ends it with
 * _exit(TVP_FAULT_EXIT_STATUS), as in a forked worker, for its launcher to
 * report. Call before the worker loop starts, before or after setup. */
void tvp_fault_worker_is_process(void);

/* True when TVP_FAULT=wrong-answer is set. */
bool tvp_fault_wrong_answer(void);

/* Called by the task runner as worker starts task: die as the fault says
 * when it matches, else return. */
void tvp_fault_at_task(size_t worker, size_t task);

/* Called by a process worker as it finishes its share of a run (idle
 * from then on): die as a die:...:idle fault says when it matches. */
void tvp_fault_when_idle(size_t worker);

/* Free what setup mapped (call once at exit, after every worker is gone). */
void tvp_fault_release(void);

#endif

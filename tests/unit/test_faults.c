/* test_faults.c - the TVP_FAULT parser and trigger, the limit names, the signal cleanup registry. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../benchmarks/cleanup.h"
#include "../../benchmarks/fault.h"
#include "../../benchmarks/rlimit.h"
#include "../../benchmarks/util.h"

Test(faults, accepts_every_documented_form)
{
	const char *good[] = {NULL, "", "wrong-answer", "die", "die:worker=2", "die:task=7",
			      "die:how=kill", "die:how=segv", "die:how=exit", "die:times=0",
			      "die:worker=1:task=4:how=exit:skip=3:times=2"};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		cr_assert_eq(tvp_fault_setup(good[i]), 0, "%s", good[i] ? good[i] : "(null)");
		tvp_fault_release();
	}
}

Test(faults, rejects_malformed_specs_as_bad_input)
{
	const char *bad[] = {"wrong", "dies", "die:", "die:worker", "die:worker=x",
			     "die:worker=-1", "die:how=burn", "die:when=now", "die:task=1:",
			     "die:times=99999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		cr_assert_eq(tvp_fault_setup(bad[i]), TVP_EUSAGE, "%s", bad[i]);
	cr_assert(!tvp_fault_wrong_answer());
}

Test(faults, wrong_answer_is_reported_and_never_kills)
{
	cr_assert_eq(tvp_fault_setup("wrong-answer"), 0);
	cr_assert(tvp_fault_wrong_answer());
	tvp_fault_at_task(0, 0);
	tvp_fault_release();
}

Test(faults, die_spares_other_workers_and_tasks)
{
	cr_assert_eq(tvp_fault_setup("die:worker=1:task=4:how=exit"), 0);
	tvp_fault_at_task(0, 4);
	tvp_fault_at_task(1, 3);
	tvp_fault_at_task(2, 4);
	tvp_fault_release();
}

static void start_task_4(void) { tvp_fault_at_task(1, 4); }
static void go_idle(void) { tvp_fault_when_idle(0); }

/* Run fire in a forked child (a process worker); assert it exits with
 * TVP_FAULT_EXIT_STATUS. */
static void assert_worker_exits(void (*fire)(void))
{
	pid_t worker = fork();
	if (worker == 0) {
		fire();
		_exit(0);
	}
	int status;
	cr_assert_eq(waitpid(worker, &status, 0), worker);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == TVP_FAULT_EXIT_STATUS, "status %d", status);
	tvp_fault_release();
}

Test(faults, die_exit_ends_a_process_worker_with_status_3)
{
	cr_assert_eq(tvp_fault_setup("die:worker=1:task=4:how=exit"), 0);
	assert_worker_exits(start_task_4);
}

/* Case 25 of issue 13: in tvp itself (a thread) the exit is a runtime
 * fault, exit 1, not an undocumented 3. */
Test(faults, die_exit_in_tvp_itself_is_a_runtime_fault, .exit_code = TVP_ERUNTIME)
{
	cr_assert_eq(tvp_fault_setup("die:worker=1:task=4:how=exit"), 0);
	tvp_fault_at_task(1, 4);
	cr_assert_fail("still alive");
}

/* An MPI rank is tvp and a worker process at once: its exit is a process
 * worker's (status 3, silent), which its launcher names with rank and host. */
Test(faults, die_exit_in_a_worker_that_is_tvp_too_is_status_3, .exit_code = TVP_FAULT_EXIT_STATUS)
{
	tvp_fault_worker_is_process();
	cr_assert_eq(tvp_fault_setup("die:worker=1:task=4:how=exit"), 0);
	tvp_fault_at_task(1, 4);
	cr_assert_fail("still alive");
}

Test(faults, die_idle_fires_as_the_worker_goes_idle_not_at_a_task)
{
	cr_assert_eq(tvp_fault_setup("die:worker=0:idle:how=exit"), 0);
	tvp_fault_at_task(0, 0); /* a task start: not this fault */
	assert_worker_exits(go_idle);
}

Test(faults, die_segv_ends_the_process_by_sigsegv, .signal = SIGSEGV)
{
	cr_assert_eq(tvp_fault_setup("die:task=2:how=segv"), 0);
	tvp_fault_at_task(5, 2);
	cr_assert_fail("still alive");
}

/* Count the deaths of a forked child for each task start in turn. */
static int deaths_among(unsigned starts)
{
	int deaths = 0;
	for (unsigned i = 0; i < starts; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			tvp_fault_at_task(0, 0);
			_exit(0);
		}
		int status;
		waitpid(pid, &status, 0);
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			deaths++;
	}
	return deaths;
}

Test(faults, skip_and_times_count_across_processes)
{
	cr_assert_eq(tvp_fault_setup("die:skip=2:times=3"), 0);
	cr_assert_eq(deaths_among(2), 0); /* the first two pass */
	cr_assert_eq(deaths_among(5), 3); /* three die, then none */
	tvp_fault_release();
}

Test(faults, times_0_fires_every_time)
{
	cr_assert_eq(tvp_fault_setup("die:times=0"), 0);
	cr_assert_eq(deaths_among(4), 4);
	tvp_fault_release();
}

Test(limits, names_the_address_space_limit_for_threads)
{
	struct rlimit as;
	cr_assert_eq(getrlimit(RLIMIT_AS, &as), 0);
	as.rlim_cur = 1ULL << 40;
	if (as.rlim_max != RLIM_INFINITY && as.rlim_max < as.rlim_cur)
		as.rlim_cur = as.rlim_max;
	cr_assert_eq(setrlimit(RLIMIT_AS, &as), 0);
	char phrase[200];
	tvp_limit_phrase(true, phrase, sizeof phrase);
	char want[64];
	snprintf(want, sizeof want, "RLIMIT_AS = %llu bytes", (unsigned long long)as.rlim_cur);
	cr_assert(strstr(phrase, want), "%s", phrase);
	tvp_limit_phrase(false, phrase, sizeof phrase); /* fork does not need stacks */
	cr_assert(!strstr(phrase, "RLIMIT_AS"), "%s", phrase);
}

Test(limits, names_rlimit_nproc_unless_root_is_exempt)
{
	struct rlimit nproc;
	cr_assert_eq(getrlimit(RLIMIT_NPROC, &nproc), 0);
	nproc.rlim_cur = nproc.rlim_max < 5000 ? nproc.rlim_max : 5000;
	cr_assert_eq(setrlimit(RLIMIT_NPROC, &nproc), 0);
	char phrase[200];
	tvp_limit_phrase(false, phrase, sizeof phrase);
	if (getuid() == 0)
		cr_assert(strstr(phrase, "no RLIMIT_NPROC applies"), "%s", phrase);
	else
		cr_assert(strstr(phrase, "RLIMIT_NPROC = "), "%s", phrase);
}

Test(cleanup, the_handler_leaves_no_child_behind)
{
	int pipe_fds[2];
	cr_assert_eq(pipe(pipe_fds), 0);
	pid_t tester = fork();
	if (tester == 0) {
		tvp_cleanup_install();
		pid_t child = fork();
		if (child == 0) {
			for (;;)
				pause();
		}
		tvp_cleanup_add_child(child);
		if (write(pipe_fds[1], &child, sizeof child) != sizeof child)
			_exit(9);
		raise(SIGTERM);
		_exit(8);
	}
	close(pipe_fds[1]);
	pid_t child = 0;
	cr_assert_eq(read(pipe_fds[0], &child, sizeof child), (ssize_t)sizeof child);
	int status;
	cr_assert_eq(waitpid(tester, &status, 0), tester);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "status %d", status);
	/* The grandchild was reaped by the handler: it no longer exists at all
	 * (not even as a zombie, which kill(pid, 0) would still find). */
	cr_assert_eq(kill(child, 0), -1);
}

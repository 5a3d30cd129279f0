/* rlimit.c - naming the resource limit behind a failed fork, pthread_create or pipe. */
#include "rlimit.h"

#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

/* The soft limit, or RLIM_INFINITY when it cannot be read. */
static rlim_t soft_limit(int resource)
{
	struct rlimit lim;
	return getrlimit(resource, &lim) == 0 ? lim.rlim_cur : RLIM_INFINITY;
}

void tvp_limit_phrase(bool thread, char *out, size_t size)
{
	/* RLIMIT_NPROC counts every process and thread of the real user, and
	 * the kernel does not apply it to root. */
	rlim_t nproc = getuid() == 0 ? RLIM_INFINITY : soft_limit(RLIMIT_NPROC);
	rlim_t as = thread ? soft_limit(RLIMIT_AS) : RLIM_INFINITY;
	const char *counts = thread ? ", which counts threads too" : "";
	if (nproc != RLIM_INFINITY && as != RLIM_INFINITY)
		snprintf(out, size, "the user-process limit (RLIMIT_NPROC = %llu%s) or the "
			 "address-space limit (RLIMIT_AS = %llu bytes)",
			 (unsigned long long)nproc, counts, (unsigned long long)as);
	else if (nproc != RLIM_INFINITY)
		snprintf(out, size, "the user-process limit (RLIMIT_NPROC = %llu%s)",
			 (unsigned long long)nproc, counts);
	else if (as != RLIM_INFINITY)
		snprintf(out, size, "the address-space limit for thread stacks (RLIMIT_AS = %llu bytes)",
			 (unsigned long long)as);
	else
		snprintf(out, size, "a system limit (no RLIMIT_NPROC applies; check "
			 "kernel.threads-max, kernel.pid_max and the cgroup's pids.max)");
}

void tvp_limit_files_phrase(size_t needed, char *out, size_t size)
{
	rlim_t files = soft_limit(RLIMIT_NOFILE);
	if (files == RLIM_INFINITY)
		snprintf(out, size, "the open-files limit (this needs about %zu descriptors)", needed);
	else
		snprintf(out, size, "the open-files limit (RLIMIT_NOFILE = %llu; this needs about %zu: "
			 "ulimit -n %zu)", (unsigned long long)files, needed, needed);
}

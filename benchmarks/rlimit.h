/* rlimit.h - naming the resource limit behind a failed fork, pthread_create or pipe. */
#ifndef TVP_RLIMIT_H
#define TVP_RLIMIT_H

#include <stdbool.h>
#include <stddef.h>

/* After fork (thread false) or pthread_create (thread true) failed with
 * EAGAIN: write into out a phrase naming the limit that explains it and
 * its value, such as "the user-process limit (RLIMIT_NPROC = 4)", or a
 * phrase naming what else to check when no finite limit applies. */
void tvp_limit_phrase(bool thread, char *out, size_t size);

/* After pipe or open failed with EMFILE: "the open-files limit
 * (RLIMIT_NOFILE = 20; this needs about 48: ulimit -n 48)". */
void tvp_limit_files_phrase(size_t needed, char *out, size_t size);

#endif

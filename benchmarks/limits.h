/* limits.h - naming the resource limit behind a failed fork or pthread_create. */
#ifndef TVP_LIMITS_H
#define TVP_LIMITS_H

#include <stdbool.h>
#include <stddef.h>

/* After fork (thread false) or pthread_create (thread true) failed with
 * EAGAIN: write into out a phrase naming the limit that explains it and
 * its value, such as "the user-process limit (RLIMIT_NPROC = 4)", or a
 * phrase naming what else to check when no finite limit applies. */
void tvp_limit_phrase(bool thread, char *out, size_t size);

#endif

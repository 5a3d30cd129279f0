/* cleanup.h - on SIGINT, SIGTERM or SIGHUP: kill and reap every worker, remove the temp file, die by the signal. */
#ifndef TVP_CLEANUP_H
#define TVP_CLEANUP_H

#include <sys/types.h>

/* Catch SIGINT, SIGTERM and SIGHUP (each unless it was ignored when tvp
 * started, as a background job's SIGINT is). The handler, using only
 * async-signal-safe calls: SIGKILLs every registered child, waits for each,
 * removes the registered temporary file, prints one line, and ends the
 * process by the same signal (exit status 128 + signal in a shell). */
void tvp_cleanup_install(void);

/* Register a child process the moment fork returns it, and unregister it
 * the moment it is reaped. Call from one thread (the one that forks). */
void tvp_cleanup_add_child(pid_t pid);
void tvp_cleanup_remove_child(pid_t pid);

/* The temporary file to unlink if a signal ends the run (NULL: none). The
 * path is copied; one at a time. */
void tvp_cleanup_temp_file(const char *path);

#endif

/* cleanup.h - on a fatal signal or --timeout: kill and reap every worker, remove temp files, end. */
#ifndef TVP_CLEANUP_H
#define TVP_CLEANUP_H

#include <stdbool.h>
#include <sys/types.h>

/* Catch SIGINT, SIGTERM, SIGHUP and SIGQUIT (each unless it was ignored
 * when tvp started, as a background job's SIGINT or a nohup run's SIGHUP
 * is: those stay ignored, in tvp and in its workers). The handler, using
 * only async-signal-safe calls: SIGKILLs every registered child, waits for
 * each, removes the registered temporary files, prints one line, and ends
 * the process by the same signal (exit status 128 + signal in a shell). */
void tvp_cleanup_install(void);

/* Fork a worker with the caught signals blocked across fork and its
 * registration, so that no signal finds it neither killed nor reaped.
 * In the child the caught signals are back to their defaults (an ignored
 * one stays ignored) and unblocked. Returns what fork returns (errno set
 * on failure). */
pid_t tvp_cleanup_fork(void);

/* Block (true) or unblock (false) the caught signals in the calling thread,
 * around a registration that is not a fork (posix_spawn). */
void tvp_cleanup_hold(bool hold);

/* Register a child process the moment it exists, and unregister it the
 * moment it is reaped. Call from one thread (the one that forks). */
void tvp_cleanup_add_child(pid_t pid);
void tvp_cleanup_remove_child(pid_t pid);

/* Temporary files to unlink if a signal ends the run (up to 8; paths are
 * copied). Removing one that is not registered does nothing. */
void tvp_cleanup_add_temp(const char *path);
void tvp_cleanup_remove_temp(const char *path);

/* --timeout: after seconds (> 0) the run ends as a fatal signal would end
 * it, but with "tvp: timed out after S s (--timeout) while ACTIVITY" (see
 * tvp_activity_set) and exit status 1. Arm once, before the work starts. */
void tvp_cleanup_deadline(double seconds);

#endif

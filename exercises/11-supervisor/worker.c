/* worker.c - exercise 11 (complete, nothing to write): one task for the supervisor: sum 1..n for n = (TASK + 1) x 1000, result written atomically to DIR/TASK. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* usage: worker TASK DIR [SLEEP_MS]. Exit 0 once DIR/TASK holds the result;
 * 1 if it could not be written; 2 on bad arguments. The result appears
 * whole or not at all (written to DIR/TASK.tmp, then renamed). */
int main(int argc, char **argv)
{
	char *end;
	long task = argc >= 3 ? strtol(argv[1], &end, 10) : -1;
	if (argc < 3 || argc > 4 || *end || task < 0) {
		fprintf(stderr, "usage: worker TASK DIR [SLEEP_MS]\n");
		return 2;
	}
	long sleep_ms = argc == 4 ? atol(argv[3]) : 0;
	struct timespec pause = {.tv_sec = sleep_ms / 1000, .tv_nsec = sleep_ms % 1000 * 1000000};
	nanosleep(&pause, NULL);

	unsigned long long n = (unsigned long long)(task + 1) * 1000, sum = 0;
	for (unsigned long long k = 1; k <= n; k++)
		sum += k;

	char path[4096], tmp[4200];
	snprintf(path, sizeof path, "%s/%ld", argv[2], task);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *out = fopen(tmp, "w");
	if (!out || fprintf(out, "%llu\n", sum) < 0 || fclose(out) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "worker: cannot write %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

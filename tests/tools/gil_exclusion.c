/* gil_exclusion.c - at most one thread inside the simulated GIL, checked under ThreadSanitizer. */
#include <stdio.h>

#include "../unit/gil_exercise.h"

/* Every mode (with and without GIL-free work) with 4 threads: exit 0 when
 * no two threads were ever inside at once and no update was lost; else
 * say which configuration failed and exit 1. (Criterion cannot start under
 * TSan, so this small program carries the check there; tests/integration/
 * gil.bats runs it.) */
int main(void)
{
	const struct tvp_gil_config configs[] = {
		{TVP_GIL_MODERN, 0.0005, 100, 0, 100, 0},
		{TVP_GIL_MODERN, 0.0005, 100, 0.5, 7, 0},
		{TVP_GIL_LEGACY, 0.005, 1, 0, 100, 0},
		{TVP_GIL_LEGACY, 0.005, 10, 0.3, 3, 0},
		{TVP_GIL_LEGACY, 0.005, 1, 0, 100, 8},
	};
	int failed = 0;
	for (size_t c = 0; c < sizeof configs / sizeof *configs; c++) {
		static struct exercise ex;
		const struct tvp_gil_config *cfg = &configs[c];
		if (exercise_run(&ex, cfg, 4, 200000) != 0) {
			fprintf(stderr, "gil_exclusion: cannot start threads\n");
			return 1;
		}
		struct tvp_gil_stats total = exercise_total(&ex);
		int ok = atomic_load(&ex.most_inside) == 1 && ex.plain == exercise_locked_steps(&ex) &&
			 total.acquisitions == total.handoffs + total.retakes + total.idle_takes;
		printf("%s %s free %.2f state %u KiB: most inside %d, %lu locked steps counted of %lu, "
		       "%llu acquisitions, %llu hand-offs\n",
		       ok ? "ok  " : "FAIL", tvp_gil_name(cfg->mode), cfg->free, cfg->state_kib,
		       atomic_load(&ex.most_inside), ex.plain, exercise_locked_steps(&ex),
		       (unsigned long long)total.acquisitions, (unsigned long long)total.handoffs);
		failed += !ok;
	}
	return failed ? 1 : 0;
}

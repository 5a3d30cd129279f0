/* gil.c - the simulated interpreter lock (Python's GIL) that kernels tick. */
#include "gil.h"

#include <string.h>

static const char *const gil_names[] = {
	[TVP_GIL_OFF] = "off",
	[TVP_GIL_MODERN] = "modern",
	[TVP_GIL_LEGACY] = "legacy",
};

const char *tvp_gil_name(enum tvp_gil_mode mode) { return gil_names[mode]; }

int tvp_gil_parse(const char *name, enum tvp_gil_mode *out)
{
	for (size_t i = 0; i < sizeof gil_names / sizeof *gil_names; i++)
		if (strcmp(name, gil_names[i]) == 0) {
			*out = (enum tvp_gil_mode)i;
			return 0;
		}
	return -1;
}

void tvp_gil_tick(struct tvp_gil_thread *thread)
{
	(void)thread; /* the lock itself arrives with the GIL issue */
}

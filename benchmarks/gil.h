/* gil.h - the simulated interpreter lock (Python's GIL) that kernels tick. */
#ifndef TVP_GIL_H
#define TVP_GIL_H

enum tvp_gil_mode {
	TVP_GIL_OFF,    /* no lock: C threads, or free-threaded CPython 3.13t */
	TVP_GIL_MODERN, /* CPython 3.2+: timed drop requests, forced switching */
	TVP_GIL_LEGACY, /* CPython 2: release and retake every --gil-check ticks */
};
const char *tvp_gil_name(enum tvp_gil_mode mode);
int tvp_gil_parse(const char *name, enum tvp_gil_mode *out);

/* One thread's handle on its process's lock. */
struct tvp_gil_thread;

/* The tick hook: called by kernels at a fixed amount of work. */
void tvp_gil_tick(struct tvp_gil_thread *thread);

#endif

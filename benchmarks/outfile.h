/* outfile.h - writing a named file safely: complete or not at all, devices and FIFOs written in place. */
#ifndef TVP_OUTFILE_H
#define TVP_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* What the name is, decided when the file is opened:
 *  - a new name or a regular file (through any symlinks: the link's target
 *    is written, the link stays): an unnamed file (O_TMPFILE) in the same
 *    directory, given the name only by tvp_outfile_commit, so a failure, a
 *    signal, even SIGKILL, leaves the old file as it was. An existing
 *    file keeps its mode (and, for root, its owner); a new one gets
 *    0666 minus the umask. A file we may not write is refused (exit 2),
 *    as `sort -o` and `tee` refuse it; root may write it, like them, and
 *    it keeps its mode. Where the file system has no O_TMPFILE (or
 *    TVP_NO_TMPFILE=1 is set, for the tests), NAME.XXXXXX is written and
 *    renamed, with the same mode; a fatal signal removes it (cleanup.h).
 *  - anything else that exists (a device, a FIFO, /dev/stdout, /dev/null):
 *    opened and written in place, as `tee` does; a FIFO with no reader is
 *    waited for, as `tee` waits. */
struct tvp_outfile {
	char *path;   /* as given */
	char *target; /* the file written: path with symlinks followed */
	char *temp;   /* the fallback's or the rename's temporary name, or NULL */
	const char *what; /* the option, for messages: "--output" */
	FILE *file;
	bool in_place;    /* not a regular file: written directly */
	bool exists;      /* the target exists (replace, keep its mode) */
	mode_t mode;
	uid_t uid;
	gid_t gid;
};

/* Check path and open it for writing as above, before any work is done.
 * 0, or TVP_EUSAGE after one line ("cannot write --output x: ..."): an
 * empty name, a directory, a name too long, a missing or read-only
 * directory, a file we may not write. */
int tvp_outfile_open(struct tvp_outfile *out, const char *path, const char *what);

/* Flush, check every write, and give the file its name (atomically
 * replacing a regular file). Closes the file either way. 0, or
 * TVP_ERUNTIME after one line (the old file, if any, is untouched). */
int tvp_outfile_commit(struct tvp_outfile *out);

/* Close and forget the file: nothing is named, the temporary is gone.
 * Does nothing on an outfile that was never opened or is closed. */
void tvp_outfile_discard(struct tvp_outfile *out);

#endif

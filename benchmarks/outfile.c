/* outfile.c - writing a named file safely: complete or not at all, devices and FIFOs written in place. */
#define _GNU_SOURCE
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "util.h"

#define MAX_LINK_HOPS 40 /* as the kernel's own limit (ELOOP) */

/* One line about out, the errno err, and TVP_EUSAGE. */
static int refuse(const struct tvp_outfile *out, const char *path, int err)
{
	errno = err;
	return tvp_syserr(TVP_EUSAGE, "cannot write %s %s", out->what, path);
}

/* Names whose target is an open file of some process (/dev/stdout is a
 * link to /proc/self/fd/1, which may read "pipe:[123]"): never replaced. */
static bool names_open_file(const char *path)
{
	return strncmp(path, "/dev/std", 8) == 0 || strncmp(path, "/dev/fd/", 8) == 0 ||
	       strncmp(path, "/proc/", 6) == 0;
}

/* path with every symlink of its last component followed (a dangling
 * link gives the name it points to); NULL with errno set on ELOOP or a
 * link that cannot be read. */
static char *follow_links(const char *path)
{
	char *current = tvp_xstrdup(path);
	for (int hops = 0; hops < MAX_LINK_HOPS; hops++) {
		struct stat st;
		if (lstat(current, &st) != 0 || !S_ISLNK(st.st_mode))
			return current;
		char link[PATH_MAX];
		ssize_t len = readlink(current, link, sizeof link - 1);
		if (len < 0) {
			free(current);
			return NULL;
		}
		link[len] = '\0';
		char *next;
		if (link[0] == '/') {
			next = tvp_xstrdup(link);
		} else {
			char *copy = tvp_xstrdup(current);
			const char *dir = dirname(copy);
			size_t size = strlen(dir) + strlen(link) + 2;
			next = tvp_xmalloc(size);
			snprintf(next, size, "%s/%s", dir, link);
			free(copy);
		}
		free(current);
		current = next;
	}
	free(current);
	errno = ELOOP;
	return NULL;
}

/* The descriptor that /dev/stdout, /dev/stderr, /dev/fd/N or
 * /proc/self/fd/N names, or -1 for any other name. */
static int names_descriptor(const char *path)
{
	if (strcmp(path, "/dev/stdout") == 0)
		return STDOUT_FILENO;
	if (strcmp(path, "/dev/stderr") == 0)
		return STDERR_FILENO;
	const char *digits = strncmp(path, "/dev/fd/", 8) == 0 ? path + 8
			     : strncmp(path, "/proc/self/fd/", 14) == 0 ? path + 14 : NULL;
	uint64_t fd;
	if (!digits || tvp_parse_u64(digits, &fd) != 0 || fd > INT_MAX || strspn(digits, "0123456789") != strlen(digits))
		return -1;
	return (int)fd;
}

/* Open a name that is not a regular file (or names an open file) and write
 * it in place, as tee does; a name of one of our own descriptors is that
 * descriptor (duplicated: nothing is reopened or truncated, so it works
 * for any user, whoever made the pipe). 0 or TVP_EUSAGE. */
static int open_in_place(struct tvp_outfile *out, bool regular)
{
	int flags = O_WRONLY | O_NOCTTY | O_CLOEXEC | (regular ? O_APPEND : 0);
	int own = names_descriptor(out->path);
	int fd = own >= 0 ? fcntl(own, F_DUPFD_CLOEXEC, 0) : open(out->path, flags | O_NONBLOCK);
	if (fd < 0 && errno == ENXIO) {
		struct stat st;
		if (stat(out->path, &st) == 0 && S_ISFIFO(st.st_mode))
			fd = open(out->path, flags); /* wait for a reader, as tee does */
		else
			errno = ENXIO;
	}
	if (fd < 0)
		return refuse(out, out->path, errno);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	out->in_place = true;
	out->file = fdopen(fd, "w");
	if (!out->file) {
		int err = errno;
		close(fd);
		return refuse(out, out->path, err);
	}
	return 0;
}

/* An unnamed file in dir, or (without O_TMPFILE) a named temporary beside
 * target registered for removal. The fd, or -1 with errno set. */
static int open_temporary(struct tvp_outfile *out, const char *dir)
{
	const char *forced = getenv("TVP_NO_TMPFILE");
	int fd = -1;
	errno = EOPNOTSUPP;
	if (!(forced && strcmp(forced, "1") == 0)) {
		fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
		if (fd >= 0 && access("/proc/self/fd", X_OK) != 0)
			close(fd), fd = -1, errno = EOPNOTSUPP; /* it could not be named */
	}
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		size_t size = strlen(out->target) + 16;
		out->temp = tvp_xmalloc(size);
		snprintf(out->temp, size, "%s.XXXXXX", out->target);
		tvp_cleanup_hold(true); /* no signal between creating and registering it */
		fd = mkostemp(out->temp, O_CLOEXEC);
		if (fd >= 0)
			tvp_cleanup_add_temp(out->temp);
		int err = errno;
		tvp_cleanup_hold(false);
		errno = err;
		if (fd < 0)
			free(out->temp), out->temp = NULL;
	}
	return fd;
}

int tvp_outfile_open(struct tvp_outfile *out, const char *path, const char *what)
{
	memset(out, 0, sizeof *out);
	out->what = what;
	if (!path[0])
		return tvp_err(TVP_EUSAGE, "%s needs a file name", what);
	if (strlen(path) >= PATH_MAX)
		return tvp_err(TVP_EUSAGE, "cannot write %s: the name is %zu bytes long (at most %d)",
			       what, strlen(path), PATH_MAX - 1);
	struct stat st;
	bool found = stat(path, &st) == 0;
	if (path[strlen(path) - 1] == '/' || (found && S_ISDIR(st.st_mode)))
		return tvp_err(TVP_EUSAGE, "cannot write %s %s: it names a directory, not a file",
			       what, path);
	out->path = tvp_xstrdup(path);
	if ((found && !S_ISREG(st.st_mode)) || names_open_file(path)) {
		int status = open_in_place(out, found && S_ISREG(st.st_mode));
		if (status)
			tvp_outfile_discard(out);
		return status;
	}

	int status = 0;
	out->target = follow_links(path);
	if (!out->target) {
		status = refuse(out, path, errno);
		tvp_outfile_discard(out);
		return status;
	}
	char *copy = tvp_xstrdup(out->target), *base_copy = tvp_xstrdup(out->target);
	const char *dir = dirname(copy), *base = basename(base_copy);
	long name_max = pathconf(dir, _PC_NAME_MAX);
	struct stat dir_st;
	if (stat(dir, &dir_st) != 0)
		status = refuse(out, path, errno);
	else if (!S_ISDIR(dir_st.st_mode))
		status = refuse(out, path, ENOTDIR);
	else if (name_max > 0 && strlen(base) > (size_t)name_max)
		status = tvp_err(TVP_EUSAGE, "cannot write %s: the name '%.20s...' is %zu bytes long "
				 "(at most %ld in %s)", what, base, strlen(base), name_max, dir);
	if (!status && lstat(out->target, &st) == 0) {
		out->exists = true;
		out->mode = st.st_mode & 07777;
		out->uid = st.st_uid;
		out->gid = st.st_gid;
		if (faccessat(AT_FDCWD, out->target, W_OK, AT_EACCESS) != 0)
			status = refuse(out, path, errno); /* as sort -o and tee refuse it */
	} else if (!status) {
		mode_t mask = umask(0);
		umask(mask);
		out->mode = 0666 & ~mask;
	}
	int fd = -1;
	if (!status && (fd = open_temporary(out, dir)) < 0)
		status = refuse(out, path, errno);
	free(copy), free(base_copy);
	if (!status) {
		fchmod(fd, out->mode);
		if (out->exists && geteuid() == 0 && fchown(fd, out->uid, out->gid) != 0)
			(void)0; /* best effort, as cp -p is */
		if (!(out->file = fdopen(fd, "w"))) {
			status = refuse(out, path, errno);
			close(fd);
		}
	}
	if (status)
		tvp_outfile_discard(out);
	return status;
}

/* Link the unnamed file under target: directly, or, when the target
 * exists, under a fresh name first and renamed over it. */
static int publish(struct tvp_outfile *out)
{
	char self[64];
	snprintf(self, sizeof self, "/proc/self/fd/%d", fileno(out->file));
	if (linkat(AT_FDCWD, self, AT_FDCWD, out->target, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno != EEXIST)
		return tvp_syserr(TVP_ERUNTIME, "cannot create %s", out->target);
	size_t size = strlen(out->target) + 32;
	out->temp = tvp_xmalloc(size);
	for (unsigned attempt = 0;; attempt++) {
		snprintf(out->temp, size, "%s.%d.%u", out->target, (int)getpid(), attempt);
		tvp_cleanup_hold(true);
		int linked = linkat(AT_FDCWD, self, AT_FDCWD, out->temp, AT_SYMLINK_FOLLOW);
		int err = errno;
		if (linked == 0)
			tvp_cleanup_add_temp(out->temp);
		tvp_cleanup_hold(false);
		errno = err;
		if (linked == 0)
			break;
		if (errno != EEXIST || attempt == 100) {
			free(out->temp), out->temp = NULL;
			return tvp_syserr(TVP_ERUNTIME, "cannot create a file beside %s", out->target);
		}
	}
	return 0;
}

int tvp_outfile_commit(struct tvp_outfile *out)
{
	int status = 0;
	if (fflush(out->file) != 0 || ferror(out->file))
		status = tvp_syserr(TVP_ERUNTIME, "cannot write %s", out->path);
	if (!status && !out->in_place && !out->temp)
		status = publish(out); /* leaves out->temp set when it must rename */
	if (!status && out->temp && rename(out->temp, out->target) != 0)
		status = tvp_syserr(TVP_ERUNTIME, "cannot rename %s to %s", out->temp, out->target);
	if (!status && out->temp) {
		tvp_cleanup_remove_temp(out->temp);
		free(out->temp), out->temp = NULL; /* renamed: nothing to remove */
	}
	if (fclose(out->file) != 0 && !status)
		status = tvp_syserr(TVP_ERUNTIME, "cannot write %s", out->path);
	out->file = NULL;
	tvp_outfile_discard(out);
	return status;
}

void tvp_outfile_discard(struct tvp_outfile *out)
{
	if (out->file)
		fclose(out->file);
	out->file = NULL;
	if (out->temp) {
		unlink(out->temp);
		tvp_cleanup_remove_temp(out->temp);
	}
	free(out->temp), free(out->target), free(out->path);
	out->temp = out->target = out->path = NULL;
}

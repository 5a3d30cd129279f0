/* ipc.c - moving bytes between processes: pipes, frames, shared memory. */
#define _GNU_SOURCE
#include "ipc.h"

#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *const ipc_names[] = {
	[TVP_IPC_PIPE] = "pipe",
	[TVP_IPC_SHM] = "shm",
};

const char *tvp_ipc_name(enum tvp_ipc ipc) { return ipc_names[ipc]; }

int tvp_ipc_parse(const char *name, enum tvp_ipc *out)
{
	for (size_t i = 0; i < sizeof ipc_names / sizeof *ipc_names; i++)
		if (strcmp(name, ipc_names[i]) == 0) {
			*out = (enum tvp_ipc)i;
			return 0;
		}
	return -1;
}

int tvp_buf_append(struct tvp_buf *buf, const void *bytes, size_t len)
{
	if (buf->len + len > buf->cap) {
		if (buf->fixed)
			return -1;
		size_t cap = buf->cap ? buf->cap : 64;
		while (cap < buf->len + len)
			cap = cap > SIZE_MAX / 2 ? buf->len + len : cap * 2;
		buf->data = tvp_xrealloc(buf->data, cap); /* out of memory: one line, exit 1 */
		buf->cap = cap;
	}
	if (len)
		memcpy(buf->data + buf->len, bytes, len);
	buf->len += len;
	return 0;
}

void tvp_buf_free(struct tvp_buf *buf)
{
	if (!buf->fixed)
		free(buf->data);
	*buf = (struct tvp_buf){0};
}

int tvp_write_all(int fd, const void *bytes, size_t len)
{
	const unsigned char *p = bytes;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int tvp_read_all(int fd, void *bytes, size_t len)
{
	unsigned char *p = bytes;
	size_t done = 0;
	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			if (done == 0)
				return 0;
			errno = EPIPE;
			return -1;
		}
		done += (size_t)n;
	}
	return 1;
}

int tvp_frame_send(int fd, uint32_t kind, uint32_t worker, uint64_t task,
		   const void *payload, size_t len)
{
	struct tvp_frame head = {kind, worker, task, len};
	struct iovec iov[2] = {
		{&head, sizeof head},
		{(void *)payload, len},
	};
	size_t total = sizeof head + len;
	ssize_t n;
	do
		n = writev(fd, iov, len ? 2 : 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n == total)
		return 0;
	/* A short write (a full pipe): finish the rest plainly. */
	size_t sent = (size_t)n;
	if (sent < sizeof head) {
		if (tvp_write_all(fd, (char *)&head + sent, sizeof head - sent))
			return -1;
		sent = sizeof head;
	}
	return tvp_write_all(fd, (const char *)payload + (sent - sizeof head),
			     total - sent);
}

void *tvp_shared_alloc(size_t size)
{
	void *memory = mmap(NULL, size ? size : 1, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return memory == MAP_FAILED ? NULL : memory;
}

void tvp_shared_free(void *memory, size_t size)
{
	if (memory)
		munmap(memory, size ? size : 1);
}

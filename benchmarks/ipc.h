/* ipc.h - moving bytes between processes: pipes, frames, shared memory. */
#ifndef TVP_IPC_H
#define TVP_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tvp_ipc {
	TVP_IPC_PIPE, /* results copied through a pipe, like Python's queues */
	TVP_IPC_SHM,  /* results written into MAP_SHARED memory */
};
const char *tvp_ipc_name(enum tvp_ipc ipc);
int tvp_ipc_parse(const char *name, enum tvp_ipc *out);

/* A byte buffer: growable (heap) or fixed (a slot in shared memory). */
struct tvp_buf {
	unsigned char *data;
	size_t len, cap;
	bool fixed;
};

/* Append len bytes. Return 0, or -1 when a fixed buffer would overflow
 * (the buffer is then unchanged). A growable buffer never fails. */
int tvp_buf_append(struct tvp_buf *buf, const void *bytes, size_t len);
void tvp_buf_free(struct tvp_buf *buf);

/* write(2)/read(2) the whole length, retrying on EINTR and short counts.
 * write_all returns 0 or -1 (errno set); read_all returns 1 when all was
 * read, 0 on end of file before any byte, -1 on error or a short frame
 * (errno EPIPE for end of file in the middle). */
int tvp_write_all(int fd, const void *bytes, size_t len);
int tvp_read_all(int fd, void *bytes, size_t len);

/* A frame on a pipe: this header, then len payload bytes. */
struct tvp_frame {
	uint32_t kind;   /* what the frame says; the protocol is the sender's */
	uint32_t worker; /* who sent it */
	uint64_t task;   /* which task it is about */
	uint64_t len;    /* payload bytes that follow */
};

/* Send header and payload with as few system calls as possible.
 * Return 0 or -1 (errno set, EPIPE when the reader is gone). */
int tvp_frame_send(int fd, uint32_t kind, uint32_t worker, uint64_t task,
		   const void *payload, size_t len);

/* Anonymous MAP_SHARED memory, inherited by children forked after it was
 * made and never visible by name (so it cannot be left behind in /dev/shm).
 * Zero-filled. Return NULL on failure (errno set). */
void *tvp_shared_alloc(size_t size);
void tvp_shared_free(void *memory, size_t size);

#endif

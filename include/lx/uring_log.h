/* SPDX-License-Identifier: ISC */
#ifndef LX_URING_LOG_H
#define LX_URING_LOG_H

/* An append-only writer on io_uring, with a plain-syscall fallback.
 *
 * Writes, fsyncs, writebacks and openat are queued, then submitted
 * together in one io_uring_enter. LX_ULOG_F_LINK makes the next queued op
 * wait for this one (IOSQE_IO_LINK): a failure or a short write cancels
 * the rest of the chain (-ECANCELED), because the ring orders an fsync
 * after earlier writes only when they are linked (io_uring_enter(2)).
 * When the ring cannot be set up (-ENOSYS, -EPERM from
 * kernel.io_uring_disabled or seccomp) or LX_ULOG_PLAIN is given, the same
 * ops run as plain syscalls, in queue order, at submit time, with the same
 * completion semantics, so a caller cannot tell the paths apart.
 *
 * This knows files only by descriptor and path: what the files mean (a log
 * directory's names, rotation) is the caller's. Nothing here prints or
 * exits; every fd it opens is CLOEXEC. */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <liburing.h>

#define LX_ULOG_PLAIN 1 /* lx_ulog_open: never use io_uring */
#define LX_ULOG_F_LINK 1 /* queue flag: the next op waits for this one */

struct lx_ulog_cqe {
	uint64_t tag;
	int res; /* as the syscall would return, or -errno */
};

struct lx_ulog_pop; /* an op queued in plain mode */

struct lx_ulog {
	struct io_uring ring;
	int ring_ok;
	int has_openat;
	unsigned depth, queued, inflight;
	struct lx_ulog_pop *pq;
	unsigned npq;
	/* Completions taken but not yet reaped: plain mode's results, and the
	 * ring's when a submit had to make room (-EBUSY). */
	struct lx_ulog_cqe *pc;
	unsigned npc, hpc;
};

/* depth: the most ops queued at once; 2 * depth may be outstanding
 * (queued, in flight or completed but not reaped). Returns 0, or -ENOMEM. */
int lx_ulog_open(struct lx_ulog *u, unsigned depth, unsigned flags);
void lx_ulog_close(struct lx_ulog *u);
int lx_ulog_uses_ring(const struct lx_ulog *u);
/* Queue one op. -EBUSY when depth ops are queued or 2 * depth are
 * outstanding already (submit or reap first); -EOPNOTSUPP for openat on a
 * ring without IORING_OP_OPENAT (then call openat(2) yourself). */
int lx_ulog_queue_write(struct lx_ulog *u, int fd, const void *buf, size_t len, uint64_t off,
			unsigned flags, uint64_t tag);
int lx_ulog_queue_fsync(struct lx_ulog *u, int fd, unsigned flags, uint64_t tag);
/* Starts writeback of a written range (sync_file_range WRITE): no
 * durability promise, it only keeps the dirty backlog short so a later
 * fsync has little left to do. */
int lx_ulog_queue_writeback(struct lx_ulog *u, int fd, uint64_t off, uint64_t len, uint64_t tag);
int lx_ulog_queue_openat(struct lx_ulog *u, int dirfd, const char *path, int oflags,
			 mode_t mode, unsigned flags, uint64_t tag);
/* Starts everything queued. Returns how many ops, or -errno (-EAGAIN: the
 * kernel is short of resources and nothing is in flight to wait for). */
int lx_ulog_submit(struct lx_ulog *u);
/* Up to max completions; with wait, blocks until there is at least one
 * (returns 0 at once if nothing is in flight). Returns the count or -errno. */
int lx_ulog_reap(struct lx_ulog *u, struct lx_ulog_cqe *out, unsigned max, int wait);
/* Ops queued, in flight, or completed and not reaped yet. */
unsigned lx_ulog_inflight(const struct lx_ulog *u);

#endif

/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lx/uring_log.h>

enum { OP_WRITE, OP_FSYNC, OP_OPENAT, OP_SFR };

/* One op as queued: the ring's SQE is prepared from it, or, in plain
 * mode, it waits in pq for submit to run it. */
struct lx_ulog_pop {
	int op, fd, oflags;
	const void *buf; /* write: the bytes; openat: the path */
	size_t len;
	uint64_t off, tag;
	mode_t mode;
	unsigned flags;
};

/* OPENAT came in 5.6: probe it once per ring, fall back to openat(2). */
static int probe_openat(struct io_uring *ring)
{
	struct io_uring_probe *p = io_uring_get_probe_ring(ring);
	int ok;

	if (!p)
		return 0;
	ok = io_uring_opcode_supported(p, IORING_OP_OPENAT);
	io_uring_free_probe(p);
	return ok;
}

int lx_ulog_open(struct lx_ulog *u, unsigned depth, unsigned flags)
{
	memset(u, 0, sizeof *u);
	u->depth = depth < 4 ? 4 : depth;
	/* -ENOSYS, or -EPERM from kernel.io_uring_disabled or seccomp: the
	 * plain path does the same work. The completion queue (twice the
	 * rounded-up depth) holds every outstanding op, so it cannot overflow. */
	if (!(flags & LX_ULOG_PLAIN) && io_uring_queue_init(u->depth, &u->ring, 0) == 0) {
		u->ring_ok = 1;
		u->has_openat = probe_openat(&u->ring);
	} else {
		u->pq = calloc(u->depth, sizeof *u->pq);
	}
	u->pc = calloc(u->depth * 2, sizeof *u->pc);
	if ((!u->ring_ok && !u->pq) || !u->pc) {
		lx_ulog_close(u);
		return -ENOMEM;
	}
	return 0;
}

void lx_ulog_close(struct lx_ulog *u)
{
	if (u->ring_ok)
		io_uring_queue_exit(&u->ring);
	u->ring_ok = 0;
	free(u->pq);
	free(u->pc);
	u->pq = NULL;
	u->pc = NULL;
}

int lx_ulog_uses_ring(const struct lx_ulog *u)
{
	return u->ring_ok;
}

unsigned lx_ulog_inflight(const struct lx_ulog *u)
{
	return u->inflight + u->queued + u->npc;
}

static void prep(struct io_uring_sqe *sqe, const struct lx_ulog_pop *p)
{
	switch (p->op) {
	case OP_WRITE:
		io_uring_prep_write(sqe, p->fd, p->buf, (unsigned)p->len, p->off);
		break;
	case OP_FSYNC:
		io_uring_prep_fsync(sqe, p->fd, 0);
		break;
	case OP_SFR:
		io_uring_prep_sync_file_range(sqe, p->fd, (unsigned)p->len, p->off,
					      SYNC_FILE_RANGE_WRITE);
		break;
	default:
		io_uring_prep_openat(sqe, p->fd, p->buf, p->oflags | O_CLOEXEC, p->mode);
	}
	/* after prep, which clears user_data */
	io_uring_sqe_set_data64(sqe, p->tag);
	if (p->flags & LX_ULOG_F_LINK)
		sqe->flags |= IOSQE_IO_LINK;
}

/* The one way in for every op. The limit on outstanding ops is what
 * guarantees the backlog (pc) room for every completion, on both paths. */
static int queue_op(struct lx_ulog *u, const struct lx_ulog_pop *p)
{
	struct io_uring_sqe *sqe;

	if (u->ring_ok && p->op == OP_OPENAT && !u->has_openat)
		return -EOPNOTSUPP;
	if (u->queued >= u->depth || lx_ulog_inflight(u) >= 2 * u->depth)
		return -EBUSY;
	if (u->ring_ok) {
		sqe = io_uring_get_sqe(&u->ring);
		if (!sqe)
			return -EBUSY;
		prep(sqe, p);
	} else {
		u->pq[u->npq++] = *p;
	}
	u->queued++;
	return 0;
}

int lx_ulog_queue_write(struct lx_ulog *u, int fd, const void *buf, size_t len, uint64_t off,
			unsigned flags, uint64_t tag)
{
	struct lx_ulog_pop p = { .op = OP_WRITE, .fd = fd, .buf = buf, .len = len, .off = off,
				 .flags = flags, .tag = tag };

	return queue_op(u, &p);
}

int lx_ulog_queue_fsync(struct lx_ulog *u, int fd, unsigned flags, uint64_t tag)
{
	struct lx_ulog_pop p = { .op = OP_FSYNC, .fd = fd, .flags = flags, .tag = tag };

	return queue_op(u, &p);
}

int lx_ulog_queue_writeback(struct lx_ulog *u, int fd, uint64_t off, uint64_t len, uint64_t tag)
{
	struct lx_ulog_pop p = { .op = OP_SFR, .fd = fd, .off = off, .len = len, .tag = tag };

	return queue_op(u, &p);
}

int lx_ulog_queue_openat(struct lx_ulog *u, int dirfd, const char *path, int oflags,
			 mode_t mode, unsigned flags, uint64_t tag)
{
	struct lx_ulog_pop p = { .op = OP_OPENAT, .fd = dirfd, .buf = path, .oflags = oflags,
				 .mode = mode, .flags = flags, .tag = tag };

	return queue_op(u, &p);
}

static struct lx_ulog_cqe *backlog_add(struct lx_ulog *u)
{
	return &u->pc[(u->hpc + u->npc++) % (2 * u->depth)];
}

static int run_pop(const struct lx_ulog_pop *p)
{
	ssize_t r;

	switch (p->op) {
	case OP_WRITE:
		do
			r = pwrite(p->fd, p->buf, p->len, (off_t)p->off);
		while (r < 0 && errno == EINTR);
		break;
	case OP_FSYNC:
		r = fsync(p->fd);
		break;
	case OP_SFR:
		r = sync_file_range(p->fd, (off_t)p->off, (off_t)p->len, SYNC_FILE_RANGE_WRITE);
		break;
	default:
		r = openat(p->fd, p->buf, p->oflags | O_CLOEXEC, p->mode);
	}
	return r < 0 ? -errno : (int)r;
}

/* Same contract as the ring: in order, and a link whose op failed or
 * wrote short cancels the rest of its chain. */
static void run_plain(struct lx_ulog *u)
{
	int cancel = 0;
	unsigned i;

	for (i = 0; i < u->npq; i++) {
		const struct lx_ulog_pop *p = &u->pq[i];
		struct lx_ulog_cqe *c = backlog_add(u);
		int res = cancel ? -ECANCELED : run_pop(p);

		c->tag = p->tag;
		c->res = res;
		if (p->flags & LX_ULOG_F_LINK)
			cancel = res < 0 || (p->op == OP_WRITE && (size_t)res < p->len);
		else
			cancel = 0;
	}
	u->npq = 0;
}

static void take(struct lx_ulog *u, struct io_uring_cqe *cqe, struct lx_ulog_cqe *out)
{
	out->tag = io_uring_cqe_get_data64(cqe);
	out->res = cqe->res;
	io_uring_cqe_seen(&u->ring, cqe);
	u->inflight--;
}

/* The kernel takes no more work until completions are taken (-EBUSY: its
 * completion queue overflowed; -EAGAIN: short of request memory, which
 * completions free). They go to the backlog for lx_ulog_reap, which
 * always has room (see queue_op); waits for one if none is ready.
 * Returns how many, 0 when nothing is in flight, or -errno. */
static int make_room(struct lx_ulog *u)
{
	struct io_uring_cqe *cqe;
	int n = 0;

	while (u->inflight) {
		int r = io_uring_peek_cqe(&u->ring, &cqe);

		if (r == -EAGAIN) {
			if (n)
				break;
			r = io_uring_wait_cqe(&u->ring, &cqe);
			if (r == -EINTR)
				continue;
		}
		if (r < 0)
			return n ? n : r;
		take(u, cqe, backlog_add(u));
		n++;
	}
	return n;
}

int lx_ulog_submit(struct lx_ulog *u)
{
	int n = (int)u->queued;

	if (!u->ring_ok) {
		run_plain(u);
		u->queued = 0;
		return n;
	}
	while (u->queued) {
		int r = io_uring_submit(&u->ring);

		if (r > 0) {
			u->inflight += (unsigned)r;
			u->queued -= (unsigned)r;
			continue;
		}
		if (r == -EINTR)
			continue;
		if (r < 0 && r != -EBUSY && r != -EAGAIN)
			return r;
		/* Resubmitting at once would spin: the kernel waits for us. */
		r = make_room(u);
		if (r <= 0)
			return r < 0 ? r : -EAGAIN;
	}
	return n;
}

int lx_ulog_reap(struct lx_ulog *u, struct lx_ulog_cqe *out, unsigned max, int wait)
{
	struct io_uring_cqe *cqe;
	unsigned n = 0;

	while (n < max && u->npc) {
		out[n++] = u->pc[u->hpc];
		u->hpc = (u->hpc + 1) % (2 * u->depth);
		u->npc--;
	}
	while (u->ring_ok && n < max && u->inflight) {
		int r = io_uring_peek_cqe(&u->ring, &cqe);

		if (r == -EAGAIN) {
			if (!wait || n)
				break;
			r = io_uring_wait_cqe(&u->ring, &cqe);
			if (r == -EINTR)
				continue;
		}
		if (r < 0)
			return n ? (int)n : r;
		take(u, cqe, &out[n++]);
	}
	return (int)n;
}

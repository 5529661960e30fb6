#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lx/uring_log.h>

enum { OP_WRITE, OP_FSYNC, OP_OPENAT, OP_SFR };

struct lx_ulog_pop {
	int op, fd, oflags;
	const void *buf;
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
	if (!(flags & LX_ULOG_PLAIN)) {
		/* -ENOSYS, or -EPERM from kernel.io_uring_disabled or seccomp:
		 * the plain path below does the same work. */
		if (io_uring_queue_init(u->depth, &u->ring, 0) == 0) {
			u->ring_ok = 1;
			u->has_openat = probe_openat(&u->ring);
			return 0;
		}
	}
	u->pq = calloc(u->depth, sizeof *u->pq);
	u->pc = calloc(u->depth * 2, sizeof *u->pc);
	if (!u->pq || !u->pc) {
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

static struct io_uring_sqe *get_sqe(struct lx_ulog *u, unsigned flags, uint64_t tag)
{
	struct io_uring_sqe *sqe;

	if (u->queued >= u->depth)
		return NULL;
	sqe = io_uring_get_sqe(&u->ring);
	if (!sqe)
		return NULL;
	u->queued++;
	io_uring_sqe_set_data64(sqe, tag);
	return sqe;
}

static struct lx_ulog_pop *get_pop(struct lx_ulog *u, int op, unsigned flags, uint64_t tag)
{
	struct lx_ulog_pop *p;

	if (u->npq >= u->depth || u->npc + u->npq >= 2 * u->depth)
		return NULL;
	p = &u->pq[u->npq++];
	memset(p, 0, sizeof *p);
	p->op = op;
	p->flags = flags;
	p->tag = tag;
	u->queued++;
	return p;
}

int lx_ulog_queue_write(struct lx_ulog *u, int fd, const void *buf, size_t len, uint64_t off,
			unsigned flags, uint64_t tag)
{
	if (u->ring_ok) {
		struct io_uring_sqe *sqe = get_sqe(u, flags, tag);

		if (!sqe)
			return -EBUSY;
		io_uring_prep_write(sqe, fd, buf, (unsigned)len, off);
		io_uring_sqe_set_data64(sqe, tag);
		if (flags & LX_ULOG_F_LINK)
			sqe->flags |= IOSQE_IO_LINK;
	} else {
		struct lx_ulog_pop *p = get_pop(u, OP_WRITE, flags, tag);

		if (!p)
			return -EBUSY;
		p->fd = fd;
		p->buf = buf;
		p->len = len;
		p->off = off;
	}
	return 0;
}

int lx_ulog_queue_fsync(struct lx_ulog *u, int fd, unsigned flags, uint64_t tag)
{
	if (u->ring_ok) {
		struct io_uring_sqe *sqe = get_sqe(u, flags, tag);

		if (!sqe)
			return -EBUSY;
		io_uring_prep_fsync(sqe, fd, 0);
		io_uring_sqe_set_data64(sqe, tag);
		if (flags & LX_ULOG_F_LINK)
			sqe->flags |= IOSQE_IO_LINK;
	} else {
		struct lx_ulog_pop *p = get_pop(u, OP_FSYNC, flags, tag);

		if (!p)
			return -EBUSY;
		p->fd = fd;
	}
	return 0;
}

int lx_ulog_queue_writeback(struct lx_ulog *u, int fd, uint64_t off, uint64_t len, uint64_t tag)
{
	if (u->ring_ok) {
		struct io_uring_sqe *sqe = get_sqe(u, 0, tag);

		if (!sqe)
			return -EBUSY;
		io_uring_prep_sync_file_range(sqe, fd, (unsigned)len, off, SYNC_FILE_RANGE_WRITE);
		io_uring_sqe_set_data64(sqe, tag);
	} else {
		struct lx_ulog_pop *p = get_pop(u, OP_SFR, 0, tag);

		if (!p)
			return -EBUSY;
		p->fd = fd;
		p->off = off;
		p->len = len;
	}
	return 0;
}

int lx_ulog_queue_openat(struct lx_ulog *u, int dirfd, const char *path, int oflags,
			 mode_t mode, unsigned flags, uint64_t tag)
{
	if (u->ring_ok && u->has_openat) {
		struct io_uring_sqe *sqe = get_sqe(u, flags, tag);

		if (!sqe)
			return -EBUSY;
		io_uring_prep_openat(sqe, dirfd, path, oflags | O_CLOEXEC, mode);
		io_uring_sqe_set_data64(sqe, tag);
		if (flags & LX_ULOG_F_LINK)
			sqe->flags |= IOSQE_IO_LINK;
		return 0;
	}
	if (u->ring_ok)
		return -EOPNOTSUPP;
	{
		struct lx_ulog_pop *p = get_pop(u, OP_OPENAT, flags, tag);

		if (!p)
			return -EBUSY;
		p->fd = dirfd;
		p->buf = path;
		p->oflags = oflags;
		p->mode = mode;
	}
	return 0;
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
		struct lx_ulog_cqe *c = &u->pc[(u->hpc + u->npc++) % (2 * u->depth)];
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

int lx_ulog_submit(struct lx_ulog *u)
{
	int n = (int)u->queued;

	if (!n)
		return 0;
	if (!u->ring_ok) {
		run_plain(u);
		u->queued = 0;
		return n;
	}
	for (;;) {
		int r = io_uring_submit(&u->ring);

		if (r >= 0) {
			u->inflight += (unsigned)r;
			u->queued -= (unsigned)r;
			if (!u->queued)
				return n;
			continue;
		}
		if (r != -EINTR && r != -EAGAIN && r != -EBUSY)
			return r;
	}
}

int lx_ulog_reap(struct lx_ulog *u, struct lx_ulog_cqe *out, unsigned max, int wait)
{
	struct io_uring_cqe *cqe;
	unsigned n = 0;

	if (!u->ring_ok) {
		while (n < max && u->npc) {
			out[n++] = u->pc[u->hpc];
			u->hpc = (u->hpc + 1) % (2 * u->depth);
			u->npc--;
		}
		return (int)n;
	}
	while (n < max && u->inflight) {
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
		out[n].tag = io_uring_cqe_get_data64(cqe);
		out[n].res = cqe->res;
		io_uring_cqe_seen(&u->ring, cqe);
		u->inflight--;
		n++;
	}
	return (int)n;
}

/* SPDX-License-Identifier: ISC */
/* multilog's write path: every directory's pending bytes go out in
 * rounds, one io_uring submission per round, and a full current is
 * rotated with chains the kernel orders for us (see rotate_rest). The
 * naming steps of a rotation are multilog_dir.c's. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <dt/mlrotate.h>

#include "multilog.h"

/* Completion tags: directory index and what the op was. */
enum { T_WRITE, T_FSYNC, T_DSYNC, T_OPEN, T_WB };
#define TAG(i, k) ((uint64_t)(i) << 3 | (k))
#define WB_CHUNK (1024 * 1024)
#define PENDING 1 /* wres/fres before their completion arrives */

int mlog_open(struct mlog *m, struct mlog_dir *dirs, size_t n, const struct mlog_hooks *hooks,
	      unsigned flags)
{
	size_t i;
	/* Per directory at once: a round's write, its fsync and a writeback;
	 * 4 more for a rotation's (openat -> fsync directory). */
	int r = lx_ulog_open(&m->u, (unsigned)(3 * n + 4), flags);

	if (r < 0)
		return r;
	m->dirs = dirs;
	m->ndirs = n;
	m->hooks = *hooks;
	m->async = 0;
	for (i = 0; i < n; i++) {
		dirs[i].dirfd = dirs[i].lockfd = dirs[i].fd = -1;
		dirs[i].done = 0;
	}
	return 0;
}

void mlog_close(struct mlog *m)
{
	lx_ulog_close(&m->u);
}

static void note(struct mlog *m, const struct lx_ulog_cqe *c)
{
	struct mlog_dir *d = &m->dirs[c->tag >> 3];

	switch (c->tag & 7) {
	case T_WRITE:
		d->wres = c->res;
		d->wbusy = 0;
		break;
	case T_FSYNC:
		d->fres = c->res;
		break;
	case T_DSYNC:
		d->dsync_inflight = 0;
		d->dsync_failed = c->res < 0;
		break;
	case T_WB:
		d->wb_inflight = 0; /* a hint only: its result does not matter */
		break;
	default:
		d->wres = c->res; /* openat's fd */
		d->wbusy = 0;
	}
}

/* Reaps until cond(d) holds: completions for other dirs are noted too. */
static void reap_until(struct mlog *m, struct mlog_dir *d, int (*cond)(const struct mlog_dir *))
{
	struct lx_ulog_cqe c[16];

	while (!cond(d)) {
		int i, n = lx_ulog_reap(&m->u, c, 16, 1);

		if (n <= 0)
			break;
		for (i = 0; i < n; i++)
			note(m, &c[i]);
	}
}

static int round_done(const struct mlog_dir *d)
{
	return !d->wbusy && d->fres != PENDING;
}

static int dsync_done(const struct mlog_dir *d)
{
	return !d->dsync_inflight;
}

/* A failed submit leaves the ops queued (the kernel short of resources,
 * with nothing of ours in flight whose completion would free some):
 * waiting and trying again loses nothing, which giving up would. */
static void submit(struct mlog *m)
{
	while (lx_ulog_submit(&m->u) < 0) {
		struct timespec ts = { 0, 10000000 };

		nanosleep(&ts, NULL);
	}
}

/* Waits for the directory's last fsync; redoes it plainly if it failed. */
static void wait_dsync(struct mlog *m, struct mlog_dir *d)
{
	submit(m);
	reap_until(m, d, dsync_done);
	if (d->dsync_failed) {
		MLOG_RETRY(m, d, MLOG_FSYNC_DIR, NULL, fsync(d->dirfd));
		d->dsync_failed = 0;
	}
}

static int opened(const struct mlog_dir *d)
{
	return !d->wbusy;
}

/* (openat current -> fsync directory) as one chain: the directory's fsync
 * makes the rotation's new names durable and runs on in the background. */
static void new_current(struct mlog *m, struct mlog_dir *d)
{
	size_t i = (size_t)(d - m->dirs);
	int flags = O_WRONLY | O_APPEND | O_CREAT;

	d->fd = -1;
	d->wbusy = 1;
	if (lx_ulog_queue_openat(&m->u, d->dirfd, "current", flags, 0644, LX_ULOG_F_LINK,
				 TAG(i, T_OPEN)) == 0) {
		lx_ulog_queue_fsync(&m->u, d->dirfd, 0, TAG(i, T_DSYNC));
		d->dsync_inflight = 1;
		submit(m);
		reap_until(m, d, opened);
		d->fd = d->wres;
	}
	d->wbusy = 0;
	if (d->fd < 0) {
		MLOG_RETRY(m, d, MLOG_CREATE_CURRENT, "current",
			   d->fd = openat(d->dirfd, "current", flags | O_CLOEXEC, 0644));
		if (!d->dsync_inflight || d->dsync_failed) {
			lx_ulog_queue_fsync(&m->u, d->dirfd, 0, TAG(i, T_DSYNC));
			d->dsync_inflight = 1;
			d->dsync_failed = 0;
			submit(m);
		}
	}
	MLOG_RETRY(m, d, MLOG_CHMOD_CURRENT, "current", fchmod(d->fd, 0644));
	d->bytes = 0;
	d->wb_from = 0;
}

/* current is complete on disk (its fsync succeeded). The last rotation's
 * directory fsync must be done before its names are renamed over. */
static void rotate_rest(struct mlog *m, struct mlog_dir *d)
{
	close(d->fd);
	d->fd = -1;
	wait_dsync(m, d);
	mlog_dir_retire(m, d);
	new_current(m, d);
}

/* One round: at most one write (plus its fsync when the file is full)
 * per directory, all submitted together. Returns how many dirs took part. */
static size_t queue_round(struct mlog *m)
{
	size_t i, active = 0;

	for (i = 0; i < m->ndirs; i++) {
		struct mlog_dir *d = &m->dirs[i];
		size_t left = d->fl.len - d->done;

		d->wbusy = 0;
		d->fres = 0;
		d->wlen = 0;
		d->wrot = 0;
		if (!left) {
			d->fl.len = d->done = 0;
			continue;
		}
		d->wlen = mlcut_span(d->bytes, d->size, d->fl.p + d->done, left, &d->wrot);
		if (d->wlen) {
			d->wbusy = 1;
			d->wres = PENDING;
			lx_ulog_queue_write(&m->u, d->fd, d->fl.p + d->done, d->wlen, d->bytes,
					    d->wrot ? LX_ULOG_F_LINK : 0, TAG(i, T_WRITE));
		}
		if (d->wrot) {
			d->fres = PENDING;
			lx_ulog_queue_fsync(&m->u, d->fd, 0, TAG(i, T_FSYNC));
		}
		active++;
	}
	return active;
}

/* Every MiB, start writing it back, so the kernel writes while we log
 * and the fsync at rotation (or exit) waits for little. */
static void writeback(struct mlog *m, struct mlog_dir *d)
{
	size_t i = (size_t)(d - m->dirs);

	if (d->wb_inflight || d->bytes < d->wb_from + WB_CHUNK)
		return;
	if (lx_ulog_queue_writeback(&m->u, d->fd, d->wb_from, d->bytes - d->wb_from,
				    TAG(i, T_WB)) == 0) {
		d->wb_inflight = 1;
		d->wb_from = d->bytes;
	}
}

static void settle(struct mlog *m, struct mlog_dir *d)
{
	int err = 0;

	if (d->wlen) {
		if (d->wres > 0) {
			d->done += (size_t)d->wres;
			d->bytes += (uint64_t)d->wres;
			writeback(m, d);
		} else {
			err = d->wres < 0 ? -d->wres : EIO;
			mlog_stall(m, d, MLOG_WRITE, err, "current");
			return;
		}
	}
	if (!d->wrot)
		goto ok;
	if (d->fres == -ECANCELED)
		return; /* short write: the rest goes next round */
	if (d->fres < 0) {
		mlog_stall(m, d, MLOG_FSYNC_CURRENT, -d->fres, "current");
		return;
	}
	mlog_unstall(m, d);
	rotate_rest(m, d);
ok:
	mlog_unstall(m, d);
}

static void reap_round(struct mlog *m)
{
	size_t i;

	submit(m);
	for (i = 0; i < m->ndirs; i++)
		reap_until(m, &m->dirs[i], round_done);
	for (i = 0; i < m->ndirs; i++)
		if (m->dirs[i].wlen || m->dirs[i].wrot)
			settle(m, &m->dirs[i]);
}

/* Finishes the buffers being written: the round in flight, then as many
 * more rounds as short writes, rotations and pauses need. */
static void drain(struct mlog *m)
{
	if (m->async) {
		m->async = 0;
		reap_round(m);
	}
	while (queue_round(m))
		reap_round(m);
	submit(m); /* the last round's early writebacks */
}

void mlog_flush_start(struct mlog *m)
{
	size_t i;

	drain(m);
	for (i = 0; i < m->ndirs; i++) {
		struct mlog_dir *d = &m->dirs[i];
		struct mlbuf t = d->out;

		d->out = d->fl;
		d->out.len = 0;
		d->fl = t;
		d->done = 0;
	}
	if (queue_round(m)) {
		submit(m);
		m->async = 1;
	}
}

void mlog_flush(struct mlog *m)
{
	mlog_flush_start(m);
	drain(m);
}

void mlog_flush_wait(struct mlog *m)
{
	drain(m);
}

int mlog_flush_try(struct mlog *m)
{
	struct lx_ulog_cqe c[16];
	size_t i;
	int k, n;

	if (!m->async)
		return 1;
	while ((n = lx_ulog_reap(&m->u, c, 16, 0)) > 0)
		for (k = 0; k < n; k++)
			note(m, &c[k]);
	for (i = 0; i < m->ndirs; i++)
		if (!round_done(&m->dirs[i]))
			return 0;
	drain(m); /* settles it: waits only for what it must redo or rotate */
	return 1;
}

static void fsync_current(struct mlog *m, struct mlog_dir *d)
{
	size_t i = (size_t)(d - m->dirs);

	for (;;) {
		d->fres = PENDING;
		d->wbusy = 0;
		lx_ulog_queue_fsync(&m->u, d->fd, 0, TAG(i, T_FSYNC));
		submit(m);
		reap_until(m, d, round_done);
		if (d->fres == 0)
			break;
		mlog_stall(m, d, MLOG_FSYNC_CURRENT, d->fres < 0 ? -d->fres : EIO, "current");
	}
	mlog_unstall(m, d);
}

void mlog_dir_rotate(struct mlog *m, struct mlog_dir *d)
{
	if (d->bytes == 0)
		return;
	fsync_current(m, d);
	rotate_rest(m, d);
}

void mlog_dir_finish(struct mlog *m, struct mlog_dir *d)
{
	fsync_current(m, d);
	MLOG_RETRY(m, d, MLOG_CHMOD_CURRENT, "current", fchmod(d->fd, 0744));
	wait_dsync(m, d);
}

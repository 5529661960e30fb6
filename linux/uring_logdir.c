#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <dt/mlrotate.h>
#include "linux/uring_logint.h"

/* Completion tags: directory index and what the op was. */
enum { T_WRITE, T_FSYNC, T_DSYNC, T_OPEN, T_WB };
#define TAG(i, k) ((uint64_t)(i) << 3 | (k))
#define WB_CHUNK (1024 * 1024)
#define PENDING 1 /* wres/fres before their completion arrives */

void lx_ulog_stall(struct lx_ulog *u, struct lx_ulog_dir *d, enum lx_ulog_step step, int err,
		  const char *name)
{
	d->stalled = 1;
	u->hooks.pause(u->hooks.ctx, d, step, err, name);
}

void lx_ulog_unstall(struct lx_ulog *u, struct lx_ulog_dir *d)
{
	if (!d->stalled)
		return;
	d->stalled = 0;
	if (u->hooks.resumed)
		u->hooks.resumed(u->hooks.ctx, d);
}

void lx_ulog_attach(struct lx_ulog *u, struct lx_ulog_dir *dirs, size_t n,
		    const struct lx_ulog_hooks *hooks)
{
	size_t i;

	u->dirs = dirs;
	u->ndirs = n;
	u->hooks = *hooks;
	for (i = 0; i < n; i++) {
		dirs[i].dirfd = dirs[i].lockfd = dirs[i].fd = -1;
		dirs[i].done = 0;
	}
}

static void note(struct lx_ulog *u, const struct lx_ulog_cqe *c)
{
	struct lx_ulog_dir *d = &u->dirs[c->tag >> 3];

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
static void reap_until(struct lx_ulog *u, struct lx_ulog_dir *d, int (*cond)(const struct lx_ulog_dir *))
{
	struct lx_ulog_cqe c[16];

	while (!cond(d)) {
		int i, n = lx_ulog_reap(u, c, 16, 1);

		if (n <= 0)
			break;
		for (i = 0; i < n; i++)
			note(u, &c[i]);
	}
}

static int round_done(const struct lx_ulog_dir *d)
{
	return !d->wbusy && d->fres != PENDING;
}

static int dsync_done(const struct lx_ulog_dir *d)
{
	return !d->dsync_inflight;
}

static void submit(struct lx_ulog *u)
{
	while (lx_ulog_submit(u) < 0) {
		struct timespec ts = { 0, 10000000 };

		nanosleep(&ts, NULL);
	}
}

/* Waits for the directory's last fsync; redoes it plainly if it failed. */
static void wait_dsync(struct lx_ulog *u, struct lx_ulog_dir *d)
{
	submit(u);
	reap_until(u, d, dsync_done);
	if (d->dsync_failed) {
		RETRY(u, d, LX_ULOG_FSYNC_DIR, NULL, fsync(d->dirfd));
		d->dsync_failed = 0;
	}
}

static int opened(const struct lx_ulog_dir *d)
{
	return !d->wbusy;
}

/* (openat current -> fsync directory) as one chain: the directory's fsync
 * makes the rotation's new names durable and runs on in the background. */
static void new_current(struct lx_ulog *u, struct lx_ulog_dir *d)
{
	size_t i = (size_t)(d - u->dirs);
	int flags = O_WRONLY | O_APPEND | O_CREAT;

	d->fd = -1;
	d->wbusy = 1;
	if (lx_ulog_queue_openat(u, d->dirfd, "current", flags, 0644, LX_ULOG_F_LINK,
				 TAG(i, T_OPEN)) == 0) {
		lx_ulog_queue_fsync(u, d->dirfd, 0, TAG(i, T_DSYNC));
		d->dsync_inflight = 1;
		submit(u);
		reap_until(u, d, opened);
		d->fd = d->wres;
	}
	d->wbusy = 0;
	if (d->fd < 0) {
		RETRY(u, d, LX_ULOG_CREATE_CURRENT, "current",
		      d->fd = openat(d->dirfd, "current", flags | O_CLOEXEC, 0644));
		if (!d->dsync_inflight || d->dsync_failed) {
			lx_ulog_queue_fsync(u, d->dirfd, 0, TAG(i, T_DSYNC));
			d->dsync_inflight = 1;
			d->dsync_failed = 0;
			submit(u);
		}
	}
	RETRY(u, d, LX_ULOG_CHMOD_CURRENT, "current", fchmod(d->fd, 0644));
	d->bytes = 0;
	d->wb_from = 0;
}

/* current is complete on disk (its fsync succeeded): 0.76's renames. */
static void rotate_rest(struct lx_ulog *u, struct lx_ulog_dir *d)
{
	close(d->fd);
	d->fd = -1;
	wait_dsync(u, d);
	RETRY(u, d, LX_ULOG_RENAME_CURRENT, NULL,
	      renameat(d->dirfd, "current", d->dirfd, "previous"));
	RETRY(u, d, LX_ULOG_CHMOD_PREVIOUS, "previous",
	      fchmodat(d->dirfd, "previous", 0744, 0));
	if (d->processor)
		lx_ulog_processed(u, d);
	else
		lx_ulog_finish(u, d, "previous", 's');
	new_current(u, d);
}

/* One round: at most one write (plus its fsync when the file is full)
 * per directory, all submitted together. Returns how many dirs took part. */
static size_t queue_round(struct lx_ulog *u)
{
	size_t i, active = 0;

	for (i = 0; i < u->ndirs; i++) {
		struct lx_ulog_dir *d = &u->dirs[i];
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
			lx_ulog_queue_write(u, d->fd, d->fl.p + d->done, d->wlen, d->bytes,
					    d->wrot ? LX_ULOG_F_LINK : 0, TAG(i, T_WRITE));
		}
		if (d->wrot) {
			d->fres = PENDING;
			lx_ulog_queue_fsync(u, d->fd, 0, TAG(i, T_FSYNC));
		}
		active++;
	}
	return active;
}

/* Every MiB, start writing it back, so the kernel writes while we log
 * and the fsync at rotation (or exit) waits for little. */
static void writeback(struct lx_ulog *u, struct lx_ulog_dir *d)
{
	size_t i = (size_t)(d - u->dirs);

	if (d->wb_inflight || d->bytes < d->wb_from + WB_CHUNK)
		return;
	if (lx_ulog_queue_writeback(u, d->fd, d->wb_from, d->bytes - d->wb_from,
				    TAG(i, T_WB)) == 0) {
		d->wb_inflight = 1;
		d->wb_from = d->bytes;
	}
}

static void settle(struct lx_ulog *u, struct lx_ulog_dir *d)
{
	int err = 0;

	if (d->wlen) {
		if (d->wres > 0) {
			d->done += (size_t)d->wres;
			d->bytes += (uint64_t)d->wres;
			writeback(u, d);
		} else {
			err = d->wres < 0 ? -d->wres : EIO;
			lx_ulog_stall(u, d, LX_ULOG_WRITE, err, "current");
			return;
		}
	}
	if (!d->wrot)
		goto ok;
	if (d->fres == -ECANCELED)
		return; /* short write: the rest goes next round */
	if (d->fres < 0) {
		lx_ulog_stall(u, d, LX_ULOG_FSYNC_CURRENT, -d->fres, "current");
		return;
	}
	lx_ulog_unstall(u, d);
	rotate_rest(u, d);
ok:
	lx_ulog_unstall(u, d);
}

static void reap_round(struct lx_ulog *u)
{
	size_t i;

	submit(u);
	for (i = 0; i < u->ndirs; i++)
		reap_until(u, &u->dirs[i], round_done);
	for (i = 0; i < u->ndirs; i++)
		if (u->dirs[i].wlen || u->dirs[i].wrot)
			settle(u, &u->dirs[i]);
}

/* Finishes the buffers being written: the round in flight, then as many
 * more rounds as short writes, rotations and pauses need. */
static void drain(struct lx_ulog *u)
{
	if (u->async) {
		u->async = 0;
		reap_round(u);
	}
	while (queue_round(u))
		reap_round(u);
	submit(u); /* the last round's early writebacks */
}

void lx_ulog_flush_start(struct lx_ulog *u)
{
	size_t i;

	drain(u);
	for (i = 0; i < u->ndirs; i++) {
		struct lx_ulog_dir *d = &u->dirs[i];
		struct mlbuf t = d->out;

		d->out = d->fl;
		d->out.len = 0;
		d->fl = t;
		d->done = 0;
	}
	if (queue_round(u)) {
		submit(u);
		u->async = 1;
	}
}

void lx_ulog_flush(struct lx_ulog *u)
{
	lx_ulog_flush_start(u);
	drain(u);
}

/* 0.76's restart(): the fatal steps return, the recovery steps pause. */
int lx_ulog_dir_open(struct lx_ulog *u, struct lx_ulog_dir *d, int startfd,
		     enum lx_ulog_step *fail)
{
	const int app = O_WRONLY | O_APPEND | O_CLOEXEC;
	struct stat st;
	int fd, finished;

	mkdirat(startfd, d->path, 0700);
	*fail = LX_ULOG_OPEN_DIR;
	d->dirfd = openat(startfd, d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->dirfd < 0)
		return -errno;
	*fail = LX_ULOG_LOCK;
	d->lockfd = openat(d->dirfd, "lock", app | O_CREAT, 0600);
	if (d->lockfd < 0 || flock(d->lockfd, LOCK_EX | LOCK_NB) < 0)
		return -errno;
	*fail = LX_ULOG_STAT_CURRENT;
	if (fstatat(d->dirfd, "current", &st, 0) < 0) {
		if (errno != ENOENT)
			return -errno;
	} else if (st.st_mode & 0100) {
		/* compat: 0744 means finished cleanly: append to it. */
		*fail = LX_ULOG_APPEND_CURRENT;
		d->fd = openat(d->dirfd, "current", app);
		if (d->fd < 0)
			return -errno;
		*fail = LX_ULOG_CHMOD_CURRENT;
		if (fchmod(d->fd, 0644) < 0)
			return -errno;
		d->bytes = (uint64_t)st.st_size;
		d->wb_from = d->bytes;
		return 0;
	}
	unlinkat(d->dirfd, "state", 0);
	unlinkat(d->dirfd, "newstate", 0);
	*fail = LX_ULOG_STAT_PROCESSED;
	finished = 0;
	if (fstatat(d->dirfd, "processed", &st, 0) < 0) {
		if (errno != ENOENT)
			return -errno;
	} else {
		finished = (st.st_mode & 0100) != 0;
	}
	if (finished) {
		unlinkat(d->dirfd, "previous", 0);
		lx_ulog_finish(u, d, "processed", 's');
	} else {
		unlinkat(d->dirfd, "processed", 0);
		lx_ulog_finish(u, d, "previous", 'u');
	}
	lx_ulog_finish(u, d, "current", 'u');
	*fail = LX_ULOG_WRITE_STATE;
	fd = openat(d->dirfd, "state", O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	*fail = LX_ULOG_WRITE_CURRENT;
	d->fd = openat(d->dirfd, "current", app | O_CREAT, 0644);
	if (d->fd < 0)
		return -errno;
	*fail = LX_ULOG_CHMOD_CURRENT;
	if (fchmod(d->fd, 0644) < 0)
		return -errno;
	d->bytes = 0;
	/* The recovery's renames are durable before anything is logged. */
	fsync(d->dirfd);
	return 0;
}

static void fsync_current(struct lx_ulog *u, struct lx_ulog_dir *d)
{
	size_t i = (size_t)(d - u->dirs);

	for (;;) {
		d->fres = PENDING;
		d->wbusy = 0;
		lx_ulog_queue_fsync(u, d->fd, 0, TAG(i, T_FSYNC));
		submit(u);
		reap_until(u, d, round_done);
		if (d->fres == 0)
			break;
		lx_ulog_stall(u, d, LX_ULOG_FSYNC_CURRENT, d->fres < 0 ? -d->fres : EIO, "current");
	}
	lx_ulog_unstall(u, d);
}

void lx_ulog_dir_rotate(struct lx_ulog *u, struct lx_ulog_dir *d)
{
	if (d->bytes == 0)
		return;
	fsync_current(u, d);
	rotate_rest(u, d);
}

void lx_ulog_dir_finish(struct lx_ulog *u, struct lx_ulog_dir *d)
{
	fsync_current(u, d);
	RETRY(u, d, LX_ULOG_CHMOD_CURRENT, "current", fchmod(d->fd, 0744));
	wait_dsync(u, d);
}

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dt/mlrotate.h>
#include <lx/uring_log.h>

extern char **environ;

/* Completion tags: directory index and what the op was. */
enum { T_WRITE, T_FSYNC, T_DSYNC, T_OPEN, T_WB };
#define TAG(i, k) ((uint64_t)(i) << 3 | (k))
#define WB_CHUNK (1024 * 1024)
#define PENDING 1 /* wres/fres before their completion arrives */

static void stall(struct lx_ulog *u, struct lx_ulog_dir *d, enum lx_ulog_step step, int err,
		  const char *name)
{
	d->stalled = 1;
	u->hooks.pause(u->hooks.ctx, d, step, err, name);
}

static void unstall(struct lx_ulog *u, struct lx_ulog_dir *d)
{
	if (!d->stalled)
		return;
	d->stalled = 0;
	if (u->hooks.resumed)
		u->hooks.resumed(u->hooks.ctx, d);
}

/* 0.76's rule for every step that can fail at run time: say so, wait,
 * try again; never give up and never drop a byte. */
#define RETRY(u, d, step, name, call)                      \
	do {                                               \
		while ((call) < 0)                         \
			stall(u, d, step, errno, name);    \
		unstall(u, d);                             \
	} while (0)

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

/* 0.76: delete the oldest '@' file while there are num or more.
 * Returns 1 when they fit, 0 after deleting one, -1 on a read error. */
static int filesfit(struct lx_ulog_dir *d)
{
	char oldest[256];
	struct dirent *e;
	unsigned long count = 0;
	int fd = openat(d->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);

	if (!dir) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	oldest[0] = 0;
	for (errno = 0; (e = readdir(dir)); errno = 0) {
		if (!mlname_is_rotated(e->d_name))
			continue;
		count++;
		if (!oldest[0] || mlname_older(e->d_name, oldest)) {
			strncpy(oldest, e->d_name, sizeof oldest - 1);
			oldest[sizeof oldest - 1] = 0;
		}
	}
	if (errno) {
		closedir(dir);
		return -1;
	}
	closedir(dir);
	if (count < d->num)
		return 1;
	unlinkat(d->dirfd, oldest, 0);
	return 0;
}

static int link_stamped(struct lx_ulog_dir *d, const char *file, char code, char *name)
{
	struct timespec ts;
	struct tai64n now, next;

	clock_gettime(CLOCK_REALTIME, &ts);
	tai64n_from_unix_ns((uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec, &now);
	mlname_next_stamp(&d->last, &now, &next);
	d->last = next;
	mlname_format(&next, code, name);
	return linkat(d->dirfd, file, d->dirfd, name, 0);
}

/* 0.76's finish(): give file its @ name (unless it has one already: a
 * crash between link and unlink), remove it, then age out old files. */
static void finish(struct lx_ulog *u, struct lx_ulog_dir *d, const char *file, char code)
{
	char name[MLNAME_LEN + 1];
	struct stat st;
	int r;

	while (fstatat(d->dirfd, file, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return;
		stall(u, d, LX_ULOG_STAT, errno, file);
	}
	unstall(u, d);
	if (st.st_nlink == 1) {
		while (link_stamped(d, file, code, name) < 0)
			if (errno != EEXIST)
				stall(u, d, LX_ULOG_LINK, errno, name);
		unstall(u, d);
	}
	RETRY(u, d, LX_ULOG_REMOVE, file, unlinkat(d->dirfd, file, 0));
	while ((r = filesfit(d)) != 1)
		if (r < 0)
			stall(u, d, LX_ULOG_READDIR, errno, NULL);
	unstall(u, d);
}

static int move_fd(int from, int to)
{
	if (from == to)
		return fcntl(to, F_SETFD, 0);
	return dup2(from, to) < 0 ? -1 : 0;
}

static int open_high(int dirfd, const char *name, int flags)
{
	int fd = openat(dirfd, name, flags | O_CLOEXEC, 0644), hi;

	if (fd < 0)
		return -1;
	hi = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	close(fd);
	return hi;
}

static void processor_child(struct lx_ulog *u, struct lx_ulog_dir *d)
{
	char *argv[] = { "/bin/sh", "-c", (char *)d->processor, NULL };
	int in, out, st, nst;

	if (u->hooks.child_mask)
		sigprocmask(SIG_SETMASK, u->hooks.child_mask, NULL);
	in = open_high(d->dirfd, "previous", O_RDONLY);
	out = open_high(d->dirfd, "processed", O_WRONLY | O_CREAT | O_TRUNC);
	st = open_high(d->dirfd, "state", O_RDONLY);
	nst = open_high(d->dirfd, "newstate", O_WRONLY | O_CREAT | O_TRUNC);
	if (in >= 0 && out >= 0 && st >= 0 && nst >= 0 && fchdir(d->dirfd) == 0 &&
	    move_fd(in, 0) == 0 && move_fd(out, 1) == 0 && move_fd(st, 4) == 0 &&
	    move_fd(nst, 5) == 0)
		execve(argv[0], argv, environ);
	if (u->hooks.exec_failed)
		u->hooks.exec_failed(u->hooks.ctx, d, errno);
	_exit(111);
}

/* 0.76 runs the processor to completion before logging goes on. */
static void run_processor(struct lx_ulog *u, struct lx_ulog_dir *d)
{
	pid_t pid;
	int ws;

	for (;;) {
		pid = fork();
		if (pid < 0) {
			stall(u, d, LX_ULOG_FORK, errno, NULL);
			continue;
		}
		if (pid == 0)
			processor_child(u, d);
		while (waitpid(pid, &ws, 0) < 0)
			if (errno != EINTR)
				stall(u, d, LX_ULOG_WAIT, errno, NULL);
		if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
			break;
		stall(u, d, WIFEXITED(ws) ? LX_ULOG_PROC_FAILED : LX_ULOG_PROC_CRASHED, 0, NULL);
	}
	unstall(u, d);
}

static void processed(struct lx_ulog *u, struct lx_ulog_dir *d)
{
	int fd;

	run_processor(u, d);
	RETRY(u, d, LX_ULOG_CREATE_PROCESSED, "processed",
	      fd = openat(d->dirfd, "processed", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
	RETRY(u, d, LX_ULOG_FSYNC_PROCESSED, "processed", fsync(fd));
	RETRY(u, d, LX_ULOG_CHMOD_PROCESSED, "processed", fchmod(fd, 0744));
	close(fd);
	RETRY(u, d, LX_ULOG_CREATE_NEWSTATE, "newstate",
	      fd = openat(d->dirfd, "newstate", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
	RETRY(u, d, LX_ULOG_FSYNC_NEWSTATE, "newstate", fsync(fd));
	close(fd);
	RETRY(u, d, LX_ULOG_REMOVE, "previous", unlinkat(d->dirfd, "previous", 0));
	RETRY(u, d, LX_ULOG_RENAME_NEWSTATE, NULL,
	      renameat(d->dirfd, "newstate", d->dirfd, "state"));
	finish(u, d, "processed", 's');
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
		processed(u, d);
	else
		finish(u, d, "previous", 's');
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
			stall(u, d, LX_ULOG_WRITE, err, "current");
			return;
		}
	}
	if (!d->wrot)
		goto ok;
	if (d->fres == -ECANCELED)
		return; /* short write: the rest goes next round */
	if (d->fres < 0) {
		stall(u, d, LX_ULOG_FSYNC_CURRENT, -d->fres, "current");
		return;
	}
	unstall(u, d);
	rotate_rest(u, d);
ok:
	unstall(u, d);
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
		finish(u, d, "processed", 's');
	} else {
		unlinkat(d->dirfd, "processed", 0);
		finish(u, d, "previous", 'u');
	}
	finish(u, d, "current", 'u');
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
		stall(u, d, LX_ULOG_FSYNC_CURRENT, d->fres < 0 ? -d->fres : EIO, "current");
	}
	unstall(u, d);
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

/* SPDX-License-Identifier: ISC */
/* A log directory as daemontools 0.76 lays it out: start-up recovery,
 * the @ names of finished files, and nN ageing. Plain syscalls: these
 * steps are rare and each must be done before the next may start. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <dt/mlrotate.h>

#include <dt/tai64.h>

#include "multilog.h"

/* 0.76: delete the oldest '@' file while there are num or more.
 * Returns 1 when they fit, 0 after deleting one, -1 on a read error. */
static int filesfit(struct mlog_dir *d)
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
			size_t l = strlen(e->d_name); /* 27 for a rotated name */

			if (l < sizeof oldest)
				memcpy(oldest, e->d_name, l + 1);
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

static int link_stamped(struct mlog_dir *d, const char *file, char code, char *name)
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
static void finish(struct mlog *m, struct mlog_dir *d, const char *file, char code)
{
	char name[MLNAME_LEN + 1];
	struct stat st;
	int r;

	while (fstatat(d->dirfd, file, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return;
		mlog_stall(m, d, MLOG_STAT, errno, file);
	}
	mlog_unstall(m, d);
	if (st.st_nlink == 1) {
		while (link_stamped(d, file, code, name) < 0)
			if (errno != EEXIST)
				mlog_stall(m, d, MLOG_LINK, errno, name);
		mlog_unstall(m, d);
	}
	MLOG_RETRY(m, d, MLOG_REMOVE, file, unlinkat(d->dirfd, file, 0));
	while ((r = filesfit(d)) != 1)
		if (r < 0)
			mlog_stall(m, d, MLOG_READDIR, errno, NULL);
	mlog_unstall(m, d);
}

void mlog_dir_retire(struct mlog *m, struct mlog_dir *d)
{
	MLOG_RETRY(m, d, MLOG_RENAME_CURRENT, NULL,
		   renameat(d->dirfd, "current", d->dirfd, "previous"));
	MLOG_RETRY(m, d, MLOG_CHMOD_PREVIOUS, "previous", fchmodat(d->dirfd, "previous", 0744, 0));
	if (d->processor) {
		mlog_proc_run(m, d);
		finish(m, d, "processed", 's');
	} else {
		finish(m, d, "previous", 's');
	}
}

/* 0.76's restart(): the fatal steps return, the recovery steps pause. */
/* The label of the newest rotated file already there, into d->last, so a
 * new name is never smaller than an old one: after the clock steps back
 * (or a restart under a slow clock), 0.76 named new files "older" than
 * the ones before, and ageing then deleted the fresh logs first. */
static void newest_label(struct mlog_dir *d)
{
	struct tai64n t;
	struct dirent *e;
	int fd = openat(d->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);

	if (!dir) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(dir)))
		if (mlname_is_rotated(e->d_name) && tai64n_scan(e->d_name, 25, &t) == 0 &&
		    (t.sec > d->last.sec || (t.sec == d->last.sec && t.nano > d->last.nano)))
			d->last = t;
	closedir(dir);
}

int mlog_dir_open(struct mlog *m, struct mlog_dir *d, int startfd, enum mlog_step *fail)
{
	const int app = O_WRONLY | O_APPEND | O_CLOEXEC;
	struct stat st;
	int fd, finished;

	mkdirat(startfd, d->path, 0700);
	*fail = MLOG_OPEN_DIR;
	d->dirfd = openat(startfd, d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->dirfd < 0)
		return -errno;
	*fail = MLOG_LOCK;
	d->lockfd = openat(d->dirfd, "lock", app | O_CREAT, 0600);
	if (d->lockfd < 0 || flock(d->lockfd, LOCK_EX | LOCK_NB) < 0)
		return -errno;
	newest_label(d);
	*fail = MLOG_STAT_CURRENT;
	if (fstatat(d->dirfd, "current", &st, 0) < 0) {
		if (errno != ENOENT)
			return -errno;
	} else if (st.st_mode & 0100) {
		/* compat: 0744 means finished cleanly: append to it. */
		*fail = MLOG_APPEND_CURRENT;
		d->fd = openat(d->dirfd, "current", app);
		if (d->fd < 0)
			return -errno;
		*fail = MLOG_CHMOD_CURRENT;
		if (fchmod(d->fd, 0644) < 0)
			return -errno;
		d->bytes = (uint64_t)st.st_size;
		d->wb_from = d->bytes;
		return 0;
	}
	unlinkat(d->dirfd, "state", 0);
	unlinkat(d->dirfd, "newstate", 0);
	*fail = MLOG_STAT_PROCESSED;
	finished = 0;
	if (fstatat(d->dirfd, "processed", &st, 0) < 0) {
		if (errno != ENOENT)
			return -errno;
	} else {
		finished = (st.st_mode & 0100) != 0;
	}
	if (finished) {
		unlinkat(d->dirfd, "previous", 0);
		finish(m, d, "processed", 's');
	} else {
		unlinkat(d->dirfd, "processed", 0);
		finish(m, d, "previous", 'u');
	}
	finish(m, d, "current", 'u');
	*fail = MLOG_WRITE_STATE;
	fd = openat(d->dirfd, "state", O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	*fail = MLOG_WRITE_CURRENT;
	d->fd = openat(d->dirfd, "current", app | O_CREAT, 0644);
	if (d->fd < 0)
		return -errno;
	*fail = MLOG_CHMOD_CURRENT;
	if (fchmod(d->fd, 0644) < 0)
		return -errno;
	d->bytes = 0;
	/* The recovery's renames are durable before anything is logged. */
	fsync(d->dirfd);
	return 0;
}

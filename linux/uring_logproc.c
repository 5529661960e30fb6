#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dt/mlrotate.h>

#include "linux/uring_logint.h"

extern char **environ;

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
void lx_ulog_finish(struct lx_ulog *u, struct lx_ulog_dir *d, const char *file, char code)
{
	char name[MLNAME_LEN + 1];
	struct stat st;
	int r;

	while (fstatat(d->dirfd, file, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return;
		lx_ulog_stall(u, d, LX_ULOG_STAT, errno, file);
	}
	lx_ulog_unstall(u, d);
	if (st.st_nlink == 1) {
		while (link_stamped(d, file, code, name) < 0)
			if (errno != EEXIST)
				lx_ulog_stall(u, d, LX_ULOG_LINK, errno, name);
		lx_ulog_unstall(u, d);
	}
	RETRY(u, d, LX_ULOG_REMOVE, file, unlinkat(d->dirfd, file, 0));
	while ((r = filesfit(d)) != 1)
		if (r < 0)
			lx_ulog_stall(u, d, LX_ULOG_READDIR, errno, NULL);
	lx_ulog_unstall(u, d);
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
			lx_ulog_stall(u, d, LX_ULOG_FORK, errno, NULL);
			continue;
		}
		if (pid == 0)
			processor_child(u, d);
		while (waitpid(pid, &ws, 0) < 0)
			if (errno != EINTR)
				lx_ulog_stall(u, d, LX_ULOG_WAIT, errno, NULL);
		if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
			break;
		lx_ulog_stall(u, d, WIFEXITED(ws) ? LX_ULOG_PROC_FAILED : LX_ULOG_PROC_CRASHED, 0, NULL);
	}
	lx_ulog_unstall(u, d);
}

void lx_ulog_processed(struct lx_ulog *u, struct lx_ulog_dir *d)
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
	lx_ulog_finish(u, d, "processed", 's');
}


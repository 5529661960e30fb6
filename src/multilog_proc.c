/* SPDX-License-Identifier: ISC */
/* 0.76's processor: a shell command run on a rotated file, reading it on
 * fd 0, writing processed on 1, the last state on 4 and newstate on 5,
 * then made durable before the file it replaces goes away. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lx/child.h>

#include "multilog.h"

extern char **environ;

static int move_fd(int from, int to)
{
	if (from == to)
		return fcntl(to, F_SETFD, 0);
	return dup2(from, to) < 0 ? -1 : 0;
}

/* Above 9, so no dup2 into 0, 1, 4 or 5 clobbers one not yet moved. */
static int open_high(int dirfd, const char *name, int flags)
{
	int fd = openat(dirfd, name, flags | O_CLOEXEC, 0644), hi;

	if (fd < 0)
		return -1;
	hi = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	close(fd);
	return hi;
}

static void processor_child(struct mlog *m, struct mlog_dir *d)
{
	char *argv[] = { "/bin/sh", "-c", (char *)d->processor, NULL };
	int in, out, st, nst;

	const struct lx_child c = { NULL, m->hooks.child_mask, NULL, -1 };

	lx_child_hygiene(&c);
	in = open_high(d->dirfd, "previous", O_RDONLY);
	out = open_high(d->dirfd, "processed", O_WRONLY | O_CREAT | O_TRUNC);
	st = open_high(d->dirfd, "state", O_RDONLY);
	nst = open_high(d->dirfd, "newstate", O_WRONLY | O_CREAT | O_TRUNC);
	if (in >= 0 && out >= 0 && st >= 0 && nst >= 0 && fchdir(d->dirfd) == 0 &&
	    move_fd(in, 0) == 0 && move_fd(out, 1) == 0 && move_fd(st, 4) == 0 &&
	    move_fd(nst, 5) == 0)
		execve(argv[0], argv, environ);
	if (m->hooks.exec_failed)
		m->hooks.exec_failed(m->hooks.ctx, d, errno);
	_exit(111);
}

/* 0.76 runs the processor to completion before logging goes on. */
static void run_processor(struct mlog *m, struct mlog_dir *d)
{
	pid_t pid;
	int ws;

	for (;;) {
		pid = fork();
		if (pid < 0) {
			mlog_stall(m, d, MLOG_FORK, errno, NULL);
			continue;
		}
		if (pid == 0)
			processor_child(m, d);
		while (waitpid(pid, &ws, 0) < 0)
			if (errno != EINTR)
				mlog_stall(m, d, MLOG_WAIT, errno, NULL);
		if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
			break;
		mlog_stall(m, d, WIFEXITED(ws) ? MLOG_PROC_FAILED : MLOG_PROC_CRASHED, 0, NULL);
	}
	mlog_unstall(m, d);
}

/* processed (0744: finished) and newstate are on disk before previous
 * goes, so a crash at any point leaves one of them to recover from. */
void mlog_proc_run(struct mlog *m, struct mlog_dir *d)
{
	int fd;

	run_processor(m, d);
	MLOG_RETRY(m, d, MLOG_CREATE_PROCESSED, "processed",
		   fd = openat(d->dirfd, "processed", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
			       0644));
	MLOG_RETRY(m, d, MLOG_FSYNC_PROCESSED, "processed", fsync(fd));
	MLOG_RETRY(m, d, MLOG_CHMOD_PROCESSED, "processed", fchmod(fd, 0744));
	close(fd);
	MLOG_RETRY(m, d, MLOG_CREATE_NEWSTATE, "newstate",
		   fd = openat(d->dirfd, "newstate", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
			       0644));
	MLOG_RETRY(m, d, MLOG_FSYNC_NEWSTATE, "newstate", fsync(fd));
	close(fd);
	MLOG_RETRY(m, d, MLOG_REMOVE, "previous", unlinkat(d->dirfd, "previous", 0));
	MLOG_RETRY(m, d, MLOG_RENAME_NEWSTATE, NULL,
		   renameat(d->dirfd, "newstate", d->dirfd, "state"));
}

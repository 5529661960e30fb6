/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dt/fdio.h>
#include <dt/proclocks.h>
#include <lx/proclock.h>

/* /proc/locks can be long on a busy host: read it in blocks, carrying a
 * cut line over; a line longer than the buffer is skipped. */
int lx_proclock_holders(unsigned long ino, pid_t *pids, int max)
{
	char buf[4096];
	size_t have = 0;
	int fd, found = 0, skipping = 0;

	fd = open("/proc/locks", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r = fd_read(fd, buf + have, sizeof buf - have);
		char *p = buf, *end, *nl;

		if (r < 0) {
			fd_close(fd);
			return (int)r;
		}
		end = buf + have + r;
		while ((nl = memchr(p, '\n', end - p))) {
			pid_t pid;
			unsigned long i;

			if (!skipping && proclocks_line(p, nl - p, &pid, &i) && i == ino &&
			    found < max)
				pids[found++] = pid;
			skipping = 0;
			p = nl + 1;
		}
		have = end - p;
		if (r == 0)
			break;
		if (have == sizeof buf) {
			skipping = 1;
			have = 0;
		}
		memmove(buf, p, have);
	}
	fd_close(fd);
	return found;
}

static int fd_locked(pid_t pid, const char *fdname)
{
	char path[64], text[2048];
	ssize_t r;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/fdinfo/%s", (int)pid, fdname);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = fd_read_full(fd, text, sizeof text);
	fd_close(fd);
	if (r < 0)
		return (int)r;
	return proclocks_fdinfo_locked(text, (size_t)r);
}

int lx_proclock_pid_holds(pid_t pid, dev_t dev, ino_t ino)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int r = 0;

	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? -ESRCH : -errno;
	while ((e = readdir(d))) {
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		/* stat through the magic link sees the file as our path does */
		if (fstatat(dirfd(d), e->d_name, &st, 0) < 0)
			continue;
		if (st.st_dev != dev || st.st_ino != ino)
			continue;
		r = fd_locked(pid, e->d_name);
		if (r != 0)
			break;
	}
	closedir(d);
	return r;
}

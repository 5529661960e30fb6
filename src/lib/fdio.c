/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <dt/fdio.h>

ssize_t fd_read(int fd, void *buf, size_t len)
{
	int saved = errno;
	ssize_t r;

	do
		r = read(fd, buf, len);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	errno = saved;
	return r;
}

ssize_t fd_read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = fd_read(fd, (char *)buf + got, len - got);

		if (r < 0)
			return r;
		if (r == 0)
			break;
		got += r;
	}
	return got;
}

int fd_read_path(const char *path, void *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = fd_read_full(fd, buf, size);
	fd_close(fd);
	return (int)n;
}

int fd_write_all(int fd, const void *buf, size_t len)
{
	int saved = errno;
	const char *p = buf;

	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		len -= w;
	}
	errno = saved;
	return 0;
}

void fd_close(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
}

int fd_replace_file(int dirfd, const char *name, const void *data, size_t len,
		    unsigned mode, int do_fsync)
{
	char tmp[PATH_MAX];
	int fd, r;

	if (snprintf(tmp, sizeof tmp, "%s.new", name) >= (int)sizeof tmp)
		return -ENAMETOOLONG;
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	r = fd_write_all(fd, data, len);
	if (r == 0 && do_fsync && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	return r;
}

/* SPDX-License-Identifier: ISC */
/* The one reader of supervise/state, for svstat, svwait and supervise
 * (svscan's in-process supervise included): the file whole, into the
 * caller's buffer of the writer's own maximum, then svstate_parse. A thin
 * wrapper kept apart from svstate.c, whose functions stay pure. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>

#include <dt/fdio.h>
#include <dt/svstate.h>

int svstate_read(int fd, char buf[SVSTATE_TEXT_MAX], struct svstate *out)
{
	ssize_t n = fd_read_full(fd, buf, SVSTATE_TEXT_MAX);
	char more;

	if (n < 0)
		return (int)n;
	/* Longer than any file supervise writes: not one of its files, and
	 * parsing a cut text could take a cut value for a whole one. */
	if (n == SVSTATE_TEXT_MAX) {
		ssize_t r = fd_read(fd, &more, 1);

		if (r < 0)
			return (int)r;
		if (r > 0)
			return -EBADMSG;
	}
	if (svstate_parse(buf, (size_t)n, out) < 0)
		return -EBADMSG;
	return (int)n;
}

int svstate_read_at(int dirfd, const char *path, char buf[SVSTATE_TEXT_MAX],
		    struct svstate *out)
{
	int fd = openat(dirfd, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -errno;
	r = svstate_read(fd, buf, out);
	fd_close(fd);
	return r;
}

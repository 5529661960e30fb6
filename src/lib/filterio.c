/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <sys/stat.h>

#include <dt/fdio.h>
#include <dt/filterio.h>

void filterio_init(struct filterio *io, int in, int out, char *obuf, size_t ocap)
{
	struct stat st;

	io->in = in;
	io->out = out;
	io->obuf = obuf;
	io->olen = 0;
	io->ocap = ocap;
	io->in_never_waits = fstat(in, &st) == 0 && (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode));
}

int filterio_flush(struct filterio *io)
{
	int r;

	if (io->olen == 0)
		return 0;
	r = fd_write_all(io->out, io->obuf, io->olen);
	if (r < 0)
		return r;
	io->olen = 0;
	return 0;
}

int filterio_room(struct filterio *io, size_t need)
{
	if (io->ocap - io->olen >= need)
		return 0;
	return filterio_flush(io);
}

/* 1 when a read of fd would not wait now, 0 when it might, -errno. */
static int input_ready(int fd, int timeout)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int r;

	do
		r = poll(&pfd, 1, timeout);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r > 0;
}

ssize_t filterio_read(struct filterio *io, void *buf, size_t len)
{
	ssize_t r;
	int ready;

	for (;;) {
		if (io->olen > 0 && !io->in_never_waits) {
			ready = input_ready(io->in, 0);
			if (ready < 0)
				return ready;
			if (!ready && (r = filterio_flush(io)) < 0)
				return r;
		}
		r = fd_read(io->in, buf, len);
		if (r != -EAGAIN)
			return r;
		if ((r = filterio_flush(io)) < 0)
			return r;
		ready = input_ready(io->in, -1);
		if (ready < 0)
			return ready;
	}
}

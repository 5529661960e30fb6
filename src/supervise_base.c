/* SPDX-License-Identifier: ISC */
/* supervise: the bottom of its file tree. What every other supervise file
 * may call (an event stamped now, a small file read whole); it calls none
 * of them (tests/arch/supervise-calls.sh keeps it so). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <dt/fdio.h>

#include "supervise.h"

void sv_event_now(struct svfsm_event *ev, enum svfsm_event_type type)
{
	memset(ev, 0, sizeof *ev);
	ev->type = type;
	ev->mono_ns = lx_now_mono_ns();
	ev->real_ns = lx_now_real_ns();
}

int sv_read_small(const char *name, char *buf, size_t size)
{
	int fd = open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = fd_read_full(fd, buf, size);
	fd_close(fd);
	return (int)n;
}

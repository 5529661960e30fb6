/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
#include <sys/syscall.h>

#include <lx/child.h>
#include <lx/compat.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/* close_range(2) arrived in 5.9 and CLOSE_RANGE_CLOEXEC in 5.11; older
 * kernels get a bounded loop of fcntl (ENOSYS/EINVAL are the probes). */
static void cloexec_from(unsigned first, unsigned last)
{
	unsigned fd;

	if (first > last)
		return;
	if (syscall(SYS_close_range, first, last, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	for (fd = first; fd <= last && fd < 1024; fd++)
		fcntl((int)fd, F_SETFD, FD_CLOEXEC);
}

void lx_child_hygiene(const struct lx_child *c)
{
	if (c->sigfd)
		lx_sigfd_child_reset(c->sigfd);
	if (c->mask)
		sigprocmask(SIG_SETMASK, c->mask, NULL);
	if (c->nofile)
		setrlimit(RLIMIT_NOFILE, c->nofile);
	if (c->keep_fd >= 3) {
		cloexec_from(3, (unsigned)c->keep_fd - 1);
		cloexec_from((unsigned)c->keep_fd + 1, UINT_MAX);
		fcntl(c->keep_fd, F_SETFD, 0);
	} else {
		cloexec_from(3, UINT_MAX);
	}
}

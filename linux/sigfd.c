/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <lx/sigfd.h>

int lx_sigfd_open(struct lx_sigfd *s, const sigset_t *sigs)
{
	s->handled = *sigs;
	if (sigprocmask(SIG_BLOCK, sigs, &s->saved) < 0)
		return -errno;
	s->fd = signalfd(-1, sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	if (s->fd < 0) {
		int e = errno;

		sigprocmask(SIG_SETMASK, &s->saved, NULL);
		return -e;
	}
	return 0;
}

int lx_sigfd_read(struct lx_sigfd *s)
{
	struct signalfd_siginfo si;
	ssize_t r;

	do
		r = read(s->fd, &si, sizeof si);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == EAGAIN ? 0 : -errno;
	if (r != sizeof si)
		return -EIO;
	return (int)si.ssi_signo;
}

void lx_sigfd_child_reset(const struct lx_sigfd *s)
{
	int sig;

	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(&s->handled, sig) == 1)
			signal(sig, SIG_DFL);
	sigprocmask(SIG_SETMASK, &s->saved, NULL);
}

void lx_sigfd_close(struct lx_sigfd *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	sigprocmask(SIG_SETMASK, &s->saved, NULL);
}

/* SPDX-License-Identifier: ISC */
#ifndef LX_SIGFD_H
#define LX_SIGFD_H

/* signalfd with the mask bookkeeping that goes with it: the signals must
 * stay blocked for the fd to see them, and a blocked mask survives execve,
 * so every child must get the original mask back (lx_sigfd_child_reset). */

#include <signal.h>

struct lx_sigfd {
	int fd;
	sigset_t handled;  /* what the fd reports */
	sigset_t saved;    /* the mask before lx_sigfd_open */
};

/* Blocks sigs and opens a non-blocking, close-on-exec signalfd for them.
 * Returns 0 or -errno. */
int lx_sigfd_open(struct lx_sigfd *s, const sigset_t *sigs);
/* Next pending signal number, 0 if none, or -errno. */
int lx_sigfd_read(struct lx_sigfd *s);
/* In a forked child before exec: restore the saved mask and reset the
 * handled signals to SIG_DFL. Async-signal-safe. */
void lx_sigfd_child_reset(const struct lx_sigfd *s);
void lx_sigfd_close(struct lx_sigfd *s);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef LX_CHILD_H
#define LX_CHILD_H

/* One child hygiene for every child this project starts: supervise's run
 * and finish (lx_pidfd_spawn), svscan's supervise (vfork + exec, or a fork
 * that runs supervise_main), multilog's processor (fork + exec). */

#include <signal.h>
#include <sys/resource.h>

#include <lx/sigfd.h>

struct lx_child {
	const struct lx_sigfd *sigfd; /* its handled signals back to SIG_DFL and
					 its saved mask restored; NULL: left */
	const sigset_t *mask;         /* this mask instead (after sigfd's) */
	const struct rlimit *nofile;  /* soft RLIMIT_NOFILE the parent raised
					 from, given back; NULL: left */
	int keep_fd;                  /* >= 3: stays open across exec */
};

/* In the child, before anything else: signals and the fd limit as above,
 * then every fd from 3 up but keep_fd marked close-on-exec (an fd a
 * library or a parent left without it never reaches the program). No
 * allocation, async-signal-safe: callable in a vfork child, whose fd table
 * and signal dispositions are its own. */
void lx_child_hygiene(const struct lx_child *c);

#endif

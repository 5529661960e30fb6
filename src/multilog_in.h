/* SPDX-License-Identifier: ISC */
#ifndef MULTILOG_IN_H
#define MULTILOG_IN_H

/* multilog's standard input. On a pipe, a byte leaves the pipe only once
 * the caller says it is in its log files or discarded by the script
 * (mlin_done): mlin_read copies bytes out with tee(2) into a private pipe
 * and reads them from there, so a kill -9 loses nothing that reached the
 * pipe; the next multilog reads again whatever was not done, so at most
 * what was in flight is written twice. tee copies from the head of the
 * pipe, so a tee copies the held bytes again and throws that copy away
 * (page references, not bytes); one tee takes all the pipe holds, and
 * reads serve from the private pipe until it is empty, so that happens
 * once per pipeful, not once per read.
 *
 * A pipe that holds bytes is always readable to poll, so on a pipe
 * readiness comes from epoll, edge-triggered: the kernel wakes an epoll
 * reader of a pipe on every write (Linux 5.14 on), and an event means
 * "there may be more than you hold".
 *
 * Anything else (a file, a terminal, a socket: tee fails EINVAL), or a
 * private pipe that cannot be made as large as stdin (pipe-user-pages-soft
 * reached), is read with plain reads, as 0.76 does. Private to multilog;
 * all fds CLOEXEC. */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <lx/evloop.h>

struct mlin {
	int hold;             /* 1: stdin is a pipe read with tee */
	int priv[2];          /* the private pipe tee copies into */
	int null;             /* /dev/null, where done bytes are spliced */
	int more;             /* the pipe may hold bytes not copied yet */
	size_t left;          /* new bytes in the private pipe, not read yet */
	int sigfd;
	struct lx_evloop ev;  /* hold: stdin (edge-triggered) and sigfd */
	uint64_t copied;      /* bytes mlin_read has returned */
	uint64_t dropped;     /* of those, bytes removed from the pipe */
};

/* Sets up in for fd 0, waiting on sigfd too. Never fails: without what
 * holding needs, in reads plainly. Call after the log directories are
 * locked, so that a second multilog never touches the pipe. */
void mlin_open(struct mlin *in, int sigfd);
/* Waits at most timeout_ms (-1: forever) until input may be there or
 * sigfd is readable; sets *input and *sig. Returns 1, 0 on timeout, or
 * -errno (EINTR: call again). */
int mlin_wait(struct mlin *in, int timeout_ms, int *input, int *sig);
/* Up to max new bytes into buf: the count, 0 at end of input, -EAGAIN
 * when there is none now, or -errno. */
ssize_t mlin_read(struct mlin *in, char *buf, size_t max);
/* The first upto bytes mlin_read returned are in their files (or were
 * discarded): they leave the pipe. upto never decreases. */
void mlin_done(struct mlin *in, uint64_t upto);
/* 1 while some of the first upto bytes are still in the pipe: the caller
 * must then call mlin_done before it waits for input, or the held bytes
 * could fill the pipe and nothing would wake it. */
int mlin_owes(const struct mlin *in, uint64_t upto);

#endif

#ifndef LX_URING_LOGINT_H
#define LX_URING_LOGINT_H

/* Shared by the two halves of the log directory code (uring_logdir.c:
 * start-up, writes and rotation; uring_logproc.c: naming, ageing and the
 * processor). Not part of the interface. */

#include <errno.h>

#include <lx/uring_log.h>

/* A step failed with err: let the caller's hook report it and wait. */
void lx_ulog_stall(struct lx_ulog *u, struct lx_ulog_dir *d, enum lx_ulog_step step, int err,
		   const char *name);
/* The step that stalled went through. */
void lx_ulog_unstall(struct lx_ulog *u, struct lx_ulog_dir *d);

/* 0.76's rule for every step that can fail at run time: say so, wait,
 * try again; never give up and never drop a byte. */
#define RETRY(u, d, step, name, call)                              \
	do {                                                       \
		while ((call) < 0)                                 \
			lx_ulog_stall(u, d, step, errno, name);    \
		lx_ulog_unstall(u, d);                             \
	} while (0)

/* 0.76's finish(): file gets its @ name with code, then old files go. */
void lx_ulog_finish(struct lx_ulog *u, struct lx_ulog_dir *d, const char *file, char code);
/* Runs the processor on previous and installs processed as @....s. */
void lx_ulog_processed(struct lx_ulog *u, struct lx_ulog_dir *d);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef MULTILOG_H
#define MULTILOG_H

/* multilog's log directories: daemontools 0.76's layout, start-up
 * recovery, rotation, nN ageing and processor, kept durable with fsyncs in
 * the order a crash needs. Private to multilog (and its unit test).
 *
 * The files call downwards only:
 *   multilog.c        stdin, signals, the words of every message (policy)
 *   multilog_write.c  rounds of writes on lx_ulog, the rotation's chains
 *   multilog_dir.c    start-up recovery; a finished file's @ name; ageing
 *   multilog_proc.c   the processor and its descriptors 0, 1, 4, 5
 * below them linux/uring_log.c (the io_uring writer) and src/lib
 * (mlcut_span decides where to rotate, mlname_* the @ names).
 *
 * Nothing here prints or exits: a step that fails calls the pause hook
 * (0.76: warn, sleep 5 s) and is retried, so no byte is ever dropped. All
 * fds CLOEXEC. */

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <dt/mlproc.h>
#include <dt/tai64.h>
#include <lx/uring_log.h>

enum mlog_step {
	/* while running: the step is retried after the pause hook */
	MLOG_WRITE, MLOG_FSYNC_CURRENT, MLOG_RENAME_CURRENT,
	MLOG_CREATE_CURRENT, MLOG_CHMOD_CURRENT, MLOG_CHMOD_PREVIOUS,
	MLOG_STAT, MLOG_LINK, MLOG_REMOVE, MLOG_READDIR,
	MLOG_FORK, MLOG_WAIT, MLOG_PROC_CRASHED, MLOG_PROC_FAILED,
	MLOG_CREATE_PROCESSED, MLOG_FSYNC_PROCESSED, MLOG_CHMOD_PROCESSED,
	MLOG_CREATE_NEWSTATE, MLOG_FSYNC_NEWSTATE, MLOG_RENAME_NEWSTATE,
	MLOG_FSYNC_DIR,
	/* at start (mlog_dir_open): fatal for the caller */
	MLOG_OPEN_DIR, MLOG_LOCK, MLOG_STAT_CURRENT, MLOG_APPEND_CURRENT,
	MLOG_STAT_PROCESSED, MLOG_WRITE_STATE, MLOG_WRITE_CURRENT,
};

struct mlog_dir;

struct mlog_hooks {
	/* A step failed (err: errno, 0 for a processor's exit status): wait,
	 * typically 5 s, then return; the step is retried. name is the file
	 * involved, or NULL. */
	void (*pause)(void *ctx, const struct mlog_dir *d, enum mlog_step step, int err,
		      const char *name);
	/* A step that had paused went through. */
	void (*resumed)(void *ctx, const struct mlog_dir *d);
	/* In the processor's child, when exec fails; then _exit(111). */
	void (*exec_failed)(void *ctx, const struct mlog_dir *d, int err);
	void *ctx;
	const sigset_t *child_mask; /* the processor's signal mask, or NULL */
};

struct mlog_dir {
	const char *path;      /* as in the script; for messages */
	uint64_t size;         /* rotate at this many bytes */
	unsigned long num;     /* keep num - 1 rotated files */
	const char *processor; /* NULL: none */
	int dirfd, lockfd, fd; /* fd: current */
	uint64_t bytes;        /* in current */
	struct mlbuf out;      /* output being filled (mlproc appends here) */
	struct mlbuf fl;       /* output being written, from `done` on; same cap */
	size_t done;
	struct tai64n last;    /* label of the last rotated file's name */
	int dsync_inflight;    /* an fsync of the directory is queued */
	int wb_inflight;       /* an early writeback is queued */
	uint64_t wb_from;      /* current's bytes before this offset are under writeback */
	int dsync_failed;
	int stalled;
	/* the current flush round */
	size_t wlen;
	int wrot, wres, fres, wbusy;
};

struct mlog {
	struct lx_ulog u;
	struct mlog_hooks hooks;
	struct mlog_dir *dirs;
	size_t ndirs;
	int async; /* a round of writes is in flight */
};

/* A step failed with err: the hook reports it and waits. */
static inline void mlog_stall(struct mlog *m, struct mlog_dir *d, enum mlog_step step, int err,
			      const char *name)
{
	d->stalled = 1;
	m->hooks.pause(m->hooks.ctx, d, step, err, name);
}

/* The step that stalled went through. */
static inline void mlog_unstall(struct mlog *m, struct mlog_dir *d)
{
	if (!d->stalled)
		return;
	d->stalled = 0;
	if (m->hooks.resumed)
		m->hooks.resumed(m->hooks.ctx, d);
}

/* 0.76's rule for every step that can fail at run time: say so, wait,
 * try again; never give up and never drop a byte. */
#define MLOG_RETRY(m, d, step, name, call)                         \
	do {                                                       \
		while ((call) < 0)                                 \
			mlog_stall(m, d, step, errno, name);       \
		mlog_unstall(m, d);                                \
	} while (0)

/* ---- multilog_write.c ---- */

/* Sets up m over dirs (their path, size, num, processor, out and fl must
 * be filled in); flags: LX_ULOG_PLAIN or 0. Returns 0 or -ENOMEM. */
int mlog_open(struct mlog *m, struct mlog_dir *dirs, size_t n, const struct mlog_hooks *hooks,
	      unsigned flags);
void mlog_close(struct mlog *m);
/* Writes every pending byte of every directory, rotating where mlcut_span
 * says: (write -> fsync current) linked, rename, processor or link to
 * @....s, then (openat new current -> fsync directory) linked; the last
 * runs on while logging goes on. Returns when all is written. */
void mlog_flush(struct mlog *m);
/* The same without waiting: finishes the writes started last time, swaps
 * out and fl, and starts writing fl; out is empty again on return, so the
 * caller fills one buffer while the kernel copies the other. */
void mlog_flush_start(struct mlog *m);
/* Finishes what mlog_flush_start started (as mlog_flush does): every
 * byte handed over before the last mlog_flush_start is in its file. */
void mlog_flush_wait(struct mlog *m);
/* mlog_flush_wait if the round in flight has completed already: 1 when
 * it is done (or there was none), 0 without waiting while an op of it
 * still runs. */
int mlog_flush_try(struct mlog *m);
/* Rotates d now if current is not empty (SIGALRM). Flush first. */
void mlog_dir_rotate(struct mlog *m, struct mlog_dir *d);
/* End of input: fsync current, mode 0744 (finished), and wait for the
 * directory's fsync. Flush first. */
void mlog_dir_finish(struct mlog *m, struct mlog_dir *d);

/* ---- multilog_dir.c ---- */

/* 0.76's start: mkdir (0700), lock (a second multilog fails at once),
 * reuse a cleanly finished current, or else recover: unfinished files
 * become @....u, a finished processed becomes @....s. startfd: the
 * directory relative paths start from. Returns 0 or -errno, *fail telling
 * which step failed. */
int mlog_dir_open(struct mlog *m, struct mlog_dir *d, int startfd, enum mlog_step *fail);
/* current is closed and complete on disk: 0.76's rename to previous, then
 * the processor's output or previous itself gets its @....s name. The new
 * current is the caller's. */
void mlog_dir_retire(struct mlog *m, struct mlog_dir *d);

/* ---- multilog_proc.c ---- */

/* Runs the processor on previous until it succeeds, then makes processed
 * and newstate durable, removes previous and installs state. processed is
 * left for the caller to name @....s. */
void mlog_proc_run(struct mlog *m, struct mlog_dir *d);

#endif

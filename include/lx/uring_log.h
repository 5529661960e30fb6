#ifndef LX_URING_LOG_H
#define LX_URING_LOG_H

/* multilog's write path on io_uring, with a plain-syscall fallback.
 *
 * Part 1, the queue (uring_log.c): writes, fsyncs and openat queued, then
 * submitted together in one io_uring_enter. LX_ULOG_F_LINK makes the next
 * queued op wait for this one (IOSQE_IO_LINK): a failure or a short write
 * cancels the rest of the chain (-ECANCELED), because fsync is not ordered
 * after earlier writes otherwise (io_uring_enter(2)). When the ring cannot
 * be set up (-ENOSYS, -EPERM from kernel.io_uring_disabled or seccomp) or
 * LX_ULOG_PLAIN is given, the same calls run as plain syscalls, in queue
 * order, at submit time, with the same completion semantics.
 *
 * Part 2, the log directories (uring_logdir.c): daemontools 0.76's layout,
 * start-up recovery and rotation, fsync-ordered. The caller's hooks say
 * what to do when a step fails (0.76: warn, sleep 5 s, retry the step; no
 * data is ever dropped). Nothing here prints or exits. All fds CLOEXEC. */

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <liburing.h>

#include <dt/mlproc.h>
#include <dt/tai64.h>

#define LX_ULOG_PLAIN 1 /* lx_ulog_open: never use io_uring */
#define LX_ULOG_F_LINK 1 /* queue flag: the next op waits for this one */

struct lx_ulog_cqe {
	uint64_t tag;
	int res; /* as the syscall would return, or -errno */
};

struct lx_ulog_pop; /* an op queued in plain mode */
struct lx_ulog_dir;

enum lx_ulog_step {
	/* while running: the step is retried after the pause hook */
	LX_ULOG_WRITE, LX_ULOG_FSYNC_CURRENT, LX_ULOG_RENAME_CURRENT,
	LX_ULOG_CREATE_CURRENT, LX_ULOG_CHMOD_CURRENT, LX_ULOG_CHMOD_PREVIOUS,
	LX_ULOG_STAT, LX_ULOG_LINK, LX_ULOG_REMOVE, LX_ULOG_READDIR,
	LX_ULOG_FORK, LX_ULOG_WAIT, LX_ULOG_PROC_CRASHED, LX_ULOG_PROC_FAILED,
	LX_ULOG_CREATE_PROCESSED, LX_ULOG_FSYNC_PROCESSED, LX_ULOG_CHMOD_PROCESSED,
	LX_ULOG_CREATE_NEWSTATE, LX_ULOG_FSYNC_NEWSTATE, LX_ULOG_RENAME_NEWSTATE,
	LX_ULOG_FSYNC_DIR,
	/* at start (lx_ulog_dir_open): fatal for the caller */
	LX_ULOG_OPEN_DIR, LX_ULOG_LOCK, LX_ULOG_STAT_CURRENT, LX_ULOG_APPEND_CURRENT,
	LX_ULOG_STAT_PROCESSED, LX_ULOG_WRITE_STATE, LX_ULOG_WRITE_CURRENT,
};

struct lx_ulog_hooks {
	/* A step failed (err: errno, 0 for a processor's exit status): wait,
	 * typically 5 s, then return; the step is retried. name is the file
	 * involved, or NULL. */
	void (*pause)(void *ctx, const struct lx_ulog_dir *d, enum lx_ulog_step step,
		      int err, const char *name);
	/* A step that had paused went through. */
	void (*resumed)(void *ctx, const struct lx_ulog_dir *d);
	/* In the processor's child, when exec fails; then _exit(111). */
	void (*exec_failed)(void *ctx, const struct lx_ulog_dir *d, int err);
	void *ctx;
	const sigset_t *child_mask; /* the processor's signal mask, or NULL */
};

struct lx_ulog {
	struct io_uring ring;
	int ring_ok;
	int has_openat;
	unsigned depth, queued, inflight;
	struct lx_ulog_pop *pq;
	unsigned npq;
	struct lx_ulog_cqe *pc; /* plain mode: completions not yet reaped */
	unsigned npc, hpc;
	struct lx_ulog_hooks hooks;
	struct lx_ulog_dir *dirs;
	size_t ndirs;
	int async; /* a round of writes is in flight */
};

/* depth: the most ops queued at once. Returns 0, or -ENOMEM. */
int lx_ulog_open(struct lx_ulog *u, unsigned depth, unsigned flags);
void lx_ulog_close(struct lx_ulog *u);
int lx_ulog_uses_ring(const struct lx_ulog *u);
/* Queue one op; -EBUSY when depth ops are queued already. */
int lx_ulog_queue_write(struct lx_ulog *u, int fd, const void *buf, size_t len, uint64_t off,
			unsigned flags, uint64_t tag);
int lx_ulog_queue_fsync(struct lx_ulog *u, int fd, unsigned flags, uint64_t tag);
/* Starts writeback of a written range (sync_file_range WRITE): no
 * durability promise, it only keeps the dirty backlog short so the fsync
 * at rotation has little left to do while logging goes on. */
int lx_ulog_queue_writeback(struct lx_ulog *u, int fd, uint64_t off, uint64_t len, uint64_t tag);
int lx_ulog_queue_openat(struct lx_ulog *u, int dirfd, const char *path, int oflags,
			 mode_t mode, unsigned flags, uint64_t tag);
/* Starts everything queued. Returns how many ops, or -errno. */
int lx_ulog_submit(struct lx_ulog *u);
/* Up to max completions; with wait, blocks until there is at least one
 * (returns 0 at once if nothing is in flight). Returns the count or -errno. */
int lx_ulog_reap(struct lx_ulog *u, struct lx_ulog_cqe *out, unsigned max, int wait);
unsigned lx_ulog_inflight(const struct lx_ulog *u);

/* ---- log directories ---- */

struct lx_ulog_dir {
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

/* Sets up the dirs (their path, size, num, processor and out must be
 * filled in) for use with u. */
void lx_ulog_attach(struct lx_ulog *u, struct lx_ulog_dir *dirs, size_t n,
		    const struct lx_ulog_hooks *hooks);
/* 0.76's start: mkdir (0700), lock (a second multilog fails at once),
 * reuse a cleanly finished current, or else recover: unfinished files
 * become @....u, a finished processed becomes @....s. startfd: the
 * directory relative paths start from. Returns 0 or -errno, *fail telling
 * which step failed. */
int lx_ulog_dir_open(struct lx_ulog *u, struct lx_ulog_dir *d, int startfd,
		     enum lx_ulog_step *fail);
/* Writes every pending byte of every directory, rotating where mlcut_span
 * says: (write -> fsync current) linked, rename, processor or link to
 * @....s, then (openat new current -> fsync directory) linked; the last
 * runs on while logging goes on. Returns when all is written. */
void lx_ulog_flush(struct lx_ulog *u);
/* The same without waiting: finishes the writes started last time, swaps
 * out and fl, and starts writing fl; out is empty again on return, so the
 * caller fills one buffer while the kernel copies the other. */
void lx_ulog_flush_start(struct lx_ulog *u);
/* Rotates d now if current is not empty (SIGALRM). Flush first. */
void lx_ulog_dir_rotate(struct lx_ulog *u, struct lx_ulog_dir *d);
/* End of input: fsync current, mode 0744 (finished), and wait for the
 * directory's fsync. Flush first. */
void lx_ulog_dir_finish(struct lx_ulog *u, struct lx_ulog_dir *d);

#endif

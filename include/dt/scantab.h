/* SPDX-License-Identifier: ISC */
#ifndef DT_SCANTAB_H
#define DT_SCANTAB_H

/* svscan's service table and the decisions made from it, kept pure so they
 * can be tested without processes: no I/O, no clocks (times are passed in,
 * CLOCK_MONOTONIC nanoseconds), no printing.
 *
 * A service is keyed by the (dev, ino) of its directory, as 0.76 keys it,
 * so a symlink and a rename of the same directory are one service. Each
 * service has up to two supervise processes: the main one and, when the
 * directory had a log/ subdirectory at first sight, one for log/, joined by
 * a pipe whose two ends svscan keeps (fds owned by the caller, stored here).
 *
 * Restart policy of a supervise that exits: at most one start per second;
 * one that exits within a second of its start counts as a failure and the
 * k-th failure in a row waits min(2^(k-1), 5) seconds, so a broken service
 * directory is retried no less often than 0.76's 5 s scan and never faster
 * than once a second. */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SCANTAB_MAX_DEFAULT 1000 /* 0.76's limit */
#define SCANTAB_MAX_LIMIT 1000000
#define SCANTAB_NAME_MAX 255
#define SCANTAB_SEC 1000000000ULL
#define SCANTAB_BACKOFF_MAX (5 * SCANTAB_SEC)
/* Safety rescans: 0.76's 5 s when the directory is not watched (or a retry
 * is pending), slow when inotify is reliable and nothing needs retrying. */
#define SCANTAB_RESCAN_FAST (5 * SCANTAB_SEC)
#define SCANTAB_RESCAN_SLOW (60 * SCANTAB_SEC)

struct svscan_dsvc;

enum scantab_which { SCANTAB_MAIN = 0, SCANTAB_LOG = 1 };

struct scantab_proc {
	pid_t pid;           /* 0: not running */
	uint64_t started_ns; /* last start */
	uint64_t due_ns;     /* earliest next start */
	uint32_t failures;   /* quick exits in a row */
	int told;            /* shutdown: control bytes delivered */
};

struct scantab_svc {
	dev_t dev;
	ino_t ino;
	int active;   /* seen by the last scan */
	int has_log;
	int pipe_rd;  /* -1 without a log */
	int pipe_wr;
	struct scantab_proc p[2];
	uint64_t missing_ns; /* first scan that did not see it; 0: seen */
	int removing;        /* being taken down: never restarted, then dropped */
	uint64_t removing_ns;
	int log_late_warned; /* said once that log/ appeared after the start */
	struct svscan_dsvc *deps; /* svscan's dependency state (opaque here) */
	char name[SCANTAB_NAME_MAX + 1];
};

struct scantab {
	struct scantab_svc *v;
	size_t n, cap, max;
};

void scantab_init(struct scantab *t, size_t max);
/* Frees the table (not the fds it records). */
void scantab_free(struct scantab *t);

/* Before a scan: every service becomes "not seen". */
void scantab_begin(struct scantab *t);
/* Index of (dev, ino), or -1. */
long scantab_find(const struct scantab *t, dev_t dev, ino_t ino);
/* Records name (the latest name wins, as 0.76 starts supervise with the
 * name of the current scan) and marks the service seen. */
int scantab_touch(struct scantab *t, size_t i, const char *name);
/* Adds a new, seen service with no log. Returns its index, or -ENOSPC
 * when max services are known, -ENAMETOOLONG, -ENOMEM. */
long scantab_add(struct scantab *t, dev_t dev, ino_t ino, const char *name);
/* A service not seen by the last scan whose supervises have all exited:
 * the caller closes its pipe, then drops it. */
int scantab_stale(const struct scantab_svc *s);
/* Removes entry i (the last entry takes its place). */
void scantab_drop(struct scantab *t, size_t i);

/* Removal (DESIGN.md section 6): a service that no entry of the scan
 * directory reaches for SCANTAB_REMOVE_GRACE (absorbs `rm` + `ln -s`) is
 * taken down. Call for a service the last (whole) scan did not see: 1 when
 * it is time to take it down; otherwise *next is lowered to that time. A
 * scan that sees it again (scantab_touch) forgets the first miss. */
#define SCANTAB_REMOVE_GRACE SCANTAB_SEC
int scantab_gone(struct scantab_svc *s, uint64_t now, uint64_t *next);
/* A service being removed whose supervises have both exited: dropped
 * (seen again meanwhile, it is added afresh by the next scan). */
int scantab_removed(const struct scantab_svc *s);

/* Should supervise `w` of s be started at now? 1 yes, 0 no (never while
 * it is being removed); when it will
 * be due later, *next (a deadline, 0 = none) is lowered to that time. */
int scantab_due(const struct scantab_svc *s, enum scantab_which w, uint64_t now,
		uint64_t *next);
void scantab_started(struct scantab_svc *s, enum scantab_which w, pid_t pid, uint64_t now);
/* The start failed (fork or exec): counts as a quick exit. */
void scantab_start_failed(struct scantab_svc *s, enum scantab_which w, uint64_t now);
/* Finds the supervise with this pid: returns the index and sets *w, or -1
 * (an orphan adopted as subreaper, or a failed exec already accounted). */
long scantab_find_pid(const struct scantab *t, pid_t pid, enum scantab_which *w);
/* Supervise `w` of s exited at now. Returns 1 when it lived less than a
 * second (a quick exit: the delay to its next start is in p[w].due_ns). */
int scantab_exited(struct scantab_svc *s, enum scantab_which w, uint64_t now);
/* Supervises of kind w still running. */
size_t scantab_running(const struct scantab *t, enum scantab_which w);

/* Next safety rescan interval: watching says inotify covers the directory
 * on a local filesystem, trouble that the last scan left something to
 * retry (a stat error, a full table, a failed start). */
uint64_t scantab_rescan_interval(int watching, int trouble);
/* Filesystems where inotify misses changes made by other machines (NFS,
 * SMB, FUSE, 9p, Ceph ...): statfs(2) f_type. */
int scantab_fs_remote(unsigned long f_type);

enum scantab_inotify {
	SCANTAB_IN_RESCAN,   /* something changed: rescan */
	SCANTAB_IN_OVERFLOW, /* events were lost: rescan */
	SCANTAB_IN_GONE,     /* the watch is gone: rescan, then poll every 5 s */
};
/* What one inotify event mask means to svscan. */
enum scantab_inotify scantab_inotify_verdict(uint32_t mask);

/* Copies name into out for a one-line message: control bytes become \n,
 * \t or \xHH, so a name holding a newline cannot split a line of
 * readproctitle's log. Always NUL-terminates (size > 0). Returns the
 * length written. */
size_t scantab_name_printable(const char *name, char *out, size_t size);
#define SCANTAB_PRINTABLE_MAX (4 * SCANTAB_NAME_MAX + 1)

#endif

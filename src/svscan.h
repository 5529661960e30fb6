/* SPDX-License-Identifier: ISC */
#ifndef SRC_SVSCAN_H
#define SRC_SVSCAN_H

/* svscan's program state, shared by svscan.c (scanning, starting) and
 * svscan_stop.c (the SIGTERM shutdown). Private to the program. */

#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <dt/scantab.h>
#include <lx/evloop.h>
#include <lx/sigfd.h>

#define MS 1000000ULL
#define RETRY_NS (100 * MS) /* shutdown: control fifo not open yet */

/* epoll tags: svscan.c's, and the dependencies' inotify (svscan_deps.c). */
enum { SVSCAN_TAG_SIG = 1, SVSCAN_TAG_INOTIFY, SVSCAN_TAG_DEPS };

enum phase { PH_RUN, PH_MAINS, PH_LOGS, PH_ORPHANS };

/* supervise in a fork of svscan (svscan_fork.c). */
struct svscan_fork {
	int usable;          /* the supervise beside svscan was found */
	int title_ok;        /* the layout for PR_SET_MM_MAP was read */
	dev_t dev;           /* that supervise, as at start */
	ino_t ino;
	uint64_t start_code, end_code, start_data, end_data, start_brk, start_stack;
	uint64_t env_start, env_end;
};

struct svscan {
	struct scantab tab;
	struct lx_evloop loop;
	struct lx_sigfd sig;
	int ino_fd;          /* -1: not watching */
	int watching;        /* inotify sees every change here */
	int trouble;         /* the last scan left something to retry */
	uint64_t scan_at;    /* next scan (monotonic) */
	struct rlimit nofile; /* the soft limit children get back */
	int nofile_raised;
	int pid1;
	int no_inotify;
	int watch_warned;    /* said once that inotify is unavailable */
	uint64_t grace_ns;
	enum phase phase;
	uint64_t t_term;     /* when shutdown began */
	uint64_t phase_end;
	int children;        /* shutdown: waitpid has not said ECHILD */
	int orphans_termed;
	size_t untold;       /* shutdown: supervises to tell again */
	char **killed;       /* shutdown: cgroup trees killed, to remove */
	size_t nkilled;
	struct svscan_fork fork;
	int keep_removed;    /* SVSCAN_KEEP_REMOVED: 0.76 leaves them running */
	struct svscan_deps *deps; /* svscan_deps.c */
};

const char *svscan_pname(const char *name, char buf[SCANTAB_PRINTABLE_MAX]);
void svscan_unwatch(struct svscan *s);
void svscan_reap(struct svscan *s, uint64_t now);

/* svscan_fork.c: at start, then per spawn; become runs supervise NAME in
 * this (forked) process, its stdio already set up, and never returns. */
void svscan_fork_init(struct svscan *s);
int svscan_fork_ours(const struct svscan *s);
__attribute__((noreturn)) void svscan_fork_become(const struct svscan *s, const char *name);

/* svscan_stop.c, also used to take one removed service down: writes bytes
 * to supervise w's control fifo (0, or -errno: not open yet, retry); closes
 * svscan's ends of the log pipe; past the grace, kills what is left of
 * supervise w (its whole cgroup where it has one). */
int svscan_tell(const struct scantab_svc *e, enum scantab_which w, const char *bytes);
void svscan_close_pipe(struct scantab_svc *e);
void svscan_kill_one(struct svscan *s, struct scantab_svc *e, enum scantab_which w);

/* svscan_remove.c: advances the removal of a service the last whole scan
 * did not see (DESIGN.md section 6); lowers *next to when it needs to run
 * again. A service seen again has its late log/ checked. */
void svscan_remove_step(struct svscan *s, struct scantab_svc *e, uint64_t now, uint64_t *next);
void svscan_log_late(struct scantab_svc *e);

/* svscan_deps.c: needs/ and after/ (DESIGN.md section 6). init sets
 * SUPERVISE_GATE and the watches' inotify up; scan (after the directory
 * was read, before anything is started) re-reads every service's
 * dependencies, warns, and writes the gates; event handles the watches;
 * changed re-reads service i (its supervise started or exited) and updates
 * its dependents' gates; forget frees what a dropped entry held. may_stop:
 * may i be told down (shutdown, or removal: only dependents removed too)? */
void svscan_deps_init(struct svscan *s);
void svscan_deps_scan(struct svscan *s);
void svscan_deps_event(struct svscan *s);
void svscan_deps_changed(struct svscan *s, size_t i);
void svscan_deps_forget(struct svscan *s, struct scantab_svc *e);
int svscan_deps_may_stop(struct svscan *s, size_t i, int removal);

/* SIGTERM (and SIGINT as PID 1): services down, then loggers drained. */
void svscan_stop_begin(struct svscan *s, uint64_t now);
/* Advances the shutdown; exits 0 when it is over. */
void svscan_stop_step(struct svscan *s, uint64_t now);
uint64_t svscan_stop_deadline(const struct svscan *s, uint64_t now);

#endif

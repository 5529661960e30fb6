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
};

const char *svscan_pname(const char *name, char buf[SCANTAB_PRINTABLE_MAX]);
void svscan_unwatch(struct svscan *s);
void svscan_reap(struct svscan *s, uint64_t now);

/* svscan_fork.c: at start, then per spawn; become runs supervise NAME in
 * this (forked) process, its stdio already set up, and never returns. */
void svscan_fork_init(struct svscan *s);
int svscan_fork_ours(const struct svscan *s);
__attribute__((noreturn)) void svscan_fork_become(const struct svscan *s, const char *name);

/* SIGTERM (and SIGINT as PID 1): services down, then loggers drained. */
void svscan_stop_begin(struct svscan *s, uint64_t now);
/* Advances the shutdown; exits 0 when it is over. */
void svscan_stop_step(struct svscan *s, uint64_t now);
uint64_t svscan_stop_deadline(const struct svscan *s, uint64_t now);

#endif

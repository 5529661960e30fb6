/* SPDX-License-Identifier: ISC */
#ifndef SRC_SUPERVISE_H
#define SRC_SUPERVISE_H

/* supervise's program state, shared by its files, which call one another
 * as a tree (doc/ARCHITECTURE.md; tests/arch/supervise-calls.sh fails on
 * a cycle):
 *
 *   supervise_core.c   set-up, the loop, the event queue, the machine's
 *    |                 actions, status and state
 *    +- supervise_adopt.c  a predecessor's running service, at start
 *    +- supervise_child.c  starting run and finish
 *    +- supervise_cg.c     the service's cgroup: containment, limits
 *    +- supervise_ready.c  readiness: notification-fd, NOTIFY_SOCKET
 *    +- supervise_gate.c   svscan's dependency gate: supervise/gate
 *    +- supervise_base.c   stamped events, small files (calls none)
 *
 * (adopt and child call ready and base; child calls cg; gate calls base.) Only the loop
 * feeds the state machine: the actions below return what happened.
 * Private to the program; svscan sees supervise_main.h only. */

#include <stdint.h>
#include <sys/types.h>

#include <dt/sdnotify.h>
#include <dt/svfsm.h>
#include <lx/cgroup.h>
#include <lx/evloop.h>
#include <lx/notify.h>
#include <lx/sigfd.h>

#include "supervise_main.h"

enum tag { TAG_SIGNAL, TAG_CONTROL, TAG_RUN, TAG_FINISH, TAG_CGROUP, TAG_NOTIFY_FD, TAG_NOTIFY_SOCK };

/* Events the machine has yet to hear, oldest first. Filled by the loop's
 * event sources and by what the actions report (a spawn's result, an
 * empty cgroup), drained by the loop alone. The bound holds by
 * construction: the loop drains after each source, a source posts at most
 * two events (the main process and finish reaped), and an action set
 * reports at most one result (svfsm.h). */
#define SV_QUEUE_MAX 4
struct sv_queue {
	unsigned head, len;
	struct svfsm_event ev[SV_QUEUE_MAX];
};

struct child {
	pid_t pid;
	int pidfd;
	int adopted;  /* not our child: its end comes from the pidfd alone */
};

/* cg comes first: most of its 4 KiB path buffer is never written, and the
 * fields that are sit at either end (see `mem` in supervise_core.c). */
struct sv {
	struct lx_cgroup cg;
	const char *dir;
	struct svfsm m;
	struct lx_evloop loop;
	struct lx_sigfd sig;
	int fd_lock, fd_control, fd_ok;
	struct sv_queue q;
	struct child run, finish;
	int run_complaint;    /* last reason `run` could not start, to say it once */
	int dirty;            /* status and state need rewriting */
	int write_failing;    /* the last write of them failed: said once */
	uint64_t retry_ns;    /* then retried at this monotonic time */
	int dir_gone;         /* the service directory was removed */
	uint32_t self_pid;
	uint64_t dev, ino;    /* of the service directory */
	int has_cg;           /* cg is the service's; else a process group */
	int child_enters;     /* no clone3 CLONE_INTO_CGROUP: the child moves itself */
	int enter_once;       /* the same for one spawn: service/ could not be renewed */
	int cg_enter;         /* supervise itself still to move into supervise/ */
	int cg_stale;         /* service/ may have seen a cgroup.kill: renew it */
	unsigned cg_limits;   /* bit k: limit k may differ from its default in service/ */
	pid_t pgid;           /* without a cgroup: the last child's process group */
	int notify_rfd;       /* read end of the notification-fd pipe, or -1 */
	int notify_sock;      /* the NOTIFY_SOCKET socket, or -1 */
	int notify_user;      /* it was placed for a service with a `user` */
	char notify_path[LX_NOTIFY_NAME_MAX]; /* its path, for the exit */
	char notify_dir[LX_NOTIFY_NAME_MAX];  /* its own directory, or "" */
	uint64_t notify_window_ns; /* the flood bound's current second */
	uint32_t notify_count;     /* datagrams read in it */
	uint64_t notify_resume_ns; /* past the bound: watched again then */
	uid_t svc_uid;        /* the service's uid ((uid_t)-1: supervise's own) */
	char **env;           /* run's environment if not environ: env_notify */
	char **env_notify;    /* environ with our NOTIFY_SOCKET, made once */
	char status[SDNOTIFY_STATUS_MAX]; /* the last STATUS= of this run */
	int gated;            /* SUPERVISE_GATE=1: svscan's gate is obeyed */
	const char *gate_names; /* supervise/gate as last read (supervise_gate.c) */
	size_t gate_len;
};

/* supervise_base.c */
/* ev cleared, of type `type`, stamped with both clocks now. */
void sv_event_now(struct svfsm_event *ev, enum svfsm_event_type type);

/* supervise_adopt.c */
/* At start-up, before SVE_INIT is fed: 1 and *adopt filled if a running
 * main process was taken over; sets init->leftovers if there is something
 * to clear instead. */
int sv_adopt(struct sv *sv, struct svfsm_event *init, struct svfsm_event *adopt);

/* supervise_cg.c */
void sv_cg_setup(struct sv *sv);
/* Moves supervise into its supervise/ leaf (deferred: see setup); 0 or
 * -errno, after a warning. */
int sv_cg_enter_self(struct sv *sv);
/* SVA_STRAYS_TERM and SVA_STRAYS_KILL: 1 if nothing is left (then
 * SVE_STRAYS_GONE is due); else the end comes as a cgroup event. */
int sv_cg_strays_term(struct sv *sv);
int sv_cg_strays_kill(struct sv *sv, uint32_t kills);
/* cgroup.events changed: 1 if the service's cgroup is empty. */
int sv_cg_on_events(struct sv *sv);
/* Before each spawn into service/: a fresh leaf if the old one was killed. */
void sv_cg_fresh(struct sv *sv);
/* The limit files, before a start: 0, or -1 after saying why not. */
int sv_cg_limits(struct sv *sv);
int64_t sv_cg_procs(struct sv *sv);
void sv_cg_exit(struct sv *sv);

/* supervise_child.c */
/* SVA_SPAWN_RUN: SVE_SPAWNED (sv->run filled), SVE_RUN_BAD or
 * SVE_SPAWN_FAILED, after saying why. */
enum svfsm_event_type sv_start_run(struct sv *sv);
/* SVA_SPAWN_FINISH: SVE_FINISH_SPAWNED (sv->finish filled) or
 * SVE_FINISH_SKIPPED. */
enum svfsm_event_type sv_start_finish(struct sv *sv, const int args[2]);

/* supervise_gate.c */
/* At start-up, before anything is started: sv->gated if SUPERVISE_GATE is
 * exactly "1", which is then removed from the environment. */
void sv_gate_setup(struct sv *sv);
/* Reads supervise/gate into sv->gate_names: 1 closed (it names a service),
 * 0 open (empty or absent), -1 unreadable (after a warning; keep the gate
 * as it was). */
int sv_gate_read(struct sv *sv);

/* supervise_ready.c */
/* 1 if readiness is configured (a notification-fd or notify-socket file). */
int sv_ready_configured(void);
/* Before a start: if notification-fd exists, the pipe whose read end the
 * loop watches; *notify_fd the fd number the service writes to, *pipe_w
 * the write end to place there (the caller closes it after the spawn).
 * 0 (also without the file), or -1 after saying why the start cannot go
 * on. */
int sv_ready_pipe(struct sv *sv, int *notify_fd, int *pipe_w);
/* Opens the NOTIFY_SOCKET socket if notify-socket exists: at each start
 * (cred: the service's user, to own its directory) and at adoption (cred
 * NULL). 0, or -1 after saying why the start cannot go on: a service
 * that asked for readiness never starts without it (fail closed). */
struct lx_capset_cred;
int sv_ready_socket(struct sv *sv, const struct lx_capset_cred *cred);
/* At exit: the socket and its directory go. */
void sv_ready_exit(struct sv *sv);
/* The flood bound's second is over: the socket is watched again. */
void sv_ready_resume(struct sv *sv);
/* The pipe or the socket is readable: 1 if the service said it is ready
 * (then SVE_READY is due). */
int sv_ready_on_pipe(struct sv *sv);
int sv_ready_on_socket(struct sv *sv);
/* The main process has gone: its readiness pipe goes too. */
void sv_ready_close(struct sv *sv);

#endif

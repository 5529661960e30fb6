/* SPDX-License-Identifier: ISC */
#ifndef SRC_SUPERVISE_H
#define SRC_SUPERVISE_H

/* supervise's program state, shared by supervise_core.c (set-up, the loop, the
 * machine's actions, status and state), supervise_cg.c (the service's
 * cgroup: containment, adoption, limits) and supervise_child.c (starting
 * run and finish: user, capabilities, readiness). Private to the program. */

#include <stdint.h>
#include <sys/types.h>

#include <dt/sdnotify.h>
#include <dt/svfsm.h>
#include <lx/cgroup.h>
#include <lx/evloop.h>
#include <lx/notify.h>
#include <lx/sigfd.h>

enum tag { TAG_SIGNAL, TAG_CONTROL, TAG_RUN, TAG_FINISH, TAG_CGROUP, TAG_NOTIFY_FD, TAG_NOTIFY_SOCK };

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
};

/* supervise_core.c */
/* The whole program: supervise's argv; never returns. Also called by
 * svscan in a fresh fork of itself (see svscan.c, child_inproc). */
__attribute__((noreturn)) void supervise_main(int argc, char **argv);
void sv_event_now(struct svfsm_event *ev, enum svfsm_event_type type);
void sv_feed(struct sv *sv, const struct svfsm_event *ev);
void sv_feed_simple(struct sv *sv, enum svfsm_event_type type, uint32_t pid);
/* Reads a small optional file: its length, -ENOENT when absent. */
int sv_read_small(const char *name, char *buf, size_t size);

/* supervise_cg.c */
void sv_cg_setup(struct sv *sv);
/* Moves supervise into its supervise/ leaf (deferred: see setup); 0 or
 * -errno, after a warning. */
int sv_cg_enter_self(struct sv *sv);
/* At start-up, before SVE_INIT is fed: 1 and *adopt filled if a running
 * main process was taken over; sets init->leftovers if there is something
 * to clear instead. */
int sv_cg_adopt(struct sv *sv, struct svfsm_event *init, struct svfsm_event *adopt);
void sv_cg_strays_term(struct sv *sv);
void sv_cg_strays_kill(struct sv *sv, uint32_t kills);
void sv_cg_on_events(struct sv *sv);
/* Before each spawn into service/: a fresh leaf if the old one was killed. */
void sv_cg_fresh(struct sv *sv);
/* The limit files, before a start: 0, or -1 after saying why not. */
int sv_cg_limits(struct sv *sv);
int64_t sv_cg_procs(struct sv *sv);
void sv_cg_exit(struct sv *sv);

/* supervise_child.c */
void sv_start_run(struct sv *sv);
void sv_start_finish(struct sv *sv, const int args[2]);
/* 1 if readiness is configured (a notification-fd or notify-socket file). */
int sv_ready_configured(void);
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
void sv_ready_on_pipe(struct sv *sv);
void sv_ready_on_socket(struct sv *sv);
/* The main process has gone: its readiness pipe goes too. */
void sv_ready_close(struct sv *sv);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef DT_SVFSM_H
#define DT_SVFSM_H

/* supervise's decisions as a pure state machine: (state, event) -> a set
 * of actions for supervise.c to perform, plus at most one deadline. No
 * I/O, no clock reads: every event carries the time (CLOCK_MONOTONIC for
 * decisions, CLOCK_REALTIME only for the labels in status and state), so
 * tests inject any clock, including jumps.
 *
 * The main process is `run`; `finish` runs after it with EXIT and SIGNAL.
 * Performing SVA_SPAWN_RUN, the caller reports SVE_SPAWNED, SVE_RUN_BAD
 * (run missing or not executable: retried every second, not a failure)
 * or SVE_SPAWN_FAILED (fork failed: a failure). Performing
 * SVA_SPAWN_FINISH it reports SVE_FINISH_SPAWNED or SVE_FINISH_SKIPPED
 * (no finish, or it could not start).
 *
 * Containment: with `cgroup` set (the service has a cgroup, or in the
 * fallback a process group, of its own), the end of the main process first
 * clears what is left of the service (SVA_STRAYS_TERM, a stray-grace
 * deadline, SVA_STRAYS_KILL, repeated every SVFSM_REKILL_NS while something
 * survives it) until SVE_STRAYS_GONE, then runs finish; a finish that ran
 * is cleared after the same way before the next start. SVE_INIT with
 * `leftovers` (a predecessor's processes that could not be adopted) clears
 * them before the first start. SVE_ADOPTED takes over a main process a
 * killed predecessor left running, instead of starting a second copy.
 *
 * Giving up (DESIGN.md section 6): with conf.give_up N, the N-th failure
 * in a row (as the restart policy counts them) makes the service failed
 * instead of restarting it, once finish has run; finish exiting 125
 * (SVE_FINISH_EXITED, code) does so at once. Failed: no main process, no
 * deadline, want 'd' (so 0.76's svstat says "normally up"), failed_by
 * says why. svc -u/-o clears it and the count and starts at once; svc -d
 * keeps it (the service is down either way).
 *
 * Readiness: with `wait_ready` set, a new process is `starting` until
 * SVE_READY; without, it is `up` and never `ready`.
 *
 * Dependencies (DESIGN.md section 6; svscan decides, supervise enforces):
 * SVE_GATE says whether svscan's gate is closed (this service still waits
 * for others). Every start (the first, a restart, the end of a backoff,
 * svc -u/-o) finds a closed gate `waiting`: nothing spawned, no deadline,
 * pid 0 and the want kept (status: down, want up). The gate opening while
 * waiting starts at once, in the same step. A closed gate never stops a
 * running process, and an exit that ends while it is closed is not a
 * failure: no count, no delay, and no giving up by count. Without the
 * event (no SUPERVISE_GATE) the gate stays open and nothing changes. */

#include <stdint.h>

#include <dt/svconf.h>
#include <dt/svstate.h>
#include <dt/tai64.h>

enum svfsm_event_type {
	SVE_INIT,           /* lock held; `normally_up` says if `down` is absent */
	SVE_CONTROL,        /* one byte from supervise/control */
	SVE_SPAWNED,        /* run started: pid */
	SVE_RUN_BAD,        /* run missing, a directory, not executable */
	SVE_SPAWN_FAILED,   /* fork/clone failed */
	SVE_RUN_EXITED,     /* main process reaped: code or sig */
	SVE_FINISH_SPAWNED, /* finish started: pid */
	SVE_FINISH_SKIPPED, /* no finish to run */
	SVE_FINISH_EXITED,  /* finish reaped */
	SVE_TIMER,          /* the deadline may have passed */
	SVE_TERM,           /* SIGTERM to supervise */
	SVE_READY,          /* readiness notification */
	SVE_STRAYS_GONE,    /* the service's cgroup is empty */
	SVE_ADOPTED,        /* a running main process taken over: pid, want,
			     * ready, stamp */
	SVE_GATE,           /* svscan's gate read: gate_closed */
};

struct svfsm_event {
	enum svfsm_event_type type;
	uint64_t mono_ns;
	uint64_t real_ns;
	unsigned char ctl;  /* SVE_CONTROL */
	int normally_up;    /* SVE_INIT */
	int leftovers;      /* SVE_INIT: the cgroup holds processes to clear */
	uint32_t pid;       /* SVE_SPAWNED, SVE_FINISH_SPAWNED, SVE_ADOPTED */
	int code;           /* SVE_RUN_EXITED, SVE_FINISH_EXITED: exit code, or
			     * -1 if killed */
	int sig;            /* SVE_RUN_EXITED: signal number, or 0 */
	int unknown;        /* SVE_RUN_EXITED: an adopted process, not our
			     * child: its status cannot be known */
	char want;          /* SVE_ADOPTED: the predecessor's 'u', 'd', 'o'; 0: keep */
	int ready;          /* SVE_ADOPTED: the predecessor saw it ready */
	int gate_closed;    /* SVE_GATE: 1 if it names services still waited for */
	int has_stamp;      /* SVE_ADOPTED: stamp is the predecessor's start label */
	struct tai64n stamp;
};

/* Action bits. The order of the bits is the order of execution. */
#define SVA_SIGNAL       0x001u /* send `sig` to the main process */
#define SVA_CONT         0x002u /* then SIGCONT, so a stopped process sees it */
#define SVA_KILL_FINISH  0x004u /* SIGKILL to finish (finish-timeout) */
#define SVA_STRAYS_TERM  0x008u /* SIGTERM to what is left in the cgroup */
#define SVA_STRAYS_KILL  0x010u /* cgroup.kill */
#define SVA_SPAWN_FINISH 0x020u /* ./finish finish_args[0] finish_args[1] */
#define SVA_SPAWN_RUN    0x040u /* read the config files, then ./run */
#define SVA_ANNOUNCE     0x080u /* write status and state */
#define SVA_EXIT         0x100u /* supervise exits 0 */

struct svfsm_actions {
	unsigned flags;
	int sig;
	int finish_args[2]; /* EXIT, SIGNAL */
	uint32_t strays_kills; /* SVA_STRAYS_KILL: 1 the first time; more: it
				* did not work (D state), say so */
};

enum svfsm_deadline {
	SVD_NONE,
	SVD_START,      /* backoff or bad-run retry is over */
	SVD_KILL,       /* timeout-kill after TERM */
	SVD_FINISH,     /* finish-timeout */
	SVD_STRAYS,     /* stray-grace, then the kill's repetition */
};

/* What clearing the service's processes leads to. */
enum svfsm_strays {
	SVF_STRAYS_NONE,
	SVF_STRAYS_FINISH,  /* the main process ended: then finish */
	SVF_STRAYS_START,   /* finish ended, or leftovers: then a start */
};

struct svfsm {
	enum svstate_state state;
	char want;            /* 'u', 'd', 'o' */
	int paused;
	int exit_requested;   /* svc -x or SIGTERM */
	int expect_exit;      /* the next exit follows svc -d/-t/-k */
	int start_now;        /* svc -u/-o while finishing */
	enum svfsm_strays strays; /* clearing the cgroup, and what follows */
	uint32_t strays_kills;    /* SVA_STRAYS_KILL in this clearing */
	int spawning;         /* SVA_SPAWN_RUN asked, result not yet reported */
	uint32_t pid;         /* main process, 0 if none */
	uint32_t finish_pid;
	uint32_t failures;    /* k: failures in a row */
	uint64_t starts;      /* SVE_SPAWNED reports: starts of run (state's starts=) */
	enum svstate_failed_by giving_up; /* decided; failed once finish ends */
	enum svstate_failed_by failed_by; /* in SVS_FAILED */
	uint64_t started_ns;  /* monotonic start of the main process */
	uint64_t restart_delay_ns;
	enum svfsm_deadline deadline_kind;
	uint64_t deadline_ns; /* monotonic; 0 = none */
	enum svstate_exit last_exit;
	int last_code;
	int finish_args[2];
	struct tai64n stamp;  /* last pid change, for status */
	struct tai64n since;  /* last state change */
	int has_ready_since;
	struct tai64n ready_since;
	int has_next_start;
	struct tai64n next_start;
	int gate_closed;      /* the last SVE_GATE said closed */
	/* Inputs set by supervise before a start. */
	struct svconf conf;
	int cgroup;           /* the service runs in a cgroup of its own */
	int wait_ready;       /* readiness is configured */
};

/* finish's exit code that gives up at once (s6's convention). */
#define SVFSM_FINISH_GIVE_UP 125
#define SVFSM_RETRY_NS SVCONF_NS /* a bad run is retried every second */
/* A process that survives cgroup.kill is stuck in the kernel (D state): it
 * is killed again, and supervise warns, this often; never a second copy. */
#define SVFSM_REKILL_NS (10 * SVCONF_NS)

void svfsm_init(struct svfsm *m);
/* Feeds one event; fills *act (cleared first). */
void svfsm_step(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act);
/* The monotonic deadline (0 = none) the caller waits for, then SVE_TIMER. */
uint64_t svfsm_deadline(const struct svfsm *m);
/* The 18-byte record's fields. */
struct svstatus;
void svfsm_status(const struct svfsm *m, struct svstatus *out);
/* The state file's fields that the machine knows; the caller sets
 * normally_up, procs, cgroup and supervise_pid. */
void svfsm_state(const struct svfsm *m, struct svstate *out);
/* The signal a control byte sends to the main process, 0 if none. */
int svfsm_ctl_signal(unsigned char c);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef DT_SVWAITCOND_H
#define DT_SVWAITCOND_H

/* svwait's decisions, apart from its event loop: does one DIR's snapshot
 * satisfy the goal, can it still, and what do all DIRs add up to.
 * A DIR's verdict is sticky: once reached (or lost) it stays so, which the
 * caller keeps; these functions only judge. Pure functions, no I/O. */

#include <stddef.h>
#include <stdint.h>

#include <dt/svopt.h>
#include <dt/svstate.h>

struct svwait_snap {
	int running;     /* supervise holds supervise/ok open (svok's test) */
	int exited;      /* the supervise watched by pidfd or inotify has exited */
	int has_state;   /* supervise/state read, parsed and not stale */
	enum svstate_state state;
	uint32_t state_pid;
	int has_status;  /* 0.76's supervise/status read (>= 18 bytes) */
	uint32_t status_pid;
};

enum svwait_verdict {
	SVW_WAIT,    /* not yet */
	SVW_REACHED, /* the DIR is (or was) in the wanted state */
	SVW_LOST,    /* its supervise is gone: the state can no longer come */
	SVW_FAILED,  /* -u/-r: the service gave up (state=failed) */
};

/* up: pid not 0 and not finishing; down: pid 0 and not finishing; ready:
 * state "ready" (only supervise/state knows it); exit: supervise is gone.
 * supervise/state wins over status; without either nothing is reached.
 * A failed service (supervise/state only) fails -u and -r: it will not
 * come up unless someone starts it. */
enum svwait_verdict svwait_judge(enum svwait_goal goal, const struct svwait_snap *s);
/* all (any = 0): reached when every DIR is, lost (or failed) as soon as
 * one is, lost first. any: reached when one DIR is, lost or failed when
 * every DIR is (failed if one of them failed). */
enum svwait_verdict svwait_aggregate(int any, const enum svwait_verdict *v, size_t n);
/* 0 reached, 102 lost, 103 failed, 99 (timed out) while still waiting. */
int svwait_exit_code(enum svwait_verdict v);

#endif

/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <dt/svwaitcond.h>

static int reached(enum svwait_goal goal, const struct svwait_snap *s)
{
	uint32_t pid;
	int finishing;

	if (goal == SVW_EXIT)
		return !s->running || s->exited;
	if (s->has_state) {
		pid = s->state_pid;
		/* "stopping" with no main process: supervise is still clearing
		 * what the service left in its cgroup; down means all gone. */
		finishing = s->state == SVS_FINISHING ||
			    (s->state == SVS_STOPPING && pid == 0);
	} else if (s->has_status) {
		/* 0.76's status cannot tell finish from run, nor readiness */
		pid = s->status_pid;
		finishing = 0;
	} else {
		return 0;
	}
	switch (goal) {
	case SVW_UP:
		return pid != 0 && !finishing;
	case SVW_DOWN:
		return pid == 0 && !finishing;
	case SVW_READY:
		return s->has_state && s->state == SVS_READY;
	default:
		return 0;
	}
}

enum svwait_verdict svwait_judge(enum svwait_goal goal, const struct svwait_snap *s)
{
	if (reached(goal, s))
		return SVW_REACHED;
	if ((goal == SVW_UP || goal == SVW_READY) && s->has_state && s->state == SVS_FAILED)
		return SVW_FAILED;
	if (!s->running || s->exited)
		return SVW_LOST;
	return SVW_WAIT;
}

enum svwait_verdict svwait_aggregate(int any, const enum svwait_verdict *v, size_t n)
{
	size_t i, nreached = 0, nlost = 0, nfailed = 0;

	for (i = 0; i < n; i++) {
		if (v[i] == SVW_REACHED)
			nreached++;
		else if (v[i] == SVW_LOST)
			nlost++;
		else if (v[i] == SVW_FAILED)
			nfailed++;
	}
	if (any) {
		if (nreached)
			return SVW_REACHED;
		if (!n || nlost + nfailed < n)
			return SVW_WAIT;
		return nfailed ? SVW_FAILED : SVW_LOST;
	}
	if (nlost)
		return SVW_LOST;
	if (nfailed)
		return SVW_FAILED;
	return nreached == n ? SVW_REACHED : SVW_WAIT;
}

int svwait_exit_code(enum svwait_verdict v)
{
	switch (v) {
	case SVW_REACHED: return 0;
	case SVW_LOST: return 102;
	case SVW_FAILED: return 103;
	default: return 99;
	}
}

/* SPDX-License-Identifier: ISC */
/* supervise: adoption at start-up (DESIGN.md section 4, "cgroups"). A
 * predecessor killed with its service still running left its main process
 * in service/; a new supervise takes it over instead of starting a second
 * copy, keeping what the predecessor wrote about it (its start label,
 * want, and whether it was ready) in supervise/status and supervise/state.
 * Runs once, before the loop, and fills the events the loop feeds first.
 * Calls supervise_ready.c (the readiness channels, set up again) and
 * supervise_base.c. */
#include "config.h"

#include <fcntl.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <dt/die.h>
#include <dt/svctl.h>
#include <dt/svstate.h>
#include <dt/svstatus.h>

#include "supervise.h"

/* What the predecessor wrote about its main process. */
struct old {
	pid_t pid;
	char want;
	int ready;
	int has_stamp;
	struct tai64n stamp;
};

static __attribute__((noinline)) void read_old(struct old *o)
{
	struct svstatus st;
	struct svstate *ss;
	char *text;

	memset(o, 0, sizeof *o);
	if (svctl_status_file("supervise/status", &st) < 0)
		return;
	o->pid = (pid_t)st.pid;
	o->want = st.want ? (char)st.want : 'o';
	o->stamp = st.stamp;
	o->has_stamp = 1;
	/* Once, and rare: the heap, not 9 KiB of stack that would stay
	 * resident; malloc_trim gives it back. */
	ss = malloc(sizeof *ss);
	text = malloc(SVSTATE_TEXT_MAX);
	if (ss && text) {
		if (svstate_read_at(AT_FDCWD, "supervise/state", text, ss) > 0)
			o->ready = ss->state == SVS_READY && (pid_t)ss->pid == o->pid;
	}
	free(text);
	free(ss);
	malloc_trim(0);
}

int sv_adopt(struct sv *sv, struct svfsm_event *init, struct svfsm_event *ad)
{
	struct old o;
	int fd, r;

	if (!sv->has_cg || lx_cgroup_populated(&sv->cg) != 1)
		return 0;
	read_old(&o);
	/* lx_cgroup_adopt opens the pidfd first and checks membership after,
	 * so a pid recycled by an outsider is never taken over. */
	fd = lx_cgroup_adopt(&sv->cg, o.pid);
	if (fd < 0) {
		dt_warn("%s: processes left in %s/service by a previous supervise: stopping them",
			sv->dir, sv->cg.path);
		init->leftovers = 1;
		return 0;
	}
	r = lx_evloop_add(&sv->loop, fd, EPOLLIN, TAG_RUN);
	if (r < 0)
		dt_warn_errno(-r, "unable to watch %s/run", sv->dir);
	sv->run.pid = o.pid;
	sv->run.pidfd = fd;
	sv->run.adopted = 1;
	sv_event_now(ad, SVE_ADOPTED);
	ad->pid = (uint32_t)o.pid;
	ad->want = o.want;
	ad->ready = o.ready;
	ad->has_stamp = o.has_stamp;
	ad->stamp = o.stamp;
	sv->m.wait_ready = sv_ready_configured();
	sv_ready_socket(sv, NULL);
	return 1;
}

/* SPDX-License-Identifier: ISC */
/* svscan: taking a removed service down (DESIGN.md section 6). A service
 * that no entry of the scan directory reaches for a second is taken down
 * as the SIGTERM shutdown takes every service down, one service at a time:
 * "dx" to the main supervise (it takes the service and whatever is left in
 * its cgroup down, then exits); once it has exited, "ox" to the log
 * supervise and svscan's ends of the pipe closed, so the logger reads
 * everything written before the removal to end of file and exits by itself
 * without being restarted. The shutdown's grace (SVSCAN_GRACE) bounds it:
 * what is left gets SIGKILL with its whole cgroup. The entry is then
 * dropped; if the directory came back meanwhile, the next scan adds it
 * afresh (a new pipe, new supervises). SVSCAN_KEEP_REMOVED=1 keeps 0.76's
 * behaviour: removed services keep running. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/fdio.h>
#include <dt/scantab.h>

#include "svscan.h"

static void lower(uint64_t *next, uint64_t at)
{
	if (*next == 0 || at < *next)
		*next = at;
}

static void say_removed(const char *name)
{
	char b[SCANTAB_PRINTABLE_MAX], line[SCANTAB_PRINTABLE_MAX + 64];
	int n;

	n = snprintf(line, sizeof line, "svscan: info: %s removed: taking it down\n",
		     svscan_pname(name, b));
	if (n > 0)
		fd_write_all(2, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* Tells supervise w its bytes once; retried shortly while its fifo is
 * not open yet. 1 once told. */
static int tell_once(struct scantab_svc *e, enum scantab_which w, const char *bytes,
		     uint64_t now, uint64_t *next)
{
	struct scantab_proc *p = &e->p[w];

	if (!p->told && svscan_tell(e, w, bytes) == 0)
		p->told = 1;
	if (!p->told)
		lower(next, now + RETRY_NS);
	return p->told;
}

void svscan_remove_step(struct svscan *s, struct scantab_svc *e, uint64_t now, uint64_t *next)
{
	uint64_t end;

	if (!e->removing) {
		if (s->keep_removed || e->active ||
		    (!e->p[SCANTAB_MAIN].pid && !e->p[SCANTAB_LOG].pid))
			return;
		if (!scantab_gone(e, now, next))
			return;
		e->removing = 1;
		e->removing_ns = now;
		e->p[SCANTAB_MAIN].told = e->p[SCANTAB_LOG].told = 0;
		say_removed(e->name);
	}
	if (e->p[SCANTAB_MAIN].pid) {
		/* Several removed at once go down in reverse dependency order,
		 * as at a shutdown (the grace below still bounds it). */
		if (e->p[SCANTAB_MAIN].told ||
		    svscan_deps_may_stop(s, (size_t)(e - s->tab.v), 1))
			tell_once(e, SCANTAB_MAIN, "dx", now, next);
		else
			lower(next, now + RETRY_NS);
		end = e->removing_ns + s->grace_ns / 5 * 4;
		if (now >= end)
			svscan_kill_one(s, e, SCANTAB_MAIN);
		else
			lower(next, end);
		return;
	}
	/* The main supervise is gone, and with it every writer but us: the
	 * logger gets "ox" first, so that end of file does not restart it. */
	if (!e->p[SCANTAB_LOG].pid || tell_once(e, SCANTAB_LOG, "ox", now, next))
		svscan_close_pipe(e);
	if (e->p[SCANTAB_LOG].pid) {
		end = e->removing_ns + s->grace_ns;
		if (now >= end)
			svscan_kill_one(s, e, SCANTAB_LOG);
		else
			lower(next, end);
	}
}

/* 0.76 decides about log/ when it first sees a service: a log/ made after
 * that (a directory built in place, not renamed into it) is not used. */
void svscan_log_late(struct scantab_svc *e)
{
	char b[SCANTAB_PRINTABLE_MAX], path[SCANTAB_NAME_MAX + 8];
	struct stat st;

	if (e->has_log || e->log_late_warned || e->removing)
		return;
	snprintf(path, sizeof path, "%s/log", e->name);
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return;
	e->log_late_warned = 1;
	svscan_pname(e->name, b);
	dt_warn("%s/log appeared after %s started: %s's output is not logged until %s restarts",
		b, b, b, b);
}

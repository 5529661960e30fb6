/* SPDX-License-Identifier: ISC */
/* svscan's shutdown on SIGTERM, as PID 1 or not: every main supervise is
 * told "dx" (service down, then exit), which both 0.76's supervise and ours
 * obey, in the reverse order of the dependencies (needs/, after/: a service
 * once everything that needs it or is after it is down); once they are gone, every log supervise is told "ox" and svscan
 * closes its ends of the log pipes, so each logger reads to end of file and
 * exits by itself with nothing lost. A supervise whose directory was
 * removed (no fifo left) gets SIGTERM instead. A grace period bounds it
 * all: what is left of the services at 4/5 of it, and of the loggers at its
 * end, gets SIGKILL, each service's whole cgroup at once (cgroup.kill, so
 * nothing it forked survives), and the emptied cgroups are removed. As
 * PID 1, orphans get TERM and then KILL before svscan exits. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/fdio.h>
#include <dt/scantab.h>
#include <dt/svctl.h>
#include <dt/svstatus.h>
#include <lx/cgroup.h>

#include "svscan.h"

/* Where supervise `w` of e keeps FILE. /proc/PID/cwd reaches it even after
 * the service's symlink was removed or renamed; the (dev, ino) check makes
 * sure that supervise has already switched to its directory. */
static void sv_path(const struct scantab_svc *e, enum scantab_which w, const char *file,
		    char *buf, size_t size)
{
	int pid = (int)e->p[w].pid;
	struct stat st;

	snprintf(buf, size, "/proc/%d/cwd%s", pid, w == SCANTAB_LOG ? "/.." : "");
	if (stat(buf, &st) == 0 && st.st_dev == e->dev && st.st_ino == e->ino)
		snprintf(buf, size, "/proc/%d/cwd/supervise/%s", pid, file);
	else
		snprintf(buf, size, "%s%s/supervise/%s", e->name,
			 w == SCANTAB_LOG ? "/log" : "", file);
}

/* 1 if supervise `w` of e works in a directory that has been removed
 * (`rm -rf` of the service while it ran): its control fifo is gone with
 * it. A supervise that has not yet switched to its directory still works
 * in svscan's, which is not removed. */
static int dir_removed(const struct scantab_svc *e, enum scantab_which w)
{
	char path[40];
	struct stat st;

	snprintf(path, sizeof path, "/proc/%d/cwd", (int)e->p[w].pid);
	return stat(path, &st) == 0 && st.st_nlink == 0;
}

int svscan_tell(const struct scantab_svc *e, enum scantab_which w, const char *bytes)
{
	char path[SCANTAB_NAME_MAX + 64];
	int fd, r;

	sv_path(e, w, "control", path, sizeof path);
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && dir_removed(e, w)) {
		/* No fifo to reach it by: our supervise takes SIGTERM as
		 * "down, then exit" (0.76's dies of it, as it would anyway at
		 * the end of the grace). */
		kill(e->p[w].pid, SIGTERM);
		return 0;
	}
	if (fd < 0)
		return -errno;
	r = fd_write_all(fd, bytes, strlen(bytes));
	fd_close(fd);
	return r;
}

/* Sends bytes to every running supervise of kind w not yet told. One that
 * has not opened its fifo yet (ENXIO, ENOENT) is retried shortly. */
static void tell_all(struct svscan *s, enum scantab_which w, const char *bytes)
{
	size_t i;

	s->untold = 0;
	for (i = 0; i < s->tab.n; i++) {
		struct scantab_proc *p = &s->tab.v[i].p[w];

		if (!p->pid || p->told)
			continue;
		/* Reverse order: not before what needs it or is after it is
		 * down. Counted as untold, so it is looked at again shortly
		 * even if nothing else happens. */
		if (w == SCANTAB_MAIN && !svscan_deps_may_stop(s, i, 0)) {
			s->untold++;
			continue;
		}
		if (svscan_tell(&s->tab.v[i], w, bytes) == 0)
			p->told = 1;
		else
			s->untold++;
	}
}

void svscan_close_pipe(struct scantab_svc *e)
{
	if (e->pipe_wr >= 0)
		fd_close(e->pipe_wr);
	if (e->pipe_rd >= 0)
		fd_close(e->pipe_rd);
	e->pipe_wr = -1;
	e->pipe_rd = -1;
}

/* Our supervise sits in the supervise/ leaf of its service's cgroup tree:
 * cgroup.kill on the tree takes the supervise, the main process and every
 * process the service left, in one write. The tree is remembered, to be
 * removed once empty (nobody else is left to do it). 1 if done. */
static int kill_tree(struct svscan *s, pid_t pid)
{
	char dir[LX_CGROUP_PATH_MAX], **v;

	if (lx_cgroup_tree_of(pid, dir, sizeof dir) < 0 || lx_cgroup_kill_tree(dir) < 0)
		return 0;
	v = realloc(s->killed, (s->nkilled + 1) * sizeof *v);
	if (v) {
		s->killed = v;
		if ((v[s->nkilled] = strdup(dir)))
			s->nkilled++;
	}
	return 1;
}

/* Before exit: the trees killed above, once their processes have left
 * (moments after the kill; bounded at about a second in all). */
static void remove_trees(struct svscan *s)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	size_t i;
	int tries = 0;

	for (i = 0; i < s->nkilled; i++) {
		while (lx_cgroup_remove_tree(s->killed[i]) == -EBUSY && tries++ < 100)
			nanosleep(&tick, NULL);
		free(s->killed[i]);
	}
	free(s->killed);
	s->killed = NULL;
	s->nkilled = 0;
}

/* Past the grace period: SIGKILL the service's whole cgroup, supervise
 * with it, or where there is none (a 0.76 supervise, no cgroup v2) the
 * service (its pid from supervise/status) and then its supervise, which
 * 0.76's would not do by itself. */
void svscan_kill_one(struct svscan *s, struct scantab_svc *e, enum scantab_which w)
{
	char b[SCANTAB_PRINTABLE_MAX], path[SCANTAB_NAME_MAX + 64];
	struct svstatus st;

	if (!e->p[w].pid)
		return;
	dt_warn("%s%s did not stop in time: killing it", svscan_pname(e->name, b),
		w == SCANTAB_LOG ? "/log" : "");
	if (kill_tree(s, e->p[w].pid))
		return;
	sv_path(e, w, "status", path, sizeof path);
	if (svctl_status_file(path, &st) == 0 && st.pid > 1)
		kill((pid_t)st.pid, SIGKILL);
	kill(e->p[w].pid, SIGKILL);
}

static void kill_left(struct svscan *s, enum scantab_which w)
{
	size_t i;

	for (i = 0; i < s->tab.n; i++)
		svscan_kill_one(s, &s->tab.v[i], w);
}

void svscan_stop_begin(struct svscan *s, uint64_t now)
{
	if (s->phase != PH_RUN)
		return;
	s->phase = PH_MAINS;
	s->t_term = now;
	s->phase_end = now + s->grace_ns / 5 * 4;
	s->children = 1;
	svscan_unwatch(s);
}

/* Loggers: "o" so that end of file does not restart them, "x" so that their
 * supervise exits then; only after that is our write end closed. */
static void drain_logs(struct svscan *s)
{
	size_t i;

	tell_all(s, SCANTAB_LOG, "ox");
	for (i = 0; i < s->tab.n; i++) {
		struct scantab_svc *e = &s->tab.v[i];

		if (!e->p[SCANTAB_LOG].pid || e->p[SCANTAB_LOG].told)
			svscan_close_pipe(e);
	}
}

static void stop_orphans(struct svscan *s, uint64_t now)
{
	if (s->nkilled)
		remove_trees(s);
	if (!s->pid1)
		exit(0);
	/* As PID 1: what services left behind gets TERM, then KILL. */
	if (!s->orphans_termed) {
		kill(-1, SIGTERM);
		kill(-1, SIGCONT);
		s->orphans_termed = 1;
	}
	svscan_reap(s, now);
	if (s->children && now < s->phase_end)
		return;
	if (s->children) {
		kill(-1, SIGKILL);
		while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
			;
	}
	exit(0);
}

void svscan_stop_step(struct svscan *s, uint64_t now)
{
	size_t i;

	if (s->phase == PH_MAINS) {
		tell_all(s, SCANTAB_MAIN, "dx");
		if (scantab_running(&s->tab, SCANTAB_MAIN) && now < s->phase_end)
			return;
		kill_left(s, SCANTAB_MAIN);
		s->phase = PH_LOGS;
		s->phase_end = s->t_term + s->grace_ns;
	}
	if (s->phase == PH_LOGS) {
		drain_logs(s);
		if (scantab_running(&s->tab, SCANTAB_LOG) && now < s->phase_end)
			return;
		kill_left(s, SCANTAB_LOG);
		for (i = 0; i < s->tab.n; i++)
			svscan_close_pipe(&s->tab.v[i]);
		s->phase = PH_ORPHANS;
		s->untold = 0;
		if (s->phase_end < now + 200 * MS)
			s->phase_end = now + 200 * MS;
	}
	stop_orphans(s, now);
}

uint64_t svscan_stop_deadline(const struct svscan *s, uint64_t now)
{
	if (s->untold && now + RETRY_NS < s->phase_end)
		return now + RETRY_NS;
	return s->phase_end;
}


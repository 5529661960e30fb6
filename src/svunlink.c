/* SPDX-License-Identifier: ISC */
/* svunlink: removes a service from a scan directory in one command and
 * waits until both its supervises have exited (DESIGN.md section 6). Our
 * svscan takes a removed service down by itself (svscan(8)); a svscan that
 * does not (daemontools 0.76, or SVSCAN_KEEP_REMOVED) is recognised by its
 * silence: if the service's supervise has neither exited nor been told to
 * stop within FALLBACK_NS of the removal, svunlink does what 0.76's
 * documentation says: svc -dx DIR, then, once that supervise is gone,
 * svc -dx DIR/log. Waiting is by inotify on DIR/supervise, then svwait -x. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/fdio.h>
#include <dt/svctl.h>
#include <dt/svopt.h>
#include <lx/evloop.h>
#include <lx/inotify.h>

#define USAGE "[-t SECONDS] NAME|DIR [SCANDIR]"
#define EX_TIMEOUT 99
#define NS 1000000000ULL
/* svscan's own second, and room for a loaded machine. */
#define FALLBACK_NS (5 * NS)

struct target {
	const char *scandir;
	char name[NAME_MAX + 1];
	char entry[PATH_MAX];  /* SCANDIR/NAME */
	char *dir;             /* absolute */
	char log[PATH_MAX];
	int has_log;
};

static void find(struct target *t, char *arg)
{
	struct stat est, dst;
	size_t n = strlen(arg);
	char *slash;

	while (n > 1 && arg[n - 1] == '/')
		arg[--n] = 0;
	slash = strrchr(arg, '/');
	if (snprintf(t->name, sizeof t->name, "%s", slash ? slash + 1 : arg) >=
	    (int)sizeof t->name || !t->name[0] || t->name[0] == '.')
		dt_die(DT_EX_USAGE, "unable to unlink %s: not a service name", arg);
	if (svctl_path(t->entry, sizeof t->entry, t->scandir, t->name) < 0)
		dt_die_errno(DT_EX_USAGE, ENAMETOOLONG, "unable to unlink %s", arg);
	if (lstat(t->entry, &est) < 0)
		dt_die_sys(DT_EX_USAGE, "unable to unlink %s", t->entry);
	if (!S_ISLNK(est.st_mode))
		dt_die(DT_EX_USAGE, "unable to unlink %s: not a symbolic link (remove it by hand)",
		       t->entry);
	t->dir = realpath(t->entry, NULL);
	if (!t->dir)
		dt_die_sys(DT_EX_TEMP, "unable to resolve %s", t->entry);
	if (slash && (stat(arg, &dst) < 0 || stat(t->dir, &est) < 0 ||
		      dst.st_dev != est.st_dev || dst.st_ino != est.st_ino))
		dt_die(DT_EX_USAGE, "unable to unlink %s: %s is not a link to it", arg, t->entry);
	snprintf(t->log, sizeof t->log, "%s/log", t->dir);
	t->has_log = stat(t->log, &dst) == 0 && S_ISDIR(dst.st_mode);
}

/* Services that declare they need NAME (needs/NAME in their directory). */
static void warn_needs(const struct target *t)
{
	char path[PATH_MAX];
	struct dirent *d;
	struct stat st;
	DIR *dir = opendir(t->scandir);

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.' || strcmp(d->d_name, t->name) == 0)
			continue;
		if (snprintf(path, sizeof path, "%s/%s/needs/%s", t->scandir, d->d_name,
			     t->name) < (int)sizeof path && lstat(path, &st) == 0)
			dt_warn("%s needs %s", d->d_name, t->name);
	}
	closedir(dir);
}

/* Has a svscan acted on the removal: the supervise gone, or told to stop
 * (its status now wants down where it wanted up)? */
static int acted(const char *dir, int want0)
{
	int r = svctl_running(dir);

	return r <= 0 || (want0 != 'd' && svctl_want(dir) == 'd');
}

/* Only what a supervise does: svunlink's own reads of status and probes
 * of ok make events too, and must not wake it up for nothing. */
static int relevant(const struct inotify_event *ev)
{
	if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_Q_OVERFLOW))
		return 1;
	if (ev->len == 0)
		return 0;
	if (ev->mask & IN_MOVED_TO)
		return strcmp(ev->name, "status") == 0;
	if (ev->mask & IN_CLOSE_WRITE)
		return strcmp(ev->name, "lock") == 0;
	if (ev->mask & IN_CLOSE_NOWRITE)
		return strcmp(ev->name, "ok") == 0;
	return 0;
}

/* Waits, by inotify on DIR/supervise (status replaced, lock or ok closed
 * by an exiting supervise), until acted() or the deadline. 1 if acted. */
static int wait_acted(const char *dir, int want0, uint64_t deadline)
{
	char sup[PATH_MAX];
	struct lx_evloop loop;
	struct lx_event ev[4];
	int ino, r, ok = 0;

	svctl_path(sup, sizeof sup, dir, "supervise");
	if (lx_evloop_open(&loop) < 0 || (ino = lx_inotify_open()) < 0 ||
	    lx_evloop_add(&loop, ino, EPOLLIN, 0) < 0)
		dt_die(DT_EX_TEMP, "unable to set up inotify");
	lx_inotify_add(ino, sup, IN_MOVED_TO | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE |
			   IN_DELETE_SELF | IN_ONLYDIR);
	ok = acted(dir, want0);
	for (;;) {
		uint64_t now = lx_now_mono_ns();

		if (ok || now >= deadline)
			break;
		r = lx_evloop_wait(&loop, ev, 4, lx_evloop_timeout_ms(deadline, now));
		if (r < 0)
			dt_die_errno(DT_EX_TEMP, -r, "unable to wait for events");
		if (lx_inotify_drain(ino, relevant))
			ok = acted(dir, want0);
	}
	fd_close(ino);
	lx_evloop_close(&loop);
	return ok;
}

static void secs_left(uint64_t deadline, char *buf, size_t size)
{
	uint64_t now = lx_now_mono_ns();

	snprintf(buf, size, "%.3f", now < deadline ? (double)(deadline - now) / NS : 0.001);
}

/* svwait -x for the time left; its exit code. */
static int svwait_exit(uint64_t deadline, char *d1, char *d2)
{
	char secs[32];
	char *av[] = { "svwait", "-x", "-t", secs, d1, d2, NULL };
	pid_t pid;
	int st;

	secs_left(deadline, secs, sizeof secs);
	pid = fork();
	if (pid < 0)
		dt_die_sys(DT_EX_TEMP, "unable to fork");
	if (pid == 0) {
		execvp(av[0], av);
		dt_die_sys(DT_EX_TEMP, "unable to run svwait");
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			dt_die_sys(DT_EX_TEMP, "unable to wait for svwait");
	return WIFEXITED(st) ? WEXITSTATUS(st) : DT_EX_TEMP;
}

/* What 0.76's documentation asks for: the service first, then its logger
 * once the service's supervise is gone (so it has read what was written). */
static void take_down(struct target *t, uint64_t deadline)
{
	int r;

	svctl_send(t->dir, "dx");
	if (!t->has_log)
		return;
	r = svwait_exit(deadline, t->dir, NULL);
	if (r)
		exit(r);
	svctl_send(t->log, "dx");
}

int main(int argc, char **argv)
{
	static struct target t;
	uint64_t timeout = 30 * NS, deadline, fb;
	const char *watched;
	int first, want0, r;

	dt_progname = "svunlink";
	first = svlink_parse_args(argc, argv, &timeout);
	if (first < 0)
		dt_die_usage(DT_EX_USAGE, USAGE);
	deadline = lx_now_mono_ns() + timeout;
	t.scandir = argv[first + 1] ? argv[first + 1] : DT_SCANDIR;
	find(&t, argv[first]);
	warn_needs(&t);
	watched = svctl_running(t.dir) > 0 ? t.dir : t.has_log ? t.log : NULL;
	want0 = watched ? svctl_want(watched) : 0;
	if (unlink(t.entry) < 0)
		dt_die_sys(DT_EX_TEMP, "unable to unlink %s", t.entry);
	if (watched && svctl_running(watched) > 0) {
		fb = lx_now_mono_ns() + FALLBACK_NS;
		if (!wait_acted(watched, want0, fb < deadline ? fb : deadline)) {
			if (lx_now_mono_ns() >= deadline)
				dt_die(EX_TIMEOUT, "timed out waiting for %s to stop", t.dir);
			take_down(&t, deadline);
		}
	}
	r = svwait_exit(deadline, t.dir, t.has_log ? t.log : NULL);
	return r;
}

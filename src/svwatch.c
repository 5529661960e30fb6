/* SPDX-License-Identifier: ISC */
/* svwatch: alerts (DESIGN.md section 6). Follows every service of SCANDIR,
 * and services added or removed later, by events only: inotify on SCANDIR,
 * on each service directory (its supervise/ appearing) and on each
 * supervise/ (state and status replaced by rename; lock and ok closed by
 * a supervise that exits). For each incident it runs PROG ARG... NAME EVENT
 * DETAIL, one at a time, each bounded by -t (then killed with its process
 * group); a handler that fails or hangs never stops svwatch. Events:
 * failing (first failure after the service was healthy; DETAIL last_exit),
 * failed (gave up; failed_by), recovered (up for HEALTHY seconds after
 * failing or failed: a deadline, not polling; DETAIL the seconds since it
 * began failing), unsupervised (its supervise exited), supervised (back),
 * waiting (held by svscan's dependency gate for -w seconds, 10 by default:
 * a deadline from supervise's own since=, not polling; DETAIL waiting_for).
 * It only reads: it never takes a lock and never writes to a service. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/fdio.h>
#include <dt/oneline.h>
#include <dt/optparse.h>
#include <dt/scan.h>
#include <dt/svconf.h>
#include <dt/svctl.h>
#include <dt/svstate.h>
#include <lx/evloop.h>
#include <lx/inotify.h>
#include <lx/pidfd.h>

#define USAGE "[-i] [-t SECONDS] [-w SECONDS] SCANDIR PROG [ARG...]"
#define NS 1000000000ULL
#define TAG_INOTIFY 0
#define TAG_HANDLER 1
#define SUP_MASK (IN_MOVED_TO | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE | IN_ONLYDIR)
#define DIR_MASK (IN_CREATE | IN_MOVED_TO | IN_ONLYDIR)
#define SCAN_MASK (IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_ONLYDIR | \
		   IN_DELETE_SELF | IN_MOVE_SELF)

enum cond { C_OK, C_FAILING, C_FAILED };

struct svc {
	char name[NAME_MAX + 1];
	char dir[PATH_MAX];
	int wd_dir, wd_sup;
	int seen;         /* by the last scan */
	int supervised;   /* as last looked */
	int pending;      /* added after start, never yet supervised */
	enum cond cond;
	uint64_t fail_since; /* unix seconds the incident began */
	uint64_t healthy_at; /* monotonic: recovered if still up then */
	uint32_t up_pid;
	uint64_t wait_at;    /* monotonic: "waiting" if still waiting then */
	int wait_told;       /* this wait was reported (or was old at start) */
};

struct note {
	char name[NAME_MAX + 1];
	const char *event;
	char detail[64];
};

struct ctx {
	const char *scandir;
	char **prog;      /* PROG ARG... */
	int nprog;
	uint64_t limit_ns;
	uint64_t wait_ns; /* -w: a wait this long is an incident */
	int initial;      /* -i */
	struct lx_evloop loop;
	int ino, wd_scan;
	struct svc *v;
	size_t n, cap;
	struct note *q;   /* queued events */
	size_t qn, qcap;
	pid_t hpid;       /* running handler, 0 if none */
	int hfd;
	uint64_t hdeadline;
	int hkilled;
	char hwhat[NAME_MAX + 64];
};

static uint64_t now_real_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec;
}

static void queue(struct ctx *c, const struct svc *s, const char *event, const char *detail)
{
	struct note *nt;

	if (c->qn == c->qcap) {
		size_t cap = c->qcap ? c->qcap * 2 : 16;
		struct note *q = realloc(c->q, cap * sizeof *q);

		if (!q) {
			dt_warn("out of memory: event %s %s dropped", s->name, event);
			return;
		}
		c->q = q;
		c->qcap = cap;
	}
	nt = &c->q[c->qn++];
	snprintf(nt->name, sizeof nt->name, "%s", s->name);
	nt->event = event;
	snprintf(nt->detail, sizeof nt->detail, "%s", detail && *detail ? detail : "-");
}

/* HEALTHY of the service's backoff file, as supervise reads it. */
static uint64_t healthy_ns(const struct svc *s)
{
	char path[PATH_MAX], buf[128];
	uint64_t b[3];
	ssize_t r;
	int fd;

	if (svctl_path(path, sizeof path, s->dir, "backoff") < 0)
		return 10 * NS;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 10 * NS;
	r = fd_read_full(fd, buf, sizeof buf);
	fd_close(fd);
	if (r < 0 || svconf_parse_backoff(buf, (size_t)r, b) < 0)
		return 10 * NS;
	return b[2];
}

static void last_exit(const struct svstate *st, char *buf, size_t size)
{
	if (st->last_exit == SVS_EXIT_CODE)
		snprintf(buf, size, "exit %d", st->last_code);
	else if (st->last_exit == SVS_EXIT_SIGNAL)
		snprintf(buf, size, "signal %d", st->last_code);
	else
		snprintf(buf, size, "none");
}

/* The up run that may prove the service healthy: recovered once it has
 * been up HEALTHY seconds (by supervise's own since label) with no change. */
static uint64_t now_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

/* 0 once the run that began at since has been up HEALTHY, else how long
 * it still has to go (ns, by the labels' own nanoseconds). */
static uint64_t healthy_left(const struct svc *s, const struct svstate *st)
{
	int64_t sec = tai64n_unix_sec(&st->since);
	uint64_t up = sec > 0 ? (uint64_t)sec * NS + st->since.nano : 0;
	uint64_t at = up + healthy_ns(s), now = now_real_ns();

	return at > now ? at - now : 0;
}

static void arm_healthy(struct svc *s, const struct svstate *st)
{
	s->up_pid = st->pid;
	s->healthy_at = lx_now_mono_ns() + healthy_left(s, st);
	if (!s->healthy_at)
		s->healthy_at = 1;
}

/* Nanoseconds left until the current wait (since supervise's since=) has
 * lasted wait_ns; 0 once it has. */
static uint64_t wait_left(const struct ctx *c, const struct svstate *st)
{
	int64_t sec = tai64n_unix_sec(&st->since);
	uint64_t began = sec > 0 ? (uint64_t)sec * NS + st->since.nano : 0;
	uint64_t at = began + c->wait_ns, now = now_real_ns();

	return at > now ? at - now : 0;
}

/* A service held by its dependencies: one "waiting" event per wait, once it
 * has lasted -w seconds. A wait already that old when svwatch first looks
 * is a standing problem: reported with -i only. */
static void note_wait(struct ctx *c, struct svc *s, const struct svstate *st, int report)
{
	uint64_t left;

	if (st->state != SVS_WAITING) {
		s->wait_at = 0;
		s->wait_told = 0;
		return;
	}
	if (s->wait_told)
		return;
	left = wait_left(c, st);
	if (left) {
		s->wait_at = lx_now_mono_ns() + left;
		return;
	}
	s->wait_at = 0;
	s->wait_told = 1;
	if (report)
		queue(c, s, "waiting", st->waiting_for);
}

/* Looks at one service and turns what changed into events. report: say
 * it (not at start without -i, nor for a service just added). */
static void look(struct ctx *c, struct svc *s, int report)
{
	char text[SVSTATE_TEXT_MAX], path[PATH_MAX], d[64];
	struct svstate st;
	int r = svctl_running(s->dir);

	if (r <= 0) {
		if (s->supervised && report)
			queue(c, s, "unsupervised", "-");
		s->supervised = 0;
		s->healthy_at = 0;
		s->wait_at = 0;
		s->wait_told = 0;
		return;
	}
	if (!s->supervised && report && !s->pending)
		queue(c, s, "supervised", "-");
	s->supervised = 1;
	s->pending = 0;
	if (svctl_path(path, sizeof path, s->dir, "supervise/state") < 0 ||
	    svstate_read_at(AT_FDCWD, path, text, &st) < 0)
		return; /* a 0.76 supervise: only supervised and unsupervised */
	note_wait(c, s, &st, report);
	s->healthy_at = 0;
	if (st.state == SVS_FAILED) {
		if (s->cond != C_FAILED) {
			/* gave up at the first failure (give-up 1), or before
			 * svwatch looked: that failure is an incident too */
			if (s->cond == C_OK) {
				s->fail_since = now_real_s();
				last_exit(&st, d, sizeof d);
				if (report)
					queue(c, s, "failing", d);
			}
			s->cond = C_FAILED;
			if (report)
				queue(c, s, "failed", svstate_failed_by_name(st.failed_by));
		}
		return;
	}
	if (st.failures > 0 && s->cond == C_OK) {
		s->cond = C_FAILING;
		s->fail_since = now_real_s();
		last_exit(&st, d, sizeof d);
		if (report)
			queue(c, s, "failing", d);
	}
	if (s->cond != C_OK && st.pid && (st.state == SVS_UP || st.state == SVS_READY))
		arm_healthy(s, &st);
}

static void healthy_check(struct ctx *c, struct svc *s)
{
	char text[SVSTATE_TEXT_MAX], path[PATH_MAX], d[64];
	struct svstate st;

	s->healthy_at = 0;
	if (svctl_path(path, sizeof path, s->dir, "supervise/state") < 0 ||
	    svstate_read_at(AT_FDCWD, path, text, &st) < 0)
		return;
	if (s->cond == C_OK || st.pid != s->up_pid ||
	    (st.state != SVS_UP && st.state != SVS_READY)) {
		look(c, s, 1);
		return;
	}
	if (healthy_left(s, &st)) {
		arm_healthy(s, &st);
		return;
	}
	s->cond = C_OK;
	snprintf(d, sizeof d, "%llu", (unsigned long long)(now_real_s() - s->fail_since));
	queue(c, s, "recovered", d);
}

static void wait_check(struct ctx *c, struct svc *s)
{
	char text[SVSTATE_TEXT_MAX], path[PATH_MAX];
	struct svstate st;

	s->wait_at = 0;
	if (svctl_path(path, sizeof path, s->dir, "supervise/state") < 0 ||
	    svstate_read_at(AT_FDCWD, path, text, &st) < 0)
		return;
	note_wait(c, s, &st, 1);
}

static void watch(struct ctx *c, struct svc *s)
{
	char sup[PATH_MAX];

	if (s->wd_dir < 0)
		s->wd_dir = lx_inotify_add(c->ino, s->dir, DIR_MASK);
	if (s->wd_sup < 0 && svctl_path(sup, sizeof sup, s->dir, "supervise") == 0)
		s->wd_sup = lx_inotify_add(c->ino, sup, SUP_MASK);
}

static struct svc *add(struct ctx *c, const char *name)
{
	struct svc *s;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct svc *v = realloc(c->v, cap * sizeof *v);

		if (!v) {
			dt_warn("out of memory: %s not watched", name);
			return NULL;
		}
		c->v = v;
		c->cap = cap;
	}
	s = &c->v[c->n++];
	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	if (svctl_path(s->dir, sizeof s->dir, c->scandir, name) < 0) {
		c->n--;
		return NULL;
	}
	s->wd_dir = s->wd_sup = -1;
	s->pending = 1; /* its first supervise is no incident */
	return s;
}

static void drop(struct ctx *c, size_t i)
{
	struct svc *s = &c->v[i];

	if (s->wd_sup >= 0)
		inotify_rm_watch(c->ino, s->wd_sup);
	if (s->wd_dir >= 0)
		inotify_rm_watch(c->ino, s->wd_dir);
	c->v[i] = c->v[--c->n];
}

/* The services of SCANDIR now: new ones watched and looked at, removed
 * ones forgotten (a removed service's end is no incident). */
static void scan(struct ctx *c, int at_start)
{
	struct dirent *e;
	struct stat st;
	char path[PATH_MAX];
	size_t i;
	DIR *dir = opendir(c->scandir);

	if (!dir) {
		if (at_start)
			dt_die_sys(DT_EX_TEMP, "unable to read %s", c->scandir);
		dt_warn_sys("unable to read %s", c->scandir);
		return;
	}
	for (i = 0; i < c->n; i++)
		c->v[i].seen = 0;
	while ((e = readdir(dir))) {
		struct svc *s = NULL;

		if (e->d_name[0] == '.' || svctl_path(path, sizeof path, c->scandir, e->d_name) < 0 ||
		    stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		for (i = 0; i < c->n; i++)
			if (strcmp(c->v[i].name, e->d_name) == 0)
				s = &c->v[i];
		if (!s) {
			s = add(c, e->d_name);
			if (!s)
				continue;
			watch(c, s);
			look(c, s, at_start && c->initial);
			if (at_start && c->initial && !s->supervised)
				queue(c, s, "unsupervised", "-");
		}
		s->seen = 1;
	}
	closedir(dir);
	i = c->n;
	while (i-- > 0)
		if (!c->v[i].seen)
			drop(c, i);
}

/* TERM or INT: the running handler's group goes with svwatch. */
static volatile sig_atomic_t handler_pgrp;

static void on_term(int sig)
{
	if (handler_pgrp)
		kill(-handler_pgrp, SIGKILL);
	_exit(0);
}

static void spawn_handler(struct ctx *c)
{
	struct note nt = c->q[0];
	char **argv;
	pid_t pid;
	int i;

	memmove(c->q, c->q + 1, (c->qn - 1) * sizeof *c->q);
	c->qn--;
	argv = calloc((size_t)c->nprog + 4, sizeof *argv);
	if (!argv) {
		dt_warn("out of memory: event %s %s dropped", nt.name, nt.event);
		return;
	}
	for (i = 0; i < c->nprog; i++)
		argv[i] = c->prog[i];
	argv[i++] = nt.name;
	argv[i++] = (char *)nt.event;
	argv[i++] = nt.detail;
	snprintf(c->hwhat, sizeof c->hwhat, "%s %s", nt.name, nt.event);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0); /* its own group: the time limit kills all of it */
		execvp(argv[0], argv);
		dt_die_sys(DT_EX_TEMP, "unable to run %s", argv[0]);
	}
	free(argv);
	if (pid < 0) {
		dt_warn_sys("unable to fork for %s", c->hwhat);
		return;
	}
	setpgid(pid, pid);
	c->hpid = pid;
	handler_pgrp = pid;
	c->hkilled = 0;
	c->hdeadline = lx_now_mono_ns() + c->limit_ns;
	c->hfd = lx_pidfd_open(pid);
	if (c->hfd >= 0 && lx_evloop_add(&c->loop, c->hfd, EPOLLIN, TAG_HANDLER) < 0) {
		fd_close(c->hfd);
		c->hfd = -1;
	}
}

static void reap_handler(struct ctx *c, int block)
{
	int st;
	pid_t r;

	if (!c->hpid)
		return;
	r = waitpid(c->hpid, &st, block ? 0 : WNOHANG);
	if (r == 0 || (r < 0 && errno == EINTR))
		return;
	if (r > 0 && !c->hkilled && WIFEXITED(st) && WEXITSTATUS(st))
		dt_warn("%s exited %d for %s", c->prog[0], WEXITSTATUS(st), c->hwhat);
	else if (r > 0 && !c->hkilled && WIFSIGNALED(st))
		dt_warn("%s was killed by signal %d for %s", c->prog[0], WTERMSIG(st), c->hwhat);
	if (c->hfd >= 0) {
		lx_evloop_del(&c->loop, c->hfd);
		fd_close(c->hfd);
	}
	c->hfd = -1;
	c->hpid = 0;
	handler_pgrp = 0;
}

static void handler_timeout(struct ctx *c, uint64_t now)
{
	if (!c->hpid || c->hkilled || now < c->hdeadline)
		return;
	dt_warn("%s took more than %llu seconds for %s: killed", c->prog[0],
		(unsigned long long)(c->limit_ns / NS), c->hwhat);
	kill(-c->hpid, SIGKILL);
	kill(c->hpid, SIGKILL);
	c->hkilled = 1;
	if (c->hfd < 0)
		reap_handler(c, 1);
}

static struct svc *by_wd(struct ctx *c, int wd)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].wd_sup == wd || c->v[i].wd_dir == wd)
			return &c->v[i];
	return NULL;
}

/* What a supervise does; svwatch's own reads of state and status, and its
 * probes of ok, must not wake it up for nothing. */
static int relevant(const struct inotify_event *ev)
{
	if (ev->mask & (IN_IGNORED | IN_CREATE))
		return 1;
	if (ev->len == 0)
		return 0;
	if (ev->mask & IN_MOVED_TO)
		return 1;
	if (ev->mask & IN_CLOSE_WRITE)
		return strcmp(ev->name, "lock") == 0;
	if (ev->mask & IN_CLOSE_NOWRITE)
		return strcmp(ev->name, "ok") == 0;
	return 0;
}

static void on_inotify(struct ctx *c)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	struct lx_inotify_iter it;
	int r, err, rescan = 0;
	size_t i;

	while ((r = lx_inotify_read(c->ino, buf, sizeof buf, &it)) > 0) {
		while ((ev = lx_inotify_next(&it, &err))) {
			struct svc *s;

			if (ev->mask & IN_Q_OVERFLOW) {
				rescan = 2;
				continue;
			}
			if (ev->wd == c->wd_scan) {
				if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF))
					dt_die(DT_EX_TEMP, "unable to watch %s: it was removed",
					       c->scandir);
				rescan |= 1;
				continue;
			}
			if (!relevant(ev) || !(s = by_wd(c, ev->wd)))
				continue;
			if (ev->mask & IN_IGNORED) {
				if (s->wd_sup == ev->wd)
					s->wd_sup = -1;
				if (s->wd_dir == ev->wd)
					s->wd_dir = -1;
			}
			watch(c, s);
			look(c, s, 1);
		}
		if (err)
			rescan = 2;
	}
	if (r < 0)
		dt_die_errno(DT_EX_TEMP, -r, "unable to read inotify events");
	if (rescan)
		scan(c, 0);
	if (rescan == 2) /* events were lost: look at every service again */
		for (i = 0; i < c->n; i++)
			look(c, &c->v[i], 1);
}

static uint64_t next_deadline(const struct ctx *c)
{
	uint64_t d = 0;
	size_t i;

	if (c->hpid && !c->hkilled)
		d = c->hdeadline;
	for (i = 0; i < c->n; i++) {
		if (c->v[i].healthy_at && (!d || c->v[i].healthy_at < d))
			d = c->v[i].healthy_at;
		if (c->v[i].wait_at && (!d || c->v[i].wait_at < d))
			d = c->v[i].wait_at;
	}
	return d;
}

static void run(struct ctx *c)
{
	struct lx_event ev[8];
	uint64_t now, d;
	size_t i;
	int n, k;

	for (;;) {
		if (!c->hpid && c->qn)
			spawn_handler(c);
		now = lx_now_mono_ns();
		d = next_deadline(c);
		n = lx_evloop_wait(&c->loop, ev, 8, d ? lx_evloop_timeout_ms(d, now) : -1);
		if (n < 0)
			dt_die_errno(DT_EX_TEMP, -n, "unable to wait for events");
		for (k = 0; k < n; k++) {
			if (ev[k].tag == TAG_INOTIFY)
				on_inotify(c);
			else if (ev[k].tag == TAG_HANDLER)
				reap_handler(c, 0);
		}
		now = lx_now_mono_ns();
		handler_timeout(c, now);
		for (i = 0; i < c->n; i++) {
			if (c->v[i].healthy_at && now >= c->v[i].healthy_at)
				healthy_check(c, &c->v[i]);
			if (c->v[i].wait_at && now >= c->v[i].wait_at)
				wait_check(c, &c->v[i]);
		}
	}
}

static int parse(struct ctx *c, int argc, char **argv)
{
	struct optparse op;
	int o;

	c->limit_ns = 30 * NS;
	c->wait_ns = 10 * NS;
	optparse_init(&op);
	while ((o = optparse_next(&op, argc, argv, "it:w:")) != OPTPARSE_END) {
		if (o == 'i')
			c->initial = 1;
		else if (o == 'w' && scan_seconds_ns(op.arg, &c->wait_ns) == 0)
			continue;
		else if (o != 't' || scan_seconds_ns(op.arg, &c->limit_ns) < 0 || !c->limit_ns)
			return -1;
	}
	if (argc - op.ind < 2 || !argv[op.ind][0])
		return -1;
	c->scandir = argv[op.ind];
	c->prog = argv + op.ind + 1;
	c->nprog = argc - op.ind - 1;
	return 0;
}

int main(int argc, char **argv)
{
	static struct ctx c;
	int r;

	dt_progname = "svwatch";
	if (parse(&c, argc, argv) < 0)
		dt_die_usage(DT_EX_USAGE, USAGE);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	c.hfd = -1;
	r = lx_evloop_open(&c.loop);
	if (r < 0)
		dt_die_errno(DT_EX_TEMP, -r, "unable to create epoll instance");
	c.ino = lx_inotify_open();
	if (c.ino < 0)
		dt_die_errno(DT_EX_TEMP, -c.ino, "unable to create inotify instance");
	if (lx_evloop_add(&c.loop, c.ino, EPOLLIN, TAG_INOTIFY) < 0)
		dt_die(DT_EX_TEMP, "unable to watch the inotify instance");
	c.wd_scan = lx_inotify_add(c.ino, c.scandir, SCAN_MASK);
	if (c.wd_scan < 0)
		dt_die_errno(DT_EX_TEMP, -c.wd_scan, "unable to watch %s", c.scandir);
	scan(&c, 1);
	run(&c);
}

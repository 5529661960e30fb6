/* SPDX-License-Identifier: ISC */
/* svscan: starts and watches a supervise for each service directory, and a
 * second one for its log/ fed by a pipe that svscan keeps open itself.
 * One epoll loop: inotify on the scan directory (any event = a full,
 * idempotent rescan), a signalfd for SIGCHLD/TERM/HUP/ALRM(/INT as PID 1),
 * and monotonic deadlines for restarts and the safety rescan.
 * The decisions (table, restart delays, rescan interval) are in
 * src/lib/scantab.c; this file only performs them. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/fdio.h>
#include <dt/scan.h>
#include <dt/scantab.h>
#include <dt/svstatus.h>
#include <lx/cgroup.h>
#include <lx/child.h>
#include <lx/compat.h>
#include <lx/evloop.h>
#include <lx/inotify.h>
#include <lx/sigfd.h>

#include "svscan.h"

/* Not IN_ATTRIB: every supervise that creates its supervise/ changes its
 * service directory's link count, and the resulting event per start made
 * a start of 1,000 services cost 1,000 rescans. */
#define WATCH_MASK (IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | \
		    IN_ONLYDIR | IN_DELETE_SELF)

const char *svscan_pname(const char *name, char buf[SCANTAB_PRINTABLE_MAX])
{
	scantab_name_printable(name, buf, SCANTAB_PRINTABLE_MAX);
	return buf;
}

static void read_env(struct svscan *s)
{
	const char *v;
	unsigned long max = SCANTAB_MAX_DEFAULT;
	uint64_t ns = 10 * SCANTAB_SEC;

	v = getenv("SVSCAN_MAX");
	if (v && (scan_ulong(v, &max) < 0 || max < 1 || max > SCANTAB_MAX_LIMIT))
		dt_die(DT_EX_USAGE, "SVSCAN_MAX must be a number from 1 to %d: %s",
		       SCANTAB_MAX_LIMIT, v);
	v = getenv("SVSCAN_GRACE");
	if (v && scan_seconds_ns(v, &ns) < 0)
		dt_die(DT_EX_USAGE, "SVSCAN_GRACE must be a number of seconds: %s", v);
	v = getenv("SVSCAN_NO_INOTIFY");
	s->no_inotify = v && *v && strcmp(v, "0") != 0;
	v = getenv("SVSCAN_KEEP_REMOVED");
	s->keep_removed = v && *v && strcmp(v, "0") != 0;
	/* svscan's own knobs: services do not inherit them. */
	unsetenv("SVSCAN_MAX");
	unsetenv("SVSCAN_GRACE");
	unsetenv("SVSCAN_NO_INOTIFY");
	unsetenv("SVSCAN_KEEP_REMOVED");
	scantab_init(&s->tab, max);
	s->grace_ns = ns;
}

/* A supervise gets the pipe end by dup2 onto 0 or 1; were 0-2 closed at
 * start, pipe() could return them and dup2 onto itself would keep CLOEXEC. */
static void fill_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) < 0)
			dt_die_sys(DT_EX_TEMP, "unable to open /dev/null");
}

/* Each logged service holds two pipe fds here; children get the original
 * soft limit back, since many programs misbehave with a huge one (select). */
static void raise_nofile(struct svscan *s)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &s->nofile) < 0 || s->nofile.rlim_cur >= s->nofile.rlim_max)
		return;
	r = s->nofile;
	r.rlim_cur = r.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &r) == 0)
		s->nofile_raised = 1;
}

static void open_loop(struct svscan *s)
{
	sigset_t set;
	int r;

	/* As PID 1 the kernel drops signals we do not handle: SIGINT (^C of
	 * `docker run -it`) must be asked for. Elsewhere it kills, as in 0.76. */
	s->pid1 = getpid() == 1;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGALRM);
	sigaddset(&set, SIGPIPE); /* a supervise dying between open and write */
	if (s->pid1)
		sigaddset(&set, SIGINT);
	r = lx_sigfd_open(&s->sig, &set);
	if (r < 0)
		dt_die_errno(DT_EX_TEMP, -r, "unable to create signalfd");
	r = lx_evloop_open(&s->loop);
	if (r < 0)
		dt_die_errno(DT_EX_TEMP, -r, "unable to create epoll instance");
	r = lx_evloop_add(&s->loop, s->sig.fd, EPOLLIN, SVSCAN_TAG_SIG);
	if (r < 0)
		dt_die_errno(DT_EX_TEMP, -r, "unable to watch signalfd");
	/* Orphans of services are reparented to us and reaped. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		dt_warn_sys("unable to become a child subreaper");
}

/* In a cgroup v2 directory of its own (a systemd unit with Delegate=yes, a
 * container's cgroup namespace), svscan moves into its ./dtng-svscan leaf
 * so that the directory, the root of the services' cgroups, holds no
 * process and supervise can enable the controllers the services' limits
 * need (cgroup v2's no-internal-process rule; lx_cgroup_park). */
static __attribute__((noinline)) void park(void)
{
	char path[LX_CGROUP_PATH_MAX];
	const char *o = getenv("SUPERVISE_CGROUP");
	int r = lx_cgroup_park(o && *o ? o : NULL, path, sizeof path);

	if (r < 0)
		dt_warn_errno(-r, "unable to move into a cgroup of its own (%s)",
			      path[0] ? path : "dtng-svscan");
}

void svscan_unwatch(struct svscan *s)
{
	if (s->ino_fd >= 0) {
		lx_evloop_del(&s->loop, s->ino_fd);
		fd_close(s->ino_fd);
	}
	s->ino_fd = -1;
	s->watching = 0;
}

/* Also called before each scan while not watching: a directory that was
 * unreadable (inotify needs read access) may be watched later. */
static void watch_dir(struct svscan *s)
{
	struct statfs fs;
	int fd, r;

	if (s->no_inotify || s->ino_fd >= 0)
		return;
	fd = lx_inotify_open();
	if (fd < 0) {
		if (!s->watch_warned++)
			dt_warn_errno(-fd, "unable to use inotify, rescanning every 5 seconds");
		return;
	}
	s->ino_fd = fd;
	r = lx_inotify_add(fd, ".", WATCH_MASK);
	if (r >= 0)
		r = lx_evloop_add(&s->loop, fd, EPOLLIN, SVSCAN_TAG_INOTIFY);
	if (r < 0) {
		if (!s->watch_warned++)
			dt_warn_errno(-r, "unable to watch directory, rescanning every 5 seconds");
		svscan_unwatch(s);
		return;
	}
	if (s->watch_warned)
		dt_warn("watching directory with inotify again");
	s->watch_warned = 0;
	/* inotify misses what other machines change on a network filesystem:
	 * keep 0.76's 5 s rescan there. */
	s->watching = statfs(".", &fs) == 0 && !scantab_fs_remote((unsigned long)fs.f_type);
}

struct spawn_err {
	int err;
	int stage; /* 1 dup2, 2 chdir, 3 exec */
};

/* The child's set-up, before an exec or supervise_main: the hygiene every
 * child gets (the soft fd limit, signals and mask svscan had, fds from 3 up
 * close-on-exec), the log pipe's end, log/ for a logger. */
static int child_setup(const struct svscan *s, const struct scantab_svc *e,
		       enum scantab_which w, volatile struct spawn_err *se)
{
	const struct lx_child c = { &s->sig, NULL, s->nofile_raised ? &s->nofile : NULL, -1 };

	lx_child_hygiene(&c);
	se->stage = 1;
	if (w == SCANTAB_MAIN && e->has_log && dup2(e->pipe_wr, 1) < 0)
		return -1;
	if (w == SCANTAB_LOG && dup2(e->pipe_rd, 0) < 0)
		return -1;
	se->stage = 2;
	if (w == SCANTAB_LOG && chdir(e->name) < 0)
		return -1;
	se->stage = 3;
	return 0;
}

/* vfork child: shares our memory until exec, so it reports through *se. */
static __attribute__((noreturn)) void child(const struct svscan *s,
		const struct scantab_svc *e, enum scantab_which w, char **argv,
		volatile struct spawn_err *se)
{
	if (child_setup(s, e, w, se) == 0)
		execvp(argv[0], argv);
	se->err = errno;
	_exit(111);
}

static void spawn_warn(const char *name, enum scantab_which w, int stage, int err)
{
	char b[SCANTAB_PRINTABLE_MAX];
	const char *lg = w == SCANTAB_LOG ? "/log" : "";

	if (stage == 0)
		dt_warn_errno(err, "unable to fork for %s%s", svscan_pname(name, b), lg);
	else if (stage == 1)
		dt_warn_errno(err, "unable to set up descriptors for %s%s", svscan_pname(name, b), lg);
	else if (stage == 2)
		dt_warn_errno(err, "unable to switch to %s", svscan_pname(name, b));
	else
		dt_warn_errno(err, "unable to start supervise %s%s", svscan_pname(name, b), lg);
}

/* fork child running supervise itself (svscan_fork.c): a failure before
 * that is told here, with the words svscan would have used. */
static __attribute__((noreturn)) void child_inproc(const struct svscan *s,
		const struct scantab_svc *e, enum scantab_which w)
{
	struct spawn_err se = { 0, 0 };

	if (child_setup(s, e, w, &se) == 0)
		svscan_fork_become(s, w == SCANTAB_LOG ? "log" : e->name);
	spawn_warn(e->name, w, se.stage, errno);
	_exit(111);
}

static void spawn(struct svscan *s, struct scantab_svc *e, enum scantab_which w, uint64_t now)
{
	char *argv[3] = { "supervise", w == SCANTAB_LOG ? "log" : e->name, NULL };
	volatile struct spawn_err se = { 0, 0 };
	pid_t pid;

	if (svscan_fork_ours(s)) {
		pid = fork();
		if (pid == 0)
			child_inproc(s, e, w);
	} else {
		pid = vfork();
		if (pid == 0)
			child(s, e, w, argv, &se);
	}
	if (pid < 0 || se.err) {
		if (pid > 0)
			waitpid(pid, NULL, 0);
		spawn_warn(e->name, w, pid < 0 ? 0 : se.stage, pid < 0 ? errno : se.err);
		scantab_start_failed(e, w, now);
		s->trouble = 1;
		return;
	}
	scantab_started(e, w, pid, now);
}

/* A service seen for the first time: 0.76 decides about log/ only here. */
static void add_service(struct svscan *s, const char *name, const struct stat *st)
{
	char b[SCANTAB_PRINTABLE_MAX], path[SCANTAB_NAME_MAX + 8];
	struct stat lst;
	int has_log = 0, pi[2] = { -1, -1 };
	long i;

	if (s->tab.n >= s->tab.max) {
		/* compat: 0.76's words, plus what to do about it. */
		dt_warn("unable to start %s: running too many services (limit %zu, see SVSCAN_MAX)",
			svscan_pname(name, b), s->tab.max);
		s->trouble = 1;
		return;
	}
	snprintf(path, sizeof path, "%s/log", name);
	if (stat(path, &lst) == 0) {
		has_log = S_ISDIR(lst.st_mode);
		if (!has_log)
			dt_warn("%s/log is not a directory: starting %s without a logger",
				svscan_pname(name, b), b);
	} else if (errno != ENOENT) {
		dt_warn_sys("unable to stat %s/log", svscan_pname(name, b));
		s->trouble = 1;
		return;
	}
	if (has_log && pipe2(pi, O_CLOEXEC) < 0) {
		dt_warn_sys("unable to create pipe for %s", svscan_pname(name, b));
		s->trouble = 1;
		return;
	}
	i = scantab_add(&s->tab, st->st_dev, st->st_ino, name);
	if (i < 0) {
		dt_warn_errno((int)-i, "unable to start %s", svscan_pname(name, b));
		if (has_log) {
			fd_close(pi[0]);
			fd_close(pi[1]);
		}
		s->trouble = 1;
		return;
	}
	s->tab.v[i].has_log = has_log;
	s->tab.v[i].pipe_rd = pi[0];
	s->tab.v[i].pipe_wr = pi[1];
}

static void see(struct svscan *s, const char *name)
{
	char b[SCANTAB_PRINTABLE_MAX];
	struct stat st;
	long i;

	if (name[0] == '.')
		return;
	if (stat(name, &st) < 0) {
		dt_warn_sys("unable to stat %s", svscan_pname(name, b));
		s->trouble = 1;
		return;
	}
	if (!S_ISDIR(st.st_mode))
		return;
	i = scantab_find(&s->tab, st.st_dev, st.st_ino);
	if (i >= 0) {
		scantab_touch(&s->tab, (size_t)i, name);
		svscan_log_late(&s->tab.v[i]);
	} else
		add_service(s, name, &st);
}

/* Reads the directory and marks what it holds. 0 when it was read whole;
 * otherwise nothing is started or forgotten on a partial view (as 0.76). */
static int list(struct svscan *s)
{
	struct dirent *d;
	DIR *dir = opendir(".");

	if (!dir) {
		dt_warn_sys("unable to read directory");
		return -1;
	}
	scantab_begin(&s->tab);
	for (;;) {
		errno = 0;
		d = readdir(dir);
		if (!d)
			break;
		see(s, d->d_name);
	}
	if (errno) {
		dt_warn_sys("unable to read directory");
		closedir(dir);
		return -1;
	}
	closedir(dir);
	return 0;
}

/* 1 if a removed service came back meanwhile: a rescan adds it afresh. */
static int sweep(struct svscan *s)
{
	size_t i = s->tab.n;
	int again = 0;

	while (i-- > 0) {
		struct scantab_svc *e = &s->tab.v[i];

		if (scantab_removed(e) && e->active)
			again = 1;
		else if (!scantab_stale(e) && !scantab_removed(e))
			continue;
		if (e->pipe_rd >= 0)
			fd_close(e->pipe_rd);
		if (e->pipe_wr >= 0)
			fd_close(e->pipe_wr);
		svscan_deps_forget(s, e);
		scantab_drop(&s->tab, i);
	}
	return again;
}

static void scan(struct svscan *s, uint64_t now)
{
	uint64_t next = 0;
	size_t i;

	s->trouble = 0;
	watch_dir(s);
	if (list(s) < 0) {
		s->trouble = 1;
	} else {
		if (sweep(s))
			next = now;
		svscan_deps_scan(s); /* the gates, before any start */
		for (i = 0; i < s->tab.n; i++) {
			struct scantab_svc *e = &s->tab.v[i];

			svscan_remove_step(s, e, now, &next);
			if (scantab_due(e, SCANTAB_MAIN, now, &next))
				spawn(s, e, SCANTAB_MAIN, now);
			if (scantab_due(e, SCANTAB_LOG, now, &next))
				spawn(s, e, SCANTAB_LOG, now);
		}
	}
	s->scan_at = now + scantab_rescan_interval(s->watching, s->trouble);
	if (next && next < s->scan_at)
		s->scan_at = next;
}

static void exited(struct svscan *s, struct scantab_svc *e, enum scantab_which w, int ws,
		   uint64_t now)
{
	char b[SCANTAB_PRINTABLE_MAX];
	int quick = scantab_exited(e, w, now);

	if (w == SCANTAB_MAIN)
		svscan_deps_changed(s, (size_t)(e - s->tab.v));

	if (s->phase == PH_RUN && e->removing)
		s->scan_at = now; /* the removal's next step */
	if (s->phase != PH_RUN || !e->active || e->removing)
		return;
	if (quick)
		dt_warn("supervise %s%s %s %d within a second of its start: retrying in %llu seconds",
			svscan_pname(e->name, b), w == SCANTAB_LOG ? "/log" : "",
			WIFSIGNALED(ws) ? "was killed by signal" : "exited",
			WIFSIGNALED(ws) ? WTERMSIG(ws) : WEXITSTATUS(ws),
			(unsigned long long)((e->p[w].due_ns - now + SCANTAB_SEC / 2) / SCANTAB_SEC));
	if (e->p[w].due_ns < s->scan_at)
		s->scan_at = e->p[w].due_ns > now ? e->p[w].due_ns : now;
}

/* SIGCHLDs coalesce: reap until nothing is left. Unknown pids are orphans
 * reparented to us as subreaper (or PID 1): reaped and forgotten. */
void svscan_reap(struct svscan *s, uint64_t now)
{
	enum scantab_which w;
	pid_t pid;
	long i;
	int ws;

	for (;;) {
		pid = waitpid(-1, &ws, WNOHANG);
		if (pid < 0 && errno == ECHILD)
			s->children = 0;
		if (pid <= 0)
			return;
		i = scantab_find_pid(&s->tab, pid, &w);
		if (i >= 0)
			exited(s, &s->tab.v[i], w, ws, now);
	}
}

static void on_inotify(struct svscan *s, uint64_t now)
{
	_Alignas(struct inotify_event) char buf[8192];
	const struct inotify_event *ev;
	struct lx_inotify_iter it;
	int r, err;

	while (s->ino_fd >= 0) {
		r = lx_inotify_read(s->ino_fd, buf, sizeof buf, &it);
		if (r == 0)
			break;
		if (r < 0) {
			dt_warn_errno(-r, "unable to read inotify events, rescanning every 5 seconds");
			svscan_unwatch(s);
			break;
		}
		while ((ev = lx_inotify_next(&it, &err))) {
			enum scantab_inotify v = scantab_inotify_verdict(ev->mask);

			if (v == SCANTAB_IN_OVERFLOW) {
				dt_warn("inotify queue overflowed: rescanning");
			} else if (v == SCANTAB_IN_GONE) {
				dt_warn("directory no longer watched: rescanning every 5 seconds");
				svscan_unwatch(s);
				s->watch_warned = 1;
				break;
			}
		}
	}
	s->scan_at = now;
}

static void on_signals(struct svscan *s, uint64_t now)
{
	int sig;

	while ((sig = lx_sigfd_read(&s->sig)) > 0) {
		if (sig == SIGCHLD)
			svscan_reap(s, now);
		else if (sig == SIGHUP || sig == SIGALRM)
			s->scan_at = now;
		else if (sig == SIGTERM || sig == SIGINT)
			svscan_stop_begin(s, now);
	}
}

static uint64_t deadline(const struct svscan *s, uint64_t now)
{
	if (s->phase == PH_RUN)
		return s->scan_at > now ? s->scan_at : now;
	return svscan_stop_deadline(s, now);
}

static __attribute__((noreturn)) void run(struct svscan *s)
{
	struct lx_event ev[8];
	uint64_t now;
	int n, k;

	for (;;) {
		now = lx_now_mono_ns();
		if (s->phase == PH_RUN && now >= s->scan_at)
			scan(s, now);
		if (s->phase != PH_RUN)
			svscan_stop_step(s, now);
		n = lx_evloop_wait(&s->loop, ev, 8,
				   lx_evloop_timeout_ms(deadline(s, now), lx_now_mono_ns()));
		if (n < 0)
			dt_die_errno(DT_EX_TEMP, -n, "unable to wait for events");
		now = lx_now_mono_ns();
		for (k = 0; k < n; k++) {
			if (ev[k].tag == SVSCAN_TAG_SIG)
				on_signals(s, now);
			else if (ev[k].tag == SVSCAN_TAG_INOTIFY)
				on_inotify(s, now);
			else if (ev[k].tag == SVSCAN_TAG_DEPS)
				svscan_deps_event(s);
		}
	}
}

/* Cgroup trees that earlier supervise processes left (SIGKILLed with their
 * service down, a crash) are removed before any supervise starts; a tree a
 * live supervise owns is locked and stays (lx_cgroup_sweep). Best effort:
 * without a usable cgroup v2 there is nothing to sweep. */
static void sweep_cgroups(void)
{
	char root[LX_CGROUP_PATH_MAX];
	const char *override = getenv("SUPERVISE_CGROUP");

	if (override && !*override)
		override = NULL;
	if (lx_cgroup_probe(override, root, sizeof root, NULL) == 0)
		lx_cgroup_sweep(root);
}

int main(int argc, char **argv)
{
	struct svscan s;

	dt_progname = "svscan";
	memset(&s, 0, sizeof s);
	read_env(&s);
	/* compat: 0.76 takes one optional directory and ignores the rest. */
	if (argc > 1 && argv[1] && chdir(argv[1]) < 0)
		dt_die_sys(DT_EX_TEMP, "unable to chdir to %s", argv[1]);
	fill_std_fds();
	park();
	raise_nofile(&s);
	sweep_cgroups();
	svscan_fork_init(&s);
	open_loop(&s);
	svscan_deps_init(&s);
	s.ino_fd = -1;
	s.phase = PH_RUN;
	s.scan_at = 0;
	run(&s);
}

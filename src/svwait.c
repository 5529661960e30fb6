/* SPDX-License-Identifier: ISC */
/* svwait: waits until services reach a state, driven only by events:
 * inotify on each DIR/supervise/ (state and status are replaced by
 * rename: IN_MOVED_TO) and a pidfd on each supervise for its exit. It
 * never takes supervise/lock, so it cannot make a starting supervise fail. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/fdio.h>
#include <dt/svctl.h>
#include <dt/svopt.h>
#include <dt/svstate.h>
#include <dt/svstatus.h>
#include <dt/svwaitcond.h>
#include <lx/evloop.h>
#include <lx/inotify.h>
#include <lx/pidfd.h>
#include <lx/proclock.h>

#define USAGE "[-u|-d|-r|-x] [-a|-o] [-t SECONDS] DIR..."
#define TAG_INOTIFY 0 /* a pidfd's tag is its DIR's index + 1 */
#define MAX_HOLDERS 8

/* IN_MOVED_TO: state or status replaced. IN_CLOSE_WRITE of lock and
 * IN_CLOSE_NOWRITE of ok: a supervise closing them, i.e. exiting; they
 * catch the exit of a supervise whose pid could not be verified. */
#define WATCH_MASK (IN_MOVED_TO | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE | IN_DELETE_SELF | \
		    IN_MOVE_SELF | IN_ONLYDIR)

struct wdir {
	const char *name;
	char *sup;       /* "DIR/supervise" */
	int wd;          /* inotify watch, -1 without supervise/ */
	int pidfd;       /* the verified supervise, -1 */
	pid_t spid;      /* its pid, 0 if unknown */
	int exited;      /* the pidfd said it exited */
	int dirty;
};

struct ctx {
	struct svwait_opts o;
	struct wdir *d;
	enum svwait_verdict *v; /* sticky, one per DIR */
	size_t n;
	struct lx_evloop loop;
	int ino;
};

static int open_in(const struct wdir *d, const char *file, int flags)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof path, "%s/%s", d->sup, file) >= sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(path, flags | O_CLOEXEC);
}

/* svok's test: supervise keeps supervise/ok open for reading. */
static int is_running(const struct wdir *d)
{
	int fd = open_in(d, "ok", O_WRONLY | O_NONBLOCK);

	if (fd >= 0) {
		fd_close(fd);
		return 1;
	}
	if (errno == ENXIO || errno == ENOENT || errno == ENOTDIR)
		return 0;
	dt_die_sys(DT_EX_TEMP, "unable to open %s/ok", d->sup);
}

static int read_state(const struct wdir *d, struct svstate *st)
{
	char text[SVSTATE_TEXT_MAX];
	int r, fd = open_in(d, "state", O_RDONLY | O_NONBLOCK);

	if (fd < 0)
		return 0;
	r = svstate_read(fd, text, st);
	fd_close(fd);
	return r > 0;
}

static int read_status(const struct wdir *d, struct svstatus *st)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof path, "%s/status", d->sup) >= sizeof path)
		return 0;
	return svctl_status_file(path, st) == 0;
}

/* A pid read from a file or /proc/locks may be stale or recycled: keep a
 * pidfd only if, once it is open, that process holds supervise/lock. */
static int try_pid(struct ctx *c, size_t i, pid_t pid, const struct stat *lock)
{
	struct wdir *d = &c->d[i];
	int fd = lx_pidfd_open(pid);

	if (fd < 0)
		return 0;
	if (lx_proclock_pid_holds(pid, lock->st_dev, lock->st_ino) != 1) {
		fd_close(fd);
		return 0;
	}
	if (lx_evloop_add(&c->loop, fd, EPOLLIN, (uint32_t)i + 1) < 0) {
		fd_close(fd);
		return 0;
	}
	d->pidfd = fd;
	d->spid = pid;
	return 1;
}

/* Best effort: without a pidfd the inotify close events still report the
 * exit, so nothing here is fatal. */
static void attach_pidfd(struct ctx *c, size_t i, pid_t hint)
{
	struct wdir *d = &c->d[i];
	pid_t pids[MAX_HOLDERS];
	struct stat lock;
	int fd, n, k;

	if (d->pidfd >= 0 || d->exited)
		return;
	fd = open_in(d, "lock", O_PATH);
	if (fd < 0)
		return;
	if (fstat(fd, &lock) < 0) {
		fd_close(fd);
		return;
	}
	fd_close(fd);
	if (hint > 0 && try_pid(c, i, hint, &lock))
		return;
	n = lx_proclock_holders(lock.st_ino, pids, MAX_HOLDERS);
	for (k = 0; k < n; k++)
		if (pids[k] != hint && try_pid(c, i, pids[k], &lock))
			return;
}

static void snapshot(struct ctx *c, size_t i, struct svwait_snap *s)
{
	struct wdir *d = &c->d[i];
	struct svstate st;
	struct svstatus status;

	memset(s, 0, sizeof *s);
	s->running = is_running(d);
	s->exited = d->exited;
	s->has_state = read_state(d, &st);
	if (s->running)
		attach_pidfd(c, i, s->has_state ? (pid_t)st.supervise_pid : 0);
	/* A state file left behind by an earlier supervise of ours while a
	 * 0.76 one runs now: its supervise_pid is not the lock holder. */
	if (s->has_state && d->spid && st.supervise_pid != (uint32_t)d->spid)
		s->has_state = 0;
	if (s->has_state) {
		s->state = st.state;
		s->state_pid = st.pid;
	}
	if (read_status(d, &status)) {
		s->has_status = 1;
		s->status_pid = status.pid;
	}
}

static void judge(struct ctx *c, size_t i, int at_start)
{
	struct wdir *d = &c->d[i];
	struct svwait_snap s;

	if (c->v[i] != SVW_WAIT)
		return;
	snapshot(c, i, &s);
	if (at_start && c->o.goal != SVW_EXIT && !s.running)
		dt_die(DT_EX_TEMP, "unable to wait for %s: supervise not running", d->name);
	c->v[i] = svwait_judge(c->o.goal, &s);
	if (c->v[i] != SVW_WAIT && d->pidfd >= 0) {
		lx_evloop_del(&c->loop, d->pidfd);
		fd_close(d->pidfd);
		d->pidfd = -1;
	}
}

static void start_dir(struct ctx *c, size_t i, const char *name)
{
	struct wdir *d = &c->d[i];
	struct stat st;
	size_t len = strlen(name) + sizeof "/supervise";

	d->name = name;
	d->pidfd = -1;
	c->v[i] = SVW_WAIT;
	if (stat(name, &st) < 0)
		dt_die_sys(DT_EX_TEMP, "unable to open %s", name);
	d->sup = malloc(len);
	if (!d->sup)
		dt_die_errno(DT_EX_TEMP, ENOMEM, "unable to wait for %s", name);
	snprintf(d->sup, len, "%s/supervise", name);
	/* Watch first, then look: a change in between is not lost. */
	d->wd = lx_inotify_add(c->ino, d->sup, WATCH_MASK);
	if (d->wd < 0 && d->wd != -ENOENT && d->wd != -ENOTDIR)
		dt_die_errno(DT_EX_TEMP, -d->wd, "unable to watch %s", d->sup);
	judge(c, i, 1);
}

/* Only the names that matter: svwait's own reads of state and status and
 * its open of ok for writing also make events, and must not wake it up
 * for nothing. */
static int relevant(const struct inotify_event *ev)
{
	if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | IN_Q_OVERFLOW))
		return 1;
	if (ev->len == 0)
		return 0;
	if (ev->mask & IN_MOVED_TO)
		return strcmp(ev->name, "state") == 0 || strcmp(ev->name, "status") == 0;
	if (ev->mask & IN_CLOSE_WRITE)
		return strcmp(ev->name, "lock") == 0;
	if (ev->mask & IN_CLOSE_NOWRITE)
		return strcmp(ev->name, "ok") == 0;
	return 0;
}

static void mark(struct ctx *c, int wd, int gone)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		/* wd -1 is a queue overflow: events were lost, look at all */
		if (wd != -1 && c->d[i].wd != wd)
			continue;
		c->d[i].dirty = 1;
		if (gone && wd != -1)
			c->d[i].wd = -1;
	}
}

static void on_inotify(struct ctx *c)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	struct lx_inotify_iter it;
	int r, err;

	while ((r = lx_inotify_read(c->ino, buf, sizeof buf, &it)) > 0) {
		while ((ev = lx_inotify_next(&it, &err)))
			if (relevant(ev))
				mark(c, ev->wd, (ev->mask & IN_IGNORED) != 0);
		if (err)
			mark(c, -1, 0);
	}
	if (r < 0)
		dt_die_errno(DT_EX_TEMP, -r, "unable to read inotify events");
}

static void on_pidfd(struct ctx *c, size_t i)
{
	struct wdir *d = &c->d[i];

	if (d->pidfd < 0)
		return;
	lx_evloop_del(&c->loop, d->pidfd);
	fd_close(d->pidfd);
	d->pidfd = -1;
	d->exited = 1;
	d->dirty = 1;
}

static enum svwait_verdict run(struct ctx *c)
{
	uint64_t deadline = 0;
	struct lx_event ev[16];
	int n, k;
	size_t i;

	if (c->o.has_timeout)
		deadline = lx_now_mono_ns() + c->o.timeout_ns;
	for (;;) {
		enum svwait_verdict v = svwait_aggregate(c->o.any, c->v, c->n);
		uint64_t now = lx_now_mono_ns();

		if (v != SVW_WAIT || (deadline && now >= deadline))
			return v;
		n = lx_evloop_wait(&c->loop, ev, 16, lx_evloop_timeout_ms(deadline, now));
		if (n < 0)
			dt_die_errno(DT_EX_TEMP, -n, "unable to wait for events");
		for (k = 0; k < n; k++) {
			if (ev[k].tag == TAG_INOTIFY)
				on_inotify(c);
			else if (ev[k].tag <= c->n)
				on_pidfd(c, ev[k].tag - 1);
		}
		for (i = 0; i < c->n; i++)
			if (c->d[i].dirty) {
				c->d[i].dirty = 0;
				judge(c, i, 0);
			}
	}
}

static void setup(struct ctx *c, int argc, char **argv, int first)
{
	int r;

	c->n = (size_t)(argc - first);
	c->d = calloc(c->n, sizeof *c->d);
	c->v = calloc(c->n, sizeof *c->v);
	if (!c->d || !c->v)
		dt_die_errno(DT_EX_TEMP, ENOMEM, "unable to start");
	r = lx_evloop_open(&c->loop);
	if (r < 0)
		dt_die_errno(DT_EX_TEMP, -r, "unable to create epoll instance");
	c->ino = lx_inotify_open();
	if (c->ino < 0)
		dt_die_errno(DT_EX_TEMP, -c->ino, "unable to create inotify instance");
	r = lx_evloop_add(&c->loop, c->ino, EPOLLIN, TAG_INOTIFY);
	if (r < 0)
		dt_die_errno(DT_EX_TEMP, -r, "unable to watch inotify instance");
}

int main(int argc, char **argv)
{
	static struct ctx c;
	enum svwait_verdict v;
	int first;
	size_t i;

	dt_progname = "svwait";
	first = svwait_parse_args(argc, argv, &c.o);
	if (first < 0)
		dt_die_usage(DT_EX_USAGE, USAGE);
	setup(&c, argc, argv, first);
	for (i = 0; i < c.n; i++)
		start_dir(&c, i, argv[first + i]);
	v = run(&c);
	/* DESIGN.md section 6's exact text, not the "fatal:" grammar: the
	 * program worked, the service did not. */
	if (v == SVW_FAILED)
		for (i = 0; i < c.n; i++)
			if (c.v[i] == SVW_FAILED) {
				fprintf(stderr, "svwait: %s failed\n", c.d[i].name);
				return svwait_exit_code(v);
			}
	if (v == SVW_LOST)
		for (i = 0; i < c.n; i++)
			if (c.v[i] == SVW_LOST)
				dt_die(svwait_exit_code(v), "unable to wait for %s: supervise exited",
				       c.d[i].name);
	return svwait_exit_code(v);
}

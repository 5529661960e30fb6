/* SPDX-License-Identifier: ISC */
/* supervise's body, shared by the supervise program and svscan (which runs
 * it in a forked child instead of exec'ing an identical supervise binary):
 * starts DIR/run, restarts it, obeys supervise/control,
 * and keeps supervise/status (0.76's 18 bytes) and supervise/state.
 * One epoll loop over a signalfd, the children's pidfds, the control
 * fifo, the service cgroup's cgroup.events and the readiness channels;
 * every decision is made by the pure state machine in svfsm.c, this file
 * only performs what it says (supervise_cg.c: the cgroup; supervise_child.c:
 * starting run and finish; supervise_ready.c: readiness).
 *
 * Events go one way: a source (a signal, a control byte, a reaped child,
 * the cgroup, readiness) or an action's report (a spawn's result, an empty
 * cgroup) is posted to sv->q, and only drain(), called by the loop (and
 * once at start-up, before it), hands them to svfsm_step and performs the
 * actions. No action feeds the machine, so no action runs inside another
 * one's set. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/fdio.h>
#include <dt/scantab.h>
#include <dt/svconf.h>
#include <dt/svfsm.h>
#include <dt/svstate.h>
#include <dt/svstatus.h>
#include <lx/pidfd.h>

#include "supervise.h"

/* ---- the event queue ---------------------------------------------------- */

static void post(struct sv *sv, const struct svfsm_event *ev)
{
	struct sv_queue *q = &sv->q;

	/* See SV_QUEUE_MAX: a full queue is a broken bound, not load. */
	if (q->len == SV_QUEUE_MAX)
		dt_bug("%s: event queue full (event %d)", sv->dir, (int)ev->type);
	q->ev[(q->head + q->len) % SV_QUEUE_MAX] = *ev;
	q->len++;
}

/* An event stamped now; pid for SVE_SPAWNED and SVE_FINISH_SPAWNED. */
static void post_now(struct sv *sv, enum svfsm_event_type type, uint32_t pid)
{
	struct svfsm_event ev;

	sv_event_now(&ev, type);
	ev.pid = pid;
	post(sv, &ev);
}

static int take(struct sv *sv, struct svfsm_event *ev)
{
	struct sv_queue *q = &sv->q;

	if (!q->len)
		return 0;
	*ev = q->ev[q->head];
	q->head = (q->head + 1) % SV_QUEUE_MAX;
	q->len--;
	return 1;
}

/* ---- files: status, state, the service's settings ---------------------- */

/* What failed in the last write, for the one warning of an outage. */
struct write_err {
	const char *step; /* 0.76's three: "open", "write", "rename" */
	const char *name; /* "status" or "state" */
	int err;
};

/* 0.76's three steps (status.new, then rename), each of which may fail: 0,
 * or -errno with *we filled (the caller says it: see write_failed). */
static int replace(const char *name, const void *data, size_t len, struct write_err *we)
{
	char tmp[64], final[64];
	size_t nl = strlen(name);
	int fd, r;

	/* Built by hand: stdio's stack frames would cost a resident page in
	 * every supervise (names are our own short literals). */
	memcpy(final, "supervise/", 10);
	memcpy(final + 10, name, nl + 1);
	memcpy(tmp, final, 10 + nl);
	memcpy(tmp + 10 + nl, ".new", 5);
	we->name = name;
	we->step = "open";
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_CLOEXEC, 0644);
	if (fd < 0)
		return we->err = errno, -errno;
	we->step = "write";
	r = fd_write_all(fd, data, len);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		return we->err = -r, r;
	we->step = "rename";
	if (rename(tmp, final) < 0)
		return we->err = errno, -errno;
	return 0;
}

/* Everything big that supervise keeps, in one static block whose order is
 * chosen for memory: every page touched once stays resident in each of
 * 1,000 supervise processes, so the parts that are written sit together in
 * one page: sv's fields (after its mostly unused cgroup path), then ss's
 * fields, then the head of ss.cgroup, which supervise never needs as a
 * path (it hands svstate_format a pointer) and uses as the buffer for the
 * state text. Only a text longer than that (a cgroup path of several KiB)
 * goes to big, touched then and only then. Static, not on the stack. */
static struct {
	struct sv sv;
	struct svstate ss;
	char big[SVSTATE_TEXT_MAX];
} mem;

static int write_status(struct sv *sv, struct write_err *we)
{
	unsigned char rec[SVSTATUS_LEN];
	struct svstatus st;

	svfsm_status(&sv->m, &st);
	svstatus_encode(&st, rec);
	return replace("status", rec, sizeof rec, we);
}

/* A write of status or state failed. Until both are written, svstat and
 * svwait would read a state that is no longer true: keep them dirty and
 * retry every second (the loop's timeout), saying it once per outage, in
 * 0.76's words. A service directory removed under us is not an outage
 * that ends: say that once instead, take the service down and exit, as
 * SIGTERM does. */
static void write_failed(struct sv *sv, const struct write_err *we)
{
	struct stat sb;

	sv->dirty = 1;
	sv->retry_ns = lx_now_mono_ns() + SVCONF_NS;
	if (!sv->dir_gone && stat(".", &sb) == 0 && sb.st_nlink == 0) {
		sv->dir_gone = 1;
		sv->write_failing = 1;
		dt_warn("%s: the service directory has been removed: taking the service "
			"down, then exiting", sv->dir);
		post_now(sv, SVE_TERM, 0);
		return;
	}
	if (sv->write_failing)
		return;
	sv->write_failing = 1;
	if (we->step[0] == 'r')
		dt_warn_errno(we->err, "unable to rename %s/supervise/%s.new to %s (retrying "
			      "every second)", sv->dir, we->name, we->name);
	else
		dt_warn_errno(we->err, "unable to %s %s/supervise/%s.new (retrying every second)",
			      we->step, sv->dir, we->name);
}

static void announce(struct sv *sv)
{
	struct svstate *ss = &mem.ss;
	char *text = ss->cgroup;
	size_t cap = sizeof ss->cgroup;
	struct stat sb;
	struct write_err we = { "", "", 0 }, we2;
	int n, r;

	sv->dirty = 0;
	r = write_status(sv, &we);

	/* No memset: every field read by svstate_format is set below, and
	 * clearing the struct would touch every page of its cgroup array. */
	svfsm_state(&sv->m, ss);
	ss->normally_up = stat("down", &sb) < 0;
	ss->procs = sv_cg_procs(sv);
	ss->cgroup_path = sv->has_cg ? sv->cg.path : "none";
	ss->supervise_pid = sv->self_pid;
	/* The service's last STATUS= (NOTIFY_SOCKET), while it runs. */
	ss->status_text = sv->m.pid ? sv->status : "";
	/* The names of svscan's gate, while they hold a start. */
	ss->waiting_list = sv->m.state == SVS_WAITING ? sv->gate_names : "";
	ss->waiting_len = sv->m.state == SVS_WAITING ? sv->gate_len : 0;
	n = svstate_format(ss, text, cap);
	if (n < 0) {
		text = mem.big;
		cap = sizeof mem.big;
		n = svstate_format(ss, text, cap);
	}
	if (n > 0 && replace("state", text, (size_t)n, &we2) < 0 && r == 0) {
		we = we2;
		r = -1;
	}
	if (r < 0)
		write_failed(sv, &we);
	else
		sv->write_failing = 0;
}

static void read_settings(struct sv *sv, struct svconf *c)
{
	char buf[128];
	int f, n;

	svconf_defaults(c);
	for (f = 0; f < SVCONF_NFILES; f++) {
		const char *name = svconf_name((enum svconf_file)f);

		n = fd_read_path(name, buf, sizeof buf);
		if (n == -ENOENT)
			continue;
		if (n < 0)
			dt_warn_errno(-n, "unable to read %s/%s, using the default", sv->dir, name);
		else if (svconf_apply(c, (enum svconf_file)f, buf, (size_t)n) < 0)
			dt_warn("%s/%s: bad value, %s", sv->dir, name,
				svconf_bad_means((enum svconf_file)f));
	}
}

/* ---- children ----------------------------------------------------------- */

static void signal_child(struct child *c, int sig)
{
	/* -ESRCH: it has exited and its pidfd event is on its way. */
	if (c->pidfd >= 0)
		lx_pidfd_send_signal(c->pidfd, sig);
}

/* An adopted process is not our child: no status to reap; its pidfd
 * turns readable when it has exited. */
static int adopted_gone(struct child *c)
{
	struct pollfd p = { .fd = c->pidfd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

/* Returns 1 and fills ev if c was reaped. */
static int reap(struct sv *sv, struct child *c, struct svfsm_event *ev)
{
	int st = 0, r;

	if (c->pidfd < 0)
		return 0;
	if (c->adopted) {
		r = adopted_gone(c);
		ev->unknown = 1;
	} else {
		r = lx_pidfd_reap(c->pidfd, &st);
	}
	if (r <= 0)
		return 0;
	lx_evloop_del(&sv->loop, c->pidfd);
	fd_close(c->pidfd);
	c->pidfd = -1;
	c->pid = 0;
	c->adopted = 0;
	ev->code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	ev->sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	return 1;
}

/* Children we did not start (supervise exec'd by a process that had
 * some) are reaped and forgotten; our own are left to their pidfds. */
static void reap_strangers(struct sv *sv)
{
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof si);
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == 0)
			return;
		if (si.si_pid == sv->run.pid || si.si_pid == sv->finish.pid)
			return;
		waitpid(si.si_pid, NULL, WNOHANG);
	}
}

/* Posts at most two events (see SV_QUEUE_MAX). */
static void reap_children(struct sv *sv)
{
	struct svfsm_event ev;

	sv_event_now(&ev, SVE_RUN_EXITED);
	if (reap(sv, &sv->run, &ev)) {
		sv_ready_close(sv);
		post(sv, &ev);
	}
	sv_event_now(&ev, SVE_FINISH_EXITED);
	if (reap(sv, &sv->finish, &ev))
		post(sv, &ev);
	reap_strangers(sv);
}

/* ---- the machine's actions ---------------------------------------------- */

/* Carries out one action set. What an action reports (a spawn's result,
 * an empty cgroup) is posted, to be fed after this set is done: the
 * machine asks for at most one such action per set, so this is the order
 * it would hear it in anyway. */
static void perform(struct sv *sv, const struct svfsm_actions *a)
{
	enum svfsm_event_type t;

	if (a->flags & SVA_SIGNAL)
		signal_child(&sv->run, a->sig);
	if (a->flags & SVA_CONT)
		signal_child(&sv->run, SIGCONT);
	if (a->flags & SVA_KILL_FINISH)
		signal_child(&sv->finish, SIGKILL);
	if ((a->flags & SVA_STRAYS_TERM) && sv_cg_strays_term(sv))
		post_now(sv, SVE_STRAYS_GONE, 0);
	if ((a->flags & SVA_STRAYS_KILL) && sv_cg_strays_kill(sv, a->strays_kills))
		post_now(sv, SVE_STRAYS_GONE, 0);
	/* Announcements are coalesced to one per wakeup, written after the
	 * spawns: a restart forks first and renames after (on ext4 a rename
	 * over an existing file flushes the new one, milliseconds), and the
	 * files show where the wakeup ended, as 0.76's do. */
	if (a->flags & SVA_ANNOUNCE)
		sv->dirty = 1;
	if (a->flags & SVA_SPAWN_FINISH) {
		t = sv_start_finish(sv, a->finish_args);
		post_now(sv, t, t == SVE_FINISH_SPAWNED ? (uint32_t)sv->finish.pid : 0);
	}
	if (a->flags & SVA_SPAWN_RUN) {
		read_settings(sv, &sv->m.conf);
		t = sv_start_run(sv);
		post_now(sv, t, t == SVE_SPAWNED ? (uint32_t)sv->run.pid : 0);
	}
	if (a->flags & SVA_EXIT) {
		/* Descriptors first: the writes and the cgroup's removal below
		 * each need one, and a supervise at its limit would leave a
		 * stale status and a leaked cgroup. What the last announce
		 * may post (SIGTERM's equivalent) is moot: exiting is. */
		lx_evloop_close(&sv->loop);
		fd_close(sv->fd_control);
		announce(sv);
		sv_ready_exit(sv);
		sv_cg_exit(sv);
		_exit(0);
	}
}

/* The only caller of svfsm_step: each event in turn, with the actions it
 * asks for, until nothing is pending. */
static void drain(struct sv *sv)
{
	struct svfsm_event ev;
	struct svfsm_actions a;

	while (take(sv, &ev)) {
		svfsm_step(&sv->m, &ev, &a);
		perform(sv, &a);
	}
}

/* ---- setup, in 0.76's order and with its messages ------------------------ */

static void open_signals(struct sv *sv)
{
	sigset_t set;
	int r;

	/* SIGPIPE is taken too: a warning to a vanished log reader must not
	 * kill supervise; blocked here, the child gets it back unblocked. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGPIPE);
	r = lx_sigfd_open(&sv->sig, &set);
	if (r < 0)
		dt_die_errno(DT_EX_TEMP, -r, "unable to create signalfd for %s", sv->dir);
	r = lx_evloop_open(&sv->loop);
	if (r < 0)
		dt_die_errno(DT_EX_TEMP, -r, "unable to create epoll instance for %s", sv->dir);
	r = lx_evloop_add(&sv->loop, sv->sig.fd, EPOLLIN, TAG_SIGNAL);
	if (r < 0)
		dt_die_errno(DT_EX_TEMP, -r, "unable to watch signalfd for %s", sv->dir);
}

/* Kept out of line and off the common path: its PATH_MAX frame would
 * otherwise push every later call a page deeper, and stack pages touched
 * once stay resident (PSS that 1,000 supervise processes each pay). */
static __attribute__((noinline)) void make_link_target(void)
{
	char target[4096];
	ssize_t n = readlink("supervise", target, sizeof target - 1);

	if (n < 0)
		dt_die_sys(DT_EX_TEMP, "unable to readlink ./supervise");
	target[n] = 0;
	mkdir(target, 0700);
}

/* Debian's 0.76 follows a `supervise` symlink to a missing directory
 * (read-only service trees with state elsewhere) and creates the target. */
static void make_supervise_dir(void)
{
	struct stat sb;

	if (mkdir("supervise", 0700) == 0 || errno != EEXIST)
		return;
	if (stat("supervise", &sb) == 0 || lstat("supervise", &sb) < 0 || !S_ISLNK(sb.st_mode))
		return;
	make_link_target();
}

/* The directory's name as messages show it: a name holding a newline or
 * another control byte would split a line of the log that collects our
 * stderr, so those are escaped as svscan escapes them. Copied only then:
 * every page supervise touches stays resident, 1,000 times over. */
static const char *printable(const char *dir)
{
	size_t n = strlen(dir), i, cap;
	char *p;

	for (i = 0; i < n; i++)
		if ((unsigned char)dir[i] < 32 || dir[i] == 127)
			break;
	if (i == n)
		return dir;
	cap = 4 * n + 1;
	p = malloc(cap);
	if (!p)
		return dir;
	scantab_name_printable(dir, p, cap);
	return p;
}

static void enter_dir(struct sv *sv, const char *path)
{
	struct stat sb;

	if (chdir(path) < 0)
		dt_die_sys(DT_EX_TEMP, "unable to chdir to %s", sv->dir);
	if (stat("down", &sb) < 0 && errno != ENOENT)
		dt_die_sys(DT_EX_TEMP, "unable to stat %s/down", sv->dir);
	if (stat(".", &sb) < 0)
		dt_die_sys(DT_EX_TEMP, "unable to stat %s", sv->dir);
	sv->dev = sb.st_dev;
	sv->ino = sb.st_ino;
	make_supervise_dir();
	sv->fd_lock = open("supervise/lock",
			   O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0600);
	if (sv->fd_lock < 0 || flock(sv->fd_lock, LOCK_EX | LOCK_NB) < 0)
		dt_die_sys(DT_EX_TEMP, "unable to acquire %s/supervise/lock", sv->dir);
}

/* supervise/ is supervise's own directory, and what sits at a fifo's name
 * there must be a fifo: anything else (a regular file left by a script,
 * an empty directory) is said once and replaced, and supervise goes on. */
static int open_fifo(struct sv *sv, const char *name, int flags)
{
	struct stat sb;
	int fd;

	if (mkfifo(name, 0600) < 0 && errno != EEXIST)
		return -1;
	if (lstat(name, &sb) == 0 && !S_ISFIFO(sb.st_mode)) {
		dt_warn("%s/%s is not a fifo: replacing it with one", sv->dir, name);
		if ((S_ISDIR(sb.st_mode) ? rmdir(name) : unlink(name)) < 0 ||
		    mkfifo(name, 0600) < 0)
			return -1;
	}
	fd = open(name, flags | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0 && (fstat(fd, &sb) < 0 || !S_ISFIFO(sb.st_mode))) {
		/* Swapped between the check and the open: not ours to read. */
		fd_close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

static void open_control(struct sv *sv)
{
	/* O_RDWR: we are a writer too, so the fifo never reports end of file
	 * or EPOLLHUP when the last svc goes away. */
	sv->fd_control = open_fifo(sv, "supervise/control", O_RDWR);
	if (sv->fd_control < 0 ||
	    lx_evloop_add(&sv->loop, sv->fd_control, EPOLLIN, TAG_CONTROL) < 0) {
		int e = errno;

		sv_cg_exit(sv); /* made already: not to be left behind */
		dt_die_errno(DT_EX_TEMP, e, "unable to read %s/supervise/control", sv->dir);
	}
}

static void open_ok(struct sv *sv)
{
	/* Held open and never read: svok's non-blocking open for writing
	 * succeeds exactly while a reader exists. */
	sv->fd_ok = open_fifo(sv, "supervise/ok", O_RDONLY);
	if (sv->fd_ok < 0) {
		int e = errno;

		/* Nothing started yet (the first start is the loop's): the
		 * cgroup made for it goes. */
		sv_cg_exit(sv);
		dt_die_errno(DT_EX_TEMP, e, "unable to read %s/supervise/ok", sv->dir);
	}
}

/* ---- the loop -------------------------------------------------------------- */

/* The event sources: each posts what one read brought (at most two
 * events) and returns 0 when there is nothing more to read; the loop
 * drains after each. */

/* svscan's gate as the file says now: SVE_GATE, unless it cannot be read. */
static void post_gate(struct sv *sv)
{
	struct svfsm_event ev;
	int r = sv_gate_read(sv);

	if (r < 0)
		return;
	sv_event_now(&ev, SVE_GATE);
	ev.gate_closed = r;
	post(sv, &ev);
}

/* One byte per read: the machine hears a byte, and what its actions
 * report, before the next byte (svc -du: the start's result first). */
static int on_control(struct sv *sv)
{
	unsigned char c;
	struct svfsm_event ev;

	if (fd_read(sv->fd_control, &c, 1) != 1)
		return 0;
	/* svscan's poke: the gate file changed. Not an svc command (0.76
	 * ignores it as an unknown byte), and nothing without the gate. */
	if (c == 'G') {
		if (sv->gated)
			post_gate(sv);
		return 1;
	}
	sv_event_now(&ev, SVE_CONTROL);
	ev.ctl = c;
	post(sv, &ev);
	return 1;
}

static int on_signal(struct sv *sv)
{
	int sig = lx_sigfd_read(&sv->sig);

	if (sig <= 0)
		return 0;
	if (sig == SIGTERM)
		post_now(sv, SVE_TERM, 0);
	else if (sig == SIGCHLD)
		reap_children(sv);
	return 1;
}

static void on_wakeup(struct sv *sv, enum tag tag)
{
	switch (tag) {
	case TAG_SIGNAL:
		while (on_signal(sv))
			drain(sv);
		break;
	case TAG_CONTROL:
		while (on_control(sv))
			drain(sv);
		break;
	case TAG_RUN:
	case TAG_FINISH:
		reap_children(sv);
		break;
	case TAG_CGROUP:
		if (sv_cg_on_events(sv))
			post_now(sv, SVE_STRAYS_GONE, 0);
		break;
	case TAG_NOTIFY_FD:
		if (sv_ready_on_pipe(sv))
			post_now(sv, SVE_READY, 0);
		break;
	case TAG_NOTIFY_SOCK:
		if (sv_ready_on_socket(sv))
			post_now(sv, SVE_READY, 0);
		break;
	}
	drain(sv);
}

static __attribute__((noreturn)) void loop(struct sv *sv)
{
	struct lx_event ev[8];
	int i, n;

	for (;;) {
		uint64_t deadline = svfsm_deadline(&sv->m);

		if (deadline && lx_now_mono_ns() >= deadline)
			post_now(sv, SVE_TIMER, 0);
		drain(sv);
		if (sv->dirty && (!sv->write_failing || lx_now_mono_ns() >= sv->retry_ns))
			announce(sv);
		drain(sv); /* a removed directory: SVE_TERM */
		if (sv->cg_enter)
			sv_cg_enter_self(sv);
		if (sv->notify_resume_ns && lx_now_mono_ns() >= sv->notify_resume_ns)
			sv_ready_resume(sv);
		deadline = svfsm_deadline(&sv->m);
		if (sv->dirty && sv->write_failing && (!deadline || sv->retry_ns < deadline))
			deadline = sv->retry_ns;
		if (sv->notify_resume_ns && (!deadline || sv->notify_resume_ns < deadline))
			deadline = sv->notify_resume_ns;
		n = lx_evloop_wait(&sv->loop, ev, 8,
				   lx_evloop_timeout_ms(deadline, lx_now_mono_ns()));
		for (i = 0; i < n; i++)
			on_wakeup(sv, (enum tag)ev[i].tag);
	}
}

void supervise_main(int argc, char **argv)
{
	struct sv *sv = &mem.sv;
	struct svfsm_event ev, adopt;
	struct write_err we;
	struct stat sb;
	int adopted;

	dt_progname = "supervise";
	sv->run.pidfd = sv->finish.pidfd = -1;
	sv->notify_rfd = sv->notify_sock = -1;
	sv->svc_uid = (uid_t)-1;
	if (argc != 2)
		dt_die_usage(DT_EX_USAGE, "dir");
	sv_gate_setup(sv);
	sv->dir = printable(argv[1]);
	sv->self_pid = (uint32_t)getpid();
	svfsm_init(&sv->m);
	open_signals(sv);
	enter_dir(sv, argv[1]);
	sv_cg_setup(sv);
	open_control(sv);
	/* After the fifo is open, so that no rewrite of the gate falls
	 * between this read and the first 'G' we can hear; before INIT, so
	 * that the first start already sees it. With INIT and ADOPTED that
	 * is three events before the first drain, within SV_QUEUE_MAX. */
	if (sv->gated)
		post_gate(sv);
	sv_event_now(&ev, SVE_INIT);
	ev.normally_up = stat("down", &sb) < 0;
	adopted = sv_adopt(sv, &ev, &adopt);
	/* stray-grace and timeout-kill apply before any start here. */
	if (adopted || ev.leftovers)
		read_settings(sv, &sv->m.conf);
	post(sv, &ev);
	if (adopted)
		post(sv, &adopt);
	/* Before the loop, so that status below says what INIT made. */
	drain(sv);
	/* compat: 0.76 writes status, then makes ok, then starts (the loop's
	 * first turn, which also writes supervise/state: not here as well,
	 * since every replaced file is an inode made and one freed, and on
	 * ext4 without a journal each new inode costs a search past the
	 * recently freed ones). */
	if (write_status(sv, &we) < 0)
		write_failed(sv, &we);
	drain(sv); /* a removed directory: SVE_TERM, exiting before ok */
	open_ok(sv);
	loop(sv);
}

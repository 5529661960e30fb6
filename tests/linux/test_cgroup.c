/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <linux/sched.h>

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <criterion/criterion.h>

#include <dt/cgpath.h>
#include <dt/cglimit.h>
#include <lx/cgroup.h>
#include <lx/evloop.h>

#include "cgtest.h"

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

static struct cgtest t;

static void setup(void)
{
	cgtest_setup(&t);
}

static void teardown(void)
{
	cgtest_teardown(&t);
}

TestSuite(cgroup, .init = setup, .fini = teardown, .timeout = 180);

/* Criterion skips .fini after cr_skip_test: clean up first. */
#define SKIP(...)                                 \
	do {                                      \
		cgtest_teardown(&t);               \
		cr_skip_test(__VA_ARGS__);         \
	} while (0)

/* A child that waits until the write end of *gate closes, then exits. */
static pid_t gated_child(int gate[2])
{
	char c;
	pid_t pid;

	cr_assert_eq(pipe2(gate, O_CLOEXEC), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(gate[1]);
		(void)!read(gate[0], &c, 1);
		_exit(0);
	}
	close(gate[0]);
	return pid;
}

static void reap(pid_t pid)
{
	int st;

	cr_assert_eq(waitpid(pid, &st, 0), pid);
}

/* Limit of a wait for an event that must come: it only turns a hang into a
 * failure, so it is generous (a loaded machine runs tests slowly). */
#define WAIT_MS 60000

/* Waits up to ms for EPOLLPRI on the events fd and returns populated. */
static int wait_populated(struct lx_cgroup *cg, int want, int ms)
{
	struct lx_evloop loop;
	struct lx_event ev;
	int r, waited = 0;

	cr_assert_eq(lx_evloop_open(&loop), 0);
	cr_assert_eq(lx_evloop_add(&loop, cg->events_fd, EPOLLPRI, 1), 0);
	r = lx_cgroup_populated(cg);
	while (r != want && waited < ms) {
		if (lx_evloop_wait(&loop, &ev, 1, 100) == 1)
			cr_assert(ev.events & EPOLLPRI);
		waited += 100;
		r = lx_cgroup_populated(cg);
	}
	lx_evloop_close(&loop);
	return r;
}

Test(cgroup, probe_finds_a_cgroup2_root)
{
	char buf[64];

	cr_assert_eq(t.root[0], '/');
	cr_assert_geq(cgtest_read(t.root, "cgroup.procs", buf, sizeof buf), 0);
	cr_assert_geq(cgtest_read(t.root, "cgroup.controllers", buf, sizeof buf), 0);
}

Test(cgroup, probe_override_errors)
{
	char root[LX_CGROUP_PATH_MAX];
	enum lx_cgroup_step step = LX_CG_DELEGATION;

	cr_assert_eq(lx_cgroup_probe("/nonexistent/dtng", root, sizeof root, &step), -ENOENT);
	cr_assert_eq(step, LX_CG_DIR);
	cr_assert_eq(lx_cgroup_probe("/tmp", root, sizeof root, &step), -EMEDIUMTYPE);
	cr_assert_eq(step, LX_CG_DIR);
	cr_assert_eq(lx_cgroup_probe("/proc/self/cgroup", root, sizeof root, &step), -ENOTDIR);
	cr_assert_eq(step, LX_CG_DIR);
	cr_assert_eq(lx_cgroup_probe("relative", root, sizeof root, &step), -EINVAL);
	cr_assert_eq(step, LX_CG_OVERRIDE);
	cr_assert_eq(lx_cgroup_probe(t.dir, root, 4, &step), -ENAMETOOLONG);
	cr_assert_eq(step, LX_CG_OVERRIDE);
	cr_assert_eq(lx_cgroup_probe(t.dir, root, sizeof root, &step), 0);
	cr_assert_str_eq(root, t.dir);
}

/* A read-only mount of the test cgroup, in a private mount namespace of a
 * child so nothing else sees it. */
Test(cgroup, probe_override_read_only)
{
	pid_t pid = fork();
	int st;

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char root[LX_CGROUP_PATH_MAX];

		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount(t.dir, t.dir, NULL, MS_BIND, NULL) < 0 ||
		    mount(NULL, t.dir, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
			_exit(200);
		_exit(-lx_cgroup_probe(t.dir, root, sizeof root, NULL));
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	if (WEXITSTATUS(st) == 200)
		SKIP("cannot make a private read-only bind mount here");
	cr_assert_eq(WEXITSTATUS(st), EROFS);
}

Test(cgroup, open_makes_leaves_and_reopens)
{
	struct lx_cgroup cg, again;
	char want[2 * LX_CGROUP_PATH_MAX + 128], buf[64];

	cr_assert_eq(lx_cgroup_open(&cg, t.dir, 7, 9), 0);
	snprintf(want, sizeof want, "%s/dtng-7-9", t.dir);
	cr_assert_str_eq(cg.path, want);
	strcat(want, "/service");
	cr_assert_geq(cgtest_read(want, "cgroup.events", buf, sizeof buf), 0);
	cr_assert_eq(lx_cgroup_populated(&cg), 0);
	cr_assert_eq(lx_cgroup_procs(&cg, NULL, 0), 0);
	cr_assert_eq(cg.svc_fresh, 1, "service/ made now");
	cr_assert_eq(lx_cgroup_sweep(t.dir), 0, "a tree its owner holds is not swept");
	cr_assert_geq(cgtest_read(want, "cgroup.events", buf, sizeof buf), 0);
	lx_cgroup_close(&cg);
	/* The owner gone (its lock with it): the next one reuses the tree. */
	cr_assert_eq(lx_cgroup_open(&again, t.dir, 7, 9), 0, "a predecessor's tree is reused");
	cr_assert_eq(again.svc_fresh, 0, "a predecessor's service/ is not fresh");
	lx_cgroup_close(&again);
	cr_assert_eq(lx_cgroup_sweep(t.dir), 1, "an empty tree nobody holds is swept");
	lx_cgroup_close(&cg);
	cr_assert_eq(cg.svc_fd, -1);
	cr_assert_eq(lx_cgroup_open(&cg, "/nonexistent", 7, 9), -ENOENT);
	lx_cgroup_close(&cg);
}

/* nr_dying_descendants of DIR's cgroup.stat, or -1. */
static long dying(const char *dir)
{
	char buf[512], *p;

	if (cgtest_read(dir, "cgroup.stat", buf, sizeof buf) < 0)
		return -1;
	p = strstr(buf, "nr_dying_descendants ");
	return p ? strtol(p + 21, NULL, 10) : -1;
}

/* The probe makes no test cgroup: whether one can be made is learnt from
 * the real mkdir (its errno is worded by supervise, the caller). */
Test(cgroup, probe_makes_no_cgroup)
{
	char root[LX_CGROUP_PATH_MAX];
	long before = dying(t.dir), after;

	/* A cgroup made and removed stays "dying" for a while after. */
	cr_assert_geq(before, 0);
	cr_assert_eq(lx_cgroup_probe(t.dir, root, sizeof root, NULL), 0);
	after = dying(t.dir);
	cr_assert_leq(after, before, "the probe made and removed a cgroup (%ld dying, %ld before)",
		      after, before);
}

Test(cgroup, enter_procs_has_pid)
{
	struct lx_cgroup cg;
	pid_t pids[4];
	int gate[2];
	pid_t child;

	cr_assert_eq(lx_cgroup_open(&cg, t.dir, 1, 2), 0);
	child = gated_child(gate);
	cr_assert_eq(lx_cgroup_enter_service(&cg, child), 0);
	cr_assert_eq(lx_cgroup_procs(&cg, pids, 4), 1);
	cr_assert_eq(pids[0], child);
	cr_assert_eq(lx_cgroup_has_pid(&cg, child), 1);
	cr_assert_eq(lx_cgroup_has_pid(&cg, getpid()), 0);
	cr_assert_eq(lx_cgroup_populated(&cg), 1);
	cr_assert_eq(lx_cgroup_enter_service(&cg, 999999999), -ESRCH);
	close(gate[1]);
	reap(child);
	cr_assert_eq(wait_populated(&cg, 0, WAIT_MS), 0);
	lx_cgroup_close(&cg);
}

Test(cgroup, clone3_into_cgroup)
{
	struct clone_args ca = { .exit_signal = SIGCHLD };
	struct lx_cgroup cg;
	char path[64], buf[512];
	int gate[2];
	pid_t pid;

	cr_assert_eq(lx_cgroup_open(&cg, t.dir, 3, 4), 0);
	lx_cgroup_clone_args(&cg, &ca);
	cr_assert(ca.flags & CLONE_INTO_CGROUP);
	cr_assert_eq(ca.cgroup, (uint64_t)cg.svc_fd);
	cr_assert_eq(pipe2(gate, O_CLOEXEC), 0);
	pid = syscall(SYS_clone3, &ca, sizeof ca);
	if (pid < 0 && (errno == ENOSYS || errno == E2BIG))
		SKIP("no clone3 with CLONE_INTO_CGROUP: %s", strerror(errno));
	cr_assert_geq(pid, 0, "clone3: %s", strerror(errno));
	if (pid == 0) {
		char c;

		close(gate[1]);
		(void)!read(gate[0], &c, 1);
		_exit(0);
	}
	close(gate[0]);
	cr_assert_eq(lx_cgroup_has_pid(&cg, pid), 1, "born inside service/");
	snprintf(path, sizeof path, "/proc/%d", (int)pid);
	cr_assert_gt(cgtest_read(path, "cgroup", buf, sizeof buf), 0);
	cr_assert(strstr(buf, "/dtng-3-4/service\n"), "%s", buf);
	close(gate[1]);
	reap(pid);
	lx_cgroup_close(&cg);
}

/* Runs a clone3 CLONE_INTO_CGROUP child that exits 7 on its own; returns
 * its wait status. */
static int born_into(int cgfd)
{
	struct clone_args ca = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD };
	pid_t pid;
	int st;

	ca.cgroup = (uint64_t)cgfd;
	pid = syscall(SYS_clone3, &ca, sizeof ca);
	if (pid == 0) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		nanosleep(&ts, NULL);
		_exit(7);
	}
	cr_assert_geq(pid, 0, "clone3: %s", strerror(errno));
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return st;
}

Test(cgroup, renew_after_kill_lets_children_live)
{
	struct lx_cgroup cg;
	int st;

	cr_assert_eq(lx_cgroup_open(&cg, t.dir, 3, 5), 0);
	st = born_into(cg.svc_fd);
	if (WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) != 7))
		SKIP("clone3 CLONE_INTO_CGROUP does not work here");
	cr_assert_eq(lx_cgroup_kill(&cg), 0);
	st = born_into(cg.svc_fd);
	if (WIFEXITED(st))
		cr_log_info("this kernel lets CLONE_INTO_CGROUP children live after cgroup.kill");
	cr_assert_eq(lx_cgroup_renew_service(&cg), 0);
	cr_assert_geq(cg.events_fd, 0);
	cr_assert_eq(lx_cgroup_populated(&cg), 0);
	st = born_into(cg.svc_fd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 7, "a child in the new leaf lives");
	lx_cgroup_close(&cg);
}

Test(cgroup, renew_refuses_a_populated_leaf)
{
	struct lx_cgroup cg;
	int gate[2], svc;
	pid_t pid;

	cr_assert_eq(lx_cgroup_open(&cg, t.dir, 3, 6), 0);
	pid = gated_child(gate);
	cr_assert_eq(lx_cgroup_enter_service(&cg, pid), 0);
	svc = cg.svc_fd;
	cr_assert_eq(lx_cgroup_renew_service(&cg), -EBUSY);
	cr_assert_eq(cg.svc_fd, svc, "nothing changed");
	cr_assert_eq(lx_cgroup_has_pid(&cg, pid), 1);
	close(gate[1]);
	reap(pid);
	lx_cgroup_close(&cg);
}

Test(cgroup, epollpri_on_empty)
{
	struct lx_evloop loop;
	struct lx_event ev;
	struct lx_cgroup cg;
	int gate[2];
	pid_t child;

	cr_assert_eq(lx_cgroup_open(&cg, t.dir, 5, 6), 0);
	cr_assert_eq(lx_evloop_open(&loop), 0);
	cr_assert_eq(lx_evloop_add(&loop, cg.events_fd, EPOLLPRI, 7), 0);
	cr_assert_eq(lx_evloop_wait(&loop, &ev, 1, 0), 0, "quiet after open");
	child = gated_child(gate);
	cr_assert_eq(lx_cgroup_enter_service(&cg, child), 0);
	cr_assert_eq(lx_evloop_wait(&loop, &ev, 1, WAIT_MS), 1, "populated 0 -> 1 reported");
	cr_assert_eq(lx_cgroup_populated(&cg), 1);
	cr_assert_eq(lx_evloop_wait(&loop, &ev, 1, 0), 0, "reading re-armed it");
	close(gate[1]);
	reap(child);
	cr_assert_eq(lx_evloop_wait(&loop, &ev, 1, WAIT_MS), 1, "populated 1 -> 0 reported");
	cr_assert_eq(ev.tag, 7);
	cr_assert(ev.events & EPOLLPRI);
	cr_assert_eq(lx_cgroup_populated(&cg), 0);
	lx_evloop_close(&loop);
	lx_cgroup_close(&cg);
}

/* The daemontools weakness: run forks a child that makes its own session,
 * ignores SIGTERM and outlives run. Returns that grandchild's pid. */
static pid_t double_fork_stray(struct lx_cgroup *cg)
{
	struct clone_args ca = { .exit_signal = SIGCHLD };
	int p[2];
	pid_t pid, stray;

	lx_cgroup_clone_args(cg, &ca);
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	pid = syscall(SYS_clone3, &ca, sizeof ca);
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (fork() == 0) {
			pid_t me;

			setsid();
			signal(SIGTERM, SIG_IGN);
			me = getpid();
			(void)!write(p[1], &me, sizeof me);
			close(p[1]);
			for (;;)
				pause();
		}
		_exit(0);
	}
	close(p[1]);
	cr_assert_eq(read(p[0], &stray, sizeof stray), (ssize_t)sizeof stray);
	close(p[0]);
	reap(pid);
	return stray;
}

Test(cgroup, term_then_kill_gets_the_stray)
{
	struct lx_cgroup cg;
	pid_t stray;

	cr_assert_eq(lx_cgroup_open(&cg, t.dir, 8, 1), 0);
	stray = double_fork_stray(&cg);
	cr_assert_eq(lx_cgroup_procs(&cg, NULL, 0), 1);
	cr_assert_eq(lx_cgroup_has_pid(&cg, stray), 1);
	cr_assert_eq(lx_cgroup_signal(&cg, SIGTERM), 1);
	/* The stray set SIG_IGN before it sent its pid: the kernel drops an
	 * ignored signal when it is sent, so no later look could differ. */
	cr_assert_eq(kill(stray, 0), 0, "TERM is ignored");
	cr_assert_eq(lx_cgroup_populated(&cg), 1, "TERM is ignored");
	cr_assert_eq(lx_cgroup_kill(&cg), 0);
	cr_assert_eq(wait_populated(&cg, 0, WAIT_MS), 0, "cgroup.kill took it");
	cr_assert_eq(lx_cgroup_procs(&cg, NULL, 0), 0);
	lx_cgroup_close(&cg);
}

Test(cgroup, kill_fallback_without_cgroup_kill)
{
	struct lx_cgroup cg;
	char buf[64], dir[2 * LX_CGROUP_PATH_MAX];

	cr_assert_eq(lx_cgroup_open(&cg, t.dir, 8, 2), 0);
	double_fork_stray(&cg);
	double_fork_stray(&cg);
	cr_assert_eq(lx_cgroup_procs(&cg, NULL, 0), 2);
	cr_assert_eq(lx_cgroup_kill_slow(&cg), 0);
	cr_assert_eq(lx_cgroup_procs(&cg, NULL, 0), 0);
	cr_assert_eq(wait_populated(&cg, 0, WAIT_MS), 0);
	snprintf(dir, sizeof dir, "%s/service", cg.path);
	if (cgtest_read(dir, "cgroup.freeze", buf, sizeof buf) > 0)
		cr_assert_str_eq(buf, "0\n", "thawed again for the next start");
	lx_cgroup_close(&cg);
}

Test(cgroup, signal_term_ends_a_plain_child)
{
	struct lx_cgroup cg;
	int gate[2], st;
	pid_t child;

	cr_assert_eq(lx_cgroup_open(&cg, t.dir, 8, 3), 0);
	child = gated_child(gate);
	cr_assert_eq(lx_cgroup_enter_service(&cg, child), 0);
	cr_assert_eq(lx_cgroup_signal(&cg, SIGTERM), 1);
	cr_assert_eq(waitpid(child, &st, 0), child);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	cr_assert_eq(lx_cgroup_signal(&cg, SIGTERM), 0, "nothing left to signal");
	close(gate[1]);
	lx_cgroup_close(&cg);
}

Test(cgroup, adopt_checks_membership)
{
	struct lx_cgroup cg;
	int gate[2], fd;
	pid_t child;

	cr_assert_eq(lx_cgroup_open(&cg, t.dir, 9, 1), 0);
	child = gated_child(gate);
	cr_assert_eq(lx_cgroup_adopt(&cg, child), -ESRCH, "not yet a member");
	cr_assert_eq(lx_cgroup_enter_service(&cg, child), 0);
	fd = lx_cgroup_adopt(&cg, child);
	cr_assert_geq(fd, 0);
	cr_assert_eq(lx_cgroup_adopt(&cg, getpid()), -ESRCH);
	cr_assert_eq(lx_cgroup_adopt(&cg, 0), -ESRCH);
	cr_assert_eq(lx_cgroup_adopt(&cg, 999999999), -ESRCH);
	close(fd);
	close(gate[1]);
	reap(child);
	lx_cgroup_close(&cg);
}

Test(cgroup, supervise_leaf_and_remove)
{
	struct lx_cgroup cg;
	char buf[512], want[2 * LX_CGROUP_PATH_MAX + 128];
	struct stat st;
	int gate[2];
	pid_t child;

	cr_assert_eq(lx_cgroup_open(&cg, t.dir, 9, 2), 0);
	cr_assert_eq(lx_cgroup_enter_supervise(&cg, 0), 0);
	cr_assert_gt(cgtest_read("/proc/self", "cgroup", buf, sizeof buf), 0);
	cr_assert(strstr(buf, "/dtng-9-2/supervise\n"), "%s", buf);
	child = gated_child(gate);
	cr_assert_eq(lx_cgroup_enter_service(&cg, child), 0);
	snprintf(want, sizeof want, "%s", cg.path);
	cr_assert_eq(lx_cgroup_remove(&cg), -EBUSY, "service/ still populated");
	cr_assert_eq(stat(want, &st), 0, "so the tree stays");
	cr_assert_eq(cg.svc_fd, -1, "fds closed anyway");
	close(gate[1]);
	reap(child);
	cr_assert_eq(lx_cgroup_open(&cg, t.dir, 9, 2), 0);
	cr_assert_eq(wait_populated(&cg, 0, WAIT_MS), 0);
	cr_assert_eq(lx_cgroup_enter_supervise(&cg, 0), 0);
	cr_assert_eq(lx_cgroup_remove(&cg), 0);
	cr_assert_eq(stat(want, &st), -1);
	cr_assert_eq(errno, ENOENT);
	cr_assert_gt(cgtest_read("/proc/self", "cgroup", buf, sizeof buf), 0);
	cr_assert(strstr(buf, "/dtng-test-"), "moved back to ROOT: %s", buf);
}

static int available(const char *ctrl)
{
	char buf[512];

	return cgtest_read(t.dir, "cgroup.controllers", buf, sizeof buf) >= 0 &&
	       cgpath_has_word(buf, strlen(buf), ctrl);
}

#define NO_CTRL "they are on cgroup v1 (or not delegated) on this machine"

Test(cgroup, limit_without_controller_is_enoent)
{
	struct lx_cgroup cg;
	int k, checked = 0;

	cr_assert_eq(lx_cgroup_open(&cg, t.dir, 10, 1), 0);
	for (k = 0; k < CGL_COUNT; k++) {
		if (available(cglimit_controller(k)))
			continue;
		cr_assert_eq(lx_cgroup_set_limit(&cg, cglimit_name(k), "max"), -ENOENT, "%s",
			     cglimit_name(k));
		checked++;
	}
	cr_assert_eq(lx_cgroup_set_limit(&cg, "nodot", "1"), -EINVAL);
	cr_assert_eq(lx_cgroup_reset_limit(&cg, "memory.max", "max"), 0,
		     "nothing to reset: no controller is on in a new tree");
	cr_assert_eq(lx_cgroup_reset_limit(&cg, "../cgroup.procs", "1"), -EINVAL);
	cr_assert_eq(lx_cgroup_set_limit(&cg, "../memory.max", "1"), -EINVAL);
	lx_cgroup_close(&cg);
	if (!checked)
		SKIP("every limit controller is available here");
}

/* One valid value per file, as cglimit_parse() writes it, and what the
 * kernel then shows. */
static const struct {
	enum cglimit_kind k;
	const char *value, *shown;
} samples[] = {
	{ CGL_MEMORY_MAX, "67108864", "67108864\n" },
	{ CGL_MEMORY_HIGH, "max", "max\n" },
	{ CGL_PIDS_MAX, "64", "64\n" },
	{ CGL_CPU_MAX, "50000 100000", "50000 100000\n" },
	{ CGL_CPU_WEIGHT, "200", "200\n" },
	{ CGL_IO_WEIGHT, "default 300", "default 300\n" },
};

Test(cgroup, limit_writes_real_controller)
{
	struct lx_cgroup cg;
	char dir[2 * LX_CGROUP_PATH_MAX + 128], buf[256];
	size_t i;
	int done = 0;

	cr_assert_eq(lx_cgroup_open(&cg, t.dir, 10, 2), 0);
	snprintf(dir, sizeof dir, "%s/service", cg.path);
	for (i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		const char *name = cglimit_name(samples[i].k);

		if (!available(cglimit_controller(samples[i].k)))
			continue;
		cr_assert_eq(lx_cgroup_set_limit(&cg, name, samples[i].value), 0, "%s", name);
		cr_assert_gt(cgtest_read(dir, name, buf, sizeof buf), 0);
		cr_assert(strstr(buf, samples[i].shown), "%s: %s", name, buf);
		done++;
	}
	lx_cgroup_close(&cg);
	if (!done)
		SKIP("no memory, pids, cpu or io controller in cgroup v2 here: " NO_CTRL);
}

Test(cgroup, enable_an_available_controller)
{
	char buf[512], ctrl[64], *tok;
	int fd;

	cr_assert_geq(cgtest_read(t.dir, "cgroup.controllers", buf, sizeof buf), 0);
	tok = strtok(buf, " \n");
	if (!tok)
		SKIP("no controller enabled in %s's cgroup.subtree_control, and the "
			     "test leaves the machine's own cgroups alone", t.root);
	snprintf(ctrl, sizeof ctrl, "%s", tok);
	fd = open(t.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(fd, 0);
	cr_assert_eq(lx_cgroup_enable(fd, ctrl), 0);
	cr_assert_eq(lx_cgroup_enable(fd, ctrl), 0, "already enabled is fine");
	cr_assert_eq(lx_cgroup_enable(fd, "nosuchctrl"), -ENOENT);
	cr_assert_geq(cgtest_read(t.dir, "cgroup.subtree_control", buf, sizeof buf), 0);
	cr_assert(strstr(buf, ctrl));
	close(fd);
}

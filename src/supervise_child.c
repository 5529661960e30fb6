/* SPDX-License-Identifier: ISC */
/* supervise: starting run and finish. Everything that can refuse a start
 * (the limit files, `user`, `capabilities`, `notification-fd`) is read and
 * checked here, in the parent, before the clone: a bad value stops the
 * start with a message and counts as a failure (backoff), and the child
 * only makes system calls (NSS lookups and parsing are not for a child
 * between clone and execve). A start returns what happened as the event
 * the state machine is to hear; the loop (supervise_core.c) feeds it.
 * Calls supervise_cg.c (limits, a fresh leaf), supervise_ready.c (the
 * readiness channels) and supervise_base.c, none of which calls here. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <malloc.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/fdio.h>
#include <dt/oneline.h>
#include <lx/capset.h>
#include <lx/pidfd.h>

#include "supervise.h"

extern char **environ;

/* What one child needs; the child works on its own copy. */
struct plan {
	struct sv *sv;
	const char *name;   /* "run" or "finish" */
	struct lx_capset_cred cred;
	gid_t *groups;      /* malloc'd; freed after the clone */
	int notify_fd;      /* notification-fd number, or -1 */
	int pipe_w;         /* the pipe's write end, or -1 */
	int enter;          /* move into service/ (no CLONE_INTO_CGROUP) */
	int pgrp;           /* no cgroup: a process group of its own */
	enum lx_capset_step step;
};

static int child_setup(void *arg)
{
	struct plan *p = arg;
	int r;

	if (p->enter && (r = lx_cgroup_enter_service(&p->sv->cg, 0)) < 0)
		return r;
	if (p->pgrp && setpgid(0, 0) < 0)
		return -errno;
	/* After 0, 1 and 2 (inherited as they are), so it clobbers nothing. */
	if (p->notify_fd >= 0 && (r = lx_notify_fd_place(p->pipe_w, p->notify_fd)) < 0)
		return r;
	if (p->cred.flags && (r = lx_capset_drop_to(&p->cred, &p->step)) < 0)
		return r;
	return 0;
}

/* The words for lx_capset_drop_to's failed step (linux/ has none). */
static const char *capset_step_name(enum lx_capset_step s)
{
	static const char *const words[] = {
		[LX_CAPSET_OK] = "none",
		[LX_CAPSET_BOUNDING] = "dropping from the bounding set",
		[LX_CAPSET_KEEPCAPS] = "prctl PR_SET_KEEPCAPS",
		[LX_CAPSET_SETGROUPS] = "setgroups",
		[LX_CAPSET_SETGID] = "setgid",
		[LX_CAPSET_SETUID] = "setuid",
		[LX_CAPSET_CAPSET] = "capset",
		[LX_CAPSET_AMBIENT] = "raising ambient capabilities",
		[LX_CAPSET_NO_NEW_PRIVS] = "prctl PR_SET_NO_NEW_PRIVS",
	};

	return (unsigned)s < sizeof words / sizeof words[0] ? words[s] : "unknown";
}

static void child_failed(enum lx_spawn_stage stage, int err, void *arg)
{
	struct plan *p = arg;

	if (stage == LX_SPAWN_SETUP && p->step != LX_CAPSET_OK)
		dt_die_errno(DT_EX_TEMP, err, "unable to start %s/%s: %s", p->sv->dir, p->name,
			     capset_step_name(p->step));
	/* compat: 0.76's child says this (as "fatal") when execve fails. */
	dt_die_errno(DT_EX_TEMP, err, "unable to start %s/%s", p->sv->dir, p->name);
}

/* The first child, spawned before supervise has moved into its own leaf
 * (see setup in supervise_cg.c), was killed by the kernel at birth: the
 * cgroup supervise was started in has seen a cgroup.kill (see
 * lx_cgroup_born_killed). Its supervise/ leaf never has: move there now,
 * as it would right after this start anyway, and start again from there;
 * the machine never sees the dead child. Where the move fails, the child
 * moves itself instead (a plain fork is not affected). */
static pid_t respawn(struct sv *sv, struct lx_spawn *sp, struct plan *p, int *fd)
{
	int st;

	lx_pidfd_reap(*fd, &st);
	fd_close(*fd);
	*fd = -1;
	if (sv_cg_enter_self(sv) < 0) {
		sv->child_enters = 1;
		p->enter = 1;
		sp->cgroup_fd = -1;
	}
	return lx_pidfd_spawn(sp, fd);
}

static int spawn(struct sv *sv, struct child *c, enum tag tag, char *const *argv,
		 struct plan *p)
{
	struct lx_spawn sp = {
		.path = argv[0], .argv = argv, .envp = environ, .sigfd = &sv->sig,
		.cgroup_fd = -1, .keep_fd = -1, .child_setup = child_setup,
		.child_failed = child_failed, .arg = p,
	};
	int fd, r;
	pid_t pid;

	if (sv->env && tag == TAG_RUN)
		sp.envp = sv->env;
	p->sv = sv;
	p->pgrp = !sv->has_cg;
	p->enter = sv->has_cg && (sv->child_enters || sv->enter_once);
	if (sv->has_cg && !p->enter)
		sp.cgroup_fd = sv->cg.svc_fd;
	pid = lx_pidfd_spawn(&sp, &fd);
	if (pid == -ENOSYS || pid == -E2BIG || (pid == -EINVAL && sp.cgroup_fd >= 0)) {
		/* No clone3 or no CLONE_INTO_CGROUP (before 5.7): the child
		 * moves itself, with a window before exec where it is not yet
		 * contained. */
		sv->child_enters = 1;
		p->enter = 1;
		sp.cgroup_fd = -1;
		pid = lx_pidfd_spawn(&sp, &fd);
	}
	if (pid > 0 && sp.cgroup_fd >= 0 && sv->cg_enter && lx_cgroup_born_killed(pid, fd) == 1)
		pid = respawn(sv, &sp, p, &fd);
	if (pid < 0)
		return pid;
	r = lx_evloop_add(&sv->loop, fd, EPOLLIN, tag);
	if (r < 0)
		dt_warn_errno(-r, "unable to watch %s/%s", sv->dir, p->name);
	c->pid = pid;
	c->pidfd = fd;
	c->adopted = 0;
	if (!sv->has_cg)
		sv->pgid = pid;
	return 0;
}

/* Why `run` cannot start, as an errno, 0 if it looks startable. A dangling
 * symbolic link is told apart from a missing file. */
static int run_problem(const char *name, int *dangling)
{
	struct stat sb;

	*dangling = 0;
	if (stat(name, &sb) < 0) {
		int e = errno;

		*dangling = e == ENOENT && lstat(name, &sb) == 0;
		return e;
	}
	if (S_ISDIR(sb.st_mode))
		return EISDIR;
	if (!S_ISREG(sb.st_mode) || access(name, X_OK) < 0)
		return EACCES;
	return 0;
}

static int refuse(struct sv *sv, const char *file, const char *why)
{
	dt_warn("unable to start %s: %s: %s", sv->dir, file, why);
	return -1;
}

/* A one-line file's value (oneline.h's rule), in place in buf: its
 * length, -ENOENT, or -EINVAL for an empty, multi-line or overlong value. */
static int one_line(const char *name, char *buf, size_t size)
{
	int n = fd_read_path(name, buf, size);

	if (n < 0)
		return n;
	if ((size_t)n == size)
		return -EINVAL;
	n = oneline_value(buf, (size_t)n, buf, size, NULL);
	return n < 0 ? -EINVAL : n;
}

static int plan_user(struct sv *sv, struct plan *p)
{
	char name[256];
	struct passwd *pw;
	int n = one_line("user", name, sizeof name), ng = 0;

	if (n == -ENOENT)
		return 0;
	if (n < 0)
		return refuse(sv, "user", n == -EINVAL ? "not a user name" : dt_strerror(-n));
	errno = 0;
	pw = getpwnam(name);
	if (!pw)
		return refuse(sv, "user", errno ? dt_strerror(errno) : "no such user");
	/* Exactly the user's groups, as setuidgid gives them. */
	getgrouplist(name, pw->pw_gid, NULL, &ng);
	p->groups = malloc(sizeof *p->groups * (size_t)(ng > 0 ? ng : 1));
	if (!p->groups || getgrouplist(name, pw->pw_gid, p->groups, &ng) < 0)
		return refuse(sv, "user", "unable to read the user's groups");
	p->cred.uid = pw->pw_uid;
	p->cred.gid = pw->pw_gid;
	p->cred.groups = p->groups;
	p->cred.ngroups = (size_t)ng;
	p->cred.flags |= LX_CAPSET_F_USER;
	sv->svc_uid = pw->pw_uid;
	return 0;
}

static int plan_caps(struct sv *sv, struct plan *p)
{
	char text[1024], why[128];
	const char *bad = NULL;
	size_t badlen = 0;
	int n = fd_read_path("capabilities", text, sizeof text);

	if (n == -ENOENT)
		return 0;
	if (n < 0)
		return refuse(sv, "capabilities", dt_strerror(-n));
	if ((size_t)n == sizeof text)
		return refuse(sv, "capabilities", "too long");
	if (lx_capset_parse(text, (size_t)n, &p->cred.keep, &bad, &badlen) < 0) {
		snprintf(why, sizeof why, "unknown capability \"%.*s\"",
			 (int)(badlen > 64 ? 64 : badlen), bad ? bad : "");
		return refuse(sv, "capabilities", why);
	}
	p->cred.flags |= LX_CAPSET_F_CAPS;
	return 0;
}

static int plan_run(struct sv *sv, struct plan *p)
{
	sv->svc_uid = (uid_t)-1;
	if (sv_cg_limits(sv) < 0 || plan_user(sv, p) < 0 || plan_caps(sv, p) < 0 ||
	    sv_ready_pipe(sv, &p->notify_fd, &p->pipe_w) < 0)
		return -1;
	if (sv_ready_socket(sv, &p->cred) < 0)
		return -1;
	sv->m.wait_ready = p->notify_fd >= 0 || sv->env != NULL;
	return 0;
}

enum svfsm_event_type sv_start_run(struct sv *sv)
{
	static char *const argv[] = { "./run", NULL };
	struct plan p = { .name = "run", .notify_fd = -1, .pipe_w = -1 };
	int dangling, e, r;

	e = run_problem("run", &dangling);
	if (e) {
		if (e + 1000 * dangling != sv->run_complaint) {
			if (dangling)
				dt_warn("unable to start %s/run: dangling symbolic link, "
					"retrying every second", sv->dir);
			else
				dt_warn_errno(e, "unable to start %s/run (retrying every second)",
					      sv->dir);
		}
		sv->run_complaint = e + 1000 * dangling;
		return SVE_RUN_BAD;
	}
	sv->run_complaint = 0;
	sv_cg_fresh(sv);
	r = plan_run(sv, &p);
	if (r == 0) {
		r = spawn(sv, &sv->run, TAG_RUN, argv, &p);
		/* -ENOSYS: neither clone3 nor pidfd_open is allowed here
		 * (a seccomp policy, valgrind before 3.20); supervise needs
		 * a pidfd for its child, so say that rather than "fork". */
		if (r == -ENOSYS)
			dt_warn_errno(-r, "unable to start %s/run: no pidfd for the child "
				      "(clone3 and pidfd_open refused)", sv->dir);
		else if (r < 0)
			dt_warn_errno(-r, "unable to fork for %s", sv->dir);
	}
	if (p.pipe_w >= 0)
		fd_close(p.pipe_w);
	if (p.groups) {
		free(p.groups);
		/* The user lookup (NSS) took heap: give it back, it would stay
		 * resident until the next start. */
		malloc_trim(0);
	}
	if (r < 0) {
		sv_ready_close(sv);
		return SVE_SPAWN_FAILED;
	}
	sv->status[0] = '\0';
	return SVE_SPAWNED;
}

/* finish runs with supervise's own credentials (it may need them to clean
 * up after the service), in the service's cgroup so that what it leaves
 * behind is caught too. */
enum svfsm_event_type sv_start_finish(struct sv *sv, const int args[2])
{
	char a0[16], a1[16], a2[16];
	char *argv[] = { "./finish", a0, a1, NULL };
	struct plan p = { .name = "finish", .notify_fd = -1, .pipe_w = -1 };
	int dangling, e, r;

	e = run_problem("finish", &dangling);
	if (e == ENOENT && !dangling)
		return SVE_FINISH_SKIPPED;
	if (e) {
		dt_warn_errno(dangling ? ENOENT : e, "unable to start %s/finish", sv->dir);
		return SVE_FINISH_SKIPPED;
	}
	snprintf(a0, sizeof a0, "%d", args[0]);
	snprintf(a1, sizeof a1, "%d", args[1]);
	sv_cg_fresh(sv);
	/* The count including this run; in supervise's environment only for
	 * the spawn, so run never sees it. */
	snprintf(a2, sizeof a2, "%u", (unsigned)sv->m.failures);
	setenv("SUPERVISE_FAILURES", a2, 1);
	r = spawn(sv, &sv->finish, TAG_FINISH, argv, &p);
	unsetenv("SUPERVISE_FAILURES");
	if (r < 0) {
		dt_warn_errno(-r, "unable to fork for %s/finish", sv->dir);
		return SVE_FINISH_SKIPPED;
	}
	return SVE_FINISH_SPAWNED;
}

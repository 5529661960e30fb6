/* SPDX-License-Identifier: ISC */
/* supervise: starting run and finish. Everything that can refuse a start
 * (the limit files, `user`, `capabilities`, `notification-fd`) is read and
 * checked here, in the parent, before the clone: a bad value stops the
 * start with a message and counts as a failure (backoff), and the child
 * only makes system calls (NSS lookups and parsing are not for a child
 * between clone and execve). */
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
#include <dt/sdnotify.h>
#include <dt/svconf.h>
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

static void child_failed(enum lx_spawn_stage stage, int err, void *arg)
{
	struct plan *p = arg;

	if (stage == LX_SPAWN_SETUP && p->step != LX_CAPSET_OK)
		dt_die_errno(DT_EX_TEMP, err, "unable to start %s/%s: %s", p->sv->dir, p->name,
			     lx_capset_step_name(p->step));
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
	int n = sv_read_small(name, buf, size);

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
	int n = sv_read_small("capabilities", text, sizeof text);

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

static void close_pipe(struct sv *sv)
{
	if (sv->notify_rfd < 0)
		return;
	lx_evloop_del(&sv->loop, sv->notify_rfd);
	fd_close(sv->notify_rfd);
	sv->notify_rfd = -1;
}

static int plan_notify_fd(struct sv *sv, struct plan *p)
{
	char text[64];
	const char *why = "bad value";
	int n = sv_read_small("notification-fd", text, sizeof text), fds[2], r;

	if (n == -ENOENT)
		return 0;
	if (n < 0)
		return refuse(sv, "notification-fd", dt_strerror(-n));
	if ((size_t)n == sizeof text ||
	    sdnotify_parse_fd_file(text, (size_t)n, &p->notify_fd, &why) < 0) {
		p->notify_fd = -1;
		return refuse(sv, "notification-fd", why);
	}
	r = lx_notify_pipe(fds);
	if (r == 0)
		r = lx_evloop_add(&sv->loop, fds[0], EPOLLIN, TAG_NOTIFY_FD);
	if (r < 0) {
		p->notify_fd = -1;
		return refuse(sv, "notification-fd", dt_strerror(-r));
	}
	close_pipe(sv);
	sv->notify_rfd = fds[0];
	p->pipe_w = fds[1];
	return 0;
}

static int plan_run(struct sv *sv, struct plan *p)
{
	sv->svc_uid = (uid_t)-1;
	if (sv_cg_limits(sv) < 0 || plan_user(sv, p) < 0 || plan_caps(sv, p) < 0 ||
	    plan_notify_fd(sv, p) < 0)
		return -1;
	if (sv_ready_socket(sv, &p->cred) < 0)
		return -1;
	sv->m.wait_ready = p->notify_fd >= 0 || sv->env != NULL;
	return 0;
}

void sv_start_run(struct sv *sv)
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
		sv_feed_simple(sv, SVE_RUN_BAD, 0);
		return;
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
		close_pipe(sv);
		sv_feed_simple(sv, SVE_SPAWN_FAILED, 0);
		return;
	}
	sv->status[0] = '\0';
	sv_feed_simple(sv, SVE_SPAWNED, (uint32_t)sv->run.pid);
}

/* finish runs with supervise's own credentials (it may need them to clean
 * up after the service), in the service's cgroup so that what it leaves
 * behind is caught too. */
void sv_start_finish(struct sv *sv, const int args[2])
{
	char a0[16], a1[16], a2[16];
	char *argv[] = { "./finish", a0, a1, NULL };
	struct plan p = { .name = "finish", .notify_fd = -1, .pipe_w = -1 };
	int dangling, e, r;

	e = run_problem("finish", &dangling);
	if (e == ENOENT && !dangling) {
		sv_feed_simple(sv, SVE_FINISH_SKIPPED, 0);
		return;
	}
	if (e) {
		dt_warn_errno(dangling ? ENOENT : e, "unable to start %s/finish", sv->dir);
		sv_feed_simple(sv, SVE_FINISH_SKIPPED, 0);
		return;
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
		sv_feed_simple(sv, SVE_FINISH_SKIPPED, 0);
		return;
	}
	sv_feed_simple(sv, SVE_FINISH_SPAWNED, (uint32_t)sv->finish.pid);
}

/* ---- readiness ------------------------------------------------------------ */

int sv_ready_configured(void)
{
	struct stat sb;

	return stat("notification-fd", &sb) == 0 || stat("notify-socket", &sb) == 0;
}

/* environ with NOTIFY_SOCKET set to ours (an inherited one dropped). */
static char **notify_env(const char *value)
{
	size_t n = 0, i, j = 0;
	char **env, *var;

	while (environ[n])
		n++;
	env = malloc(sizeof *env * (n + 2));
	var = malloc(strlen(value) + sizeof "NOTIFY_SOCKET=");
	if (!env || !var) {
		free(env);
		free(var);
		return NULL;
	}
	strcpy(var, "NOTIFY_SOCKET=");
	strcat(var, value);
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "NOTIFY_SOCKET=", 14))
			env[j++] = environ[i];
	env[j++] = var;
	env[j] = NULL;
	return env;
}

/* Where the socket goes (see lx/notify.h). A service that runs as
 * supervise's own user can reach supervise/ (0700, ours): the socket goes
 * there, if its absolute path fits a socket address. Otherwise, and for a
 * service with a `user`, into a directory of its own under a base that
 * only root writes: BASE/DEV-INO/notify, the directory owned by the
 * service's user. BASE is SUPERVISE_NOTIFY_DIR or /run/dtng-notify. */
static int notify_path(struct sv *sv, int has_user, char *path, char *dir)
{
	const char *base = getenv("SUPERVISE_NOTIFY_DIR");
	char *cwd;
	int n = -1;

	dir[0] = '\0';
	if (!has_user && (cwd = getcwd(NULL, 0))) {
		n = snprintf(path, LX_NOTIFY_NAME_MAX, "%s/supervise/notify", cwd);
		free(cwd);
		if (n > 0 && n < LX_NOTIFY_NAME_MAX)
			return 0;
	}
	if (!base || !*base)
		base = "/run/dtng-notify";
	if (base[0] != '/')
		return -EINVAL;
	n = snprintf(dir, LX_NOTIFY_NAME_MAX, "%s/%llu-%llu", base, (unsigned long long)sv->dev,
		     (unsigned long long)sv->ino);
	if (n < 0 || n >= LX_NOTIFY_NAME_MAX - 8)
		return -ENAMETOOLONG;
	memcpy(path, dir, (size_t)n);
	memcpy(path + n, "/notify", 8);
	return lx_notify_base(base) < 0 ? -EPERM : 1;
}

void sv_ready_exit(struct sv *sv)
{
	if (sv->notify_sock < 0)
		return;
	fd_close(sv->notify_sock);
	sv->notify_sock = -1;
	if (sv->notify_path[0])
		unlink(sv->notify_path);
	if (sv->notify_dir[0])
		rmdir(sv->notify_dir);
}

/* notify_env's array and its NOTIFY_SOCKET entry, always the last. */
static void free_env_notify(struct sv *sv)
{
	char **e = sv->env_notify;
	size_t n = 0;

	if (!e)
		return;
	while (e[n])
		n++;
	if (n)
		free(e[n - 1]);
	free(e);
	if (sv->env == e)
		sv->env = NULL;
	sv->env_notify = NULL;
}

static int open_socket(struct sv *sv, int has_user)
{
	char path[LX_NOTIFY_NAME_MAX], dir[LX_NOTIFY_NAME_MAX];
	int fd, r;

	r = notify_path(sv, has_user, path, dir);
	if (r < 0)
		return r;
	if (dir[0] && (r = lx_notify_dir(dir, 0, 0)) < 0)
		return r;
	fd = lx_notify_open(path);
	if (fd < 0)
		return fd;
	r = lx_evloop_add(&sv->loop, fd, EPOLLIN, TAG_NOTIFY_SOCK);
	if (r < 0) {
		fd_close(fd);
		return r;
	}
	free_env_notify(sv);
	sv->notify_sock = fd;
	sv->notify_user = has_user;
	memcpy(sv->notify_path, path, sizeof path);
	memcpy(sv->notify_dir, dir, sizeof dir);
	sv->env_notify = notify_env(path);
	return sv->env_notify ? 0 : -ENOMEM;
}

int sv_ready_socket(struct sv *sv, const struct lx_capset_cred *cred)
{
	struct stat sb;
	int has_user, r;

	if (stat("notify-socket", &sb) < 0) {
		/* Removed since the last start: the next run gets no
		 * NOTIFY_SOCKET (the socket itself may stay). */
		sv->env = NULL;
		return 0;
	}
	has_user = cred ? (cred->flags & LX_CAPSET_F_USER) != 0 : stat("user", &sb) == 0;
	if (sv->notify_sock >= 0 && sv->notify_user != has_user) {
		lx_evloop_del(&sv->loop, sv->notify_sock);
		sv_ready_exit(sv);
	}
	if (sv->notify_sock < 0 && (r = open_socket(sv, has_user)) < 0) {
		dt_warn_errno(-r, "unable to start %s: notify-socket: unable to set up %s", sv->dir,
			      r == -EPERM ? "its directory" : "the socket");
		sv->env = NULL;
		return -1;
	}
	/* The directory is the service user's: after an edit of `user`, the
	 * new one's (a start knows the user; an adoption keeps it as is). */
	if (cred && sv->notify_dir[0] &&
	    (r = lx_notify_dir(sv->notify_dir, has_user ? cred->uid : 0,
			       has_user ? cred->gid : 0)) < 0) {
		dt_warn_errno(-r, "unable to start %s: notify-socket: unable to set up its "
			      "directory", sv->dir);
		return -1;
	}
	sv->env = sv->env_notify;
	return 0;
}

void sv_ready_on_pipe(struct sv *sv)
{
	int r = lx_notify_fd_read(sv->notify_rfd);

	if (r == 0)
		return;
	/* Ready once: the pipe has done its job (or was closed unused). */
	close_pipe(sv);
	if (r == 1)
		sv_feed_simple(sv, SVE_READY, 0);
}

/* A flood of datagrams (from the service's own user or root: nobody else
 * can reach the socket) must not hold supervise busy: at most this many
 * are read per second; past that the socket is left unwatched until the
 * second is over, and the kernel makes senders wait (or drops, for
 * non-blocking ones) meanwhile. */
#define NOTIFY_PER_SECOND 256

void sv_ready_resume(struct sv *sv)
{
	sv->notify_resume_ns = 0;
	if (sv->notify_sock >= 0 &&
	    lx_evloop_add(&sv->loop, sv->notify_sock, EPOLLIN, TAG_NOTIFY_SOCK) < 0)
		dt_warn("unable to watch the notify socket of %s", sv->dir);
}

/* 1 if another datagram may be read in this second; else the socket is
 * set aside until the second is over. */
static int notify_budget(struct sv *sv)
{
	uint64_t now = lx_now_mono_ns();

	if (now - sv->notify_window_ns >= SVCONF_NS) {
		sv->notify_window_ns = now;
		sv->notify_count = 0;
	}
	if (sv->notify_count < NOTIFY_PER_SECOND)
		return 1;
	lx_evloop_del(&sv->loop, sv->notify_sock);
	sv->notify_resume_ns = sv->notify_window_ns + SVCONF_NS;
	return 0;
}

void sv_ready_on_socket(struct sv *sv)
{
	char buf[4096];
	struct sdnotify_msg msg;
	struct ucred cred;
	ssize_t n;

	while (notify_budget(sv) &&
	       (n = lx_notify_recv(sv->notify_sock, buf, sizeof buf, &cred)) != -EAGAIN) {
		sv->notify_count++;
		if (n < 0) {
			if (n == -EMSGSIZE)
				continue;
			return;
		}
		if (!sv->run.pid ||
		    !lx_notify_sender_ok(sv->has_cg ? &sv->cg : NULL, sv->run.pid, sv->svc_uid,
					 &cred))
			continue;
		if (sdnotify_parse(buf, (size_t)n, &msg) == 0)
			continue;
		if (msg.has_status) {
			memcpy(sv->status, msg.status, sizeof sv->status);
			sv->dirty = 1;
		}
		if (msg.ready)
			sv_feed_simple(sv, SVE_READY, 0);
	}
}

void sv_ready_close(struct sv *sv)
{
	close_pipe(sv);
}

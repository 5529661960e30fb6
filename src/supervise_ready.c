/* SPDX-License-Identifier: ISC */
/* supervise: readiness. The two channels a service may use to say it is
 * ready: the notification-fd pipe (s6's protocol) and the NOTIFY_SOCKET
 * datagram socket (sd_notify's), set up before each start of run (or at
 * adoption) and read by the loop. Nothing here feeds the state machine:
 * the readers return whether the service said READY, and the loop
 * (supervise_core.c) turns that into SVE_READY. Calls only
 * supervise_base.c of supervise's files. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/fdio.h>
#include <dt/sdnotify.h>
#include <dt/svconf.h>
#include <lx/capset.h>

#include "supervise.h"

extern char **environ;

/* ---- notification-fd --------------------------------------------------------- */

void sv_ready_close(struct sv *sv)
{
	if (sv->notify_rfd < 0)
		return;
	lx_evloop_del(&sv->loop, sv->notify_rfd);
	fd_close(sv->notify_rfd);
	sv->notify_rfd = -1;
}

static int refuse(struct sv *sv, const char *why)
{
	dt_warn("unable to start %s: notification-fd: %s", sv->dir, why);
	return -1;
}

int sv_ready_pipe(struct sv *sv, int *notify_fd, int *pipe_w)
{
	char text[64];
	const char *why = "bad value";
	int n = fd_read_path("notification-fd", text, sizeof text), fds[2], r;

	if (n == -ENOENT)
		return 0;
	if (n < 0)
		return refuse(sv, dt_strerror(-n));
	if ((size_t)n == sizeof text ||
	    sdnotify_parse_fd_file(text, (size_t)n, notify_fd, &why) < 0) {
		*notify_fd = -1;
		return refuse(sv, why);
	}
	r = lx_notify_pipe(fds);
	if (r == 0)
		r = lx_evloop_add(&sv->loop, fds[0], EPOLLIN, TAG_NOTIFY_FD);
	if (r < 0) {
		*notify_fd = -1;
		return refuse(sv, dt_strerror(-r));
	}
	sv_ready_close(sv);
	sv->notify_rfd = fds[0];
	*pipe_w = fds[1];
	return 0;
}

/* ---- NOTIFY_SOCKET -------------------------------------------------------------- */

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

int sv_ready_on_pipe(struct sv *sv)
{
	int r = lx_notify_fd_read(sv->notify_rfd);

	if (r == 0)
		return 0;
	/* Ready once: the pipe has done its job (or was closed unused). */
	sv_ready_close(sv);
	return r == 1;
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

int sv_ready_on_socket(struct sv *sv)
{
	char buf[4096];
	struct sdnotify_msg msg;
	struct ucred cred;
	ssize_t n;
	int ready = 0;

	while (notify_budget(sv) &&
	       (n = lx_notify_recv(sv->notify_sock, buf, sizeof buf, &cred)) != -EAGAIN) {
		sv->notify_count++;
		if (n < 0) {
			if (n == -EMSGSIZE)
				continue;
			return ready;
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
		/* Once is enough: the machine takes a second READY as a
		 * no-op, and no datagram's check depends on it. */
		if (msg.ready)
			ready = 1;
	}
	return ready;
}

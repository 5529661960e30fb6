/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <dt/fdio.h>
#include <dt/sdnotify.h>
#include <lx/cgroup.h>
#include <lx/notify.h>

int lx_notify_base(const char *base)
{
	struct stat st;

	if (mkdir(base, 0711) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(base, &st) < 0)
		return -errno;
	/* Made by someone else, or open to others: they could swap what is
	 * inside, so it is not ours to trust. */
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022))
		return -EPERM;
	return 0;
}

int lx_notify_dir(const char *dir, uid_t uid, gid_t gid)
{
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if ((st.st_uid != uid || st.st_gid != gid) && chown(dir, uid, gid) < 0)
		return -errno;
	if ((st.st_mode & 07777) != 0700 && chmod(dir, 0700) < 0)
		return -errno;
	return 0;
}

int lx_notify_open(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(path);
	struct stat st;
	int fd, on = 1, r;

	if (n >= sizeof sa.sun_path)
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, n + 1);
	/* A socket left by a predecessor (killed, or the same service's last
	 * supervise) is replaced; anything else is not ours to remove. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		if (unlink(path) < 0)
			return -errno;
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    /* Who may send is decided by the directory (0700, the service's
	     * own user): the socket itself is open to whoever gets there. */
	    chmod(path, 0666) < 0) {
		r = -errno;
		fd_close(fd);
		return r;
	}
	return fd;
}

static void take_control(struct msghdr *mh, struct ucred *cred)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len >= CMSG_LEN(sizeof *cred)) {
			memcpy(cred, CMSG_DATA(c), sizeof *cred);
		} else if (c->cmsg_type == SCM_RIGHTS) {
			size_t i, n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			int fd;

			for (i = 0; i < n; i++) {
				memcpy(&fd, CMSG_DATA(c) + i * sizeof fd, sizeof fd);
				fd_close(fd);
			}
		}
	}
}

ssize_t lx_notify_recv(int fd, char *buf, size_t size, struct ucred *cred)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(16 * sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = size ? size - 1 : 0 };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof ctl.buf,
	};
	ssize_t n;

	memset(cred, 0, sizeof *cred);
	/* MSG_CMSG_CLOEXEC: passed fds must not leak into run even for the
	 * instant before we close them. */
	n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -errno;
	take_control(&mh, cred);
	if (mh.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	if (size)
		buf[n] = '\0';
	return n;
}

int lx_notify_sender_ok(const struct lx_cgroup *cg, pid_t main_pid, uid_t svc_uid,
			const struct ucred *cred)
{
	if (cred->pid <= 0)
		return 0;
	if (main_pid > 0 && cred->pid == main_pid)
		return 1;
	if (cg && lx_cgroup_has_pid(cg, cred->pid) == 1)
		return 1;
	if (!cg && main_pid > 0 && getpgid(cred->pid) == main_pid)
		return 1;
	if (kill(cred->pid, 0) < 0 && errno == ESRCH)
		return cred->uid == 0 || (svc_uid != (uid_t)-1 && cred->uid == svc_uid);
	return 0;
}

int lx_notify_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0) {
		int r = -errno;

		fd_close(fds[0]);
		fd_close(fds[1]);
		return r;
	}
	return 0;
}

int lx_notify_fd_place(int wfd, int target)
{
	if (wfd == target)
		return fcntl(wfd, F_SETFD, 0) < 0 ? -errno : 0;
	/* dup2's new fd is never close-on-exec. */
	return dup2(wfd, target) < 0 ? -errno : 0;
}

int lx_notify_fd_read(int rfd)
{
	char buf[256];
	ssize_t n;

	for (;;) {
		n = fd_read(rfd, buf, sizeof buf);
		if (n == -EAGAIN)
			return 0;
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EPIPE;
		if (sdnotify_fd_ready(buf, (size_t)n))
			return 1;
	}
}

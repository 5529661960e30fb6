/* SPDX-License-Identifier: ISC */
#ifndef LX_NOTIFY_H
#define LX_NOTIFY_H

/* Readiness channels between supervise and its service.
 *
 * NOTIFY_SOCKET (systemd's protocol): a datagram socket bound to a path in
 * a directory that only the service's user (and root) can enter: mode 0700,
 * owned by that user. Nobody else can bind the name first, connect to it,
 * send to it or receive from it; a file under a directory made by us
 * cannot be squatted the way an abstract name can (abstract names have no
 * permission check, and "@dtng-notify-<dev>-<ino>" was predictable). Every
 * datagram still carries the sender's credentials (SO_PASSCRED) and
 * lx_notify_sender_ok() decides whether it comes from the service rather
 * than from root or another of the user's processes. Where the directory
 * lives is the caller's choice (supervise: its own supervise/ when the
 * service runs as supervise's user, else a directory per service under a
 * root-owned base such as /run/dtng-notify).
 *
 * notification-fd (s6's protocol): a pipe whose write end the service gets
 * at a fixed fd number; it writes a newline there when ready.
 *
 * All return >= 0 or -errno; fds are O_CLOEXEC. */

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

struct lx_cgroup;

/* Room for the NOTIFY_SOCKET value, NUL included: sun_path's size. */
#define LX_NOTIFY_NAME_MAX 108

/* The base directory for per-service socket directories: made (0711) if
 * missing; -EPERM if it is not a directory owned by us and closed to
 * writes by others (then nothing in it can be trusted). */
int lx_notify_base(const char *base);
/* A socket directory: made if missing, then owned by uid:gid with mode
 * 0700 (set again if it differs: the `user` file may have changed). */
int lx_notify_dir(const char *dir, uid_t uid, gid_t gid);
/* Creates the socket at path (a socket left there before is replaced;
 * -EEXIST if something else is there), non-blocking, with SO_PASSCRED,
 * mode 0666 (the directory decides who gets to it). Returns the fd.
 * -ENAMETOOLONG: path does not fit sun_path (107 bytes). */
int lx_notify_open(const char *path);

/* Receives one datagram without blocking: returns its length (at most
 * size - 1 bytes, NUL-terminated for convenience) and the sender in *cred
 * (pid 0 if the kernel gave no credentials). -EAGAIN: nothing queued.
 * -EMSGSIZE: the datagram was longer than size - 1 and is dropped. File
 * descriptors passed along (FDSTORE=1) are closed at once. */
ssize_t lx_notify_recv(int fd, char *buf, size_t size, struct ucred *cred);

/* Whether a datagram's sender speaks for the service: 1 yes, 0 no.
 * - the main process (pid main_pid), or
 * - a member of the service's cgroup (cg not NULL), or, without a cgroup,
 *   a member of the service's process group (whose id is main_pid), or
 * - a sender that has already exited (systemd-notify's race: it sends and
 *   exits before we read) whose uid is 0 or svc_uid ((uid_t)-1: unknown).
 * A live process outside the service is refused. */
int lx_notify_sender_ok(const struct lx_cgroup *cg, pid_t main_pid, uid_t svc_uid,
			const struct ucred *cred);

/* The readiness pipe: fds[0] is the read end (non-blocking, for epoll),
 * fds[1] the write end, both O_CLOEXEC. The dance at spawn:
 *   parent: lx_notify_pipe(fds) before clone3;
 *   child:  after 0, 1 and 2 are in place (the last fd move, so it cannot
 *           clobber an fd still to be moved), lx_notify_fd_place(fds[1], N);
 *           then exec: fds[0] and the original fds[1] close by CLOEXEC,
 *           N stays open;
 *   parent: close fds[1] at once (else end of file never comes), watch
 *           fds[0] for EPOLLIN, call lx_notify_fd_read() on each wakeup,
 *           close fds[0] once it says ready or closed. */
int lx_notify_pipe(int fds[2]);
/* Child side, async-signal-safe (dup2/fcntl only): puts wfd at fd number
 * target without close-on-exec. */
int lx_notify_fd_place(int wfd, int target);
/* Parent side: drains what the pipe holds. 1 a newline came (ready),
 * 0 not yet, -EPIPE the service closed it without one. */
int lx_notify_fd_read(int rfd);

#endif

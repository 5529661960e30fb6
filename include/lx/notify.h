#ifndef LX_NOTIFY_H
#define LX_NOTIFY_H

/* Readiness channels between supervise and its service.
 *
 * NOTIFY_SOCKET (systemd's protocol): a datagram socket in the abstract
 * namespace, "@dtng-notify-<dev>-<ino>" (the service directory's st_dev and
 * st_ino). Abstract, not a file under supervise/: supervise/ is mode 0700
 * as in 0.76, so a service running as another `user` could not reach a
 * socket file there; there is no 108-byte sun_path limit to hit with a deep
 * service directory, and no stale file after a kill -9. The cost is that
 * any process in the network namespace can send to it, so every datagram
 * carries the sender's credentials (SO_PASSCRED) and lx_notify_sender_ok()
 * decides whether it comes from the service.
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

/* Room for the NOTIFY_SOCKET value, NUL included. */
#define LX_NOTIFY_NAME_MAX 64

/* Creates and binds the socket, non-blocking, with SO_PASSCRED; stores the
 * value for NOTIFY_SOCKET ("@dtng-notify-D-I") in env. Returns the fd.
 * -EADDRINUSE: another process holds that name (another supervise). */
int lx_notify_open(uint64_t dev, uint64_t ino, char *env, size_t size);

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

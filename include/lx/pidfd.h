/* SPDX-License-Identifier: ISC */
#ifndef LX_PIDFD_H
#define LX_PIDFD_H

/* pidfds: exit notification as a pollable fd, and signals that cannot reach
 * a recycled pid once the child has been reaped. A pidfd_open() of a pid
 * read from a file is racy until checked (e.g. against cgroup.procs or the
 * process's start time): callers must verify. All return >= 0 or -errno. */

#include <sys/types.h>

#include <lx/sigfd.h>

/* -ESRCH: no such process; -ENOSYS: kernel before 5.3. */
int lx_pidfd_open(pid_t pid);
/* -ESRCH once the process has exited (even if not yet reaped). */
int lx_pidfd_send_signal(int pidfd, int sig);

/* What the child did when lx_spawn.child_failed is called. */
enum lx_spawn_stage { LX_SPAWN_SETUP, LX_SPAWN_EXEC };

/* A child started with clone3(CLONE_PIDFD). Everything the child does
 * before execve is async-signal-safe (no allocation, no stdio), because
 * clone3 without CLONE_VM leaves glibc's internal state as a fork would
 * without running its atfork handlers.
 *
 * In the child, in this order: the signal mask and the handled signals'
 * dispositions are restored (sigfd, so signalfd's blocked signals do not
 * leak into the service), every fd from 3 up except keep_fd is marked
 * close-on-exec (close_range), child_setup runs (user, capabilities,
 * process group: the hooks of the cgroup work), then execve. If setup or
 * execve fails, child_failed reports it (it may write to fd 2) and the
 * child exits 111. */
struct lx_spawn {
	const char *path;
	char *const *argv;
	char *const *envp;
	const struct lx_sigfd *sigfd; /* NULL: mask left as it is */
	int cgroup_fd;                /* >= 0: start in that cgroup (CLONE_INTO_CGROUP) */
	int keep_fd;                  /* >= 3: stays open (notification-fd); else -1 */
	int (*child_setup)(void *arg);                    /* 0 or -errno */
	void (*child_failed)(enum lx_spawn_stage, int err, void *arg);
	void *arg;
};

/* Starts the child. Returns its pid and stores its pidfd (close-on-exec)
 * in *pidfd; or -errno: -EAGAIN/-ENOMEM (fork limits), -ENOSYS when
 * cgroup_fd is set but clone3 is unavailable (without cgroup_fd it falls
 * back to fork + pidfd_open, safe because an unreaped child's pid cannot
 * be reused), -EBUSY/-EOPNOTSUPP/-EACCES from CLONE_INTO_CGROUP. */
pid_t lx_pidfd_spawn(const struct lx_spawn *sp, int *pidfd);
/* Reaps the child of pidfd if it has exited (waitid P_PIDFD, WNOHANG).
 * Returns 1 and a waitpid-style status in *wstatus, 0 if it still runs,
 * or -errno (-ECHILD: not our child or already reaped). Does not close
 * the pidfd. */
int lx_pidfd_reap(int pidfd, int *wstatus);

#endif

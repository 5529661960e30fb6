/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lx/child.h>
#include <lx/compat.h>
#include <lx/pidfd.h>

int lx_pidfd_open(pid_t pid)
{
	long fd = syscall(SYS_pidfd_open, pid, 0);

	return fd < 0 ? -errno : (int)fd;
}

int lx_pidfd_send_signal(int pidfd, int sig)
{
	return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
}

static __attribute__((noreturn)) void child(const struct lx_spawn *sp)
{
	int r;

	const struct lx_child c = { sp->sigfd, NULL, NULL, sp->keep_fd };

	lx_child_hygiene(&c);
	if (sp->child_setup) {
		r = sp->child_setup(sp->arg);
		if (r < 0) {
			if (sp->child_failed)
				sp->child_failed(LX_SPAWN_SETUP, -r, sp->arg);
			_exit(111);
		}
	}
	execve(sp->path, sp->argv, sp->envp);
	r = errno;
	if (sp->child_failed)
		sp->child_failed(LX_SPAWN_EXEC, r, sp->arg);
	_exit(111);
}

/* 2: unknown, 1: clone3 works, -1: ENOSYS (seccomp or old kernel).
 * Unknown is 2, not 0, to keep it in .data: supervise writes that page
 * anyway, while in .bss it would dirty a page of its own in each of
 * 1,000 supervise processes. */
static int clone3_state = 2;

static long do_clone3(const struct lx_spawn *sp, int *pidfd)
{
	struct clone_args ca;

	memset(&ca, 0, sizeof ca);
	ca.flags = CLONE_PIDFD;
	ca.pidfd = (uint64_t)(uintptr_t)pidfd;
	ca.exit_signal = SIGCHLD;
	if (sp->cgroup_fd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)sp->cgroup_fd;
	}
	/* No CLONE_VM: fork semantics, the child runs on a copy of our stack. */
	return syscall(SYS_clone3, &ca, sizeof ca);
}

static pid_t fork_fallback(const struct lx_spawn *sp, int *pidfd)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -errno;
	if (pid == 0)
		child(sp);
	fd = lx_pidfd_open(pid);
	if (fd < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return fd;
	}
	*pidfd = fd;
	return pid;
}

pid_t lx_pidfd_spawn(const struct lx_spawn *sp, int *pidfd)
{
	long pid;

	if (clone3_state >= 0) {
		int fd = -1;

		pid = do_clone3(sp, &fd);
		if (pid == 0)
			child(sp);
		if (pid > 0) {
			clone3_state = 1;
			*pidfd = fd;
			return (pid_t)pid;
		}
		if (errno != ENOSYS || clone3_state == 1)
			return -errno;
		clone3_state = -1;
	}
	if (sp->cgroup_fd >= 0)
		return -ENOSYS;
	return fork_fallback(sp, pidfd);
}

int lx_pidfd_reap(int pidfd, int *wstatus)
{
	siginfo_t si;

	memset(&si, 0, sizeof si);
	if (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si, WEXITED | WNOHANG) < 0)
		return -errno;
	if (si.si_pid == 0)
		return 0;
	switch (si.si_code) {
	case CLD_EXITED:
		*wstatus = (si.si_status & 0xff) << 8;
		break;
	case CLD_DUMPED:
		*wstatus = (si.si_status & 0x7f) | 0x80;
		break;
	default:
		*wstatus = si.si_status & 0x7f;
		break;
	}
	return 1;
}

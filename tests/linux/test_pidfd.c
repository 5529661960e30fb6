/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <lx/pidfd.h>
#include <lx/sigfd.h>

extern char **environ;

static int out_fd = -1;

/* The hook puts the capture pipe on the child's stdout. */
static int to_pipe(void *arg)
{
	(void)arg;
	return dup2(out_fd, 1) < 0 ? -errno : 0;
}

static void on_failed(enum lx_spawn_stage stage, int err, void *arg)
{
	char msg[32];
	int n = snprintf(msg, sizeof msg, "failed %d %d\n", (int)stage, err);

	(void)arg;
	if (write(1, msg, (size_t)n) < 0)
		_exit(112);
}

/* Runs argv with stdout captured; returns its output. */
static char *run_argv(char **argv, const struct lx_sigfd *sig, int keep_fd, int *wstatus)
{
	struct lx_spawn sp = {
		.path = argv[0], .argv = argv, .envp = environ, .sigfd = sig,
		.cgroup_fd = -1, .keep_fd = keep_fd, .child_setup = to_pipe,
		.child_failed = on_failed,
	};
	static char buf[4096];
	struct pollfd p;
	int fds[2], pidfd = -1, r;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	cr_assert_eq(pipe2(fds, O_CLOEXEC), 0);
	out_fd = fds[1];
	pid = lx_pidfd_spawn(&sp, &pidfd);
	cr_assert_gt(pid, 0, "spawn: %s", strerror(-pid));
	cr_assert_geq(pidfd, 0);
	close(fds[1]);
	while ((n = read(fds[0], buf + got, sizeof buf - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = 0;
	close(fds[0]);
	/* The pidfd becomes readable when the child exits: no polling loop. */
	p.fd = pidfd;
	p.events = POLLIN;
	cr_assert_eq(poll(&p, 1, 60000), 1);
	r = lx_pidfd_reap(pidfd, wstatus);
	cr_assert_eq(r, 1);
	cr_assert_eq(lx_pidfd_reap(pidfd, wstatus), -ECHILD);
	close(pidfd);
	return buf;
}

static char *run_sh(const char *script, const struct lx_sigfd *sig, int keep_fd, int *wstatus)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };

	return run_argv(argv, sig, keep_fd, wstatus);
}

Test(pidfd, spawn_and_reap_exit_code)
{
	int st;
	char *out = run_sh("echo hello; exit 7", NULL, -1, &st);

	cr_assert_str_eq(out, "hello\n");
	cr_assert(WIFEXITED(st));
	cr_assert_eq(WEXITSTATUS(st), 7);
}

Test(pidfd, reap_reports_the_signal)
{
	int st;

	run_sh("kill -USR2 $$", NULL, -1, &st);
	cr_assert(WIFSIGNALED(st));
	cr_assert_eq(WTERMSIG(st), SIGUSR2);
}

Test(pidfd, not_yet_exited_and_send_signal)
{
	char *argv[] = { "/bin/sleep", "30", NULL };
	struct lx_spawn sp = { .path = argv[0], .argv = argv, .envp = environ,
			       .cgroup_fd = -1, .keep_fd = -1 };
	struct pollfd p;
	int pidfd, st = 0;
	pid_t pid = lx_pidfd_spawn(&sp, &pidfd);

	cr_assert_gt(pid, 0);
	cr_assert_eq(lx_pidfd_reap(pidfd, &st), 0);
	cr_assert_eq(lx_pidfd_send_signal(pidfd, SIGKILL), 0);
	p.fd = pidfd;
	p.events = POLLIN;
	cr_assert_eq(poll(&p, 1, 60000), 1);
	cr_assert_eq(lx_pidfd_reap(pidfd, &st), 1);
	cr_assert(WIFSIGNALED(st));
	cr_assert_eq(WTERMSIG(st), SIGKILL);
	/* Reaped: a signal can no longer reach a recycled pid. */
	cr_assert_eq(lx_pidfd_send_signal(pidfd, SIGTERM), -ESRCH);
	close(pidfd);
}

/* signalfd needs its signals blocked and the blocked mask survives
 * execve: the child must see the mask from before lx_sigfd_open. */
Test(pidfd, child_gets_the_original_signal_mask)
{
	struct lx_sigfd sig;
	sigset_t pre, handled;
	unsigned long long blk = 0;
	char *line;
	int st;
	char *out;

	sigemptyset(&pre);
	sigaddset(&pre, SIGUSR1);
	cr_assert_eq(sigprocmask(SIG_BLOCK, &pre, NULL), 0);
	sigemptyset(&handled);
	sigaddset(&handled, SIGCHLD);
	sigaddset(&handled, SIGTERM);
	sigaddset(&handled, SIGPIPE);
	cr_assert_eq(lx_sigfd_open(&sig, &handled), 0);
	/* grep itself, not through sh: dash clears the mask at startup. */
	{
		char *argv[] = { "/bin/grep", "^SigBlk:", "/proc/self/status", NULL };

		out = run_argv(argv, &sig, -1, &st);
	}
	line = strstr(out, "SigBlk:");
	cr_assert_not_null(line, "%s", out);
	blk = strtoull(line + 7, NULL, 16);
	cr_assert_eq(blk, 1ULL << (SIGUSR1 - 1), "SigBlk %llx", blk);
	lx_sigfd_close(&sig);
}

Test(pidfd, extra_fds_closed_keep_fd_kept)
{
	int plain = open("/dev/null", O_RDONLY); /* no O_CLOEXEC on purpose */
	int keep = open("/dev/null", O_RDONLY | O_CLOEXEC);
	char script[128], want_keep[16], want_plain[16];
	int st;
	char *out;

	cr_assert_geq(plain, 3);
	cr_assert_geq(keep, 3);
	snprintf(script, sizeof script, "ls /proc/self/fd | tr '\\n' ' '");
	out = run_sh(script, NULL, keep, &st);
	snprintf(want_keep, sizeof want_keep, " %d ", keep);
	snprintf(want_plain, sizeof want_plain, " %d ", plain);
	cr_assert_not_null(strstr(out, want_keep), "keep_fd missing: %s", out);
	cr_assert_null(strstr(out, want_plain), "stray fd leaked: %s", out);
	close(plain);
	close(keep);
}

Test(pidfd, exec_failure_reported_in_the_child)
{
	char *argv[] = { "/nonexistent/run", NULL };
	int fds[2], pidfd, st;
	char buf[64] = "";
	ssize_t n;
	struct lx_spawn sp = { .path = argv[0], .argv = argv, .envp = environ,
			       .cgroup_fd = -1, .keep_fd = -1, .child_setup = to_pipe,
			       .child_failed = on_failed };
	pid_t pid;

	cr_assert_eq(pipe2(fds, O_CLOEXEC), 0);
	out_fd = fds[1];
	pid = lx_pidfd_spawn(&sp, &pidfd);
	cr_assert_gt(pid, 0);
	close(fds[1]);
	n = read(fds[0], buf, sizeof buf - 1);
	cr_assert_gt(n, 0);
	buf[n] = 0;
	cr_assert_str_eq(buf, "failed 1 2\n"); /* LX_SPAWN_EXEC, ENOENT */
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_eq(WEXITSTATUS(st), 111);
	close(pidfd);
	close(fds[0]);
}

static int setup_fails(void *arg)
{
	(void)arg;
	if (dup2(out_fd, 1) < 0)
		return -errno;
	return -EPERM;
}

Test(pidfd, setup_failure_reported)
{
	char *argv[] = { "/bin/true", NULL };
	int fds[2], pidfd, st;
	char buf[64] = "";
	ssize_t n;
	struct lx_spawn sp = { .path = argv[0], .argv = argv, .envp = environ,
			       .cgroup_fd = -1, .keep_fd = -1, .child_setup = setup_fails,
			       .child_failed = on_failed };
	pid_t pid;

	cr_assert_eq(pipe2(fds, O_CLOEXEC), 0);
	out_fd = fds[1];
	pid = lx_pidfd_spawn(&sp, &pidfd);
	cr_assert_gt(pid, 0);
	close(fds[1]);
	n = read(fds[0], buf, sizeof buf - 1);
	cr_assert_gt(n, 0);
	buf[n] = 0;
	cr_assert_str_eq(buf, "failed 0 1\n"); /* LX_SPAWN_SETUP, EPERM */
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_eq(WEXITSTATUS(st), 111);
	close(pidfd);
	close(fds[0]);
}

Test(pidfd, bad_cgroup_fd_is_an_error_not_a_silent_fallback)
{
	char *argv[] = { "/bin/true", NULL };
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct lx_spawn sp = { .path = argv[0], .argv = argv, .envp = environ,
			       .cgroup_fd = devnull, .keep_fd = -1 };
	int pidfd = -1;
	pid_t pid = lx_pidfd_spawn(&sp, &pidfd);

	/* /dev/null is no cgroup directory: the kernel refuses the clone. */
	cr_assert_lt(pid, 0);
	cr_assert_eq(pidfd, -1);
	close(devnull);
}

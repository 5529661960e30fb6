/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <criterion/criterion.h>

#include <dt/sdnotify.h>
#include <lx/cgroup.h>
#include <lx/notify.h>

#include "cgtest.h"

/* Each test's socket in a directory of its own (parallel runs apart). */
static char sockdir[64], sockpath[96];

static void mkpaths(void)
{
	snprintf(sockdir, sizeof sockdir, "/tmp/dtng-notify-test.%d", (int)getpid());
	snprintf(sockpath, sizeof sockpath, "%s/notify", sockdir);
	mkdir(sockdir, 0700);
}

static void rmpaths(void)
{
	unlink(sockpath);
	rmdir(sockdir);
}

static int open_sock(char *env)
{
	mkpaths();
	strcpy(env, sockpath);
	return lx_notify_open(sockpath);
}

/* What a service does with NOTIFY_SOCKET: '@' means the abstract namespace. */
static int send_to(const char *env, const char *msg, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(env);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	memcpy(sa.sun_path, env, n);
	if (env[0] == '@')
		sa.sun_path[0] = '\0';
	r = (int)sendto(fd, msg, len, 0, (struct sockaddr *)&sa,
			(socklen_t)(offsetof(struct sockaddr_un, sun_path) + n));
	close(fd);
	return r;
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

Test(notify, socket_gets_ready_from_a_child)
{
	char env[LX_NOTIFY_NAME_MAX], buf[128], want[64];
	struct sdnotify_msg m;
	struct ucred cr;
	int fd, st;
	pid_t pid;

	fd = open_sock(env);
	cr_assert_geq(fd, 0, "%s", strerror(-fd));
	(void)want;
	cr_assert_eq(lx_notify_recv(fd, buf, sizeof buf, &cr), -EAGAIN);
	pid = fork();
	if (pid == 0)
		_exit(send_to(env, "STATUS=up\nREADY=1\n", 18) == 18 ? 0 : 1);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_eq(st, 0);
	cr_assert_eq(lx_notify_recv(fd, buf, sizeof buf, &cr), 18);
	cr_assert_eq(cr.pid, pid, "SO_PASSCRED names the sender");
	cr_assert_eq(cr.uid, geteuid());
	cr_assert_eq(sdnotify_parse(buf, 18, &m), 2);
	cr_assert(m.ready);
	cr_assert_str_eq(m.status, "up");
	close(fd);
	/* A socket left there (a killed predecessor) is replaced. */
	fd = lx_notify_open(sockpath);
	cr_assert_geq(fd, 0, "%s", strerror(-fd));
	close(fd);
	rmpaths();
}

Test(notify, socket_path_refusals)
{
	char longp[200];
	int fd;

	mkpaths();
	fd = open(sockpath, O_WRONLY | O_CREAT, 0600);
	close(fd);
	cr_assert_eq(lx_notify_open(sockpath), -EEXIST, "a regular file is not replaced");
	unlink(sockpath);
	memset(longp, 'x', sizeof longp - 1);
	longp[0] = '/';
	longp[sizeof longp - 1] = '\0';
	cr_assert_eq(lx_notify_open(longp), -ENAMETOOLONG);
	rmpaths();
}

Test(notify, base_and_dir_modes)
{
	char base[64], dir[96];
	struct stat st;

	snprintf(base, sizeof base, "/tmp/dtng-notify-base.%d", (int)getpid());
	snprintf(dir, sizeof dir, "%s/1-2", base);
	cr_assert_eq(lx_notify_base(base), 0);
	cr_assert_eq(stat(base, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0711);
	cr_assert_eq(lx_notify_dir(dir, geteuid(), getegid()), 0);
	cr_assert_eq(stat(dir, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0700);
	chmod(dir, 0755);
	cr_assert_eq(lx_notify_dir(dir, geteuid(), getegid()), 0, "mode put back");
	cr_assert_eq(stat(dir, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0700);
	rmdir(dir);
	/* A base others may write to is not trusted. */
	chmod(base, 0777);
	cr_assert_eq(lx_notify_base(base), -EPERM);
	rmdir(base);
}

Test(notify, oversized_datagram_dropped)
{
	char env[LX_NOTIFY_NAME_MAX], big[300], buf[64];
	struct ucred cr;
	int fd = open_sock(env);

	cr_assert_geq(fd, 0);
	memset(big, 'x', sizeof big);
	cr_assert_eq(send_to(env, big, sizeof big), (int)sizeof big);
	cr_assert_eq(lx_notify_recv(fd, buf, sizeof buf, &cr), -EMSGSIZE);
	cr_assert_eq(send_to(env, "READY=1", 7), 7);
	cr_assert_eq(lx_notify_recv(fd, buf, sizeof buf, &cr), 7, "the next one is whole");
	cr_assert_str_eq(buf, "READY=1");
	close(fd);
	rmpaths();
}

Test(notify, passed_fds_are_closed)
{
	char env[LX_NOTIFY_NAME_MAX], buf[64];
	union {
		struct cmsghdr align;
		char b[CMSG_SPACE(2 * sizeof(int))];
	} ctl;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct iovec iov = { .iov_base = "FDSTORE=1", .iov_len = 9 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	struct ucred cr;
	int fd = open_sock(env), s, pass[2], before;

	cr_assert_geq(fd, 0);
	cr_assert_eq(pipe(pass), 0);
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memcpy(sa.sun_path, env, strlen(env) + 1);
	mh.msg_name = &sa;
	mh.msg_namelen = sizeof sa;
	mh.msg_control = ctl.b;
	mh.msg_controllen = sizeof ctl.b;
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(2 * sizeof(int));
	memcpy(CMSG_DATA(c), pass, sizeof pass);
	cr_assert_eq(sendmsg(s, &mh, 0), 9);
	close(pass[0]);
	close(pass[1]);
	close(s);
	before = open_fds();
	cr_assert_eq(lx_notify_recv(fd, buf, sizeof buf, &cr), 9);
	cr_assert_eq(open_fds(), before, "no fd leaked");
	close(fd);
	rmpaths();
}

Test(notify, sender_policy_without_cgroup)
{
	struct ucred cr = { .pid = 0, .uid = 0 };
	int gate[2], st;
	pid_t live, dead;

	cr_assert_eq(lx_notify_sender_ok(NULL, 10, 0, &cr), 0, "no credentials");
	cr.pid = getpid();
	cr_assert_eq(lx_notify_sender_ok(NULL, getpid(), 0, &cr), 1, "the main process");
	cr_assert_eq(pipe2(gate, O_CLOEXEC), 0);
	live = fork();
	if (live == 0) {
		char ch;

		close(gate[1]);
		(void)!read(gate[0], &ch, 1);
		_exit(0);
	}
	close(gate[0]);
	cr.pid = live;
	cr_assert_eq(lx_notify_sender_ok(NULL, 1, 0, &cr), 0, "a live outsider");
	cr_assert_eq(lx_notify_sender_ok(NULL, getpgid(0), 0, &cr), 1, "in the process group");
	close(gate[1]);
	cr_assert_eq(waitpid(live, &st, 0), live);
	dead = fork();
	if (dead == 0)
		_exit(0);
	cr_assert_eq(waitpid(dead, &st, 0), dead);
	cr.pid = dead;
	cr.uid = 0;
	cr_assert_eq(lx_notify_sender_ok(NULL, 1, (uid_t)-1, &cr), 1, "gone, root");
	cr.uid = 4242;
	cr_assert_eq(lx_notify_sender_ok(NULL, 1, 4242, &cr), 1, "gone, the service's user");
	cr_assert_eq(lx_notify_sender_ok(NULL, 1, 1000, &cr), 0, "gone, another user");
	cr_assert_eq(lx_notify_sender_ok(NULL, 1, (uid_t)-1, &cr), 0, "gone, user unknown");
}

static struct cgtest t;

static void cg_setup(void)
{
	cgtest_setup(&t);
}

static void cg_teardown(void)
{
	cgtest_teardown(&t);
}

Test(notify, sender_in_the_service_cgroup, .init = cg_setup, .fini = cg_teardown, .timeout = 180)
{
	struct lx_cgroup cg;
	struct ucred cr = { .uid = 0 };
	int gate[2], st;
	pid_t member;

	cr_assert_eq(lx_cgroup_open(&cg, t.dir, 77, 1), 0);
	cr_assert_eq(pipe2(gate, O_CLOEXEC), 0);
	member = fork();
	if (member == 0) {
		char ch;

		close(gate[1]);
		(void)!read(gate[0], &ch, 1);
		_exit(0);
	}
	close(gate[0]);
	cr.pid = member;
	cr_assert_eq(lx_notify_sender_ok(&cg, 1, 0, &cr), 0, "not yet in the cgroup");
	cr_assert_eq(lx_cgroup_enter_service(&cg, member), 0);
	cr_assert_eq(lx_notify_sender_ok(&cg, 1, 0, &cr), 1, "a member");
	close(gate[1]);
	cr_assert_eq(waitpid(member, &st, 0), member);
	lx_cgroup_close(&cg);
}

/* The notification-fd dance with a real exec: the write end lands on fd N
 * in the child, survives exec, and the newline reaches the read end. */
static pid_t spawn_writer(int fds[2], int target, const char *script, int gate)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char ch;

		if (gate >= 0 && read(gate, &ch, 1) != 1)
			_exit(121);
		if (lx_notify_fd_place(fds[1], target) < 0)
			_exit(120);
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	return pid;
}

Test(notify, fd_newline_means_ready)
{
	struct pollfd p;
	int fds[2], gate[2], st, r;
	pid_t pid;

	cr_assert_eq(lx_notify_pipe(fds), 0);
	cr_assert(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
	cr_assert(fcntl(fds[1], F_GETFD) & FD_CLOEXEC);
	cr_assert_eq(pipe2(gate, O_CLOEXEC), 0);
	pid = spawn_writer(fds, 5, "printf 'starting' >&5; echo ' ok' >&5; exec sleep 600", gate[0]);
	cr_assert_eq(lx_notify_fd_read(fds[0]), 0, "nothing yet, and no blocking");
	cr_assert_eq(write(gate[1], "g", 1), 1);
	/* Each wake-up is a write of the child's; the limit only ends a hang. */
	p.fd = fds[0];
	p.events = POLLIN;
	while ((r = lx_notify_fd_read(fds[0])) == 0)
		cr_assert_eq(poll(&p, 1, 60000), 1, "the child wrote");
	cr_assert_eq(r, 1, "the newline arrived");
	kill(pid, SIGKILL);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	close(fds[0]);
	close(gate[0]);
	close(gate[1]);
}

Test(notify, fd_closed_without_newline)
{
	char script[96];
	int fds[2], st, r;
	pid_t pid;

	cr_assert_eq(lx_notify_pipe(fds), 0);
	/* Already at its number: only close-on-exec must go. perl, because
	 * sh takes one digit and Criterion holds the low fds. */
	snprintf(script, sizeof script,
		 "exec perl -e 'open(my $f, \">&=\", %d) or exit 9; print $f \"x\"'", fds[1]);
	pid = spawn_writer(fds, fds[1], script, -1);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "perl wrote on the fd: %d", st);
	r = lx_notify_fd_read(fds[0]);
	cr_assert_eq(r, -EPIPE);
	close(fds[0]);
}

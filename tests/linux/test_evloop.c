/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <lx/evloop.h>
#include <lx/sigfd.h>

Test(evloop, timeout_math)
{
	cr_assert_eq(lx_evloop_timeout_ms(0, 5), -1);
	cr_assert_eq(lx_evloop_timeout_ms(5, 10), 0);
	cr_assert_eq(lx_evloop_timeout_ms(10, 10), 0);
	cr_assert_eq(lx_evloop_timeout_ms(1000001, 0), 2);
	cr_assert_eq(lx_evloop_timeout_ms(1000000, 0), 1);
}

Test(evloop, pipe_and_tags)
{
	struct lx_evloop loop;
	struct lx_event ev[4];
	int p[2];

	cr_assert_eq(lx_evloop_open(&loop), 0);
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(lx_evloop_add(&loop, p[0], EPOLLIN, 42), 0);
	cr_assert_eq(lx_evloop_add(&loop, p[0], EPOLLIN, 42), -EEXIST);
	cr_assert_eq(lx_evloop_wait(&loop, ev, 4, 0), 0);
	cr_assert_eq(write(p[1], "x", 1), 1);
	cr_assert_eq(lx_evloop_wait(&loop, ev, 4, 1000), 1);
	cr_assert_eq(ev[0].tag, 42);
	cr_assert(ev[0].events & EPOLLIN);
	cr_assert_eq(lx_evloop_del(&loop, p[0]), 0);
	lx_evloop_close(&loop);
}

Test(sigfd, delivers_and_restores_mask)
{
	struct lx_sigfd s;
	sigset_t set, now;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	cr_assert_eq(lx_sigfd_open(&s, &set), 0);
	cr_assert_eq(lx_sigfd_read(&s), 0);
	kill(getpid(), SIGUSR1);
	cr_assert_eq(lx_sigfd_read(&s), SIGUSR1);
	sigprocmask(SIG_SETMASK, NULL, &now);
	cr_assert_eq(sigismember(&now, SIGUSR1), 1);
	lx_sigfd_close(&s);
	sigprocmask(SIG_SETMASK, NULL, &now);
	cr_assert_eq(sigismember(&now, SIGUSR1), 0);
}

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <lx/inotify.h>
#include <lx/pidfd.h>

Test(inotify, sees_create_and_iterates)
{
	char dir[] = "/tmp/dtng-ino.XXXXXX", path[64];
	char buf[4096] __attribute__((aligned(8)));
	struct lx_inotify_iter it;
	const struct inotify_event *ev;
	int fd, err, found = 0;

	cr_assert_not_null(mkdtemp(dir));
	fd = lx_inotify_open();
	cr_assert_geq(fd, 0);
	cr_assert_geq(lx_inotify_add(fd, dir, IN_CREATE), 0);
	cr_assert_eq(lx_inotify_read(fd, buf, sizeof buf, &it), 0);
	snprintf(path, sizeof path, "%s/svc", dir);
	cr_assert_eq(mkdir(path, 0755), 0);
	cr_assert_gt(lx_inotify_read(fd, buf, sizeof buf, &it), 0);
	while ((ev = lx_inotify_next(&it, &err)))
		if (ev->len && strcmp(ev->name, "svc") == 0)
			found = 1;
	cr_assert_eq(err, 0);
	cr_assert(found);
	rmdir(path);
	rmdir(dir);
	close(fd);
}

static int named_b(const struct inotify_event *ev)
{
	return ev->len && strcmp(ev->name, "b") == 0;
}

/* lx_inotify_drain empties the queue and says whether one event mattered. */
Test(inotify, drain_answers_look_again)
{
	char dir[] = "/tmp/dtng-ino.XXXXXX", path[64];
	int fd;

	cr_assert_not_null(mkdtemp(dir));
	fd = lx_inotify_open();
	cr_assert_geq(fd, 0);
	cr_assert_geq(lx_inotify_add(fd, dir, IN_CREATE), 0);
	cr_assert_eq(lx_inotify_drain(fd, named_b), 0, "nothing queued");
	snprintf(path, sizeof path, "%s/a", dir);
	cr_assert_eq(mkdir(path, 0755), 0);
	cr_assert_eq(lx_inotify_drain(fd, named_b), 0, "a does not matter");
	snprintf(path, sizeof path, "%s/b", dir);
	cr_assert_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, "%s/c", dir);
	cr_assert_eq(mkdir(path, 0755), 0);
	cr_assert_eq(lx_inotify_drain(fd, named_b), 1, "b matters, c after it");
	cr_assert_eq(lx_inotify_drain(fd, named_b), 0, "and the queue is empty");
	for (const char *n = "abc"; *n; n++) {
		snprintf(path, sizeof path, "%s/%c", dir, *n);
		rmdir(path);
	}
	rmdir(dir);
	close(fd);
}

Test(inotify, rejects_truncated_record)
{
	char buf[sizeof(struct inotify_event) + 8] __attribute__((aligned(8)));
	struct inotify_event *e = (struct inotify_event *)(void *)buf;
	struct lx_inotify_iter it = { .buf = buf, .len = sizeof buf, .off = 0 };
	int err;

	memset(buf, 0, sizeof buf);
	e->len = 64; /* claims more name bytes than the buffer holds */
	cr_assert_null(lx_inotify_next(&it, &err));
	cr_assert_eq(err, -EIO);
	it.off = 0;
	it.len = 3;
	cr_assert_null(lx_inotify_next(&it, &err));
	cr_assert_eq(err, -EIO);
}

Test(pidfd, open_signal_and_exit)
{
	pid_t pid = fork();
	int fd, st;

	if (pid == 0) {
		pause();
		_exit(0);
	}
	fd = lx_pidfd_open(pid);
	cr_assert_geq(fd, 0);
	cr_assert_eq(lx_pidfd_send_signal(fd, SIGTERM), 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFSIGNALED(st));
	cr_assert_eq(lx_pidfd_send_signal(fd, SIGTERM), -ESRCH);
	close(fd);
	cr_assert_eq(lx_pidfd_open(pid), -ESRCH);
}

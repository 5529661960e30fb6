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

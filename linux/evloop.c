/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>

#include <lx/evloop.h>

int lx_evloop_open(struct lx_evloop *loop)
{
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	return loop->epfd < 0 ? -errno : 0;
}

void lx_evloop_close(struct lx_evloop *loop)
{
	if (loop->epfd >= 0)
		close(loop->epfd);
	loop->epfd = -1;
}

static int ctl(struct lx_evloop *loop, int op, int fd, uint32_t events, uint32_t tag)
{
	struct epoll_event e = { .events = events, .data.u64 = tag };

	return epoll_ctl(loop->epfd, op, fd, &e) < 0 ? -errno : 0;
}

int lx_evloop_add(struct lx_evloop *loop, int fd, uint32_t events, uint32_t tag)
{
	return ctl(loop, EPOLL_CTL_ADD, fd, events, tag);
}

int lx_evloop_del(struct lx_evloop *loop, int fd)
{
	return epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL) < 0 ? -errno : 0;
}

int lx_evloop_wait(struct lx_evloop *loop, struct lx_event *ev, int max, int timeout_ms)
{
	struct epoll_event e[16];
	int n, i;

	if (max > 16)
		max = 16;
	n = epoll_wait(loop->epfd, e, max, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++) {
		ev[i].tag = (uint32_t)e[i].data.u64;
		ev[i].events = e[i].events;
	}
	return n;
}

int lx_evloop_timeout_ms(uint64_t deadline_ns, uint64_t now_ns)
{
	uint64_t ms;

	if (deadline_ns == 0)
		return -1;
	if (deadline_ns <= now_ns)
		return 0;
	ms = (deadline_ns - now_ns + 999999) / 1000000;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

static uint64_t now(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

uint64_t lx_now_mono_ns(void)
{
	return now(CLOCK_MONOTONIC);
}

uint64_t lx_now_real_ns(void)
{
	return now(CLOCK_REALTIME);
}

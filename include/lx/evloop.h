/* SPDX-License-Identifier: ISC */
#ifndef LX_EVLOOP_H
#define LX_EVLOOP_H

/* A thin epoll wrapper. Registrations carry a small integer tag chosen by
 * the caller (an enum in each program); there are no callbacks. All
 * functions return >= 0 or -errno. */

#include <stdint.h>
#include <sys/epoll.h>

struct lx_evloop {
	int epfd;
};

struct lx_event {
	uint32_t tag;
	uint32_t events; /* EPOLLIN, EPOLLPRI, EPOLLHUP ... */
};

int lx_evloop_open(struct lx_evloop *loop);
void lx_evloop_close(struct lx_evloop *loop);
/* events: EPOLLIN, EPOLLPRI ... -EEXIST if fd is already there. */
int lx_evloop_add(struct lx_evloop *loop, int fd, uint32_t events, uint32_t tag);
int lx_evloop_del(struct lx_evloop *loop, int fd);
/* Waits up to timeout_ms (-1: forever) and fills at most max events.
 * Returns the count (0 on timeout). EINTR (after SIGSTOP/SIGCONT, even with
 * no handler) is returned as 0 so callers simply loop. */
int lx_evloop_wait(struct lx_evloop *loop, struct lx_event *ev, int max, int timeout_ms);

/* Milliseconds from now until the CLOCK_MONOTONIC deadline (ns), rounded
 * up, clamped to [0, INT_MAX]; -1 when deadline_ns is 0 (no deadline). */
int lx_evloop_timeout_ms(uint64_t deadline_ns, uint64_t now_ns);
/* CLOCK_MONOTONIC and CLOCK_REALTIME in nanoseconds. */
uint64_t lx_now_mono_ns(void);
uint64_t lx_now_real_ns(void);

#endif

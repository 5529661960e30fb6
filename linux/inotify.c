/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include <lx/inotify.h>

int lx_inotify_open(void)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int lx_inotify_add(int fd, const char *path, uint32_t mask)
{
	int wd = inotify_add_watch(fd, path, mask);

	return wd < 0 ? -errno : wd;
}

int lx_inotify_read(int fd, void *buf, size_t size, struct lx_inotify_iter *it)
{
	ssize_t r;

	it->buf = buf;
	it->len = 0;
	it->off = 0;
	do
		r = read(fd, buf, size);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == EAGAIN ? 0 : -errno;
	it->len = (size_t)r;
	return (int)r;
}

const struct inotify_event *lx_inotify_next(struct lx_inotify_iter *it, int *err)
{
	const struct inotify_event *ev;
	size_t left = it->len - it->off;

	*err = 0;
	if (left == 0)
		return NULL;
	if (left < sizeof *ev) {
		*err = -EIO;
		return NULL;
	}
	ev = (const struct inotify_event *)(const void *)(it->buf + it->off);
	if (ev->len > left - sizeof *ev) {
		*err = -EIO;
		return NULL;
	}
	it->off += sizeof *ev + ev->len;
	return ev;
}

int lx_inotify_drain(int fd, int (*relevant)(const struct inotify_event *ev))
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	struct lx_inotify_iter it;
	int r, err, any = 0;

	while ((r = lx_inotify_read(fd, buf, sizeof buf, &it)) > 0) {
		while ((ev = lx_inotify_next(&it, &err)))
			any |= relevant(ev) != 0;
		any |= err != 0;
	}
	/* A failed read: whatever was lost may have mattered. */
	return any || r < 0;
}

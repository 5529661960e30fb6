/* SPDX-License-Identifier: ISC */
#ifndef LX_INOTIFY_H
#define LX_INOTIFY_H

/* inotify with a bounds-checked event iterator. Callers (svscan, svwait)
 * treat any event as "look again" and never trust the stream for state;
 * IN_Q_OVERFLOW means events were lost, so they fall back to a rescan. */

#include <stddef.h>
#include <stdint.h>
#include <sys/inotify.h>

/* Non-blocking, close-on-exec instance. Returns the fd or -errno
 * (-EMFILE when max_user_instances is reached, -ENOSYS without inotify). */
int lx_inotify_open(void);
/* Returns the watch descriptor or -errno. */
int lx_inotify_add(int fd, const char *path, uint32_t mask);

struct lx_inotify_iter {
	const char *buf;
	size_t len, off;
};

/* Reads what is queued into buf (size >= sizeof(struct inotify_event) +
 * NAME_MAX + 1) and sets up it. Returns bytes read, 0 when nothing is
 * queued, or -errno. */
int lx_inotify_read(int fd, void *buf, size_t size, struct lx_inotify_iter *it);
/* Next event, or NULL at the end. A record that would run past the data
 * read (a short or corrupt buffer) ends the iteration: -EIO in *err. */
const struct inotify_event *lx_inotify_next(struct lx_inotify_iter *it, int *err);
/* Reads every event queued on fd (non-blocking) and returns 1 if relevant
 * said yes to one of them, or if a record was broken or a read failed
 * (then something may have been missed: look again), 0 otherwise. For a
 * waiter that only asks "look again?" (svlink, svunlink). */
int lx_inotify_drain(int fd, int (*relevant)(const struct inotify_event *ev));

#endif

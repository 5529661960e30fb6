/* SPDX-License-Identifier: ISC */
#ifndef LX_PROCLOCK_H
#define LX_PROCLOCK_H

/* Who holds a lock on a file, learnt from /proc without taking the lock.
 * Used by svwait to find and verify the supervise behind supervise/lock.
 * All return >= 0 or -errno. */

#include <sys/types.h>

/* Stores at most max pids that hold a granted lock on an inode numbered
 * ino (any device: overlayfs and btrfs report a different device in
 * /proc/locks than stat(2) does; callers verify each candidate with
 * lx_proclock_pid_holds). Returns the count stored. */
int lx_proclock_holders(unsigned long ino, pid_t *pids, int max);
/* 1 when process pid has an fd open on the file (dev, ino) and that open
 * file holds a lock; 0 when not; -errno (-ESRCH: no such process). */
int lx_proclock_pid_holds(pid_t pid, dev_t dev, ino_t ino);

#endif

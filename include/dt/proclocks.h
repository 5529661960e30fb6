/* SPDX-License-Identifier: ISC */
#ifndef DT_PROCLOCKS_H
#define DT_PROCLOCKS_H

/* Lines of /proc/locks and /proc/PID/fdinfo/N, so svwait can learn who
 * holds supervise/lock without ever taking it (a test-and-take would make
 * a starting supervise fail). Pure functions, no I/O. */

#include <stddef.h>
#include <sys/types.h>

/* One /proc/locks line ("1: FLOCK  ADVISORY  WRITE 21710 fe:00:10953314 0 EOF").
 * Returns 1 for a granted lock with a known holder, storing its pid and
 * inode; 0 for a waiter ("1: -> FLOCK ..."), a lock without pid (OFD
 * locks show -1) or anything unparsable. */
int proclocks_line(const char *line, size_t len, pid_t *pid, unsigned long *ino);
/* 1 when an fdinfo text has a "lock:" line: that open file holds a lock. */
int proclocks_fdinfo_locked(const char *text, size_t len);

#endif

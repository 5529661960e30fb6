/* SPDX-License-Identifier: ISC */
#ifndef LX_RLIMIT_H
#define LX_RLIMIT_H

/* Resource limits through prlimit(2), which reads and sets a limit of any
 * process (pid 0 = the caller) in one call. Return 0 or -errno:
 * -ESRCH no such process, -EPERM not allowed, -EINVAL bad resource.
 * Between the read and the write of lx_rlimit_set_soft another process may
 * change the limit of pid; for pid 0 in a single-threaded caller there is
 * no such window. */

#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

int lx_rlimit_get(pid_t pid, int resource, struct rlimit *out);
int lx_rlimit_set(pid_t pid, int resource, const struct rlimit *lim);
/* Sets the soft limit to min(soft, hard limit), leaving the hard limit
 * alone, as daemontools 0.76's softlimit does: a value above the hard limit
 * is clamped, not refused, and RLIM_INFINITY means "the hard limit". The
 * limit in force afterwards goes to *applied when applied is not NULL. */
int lx_rlimit_set_soft(pid_t pid, int resource, uint64_t soft, struct rlimit *applied);

#endif

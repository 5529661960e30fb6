#ifndef LX_PIDFD_H
#define LX_PIDFD_H

/* pidfds: exit notification as a pollable fd, and signals that cannot reach
 * a recycled pid once the child has been reaped. A pidfd_open() of a pid
 * read from a file is racy until checked (e.g. against cgroup.procs or the
 * process's start time): callers must verify. All return >= 0 or -errno. */

#include <sys/types.h>

/* -ESRCH: no such process; -ENOSYS: kernel before 5.3. */
int lx_pidfd_open(pid_t pid);
/* -ESRCH once the process has exited (even if not yet reaped). */
int lx_pidfd_send_signal(int pidfd, int sig);

#endif

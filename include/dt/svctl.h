/* SPDX-License-Identifier: ISC */
#ifndef DT_SVCTL_H
#define DT_SVCTL_H

/* A service directory seen from outside, as svc and svok see it: through
 * DIR/supervise/ok, control and status only, so it works the same with a
 * daemontools 0.76 supervise. Small file I/O, no waiting, no printing;
 * -errno on failure. Used by svlink, svunlink and svwatch. */

#include <stddef.h>

/* 1 if a supervise runs in dir (it holds supervise/ok open: svok's test),
 * 0 if not (no fifo, nobody reading), -errno otherwise. */
int svctl_running(const char *dir);
/* Writes bytes to dir/supervise/control without blocking: 0, or -errno
 * (-ENXIO, -ENOENT: no supervise). */
int svctl_send(const char *dir, const char *bytes);
/* The wanted state in dir/supervise/status: 'u', 'd' or 0 (once, or no
 * record); -errno when it cannot be read. */
int svctl_want(const char *dir);
/* dir/supervise/status decoded into *st: 0, or -errno (-EBADMSG: not a
 * whole record). */
struct svstatus;
int svctl_status(const char *dir, struct svstatus *st);
/* The same from a status file's whole path (svscan's shutdown reaches a
 * supervise's directory through /proc/PID/cwd). */
int svctl_status_file(const char *path, struct svstatus *st);

/* path = dir + "/" + name (dir "" or "." gives name alone); -ENAMETOOLONG
 * when it does not fit in size. */
int svctl_path(char *path, size_t size, const char *dir, const char *name);

/* The checks svlink makes before it creates anything: dir is a directory,
 * dir/run an executable regular file, and dir/log/run too where dir/log
 * exists (a directory). 0, or -errno with *what the path that failed
 * (static storage of the caller's buffer of size what_size). */
int svctl_check_dir(const char *dir, char *what, size_t what_size);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef DT_SDNOTIFY_H
#define DT_SDNOTIFY_H

/* Readiness protocols a service may speak (DESIGN.md section 4):
 * - systemd's NOTIFY_SOCKET: datagrams of "KEY=VALUE" lines. We act on
 *   READY=1 and STATUS=text; every other line (MAINPID=, WATCHDOG=1,
 *   FDSTORE=1, garbage) is ignored, as a supervisor that does not know a key
 *   must.
 * - s6's notification-fd: the service-dir file holds a fd number; the
 *   service writes a newline on that fd when it is ready.
 * Pure functions, no I/O; any input bytes are safe. */

#include <stddef.h>

/* STATUS= text is cut to this many bytes (NUL included). */
#define SDNOTIFY_STATUS_MAX 256

struct sdnotify_msg {
	int ready;      /* a READY=1 line was seen */
	int has_status; /* a STATUS= line was seen (the last one wins) */
	/* The STATUS= value, NUL-terminated, control bytes replaced by '?'
	 * so it is safe to show or to store in a one-line text field. */
	char status[SDNOTIFY_STATUS_MAX];
};

/* Parses one datagram of len bytes. Lines are separated by '\n'; a line
 * holding a NUL byte is malformed and ignored (systemd refuses such
 * datagrams; we keep the well-formed lines). Returns the number of lines we
 * acted on (READY=1, STATUS=), 0 if none. Never fails. */
int sdnotify_parse(const char *buf, size_t len, struct sdnotify_msg *out);

/* Parses the content of a notification-fd file: one decimal fd number,
 * optional blanks and newline around it. Returns 0 and stores the number;
 * -EINVAL for anything else, -ERANGE for 0, 1 and 2 (the service's stdin,
 * stdout and stderr: a readiness pipe there would swallow its log) or a
 * number above 1048575 (the kernel's fs.nr_open ceiling). *why gets a
 * static reason; why may be NULL. */
int sdnotify_parse_fd_file(const char *text, size_t len, int *fd, const char **why);

/* Scans len bytes read from the readiness pipe: 1 if they hold a newline
 * (the service is ready), else 0. */
int sdnotify_fd_ready(const char *buf, size_t len);

#endif

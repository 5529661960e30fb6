/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dt/die.h>

/* Set first thing in main(); the one piece of global state messages need. */
const char *dt_progname = "daemontools-ng";

int dt_msg_format(char *buf, int size, const char *kind, int err, const char *fmt, va_list ap)
{
	int n;

	if (size <= 0)
		return 0;
	n = snprintf(buf, size, "%s: %s: ", dt_progname, kind);
	if (n < size)
		n += vsnprintf(buf + n, size - n, fmt, ap);
	if (err >= 0 && n < size)
		n += snprintf(buf + n, size - n, ": %s", dt_strerror(err));
	if (n >= size - 1)
		n = size - 2;
	if (n < 0)
		n = 0;
	buf[n++] = '\n';
	buf[n] = 0;
	return n;
}

/* One write(2) per message, so lines from several processes sharing a
 * stderr pipe (svscan's readproctitle) never interleave mid-line. */
static void emit(const char *kind, int err, const char *fmt, va_list ap)
{
	char buf[1024];
	int saved = errno;
	int n = dt_msg_format(buf, sizeof buf, kind, err, fmt, ap);
	ssize_t w;

	do
		w = write(2, buf, n);
	while (w < 0 && errno == EINTR);
	errno = saved;
}

void dt_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("fatal", -1, fmt, ap);
	va_end(ap);
	_exit(code);
}

void dt_die_errno(int code, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("fatal", err, fmt, ap);
	va_end(ap);
	_exit(code);
}

void dt_die_sys(int code, const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	emit("fatal", err, fmt, ap);
	va_end(ap);
	_exit(code);
}

static void usage_emit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("usage", -1, fmt, ap);
	va_end(ap);
}

void dt_die_usage(int code, const char *usage)
{
	usage_emit("%s %s", dt_progname, usage);
	_exit(code);
}

void dt_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("warning", -1, fmt, ap);
	va_end(ap);
}

void dt_warn_errno(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("warning", err, fmt, ap);
	va_end(ap);
}

void dt_warn_sys(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	emit("warning", err, fmt, ap);
	va_end(ap);
}

void dt_bug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("internal error (please report)", -1, fmt, ap);
	va_end(ap);
	abort();
}

/* SPDX-License-Identifier: ISC */
#ifndef DT_DIE_H
#define DT_DIE_H

/* Messages in djb's grammar: "prog: fatal: unable to X: reason".
 * Only programs (the files in src/) call these; src/lib and linux/ return -errno.
 * The reason text comes from dt_strerror(), djb's own errno table, because
 * scripts and tests match 0.76's words ("file does not exist"). */

#include <stdarg.h>

extern const char *dt_progname;

/* djb's text for an errno value (never NULL). */
const char *dt_strerror(int err);

/* "prog: fatal: MSG" and exit(code). */
__attribute__((format(printf, 2, 3), noreturn))
void dt_die(int code, const char *fmt, ...);
/* "prog: fatal: MSG: dt_strerror(err)" and exit(code). */
__attribute__((format(printf, 3, 4), noreturn))
void dt_die_errno(int code, int err, const char *fmt, ...);
/* As dt_die_errno with the current errno. */
__attribute__((format(printf, 2, 3), noreturn))
void dt_die_sys(int code, const char *fmt, ...);
/* "prog: usage: prog USAGE" and exit(code). */
__attribute__((noreturn))
void dt_die_usage(int code, const char *usage);
/* "prog: warning: MSG" (and ": reason" for the _errno/_sys forms). */
__attribute__((format(printf, 1, 2)))
void dt_warn(const char *fmt, ...);
__attribute__((format(printf, 2, 3)))
void dt_warn_errno(int err, const char *fmt, ...);
__attribute__((format(printf, 1, 2)))
void dt_warn_sys(const char *fmt, ...);
/* Internal invariant broken: print and abort() for a core dump. */
__attribute__((format(printf, 1, 2), noreturn))
void dt_bug(const char *fmt, ...);

/* Formats "prog: KIND: MSG[: reason]\n" into buf (at most size bytes, always
 * NUL-terminated when size > 0); err < 0 means no reason. Returns the length
 * that was written. Pure: used by the functions above and by tests. */
int dt_msg_format(char *buf, int size, const char *kind, int err, const char *fmt, va_list ap);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef DT_ONELINE_H
#define DT_ONELINE_H

/* The value of a one-line file of a service directory (user,
 * notification-fd, backoff, finish-timeout, timeout-kill, stray-grace, the
 * cgroup limit files...): the one rule every such file follows, so that a
 * value is read the same way whatever the file.
 *   - blanks (space, tab, CR, LF) around the value are dropped: a trailing
 *     newline, a CRLF editor, an indented value are all fine;
 *   - nothing left is empty;
 *   - a line break (LF or CR) left inside is a second line, refused;
 *   - a NUL byte is refused;
 *   - a value that does not fit the caller's buffer is too long.
 * What the value means (a number, a name) is the caller's business.
 * 0.76's envdir files follow their own rule (first line only, NUL as
 * newline): envdir.h. Pure, no I/O. */

#include <stddef.h>

/* Copies the value of text (len bytes, need not be NUL-terminated) into
 * out as a C string; size >= 1; out may be text itself (in place). Returns its length (> 0), or
 *   -ENODATA    empty (blanks only, or no bytes);
 *   -EOVERFLOW  longer than size - 1 bytes;
 *   -EILSEQ     a NUL byte;
 *   -EINVAL     more than one line;
 * and sets *why to a static English reason ("empty", "too long", "contains
 * a NUL byte", "more than one line"); why may be NULL. When the value is
 * both too long and bad, too long wins; then the first bad byte says. */
int oneline_value(const char *text, size_t len, char *out, size_t size, const char **why);

#endif

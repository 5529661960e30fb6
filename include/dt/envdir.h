/* SPDX-License-Identifier: ISC */
#ifndef DT_ENVDIR_H
#define DT_ENVDIR_H

/* envdir's rules for one file of the directory, as daemontools 0.76 applies
 * them. Pure except envdir_read_value, which reads one file. Errors are
 * -errno; nothing prints or exits. */

#include <stdbool.h>
#include <stddef.h>

/* Dot-files are skipped (0.76: any name starting with '.'). */
bool envdir_name_skipped(const char *name);
/* 0 when name can name a variable; -EINVAL when it contains '='. 0.76
 * exported "X=Y" as the variable X with "Y=" glued in front of the value:
 * we refuse it (a listed difference). */
int envdir_name_check(const char *name);

/* The file's bytes as a value, rewritten in place: the first line, with
 * trailing spaces and tabs removed, then each NUL turned into a newline.
 * Returns the value's length; buf[len] is not touched (the caller adds the
 * terminating NUL; the value may be shorter than len, never longer). An
 * empty file (len 0) means "remove the variable": the caller checks len == 0
 * before calling, because a file holding just "\n" sets an empty value. */
size_t envdir_value(char *buf, size_t len);

/* Reads NAME in directory dirfd (AT_FDCWD allowed) and stores a malloc'd,
 * NUL-terminated value in *value. Returns 1 with a value, 0 when the
 * variable is to be removed (empty file, or a file that does not exist:
 * 0.76 treats a dangling link like an empty file), -errno when the file
 * cannot be read (-ENOMEM when out of memory). Reads only up to the first
 * newline. Opens with O_NONBLOCK as 0.76 does, so a fifo without a writer
 * reads as empty instead of hanging. */
int envdir_read_value(int dirfd, const char *name, char **value);

#endif

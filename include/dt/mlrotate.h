/* SPDX-License-Identifier: ISC */
#ifndef DT_MLROTATE_H
#define DT_MLROTATE_H

/* Where multilog cuts its log files, and how it names and ages the cut
 * pieces; daemontools 0.76's rules:
 *  - current grows until it reaches the size limit: a line longer than the
 *    room left is cut at exactly the limit and goes on in the next file;
 *  - once current is within 2000 bytes of the limit it is rotated at the
 *    end of the next line, so lines are rarely cut;
 *  - a rotated file is named '@' + 24 hex digits of TAI64N + '.' + code
 *    ('s' safely written, 'u' unfinished at an outage);
 *  - with nNUM, the oldest '@' files are deleted while there are NUM or
 *    more, so NUM - 1 stay.
 * 0.76 applied the 2000-byte rule per write chunk (the last newline of a
 * 512-byte buffer), so its cut points depended on how the input arrived;
 * we apply it per line: the first line end at or past SIZE - 2000.
 * Pure functions, no I/O. */

#include <stddef.h>
#include <stdint.h>

#include <dt/tai64.h>

#define MLROTATE_EARLY 2000
#define MLNAME_LEN 27 /* "@" + 24 hex + "." + code */

/* How many of buf's len bytes belong in the file that already holds
 * `bytes` of its `size` limit. *rotate is set to 1 when the file must be
 * rotated right after them (they end a line at or past size - 2000, or fill
 * the file), else 0. Returns 0 with *rotate = 1 when the file is already
 * full. */
size_t mlcut_span(uint64_t bytes, uint64_t size, const char *buf, size_t len, int *rotate);

/* Writes the name of a rotated file: MLNAME_LEN bytes and a NUL. */
void mlname_format(const struct tai64n *t, char code, char out[MLNAME_LEN + 1]);
/* 1 if a directory entry counts as a rotated file (0.76: starts with '@',
 * at least 25 bytes long). */
int mlname_is_rotated(const char *name);
/* 1 if rotated name a sorts before b on their first 25 bytes (the label):
 * a is older. Equal labels are not older, so the first one seen stays. */
int mlname_older(const char *a, const char *b);
/* A label strictly after `last` (and not before `now`), so names sort in
 * rotation order even when two rotations share a nanosecond or the clock
 * steps back. */
void mlname_next_stamp(const struct tai64n *last, const struct tai64n *now,
		       struct tai64n *out);

#endif

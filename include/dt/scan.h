/* SPDX-License-Identifier: ISC */
#ifndef DT_SCAN_H
#define DT_SCAN_H

/* Strict number parsing for outside input: the whole string must be a
 * number, no sign unless stated, no surrounding blanks; garbage and
 * overflow are errors, never a silent zero. Return 0 or -EINVAL/-ERANGE. */

#include <stdint.h>

int scan_u64(const char *s, uint64_t *out);
int scan_ulong(const char *s, unsigned long *out);
/* Non-negative decimal seconds with an optional fraction ("1", "0.25",
 * "2."), at most 10^9 s; result in nanoseconds. */
int scan_seconds_ns(const char *s, uint64_t *out_ns);
/* Scans a prefix: a run of decimal digits starting at s. Returns the number
 * of bytes consumed (0 if none), stores the value; -ERANGE on overflow. */
int scan_u64_prefix(const char *s, uint64_t *out);

#endif

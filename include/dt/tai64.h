/* SPDX-License-Identifier: ISC */
#ifndef DT_TAI64_H
#define DT_TAI64_H

/* TAI64N as daemontools 0.76 computes it: TAI = unix time + 10 s, no
 * leap-second table; the 8-byte label is 2^62 + TAI seconds, then 4 bytes
 * of nanoseconds, both big-endian. External form: '@' + 24 lower-case hex.
 * Pure functions, no I/O. */

#include <stddef.h>
#include <stdint.h>

#define TAI64_UNIX_OFFSET 4611686018427387914ULL /* 2^62 + 10 */
#define TAI64N_PACK 12
#define TAI64N_FMT 25 /* '@' + 24 hex, no NUL */

struct tai64n {
	uint64_t sec;  /* 2^62 + 10 + unix seconds */
	uint32_t nano;
};

/* From unix time in nanoseconds (CLOCK_REALTIME). */
void tai64n_from_unix_ns(uint64_t unix_ns, struct tai64n *out);
/* Unix seconds of a label (may be negative for labels before 1970). */
int64_t tai64n_unix_sec(const struct tai64n *t);
void tai64n_pack(const struct tai64n *t, unsigned char out[TAI64N_PACK]);
void tai64n_unpack(const unsigned char in[TAI64N_PACK], struct tai64n *out);
/* Writes '@' + 24 lower-case hex digits; no NUL. */
void tai64n_fmt(const struct tai64n *t, char out[TAI64N_FMT]);
/* Parses exactly '@' + 24 lower-case hex digits at s (len >= 25 required).
 * Returns 0, or -EINVAL for anything else (upper case, short, bad digit):
 * 0.76 crashed on such labels, we pass them through. */
int tai64n_scan(const char *s, size_t len, struct tai64n *out);

#endif

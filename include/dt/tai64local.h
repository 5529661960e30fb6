/* SPDX-License-Identifier: ISC */
#ifndef DT_TAI64LOCAL_H
#define DT_TAI64LOCAL_H

/* tai64nlocal's conversion, byte for byte as daemontools 0.76 prints it:
 * a line that starts with '@' + 24 lower-case hex digits followed by anything
 * but another such digit gets that label replaced by the local time
 * "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" (localtime() of label seconds - 2^62 - 10);
 * the rest of the line is copied. Every other line passes unchanged; unlike
 * 0.76 (which crashes or misreads them) so do malformed labels and labels
 * localtime() cannot represent.
 *
 * Pure apart from the local-time breakdown, which the caller may inject
 * (unit tests use synthetic zones). Not thread-safe per object; objects own
 * no memory. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <dt/tai64.h>

/* Longest text of one label: a 20-digit year (0.76 prints a negative year
 * as an unsigned long), "-MM-DD HH:MM:SS.", up to 10 digits of nanoseconds
 * (0.76 prints values >= 10^9 in full). Rounded up: the formatter may store
 * up to this many bytes at out even when the text is shorter. */
#define TAI64LOCAL_MAX 64

/* Breaks unix seconds into local time. Returns 0, or -errno (-EOVERFLOW:
 * the year does not fit). The default is localtime_r(). */
typedef int tai64local_breakdown_fn(int64_t unix_sec, struct tm *out);

/* The local time of one window of seconds [lo, hi) inside one local hour
 * whose UTC offset is constant, checked at both ends, so the breakdown runs
 * about once per hour of log time; "pre" is the text of second "last". */
struct tai64local_cache {
	tai64local_breakdown_fn *breakdown;
	int64_t lo, hi;
	int lo_into;   /* seconds into the local hour at lo */
	int64_t last;
	unsigned npre; /* length of pre: "YYYY-MM-DD HH:MM:SS." */
	char pre[TAI64LOCAL_MAX];
};

/* fn NULL means localtime_r(). */
void tai64local_init(struct tai64local_cache *c, tai64local_breakdown_fn *fn);
/* Writes the text of t at out (no NUL; may store up to TAI64LOCAL_MAX bytes).
 * Returns its length, or -EOVERFLOW when local time cannot represent t. */
int tai64local_fmt(struct tai64local_cache *c, const struct tai64n *t,
		   char out[TAI64LOCAL_MAX]);

/* The streaming filter: feed any chunks; a label cut by a chunk boundary is
 * held (at most 26 bytes) until the byte after it arrives, as 0.76 waits for
 * it; everything else is converted and returned at once. */
struct tai64local_filter {
	struct tai64local_cache cache;
	bool mid_line;
	unsigned nhold;
	char hold[TAI64N_FMT + 1];
};

/* Output room tai64local_filter_chunk() may need for len input bytes. */
#define TAI64LOCAL_BOUND(len) (2 * (size_t)(len) + 4 * TAI64LOCAL_MAX)

void tai64local_filter_init(struct tai64local_filter *f, tai64local_breakdown_fn *fn);
/* Converts in[0..len) into out, which must have TAI64LOCAL_BOUND(len) bytes
 * of room. Returns the bytes written. */
size_t tai64local_filter_chunk(struct tai64local_filter *f, const char *in, size_t len,
			       char *out);
/* At end of input: writes what is held (a complete label is converted; 0.76
 * dropped it) into out (TAI64LOCAL_BOUND(0) bytes of room). Returns bytes. */
size_t tai64local_filter_end(struct tai64local_filter *f, char *out);

#endif

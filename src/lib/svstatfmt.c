/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include <dt/svstatfmt.h>

unsigned long svstat_seconds_076(const struct tai64n *stamp, uint64_t now_tai_sec)
{
	uint64_t when = stamp->sec;

	if (now_tai_sec < when)
		when = now_tai_sec;
	uint64_t d = now_tai_sec - when;

	/* Past 2^63 the double would round to 2^64, which does not convert
	 * back (undefined behaviour); no real clock gets there. */
	if (d > (UINT64_C(1) << 63))
		d = UINT64_C(1) << 63;
	/* compat: 0.76's tai_approx() returns a double; keep its rounding */
	return (unsigned long)(double)d;
}

int svstat_fmt_076(const struct svstatus *st, int normally_up, uint64_t now_tai_sec,
		   char *buf, size_t size)
{
	unsigned long secs = svstat_seconds_076(&st->stamp, now_tai_sec);
	int up = st->pid != 0;
	int n;

	if (up)
		n = snprintf(buf, size, "up (pid %lu) %lu seconds", (unsigned long)st->pid, secs);
	else
		n = snprintf(buf, size, "down %lu seconds", secs);
	if (n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - n, "%s%s%s%s%s",
			      up && !normally_up ? ", normally down" : "",
			      !up && normally_up ? ", normally up" : "",
			      up && st->paused ? ", paused" : "",
			      !up && st->want == 'u' ? ", want up" : "",
			      up && st->want == 'd' ? ", want down" : "");
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	return n;
}

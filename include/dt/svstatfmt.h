/* SPDX-License-Identifier: ISC */
#ifndef DT_SVSTATFMT_H
#define DT_SVSTATFMT_H

/* The text 0.76's svstat prints after "DIR: " for a readable status:
 *   up (pid N) S seconds | down S seconds
 * then ", normally down" (up, down file), ", normally up" (down, no down
 * file), ", paused" (up), ", want up" (down, want 'u'), ", want down" (up,
 * want 'd'). S is now - stamp in whole TAI seconds, 0 if the stamp is in
 * the future. Pure function, no I/O. */

#include <stddef.h>
#include <stdint.h>

#include <dt/svstatus.h>

/* now_tai_sec: 2^62 + 10 + unix seconds, as 0.76's tai_now().
 * Returns the length written (NUL-terminated), or -ENOSPC. */
int svstat_fmt_076(const struct svstatus *st, int normally_up, uint64_t now_tai_sec,
		   char *buf, size_t size);
/* Whole seconds since the stamp, exactly as 0.76 prints them: 0.76 goes
 * through a double, so huge values (a zeroed stamp) lose their low bits. */
unsigned long svstat_seconds_076(const struct tai64n *stamp, uint64_t now_tai_sec);

#endif

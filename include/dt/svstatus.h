/* SPDX-License-Identifier: ISC */
#ifndef DT_SVSTATUS_H
#define DT_SVSTATUS_H

/* daemontools 0.76's supervise/status record, exactly 18 bytes, so that
 * Debian's svstat reads ours and ours reads theirs:
 *
 *   offset size  content
 *   0      8     TAI64 seconds of the last pid change (start/exit), big-endian
 *   8      4     nanoseconds, big-endian
 *   12     4     pid, LITTLE-endian (0 = down)
 *   16     1     paused flag (0/1; 0 whenever pid is 0)
 *   17     1     want: 'u', 'd', or 0 (after svc -o)
 *
 * Written as status.new then rename(2). Readers accept >= 18 bytes
 * (daemontools-encore and runit append more) and reject fewer. */

#include <stddef.h>
#include <stdint.h>

#include <dt/tai64.h>

#define SVSTATUS_LEN 18

struct svstatus {
	struct tai64n stamp;
	uint32_t pid;
	int paused;  /* 0/1 */
	char want;   /* 'u', 'd' or 0 */
};

void svstatus_encode(const struct svstatus *st, unsigned char out[SVSTATUS_LEN]);
/* Returns 0, or -EINVAL when len < 18 ("bad format"). */
int svstatus_decode(const unsigned char *in, size_t len, struct svstatus *out);

#endif

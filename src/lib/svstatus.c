/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>

#include <dt/svstatus.h>

void svstatus_encode(const struct svstatus *st, unsigned char out[SVSTATUS_LEN])
{
	uint32_t pid = st->pid;

	tai64n_pack(&st->stamp, out);
	out[12] = (unsigned char)pid;
	out[13] = (unsigned char)(pid >> 8);
	out[14] = (unsigned char)(pid >> 16);
	out[15] = (unsigned char)(pid >> 24);
	out[16] = pid && st->paused ? 1 : 0;
	out[17] = (unsigned char)st->want;
}

int svstatus_decode(const unsigned char *in, size_t len, struct svstatus *out)
{
	if (len < SVSTATUS_LEN)
		return -EINVAL;
	tai64n_unpack(in, &out->stamp);
	out->pid = (uint32_t)in[12] | (uint32_t)in[13] << 8 | (uint32_t)in[14] << 16 |
		   (uint32_t)in[15] << 24;
	out->paused = in[16] != 0;
	out->want = (char)in[17];
	return 0;
}

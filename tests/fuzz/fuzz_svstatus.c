/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: the 18-byte status record, as svstat and svwait read
 * it from any supervise (0.76, encore, runit or ours). Decode then encode
 * must give back the first 18 bytes, except the paused byte, which is
 * normalised to 0/1 and forced to 0 when the pid is 0. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dt/svstatus.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svstatus st;
	unsigned char out[SVSTATUS_LEN];

	if (svstatus_decode(data, size, &st) < 0)
		return 0;
	svstatus_encode(&st, out);
	if (memcmp(out, data, 16) != 0 || out[17] != data[17])
		__builtin_trap();
	return 0;
}

/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: strict number parsing used for every option and
 * service-dir value, and TAI64N label scanning. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dt/scan.h>
#include <dt/tai64.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[64];
	uint64_t v;
	struct tai64n t;
	char fmt[TAI64N_FMT];

	if (size >= sizeof s)
		size = sizeof s - 1;
	memcpy(s, data, size);
	s[size] = 0;
	scan_u64(s, &v);
	scan_seconds_ns(s, &v);
	if (tai64n_scan(s, size, &t) == 0) {
		tai64n_fmt(&t, fmt);
		if (memcmp(fmt, s, TAI64N_FMT) != 0)
			__builtin_trap();
	}
	return 0;
}

/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: cglimit_parse() on any bytes, for every limit file.
 * Build: clang -g -fsanitize=fuzzer,address,undefined -I include \
 *   tests/fuzz/fuzz_cglimit.c src/lib/cglimit.c src/lib/scan.c */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dt/cglimit.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[CGLIMIT_VALUE_MAX];
	const char *why;
	int k, r;

	for (k = 0; k < CGL_COUNT; k++) {
		r = cglimit_parse(k, (const char *)data, size, out, sizeof out, &why);
		if (r >= 0 && (r >= (int)sizeof out || strlen(out) != (size_t)r))
			__builtin_trap();
		if (r < 0 && (!why || !why[0]))
			__builtin_trap();
	}
	return 0;
}

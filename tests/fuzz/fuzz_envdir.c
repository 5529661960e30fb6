/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: envdir's value rules (first line, trailing blanks,
 * NUL to newline) and file-name checks, on arbitrary file contents. The
 * value never grows and never keeps a newline that was in the input. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dt/envdir.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	size_t n;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	envdir_name_check(buf);
	envdir_name_skipped(buf);
	n = envdir_value(buf, size);
	if (n > size)
		__builtin_trap();
	/* a value ends at the first newline; NUL bytes become newlines */
	if (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		__builtin_trap();
	free(buf);
	return 0;
}

/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: /proc/PID/stat texts (procstat_parse), every last
 * field the callers ask for. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dt/procstat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[2048];
	struct procstat ps;
	int last;

	if (size >= sizeof s)
		size = sizeof s - 1;
	memcpy(s, data, size);
	s[size] = 0;
	for (last = 3; last <= PROCSTAT_LAST + 1; last++)
		if (procstat_parse(s, last, &ps) == 0 && (last < 4 || last > PROCSTAT_LAST))
			abort();
	return 0;
}

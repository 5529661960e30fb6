/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: supervise/state text (read by svstat -k and svwait,
 * written by whichever supervise holds the directory). A parse that
 * succeeds must format again without error. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include <dt/svstate.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svstate st;
	char buf[SVSTATE_TEXT_MAX + SVSTATE_CGROUP_MAX];

	if (svstate_parse((const char *)data, size, &st) == 0 &&
	    svstate_format(&st, buf, sizeof buf) < 0)
		__builtin_trap();
	return 0;
}

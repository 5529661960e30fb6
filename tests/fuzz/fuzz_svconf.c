/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: the optional files of a service directory (backoff,
 * finish-timeout, timeout-kill, stray-grace) and notification-fd, as
 * anyone who can write the service directory may write them. A bad value
 * must leave the defaults untouched; a good backoff can never make a
 * crash loop a busy loop (MIN and HEALTHY above 0, MIN <= MAX); the delay
 * of the k-th failure stays within [MIN, MAX] and never shrinks as k
 * grows. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dt/svconf.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_delays(const struct svconf *c)
{
	static const uint32_t ks[] = { 1, 2, 3, 10, 31, 32, 33, 63, 64, 65, 1000, UINT32_MAX };
	uint64_t prev = 0, d;
	size_t i;

	if (svconf_backoff_delay(c, 0) != 0)
		__builtin_trap();
	for (i = 0; i < sizeof ks / sizeof ks[0]; i++) {
		d = svconf_backoff_delay(c, ks[i]);
		if (d < prev || d > c->backoff_max_ns || d < c->backoff_min_ns)
			__builtin_trap();
		prev = d;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct svconf def, c;
	int f;

	svconf_defaults(&def);
	for (f = 0; f < SVCONF_NFILES; f++) {
		c = def;
		if (svconf_apply(&c, (enum svconf_file)f, text, size) < 0) {
			if (memcmp(&c, &def, sizeof c) != 0)
				__builtin_trap();
			continue;
		}
		if (f == SVCONF_BACKOFF &&
		    (c.backoff_min_ns == 0 || c.healthy_ns == 0 || c.backoff_max_ns < c.backoff_min_ns))
			__builtin_trap();
		if (f == SVCONF_TIMEOUT_KILL && !c.has_timeout_kill)
			__builtin_trap();
		check_delays(&c);
	}
	if (svconf_apply(&c, SVCONF_NFILES, text, size) >= 0)
		__builtin_trap();
	return 0;
}

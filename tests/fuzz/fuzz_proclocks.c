/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: lines of /proc/locks and /proc/PID/fdinfo/N as svwait
 * reads them (a newer kernel may print anything). A holder found must be
 * a plausible pid with the inode taken from the line's own text; the
 * fdinfo answer must agree with a plain reading ("lock:" at the start of
 * some line). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dt/proclocks.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int plain_locked(const char *t, size_t len)
{
	size_t i;

	for (i = 0; i + 5 <= len; i++)
		if ((i == 0 || t[i - 1] == '\n') && memcmp(t + i, "lock:", 5) == 0)
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = (const char *)data;
	pid_t pid = -7;
	unsigned long ino = 12345;
	char num[32];
	int r;

	r = proclocks_line(t, size, &pid, &ino);
	if (r != 0 && r != 1)
		__builtin_trap();
	if (r == 1) {
		if (pid <= 0)
			__builtin_trap();
		/* the inode's digits are in the line */
		snprintf(num, sizeof num, "%lu", ino);
		if (!memmem(t, size, num, strlen(num)))
			__builtin_trap();
	}
	if (proclocks_fdinfo_locked(t, size) != plain_locked(t, size))
		__builtin_trap();
	return 0;
}

/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <string.h>

#include <dt/match.h>

int match_pattern(const char *pat, const char *buf, size_t len)
{
	const char *end = buf + len;

	for (;;) {
		char c = *pat++;

		if (!c)
			return buf == end;
		if (c == '*') {
			const char *hit;

			/* compat: the star is lazy and never backtracks (0.76). */
			if (!*pat)
				return 1;
			hit = memchr(buf, *pat, end - buf);
			if (!hit)
				return 0;
			buf = hit;
			continue;
		}
		if (buf == end || *buf != c)
			return 0;
		buf++;
	}
}

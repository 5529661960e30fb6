/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <limits.h>

#include <dt/scan.h>

int scan_u64_prefix(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	int n = 0;

	while (s[n] >= '0' && s[n] <= '9') {
		unsigned d = s[n] - '0';

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
		n++;
	}
	*out = v;
	return n;
}

int scan_u64(const char *s, uint64_t *out)
{
	uint64_t v;
	int n = scan_u64_prefix(s, &v);

	if (n < 0)
		return n;
	if (n == 0 || s[n])
		return -EINVAL;
	*out = v;
	return 0;
}

int scan_ulong(const char *s, unsigned long *out)
{
	uint64_t v;
	int r = scan_u64(s, &v);

	if (r < 0)
		return r;
	if (v > ULONG_MAX)
		return -ERANGE;
	*out = v;
	return 0;
}

int scan_seconds_ns(const char *s, uint64_t *out_ns)
{
	uint64_t sec, frac = 0, scale = 1000000000;
	int n = scan_u64_prefix(s, &sec);

	if (n < 0)
		return n;
	if (n == 0 && s[0] != '.')
		return -EINVAL;
	s += n;
	if (*s == '.') {
		int digits = 0;

		for (s++; *s >= '0' && *s <= '9'; s++, digits++) {
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*s - '0') * scale;
			}
		}
		if (n == 0 && digits == 0)
			return -EINVAL;
	}
	if (*s)
		return -EINVAL;
	if (sec > 1000000000)
		return -ERANGE;
	*out_ns = sec * 1000000000 + frac;
	return 0;
}

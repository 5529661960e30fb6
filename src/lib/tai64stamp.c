/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <string.h>

#include <dt/tai64stamp.h>

size_t tai64n_stamp(bool *mid_line, const char label[TAI64N_FMT], const char *in, size_t len,
		    char *out, size_t cap, size_t *olen)
{
	const char *p = in, *end = in + len, *nl;
	size_t o = 0, n;

	while (p < end) {
		if (!*mid_line) {
			if (cap - o < TAI64N_FMT + 2)
				break;
			memcpy(out + o, label, TAI64N_FMT);
			out[o + TAI64N_FMT] = ' ';
			o += TAI64N_FMT + 1;
			*mid_line = true;
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl ? (size_t)(nl + 1 - p) : (size_t)(end - p);
		if (n > cap - o) {
			n = cap - o;
			nl = NULL;
		}
		if (n == 0)
			break;
		memcpy(out + o, p, n);
		o += n;
		p += n;
		if (nl)
			*mid_line = false;
	}
	*olen = o;
	return (size_t)(p - in);
}

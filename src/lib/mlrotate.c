/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <string.h>

#include <dt/mlrotate.h>

size_t mlcut_span(uint64_t bytes, uint64_t size, const char *buf, size_t len, int *rotate)
{
	uint64_t room, early;
	size_t limit, from;
	const char *nl;

	if (bytes >= size) {
		*rotate = 1;
		return 0;
	}
	room = size - bytes;
	limit = len < room ? len : (size_t)room;
	/* Index i ends a line that rotates when bytes + i + 1 >= size - 2000. */
	early = size > MLROTATE_EARLY ? size - MLROTATE_EARLY : 0;
	from = early > bytes + 1 ? (size_t)(early - bytes - 1) : 0;
	if (from < limit) {
		nl = memchr(buf + from, '\n', limit - from);
		if (nl) {
			*rotate = 1;
			return (size_t)(nl - buf) + 1;
		}
	}
	*rotate = len >= room;
	return limit;
}

void mlname_format(const struct tai64n *t, char code, char out[MLNAME_LEN + 1])
{
	tai64n_fmt(t, out);
	out[TAI64N_FMT] = '.';
	out[TAI64N_FMT + 1] = code;
	out[TAI64N_FMT + 2] = 0;
}

int mlname_is_rotated(const char *name)
{
	return name[0] == '@' && strnlen(name, TAI64N_FMT) >= TAI64N_FMT;
}

int mlname_older(const char *a, const char *b)
{
	return strncmp(a, b, TAI64N_FMT) < 0;
}

void mlname_next_stamp(const struct tai64n *last, const struct tai64n *now,
		       struct tai64n *out)
{
	*out = *now;
	if (now->sec > last->sec || (now->sec == last->sec && now->nano > last->nano))
		return;
	*out = *last;
	if (++out->nano >= 1000000000) {
		out->nano = 0;
		out->sec++;
	}
}

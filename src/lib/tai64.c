/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>

#include <dt/tai64.h>

void tai64n_from_unix_ns(uint64_t unix_ns, struct tai64n *out)
{
	out->sec = TAI64_UNIX_OFFSET + unix_ns / 1000000000;
	out->nano = (uint32_t)(unix_ns % 1000000000);
}

int64_t tai64n_unix_sec(const struct tai64n *t)
{
	return (int64_t)(t->sec - TAI64_UNIX_OFFSET);
}

void tai64n_pack(const struct tai64n *t, unsigned char out[TAI64N_PACK])
{
	int i;

	for (i = 0; i < 8; i++)
		out[i] = (unsigned char)(t->sec >> (56 - 8 * i));
	for (i = 0; i < 4; i++)
		out[8 + i] = (unsigned char)(t->nano >> (24 - 8 * i));
}

void tai64n_unpack(const unsigned char in[TAI64N_PACK], struct tai64n *out)
{
	uint64_t s = 0;
	uint32_t n = 0;
	int i;

	for (i = 0; i < 8; i++)
		s = s << 8 | in[i];
	for (i = 8; i < 12; i++)
		n = n << 8 | in[i];
	out->sec = s;
	out->nano = n;
}

void tai64n_fmt(const struct tai64n *t, char out[TAI64N_FMT])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char p[TAI64N_PACK];
	int i;

	tai64n_pack(t, p);
	out[0] = '@';
	for (i = 0; i < TAI64N_PACK; i++) {
		out[1 + 2 * i] = hex[p[i] >> 4];
		out[2 + 2 * i] = hex[p[i] & 15];
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int tai64n_scan(const char *s, size_t len, struct tai64n *out)
{
	unsigned char p[TAI64N_PACK];
	int i;

	if (len < TAI64N_FMT || s[0] != '@')
		return -EINVAL;
	for (i = 0; i < TAI64N_PACK; i++) {
		int hi = hexval(s[1 + 2 * i]), lo = hexval(s[2 + 2 * i]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		p[i] = (unsigned char)(hi << 4 | lo);
	}
	tai64n_unpack(p, out);
	return 0;
}

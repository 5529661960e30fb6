/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: what svstat prints from files anyone with access to
 * a supervise directory can write. "svstat -k" turns a state text (any
 * bytes) into one line of space-separated key=value pairs: the line must
 * always split back into the same pairs (escaping round-trips, no byte
 * that could break the line survives), within the documented buffer
 * bound. The 0.76 text of a status record (first 18 bytes, then 8 bytes
 * of "now") must fit, end in the known suffixes, and print 0 seconds for
 * a stamp in the future. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dt/svkv.h>
#include <dt/svstatfmt.h>
#include <dt/svstatus.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int unhex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Undoes svkv_escape over [s, s + len) into out; -1 on a bad escape. */
static long unescape(const char *s, size_t len, char *out)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (s[i] != '%') {
			out[n++] = s[i];
			continue;
		}
		if (i + 2 >= len || unhex(s[i + 1]) < 0 || unhex(s[i + 2]) < 0)
			return -1;
		out[n++] = (char)(unhex(s[i + 1]) * 16 + unhex(s[i + 2]));
		i += 2;
	}
	return (long)n;
}

static int bad_byte(unsigned char c)
{
	return c < 0x20 || c == 0x7f || c == ' ' || c == '=' || c == '%';
}

static void escape_round_trip(const char *in, size_t len)
{
	char *esc = malloc(3 * len + 1), *back = malloc(len + 1);
	size_t n, i;

	if (!esc || !back)
		goto out;
	n = svkv_escape(in, len, esc);
	if (n < len || n > 3 * len)
		__builtin_trap();
	for (i = 0; i < n; i++)
		if (esc[i] != '%' && bad_byte((unsigned char)esc[i]))
			__builtin_trap();
	if (unescape(esc, n, back) != (long)len || memcmp(back, in, len) != 0)
		__builtin_trap();
out:
	free(esc);
	free(back);
}

/* The pairs of a state text, as svkv_add_state_text reads them. */
static size_t count_pairs(const char *t, size_t len, size_t *bytes)
{
	const char *p = t, *end = t + len;
	size_t pairs = 0;

	*bytes = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p), *eol = nl ? nl : end;
		const char *eq = memchr(p, '=', eol - p);

		if (eq && eq > p) {
			pairs++;
			*bytes += (size_t)(eol - p) - 1;
		}
		p = nl ? nl + 1 : end;
	}
	return pairs;
}

static void state_line(const char *t, size_t len)
{
	size_t bytes, pairs = count_pairs(t, len, &bytes);
	size_t size = 3 * (bytes + 3) + 2 * (pairs + 1) + 2, i, seen = 0;
	char *buf = malloc(size);
	struct svkv_line l;
	int n;

	if (!buf)
		return;
	svkv_init(&l, buf, size);
	svkv_add_str(&l, "dir", "x");
	svkv_add_state_text(&l, t, len);
	n = svkv_end(&l);
	if (n < 0 || (size_t)n + 1 > size || buf[n - 1] != '\n' || buf[n] != 0)
		__builtin_trap();
	/* one line; every space-separated word is key=value with a key */
	for (i = 0; i + 1 < (size_t)n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			__builtin_trap();
	for (i = 0; i + 1 < (size_t)n;) {
		size_t j = i;
		const char *eq;

		while (j + 1 < (size_t)n && buf[j] != ' ')
			j++;
		eq = memchr(buf + i, '=', j - i);
		if (!eq || eq == buf + i || memchr(eq + 1, '=', buf + j - eq - 1))
			__builtin_trap();
		seen++;
		i = j + 1;
	}
	if (seen != pairs + 1)
		__builtin_trap();
	/* too small a buffer is reported, never overrun */
	svkv_init(&l, buf, size / 2);
	svkv_add_str(&l, "dir", "x");
	svkv_add_state_text(&l, t, len);
	if (svkv_end(&l) >= 0 && l.len > size / 2)
		__builtin_trap();
	free(buf);
}

static void status_text(const uint8_t *data, size_t size)
{
	struct svstatus st;
	uint64_t now = 0;
	char buf[160], small[24];
	size_t i;
	int n;

	if (svstatus_decode(data, size, &st) < 0)
		return;
	for (i = 0; i < 8 && SVSTATUS_LEN + i < size; i++)
		now = now << 8 | data[SVSTATUS_LEN + i];
	/* "now" is a TAI64 label of the real clock: below 2^63. (Past
	 * 2^64 - 1024 seconds apart, 0.76's double would round to 2^64 and
	 * the conversion back would be undefined; no clock gets there.) */
	now &= (UINT64_C(1) << 63) - 1;
	n = svstat_fmt_076(&st, data[0] & 1, now, buf, sizeof buf);
	if (n < 0 || (size_t)n != strlen(buf))
		__builtin_trap();
	if (strncmp(buf, st.pid ? "up (pid " : "down ", st.pid ? 8 : 5) != 0)
		__builtin_trap();
	if (now <= st.stamp.sec && svstat_seconds_076(&st.stamp, now) != 0)
		__builtin_trap();
	n = svstat_fmt_076(&st, data[0] & 1, now, small, sizeof small);
	if (n != -ENOSPC && (n < 0 || (size_t)n != strlen(small)))
		__builtin_trap();
	{
		char line[512];
		struct svkv_line l;

		svkv_init(&l, line, sizeof line);
		svkv_add_str(&l, "dir", "d");
		svkv_add_status(&l, &st, data[0] & 1);
		if (svkv_end(&l) < 0)
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	escape_round_trip((const char *)data, size);
	state_line((const char *)data, size);
	status_text(data, size);
	return 0;
}

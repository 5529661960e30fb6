/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <dt/svkv.h>

static int must_escape(unsigned char c)
{
	return c < 0x20 || c == 0x7f || c == '%' || c == ' ' || c == '=';
}

size_t svkv_escape(const char *in, size_t len, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (must_escape(c)) {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		} else {
			out[n++] = (char)c;
		}
	}
	return n;
}

void svkv_init(struct svkv_line *l, char *buf, size_t size)
{
	l->buf = buf;
	l->len = 0;
	l->size = size;
	l->full = 0;
	if (size)
		buf[0] = 0;
}

static void add_escaped(struct svkv_line *l, const char *s, size_t len)
{
	if (l->full || l->size - l->len < 3 * len) {
		l->full = 1;
		return;
	}
	l->len += svkv_escape(s, len, l->buf + l->len);
}

static void add_byte(struct svkv_line *l, char c)
{
	if (l->full || l->len >= l->size) {
		l->full = 1;
		return;
	}
	l->buf[l->len++] = c;
}

static void add_pair(struct svkv_line *l, const char *key, const char *val, size_t vlen)
{
	if (l->len)
		add_byte(l, ' ');
	add_escaped(l, key, strlen(key));
	add_byte(l, '=');
	add_escaped(l, val, vlen);
}

void svkv_add_str(struct svkv_line *l, const char *key, const char *val)
{
	add_pair(l, key, val, strlen(val));
}

void svkv_add_state_text(struct svkv_line *l, const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *eol = nl ? nl : end;
		const char *eq = memchr(p, '=', eol - p);

		if (eq && eq > p) {
			if (l->len)
				add_byte(l, ' ');
			add_escaped(l, p, eq - p);
			add_byte(l, '=');
			add_escaped(l, eq + 1, eol - eq - 1);
		}
		p = nl ? nl + 1 : end;
	}
}

void svkv_add_status(struct svkv_line *l, const struct svstatus *st, int normally_up)
{
	char num[16], label[TAI64N_FMT];

	svkv_add_str(l, "state", st->pid ? "up" : "down");
	snprintf(num, sizeof num, "%lu", (unsigned long)st->pid);
	svkv_add_str(l, "pid", num);
	tai64n_fmt(&st->stamp, label);
	add_pair(l, "since", label, sizeof label);
	svkv_add_str(l, "want", st->want == 'u' ? "up" : st->want == 'd' ? "down" : "once");
	svkv_add_str(l, "paused", st->pid && st->paused ? "1" : "0");
	svkv_add_str(l, "normally", normally_up ? "up" : "down");
}

int svkv_end(struct svkv_line *l)
{
	add_byte(l, '\n');
	add_byte(l, 0);
	if (l->full)
		return -ENOSPC;
	return (int)(l->len - 1);
}

/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <string.h>

#include <dt/proclocks.h>
#include <dt/scan.h>

/* Next blank-separated word of [*p, end); 0 when none is left. */
static size_t word(const char **p, const char *end, const char **w)
{
	const char *s = *p;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	*w = s;
	while (s < end && *s != ' ' && *s != '\t' && *s != '\n')
		s++;
	*p = s;
	return (size_t)(s - *w);
}

static int num(const char *w, size_t len, unsigned long *out)
{
	char tmp[24];

	if (len == 0 || len >= sizeof tmp)
		return -1;
	memcpy(tmp, w, len);
	tmp[len] = 0;
	return scan_ulong(tmp, out) < 0 ? -1 : 0;
}

int proclocks_line(const char *line, size_t len, pid_t *pid, unsigned long *ino)
{
	const char *p = line, *end = line + len, *w, *colon;
	unsigned long v;
	size_t n;
	int i;

	n = word(&p, end, &w); /* "1:" */
	if (n < 2 || w[n - 1] != ':')
		return 0;
	n = word(&p, end, &w); /* class, or "->" for a blocked waiter */
	if (n == 0 || (n == 2 && memcmp(w, "->", 2) == 0))
		return 0;
	for (i = 0; i < 2; i++) /* mode, access */
		if (word(&p, end, &w) == 0)
			return 0;
	n = word(&p, end, &w);
	if (num(w, n, &v) < 0 || v == 0 || v > 0x7fffffff)
		return 0;
	*pid = (pid_t)v;
	n = word(&p, end, &w); /* MAJ:MIN:INO, device in hex */
	colon = n ? memrchr(w, ':', n) : NULL;
	if (!colon || num(colon + 1, n - (size_t)(colon + 1 - w), ino) < 0)
		return 0;
	return 1;
}

int proclocks_fdinfo_locked(const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);

		if (end - p >= 5 && memcmp(p, "lock:", 5) == 0)
			return 1;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

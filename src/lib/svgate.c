/* SPDX-License-Identifier: ISC */
/* The text of supervise/gate (include/dt/svgate.h): pure, no I/O. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <dt/svgate.h>

int svgate_add(char *buf, size_t len, size_t size, const char *name, size_t n)
{
	if (n == 0 || memchr(name, '\n', n))
		return -EINVAL; /* svdeps_name_ok refuses such names first */
	/* The name, its newline and the NUL. */
	if (len + n + 2 > size)
		return -ENOSPC;
	memcpy(buf + len, name, n);
	len += n;
	buf[len++] = '\n';
	buf[len] = '\0';
	return (int)len;
}

size_t svgate_clip(char *buf, size_t n)
{
	if (n <= SVGATE_MAX)
		return n;
	buf[SVGATE_MAX] = '.';
	return SVGATE_MAX + 1;
}

int svgate_closed(const char *text, size_t len)
{
	size_t pos = 0;
	const char *name;
	size_t n;

	return svgate_next(text, len, &pos, &name, &n) != 0;
}

int svgate_next(const char *text, size_t len, size_t *pos, const char **name, size_t *n)
{
	const char *p = text + *pos, *end = text + len, *nl;

	while (p < end && *p == '\n')
		p++;
	*pos = (size_t)(p - text);
	if (p == end)
		return 0;
	*name = p;
	nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl) {
		*n = (size_t)(end - p);
		*pos = len;
		return -1;
	}
	*n = (size_t)(nl - p);
	*pos = (size_t)(nl + 1 - text);
	return 1;
}

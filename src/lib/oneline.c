/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <dt/oneline.h>

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int oneline_value(const char *text, size_t len, char *out, size_t size, const char **why)
{
	const char *dummy;
	size_t i;

	if (!why)
		why = &dummy;
	while (len && blank(text[0]))
		text++, len--;
	while (len && blank(text[len - 1]))
		len--;
	if (!len)
		return *why = "empty", -ENODATA;
	if (len >= size)
		return *why = "too long", -EOVERFLOW;
	for (i = 0; i < len; i++) {
		if (text[i] == '\0')
			return *why = "contains a NUL byte", -EILSEQ;
		if (text[i] == '\n' || text[i] == '\r')
			return *why = "more than one line", -EINVAL;
	}
	memmove(out, text, len);
	out[len] = '\0';
	*why = "";
	return (int)len;
}

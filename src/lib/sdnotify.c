/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <dt/oneline.h>
#include <dt/scan.h>
#include <dt/sdnotify.h>

#define NOTIFY_FD_MAX 1048575

static int line_is(const char *line, size_t len, const char *key)
{
	size_t n = strlen(key);

	return len >= n && memcmp(line, key, n) == 0;
}

static void set_status(struct sdnotify_msg *out, const char *v, size_t len)
{
	size_t i;

	if (len > SDNOTIFY_STATUS_MAX - 1)
		len = SDNOTIFY_STATUS_MAX - 1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		out->status[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	out->status[len] = '\0';
	out->has_status = 1;
}

int sdnotify_parse(const char *buf, size_t len, struct sdnotify_msg *out)
{
	size_t start = 0, end;
	int acted = 0;

	memset(out, 0, sizeof *out);
	while (start < len) {
		const char *line = buf + start;
		size_t n;

		for (end = start; end < len && buf[end] != '\n'; end++)
			;
		n = end - start;
		start = end + 1;
		if (memchr(line, '\0', n))
			continue;
		if (n == 7 && memcmp(line, "READY=1", 7) == 0) {
			out->ready = 1;
			acted++;
		} else if (line_is(line, n, "STATUS=")) {
			set_status(out, line + 7, n - 7);
			acted++;
		}
	}
	return acted;
}

int sdnotify_parse_fd_file(const char *text, size_t len, int *fd, const char **why)
{
	char num[16];
	const char *dummy;
	uint64_t v;
	int r;

	if (!why)
		why = &dummy;
	r = oneline_value(text, len, num, sizeof num, NULL);
	if (r == -ENODATA)
		return *why = "empty", -EINVAL;
	if (r < 0 || scan_u64(num, &v) < 0)
		return *why = "not a file descriptor number", -EINVAL;
	if (v <= 2)
		return *why = "0, 1 and 2 are the service's stdin, stdout and stderr", -ERANGE;
	if (v > NOTIFY_FD_MAX)
		return *why = "file descriptor number too large", -ERANGE;
	*fd = (int)v;
	*why = "";
	return 0;
}

int sdnotify_fd_ready(const char *buf, size_t len)
{
	return memchr(buf, '\n', len) != NULL;
}

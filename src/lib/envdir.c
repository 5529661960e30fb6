/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dt/envdir.h>
#include <dt/fdio.h>

bool envdir_name_skipped(const char *name)
{
	return name[0] == '.';
}

int envdir_name_check(const char *name)
{
	if (!name[0] || strchr(name, '='))
		return -EINVAL;
	return 0;
}

size_t envdir_value(char *buf, size_t len)
{
	char *nl = memchr(buf, '\n', len);
	size_t i;

	if (nl)
		len = nl - buf;
	while (len && (buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	for (i = 0; i < len; i++)
		if (!buf[i])
			buf[i] = '\n';
	return len;
}

/* Reads until the first newline or end of file into a growing buffer. */
static ssize_t read_first_line(int fd, char **out)
{
	size_t cap = 256, len = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t r;

		if (cap - len < 128) {
			char *nb = cap > SIZE_MAX / 4 ? NULL : realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		r = fd_read(fd, buf + len, cap - len - 1);
		if (r < 0) {
			free(buf);
			return r;
		}
		if (r == 0 || memchr(buf + len, '\n', r)) {
			len += r;
			break;
		}
		len += r;
	}
	*out = buf;
	return len;
}

int envdir_read_value(int dirfd, const char *name, char **value)
{
	char *buf = NULL;
	ssize_t len;
	int fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	len = read_first_line(fd, &buf);
	fd_close(fd);
	if (len < 0)
		return len;
	if (len == 0) {
		free(buf);
		return 0;
	}
	buf[envdir_value(buf, len)] = 0;
	*value = buf;
	return 1;
}

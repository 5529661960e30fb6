/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <dt/pathexec.h>

/* Tries one PATH element; returns 1 when the search must stop. */
static int try_one(const char *dir, size_t dlen, const char *file, size_t flen,
		   char *const argv[], char *const envp[], int *saved)
{
	char buf[PATH_MAX];

	if (dlen == 0) {
		dir = ".";
		dlen = 1;
	}
	if (dlen + 1 + flen + 1 > sizeof buf) {
		*saved = ENAMETOOLONG;
		return 0;
	}
	memcpy(buf, dir, dlen);
	buf[dlen] = '/';
	memcpy(buf + dlen + 1, file, flen + 1);
	execve(buf, argv, envp);
	if (errno == ENOENT)
		return 0;
	*saved = errno;
	return errno != EACCES && errno != EPERM && errno != EISDIR;
}

int pathexec_run(const char *file, char *const argv[], char *const envp[], const char *path)
{
	size_t flen = strlen(file);
	int saved = 0;

	if (strchr(file, '/')) {
		execve(file, argv, envp);
		return -errno;
	}
	if (!path)
		path = "/bin:/usr/bin";
	for (;;) {
		const char *end = strchrnul(path, ':');

		if (try_one(path, end - path, file, flen, argv, envp, &saved))
			return -saved;
		if (!*end)
			return saved ? -saved : -ENOENT;
		path = end + 1;
	}
}

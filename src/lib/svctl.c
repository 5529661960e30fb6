/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dt/fdio.h>
#include <dt/svctl.h>
#include <dt/svstatus.h>

int svctl_path(char *path, size_t size, const char *dir, const char *name)
{
	int n;

	if (!*dir || strcmp(dir, ".") == 0)
		n = snprintf(path, size, "%s", name);
	else
		n = snprintf(path, size, "%s/%s", dir, name);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int open_sup(const char *dir, const char *file, int flags)
{
	char path[PATH_MAX], name[64];
	int fd;

	snprintf(name, sizeof name, "supervise/%s", file);
	if (svctl_path(path, sizeof path, dir, name) < 0)
		return -ENAMETOOLONG;
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int svctl_running(const char *dir)
{
	int fd = open_sup(dir, "ok", O_WRONLY | O_NONBLOCK);

	if (fd >= 0) {
		fd_close(fd);
		return 1;
	}
	if (fd == -ENXIO || fd == -ENOENT || fd == -ENOTDIR)
		return 0;
	return fd;
}

int svctl_send(const char *dir, const char *bytes)
{
	int fd = open_sup(dir, "control", O_WRONLY | O_NONBLOCK);
	ssize_t r;

	if (fd < 0)
		return fd;
	r = fd_write_all(fd, bytes, strlen(bytes));
	fd_close(fd);
	return r < 0 ? (int)r : 0;
}

int svctl_status_file(const char *path, struct svstatus *st)
{
	unsigned char buf[SVSTATUS_LEN];
	int n = fd_read_path(path, buf, sizeof buf);

	if (n < 0)
		return n;
	return svstatus_decode(buf, (size_t)n, st) < 0 ? -EBADMSG : 0;
}

int svctl_status(const char *dir, struct svstatus *st)
{
	char path[PATH_MAX];

	if (svctl_path(path, sizeof path, dir, "supervise/status") < 0)
		return -ENAMETOOLONG;
	return svctl_status_file(path, st);
}

int svctl_want(const char *dir)
{
	struct svstatus st;
	int r = svctl_status(dir, &st);

	if (r < 0)
		return r;
	return st.want == 'u' || st.want == 'd' ? st.want : 0;
}

static int check_run(const char *dir, const char *name, char *what, size_t what_size)
{
	struct stat st;

	svctl_path(what, what_size, dir, name);
	if (stat(what, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (access(what, X_OK) < 0)
		return -errno;
	return 0;
}

int svctl_check_dir(const char *dir, char *what, size_t what_size)
{
	struct stat st;
	int r;

	snprintf(what, what_size, "%s", dir);
	if (stat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	r = check_run(dir, "run", what, what_size);
	if (r < 0)
		return r;
	char log[PATH_MAX];

	if (svctl_path(log, sizeof log, dir, "log") < 0)
		return -ENAMETOOLONG;
	snprintf(what, what_size, "%s", log);
	if (stat(log, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return check_run(log, "run", what, what_size);
}

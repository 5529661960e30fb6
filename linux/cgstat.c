/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statfs.h>

#include <dt/cgpath.h>
#include <dt/fdio.h>
#include <lx/cgstat.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

int lx_cgstat_open(const char *path)
{
	struct statfs fs;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstatfs(fd, &fs) < 0 || fs.f_type != CGROUP2_SUPER_MAGIC) {
		fd_close(fd);
		return -EMEDIUMTYPE;
	}
	return fd;
}

static void failed(struct lx_cgstat *out, const char *file, int err)
{
	if (!out->err_file) {
		out->err_file = file;
		out->err = err;
	}
}

/* cgroup.procs can be long (a pid per line): read in pieces, counted. */
static void procs(int dirfd, struct lx_cgstat *out)
{
	struct cgpath_pids st;
	char buf[4096];
	ssize_t n;
	int fd = openat(dirfd, "cgroup.procs", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		if (errno != ENOENT)
			failed(out, "cgroup.procs", -errno);
		return;
	}
	memset(&st, 0, sizeof st);
	while ((n = fd_read(fd, buf, sizeof buf)) > 0)
		cgpath_pids_feed(&st, buf, (size_t)n, NULL, 0);
	fd_close(fd);
	if (n < 0) {
		failed(out, "cgroup.procs", (int)n);
		return;
	}
	cgpath_pids_end(&st, NULL, 0);
	out->procs = st.count;
	out->have |= LX_CGSTAT_PROCS;
}

/* One number of a small file (key NULL: the file is the number). */
static void value(int dirfd, const char *file, const char *key, uint64_t *v, unsigned bit,
		  struct lx_cgstat *out)
{
	char buf[1024];
	ssize_t n;
	int fd = openat(dirfd, file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		if (errno != ENOENT)
			failed(out, file, -errno);
		return;
	}
	n = fd_read_full(fd, buf, sizeof buf);
	fd_close(fd);
	if (n < 0)
		failed(out, file, (int)n);
	else if (cgpath_u64(buf, (size_t)n, key, v) < 0)
		failed(out, file, -EBADMSG);
	else
		out->have |= bit;
}

void lx_cgstat_read(int dirfd, struct lx_cgstat *out)
{
	memset(out, 0, sizeof *out);
	procs(dirfd, out);
	value(dirfd, "memory.current", NULL, &out->memory_bytes, LX_CGSTAT_MEMORY, out);
	value(dirfd, "cpu.stat", "usage_usec", &out->cpu_usec, LX_CGSTAT_CPU, out);
	value(dirfd, "memory.events", "oom_kill", &out->oom_kills, LX_CGSTAT_OOM, out);
}

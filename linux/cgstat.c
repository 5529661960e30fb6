/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <dt/cgpath.h>
#include <dt/fdio.h>
#include <lx/cgstat.h>

static void failed(struct lx_cgstat *out, const char *file, int err)
{
	if (!out->err_file) {
		out->err_file = file;
		out->err = err;
	}
}

static int open_in(int dirfd, const char *file)
{
	return openat(dirfd, file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

/* cgroup.procs can be long (a pid per line): read in pieces, counted. A
 * read that does not fill the buffer has reached the end (seq_file fills
 * it while there is more): one read for a small cgroup. */
static void procs(int dir, struct lx_cgstat *out)
{
	struct cgpath_pids st;
	char buf[4096];
	ssize_t n;
	int fd = open_in(dir, "cgroup.procs");

	if (fd < 0) {
		if (errno != ENOENT)
			failed(out, "cgroup.procs", -errno);
		return;
	}
	memset(&st, 0, sizeof st);
	do {
		n = fd_read(fd, buf, sizeof buf);
		if (n > 0)
			cgpath_pids_feed(&st, buf, (size_t)n, NULL, 0);
	} while (n == (ssize_t)sizeof buf);
	fd_close(fd);
	if (n < 0) {
		failed(out, "cgroup.procs", (int)n);
		return;
	}
	cgpath_pids_end(&st, NULL, 0);
	out->procs = st.count;
	out->have |= LX_CGSTAT_PROCS;
}

/* One number of a small file (key NULL: the file is the number); 0 if
 * the file is not there. These files are a few hundred bytes at most and
 * the kernel gives them whole in one read. */
static int value(int dir, const char *file, const char *key, uint64_t *v,
		 unsigned bit, struct lx_cgstat *out)
{
	char buf[1024];
	ssize_t n;
	int fd = open_in(dir, file);

	if (fd < 0) {
		if (errno != ENOENT)
			failed(out, file, -errno);
		return errno == ENOENT ? 0 : 1;
	}
	n = fd_read(fd, buf, sizeof buf);
	fd_close(fd);
	if (n < 0)
		failed(out, file, (int)n);
	else if (cgpath_u64(buf, (size_t)n, key, v) < 0)
		failed(out, file, -EBADMSG);
	else
		out->have |= bit;
	return 1;
}

/* svstat -p reads this for up to 1,000 services at a time, and every
 * path component of cgroupfs costs a slow lookup (kernfs refuses the
 * lock-free walk): the directory is walked once, its files are opened
 * from it, each small file in one read, and memory.events only where
 * memory.current says the memory controller is there. The caller that
 * reads many cgroups under one parent passes the parent's fd. */
void lx_cgstat_read_at(int dirfd, const char *dir, struct lx_cgstat *out)
{
	int fd;

	memset(out, 0, sizeof *out);
	fd = openat(dirfd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			failed(out, ".", -errno);
		return;
	}
	procs(fd, out);
	value(fd, "cpu.stat", "usage_usec", &out->cpu_usec, LX_CGSTAT_CPU, out);
	if (value(fd, "memory.current", NULL, &out->memory_bytes, LX_CGSTAT_MEMORY, out))
		value(fd, "memory.events", "oom_kill", &out->oom_kills, LX_CGSTAT_OOM, out);
	fd_close(fd);
}

void lx_cgstat_read(const char *dir, struct lx_cgstat *out)
{
	lx_cgstat_read_at(AT_FDCWD, dir, out);
}

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

/* dir/file into path (size LX_CGSTAT_PATH): an fd, or -1 with errno. */
static int open_in(const char *dir, const char *file, char *path)
{
	size_t d = strlen(dir), f = strlen(file);

	if (d + 1 + f + 1 > LX_CGSTAT_PATH) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, d);
	path[d] = '/';
	memcpy(path + d + 1, file, f + 1);
	return open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

/* cgroup.procs can be long (a pid per line): read in pieces, counted. A
 * read that does not fill the buffer has reached the end (seq_file fills
 * it while there is more): one read for a small cgroup. */
static void procs(const char *dir, char *path, struct lx_cgstat *out)
{
	struct cgpath_pids st;
	char buf[4096];
	ssize_t n;
	int fd = open_in(dir, "cgroup.procs", path);

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
static int value(const char *dir, char *path, const char *file, const char *key, uint64_t *v,
		 unsigned bit, struct lx_cgstat *out)
{
	char buf[1024];
	ssize_t n;
	int fd = open_in(dir, file, path);

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

/* svstat -p reads this for up to 1,000 services at a time and every
 * system call counts (about 3 us each on a loaded virtual machine):
 * plain paths (no directory fd to open and close), one read per small
 * file, and memory.events only where memory.current says the memory
 * controller is there. */
void lx_cgstat_read(const char *dir, struct lx_cgstat *out)
{
	char path[LX_CGSTAT_PATH];

	memset(out, 0, sizeof *out);
	procs(dir, path, out);
	value(dir, path, "cpu.stat", "usage_usec", &out->cpu_usec, LX_CGSTAT_CPU, out);
	if (value(dir, path, "memory.current", NULL, &out->memory_bytes, LX_CGSTAT_MEMORY, out))
		value(dir, path, "memory.events", "oom_kill", &out->oom_kills, LX_CGSTAT_OOM, out);
}

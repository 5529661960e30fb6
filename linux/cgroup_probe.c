/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <linux/magic.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <dt/cgpath.h>
#include <dt/fdio.h>
#include <lx/cgroup.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* Scratch memory of the probe, mapped and unmapped, not malloc'd: the
 * probe runs once in each supervise, and a first malloc would leave a
 * heap page resident for its whole life, in each of 1,000 processes. */
static void *scratch(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Reads a whole /proc file into a scratch mapping (*size bytes, to be
 * unmapped), NUL-terminated: a container's mountinfo can run to hundreds
 * of kilobytes. Once, at start. */
static int slurp(const char *path, char **out, size_t *len, size_t *size)
{
	size_t cap = 16384, n = 0;
	char *buf = scratch(cap), *nbuf;
	ssize_t r = 0;
	int fd;

	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		munmap(buf, cap);
		return (int)r;
	}
	for (;;) {
		if (n + 1 >= cap) {
			nbuf = cap >= (64u << 20) ? MAP_FAILED : mremap(buf, cap, cap * 2, MREMAP_MAYMOVE);
			if (nbuf == MAP_FAILED) {
				r = -ENOMEM;
				break;
			}
			buf = nbuf;
			cap *= 2;
		}
		r = fd_read(fd, buf + n, cap - n - 1);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	fd_close(fd);
	if (r < 0) {
		munmap(buf, cap);
		return (int)r;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	*size = cap;
	return 0;
}

/* Our cgroup's path from /proc/self/cgroup, into cg (size bytes). */
static int self_path(char *cg, size_t size, enum lx_cgroup_step *step)
{
	char *text;
	size_t len, cap;
	int r = slurp("/proc/self/cgroup", &text, &len, &cap);

	if (r < 0)
		return *step = LX_CG_READ_SELF, r;
	*step = LX_CG_SELF;
	r = cgpath_self(text, len, cg, size);
	munmap(text, cap);
	return r;
}

static int find_root(char *root, size_t size, enum lx_cgroup_step *step)
{
	/* Scratch, not 4 KiB of stack: a stack page touched once stays
	 * resident for the whole life of the process. */
	char *cg = scratch(LX_CGROUP_PATH_MAX), *text;
	size_t len, cap;
	int r;

	if (!cg)
		return *step = LX_CG_READ_SELF, -ENOMEM;
	r = self_path(cg, LX_CGROUP_PATH_MAX, step);
	if (r < 0)
		goto out;
	cgpath_strip_own(cg);
	*step = LX_CG_READ_MOUNTINFO;
	r = slurp("/proc/self/mountinfo", &text, &len, &cap);
	if (r < 0)
		goto out;
	*step = LX_CG_MOUNT;
	r = cgpath_mount(text, len, cg, root, size);
	munmap(text, cap);
out:
	munmap(cg, LX_CGROUP_PATH_MAX);
	return r;
}

static int check_dir(const char *root, enum lx_cgroup_step *step)
{
	struct statfs fs;
	struct statvfs vfs;
	struct stat st;

	*step = LX_CG_DIR;
	if (stat(root, &st) < 0 || statfs(root, &fs) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (fs.f_type != CGROUP2_SUPER_MAGIC)
		return -EMEDIUMTYPE;
	if (statvfs(root, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
		return -EROFS;
	return 0;
}

/* Delegation is what matters, not the mode bits: processes must be movable
 * through ROOT. Whether a child cgroup can be made is learnt from the real
 * mkdir in lx_cgroup_open() (its caller words the errno): a test
 * cgroup made and removed here cost each of 1,000 supervise processes a
 * cgroup creation and destruction, the dearest thing it did at start. */
static int try_delegation(const char *root, enum lx_cgroup_step *step)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	*step = LX_CG_DIR;
	if (fd < 0)
		return -errno;
	*step = LX_CG_DELEGATION;
	if (faccessat(fd, "cgroup.procs", W_OK, AT_EACCESS) < 0)
		r = -errno;
	fd_close(fd);
	return r;
}

int lx_cgroup_probe(const char *override, char *root, size_t size, enum lx_cgroup_step *step)
{
	enum lx_cgroup_step dummy;
	int r;

	if (!step)
		step = &dummy;
	if (override) {
		*step = LX_CG_OVERRIDE;
		if (override[0] != '/')
			return -EINVAL;
		if (strlen(override) >= size)
			return -ENAMETOOLONG;
		strcpy(root, override);
	} else {
		r = find_root(root, size, step);
		if (r < 0)
			return r;
	}
	r = check_dir(root, step);
	if (r == 0)
		r = try_delegation(root, step);
	return r;
}

int lx_cgroup_tree_of(pid_t pid, char *dir, size_t size)
{
	char path[40], *cg = scratch(LX_CGROUP_PATH_MAX), *copy, *text;
	size_t len, cap, n;
	int r;

	if (!cg)
		return -ENOMEM;
	copy = cg + LX_CGROUP_PATH_MAX / 2;
	snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
	r = slurp(path, &text, &len, &cap);
	if (r < 0)
		goto out;
	r = cgpath_self(text, len, cg, LX_CGROUP_PATH_MAX / 2);
	munmap(text, cap);
	if (r < 0)
		goto out;
	/* Only supervise's own leaf names a tree: dtng-D-I/supervise. */
	n = strlen(cg);
	memcpy(copy, cg, n + 1);
	r = -ENOENT;
	if (n < 10 || strcmp(cg + n - 10, "/supervise") != 0 || cgpath_strip_own(copy) != 1)
		goto out;
	cg[n - 10] = '\0';
	r = slurp("/proc/self/mountinfo", &text, &len, &cap);
	if (r < 0)
		goto out;
	r = cgpath_mount(text, len, cg, dir, size);
	munmap(text, cap);
out:
	munmap(cg, LX_CGROUP_PATH_MAX);
	return r < 0 ? r : 0;
}

/* The number of pids in cgroup.procs of dirfd other than ours; -errno. */
static int others(int dirfd)
{
	char buf[256];
	pid_t pids[128 + 2], self = getpid();
	struct cgpath_pids st = { 0 };
	size_t i, n = 0;
	ssize_t r;
	int fd = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (;;) {
		r = fd_read(fd, buf, sizeof buf);
		if (r < 0)
			break;
		if (r == 0)
			cgpath_pids_end(&st, pids, sizeof pids / sizeof pids[0]);
		else
			cgpath_pids_feed(&st, buf, (size_t)r, pids, sizeof pids / sizeof pids[0]);
		for (i = 0; i < st.count && i < sizeof pids / sizeof pids[0]; i++)
			n += pids[i] != self;
		st.count = 0;
		if (r == 0)
			break;
	}
	fd_close(fd);
	return r < 0 ? (int)r : (int)n;
}

int lx_cgroup_park(const char *override, char *path, size_t size)
{
	enum lx_cgroup_step step;
	char *cg;
	size_t len;
	int r, dirfd, leaf = 0;

	if (size < 64)
		return -ENAMETOOLONG;
	path[0] = '\0';
	if (override)
		return 0;
	cg = scratch(LX_CGROUP_PATH_MAX);
	if (!cg)
		return -ENOMEM;
	r = self_path(cg, LX_CGROUP_PATH_MAX, &step);
	if (r == 0) {
		len = strlen(cg);
		leaf = len >= 12 && strcmp(cg + len - 12, "/dtng-svscan") == 0;
		r = find_root(path, size, &step);
	}
	munmap(cg, LX_CGROUP_PATH_MAX);
	if (r < 0) {
		path[0] = '\0';
		return 0;
	}
	/* find_root gave the parent of our leaf if we sit in one already. */
	len = strlen(path);
	if (leaf) {
		if (len + sizeof "/dtng-svscan" > size)
			return -ENAMETOOLONG;
		memcpy(path + len, "/dtng-svscan", sizeof "/dtng-svscan");
		return 1;
	}
	if (check_dir(path, &step) < 0) {
		path[0] = '\0';
		return 0;
	}
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	/* The real root has no cgroup.type; any other cgroup has one. */
	if (faccessat(dirfd, "cgroup.type", F_OK, 0) < 0) {
		fd_close(dirfd);
		path[0] = '\0';
		return 0;
	}
	if (faccessat(dirfd, "cgroup.procs", W_OK, AT_EACCESS) < 0) {
		fd_close(dirfd);
		path[0] = '\0';
		return 0;
	}
	r = others(dirfd);
	if (r != 0) {
		fd_close(dirfd);
		if (r < 0)
			return r;
		path[0] = '\0';
		return 0;
	}
	if (len + sizeof "/dtng-svscan" > size) {
		fd_close(dirfd);
		return -ENAMETOOLONG;
	}
	memcpy(path + len, "/dtng-svscan", sizeof "/dtng-svscan");
	if (mkdirat(dirfd, "dtng-svscan", 0755) < 0 && errno != EEXIST) {
		r = -errno;
		fd_close(dirfd);
		return r;
	}
	fd_close(dirfd);
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	r = openat(dirfd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
	fd_close(dirfd);
	if (r < 0)
		return -errno;
	dirfd = r;
	r = fd_write_all(dirfd, "0", 1);
	fd_close(dirfd);
	return r < 0 ? r : 1;
}

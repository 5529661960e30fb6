#include "config.h"

#include <linux/magic.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Reads a whole /proc file into a malloc'd, NUL-terminated buffer: a
 * container's mountinfo can run to hundreds of kilobytes. Once, at start. */
static int slurp(const char *path, char **out, size_t *len)
{
	size_t size = 16384, n = 0;
	char *buf = NULL, *nbuf;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (;;) {
		if (!buf || n + 1 >= size) {
			size = buf ? size * 2 : size;
			nbuf = size > (64u << 20) ? NULL : realloc(buf, size);
			if (!nbuf) {
				free(buf);
				fd_close(fd);
				return -ENOMEM;
			}
			buf = nbuf;
		}
		r = fd_read(fd, buf + n, size - n - 1);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	fd_close(fd);
	if (r < 0) {
		free(buf);
		return (int)r;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static int find_root(char *root, size_t size, const char **why)
{
	char cg[LX_CGROUP_PATH_MAX], *text;
	size_t len;
	int r = slurp("/proc/self/cgroup", &text, &len);

	if (r < 0)
		return *why = "cannot read /proc/self/cgroup", r;
	r = cgpath_self(text, len, cg, sizeof cg);
	free(text);
	if (r == -ENOENT)
		*why = "this process is in no cgroup v2 hierarchy (no 0:: line in /proc/self/cgroup)";
	else if (r == -ESTALE)
		*why = "the cgroup this process is in has been removed";
	else if (r < 0)
		*why = "cannot parse /proc/self/cgroup";
	if (r < 0)
		return r;
	cgpath_strip_own(cg);
	r = slurp("/proc/self/mountinfo", &text, &len);
	if (r < 0)
		return *why = "cannot read /proc/self/mountinfo", r;
	r = cgpath_mount(text, len, cg, root, size);
	free(text);
	if (r == -ENODEV)
		*why = "cgroup v2 is not mounted";
	else if (r == -ENOENT)
		*why = "no cgroup v2 mount shows the cgroup this process is in";
	else if (r < 0)
		*why = "cgroup v2 path too long";
	return r;
}

static int check_dir(const char *root, const char **why)
{
	struct statfs fs;
	struct statvfs vfs;
	struct stat st;

	if (stat(root, &st) < 0)
		return *why = errno == ENOENT ? "the directory does not exist"
					      : "cannot stat the directory", -errno;
	if (!S_ISDIR(st.st_mode))
		return *why = "not a directory", -ENOTDIR;
	if (statfs(root, &fs) < 0)
		return *why = "cannot statfs the directory", -errno;
	if (fs.f_type != CGROUP2_SUPER_MAGIC)
		return *why = "not a cgroup v2 directory", -EMEDIUMTYPE;
	if (statvfs(root, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
		return *why = "cgroup v2 is mounted read-only there", -EROFS;
	return 0;
}

/* Delegation is what matters, not the mode bits: try what supervise will
 * do, make a child cgroup, and be able to move processes through ROOT. */
static int try_delegation(const char *root, const char **why)
{
	char name[64];
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return *why = "cannot open the directory", -errno;
	snprintf(name, sizeof name, "dtng-probe-%d", (int)getpid());
	if (mkdirat(fd, name, 0755) < 0 && errno != EEXIST) {
		r = -errno;
		*why = r == -EROFS ? "cgroup v2 is read-only there"
		       : r == -EACCES || r == -EPERM ? "not delegated: no permission to create a cgroup"
						      : "cannot create a cgroup";
	} else if (unlinkat(fd, name, AT_REMOVEDIR) < 0) {
		r = -errno;
		*why = "cannot remove a test cgroup";
	} else if (faccessat(fd, "cgroup.procs", W_OK, AT_EACCESS) < 0) {
		r = -errno;
		*why = "not delegated: cgroup.procs is not writable";
	}
	fd_close(fd);
	return r;
}

int lx_cgroup_probe(const char *override, char *root, size_t size, const char **why)
{
	const char *dummy;
	int r;

	if (!why)
		why = &dummy;
	*why = "";
	if (override) {
		if (override[0] != '/')
			return *why = "SUPERVISE_CGROUP is not an absolute path", -EINVAL;
		if (strlen(override) >= size)
			return *why = "SUPERVISE_CGROUP is too long", -ENAMETOOLONG;
		strcpy(root, override);
	} else {
		r = find_root(root, size, why);
		if (r < 0)
			return r;
	}
	r = check_dir(root, why);
	if (r == 0)
		r = try_delegation(root, why);
	return r;
}

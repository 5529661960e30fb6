/* SPDX-License-Identifier: ISC */
#ifndef TESTS_CGTEST_H
#define TESTS_CGTEST_H

/* A test-private cgroup for the tests that need a real cgroup v2: ROOT is
 * what lx_cgroup_probe() finds for this process, the test works under
 * ROOT/dtng-test-<pid> and removes it afterwards. Criterion runs every
 * test in its own process, so every test sets up and tears down its own. */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <lx/cgroup.h>

struct cgtest {
	char root[LX_CGROUP_PATH_MAX]; /* where this process started */
	char dir[LX_CGROUP_PATH_MAX + 64]; /* ROOT/dtng-test-<pid>: the tests' ROOT */
};

static inline int cgtest_write(const char *dir, const char *file, const char *s)
{
	char path[2 * LX_CGROUP_PATH_MAX];
	int fd, r = 0;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		r = -errno;
	close(fd);
	return r;
}

static inline ssize_t cgtest_read(const char *dir, const char *file, char *buf, size_t size)
{
	char path[2 * LX_CGROUP_PATH_MAX];
	ssize_t n;
	int fd;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* Skips the test (with the reason) where no delegated cgroup v2 is here. */
static inline void cgtest_setup(struct cgtest *t)
{
	enum lx_cgroup_step step;
	int r;

	if (geteuid() != 0)
		cr_skip_test("needs root to create cgroups");
	r = lx_cgroup_probe(NULL, t->root, sizeof t->root, &step);
	if (r < 0)
		cr_skip_test("cgroup v2 unusable here: step %d of lx_cgroup_probe (%s)", (int)step,
			     strerror(-r));
	snprintf(t->dir, sizeof t->dir, "%s/dtng-test-%d", t->root, (int)getpid());
	if (mkdir(t->dir, 0755) < 0)
		cr_skip_test("cannot create %s: %s", t->dir, strerror(errno));
}

static inline int cgtest_rmdir(const char *path, const struct stat *st, int type, struct FTW *f)
{
	if (type == FTW_DP)
		rmdir(path);
	return 0;
}

/* Moves this process back, kills whatever is left in the test tree, waits
 * (bounded) until it is empty and removes it bottom-up. */
static inline void cgtest_teardown(struct cgtest *t)
{
	const struct timespec ms = { 0, 1000000 };
	char pid[24], buf[256];
	int i;

	if (!t->dir[0])
		return;
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	cgtest_write(t->root, "cgroup.procs", pid);
	cgtest_write(t->dir, "cgroup.kill", "1");
	for (i = 0; i < 2000; i++) {
		if (cgtest_read(t->dir, "cgroup.events", buf, sizeof buf) <= 0 ||
		    strstr(buf, "populated 0"))
			break;
		nanosleep(&ms, NULL);
	}
	nftw(t->dir, cgtest_rmdir, 16, FTW_DEPTH | FTW_PHYS);
	t->dir[0] = '\0';
}

#endif

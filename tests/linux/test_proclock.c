/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <lx/proclock.h>

static int locked_file(char *path, size_t size, struct stat *st)
{
	int fd;

	snprintf(path, size, "%s/dtng-proclock.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(fstat(fd, st), 0);
	return fd;
}

Test(proclock, flock_holder_is_found_and_verified)
{
	char path[256];
	struct stat st;
	pid_t pids[8];
	int fd = locked_file(path, sizeof path, &st), n, i, found = 0;

	if (access("/proc/locks", R_OK) < 0)
		cr_skip_test("no /proc/locks");
	cr_assert_eq(lx_proclock_pid_holds(getpid(), st.st_dev, st.st_ino), 0);
	cr_assert_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	n = lx_proclock_holders(st.st_ino, pids, 8);
	cr_assert_geq(n, 1);
	for (i = 0; i < n; i++)
		found |= pids[i] == getpid();
	cr_assert(found);
	cr_assert_eq(lx_proclock_pid_holds(getpid(), st.st_dev, st.st_ino), 1);
	cr_assert_eq(flock(fd, LOCK_UN), 0);
	cr_assert_eq(lx_proclock_pid_holds(getpid(), st.st_dev, st.st_ino), 0);
	unlink(path);
	close(fd);
}

Test(proclock, no_such_process)
{
	cr_assert_eq(lx_proclock_pid_holds(0x7ffffffe, 1, 1), -ESRCH);
}

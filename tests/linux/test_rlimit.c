/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <lx/rlimit.h>

/* Criterion runs each test in its own process, so limits set here stay here. */

/* The soft limit of "Max open files" as /proc/self/limits shows it. */
static long proc_nofile_soft(void)
{
	char line[256];
	long v = -2;
	FILE *f = fopen("/proc/self/limits", "r");

	cr_assert_not_null(f);
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "Max open files", 14))
			cr_assert_eq(sscanf(line + 14, "%ld", &v), 1);
	fclose(f);
	return v;
}

Test(rlimit, get_matches_getrlimit)
{
	struct rlimit a, b;

	cr_assert_eq(lx_rlimit_get(0, RLIMIT_NOFILE, &a), 0);
	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &b), 0);
	cr_assert_eq(a.rlim_cur, b.rlim_cur);
	cr_assert_eq(a.rlim_max, b.rlim_max);
}

Test(rlimit, soft_set_leaves_hard)
{
	struct rlimit before, after, applied;

	cr_assert_eq(lx_rlimit_get(0, RLIMIT_NOFILE, &before), 0);
	if (before.rlim_max < 64)
		cr_skip_test("hard NOFILE limit below 64");
	cr_assert_eq(lx_rlimit_set_soft(0, RLIMIT_NOFILE, 50, &applied), 0);
	cr_assert_eq(applied.rlim_cur, 50);
	cr_assert_eq(lx_rlimit_get(0, RLIMIT_NOFILE, &after), 0);
	cr_assert_eq(after.rlim_cur, 50);
	cr_assert_eq(after.rlim_max, before.rlim_max);
	cr_assert_eq(proc_nofile_soft(), 50);
}

Test(rlimit, above_hard_is_clamped)
{
	struct rlimit lim = { 40, 60 }, applied;

	cr_assert_eq(lx_rlimit_set(0, RLIMIT_NOFILE, &lim), 0);
	cr_assert_eq(lx_rlimit_set_soft(0, RLIMIT_NOFILE, 1000000, &applied), 0);
	cr_assert_eq(applied.rlim_cur, 60);
	cr_assert_eq(applied.rlim_max, 60);
	cr_assert_eq(proc_nofile_soft(), 60);
	/* RLIM_INFINITY, softlimit's "=", means the hard limit */
	cr_assert_eq(lx_rlimit_set_soft(0, RLIMIT_NOFILE, 10, NULL), 0);
	cr_assert_eq(lx_rlimit_set_soft(0, RLIMIT_NOFILE, UINT64_MAX, &applied), 0);
	cr_assert_eq(applied.rlim_cur, 60);
}

Test(rlimit, other_process_and_errors)
{
	struct rlimit r;
	pid_t child = fork();

	cr_assert_geq(child, 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	cr_assert_eq(lx_rlimit_set_soft(child, RLIMIT_CORE, 0, NULL), 0);
	cr_assert_eq(lx_rlimit_get(child, RLIMIT_CORE, &r), 0);
	cr_assert_eq(r.rlim_cur, 0);
	kill(child, SIGKILL);
	cr_assert_eq(lx_rlimit_get(0, 9999, &r), -EINVAL);
	cr_assert_eq(lx_rlimit_set_soft(0, 9999, 1, NULL), -EINVAL);
}

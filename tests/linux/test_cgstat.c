/* SPDX-License-Identifier: ISC */
/* lx_cgstat: the values svstat -p takes from a service's cgroup. Plain
 * files stand in for a cgroup with every controller (this machine's
 * cgroup v2 has none), so presence and absence are both covered; then a
 * real cgroup v2 directory, where what is there must be read. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <lx/cgstat.h>

#include "cgtest.h"

static char dir[] = "/tmp/test_cgstat.XXXXXX";

static void put(const char *file, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static void cleanup(void)
{
	static const char *const files[] = { "cgroup.procs", "memory.current", "cpu.stat",
					     "memory.events" };
	char path[128];
	size_t i;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		if (unlink(path) < 0 && errno == EISDIR)
			rmdir(path);
	}
	rmdir(dir);
}

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
}

TestSuite(cgstat, .init = setup, .fini = cleanup);

Test(cgstat, every_controller)
{
	struct lx_cgstat cs;

	put("cgroup.procs", "12\n345\n6789\n");
	put("memory.current", "7340032\n");
	put("cpu.stat", "usage_usec 2500001\nuser_usec 2000000\nsystem_usec 500001\n"
			"nr_periods 0\nnr_throttled 0\nthrottled_usec 0\n");
	put("memory.events", "low 0\nhigh 0\nmax 4\noom 2\noom_kill 1\noom_group_kill 0\n");
	lx_cgstat_read(dir, &cs);
	cr_assert_eq(cs.have, LX_CGSTAT_PROCS | LX_CGSTAT_MEMORY | LX_CGSTAT_CPU | LX_CGSTAT_OOM);
	cr_assert_eq(cs.procs, 3);
	cr_assert_eq(cs.memory_bytes, 7340032);
	cr_assert_eq(cs.cpu_usec, 2500001);
	cr_assert_eq(cs.oom_kills, 1);
	cr_assert_null(cs.err_file);
}

/* No memory controller: memory.* are not there; absent, not 0, no error. */
Test(cgstat, no_memory_controller)
{
	struct lx_cgstat cs;

	put("cgroup.procs", "");
	put("cpu.stat", "usage_usec 0\nuser_usec 0\nsystem_usec 0\n");
	lx_cgstat_read(dir, &cs);
	cr_assert_eq(cs.have, LX_CGSTAT_PROCS | LX_CGSTAT_CPU);
	cr_assert_eq(cs.procs, 0);
	cr_assert_eq(cs.cpu_usec, 0);
	cr_assert_null(cs.err_file);
}

/* A file that is there but unreadable or not the expected text costs its
 * value and is named; the others are still read. */
Test(cgstat, bad_files_cost_their_value_only)
{
	struct lx_cgstat cs;
	char path[128];

	put("cgroup.procs", "1\n");
	put("memory.current", "max\n");
	snprintf(path, sizeof path, "%s/cpu.stat", dir);
	cr_assert_eq(mkdir(path, 0755), 0);
	put("memory.events", "oom 1\n");
	lx_cgstat_read(dir, &cs);
	cr_assert_eq(cs.have, LX_CGSTAT_PROCS);
	cr_assert_str_eq(cs.err_file, "cpu.stat");
	cr_assert_eq(cs.err, -EISDIR);
	cr_assert_eq(rmdir(path), 0);
	put("cpu.stat", "usage_usec 5\n");
	lx_cgstat_read(dir, &cs);
	cr_assert_eq(cs.have, LX_CGSTAT_PROCS | LX_CGSTAT_CPU);
	cr_assert_str_eq(cs.err_file, "memory.current");
	cr_assert_eq(cs.err, -EBADMSG);
}

/* memory.events is read only where memory.current is there. */
Test(cgstat, no_memory_current_no_oom)
{
	struct lx_cgstat cs;

	put("memory.events", "oom_kill 5\n");
	lx_cgstat_read(dir, &cs);
	cr_assert_eq(cs.have, 0);
	cr_assert_null(cs.err_file);
}

Test(cgstat, no_directory_nothing)
{
	struct lx_cgstat cs;

	lx_cgstat_read("/nonexistent/cgroup", &cs);
	cr_assert_eq(cs.have, 0);
	cr_assert_null(cs.err_file);
}

/* cgroup.procs longer than one read. */
Test(cgstat, many_processes)
{
	static char text[20000];
	struct lx_cgstat cs;
	size_t n = 0;
	int i;

	for (i = 1; i <= 2500; i++)
		n += (size_t)sprintf(text + n, "%d\n", 100000 + i);
	put("cgroup.procs", text);
	lx_cgstat_read(dir, &cs);
	cr_assert_eq(cs.have, LX_CGSTAT_PROCS);
	cr_assert_eq(cs.procs, 2500);
}

/* A real cgroup v2 directory with this process in it: at least one
 * process and, since cpu.stat is always there, the CPU time; memory.*
 * exactly where the memory controller is enabled. */
Test(cgstat_real, a_real_cgroup)
{
	struct cgtest t = { { 0 }, { 0 } };
	struct lx_cgstat cs;
	char leaf[LX_CGROUP_PATH_MAX + 80], pid[24];
	int mem;

	cgtest_setup(&t);
	snprintf(leaf, sizeof leaf, "%s/leaf", t.dir);
	cr_assert_eq(mkdir(leaf, 0755), 0);
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	cr_assert_eq(cgtest_write(leaf, "cgroup.procs", pid), 0);
	lx_cgstat_read(leaf, &cs);
	strcat(leaf, "/memory.current");
	mem = access(leaf, F_OK) == 0;
	cgtest_teardown(&t);
	cr_assert_null(cs.err_file, "%s: %s", cs.err_file, strerror(-cs.err));
	cr_assert(cs.have & LX_CGSTAT_PROCS);
	cr_assert_geq(cs.procs, 1);
	cr_assert(cs.have & LX_CGSTAT_CPU);
	cr_assert_eq(!!(cs.have & LX_CGSTAT_MEMORY), mem);
	cr_assert_eq(!!(cs.have & LX_CGSTAT_OOM), mem);
}

/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include <dt/cgpath.h>

#define S(x) x, sizeof(x) - 1

/* This machine's shape: v1 controllers plus cgroup2 at .../unified. */
static const char hybrid[] =
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:9 - cgroup2 cgroup2 rw\n";

Test(cgpath, self_line)
{
	char out[64];

	cr_assert_eq(cgpath_self(S("9:name=systemd:/\n4:memory:/x/y\n0::/\n"), out, sizeof out), 0);
	cr_assert_str_eq(out, "/");
	cr_assert_eq(cgpath_self(S("0::/a/b c\n1:cpu:/"), out, sizeof out), 0);
	cr_assert_str_eq(out, "/a/b c");
	cr_assert_eq(cgpath_self(S("0::/a/b"), out, sizeof out), 0, "no final newline");
	cr_assert_str_eq(out, "/a/b");
}

Test(cgpath, self_errors)
{
	char out[8];

	cr_assert_eq(cgpath_self(S("4:memory:/\n1:cpu:/\n"), out, sizeof out), -ENOENT);
	cr_assert_eq(cgpath_self(S(""), out, sizeof out), -ENOENT);
	cr_assert_eq(cgpath_self(S("0::/gone (deleted)\n"), out, sizeof out), -ESTALE);
	cr_assert_eq(cgpath_self(S("0::relative\n"), out, sizeof out), -EINVAL);
	cr_assert_eq(cgpath_self(S("0::\n"), out, sizeof out), -EINVAL);
	cr_assert_eq(cgpath_self(S("0::/a\0b\n"), out, sizeof out), -EINVAL);
	cr_assert_eq(cgpath_self(S("0::/abcdefgh\n"), out, sizeof out), -ENAMETOOLONG);
	cr_assert_eq(cgpath_self(S("10::/x\n"), out, sizeof out), -ENOENT, "not the v2 line");
}

Test(cgpath, mount_hybrid)
{
	char out[256];

	cr_assert_eq(cgpath_mount(S(hybrid), "/", out, sizeof out), 0);
	cr_assert_str_eq(out, "/sys/fs/cgroup/unified");
	cr_assert_eq(cgpath_mount(S(hybrid), "/svscan.service/x", out, sizeof out), 0);
	cr_assert_str_eq(out, "/sys/fs/cgroup/unified/svscan.service/x");
}

Test(cgpath, mount_unified_and_nested_root)
{
	static const char mi[] =
		"25 1 0:22 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n"
		"90 25 0:22 /sys.slice /mnt/sys\\040slice rw - cgroup2 cgroup2 rw\n"
		"91 25 0:22 /other /mnt/other rw - cgroup2 cgroup2 rw\n";
	char out[256];

	cr_assert_eq(cgpath_mount(S(mi), "/user.slice/u", out, sizeof out), 0);
	cr_assert_str_eq(out, "/sys/fs/cgroup/user.slice/u");
	/* The longest covering root wins, and its mount point is unescaped. */
	cr_assert_eq(cgpath_mount(S(mi), "/sys.slice/a b", out, sizeof out), 0);
	cr_assert_str_eq(out, "/mnt/sys slice/a b");
	cr_assert_eq(cgpath_mount(S(mi), "/sys.slice", out, sizeof out), 0);
	cr_assert_str_eq(out, "/mnt/sys slice");
	/* "/other" is not an ancestor of "/otherwise". */
	cr_assert_eq(cgpath_mount(S(mi), "/otherwise", out, sizeof out), 0);
	cr_assert_str_eq(out, "/sys/fs/cgroup/otherwise");
}

Test(cgpath, mount_escapes_and_optional_fields)
{
	static const char mi[] =
		"7 1 0:5 /a\\134b /c\\011g rw master:1 shared:2 - cgroup2 none rw\n";
	char out[64];

	cr_assert_eq(cgpath_mount(S(mi), "/a\\b/s", out, sizeof out), 0);
	cr_assert_str_eq(out, "/c\tg/s");
}

Test(cgpath, mount_errors)
{
	static const char only_root_x[] = "1 1 0:1 /x /cg rw - cgroup2 cgroup2 rw\n";
	char out[24];

	cr_assert_eq(cgpath_mount(S("1 1 0:1 / / rw - ext4 /dev/sda rw\n"), "/", out, sizeof out),
		     -ENODEV);
	cr_assert_eq(cgpath_mount(S(""), "/", out, sizeof out), -ENODEV);
	cr_assert_eq(cgpath_mount(S(only_root_x), "/y", out, sizeof out), -ENOENT);
	cr_assert_eq(cgpath_mount(S(hybrid), "/", out, 8), -ENAMETOOLONG);
	/* Truncated and garbage lines never match and never crash. */
	cr_assert_eq(cgpath_mount(S("1 1 0:1 / /cg rw - cgroup2"), "/", out, sizeof out), 0);
	cr_assert_str_eq(out, "/cg");
	cr_assert_eq(cgpath_mount(S("- cgroup2\n\n\n  -  \n1 2\n"), "/", out, sizeof out), -ENODEV);
	cr_assert_eq(cgpath_mount(S("1 1 0:1 / /c\\ rw - cgroup2 x rw\n"), "/", out, sizeof out), 0);
	cr_assert_str_eq(out, "/c\\", "a lone backslash is kept");
}

Test(cgpath, mount_at_slash)
{
	char out[64];

	cr_assert_eq(cgpath_mount(S("1 1 0:1 / / rw - cgroup2 c rw\n"), "/a", out, sizeof out), 0);
	cr_assert_str_eq(out, "/a");
	cr_assert_eq(cgpath_mount(S("1 1 0:1 / / rw - cgroup2 c rw\n"), "/", out, sizeof out), 0);
	cr_assert_str_eq(out, "/");
}

Test(cgpath, strip_own)
{
	char a[] = "/svscan/dtng-2049-1234/supervise", b[] = "/dtng-1-2/supervise";
	char c[] = "/x/dtng-1-2/service", d[] = "/x/dtng-1x-2/supervise";
	char h[] = "/system.slice/svscan.service/dtng-svscan", i[] = "/dtng-svscan";
	char j[] = "/x/dtng-svscan2", k[] = "/x/my-dtng-svscan";
	char e[] = "/x/dtng--2/supervise", f[] = "/x/supervise", g[] = "/x/dtng-1-/supervise";

	cr_assert_eq(cgpath_strip_own(a), 1);
	cr_assert_str_eq(a, "/svscan");
	cr_assert_eq(cgpath_strip_own(b), 1);
	cr_assert_str_eq(b, "/");
	cr_assert_eq(cgpath_strip_own(c), 0);
	cr_assert_eq(cgpath_strip_own(d), 0);
	cr_assert_eq(cgpath_strip_own(e), 0);
	cr_assert_eq(cgpath_strip_own(f), 0);
	cr_assert_eq(cgpath_strip_own(g), 0);
	cr_assert_str_eq(g, "/x/dtng-1-/supervise");
	cr_assert_eq(cgpath_strip_own(h), 1);
	cr_assert_str_eq(h, "/system.slice/svscan.service");
	cr_assert_eq(cgpath_strip_own(i), 1);
	cr_assert_str_eq(i, "/");
	cr_assert_eq(cgpath_strip_own(j), 0);
	cr_assert_eq(cgpath_strip_own(k), 0);
}

Test(cgpath, leaf_name)
{
	char out[64];

	cr_assert_eq(cgpath_leaf_name(out, sizeof out, 2049, 123456), 16);
	cr_assert_str_eq(out, "dtng-2049-123456");
	cr_assert_eq(cgpath_leaf_name(out, 8, 2049, 123456), -ENAMETOOLONG);
}

Test(cgpath, events)
{
	cr_assert_eq(cgpath_events_populated(S("populated 1\nfrozen 0\n")), 1);
	cr_assert_eq(cgpath_events_populated(S("frozen 0\npopulated 0\n")), 0);
	cr_assert_eq(cgpath_events_populated(S("populated 0")), 0);
	cr_assert_eq(cgpath_events_populated(S("populated 2\n")), -EINVAL);
	cr_assert_eq(cgpath_events_populated(S("populated 10\n")), -EINVAL);
	cr_assert_eq(cgpath_events_populated(S("populated\n")), -EINVAL);
	cr_assert_eq(cgpath_events_populated(S("")), -EINVAL);
}

Test(cgpath, words)
{
	cr_assert_eq(cgpath_has_word(S("cpu io memory pids\n"), "memory"), 1);
	cr_assert_eq(cgpath_has_word(S("cpu io memory pids\n"), "pids"), 1);
	cr_assert_eq(cgpath_has_word(S("cpuset io\n"), "cpu"), 0);
	cr_assert_eq(cgpath_has_word(S("hugetlb\n"), "hugetlb"), 1);
	cr_assert_eq(cgpath_has_word(S("\n"), "cpu"), 0);
	cr_assert_eq(cgpath_has_word(S("cpu"), ""), 0);
}

Test(cgpath, pids_chunks)
{
	static const char text[] = "12\n345\n6789\n1\n";
	struct cgpath_pids st = { 0 };
	pid_t pids[8];
	size_t i;

	/* Byte by byte: numbers split across chunk borders still come out. */
	for (i = 0; i < sizeof text - 1; i++)
		cgpath_pids_feed(&st, text + i, 1, pids, 8);
	cgpath_pids_end(&st, pids, 8);
	cr_assert_eq(st.count, 4);
	cr_assert_eq(pids[0], 12);
	cr_assert_eq(pids[1], 345);
	cr_assert_eq(pids[2], 6789);
	cr_assert_eq(pids[3], 1);
	cr_assert_eq(st.bad, 0);
}

Test(cgpath, pids_bounds_and_garbage)
{
	static const char text[] = "5\nx\n0\n99999999999\n-3\n\n7\n8";
	struct cgpath_pids st = { 0 };
	pid_t pids[2];

	cgpath_pids_feed(&st, text, sizeof text - 1, pids, 2);
	cgpath_pids_end(&st, pids, 2);
	cr_assert_eq(st.count, 3, "5, 7 and 8 (the last without a newline)");
	cr_assert_eq(pids[0], 5);
	cr_assert_eq(pids[1], 7, "only max pids are stored");
	cr_assert_eq(st.bad, 4, "x, 0, the overflow and -3");
	memset(&st, 0, sizeof st);
	cgpath_pids_feed(&st, S("1\n2\n"), NULL, 0);
	cr_assert_eq(st.count, 2, "counting only");
}

Test(cgpath, is_tree_name)
{
	static const char *const yes[] = { "dtng-1-2", "dtng-2049-123456", "dtng-0-0" };
	static const char *const no[] = { "dtng-svscan", "dtng-1-", "dtng--2", "dtng-1-2x",
					  "dtng-1-2/", "dtng-12", "xdtng-1-2", "dtng-a-1", "", "dtng-" };
	size_t i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
		cr_assert_eq(cgpath_is_tree_name(yes[i]), 1, "%s", yes[i]);
	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		cr_assert_eq(cgpath_is_tree_name(no[i]), 0, "%s", no[i]);
}

Test(cgpath, u64_single_number_and_keyed)
{
	static const char stat[] = "usage_usec 2500001\nuser_usec 2000000\nsystem_usec 500001\n";
	static const char events[] = "low 0\nhigh 0\nmax 4\noom 2\noom_kill 1\noom_group_kill 0\n";
	uint64_t v = 42;

	cr_assert_eq(cgpath_u64(S("7340032\n"), NULL, &v), 0);
	cr_assert_eq(v, 7340032);
	cr_assert_eq(cgpath_u64(S("18446744073709551615"), NULL, &v), 0, "no newline");
	cr_assert_eq(v, UINT64_MAX);
	cr_assert_eq(cgpath_u64(S(stat), "usage_usec", &v), 0);
	cr_assert_eq(v, 2500001);
	cr_assert_eq(cgpath_u64(S(stat), "system_usec", &v), 0);
	cr_assert_eq(v, 500001);
	/* "oom" is not "oom_kill", nor "oom_kill" "oom_group_kill" */
	cr_assert_eq(cgpath_u64(S(events), "oom_kill", &v), 0);
	cr_assert_eq(v, 1);
	cr_assert_eq(cgpath_u64(S(events), "oom", &v), 0);
	cr_assert_eq(v, 2);
}

Test(cgpath, u64_errors)
{
	uint64_t v = 42;

	cr_assert_eq(cgpath_u64(S("max\n"), NULL, &v), -EINVAL);
	cr_assert_eq(cgpath_u64(S(""), NULL, &v), -EINVAL);
	cr_assert_eq(cgpath_u64(S("\n"), NULL, &v), -EINVAL);
	cr_assert_eq(cgpath_u64(S("-1\n"), NULL, &v), -EINVAL);
	cr_assert_eq(cgpath_u64(S("18446744073709551616\n"), NULL, &v), -ERANGE);
	cr_assert_eq(cgpath_u64(S("usage_usec 1\n"), "oom_kill", &v), -ENOENT);
	cr_assert_eq(cgpath_u64(S("oom_kill\n"), "oom_kill", &v), -ENOENT);
	cr_assert_eq(cgpath_u64(S("oom_kill x\n"), "oom_kill", &v), -EINVAL);
	cr_assert_eq(cgpath_u64(S("oom_kill \n"), "oom_kill", &v), -EINVAL);
	cr_assert_eq(v, 42);
}

/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <dt/envdir.h>

/* Runs envdir_value on a copy of n bytes and returns the value as a string. */
static const char *value_of(const char *in, size_t n)
{
	static char buf[256];

	cr_assert_lt(n, sizeof buf);
	memcpy(buf, in, n);
	buf[envdir_value(buf, n)] = 0;
	return buf;
}

Test(envdir_value, first_line_only)
{
	cr_assert_str_eq(value_of("hello\nworld\n", 12), "hello");
	cr_assert_str_eq(value_of("hello", 5), "hello");
	cr_assert_str_eq(value_of("\nsecond", 7), "");
}

Test(envdir_value, trailing_spaces_and_tabs_only)
{
	cr_assert_str_eq(value_of("a b \t \t\n", 8), "a b");
	cr_assert_str_eq(value_of("  lead", 6), "  lead");
	/* a carriage return is not a blank for 0.76 */
	cr_assert_str_eq(value_of("x \r", 3), "x \r");
	cr_assert_str_eq(value_of(" \t ", 3), "");
}

Test(envdir_value, nul_becomes_newline_after_trimming)
{
	cr_assert_str_eq(value_of("a\0b\t\n", 5), "a\nb");
	/* trimming stops at the NUL, which then becomes a newline */
	cr_assert_str_eq(value_of("a \0", 3), "a \n");
	cr_assert_str_eq(value_of("\0\0", 2), "\n\n");
}

Test(envdir_value, never_longer)
{
	char buf[4] = { 'x', 'y', '\n', 'z' };

	cr_assert_eq(envdir_value(buf, 4), 2);
	cr_assert_eq(envdir_value(buf, 0), 0);
}

Test(envdir_name, rules)
{
	cr_assert(envdir_name_skipped(".hidden"));
	cr_assert(envdir_name_skipped("."));
	cr_assert_not(envdir_name_skipped("A.B"));
	cr_assert_eq(envdir_name_check("PATH"), 0);
	cr_assert_eq(envdir_name_check("lower_case.9"), 0);
	cr_assert_eq(envdir_name_check("X=Y"), -EINVAL);
	cr_assert_eq(envdir_name_check("="), -EINVAL);
	cr_assert_eq(envdir_name_check("X="), -EINVAL);
	cr_assert_eq(envdir_name_check(""), -EINVAL);
}

static char dir[64];

static void mkdir_tmp(void)
{
	strcpy(dir, "/tmp/dtng-envdir.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void put(const char *name, const char *data, size_t n)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(data, 1, n, f), n);
	fclose(f);
}

static int read_in(const char *name, char **v)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	int r;

	cr_assert_geq(dfd, 0);
	*v = NULL;
	r = envdir_read_value(dfd, name, v);
	close(dfd);
	return r;
}

static void cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(envdir_read, .init = mkdir_tmp, .fini = cleanup);

Test(envdir_read, value_with_nul_and_blanks)
{
	char *v;

	put("A", "one\0two \t\nrest\n", 15);
	cr_assert_eq(read_in("A", &v), 1);
	cr_assert_str_eq(v, "one\ntwo");
	free(v);
}

Test(envdir_read, empty_file_removes)
{
	char *v;

	put("E", "", 0);
	cr_assert_eq(read_in("E", &v), 0);
	cr_assert_null(v);
}

Test(envdir_read, lone_newline_sets_empty)
{
	char *v;

	put("N", "\n", 1);
	cr_assert_eq(read_in("N", &v), 1);
	cr_assert_str_eq(v, "");
	free(v);
}

Test(envdir_read, missing_file_removes)
{
	char *v;
	char link[128];

	/* a dangling symlink reads as an empty file, as in 0.76 */
	snprintf(link, sizeof link, "%s/D", dir);
	cr_assert_eq(symlink("nowhere", link), 0);
	cr_assert_eq(read_in("D", &v), 0);
	cr_assert_eq(read_in("absent", &v), 0);
}

Test(envdir_read, long_first_line)
{
	size_t n = 100000;
	char *big = malloc(n + 6), *v;

	cr_assert_not_null(big);
	memset(big, 'x', n);
	memcpy(big + n, "  \nyy", 5);
	put("BIG", big, n + 5);
	cr_assert_eq(read_in("BIG", &v), 1);
	cr_assert_eq(strlen(v), n);
	cr_assert_eq(v[n - 1], 'x');
	free(v);
	free(big);
}

Test(envdir_read, directory_is_an_error)
{
	char sub[128], *v;

	snprintf(sub, sizeof sub, "%s/SUB", dir);
	cr_assert_eq(mkdir(sub, 0700), 0);
	cr_assert_eq(read_in("SUB", &v), -EISDIR);
}

Test(envdir_read, unreadable_is_an_error)
{
	char path[128], *v;
	pid_t pid;
	int st;

	put("U", "secret", 6);
	snprintf(path, sizeof path, "%s/U", dir);
	cr_assert_eq(chmod(path, 0), 0);
	if (geteuid() != 0) {
		cr_assert_eq(read_in("U", &v), -EACCES);
		return;
	}
	/* root reads any file: read as nobody in a child, so that the
	 * clean-up still runs as root */
	cr_assert_eq(chmod(dir, 0755), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(1);
		_exit(read_in("U", &v) == -EACCES ? 0 : 2);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
}

Test(envdir_read, fifo_without_writer_is_empty)
{
	char path[128], *v;

	snprintf(path, sizeof path, "%s/F", dir);
	cr_assert_eq(mkfifo(path, 0600), 0);
	cr_assert_eq(read_in("F", &v), 0);
}

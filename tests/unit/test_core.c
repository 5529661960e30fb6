/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <dt/die.h>
#include <dt/fdio.h>
#include <dt/scan.h>

Test(errstr, djb_words)
{
	cr_assert_str_eq(dt_strerror(ENOENT), "file does not exist");
	cr_assert_str_eq(dt_strerror(EACCES), "access denied");
	cr_assert_str_eq(dt_strerror(EPERM), "permission denied");
	cr_assert_str_eq(dt_strerror(EAGAIN), "temporary failure");
	cr_assert_str_eq(dt_strerror(ENOTDIR), "not a directory");
	cr_assert_str_eq(dt_strerror(ELOOP), "symbolic link loop");
	cr_assert_str_eq(dt_strerror(ENOSPC), "out of disk space");
	cr_assert_str_eq(dt_strerror(99999), "unknown error");
}

static int fmt(char *buf, int size, const char *kind, int err, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = dt_msg_format(buf, size, kind, err, f, ap);
	va_end(ap);
	return n;
}

Test(die, message_grammar)
{
	char buf[256];
	int n;

	dt_progname = "envdir";
	n = fmt(buf, sizeof buf, "fatal", ENOENT, "unable to switch to directory %s", "x");
	cr_assert_str_eq(buf, "envdir: fatal: unable to switch to directory x: file does not exist\n");
	cr_assert_eq(n, (int)strlen(buf));
	fmt(buf, sizeof buf, "warning", -1, "plain");
	cr_assert_str_eq(buf, "envdir: warning: plain\n");
}

Test(die, truncates_but_ends_in_newline)
{
	char buf[16];
	int n = fmt(buf, sizeof buf, "fatal", ENOENT, "a very long message indeed");

	cr_assert_eq(n, 15);
	cr_assert_eq(buf[14], '\n');
	cr_assert_eq(buf[15], 0);
}

Test(scan, u64)
{
	uint64_t v;

	cr_assert_eq(scan_u64("0", &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(scan_u64("18446744073709551615", &v), 0);
	cr_assert_eq(v, UINT64_MAX);
	cr_assert_eq(scan_u64("18446744073709551616", &v), -ERANGE);
	cr_assert_eq(scan_u64("99999999999999999999999", &v), -ERANGE);
	cr_assert_eq(scan_u64("", &v), -EINVAL);
	cr_assert_eq(scan_u64("12x", &v), -EINVAL);
	cr_assert_eq(scan_u64(" 12", &v), -EINVAL);
	cr_assert_eq(scan_u64("-1", &v), -EINVAL);
	cr_assert_eq(scan_u64("+1", &v), -EINVAL);
}

Test(scan, ulong)
{
	unsigned long v;

	cr_assert_eq(scan_ulong("4096", &v), 0);
	cr_assert_eq(v, 4096);
	cr_assert_eq(scan_ulong("abc", &v), -EINVAL);
}

Test(scan, prefix)
{
	uint64_t v;

	cr_assert_eq(scan_u64_prefix("123abc", &v), 3);
	cr_assert_eq(v, 123);
	cr_assert_eq(scan_u64_prefix("abc", &v), 0);
	cr_assert_eq(scan_u64_prefix("99999999999999999999", &v), -ERANGE);
}

Test(scan, seconds)
{
	uint64_t ns;

	cr_assert_eq(scan_seconds_ns("1", &ns), 0);
	cr_assert_eq(ns, 1000000000ULL);
	cr_assert_eq(scan_seconds_ns("0.25", &ns), 0);
	cr_assert_eq(ns, 250000000ULL);
	cr_assert_eq(scan_seconds_ns(".5", &ns), 0);
	cr_assert_eq(ns, 500000000ULL);
	cr_assert_eq(scan_seconds_ns("2.", &ns), 0);
	cr_assert_eq(ns, 2000000000ULL);
	cr_assert_eq(scan_seconds_ns("0.1234567891", &ns), 0);
	cr_assert_eq(ns, 123456789ULL);
	cr_assert_eq(scan_seconds_ns(".", &ns), -EINVAL);
	cr_assert_eq(scan_seconds_ns("", &ns), -EINVAL);
	cr_assert_eq(scan_seconds_ns("1s", &ns), -EINVAL);
	cr_assert_eq(scan_seconds_ns("-1", &ns), -EINVAL);
	cr_assert_eq(scan_seconds_ns("1000000001", &ns), -ERANGE);
	cr_assert_eq(scan_seconds_ns("99999999999999999999999", &ns), -ERANGE);
}

Test(fdio, replace_file_is_atomic_rename)
{
	char dir[] = "/tmp/dtng-unit.XXXXXX";
	char path[64], buf[16];
	struct stat st;
	int dfd, fd;

	cr_assert_not_null(mkdtemp(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	cr_assert_geq(dfd, 0);
	cr_assert_eq(fd_replace_file(dfd, "x", "hello", 5, 0644, 1), 0);
	cr_assert_eq(fd_replace_file(dfd, "x", "bye", 3, 0644, 0), 0);
	snprintf(path, sizeof path, "%s/x", dir);
	fd = open(path, O_RDONLY);
	cr_assert_eq(fd_read_full(fd, buf, sizeof buf), 3);
	cr_assert_eq(memcmp(buf, "bye", 3), 0);
	close(fd);
	snprintf(path, sizeof path, "%s/x.new", dir);
	cr_assert_eq(stat(path, &st), -1);
	unlinkat(dfd, "x", 0);
	rmdir(dir);
	close(dfd);
}

Test(fdio, write_all_reports_errno)
{
	cr_assert_eq(fd_write_all(-1, "x", 1), -EBADF);
	cr_assert_eq(fd_read(-1, NULL, 0), -EBADF);
}

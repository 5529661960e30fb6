/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include <dt/sdnotify.h>

#define S(x) x, sizeof(x) - 1

Test(sdnotify, ready_and_status)
{
	struct sdnotify_msg m;

	cr_assert_eq(sdnotify_parse(S("READY=1"), &m), 1);
	cr_assert_eq(m.ready, 1);
	cr_assert_eq(m.has_status, 0);
	cr_assert_eq(sdnotify_parse(S("STATUS=Loading\nREADY=1\nMAINPID=42\n"), &m), 2);
	cr_assert_eq(m.ready, 1);
	cr_assert_str_eq(m.status, "Loading");
	cr_assert_eq(sdnotify_parse(S("STATUS=a\nSTATUS=b\n"), &m), 2);
	cr_assert_str_eq(m.status, "b", "the last STATUS= wins");
	cr_assert_eq(sdnotify_parse(S("STATUS=\n"), &m), 1);
	cr_assert_eq(m.has_status, 1);
	cr_assert_str_eq(m.status, "");
}

Test(sdnotify, ignored_lines)
{
	struct sdnotify_msg m;

	cr_assert_eq(sdnotify_parse(S("READY=0\nREADY=11\nREADY=\n ready=1\nREADY\n"), &m), 0);
	cr_assert_eq(m.ready, 0);
	cr_assert_eq(sdnotify_parse(S("WATCHDOG=1\nFDSTORE=1\nRELOADING=1\nSTOPPING=1\n"), &m), 0);
	cr_assert_eq(sdnotify_parse(S(""), &m), 0);
	cr_assert_eq(sdnotify_parse(S("\n\n\n"), &m), 0);
	cr_assert_eq(sdnotify_parse(S("READY=1\0junk\nSTATUS=ok"), &m), 1, "NUL line ignored");
	cr_assert_eq(m.ready, 0);
	cr_assert_str_eq(m.status, "ok");
	cr_assert_eq(sdnotify_parse(S("READY=1\r\n"), &m), 0, "CR is not part of the syntax");
}

Test(sdnotify, status_sanitized_and_bounded)
{
	struct sdnotify_msg m;
	char big[1000];

	cr_assert_eq(sdnotify_parse(S("STATUS=a\tb\x1b[31m\x7f"), &m), 1);
	cr_assert_str_eq(m.status, "a?b?[31m?");
	memcpy(big, "STATUS=", 7);
	memset(big + 7, 'x', sizeof big - 7);
	cr_assert_eq(sdnotify_parse(big, sizeof big, &m), 1);
	cr_assert_eq(strlen(m.status), SDNOTIFY_STATUS_MAX - 1);
}

Test(sdnotify, garbage_never_crashes)
{
	struct sdnotify_msg m;
	unsigned char buf[512];
	size_t i, len;
	unsigned x = 12345;

	for (len = 0; len < sizeof buf; len += 7) {
		for (i = 0; i < len; i++) {
			x = x * 1103515245 + 12345;
			buf[i] = (unsigned char)(x >> 16);
			if (buf[i] % 13 == 0)
				buf[i] = '\n';
		}
		cr_assert_geq(sdnotify_parse((const char *)buf, len, &m), 0);
		cr_assert_lt(strlen(m.status), SDNOTIFY_STATUS_MAX);
	}
}

Test(sdnotify, fd_file)
{
	const char *why;
	int fd = -1;

	cr_assert_eq(sdnotify_parse_fd_file(S("3\n"), &fd, &why), 0);
	cr_assert_eq(fd, 3);
	cr_assert_eq(sdnotify_parse_fd_file(S(" 42 "), &fd, NULL), 0);
	cr_assert_eq(fd, 42);
	cr_assert_eq(sdnotify_parse_fd_file(S("1048575"), &fd, NULL), 0);
	cr_assert_eq(sdnotify_parse_fd_file(S("1048576"), &fd, &why), -ERANGE);
	cr_assert_eq(sdnotify_parse_fd_file(S("99999999999999999999999"), &fd, &why), -EINVAL);
	cr_assert_eq(sdnotify_parse_fd_file(S("1\n"), &fd, &why), -ERANGE);
	cr_assert(strstr(why, "stdout"));
	cr_assert_eq(sdnotify_parse_fd_file(S("0"), &fd, &why), -ERANGE);
	cr_assert_eq(sdnotify_parse_fd_file(S(""), &fd, &why), -EINVAL);
	cr_assert_eq(sdnotify_parse_fd_file(S("\n"), &fd, &why), -EINVAL);
	cr_assert_eq(sdnotify_parse_fd_file(S("3 4"), &fd, &why), -EINVAL);
	cr_assert_eq(sdnotify_parse_fd_file(S("-3"), &fd, &why), -EINVAL);
	cr_assert_eq(sdnotify_parse_fd_file(S("3\0"), &fd, &why), -EINVAL);
	cr_assert_eq(sdnotify_parse_fd_file(S("0x5"), &fd, &why), -EINVAL);
	cr_assert_eq(fd, 1048575, "unchanged by failures");
}

Test(sdnotify, fd_ready)
{
	cr_assert_eq(sdnotify_fd_ready(S("\n")), 1);
	cr_assert_eq(sdnotify_fd_ready(S("ready\n")), 1);
	cr_assert_eq(sdnotify_fd_ready(S("ready")), 0);
	cr_assert_eq(sdnotify_fd_ready(S("")), 0);
}

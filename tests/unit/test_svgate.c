/* SPDX-License-Identifier: ISC */
/* supervise/gate's text: the writer's bytes pinned, and the readers
 * (closed or open, the names one by one, a cut tail) on the same bytes. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include <dt/svgate.h>

Test(svgate, golden_text)
{
	char buf[32];
	int n = 0;

	n = svgate_add(buf, (size_t)n, sizeof buf, "db", 2);
	cr_assert_eq(n, 3);
	n = svgate_add(buf, (size_t)n, sizeof buf, "cache", 5);
	cr_assert_eq(n, 9);
	cr_assert_str_eq(buf, "db\ncache\n");
	cr_assert_eq(svgate_closed(buf, (size_t)n), 1);
}

Test(svgate, add_bounds)
{
	char buf[8] = "";

	/* "abcde\n" and the NUL fill 7 of 8 bytes; one more byte does not fit. */
	cr_assert_eq(svgate_add(buf, 0, sizeof buf, "abcdef", 6), 7);
	cr_assert_eq(svgate_add(buf, 0, sizeof buf, "abcdefg", 7), -ENOSPC);
	cr_assert_eq(svgate_add(buf, 0, sizeof buf, "", 0), -EINVAL);
	cr_assert_eq(svgate_add(buf, 0, sizeof buf, "a\nb", 3), -EINVAL);
}

Test(svgate, open_texts)
{
	cr_assert_eq(svgate_closed("", 0), 0);
	cr_assert_eq(svgate_closed("\n\n\n", 3), 0);
	cr_assert_eq(svgate_closed("\nx\n", 3), 1);
	/* A name with no newline (a cut tail) still closes. */
	cr_assert_eq(svgate_closed("x", 1), 1);
}

Test(svgate, names_one_by_one)
{
	const char *t = "\ndb\n\ncache\nwe", *name;
	size_t pos = 0, n;

	cr_assert_eq(svgate_next(t, strlen(t), &pos, &name, &n), 1);
	cr_assert_eq(n, 2);
	cr_assert_eq(memcmp(name, "db", 2), 0);
	cr_assert_eq(svgate_next(t, strlen(t), &pos, &name, &n), 1);
	cr_assert_eq(n, 5);
	cr_assert_eq(memcmp(name, "cache", 5), 0);
	cr_assert_eq(svgate_next(t, strlen(t), &pos, &name, &n), -1);
	cr_assert_eq(n, 2);
	cr_assert_eq(memcmp(name, "we", 2), 0);
	cr_assert_eq(svgate_next(t, strlen(t), &pos, &name, &n), 0);
}

Test(svgate, clip_past_the_bound)
{
	static char buf[SVGATE_MAX + 1];
	const char *name;
	size_t pos = 0, n, len;
	int r, names = 0;

	/* 1,000 lines of "abcd\n" (5,000 bytes) read with the bound. */
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = i % 5 == 4 ? '\n' : 'a' + (char)(i % 5);
	len = svgate_clip(buf, sizeof buf);
	cr_assert_eq(len, SVGATE_MAX + 1);
	cr_assert_eq(buf[SVGATE_MAX], '.');
	while ((r = svgate_next(buf, len, &pos, &name, &n)) == 1)
		names++;
	cr_assert_eq(names, SVGATE_MAX / 5);
	cr_assert_eq(r, -1, "the last name reads as cut");
	cr_assert_eq(svgate_clip(buf, 10), 10, "within the bound: as read");
}

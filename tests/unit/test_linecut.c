/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <string.h>

#include <criterion/criterion.h>

#include <dt/mlrotate.h>

static char buf[20000];

static void line(size_t n)
{
	memset(buf, 'x', n - 1);
	buf[n - 1] = '\n';
}

/* The boundaries measured on daemontools 0.76 with s4096, one line each. */
Test(linecut, early_rotation_at_size_minus_2000)
{
	int rot;

	line(2095);
	cr_assert_eq(mlcut_span(0, 4096, buf, 2095, &rot), 2095);
	cr_assert_eq(rot, 0);
	line(2096);
	cr_assert_eq(mlcut_span(0, 4096, buf, 2096, &rot), 2096);
	cr_assert_eq(rot, 1);
	line(4096);
	cr_assert_eq(mlcut_span(0, 4096, buf, 4096, &rot), 4096);
	cr_assert_eq(rot, 1);
}

Test(linecut, long_lines_cut_at_exactly_the_size)
{
	int rot;

	line(10000);
	cr_assert_eq(mlcut_span(0, 4096, buf, 10000, &rot), 4096);
	cr_assert_eq(rot, 1);
	cr_assert_eq(mlcut_span(0, 4096, buf + 8192, 1808, &rot), 1808);
	cr_assert_eq(rot, 0);
	line(4097);
	cr_assert_eq(mlcut_span(0, 4096, buf, 4097, &rot), 4096);
	cr_assert_eq(rot, 1);
	cr_assert_eq(mlcut_span(0, 4096, buf + 4096, 1, &rot), 1);
	cr_assert_eq(rot, 0);
}

Test(linecut, first_line_end_past_the_threshold)
{
	int rot;

	/* 1000 bytes so far, then lines of 100: the one that reaches 2096 ends it. */
	memset(buf, 'y', 2000);
	for (int i = 99; i < 2000; i += 100)
		buf[i] = '\n';
	cr_assert_eq(mlcut_span(1000, 4096, buf, 2000, &rot), 1100);
	cr_assert_eq(rot, 1);
	cr_assert_eq(mlcut_span(1000, 4096, buf, 1000, &rot), 1000);
	cr_assert_eq(rot, 0);
}

Test(linecut, already_near_or_full)
{
	int rot;

	cr_assert_eq(mlcut_span(4096, 4096, "abc\n", 4, &rot), 0);
	cr_assert_eq(rot, 1);
	cr_assert_eq(mlcut_span(5000, 4096, "abc\n", 4, &rot), 0);
	cr_assert_eq(rot, 1);
	cr_assert_eq(mlcut_span(3000, 4096, "a\nb\n", 4, &rot), 2);
	cr_assert_eq(rot, 1);
	cr_assert_eq(mlcut_span(3000, 4096, "abc", 3, &rot), 3);
	cr_assert_eq(rot, 0);
	cr_assert_eq(mlcut_span(4093, 4096, "abc", 3, &rot), 3);
	cr_assert_eq(rot, 1);
	cr_assert_eq(mlcut_span(0, 4096, "", 0, &rot), 0);
	cr_assert_eq(rot, 0);
}

Test(linecut, names)
{
	struct tai64n t = { 0x400000006b04ae10ULL, 0x0956adac };
	char name[MLNAME_LEN + 1];

	mlname_format(&t, 's', name);
	cr_assert_str_eq(name, "@400000006b04ae100956adac.s");
	cr_assert_eq(mlname_is_rotated(name), 1);
	cr_assert_eq(mlname_is_rotated("@4000"), 0);
	cr_assert_eq(mlname_is_rotated("current"), 0);
	cr_assert_eq(mlname_is_rotated("@400000006b04ae100956adac"), 1);
	cr_assert_eq(mlname_older("@400000006b04ae100956adab.u", name), 1);
	cr_assert_eq(mlname_older(name, "@400000006b04ae100956adab.u"), 0);
	cr_assert_eq(mlname_older("@400000006b04ae100956adac.u", name), 0);
}

Test(linecut, stamps_strictly_increase)
{
	struct tai64n last = { 100, 999999999 }, now = { 100, 5 }, out;

	mlname_next_stamp(&last, &now, &out);
	cr_assert_eq(out.sec, 101);
	cr_assert_eq(out.nano, 0);
	now.sec = 200;
	mlname_next_stamp(&last, &now, &out);
	cr_assert_eq(out.sec, 200);
	cr_assert_eq(out.nano, 5);
	mlname_next_stamp(&now, &now, &out);
	cr_assert_eq(out.nano, 6);
}

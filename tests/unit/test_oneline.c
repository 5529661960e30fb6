/* SPDX-License-Identifier: ISC */
/* The one rule for a one-line file of a service directory (oneline.h):
 * blanks around the value, empty, a second line, too long, a NUL byte. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include <dt/oneline.h>

#define S(lit) lit, sizeof lit - 1

Test(oneline, blanks_around_dropped)
{
	static const struct {
		const char *text;
		size_t len;
	} t[] = {
		{ S("nobody") }, { S("nobody\n") }, { S(" \tnobody \t\n") }, { S("nobody\r\n") },
		{ S("\n\nnobody\n\n") }, { S("\r\n nobody") },
	};
	char out[16];
	const char *why = NULL;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		cr_assert_eq(oneline_value(t[i].text, t[i].len, out, sizeof out, &why), 6, "%zu", i);
		cr_assert_str_eq(out, "nobody");
		cr_assert_str_eq(why, "");
	}
}

Test(oneline, inner_blanks_kept)
{
	char out[16];

	cr_assert_eq(oneline_value(S(" 1 60\t10 \n"), out, sizeof out, NULL), 7);
	cr_assert_str_eq(out, "1 60\t10");
}

Test(oneline, empty)
{
	static const char *const t[] = { "", "\n", " \t\r\n ", "\n\n" };
	char out[16];
	const char *why;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		why = NULL;
		cr_assert_eq(oneline_value(t[i], strlen(t[i]), out, sizeof out, &why), -ENODATA);
		cr_assert_str_eq(why, "empty");
	}
}

Test(oneline, more_than_one_line)
{
	static const char *const t[] = { "a\nb", "a\nb\n", " a \n b ", "a\rb", "a\n\nb" };
	char out[16];
	const char *why;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		why = NULL;
		cr_assert_eq(oneline_value(t[i], strlen(t[i]), out, sizeof out, &why), -EINVAL,
			     "%zu", i);
		cr_assert_str_eq(why, "more than one line");
	}
}

Test(oneline, nul_byte)
{
	char out[16];
	const char *why = NULL;

	cr_assert_eq(oneline_value(S("3\0"), out, sizeof out, &why), -EILSEQ);
	cr_assert_str_eq(why, "contains a NUL byte");
	cr_assert_eq(oneline_value(S("ro\0ot\n"), out, sizeof out, &why), -EILSEQ);
	/* the first bad byte says */
	cr_assert_eq(oneline_value(S("a\0b\nc"), out, sizeof out, &why), -EILSEQ);
	cr_assert_eq(oneline_value(S("a\nb\0c"), out, sizeof out, &why), -EINVAL);
}

Test(oneline, overlong)
{
	char out[4];
	const char *why = NULL;

	/* size - 1 bytes fit, with the NUL; blanks do not count */
	cr_assert_eq(oneline_value(S("  abc\n\n\n"), out, sizeof out, &why), 3);
	cr_assert_str_eq(out, "abc");
	cr_assert_eq(oneline_value(S("abcd"), out, sizeof out, &why), -EOVERFLOW);
	cr_assert_str_eq(why, "too long");
	/* too long wins over a bad byte */
	cr_assert_eq(oneline_value(S("a\nb\0c"), out, sizeof out, &why), -EOVERFLOW);
	cr_assert_eq(oneline_value(S("x"), out, 1, &why), -EOVERFLOW);
}

Test(oneline, in_place)
{
	char buf[16] = " \t nobody\n";

	cr_assert_eq(oneline_value(buf, strlen(buf), buf, sizeof buf, NULL), 6);
	cr_assert_str_eq(buf, "nobody");
}

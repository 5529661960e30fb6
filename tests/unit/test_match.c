/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <string.h>

#include <criterion/criterion.h>

#include <dt/match.h>

static int m(const char *pat, const char *s)
{
	return match_pattern(pat, s, strlen(s));
}

Test(match, literal_and_empty)
{
	cr_assert_eq(m("", ""), 1);
	cr_assert_eq(m("", "a"), 0);
	cr_assert_eq(m("abc", "abc"), 1);
	cr_assert_eq(m("abc", "abcd"), 0);
	cr_assert_eq(m("abcd", "abc"), 0);
	cr_assert_eq(m("abd", "abc"), 0);
}

Test(match, star_at_end_takes_the_rest)
{
	cr_assert_eq(m("*", ""), 1);
	cr_assert_eq(m("*", "anything at all"), 1);
	cr_assert_eq(m("ab*", "ab"), 1);
	cr_assert_eq(m("ab*", "abxyz"), 1);
	cr_assert_eq(m("ab*", "a"), 0);
}

/* compat: the star stops at the first occurrence of the next byte. */
Test(match, star_is_lazy_without_backtracking)
{
	cr_assert_eq(m("*a", "gamma"), 0);
	cr_assert_eq(m("*a", "beta"), 1);
	cr_assert_eq(m("*a", "alpha"), 0);
	cr_assert_eq(m("* fatal: *", "x fatal: out of memory"), 1);
	cr_assert_eq(m("* fatal: *", "x: fatal: y"), 1);
	cr_assert_eq(m("* fatal: *", "a b fatal: c"), 0);
	cr_assert_eq(m("*b*", "aaabccc"), 1);
	cr_assert_eq(m("*b*", "aaaccc"), 0);
	cr_assert_eq(m("*x", ""), 0);
}

Test(match, double_star)
{
	cr_assert_eq(m("**", "abc"), 0);
	cr_assert_eq(m("**", "a*bc"), 1);
	cr_assert_eq(m("a**", "a*"), 1);
}

Test(match, timestamped_lines)
{
	cr_assert_eq(m("@* foo*", "@400000006b04ae100956adac foo bar"), 1);
	cr_assert_eq(m("foo*", "@400000006b04ae100956adac foo bar"), 0);
}

Test(match, bytes_not_strings)
{
	const char s[] = { 'a', 0, 'b', '\xff' };

	cr_assert_eq(match_pattern("a*b\xff", s, sizeof s), 1);
	cr_assert_eq(match_pattern("a", s, 1), 1);
	cr_assert_eq(match_pattern("a*", s, sizeof s), 1);
	cr_assert_eq(match_pattern("*\xff", s, sizeof s), 1);
	cr_assert_eq(match_pattern("ab", s, sizeof s), 0);
}

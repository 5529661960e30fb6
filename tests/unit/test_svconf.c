/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include <dt/svconf.h>

#define S(x) (x), (sizeof(x) - 1)
#define NS SVCONF_NS

Test(svconf, defaults)
{
	struct svconf c;

	svconf_defaults(&c);
	cr_assert_eq(c.backoff_min_ns, 1 * NS);
	cr_assert_eq(c.backoff_max_ns, 60 * NS);
	cr_assert_eq(c.healthy_ns, 10 * NS);
	cr_assert_eq(c.finish_timeout_ns, 5 * NS);
	cr_assert_eq(c.has_timeout_kill, 0);
	cr_assert_eq(c.stray_grace_ns, 1 * NS);
}

Test(svconf, names)
{
	cr_assert_str_eq(svconf_name(SVCONF_BACKOFF), "backoff");
	cr_assert_str_eq(svconf_name(SVCONF_FINISH_TIMEOUT), "finish-timeout");
	cr_assert_str_eq(svconf_name(SVCONF_TIMEOUT_KILL), "timeout-kill");
	cr_assert_str_eq(svconf_name(SVCONF_STRAY_GRACE), "stray-grace");
	cr_assert_str_eq(svconf_name(SVCONF_GIVE_UP), "give-up");
	cr_assert_str_eq(svconf_name(SVCONF_NFILES), "unknown");
}

Test(svconf, backoff_good)
{
	static const struct {
		const char *text;
		uint64_t v[3];
	} t[] = {
		{ "1 60 10\n", { NS, 60 * NS, 10 * NS } },
		{ "0.1 2.5 0.25", { NS / 10, 5 * NS / 2, NS / 4 } },
		{ "  2\t2 1  \n\n", { 2 * NS, 2 * NS, NS } },
		{ "0.01 0.01 0.01", { NS / 100, NS / 100, NS / 100 } },
		{ ".5 1. 3\r\n", { NS / 2, NS, 3 * NS } },
	};
	uint64_t v[3];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		cr_assert_eq(svconf_parse_backoff(t[i].text, strlen(t[i].text), v), 0, "%s",
			     t[i].text);
		cr_assert_eq(memcmp(v, t[i].v, sizeof v), 0, "%s", t[i].text);
	}
}

Test(svconf, backoff_garbage)
{
	static const char *const bad[] = {
		"", "\n", "1", "1 60", "1 60 10 5", "a b c", "1 60 x", "-1 60 10", "0 60 10",
		"1 60 0", "10 5 1", "1,60,10", "1 60 10\n2", "1e3 60 10", "1 60 10;",
		"1  60\n10", "99999999999999999999 1 1", "1 1 1000000001",
		/* Below the 0.01 s floor: as good as 0. */
		"0.000000001 1 1", "0.009 1 1", "1 60 0.009", "0.001 0.001 0.001",
		"1 60 1111111111111111111111111111111111111111111111111111111111111111111111111111"
		"11111111111111111111",
	};
	uint64_t v[3] = { 7, 7, 7 };
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_assert_eq(svconf_parse_backoff(bad[i], strlen(bad[i]), v), -EINVAL, "%s", bad[i]);
		cr_assert_eq(v[0], 7);
	}
	/* An embedded NUL is garbage, not an end of string. */
	cr_assert_eq(svconf_parse_backoff("1 6\0 10", 7, v), -EINVAL);
}

Test(svconf, seconds)
{
	uint64_t ns;

	cr_assert_eq(svconf_parse_seconds(S("5\n"), &ns), 0);
	cr_assert_eq(ns, 5 * NS);
	cr_assert_eq(svconf_parse_seconds(S(" 0.25 "), &ns), 0);
	cr_assert_eq(ns, NS / 4);
	cr_assert_eq(svconf_parse_seconds(S("0"), &ns), 0);
	cr_assert_eq(ns, 0);
	cr_assert_eq(svconf_parse_seconds(S(""), &ns), -EINVAL);
	cr_assert_eq(svconf_parse_seconds(S("five"), &ns), -EINVAL);
	cr_assert_eq(svconf_parse_seconds(S("-1"), &ns), -EINVAL);
	cr_assert_eq(svconf_parse_seconds(S("1 2"), &ns), -EINVAL);
	cr_assert_eq(svconf_parse_seconds(S("1\n2\n"), &ns), -EINVAL);
	cr_assert_eq(svconf_parse_seconds(S("\x01\xff"), &ns), -EINVAL);
}

Test(svconf, apply_keeps_default_on_garbage)
{
	struct svconf c;

	svconf_defaults(&c);
	cr_assert_eq(svconf_apply(&c, SVCONF_BACKOFF, S("0.5 4 2")), 0);
	cr_assert_eq(c.backoff_min_ns, NS / 2);
	cr_assert_eq(c.backoff_max_ns, 4 * NS);
	cr_assert_eq(c.healthy_ns, 2 * NS);
	svconf_defaults(&c);
	cr_assert_eq(svconf_apply(&c, SVCONF_BACKOFF, S("garbage")), -EINVAL);
	cr_assert_eq(c.backoff_min_ns, NS);
	cr_assert_eq(c.healthy_ns, 10 * NS);
	cr_assert_eq(svconf_apply(&c, SVCONF_FINISH_TIMEOUT, S("x")), -EINVAL);
	cr_assert_eq(c.finish_timeout_ns, 5 * NS);
	cr_assert_eq(svconf_apply(&c, SVCONF_FINISH_TIMEOUT, S("0.5")), 0);
	cr_assert_eq(c.finish_timeout_ns, NS / 2);
	cr_assert_eq(svconf_apply(&c, SVCONF_TIMEOUT_KILL, S("never")), -EINVAL);
	cr_assert_eq(c.has_timeout_kill, 0);
	cr_assert_eq(svconf_apply(&c, SVCONF_TIMEOUT_KILL, S("2")), 0);
	cr_assert_eq(c.has_timeout_kill, 1);
	cr_assert_eq(c.timeout_kill_ns, 2 * NS);
	cr_assert_eq(svconf_apply(&c, SVCONF_STRAY_GRACE, S("")), -EINVAL);
	cr_assert_eq(c.stray_grace_ns, NS);
	cr_assert_eq(svconf_apply(&c, SVCONF_STRAY_GRACE, S("3")), 0);
	cr_assert_eq(c.stray_grace_ns, 3 * NS);
	cr_assert_eq(svconf_apply(&c, SVCONF_NFILES, S("1")), -EINVAL);
}

Test(svconf, backoff_arithmetic)
{
	struct svconf c;

	svconf_defaults(&c);
	cr_assert_eq(svconf_backoff_delay(&c, 0), 0);
	cr_assert_eq(svconf_backoff_delay(&c, 1), 1 * NS);
	cr_assert_eq(svconf_backoff_delay(&c, 2), 2 * NS);
	cr_assert_eq(svconf_backoff_delay(&c, 3), 4 * NS);
	cr_assert_eq(svconf_backoff_delay(&c, 6), 32 * NS);
	cr_assert_eq(svconf_backoff_delay(&c, 7), 60 * NS);
	cr_assert_eq(svconf_backoff_delay(&c, 64), 60 * NS);
	cr_assert_eq(svconf_backoff_delay(&c, UINT32_MAX), 60 * NS);
	c.backoff_min_ns = NS / 10;
	c.backoff_max_ns = NS;
	cr_assert_eq(svconf_backoff_delay(&c, 1), NS / 10);
	cr_assert_eq(svconf_backoff_delay(&c, 4), 8 * NS / 10);
	cr_assert_eq(svconf_backoff_delay(&c, 5), NS);
	/* Huge MAX: doubling saturates instead of wrapping to a tiny delay. */
	c.backoff_min_ns = 1000000000ULL * NS;
	c.backoff_max_ns = UINT64_MAX;
	cr_assert_eq(svconf_backoff_delay(&c, 2), 2000000000ULL * NS);
	cr_assert_geq(svconf_backoff_delay(&c, 200), 1000000000ULL * NS);
}

Test(svconf, give_up)
{
	static const char *const bad[] = {
		"", "0", "-1", "-5", "+5", "five", "5x", "1.5", "5 6", "1000001", "4294967297",
		"99999999999999999999999", "5\n6", "0x10",
	};
	struct svconf c;
	uint32_t n = 7;
	size_t i;

	cr_assert_str_eq(svconf_name(SVCONF_GIVE_UP), "give-up");
	cr_assert_str_eq(svconf_bad_means(SVCONF_GIVE_UP), "ignored");
	cr_assert_str_eq(svconf_bad_means(SVCONF_TIMEOUT_KILL), "ignored");
	cr_assert_str_eq(svconf_bad_means(SVCONF_BACKOFF), "using the default");
	cr_assert_eq(svconf_parse_give_up(S("5\n"), &n), 0);
	cr_assert_eq(n, 5);
	cr_assert_eq(svconf_parse_give_up(S(" 1 "), &n), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(svconf_parse_give_up(S("1000000"), &n), 0);
	cr_assert_eq(n, SVCONF_GIVE_UP_MAX);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		n = 7;
		cr_assert_eq(svconf_parse_give_up(bad[i], strlen(bad[i]), &n), -EINVAL, "%s",
			     bad[i]);
		cr_assert_eq(n, 7);
	}
	/* A bad file leaves the default: never give up. */
	svconf_defaults(&c);
	cr_assert_eq(c.give_up, 0);
	cr_assert_eq(svconf_apply(&c, SVCONF_GIVE_UP, S("0")), -EINVAL);
	cr_assert_eq(c.give_up, 0);
	cr_assert_eq(svconf_apply(&c, SVCONF_GIVE_UP, S("3")), 0);
	cr_assert_eq(c.give_up, 3);
}

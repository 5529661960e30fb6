/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include <dt/optparse.h>
#include <dt/pathexec.h>

#define ARGC(a) ((int)(sizeof(a) / sizeof(a[0])) - 1)

Test(optparse, flags_cluster_and_values)
{
	char *argv[] = { "p", "-nx", "-o100", "-m", "5", "child", "-z", NULL };
	struct optparse op;

	optparse_init(&op);
	cr_assert_eq(optparse_next(&op, ARGC(argv), argv, "nxo:m:"), 'n');
	cr_assert_eq(optparse_next(&op, ARGC(argv), argv, "nxo:m:"), 'x');
	cr_assert_eq(optparse_next(&op, ARGC(argv), argv, "nxo:m:"), 'o');
	cr_assert_str_eq(op.arg, "100");
	cr_assert_eq(optparse_next(&op, ARGC(argv), argv, "nxo:m:"), 'm');
	cr_assert_str_eq(op.arg, "5");
	/* no permutation: the first operand ends the options */
	cr_assert_eq(optparse_next(&op, ARGC(argv), argv, "nxo:m:"), OPTPARSE_END);
	cr_assert_eq(op.ind, 5);
}

Test(optparse, double_dash_and_lone_dash)
{
	char *a1[] = { "p", "-n", "--", "-x", NULL };
	char *a2[] = { "p", "-", "x", NULL };
	struct optparse op;

	optparse_init(&op);
	cr_assert_eq(optparse_next(&op, ARGC(a1), a1, "nx"), 'n');
	cr_assert_eq(optparse_next(&op, ARGC(a1), a1, "nx"), OPTPARSE_END);
	cr_assert_eq(op.ind, 3);
	optparse_init(&op);
	cr_assert_eq(optparse_next(&op, ARGC(a2), a2, "nx"), OPTPARSE_END);
	cr_assert_eq(op.ind, 1);
}

Test(optparse, value_may_look_like_an_option)
{
	char *argv[] = { "p", "-o", "--", "x", NULL };
	struct optparse op;

	optparse_init(&op);
	cr_assert_eq(optparse_next(&op, ARGC(argv), argv, "o:"), 'o');
	cr_assert_str_eq(op.arg, "--");
	cr_assert_eq(optparse_next(&op, ARGC(argv), argv, "o:"), OPTPARSE_END);
	cr_assert_eq(op.ind, 3);
}

Test(optparse, errors_and_messages)
{
	char *a1[] = { "p", "-nz", NULL };
	char *a2[] = { "p", "-m", NULL };
	char *a3[] = { "p", "-:", NULL };
	struct optparse op;
	char buf[64];
	int c, n;

	optparse_init(&op);
	cr_assert_eq(optparse_next(&op, ARGC(a1), a1, "n"), 'n');
	c = optparse_next(&op, ARGC(a1), a1, "n");
	cr_assert_eq(c, OPTPARSE_UNKNOWN);
	n = optparse_format_error(&op, c, "setlock", buf, sizeof buf);
	cr_assert_str_eq(buf, "setlock: illegal option -- z\n");
	cr_assert_eq(n, (int)strlen(buf));

	optparse_init(&op);
	c = optparse_next(&op, ARGC(a2), a2, "m:");
	cr_assert_eq(c, OPTPARSE_NOARG);
	optparse_format_error(&op, c, "softlimit", buf, sizeof buf);
	cr_assert_str_eq(buf, "softlimit: option requires an argument -- m\n");

	/* ':' is never an option, even though it appears in the spec */
	optparse_init(&op);
	cr_assert_eq(optparse_next(&op, ARGC(a3), a3, "m:"), OPTPARSE_UNKNOWN);

	n = optparse_format_error(&op, OPTPARSE_UNKNOWN, "softlimit", buf, 8);
	cr_assert_eq(n, 7);
	cr_assert_eq(strlen(buf), 7);
}

Test(optparse_limit, numbers_and_hard)
{
	uint64_t v = 1;

	cr_assert_eq(optparse_limit("0", &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(optparse_limit("100000000", &v), 0);
	cr_assert_eq(v, 100000000);
	cr_assert_eq(optparse_limit("=", &v), 0);
	cr_assert_eq(v, OPTPARSE_LIMIT_HARD);
	cr_assert_eq(optparse_limit("18446744073709551615", &v), 0);
	cr_assert_eq(v, UINT64_MAX);
}

Test(optparse_limit, garbage_and_overflow)
{
	uint64_t v = 42;

	cr_assert_eq(optparse_limit("", &v), -EINVAL);
	cr_assert_eq(optparse_limit("==", &v), -EINVAL);
	cr_assert_eq(optparse_limit("12x", &v), -EINVAL);
	cr_assert_eq(optparse_limit(" 5", &v), -EINVAL);
	cr_assert_eq(optparse_limit("5 ", &v), -EINVAL);
	cr_assert_eq(optparse_limit("-5", &v), -EINVAL);
	cr_assert_eq(optparse_limit("+5", &v), -EINVAL);
	cr_assert_eq(optparse_limit("0x10", &v), -EINVAL);
	cr_assert_eq(optparse_limit("1k", &v), -EINVAL);
	cr_assert_eq(optparse_limit("18446744073709551616", &v), -ERANGE);
	cr_assert_eq(optparse_limit("99999999999999999999999", &v), -ERANGE);
	cr_assert_eq(v, 42, "a failed parse must not store a value");
}

Test(pathexec, errors)
{
	char *argv[] = { "x", NULL };
	char *envp[] = { NULL };

	cr_assert_eq(pathexec_run("dtng-no-such-program", argv, envp, "/nonexistent:/tmp"),
		     -ENOENT);
	cr_assert_eq(pathexec_run("/nonexistent/x", argv, envp, NULL), -ENOENT);
	/* a directory found on the way is remembered over later ENOENTs */
	cr_assert_eq(pathexec_run("tmp", argv, envp, "/:/nonexistent"), -EACCES);
}

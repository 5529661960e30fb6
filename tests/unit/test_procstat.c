/* SPDX-License-Identifier: ISC */
/* /proc/PID/stat (procstat.h): comm with spaces and parentheses, signed
 * fields, a cut or garbled text. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include <dt/procstat.h>

/* A real line (Linux 6.1, 52 fields), its comm made hostile. */
static const char line[] =
	"4242 (a) b) (c) S 1 4242 4242 0 -1 4194560 120 0 0 0 1 2 0 0 20 0 1 0 "
	"5678 2678784 230 18446744073709551615 94000000000000 94000000001000 "
	"140720000000000 0 0 256 0 0 16386 0 0 0 17 1 0 0 0 0 0 "
	"94000000003000 94000000004000 94000000005000 140720000001000 "
	"140720000001100 140720000001100 140720000001200 0\n";

Test(procstat, every_field)
{
	struct procstat ps;

	cr_assert_eq(procstat_parse(line, PROCSTAT_LAST, &ps), 0);
	cr_assert_eq(ps.state, 'S');
	cr_assert_eq(ps.field[4], 1);
	cr_assert_eq(ps.field[8], (unsigned long long)-1, "tpgid -1 wraps");
	cr_assert_eq(ps.field[9], 4194560);
	cr_assert_eq(ps.field[25], 18446744073709551615ull);
	cr_assert_eq(ps.field[26], 94000000000000ull);
	cr_assert_eq(ps.field[28], 140720000000000ull);
	cr_assert_eq(ps.field[31], 256);
	cr_assert_eq(ps.field[45], 94000000003000ull);
	cr_assert_eq(ps.field[51], 140720000001200ull);
	cr_assert_eq(ps.field[52], 0);
}

Test(procstat, stops_at_last)
{
	struct procstat ps;
	char cut[256];

	/* Everything after field 31 may be missing when only 31 is asked. */
	snprintf(cut, sizeof cut, "7 (x) Z 1 7 7 0 -1 4 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0 "
		 "0 0 0 0 0 0 %d", 1 << 8);
	cr_assert_eq(procstat_parse(cut, 31, &ps), 0);
	cr_assert_eq(ps.state, 'Z');
	cr_assert_eq(ps.field[31], 256);
	cr_assert_eq(procstat_parse(cut, 32, &ps), -EINVAL, "field 32 is missing");
}

Test(procstat, refused)
{
	static const char *const bad[] = {
		"", "4242", "4242 (x", "4242 (x)", "4242 (x) ", "4242 (x) S",
		"4242 (x) S 1 2", "4242 (x) S 1 x 3 4 5 6", "4242 (x) S 1 2z 3",
		"4242 (x)S 1 2 3 4 5 6",
	};
	struct procstat ps;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_eq(procstat_parse(bad[i], 6, &ps), -EINVAL, "%s", bad[i]);
	cr_assert_eq(procstat_parse(line, 3, &ps), -EINVAL, "last below 4");
	cr_assert_eq(procstat_parse(line, PROCSTAT_LAST + 1, &ps), -EINVAL);
}

Test(procstat, own_stat)
{
	char buf[2048];
	struct procstat ps;
	FILE *f = fopen("/proc/self/stat", "r");
	size_t n;

	cr_assert_not_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	cr_assert_eq(procstat_parse(buf, 51, &ps), 0, "%s", buf);
	cr_assert_eq(ps.state, 'R');
	cr_assert_neq(ps.field[26], 0, "start_code");
	cr_assert_neq(ps.field[28], 0, "start_stack");
}

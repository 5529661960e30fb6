/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include <dt/cglimit.h>

static char out[CGLIMIT_VALUE_MAX];
static const char *why;

static int parse(enum cglimit_kind k, const char *text)
{
	memset(out, 'X', sizeof out);
	why = NULL;
	return cglimit_parse(k, text, strlen(text), out, sizeof out, &why);
}

#define OK(k, text, want)                                                          \
	do {                                                                       \
		cr_assert_eq(parse(k, text), (int)strlen(want), "%s: %s", #k, text); \
		cr_assert_str_eq(out, want);                                       \
	} while (0)
#define BAD(k, text, err)                                                          \
	do {                                                                       \
		cr_assert_eq(parse(k, text), err, "%s: %s", #k, text);             \
		cr_assert(why && why[0], "a reason for %s", text);                 \
	} while (0)

Test(cglimit, names)
{
	cr_assert_str_eq(cglimit_controller(CGL_PIDS_MAX), "pids");
	cr_assert_str_eq(cglimit_controller(CGL_CPU_WEIGHT), "cpu");
	cr_assert_str_eq(cglimit_name(CGL_MEMORY_HIGH), "memory.high");
	cr_assert_str_eq(cglimit_name(CGL_COUNT), "unknown");
	cr_assert_str_eq(cglimit_default(CGL_MEMORY_HIGH), "max");
	cr_assert_str_eq(cglimit_default(CGL_CPU_WEIGHT), "100");
	cr_assert_str_eq(cglimit_default(CGL_IO_WEIGHT), "default 100");
	cr_assert_str_eq(cglimit_default(CGL_COUNT), "");
	BAD(CGL_COUNT, "1", -EINVAL);
}

Test(cglimit, memory)
{
	OK(CGL_MEMORY_MAX, "max", "max");
	OK(CGL_MEMORY_MAX, "max\n", "max");
	OK(CGL_MEMORY_HIGH, "  1048576 \n", "1048576");
	OK(CGL_MEMORY_MAX, "0", "0");
	OK(CGL_MEMORY_MAX, "64K", "65536");
	OK(CGL_MEMORY_MAX, "64k", "65536");
	OK(CGL_MEMORY_MAX, "512M\n", "536870912");
	OK(CGL_MEMORY_MAX, "2G", "2147483648");
	OK(CGL_MEMORY_MAX, "1T", "1099511627776");
	OK(CGL_MEMORY_MAX, "1p", "1125899906842624");
	OK(CGL_MEMORY_MAX, "15E", "17293822569102704640");
	OK(CGL_MEMORY_MAX, "010", "10");
	BAD(CGL_MEMORY_MAX, "16E", -ERANGE);
	BAD(CGL_MEMORY_MAX, "18446744073709551616", -ERANGE);
	BAD(CGL_MEMORY_MAX, "", -EINVAL);
	BAD(CGL_MEMORY_MAX, " \n", -EINVAL);
	BAD(CGL_MEMORY_MAX, "1X", -EINVAL);
	BAD(CGL_MEMORY_MAX, "1KB", -EINVAL);
	BAD(CGL_MEMORY_MAX, "1 K", -EINVAL);
	BAD(CGL_MEMORY_MAX, "-1", -EINVAL);
	BAD(CGL_MEMORY_MAX, "0x10", -EINVAL);
	BAD(CGL_MEMORY_MAX, "MAX", -EINVAL);
	BAD(CGL_MEMORY_MAX, "maximum", -EINVAL);
	BAD(CGL_MEMORY_MAX, "1\n2\n", -EINVAL);
	BAD(CGL_MEMORY_MAX, "1.5G", -EINVAL);
}

Test(cglimit, pids)
{
	OK(CGL_PIDS_MAX, "max", "max");
	OK(CGL_PIDS_MAX, "0", "0");
	OK(CGL_PIDS_MAX, "64\n", "64");
	OK(CGL_PIDS_MAX, "4194304", "4194304");
	BAD(CGL_PIDS_MAX, "4194305", -ERANGE);
	BAD(CGL_PIDS_MAX, "1K", -EINVAL);
	BAD(CGL_PIDS_MAX, "-1", -EINVAL);
	BAD(CGL_PIDS_MAX, "ten", -EINVAL);
}

Test(cglimit, cpu_max)
{
	OK(CGL_CPU_MAX, "max", "max");
	OK(CGL_CPU_MAX, "max 100000", "max 100000");
	OK(CGL_CPU_MAX, "50000", "50000");
	OK(CGL_CPU_MAX, "50000  100000\n", "50000 100000");
	OK(CGL_CPU_MAX, "1000\t1000", "1000 1000");
	OK(CGL_CPU_MAX, "200000 1000000", "200000 1000000");
	OK(CGL_CPU_MAX, "17592186044415", "17592186044415");
	BAD(CGL_CPU_MAX, "17592186044416", -ERANGE);
	BAD(CGL_CPU_MAX, "999", -ERANGE);
	BAD(CGL_CPU_MAX, "50000 999", -ERANGE);
	BAD(CGL_CPU_MAX, "50000 1000001", -ERANGE);
	BAD(CGL_CPU_MAX, "50000 max", -EINVAL);
	BAD(CGL_CPU_MAX, "maxx", -EINVAL);
	BAD(CGL_CPU_MAX, "50000x", -EINVAL);
	BAD(CGL_CPU_MAX, "50000 100000 3", -EINVAL);
	BAD(CGL_CPU_MAX, "50%", -EINVAL);
}

Test(cglimit, weights)
{
	OK(CGL_CPU_WEIGHT, "1", "1");
	OK(CGL_CPU_WEIGHT, "100\n", "100");
	OK(CGL_CPU_WEIGHT, "10000", "10000");
	BAD(CGL_CPU_WEIGHT, "0", -ERANGE);
	BAD(CGL_CPU_WEIGHT, "10001", -ERANGE);
	BAD(CGL_CPU_WEIGHT, "default 100", -EINVAL);
	OK(CGL_IO_WEIGHT, "100", "default 100");
	OK(CGL_IO_WEIGHT, "default 200\n", "default 200");
	OK(CGL_IO_WEIGHT, "default\t5", "default 5");
	OK(CGL_IO_WEIGHT, "8:16 300", "8:16 300");
	OK(CGL_IO_WEIGHT, "8:16 default", "8:16 default");
	BAD(CGL_IO_WEIGHT, "default", -EINVAL);
	BAD(CGL_IO_WEIGHT, "default 0", -ERANGE);
	BAD(CGL_IO_WEIGHT, "10001", -ERANGE);
	BAD(CGL_IO_WEIGHT, "8:16", -EINVAL);
	BAD(CGL_IO_WEIGHT, "8: 300", -EINVAL);
	BAD(CGL_IO_WEIGHT, "8:16 0", -ERANGE);
	BAD(CGL_IO_WEIGHT, "8:16 1 2", -EINVAL);
	BAD(CGL_IO_WEIGHT, "defaults 100", -EINVAL);
}

/* Every default is itself a valid value of its file. */
Test(cglimit, defaults_parse)
{
	int k;

	for (k = 0; k < CGL_COUNT; k++) {
		const char *d = cglimit_default(k);

		cr_assert_eq(parse(k, d), (int)strlen(d), "%s", d);
		cr_assert_str_eq(out, d);
	}
}

Test(cglimit, garbage_never_crashes)
{
	static const char junk[] = "\0\377\n\t 9:9:9 max max max 1e9 \x7f";
	char small[4], long_text[200];
	size_t i, j;
	int k;

	for (k = 0; k < CGL_COUNT; k++)
		for (i = 0; i < sizeof junk; i++)
			for (j = i; j <= sizeof junk; j++)
				cr_assert_leq(cglimit_parse(k, junk + i, j - i, out, sizeof out, NULL),
					      (int)sizeof out);
	cr_assert_eq(cglimit_parse(CGL_MEMORY_MAX, "1\0", 2, out, sizeof out, &why), -EINVAL);
	cr_assert_eq(cglimit_parse(CGL_MEMORY_MAX, "1G", 2, small, sizeof small, &why), -ENOSPC);
	memset(long_text, '1', sizeof long_text);
	cr_assert_eq(cglimit_parse(CGL_MEMORY_MAX, long_text, sizeof long_text, out, sizeof out, &why),
		     -EINVAL, "too long");
	cr_assert_str_eq(why, "too long");
}

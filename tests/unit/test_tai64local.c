/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <dt/tai64.h>
#include <dt/tai64local.h>
#include <dt/tai64stamp.h>

static void set_tz(const char *tz)
{
	char path[256];

	if (tz[0] != 'U' || strcmp(tz, "UTC") != 0) {
		snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
		if (access(path, R_OK) != 0)
			cr_skip_test("zone %s not installed (tzdata)", tz);
	}
	setenv("TZ", tz, 1);
	tzset();
}

static struct tai64n at(int64_t unix_sec, uint32_t nano)
{
	struct tai64n t = { .sec = TAI64_UNIX_OFFSET + (uint64_t)unix_sec, .nano = nano };

	return t;
}

/* The text 0.76 prints, straight from a breakdown, with no cache. */
static int expected(const struct tm *tm, uint32_t nano, char *buf, size_t size)
{
	int year = (int)((unsigned)tm->tm_year + 1900u);

	return snprintf(buf, size, "%lu-%02d-%02d %02d:%02d:%02d.%09u",
			(unsigned long)(long)year, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour,
			tm->tm_min, tm->tm_sec, nano);
}

static void fmt_is(struct tai64local_cache *c, int64_t s, uint32_t nano, const char *want)
{
	char out[TAI64LOCAL_MAX];
	struct tai64n t = at(s, nano);
	int n = tai64local_fmt(c, &t, out);

	cr_assert_eq(n, (int)strlen(want), "length %d for %s", n, want);
	cr_assert_eq(memcmp(out, want, n), 0, "%.*s != %s", n, out, want);
}

Test(tai64local, known_answers_utc)
{
	struct tai64local_cache c;

	set_tz("UTC");
	tai64local_init(&c, NULL);
	fmt_is(&c, 0, 0, "1970-01-01 00:00:00.000000000");
	fmt_is(&c, 1700000000, 168253, "2023-11-14 22:13:20.000168253");
	fmt_is(&c, 1700000001, 999999999, "2023-11-14 22:13:21.999999999");
	fmt_is(&c, -1, 5, "1969-12-31 23:59:59.000000005");
	fmt_is(&c, -2208988800LL, 0, "1900-01-01 00:00:00.000000000");
	fmt_is(&c, 253402300799LL, 0, "9999-12-31 23:59:59.000000000");
	fmt_is(&c, 253402300800LL, 0, "10000-01-01 00:00:00.000000000");
	/* 0.76 prints nanoseconds >= 10^9 in full and years before 0 as
	 * unsigned long. */
	fmt_is(&c, 0, 4294967295u, "1970-01-01 00:00:00.4294967295");
	fmt_is(&c, -62167219201LL, 0, "18446744073709551615-12-31 23:59:59.000000000");
}

Test(tai64local, unrepresentable)
{
	struct tai64local_cache c;
	char out[TAI64LOCAL_MAX];
	struct tai64n zero = { 0, 0 }, top = { UINT64_MAX, 0 };

	set_tz("UTC");
	tai64local_init(&c, NULL);
	cr_assert_eq(tai64local_fmt(&c, &zero, out), -EOVERFLOW);
	cr_assert_eq(tai64local_fmt(&c, &top, out), -EOVERFLOW);
	fmt_is(&c, 60, 0, "1970-01-01 00:01:00.000000000");
	cr_assert_eq(tai64local_fmt(&c, &zero, out), -EOVERFLOW);
	fmt_is(&c, 61, 0, "1970-01-01 00:01:01.000000000");
}

/* A synthetic zone: UTC+1 until a change at an odd instant, then UTC+2
 * (or the reverse), to prove the cache never crosses a change, wherever it
 * falls. */
static int64_t change_at = 1000000 + 1234;
static int off_before = 3600, off_after = 7200, calls;

static int fake_zone(int64_t s, struct tm *out)
{
	time_t t = (time_t)(s + (s < change_at ? off_before : off_after));

	calls++;
	return gmtime_r(&t, out) ? 0 : -EOVERFLOW;
}

static void sweep(tai64local_breakdown_fn *fn, int64_t from, int64_t to, int step)
{
	struct tai64local_cache c;
	char want[80];
	struct tm tm;
	int64_t s;

	tai64local_init(&c, fn);
	for (s = from; step > 0 ? s < to : s > to; s += step) {
		cr_assert_eq(fn(s, &tm), 0);
		expected(&tm, (uint32_t)(s & 0xffff), want, sizeof want);
		fmt_is(&c, s, (uint32_t)(s & 0xffff), want);
	}
}

Test(tai64local, synthetic_change_forward_and_back)
{
	int i;

	for (i = 0; i < 2; i++) {
		off_before = i ? 7200 : 3600;
		off_after = i ? 3600 : 7200;
		sweep(fake_zone, change_at - 8000, change_at + 8000, 1);
		sweep(fake_zone, change_at + 8000, change_at - 8000, -1);
		sweep(fake_zone, change_at - 9001, change_at + 9001, 7);
	}
}

Test(tai64local, breakdown_runs_rarely)
{
	struct tai64local_cache c;
	char out[TAI64LOCAL_MAX];
	struct tai64n t;
	int64_t s;

	off_before = off_after = 3600;
	tai64local_init(&c, fake_zone);
	calls = 0;
	for (s = 36000000; s < 36000000 + 4 * 3600; s++) {
		t = at(s, 1);
		cr_assert_gt(tai64local_fmt(&c, &t, out), 0);
	}
	/* One breakdown and at most two probes per local hour. */
	cr_assert_leq(calls, 4 * 3 + 3, "%d calls", calls);
}

/* Every second around real changes, against localtime_r() itself. */
static void real_zone_sweep(const char *tz, int64_t around)
{
	struct tai64local_cache c;
	char want[80];
	struct tm tm;
	time_t tt;
	int64_t s;

	set_tz(tz);
	tai64local_init(&c, NULL);
	for (s = around - 5400; s < around + 5400; s++) {
		tt = (time_t)s;
		cr_assert_not_null(localtime_r(&tt, &tm));
		expected(&tm, 123456789, want, sizeof want);
		fmt_is(&c, s, 123456789, want);
	}
}

Test(tai64local, berlin_spring_and_autumn)
{
	real_zone_sweep("Europe/Berlin", 1679792400);  /* 2023-03-26 01:00 UTC */
	real_zone_sweep("Europe/Berlin", 1698541200);  /* 2023-10-29 01:00 UTC */
}

Test(tai64local, new_york_and_lord_howe)
{
	real_zone_sweep("America/New_York", 1678604400); /* 2023-03-12 07:00 UTC */
	real_zone_sweep("America/New_York", 1699164000); /* 2023-11-05 06:00 UTC */
	real_zone_sweep("Australia/Lord_Howe", 1680361200); /* 30-minute change */
	real_zone_sweep("Australia/Lord_Howe", 1696087800);
}

Test(tai64local, historic_and_leap_seconds)
{
	/* Amsterdam 1936/1937: changes at hh:40:28 UTC, one of them by 28 s */
	real_zone_sweep("Europe/Amsterdam", -1061331572);
	real_zone_sweep("Europe/Amsterdam", -1025745572);
	real_zone_sweep("right/UTC", 1483228826);         /* 2016-12-31 23:59:60 */
}

/* The filter, whole input at once: out gets the converted text. */
static size_t filter_all(const char *in, size_t len, char *out, size_t chunk)
{
	struct tai64local_filter f;
	size_t i, n, o = 0;

	tai64local_filter_init(&f, NULL);
	for (i = 0; i < len; i += n) {
		n = len - i < chunk ? len - i : chunk;
		o += tai64local_filter_chunk(&f, in + i, n, out + o);
	}
	return o + tai64local_filter_end(&f, out + o);
}

static void filter_is(const char *in, size_t len, const char *want, size_t wlen)
{
	static char out[4096];
	size_t chunk, n;

	cr_assert_lt(TAI64LOCAL_BOUND(len), sizeof out);
	/* Every chunk size gives the same bytes: a label cut anywhere waits. */
	for (chunk = 1; chunk <= len + 1; chunk++) {
		n = filter_all(in, len, out, chunk);
		cr_assert_eq(n, wlen, "chunk %zu: %zu bytes, wanted %zu: %.*s", chunk, n, wlen,
			     (int)n, out);
		cr_assert_eq(memcmp(out, want, wlen), 0, "chunk %zu: %.*s", chunk, (int)n, out);
	}
}

#define FILTER_IS(in, want) filter_is(in, sizeof(in) - 1, want, sizeof(want) - 1)
#define EPOCH "@400000000000000a00000000"
#define EPOCH_TEXT "1970-01-01 00:00:00.000000000"

Test(tai64local_filter, labels_and_rest_of_line)
{
	set_tz("UTC");
	FILTER_IS(EPOCH " hello\n", EPOCH_TEXT " hello\n");
	FILTER_IS(EPOCH "\n\n" EPOCH "x\n", EPOCH_TEXT "\n\n" EPOCH_TEXT "x\n");
	FILTER_IS("no label\n" EPOCH " a\n", "no label\n" EPOCH_TEXT " a\n");
	FILTER_IS("mid " EPOCH "\n", "mid " EPOCH "\n");
	FILTER_IS(EPOCH " " EPOCH "\n", EPOCH_TEXT " " EPOCH "\n");
	/* Upper case ends the label, as in 0.76. */
	FILTER_IS(EPOCH "ABC\n", EPOCH_TEXT "ABC\n");
	FILTER_IS(EPOCH "\0nul\n", EPOCH_TEXT "\0nul\n");
	FILTER_IS("", "");
	FILTER_IS("\n", "\n");
}

Test(tai64local_filter, end_of_input)
{
	set_tz("UTC");
	FILTER_IS(EPOCH " no newline", EPOCH_TEXT " no newline");
	/* 0.76 dropped a label at the very end; ours converts it. */
	FILTER_IS(EPOCH, EPOCH_TEXT);
	FILTER_IS("x\n" EPOCH, "x\n" EPOCH_TEXT);
	FILTER_IS("@4000", "@4000");
	FILTER_IS("@", "@");
}

Test(tai64local_filter, malformed_labels_unchanged)
{
	set_tz("UTC");
	FILTER_IS("@\n", "@\n");
	FILTER_IS("@x\n", "@x\n");
	FILTER_IS("@400000000000000A00000000 x\n", "@400000000000000A00000000 x\n");
	FILTER_IS("@400000000000000a0000000 23\n", "@400000000000000a0000000 23\n");
	FILTER_IS("@400000000000000a000000000 25\n", "@400000000000000a000000000 25\n");
	FILTER_IS("@0400000000000000a00000000\n", "@0400000000000000a00000000\n");
	/* Well formed, but no local time can express it. */
	FILTER_IS("@000000000000000000000000 x\n", "@000000000000000000000000 x\n");
	FILTER_IS("@ffffffffffffffffffffffff\n" EPOCH "\n",
		  "@ffffffffffffffffffffffff\n" EPOCH_TEXT "\n");
	FILTER_IS("@12\n" EPOCH "\n", "@12\n" EPOCH_TEXT "\n");
}

Test(tai64local_filter, long_lines_and_bound)
{
	static char in[3000], want[3100], out[TAI64LOCAL_BOUND(3000) + 64];
	size_t i, n;

	set_tz("UTC");
	memcpy(in, EPOCH, 25);
	for (i = 25; i < sizeof in - 1; i++)
		in[i] = (char)('g' + i % 20);
	in[25] = ' ';
	in[sizeof in - 1] = '\n';
	memcpy(want, EPOCH_TEXT, 29);
	memcpy(want + 29, in + 25, sizeof in - 25);
	n = filter_all(in, sizeof in, out, 1000);
	cr_assert_eq(n, sizeof in + 4);
	cr_assert_eq(memcmp(out, want, n), 0);
	/* The worst case: nothing but labels with one-byte lines. */
	for (i = 0; i + 26 <= sizeof in; i += 26) {
		memcpy(in + i, EPOCH, 25);
		in[i + 25] = '\n';
	}
	memset(out, 0x55, sizeof out);
	n = filter_all(in, i, out, i);
	cr_assert_eq(n, i / 26 * 30);
	cr_assert_leq(n, TAI64LOCAL_BOUND(i));
}

static char stamped[512];

static size_t stamp_all(const char *in, size_t len, size_t chunk, size_t cap)
{
	bool mid = false;
	size_t i = 0, o = 0, n, used;

	while (i < len) {
		n = len - i < chunk ? len - i : chunk;
		used = tai64n_stamp(&mid, "@400000006553f10a0002913d", in + i, n, stamped + o,
				    cap < sizeof stamped - o ? cap : sizeof stamped - o, &n);
		cr_assert_gt(used, 0);
		i += used;
		o += n;
	}
	return o;
}

Test(tai64stamp, every_line_start)
{
	static const char in[] = "a\n\nlong line\nend";
	static const char want[] = "@400000006553f10a0002913d a\n@400000006553f10a0002913d \n"
				   "@400000006553f10a0002913d long line\n"
				   "@400000006553f10a0002913d end";
	size_t chunk, cap, n;

	for (chunk = 1; chunk <= sizeof in; chunk++)
		for (cap = TAI64N_FMT + 2; cap < 80; cap += 13) {
			n = stamp_all(in, sizeof in - 1, chunk, cap);
			cr_assert_eq(n, sizeof want - 1, "chunk %zu cap %zu", chunk, cap);
			cr_assert_eq(memcmp(stamped, want, n), 0, "chunk %zu cap %zu", chunk, cap);
		}
}

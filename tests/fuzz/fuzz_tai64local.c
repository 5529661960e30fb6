/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: tai64nlocal's line filter on arbitrary input. The
 * first byte picks where to cut the input in two; the output must not
 * depend on how the input was chunked (a label split across reads is held,
 * never mangled), and must fit the documented bound. UTC breakdown keeps
 * it independent of the machine's zone. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dt/tai64local.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int utc(int64_t sec, struct tm *out)
{
	time_t t = (time_t)sec;

	return gmtime_r(&t, out) ? 0 : -1;
}

static size_t run(const char *in, size_t len, size_t cut, char *out)
{
	struct tai64local_filter f;
	size_t n;

	tai64local_filter_init(&f, utc);
	n = tai64local_filter_chunk(&f, in, cut, out);
	n += tai64local_filter_chunk(&f, in + cut, len - cut, out + n);
	n += tai64local_filter_end(&f, out + n);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in;
	size_t len, cut, bound, a, b;
	char *o1, *o2;

	if (size < 1)
		return 0;
	in = (const char *)data + 1;
	len = size - 1;
	cut = len ? data[0] % (len + 1) : 0;
	bound = TAI64LOCAL_BOUND(len) + TAI64LOCAL_BOUND(0) + TAI64LOCAL_BOUND(len);
	o1 = malloc(bound);
	o2 = malloc(bound);
	if (!o1 || !o2)
		goto out;
	a = run(in, len, len, o1);
	b = run(in, len, cut, o2);
	if (a != b || memcmp(o1, o2, a) != 0)
		__builtin_trap();
	if (a > TAI64LOCAL_BOUND(len) + TAI64LOCAL_BOUND(0))
		__builtin_trap();
out:
	free(o1);
	free(o2);
	return 0;
}

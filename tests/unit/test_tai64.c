/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include <dt/tai64.h>

Test(tai64, epoch_label)
{
	struct tai64n t;
	char out[TAI64N_FMT];

	tai64n_from_unix_ns(0, &t);
	tai64n_fmt(&t, out);
	cr_assert_eq(memcmp(out, "@400000000000000a00000000", TAI64N_FMT), 0);
	cr_assert_eq(tai64n_unix_sec(&t), 0);
}

Test(tai64, known_time)
{
	struct tai64n t;
	char out[TAI64N_FMT];

	/* 2023-11-14 22:13:20 UTC = 1700000000, plus 168253 ns */
	tai64n_from_unix_ns(1700000000ULL * 1000000000 + 168253, &t);
	tai64n_fmt(&t, out);
	cr_assert_eq(memcmp(out, "@400000006553f10a0002913d", TAI64N_FMT), 0);
}

Test(tai64, pack_roundtrip)
{
	struct tai64n t = { .sec = 0x4000000065531b0aULL, .nano = 999999999 }, u;
	unsigned char p[TAI64N_PACK];

	tai64n_pack(&t, p);
	cr_assert_eq(p[0], 0x40);
	cr_assert_eq(p[7], 0x0a);
	tai64n_unpack(p, &u);
	cr_assert_eq(u.sec, t.sec);
	cr_assert_eq(u.nano, t.nano);
}

Test(tai64, scan)
{
	struct tai64n t;

	cr_assert_eq(tai64n_scan("@400000000000000a00000001", 25, &t), 0);
	cr_assert_eq(t.sec, TAI64_UNIX_OFFSET);
	cr_assert_eq(t.nano, 1);
	cr_assert_eq(tai64n_scan("@400000000000000A00000001", 25, &t), -EINVAL);
	cr_assert_eq(tai64n_scan("@400000000000000a0000000", 24, &t), -EINVAL);
	cr_assert_eq(tai64n_scan("@400000000000000a0000000g", 25, &t), -EINVAL);
	cr_assert_eq(tai64n_scan("x400000000000000a00000001", 25, &t), -EINVAL);
	cr_assert_eq(tai64n_scan("@", 1, &t), -EINVAL);
}

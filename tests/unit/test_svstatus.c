/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include <dt/svstate.h>
#include <dt/svstatus.h>

Test(svstatus, golden_bytes)
{
	struct svstatus st = { .stamp = { .sec = TAI64_UNIX_OFFSET, .nano = 500 },
			       .pid = 0x01020304, .paused = 1, .want = 'u' };
	static const unsigned char want[SVSTATUS_LEN] = {
		0x40, 0, 0, 0, 0, 0, 0, 0x0a, 0, 0, 0x01, 0xf4, 0x04, 0x03, 0x02, 0x01, 1, 'u'
	};
	unsigned char out[SVSTATUS_LEN];

	svstatus_encode(&st, out);
	cr_assert_eq(memcmp(out, want, SVSTATUS_LEN), 0);
}

Test(svstatus, paused_forced_zero_when_down)
{
	struct svstatus st = { .pid = 0, .paused = 1, .want = 'd' };
	unsigned char out[SVSTATUS_LEN];

	svstatus_encode(&st, out);
	cr_assert_eq(out[16], 0);
	cr_assert_eq(out[17], 'd');
}

Test(svstatus, decode_accepts_longer_rejects_shorter)
{
	unsigned char buf[20] = { 0x40, 0, 0, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x39, 0x30, 0, 0, 0, 0 };
	struct svstatus st;

	cr_assert_eq(svstatus_decode(buf, 17, &st), -EINVAL);
	cr_assert_eq(svstatus_decode(buf, 20, &st), 0);
	cr_assert_eq(st.pid, 12345);
	cr_assert_eq(st.want, 0);
}

Test(svstate, roundtrip)
{
	struct svstate a = { .state = SVS_BACKOFF, .pid = 0, .want = 'u', .normally_up = 1,
			     .has_next_start = 1, .failures = 3, .last_exit = SVS_EXIT_SIGNAL,
			     .last_code = 9, .procs = 2, .supervise_pid = 77 }, b;
	char buf[SVSTATE_TEXT_MAX];
	int n;

	a.since.sec = TAI64_UNIX_OFFSET + 5;
	a.next_start.sec = TAI64_UNIX_OFFSET + 9;
	strcpy(a.cgroup, "/sys/fs/cgroup/dtng-1-2/service");
	n = svstate_format(&a, buf, sizeof buf);
	cr_assert_gt(n, 0);
	cr_assert_eq(svstate_parse(buf, n, &b), 0);
	cr_assert_eq(b.state, SVS_BACKOFF);
	cr_assert_eq(b.failures, 3);
	cr_assert_eq(b.last_exit, SVS_EXIT_SIGNAL);
	cr_assert_eq(b.last_code, 9);
	cr_assert_eq(b.procs, 2);
	cr_assert_eq(b.supervise_pid, 77);
	cr_assert_eq(b.has_next_start, 1);
	cr_assert_eq(b.next_start.sec, a.next_start.sec);
	cr_assert_eq(b.has_ready_since, 0);
	cr_assert_str_eq(b.cgroup, a.cgroup);
	cr_assert_eq(b.want, 'u');
}

Test(svstate, exit_minus_one_and_unknown_keys)
{
	const char *t = "state=up\npid=5\nfuture_key=whatever\nlast_exit=exit -1\nwant=once\n";
	struct svstate s;

	cr_assert_eq(svstate_parse(t, strlen(t), &s), 0);
	cr_assert_eq(s.state, SVS_UP);
	cr_assert_eq(s.pid, 5);
	cr_assert_eq(s.last_code, -1);
	cr_assert_eq(s.want, 'o');
	cr_assert_eq(s.procs, -1);
	cr_assert_str_eq(s.cgroup, "none");
}

Test(svstate, garbage)
{
	const char *bad[] = { "", "pid=1\n", "state=sideways\n", "state=up\npid=x\n",
			      "state=up\nnoequals\n", "state=up\nsince=@zz\n",
			      "state=up\npaused=2\n", "state=up\nlast_exit=exit 300\n",
			      "state=up\npid=99999999999\n" };
	struct svstate s;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_eq(svstate_parse(bad[i], strlen(bad[i]), &s), -EINVAL, "%s", bad[i]);
}

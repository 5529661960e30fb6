/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include <dt/proclocks.h>
#include <dt/svkv.h>
#include <dt/svopt.h>
#include <dt/svstatfmt.h>
#include <dt/svwaitcond.h>

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

/* ---- svc options ---- */

Test(svc_args, letters_in_first_seen_order_without_repeats)
{
	char *argv[] = { "svc", "-dud", "-d", "-u", "-tktk", "dir", NULL };
	char letters[SVC_LETTERS_MAX + 1], bad = 0;

	cr_assert_eq(svc_parse_args(ARGC(argv), argv, letters, &bad), 5);
	cr_assert_str_eq(letters, "dutk");
}

Test(svc_args, every_letter)
{
	char *argv[] = { "svc", "-udopchaitkx12qw", "-x", "s", NULL };
	char letters[SVC_LETTERS_MAX + 1], bad = 0;

	cr_assert_eq(svc_parse_args(ARGC(argv), argv, letters, &bad), 3);
	cr_assert_str_eq(letters, "udopchaitkx12qw");
}

Test(svc_args, operands_stop_options)
{
	char *a1[] = { "svc", "-u", "s", "-d", NULL };
	char *a2[] = { "svc", "-u", "--", "-d", NULL };
	char *a3[] = { "svc", "-u", "-", "s", NULL };
	char *a4[] = { "svc", NULL };
	char l[SVC_LETTERS_MAX + 1], bad = 0;

	cr_assert_eq(svc_parse_args(ARGC(a1), a1, l, &bad), 2);
	cr_assert_str_eq(l, "u");
	cr_assert_eq(svc_parse_args(ARGC(a2), a2, l, &bad), 3);
	cr_assert_eq(svc_parse_args(ARGC(a3), a3, l, &bad), 2);
	cr_assert_eq(svc_parse_args(ARGC(a4), a4, l, &bad), 1);
	cr_assert_str_eq(l, "");
}

Test(svc_args, illegal_letters)
{
	char *a1[] = { "svc", "-u", "-Z", "s", NULL };
	char *a2[] = { "svc", "-u-d", "s", NULL };
	char *a3[] = { "svc", "-r", "s", NULL };
	char l[SVC_LETTERS_MAX + 1], bad = 0;

	cr_assert_eq(svc_parse_args(ARGC(a1), a1, l, &bad), -EINVAL);
	cr_assert_eq(bad, 'Z');
	cr_assert_eq(svc_parse_args(ARGC(a2), a2, l, &bad), -EINVAL);
	cr_assert_eq(bad, '-');
	cr_assert_eq(svc_parse_args(ARGC(a3), a3, l, &bad), -EINVAL);
	cr_assert_eq(bad, 'r');
}

/* ---- svwait options ---- */

Test(svwait_args, defaults)
{
	char *argv[] = { "svwait", "s", NULL };
	struct svwait_opts o;

	cr_assert_eq(svwait_parse_args(ARGC(argv), argv, &o), 1);
	cr_assert_eq(o.goal, SVW_UP);
	cr_assert_eq(o.any, 0);
	cr_assert_eq(o.has_timeout, 0);
}

Test(svwait_args, last_goal_wins_and_timeouts)
{
	char *a1[] = { "svwait", "-ud", "-o", "-t", "1.5", "a", "b", NULL };
	char *a2[] = { "svwait", "-xt0.25", "-a", "a", NULL };
	char *a3[] = { "svwait", "-r", "--", "-d", NULL };
	struct svwait_opts o;

	cr_assert_eq(svwait_parse_args(ARGC(a1), a1, &o), 5);
	cr_assert_eq(o.goal, SVW_DOWN);
	cr_assert_eq(o.any, 1);
	cr_assert_eq(o.has_timeout, 1);
	cr_assert_eq(o.timeout_ns, 1500000000ULL);
	cr_assert_eq(svwait_parse_args(ARGC(a2), a2, &o), 3);
	cr_assert_eq(o.goal, SVW_EXIT);
	cr_assert_eq(o.any, 0);
	cr_assert_eq(o.timeout_ns, 250000000ULL);
	cr_assert_eq(svwait_parse_args(ARGC(a3), a3, &o), 3);
	cr_assert_eq(o.goal, SVW_READY);
}

Test(svwait_args, usage_errors)
{
	char *a1[] = { "svwait", "-u", NULL };
	char *a2[] = { "svwait", "-t", NULL };
	char *a3[] = { "svwait", "-t", "x", "s", NULL };
	char *a4[] = { "svwait", "-t", "-1", "s", NULL };
	char *a5[] = { "svwait", "-k", "s", NULL };
	char *a6[] = { "svwait", "-t", "1", "--", NULL };
	struct svwait_opts o;

	cr_assert_eq(svwait_parse_args(ARGC(a1), a1, &o), -EINVAL);
	cr_assert_eq(svwait_parse_args(ARGC(a2), a2, &o), -EINVAL);
	cr_assert_eq(svwait_parse_args(ARGC(a3), a3, &o), -EINVAL);
	cr_assert_eq(svwait_parse_args(ARGC(a4), a4, &o), -EINVAL);
	cr_assert_eq(svwait_parse_args(ARGC(a5), a5, &o), -EINVAL);
	cr_assert_eq(svwait_parse_args(ARGC(a6), a6, &o), -EINVAL);
}

/* What optparse decides for both: a ':' is no letter, a value is taken
 * whatever it looks like ("--" and "u" too), "-" alone is an operand. */
Test(svopt, getopt_corners)
{
	char *c1[] = { "svc", "-u:", "s", NULL };
	char *w1[] = { "svwait", "-t", "--", "s", NULL };
	char *w2[] = { "svwait", "-tu", "s", NULL };
	char *w3[] = { "svwait", "-d", "-", NULL };
	char *w4[] = { "svwait", "-t", "2", "-u", "s", NULL };
	char l[SVC_LETTERS_MAX + 1], bad = 0;
	struct svwait_opts o;

	cr_assert_eq(svc_parse_args(ARGC(c1), c1, l, &bad), -EINVAL);
	cr_assert_eq(bad, ':');
	cr_assert_eq(svwait_parse_args(ARGC(w1), w1, &o), -EINVAL);
	cr_assert_eq(svwait_parse_args(ARGC(w2), w2, &o), -EINVAL);
	cr_assert_eq(svwait_parse_args(ARGC(w3), w3, &o), 2);
	cr_assert_eq(svwait_parse_args(ARGC(w4), w4, &o), 4);
	cr_assert_eq(o.goal, SVW_UP);
	cr_assert_eq(o.timeout_ns, 2000000000ULL);
}

/* ---- svstat -k lines ---- */

Test(svkv, escaping)
{
	char out[64];
	size_t n = svkv_escape("a b=c%d\n\x7f\x01\xc3\xa9", 12, out);

	out[n] = 0;
	cr_assert_str_eq(out, "a%20b%3Dc%25d%0A%7F%01\xc3\xa9");
}

Test(svkv, line_from_state_text_keeps_order_and_unknown_keys)
{
	static const char text[] = "state=up\npid=12\n\ncgroup=/a b\nnew_key=x=y\nbogus\n";
	char buf[256];
	struct svkv_line l;

	svkv_init(&l, buf, sizeof buf);
	svkv_add_str(&l, "dir", "/srv/my svc");
	svkv_add_state_text(&l, text, sizeof text - 1);
	cr_assert_gt(svkv_end(&l), 0);
	cr_assert_str_eq(buf, "dir=/srv/my%20svc state=up pid=12 cgroup=/a%20b new_key=x%3Dy\n");
}

Test(svkv, line_from_076_status)
{
	struct svstatus st = { .stamp = { .sec = TAI64_UNIX_OFFSET, .nano = 0 }, .pid = 77,
			       .paused = 1, .want = 'd' };
	char buf[256];
	struct svkv_line l;

	svkv_init(&l, buf, sizeof buf);
	svkv_add_str(&l, "dir", "s");
	svkv_add_status(&l, &st, 0);
	cr_assert_gt(svkv_end(&l), 0);
	cr_assert_str_eq(buf, "dir=s state=up pid=77 since=@400000000000000a00000000 want=down "
			      "paused=1 normally=down\n");
	st.pid = 0;
	st.want = 0;
	svkv_init(&l, buf, sizeof buf);
	svkv_add_str(&l, "dir", "s");
	svkv_add_status(&l, &st, 1);
	svkv_end(&l);
	cr_assert_str_eq(buf, "dir=s state=down pid=0 since=@400000000000000a00000000 want=once "
			      "paused=0 normally=up\n");
}

Test(svkv, overflow_is_reported)
{
	char buf[12];
	struct svkv_line l;

	svkv_init(&l, buf, sizeof buf);
	svkv_add_str(&l, "dir", "a%b%c%d");
	cr_assert_eq(svkv_end(&l), -ENOSPC);
}

/* ---- 0.76 svstat text ---- */

static const char *fmt076(uint32_t pid, int paused, char want, int normally_up, uint64_t ago)
{
	static char buf[256];
	struct svstatus st = { .stamp = { .sec = TAI64_UNIX_OFFSET + 1000 }, .pid = pid,
			       .paused = paused, .want = want };

	cr_assert_gt(svstat_fmt_076(&st, normally_up, TAI64_UNIX_OFFSET + 1000 + ago, buf,
				    sizeof buf), 0);
	return buf;
}

Test(svstatfmt, every_suffix_in_076_order)
{
	cr_assert_str_eq(fmt076(42, 0, 'u', 1, 5), "up (pid 42) 5 seconds");
	cr_assert_str_eq(fmt076(42, 1, 'd', 0, 5),
			 "up (pid 42) 5 seconds, normally down, paused, want down");
	cr_assert_str_eq(fmt076(0, 1, 'u', 1, 7), "down 7 seconds, normally up, want up");
	cr_assert_str_eq(fmt076(0, 0, 'd', 0, 7), "down 7 seconds");
	cr_assert_str_eq(fmt076(0, 0, 0, 0, 0), "down 0 seconds");
	cr_assert_str_eq(fmt076(9, 0, 0, 1, 1), "up (pid 9) 1 seconds");
}

Test(svstatfmt, future_stamp_is_zero_and_huge_values_round_like_076)
{
	struct tai64n future = { .sec = TAI64_UNIX_OFFSET + 50 }, zero = { .sec = 0 };

	cr_assert_eq(svstat_seconds_076(&future, TAI64_UNIX_OFFSET + 10), 0);
	/* 0.76 printed 4611686020222856192 for a zeroed stamp at unix time
	 * 1795468728: the double keeps 53 bits */
	cr_assert_eq(svstat_seconds_076(&zero, TAI64_UNIX_OFFSET + 1795468728ULL),
		     4611686020222856192UL);
}

/* ---- svwait decisions ---- */

static struct svwait_snap snap_state(enum svstate_state s, uint32_t pid)
{
	struct svwait_snap x = { .running = 1, .has_state = 1, .state = s, .state_pid = pid };

	return x;
}

static struct svwait_snap snap_status(uint32_t pid)
{
	struct svwait_snap x = { .running = 1, .has_status = 1, .status_pid = pid };

	return x;
}

Test(svwaitcond, up_and_down_from_state)
{
	struct svwait_snap up = snap_state(SVS_UP, 5), ready = snap_state(SVS_READY, 5);
	struct svwait_snap down = snap_state(SVS_DOWN, 0), fin = snap_state(SVS_FINISHING, 0);
	struct svwait_snap finpid = snap_state(SVS_FINISHING, 9), back = snap_state(SVS_BACKOFF, 0);
	struct svwait_snap stopping = snap_state(SVS_STOPPING, 5);
	struct svwait_snap strays = snap_state(SVS_STOPPING, 0);

	cr_assert_eq(svwait_judge(SVW_UP, &up), SVW_REACHED);
	cr_assert_eq(svwait_judge(SVW_UP, &ready), SVW_REACHED);
	cr_assert_eq(svwait_judge(SVW_UP, &stopping), SVW_REACHED);
	cr_assert_eq(svwait_judge(SVW_UP, &down), SVW_WAIT);
	cr_assert_eq(svwait_judge(SVW_UP, &finpid), SVW_WAIT);
	cr_assert_eq(svwait_judge(SVW_DOWN, &down), SVW_REACHED);
	cr_assert_eq(svwait_judge(SVW_DOWN, &back), SVW_REACHED);
	cr_assert_eq(svwait_judge(SVW_DOWN, &fin), SVW_WAIT);
	cr_assert_eq(svwait_judge(SVW_DOWN, &stopping), SVW_WAIT);
	/* main process gone, strays still being cleared: not down yet */
	cr_assert_eq(svwait_judge(SVW_DOWN, &strays), SVW_WAIT);
	cr_assert_eq(svwait_judge(SVW_UP, &strays), SVW_WAIT);
	cr_assert_eq(svwait_judge(SVW_READY, &ready), SVW_REACHED);
	cr_assert_eq(svwait_judge(SVW_READY, &up), SVW_WAIT);
	cr_assert_eq(svwait_judge(SVW_EXIT, &up), SVW_WAIT);
}

Test(svwaitcond, state_wins_over_status_and_status_is_the_fallback)
{
	struct svwait_snap s = snap_state(SVS_DOWN, 0), st = snap_status(7);

	s.has_status = 1;
	s.status_pid = 7;
	cr_assert_eq(svwait_judge(SVW_UP, &s), SVW_WAIT);
	cr_assert_eq(svwait_judge(SVW_DOWN, &s), SVW_REACHED);
	cr_assert_eq(svwait_judge(SVW_UP, &st), SVW_REACHED);
	cr_assert_eq(svwait_judge(SVW_DOWN, &st), SVW_WAIT);
	/* readiness is unknown to 0.76's status */
	cr_assert_eq(svwait_judge(SVW_READY, &st), SVW_WAIT);
	st.status_pid = 0;
	cr_assert_eq(svwait_judge(SVW_DOWN, &st), SVW_REACHED);
}

Test(svwaitcond, nothing_known_is_not_reached)
{
	struct svwait_snap s = { .running = 1 };

	cr_assert_eq(svwait_judge(SVW_UP, &s), SVW_WAIT);
	cr_assert_eq(svwait_judge(SVW_DOWN, &s), SVW_WAIT);
	s.running = 0;
	cr_assert_eq(svwait_judge(SVW_DOWN, &s), SVW_LOST);
	cr_assert_eq(svwait_judge(SVW_EXIT, &s), SVW_REACHED);
}

Test(svwaitcond, supervise_gone)
{
	struct svwait_snap up = snap_status(7), down = snap_status(0);

	up.exited = 1;
	down.exited = 1;
	cr_assert_eq(svwait_judge(SVW_DOWN, &up), SVW_LOST);
	cr_assert_eq(svwait_judge(SVW_UP, &up), SVW_REACHED);
	/* svc -dx: the service went down, then supervise left */
	cr_assert_eq(svwait_judge(SVW_DOWN, &down), SVW_REACHED);
	cr_assert_eq(svwait_judge(SVW_EXIT, &down), SVW_REACHED);
	down.exited = 0;
	down.running = 0;
	cr_assert_eq(svwait_judge(SVW_EXIT, &down), SVW_REACHED);
	cr_assert_eq(svwait_judge(SVW_UP, &down), SVW_LOST);
}

Test(svwaitcond, aggregation)
{
	enum svwait_verdict wr[] = { SVW_WAIT, SVW_REACHED }, rr[] = { SVW_REACHED, SVW_REACHED };
	enum svwait_verdict lw[] = { SVW_LOST, SVW_WAIT }, ll[] = { SVW_LOST, SVW_LOST };
	enum svwait_verdict lr[] = { SVW_LOST, SVW_REACHED }, ww[] = { SVW_WAIT, SVW_WAIT };

	cr_assert_eq(svwait_aggregate(0, wr, 2), SVW_WAIT);
	cr_assert_eq(svwait_aggregate(0, rr, 2), SVW_REACHED);
	cr_assert_eq(svwait_aggregate(0, lw, 2), SVW_LOST);
	cr_assert_eq(svwait_aggregate(0, lr, 2), SVW_LOST);
	cr_assert_eq(svwait_aggregate(1, wr, 2), SVW_REACHED);
	cr_assert_eq(svwait_aggregate(1, lw, 2), SVW_WAIT);
	cr_assert_eq(svwait_aggregate(1, ll, 2), SVW_LOST);
	cr_assert_eq(svwait_aggregate(1, lr, 2), SVW_REACHED);
	cr_assert_eq(svwait_aggregate(1, ww, 2), SVW_WAIT);
	cr_assert_eq(svwait_exit_code(SVW_REACHED), 0);
	cr_assert_eq(svwait_exit_code(SVW_LOST), 102);
	cr_assert_eq(svwait_exit_code(SVW_WAIT), 99);
	cr_assert_eq(svwait_exit_code(SVW_FAILED), 103);
}

Test(svwaitcond, failed_fails_up_and_ready_but_is_down)
{
	struct svwait_snap f = snap_state(SVS_FAILED, 0);
	enum svwait_verdict fw[] = { SVW_FAILED, SVW_WAIT }, fl[] = { SVW_FAILED, SVW_LOST };
	enum svwait_verdict fr[] = { SVW_FAILED, SVW_REACHED }, ff[] = { SVW_FAILED, SVW_FAILED };

	cr_assert_eq(svwait_judge(SVW_UP, &f), SVW_FAILED);
	cr_assert_eq(svwait_judge(SVW_READY, &f), SVW_FAILED);
	cr_assert_eq(svwait_judge(SVW_DOWN, &f), SVW_REACHED);
	cr_assert_eq(svwait_judge(SVW_EXIT, &f), SVW_WAIT);
	/* 0.76's status cannot say failed: only supervise/state does */
	f.has_state = 0;
	f.has_status = 1;
	cr_assert_eq(svwait_judge(SVW_UP, &f), SVW_WAIT);
	cr_assert_eq(svwait_aggregate(0, fw, 2), SVW_FAILED);
	cr_assert_eq(svwait_aggregate(0, fl, 2), SVW_LOST);
	cr_assert_eq(svwait_aggregate(0, fr, 2), SVW_FAILED);
	cr_assert_eq(svwait_aggregate(1, fw, 2), SVW_WAIT);
	cr_assert_eq(svwait_aggregate(1, fl, 2), SVW_FAILED);
	cr_assert_eq(svwait_aggregate(1, fr, 2), SVW_REACHED);
	cr_assert_eq(svwait_aggregate(1, ff, 2), SVW_FAILED);
}

/* ---- /proc/locks ---- */

Test(proclocks, holder_lines)
{
	static const char l1[] = "1: FLOCK  ADVISORY  WRITE 21710 fe:00:10953314 0 EOF";
	static const char l2[] = "2: -> FLOCK  ADVISORY  WRITE 333 fe:00:10953314 0 EOF";
	static const char l3[] = "3: OFDLCK ADVISORY  WRITE -1 00:2e:18 0 EOF";
	static const char l4[] = "4: POSIX  ADVISORY  READ 9 08:01:77 128 128";
	static const char l5[] = "garbage";
	pid_t pid = 0;
	unsigned long ino = 0;

	cr_assert_eq(proclocks_line(l1, sizeof l1 - 1, &pid, &ino), 1);
	cr_assert_eq(pid, 21710);
	cr_assert_eq(ino, 10953314UL);
	cr_assert_eq(proclocks_line(l2, sizeof l2 - 1, &pid, &ino), 0);
	cr_assert_eq(proclocks_line(l3, sizeof l3 - 1, &pid, &ino), 0);
	cr_assert_eq(proclocks_line(l4, sizeof l4 - 1, &pid, &ino), 1);
	cr_assert_eq(pid, 9);
	cr_assert_eq(ino, 77UL);
	cr_assert_eq(proclocks_line(l5, sizeof l5 - 1, &pid, &ino), 0);
	cr_assert_eq(proclocks_line("", 0, &pid, &ino), 0);
}

Test(proclocks, fdinfo)
{
	static const char yes[] = "pos:\t0\nflags:\t02\nmnt_id:\t27\nino:\t5\n"
				  "lock:\t1: FLOCK  ADVISORY  WRITE 1 fe:00:5 0 EOF\n";
	static const char no[] = "pos:\t0\nflags:\t02\nmnt_id:\t27\nino:\t5\n";

	cr_assert_eq(proclocks_fdinfo_locked(yes, sizeof yes - 1), 1);
	cr_assert_eq(proclocks_fdinfo_locked(no, sizeof no - 1), 0);
}

Test(svlink_args, operands_and_timeout)
{
	char *a1[] = { "svlink", "d", NULL };
	char *a2[] = { "svlink", "-t", "2.5", "d", "s", NULL };
	char *a3[] = { "svlink", "-t0", "--", "-d", NULL };
	char *b1[] = { "svlink", NULL };
	char *b2[] = { "svlink", "a", "b", "c", NULL };
	char *b3[] = { "svlink", "-t", "x", "d", NULL };
	char *b4[] = { "svlink", "-u", "d", NULL };
	char *b5[] = { "svlink", "", NULL };
	char *b6[] = { "svlink", "-t", NULL };
	uint64_t t = 7;

	cr_assert_eq(svlink_parse_args(ARGC(a1), a1, &t), 1);
	cr_assert_eq(t, 7);
	cr_assert_eq(svlink_parse_args(ARGC(a2), a2, &t), 3);
	cr_assert_eq(t, 2500000000ULL);
	cr_assert_eq(svlink_parse_args(ARGC(a3), a3, &t), 3);
	cr_assert_eq(t, 0);
	cr_assert_eq(svlink_parse_args(ARGC(b1), b1, &t), -EINVAL);
	cr_assert_eq(svlink_parse_args(ARGC(b2), b2, &t), -EINVAL);
	cr_assert_eq(svlink_parse_args(ARGC(b3), b3, &t), -EINVAL);
	cr_assert_eq(svlink_parse_args(ARGC(b4), b4, &t), -EINVAL);
	cr_assert_eq(svlink_parse_args(ARGC(b5), b5, &t), -EINVAL);
	cr_assert_eq(svlink_parse_args(ARGC(b6), b6, &t), -EINVAL);
}

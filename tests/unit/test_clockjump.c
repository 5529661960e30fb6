/* SPDX-License-Identifier: ISC */
/* Clock jumps, through the state machine's injected clocks and the pure
 * svstat formatter, never by moving the machine's clock. Decisions follow
 * CLOCK_MONOTONIC; CLOCK_REALTIME only labels status and state, and svstat
 * subtracts a label from the wall clock, clamping to 0 (0.76's rule).
 * test_svfsm.c already covers: a realtime step back during a failure
 * (labels move, the backoff deadline does not), a monotonic clock going
 * back (a quick exit), a monotonic jump forward firing a backoff deadline,
 * and saturation at the end of time. This file adds the rest: steps of
 * the wall clock in both directions against every deadline kind, the
 * healthy rule, and what svstat prints after each. */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <criterion/criterion.h>

#include <dt/svfsm.h>
#include <dt/svstatfmt.h>
#include <dt/svstatus.h>

#define NS SVCONF_NS
#define T0 (1000 * NS)
#define REAL0 (1700000000ULL * NS)
#define DAY (86400 * NS)

/* Two clocks: the monotonic one and an offset the test moves. */
struct clocks {
	uint64_t mono;
	int64_t step; /* realtime = REAL0 + (mono - T0) + step */
};

static struct svfsm_event at(const struct clocks *c, enum svfsm_event_type type)
{
	struct svfsm_event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.mono_ns = c->mono;
	ev.real_ns = (uint64_t)((int64_t)(REAL0 + (c->mono - T0)) + c->step);
	return ev;
}

static unsigned step(struct svfsm *m, struct svfsm_event ev)
{
	struct svfsm_actions a;

	svfsm_step(m, &ev, &a);
	return a.flags;
}

/* svstat's text for the machine's status, at the wall clock's "now". */
static const char *svstat_now(const struct svfsm *m, const struct clocks *c)
{
	static char buf[128];
	struct svfsm_event ev = at(c, SVE_TIMER);
	struct svstatus st;

	svfsm_status(m, &st);
	cr_assert(svstat_fmt_076(&st, 1, TAI64_UNIX_OFFSET + ev.real_ns / NS, buf, sizeof buf) > 0);
	return buf;
}

/* Up since T0 with pid 100, defaults otherwise. */
static void up(struct svfsm *m, struct clocks *c)
{
	struct svfsm_event ev;

	c->mono = T0;
	c->step = 0;
	svfsm_init(m);
	ev = at(c, SVE_INIT);
	ev.normally_up = 1;
	step(m, ev);
	cr_assert(step(m, at(c, SVE_TIMER)) & SVA_SPAWN_RUN);
	ev = at(c, SVE_SPAWNED);
	ev.pid = 100;
	step(m, ev);
	cr_assert_eq(m->state, SVS_UP);
}

Test(clockjump, svstat_after_the_wall_clock_steps_back_says_0_seconds)
{
	struct svfsm m;
	struct clocks c;

	up(&m, &c);
	c.mono += 5 * NS;
	cr_assert_str_eq(svstat_now(&m, &c), "up (pid 100) 5 seconds");
	c.step = -(int64_t)(3600 * NS); /* an hour back: the stamp is in the future */
	cr_assert_str_eq(svstat_now(&m, &c), "up (pid 100) 0 seconds");
	c.step = -(int64_t)(5 * NS) - 1; /* just before the stamp */
	cr_assert_str_eq(svstat_now(&m, &c), "up (pid 100) 0 seconds");
	c.step = 0;
	cr_assert_str_eq(svstat_now(&m, &c), "up (pid 100) 5 seconds");
}

Test(clockjump, svstat_after_the_wall_clock_steps_forward_counts_it)
{
	struct svfsm m;
	struct clocks c;

	up(&m, &c);
	c.mono += 2 * NS;
	c.step = (int64_t)DAY;
	/* svstat only knows labels: a day more, as 0.76 would say */
	cr_assert_str_eq(svstat_now(&m, &c), "up (pid 100) 86402 seconds");
}

/* A run that lasted 2 s of monotonic time while the wall clock jumped a
 * day ahead is still a quick exit: the failure counts, backoff follows. */
Test(clockjump, healthy_rule_ignores_the_wall_clock)
{
	struct svfsm m;
	struct clocks c;
	struct svfsm_event ev;

	up(&m, &c);
	c.mono += 2 * NS;
	c.step = (int64_t)DAY;
	ev = at(&c, SVE_RUN_EXITED);
	ev.code = 1;
	step(&m, ev);
	step(&m, at(&c, SVE_FINISH_SKIPPED));
	cr_assert_eq(m.failures, 1);
	cr_assert_eq(m.state, SVS_BACKOFF);
	cr_assert_eq(svfsm_deadline(&m), c.mono + NS);
	/* the label of the next start follows the wall clock as it is now */
	cr_assert_eq(tai64n_unix_sec(&m.next_start), 1700000000 + 2 + 86400 + 1);
	/* and a run that lasted its 10 healthy seconds of monotonic time while
	 * the wall clock went back a day resets the count */
	cr_assert(step(&m, at(&(struct clocks){ c.mono + NS, c.step }, SVE_TIMER)) & SVA_SPAWN_RUN);
	c.mono += NS;
	ev = at(&c, SVE_SPAWNED);
	ev.pid = 101;
	step(&m, ev);
	c.mono += 10 * NS;
	c.step = -(int64_t)DAY;
	ev = at(&c, SVE_RUN_EXITED);
	ev.code = 1;
	step(&m, ev);
	cr_assert_eq(m.failures, 0);
	cr_assert(step(&m, at(&c, SVE_FINISH_SKIPPED)) & SVA_SPAWN_RUN);
}

/* Wall-clock steps either way never fire a deadline early or late: every
 * kind waits for its monotonic time. */
Test(clockjump, deadlines_wait_for_monotonic_time_whatever_the_wall_clock)
{
	static const int64_t steps[] = { 0, 3600 * (int64_t)NS, -3600 * (int64_t)NS,
					 (int64_t)DAY * 365, -(int64_t)(REAL0 / 2) };
	size_t i;

	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		struct svfsm m;
		struct clocks c;
		struct svfsm_actions a;
		struct svfsm_event ev;
		uint64_t kill_at, fin_at;

		/* timeout-kill */
		up(&m, &c);
		m.conf.has_timeout_kill = 1;
		m.conf.timeout_kill_ns = 3 * NS;
		ev = at(&c, SVE_CONTROL);
		ev.ctl = 'd';
		step(&m, ev);
		kill_at = svfsm_deadline(&m);
		cr_assert_eq(kill_at, T0 + 3 * NS);
		c.step = steps[i];
		c.mono = kill_at - 1;
		cr_assert_eq(step(&m, at(&c, SVE_TIMER)), 0, "step %zu", i);
		c.mono = kill_at;
		ev = at(&c, SVE_TIMER);
		svfsm_step(&m, &ev, &a);
		cr_assert_eq(a.flags, SVA_SIGNAL, "step %zu", i);
		cr_assert_eq(a.sig, SIGKILL);

		/* finish-timeout */
		ev = at(&c, SVE_RUN_EXITED);
		ev.sig = SIGKILL;
		ev.code = -1;
		step(&m, ev);
		ev = at(&c, SVE_FINISH_SPAWNED);
		ev.pid = 200;
		step(&m, ev);
		fin_at = svfsm_deadline(&m);
		cr_assert_eq(fin_at, c.mono + m.conf.finish_timeout_ns);
		c.step = -steps[i];
		c.mono = fin_at - 1;
		cr_assert_eq(step(&m, at(&c, SVE_TIMER)), 0, "step %zu", i);
		c.mono = fin_at;
		cr_assert_eq(step(&m, at(&c, SVE_TIMER)), SVA_KILL_FINISH, "step %zu", i);
	}
}

/* A monotonic jump forward (a suspend) while up changes nothing by
 * itself: no deadline is pending, the service stays up, and svstat
 * follows whatever the wall clock says. */
Test(clockjump, suspend_while_up_is_harmless)
{
	struct svfsm m;
	struct clocks c;

	up(&m, &c);
	c.mono += 7 * DAY;
	cr_assert_eq(step(&m, at(&c, SVE_TIMER)), 0);
	cr_assert_eq(m.state, SVS_UP);
	cr_assert_eq(m.pid, 100);
	cr_assert_str_eq(svstat_now(&m, &c), "up (pid 100) 604800 seconds");
}

/* The stamp of a down service, after the wall clock stepped back past it,
 * also prints 0 seconds, with 0.76's suffixes intact. */
Test(clockjump, down_service_stamp_in_the_future)
{
	struct svfsm m;
	struct clocks c = { T0, 0 };
	struct svfsm_event ev;
	struct svstatus st;
	char buf[128];

	svfsm_init(&m);
	ev = at(&c, SVE_INIT);
	ev.normally_up = 0;
	step(&m, ev);
	c.step = -(int64_t)(10 * NS);
	ev = at(&c, SVE_TIMER);
	svfsm_status(&m, &st);
	cr_assert(svstat_fmt_076(&st, 0, TAI64_UNIX_OFFSET + ev.real_ns / NS, buf, sizeof buf) > 0);
	cr_assert_str_eq(buf, "down 0 seconds");
}

/* The largest gap a real clock can show (a zeroed stamp, now near the end
 * of TAI64's range) converts without overflow, rounded like 0.76's double. */
Test(clockjump, largest_gaps)
{
	struct tai64n zero = { 0, 0 }, max = { UINT64_MAX, 0 };

	cr_assert_eq(svstat_seconds_076(&zero, (UINT64_C(1) << 63) - 1), UINT64_C(1) << 63);
	cr_assert_eq(svstat_seconds_076(&max, TAI64_UNIX_OFFSET), 0);
	cr_assert_eq(svstat_seconds_076(&zero, 0), 0);
}

/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include <dt/svdeps.h>

#define NEEDS SVDEPS_NEEDS
#define AFTER SVDEPS_AFTER

static const struct svdeps_obs ready = { 0, 1, 1, 'u', SVDEPS_ST_READY };
static const struct svdeps_obs up_noready = { 0, 1, 0, 'u', SVDEPS_ST_UP };
static const struct svdeps_obs down = { 0, 1, 0, 'u', SVDEPS_ST_DOWN };

static void build(struct svdeps *g, size_t n, const char *const *names,
		  const struct svdeps_spec *spec, size_t ns)
{
	cr_assert_eq(svdeps_build(g, n, names, NULL, spec, ns), 0);
}

static const char *gate(const struct svdeps *g, size_t i, const struct svdeps_obs *obs)
{
	static char buf[4096];

	cr_assert_geq(svdeps_gate_text(g, i, obs, buf, g->gate_max), 0);
	return buf;
}

/* "a -> b -> a" from cycle k. */
static const char *cycle(const struct svdeps *g, const char *const *names, size_t k)
{
	static char buf[65536];
	size_t j, len = 0;

	buf[0] = 0;
	for (j = g->coff[k]; j < g->coff[k + 1]; j++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
					j > g->coff[k] ? " -> " : "", names[g->cyc[j]]);
	return buf;
}

Test(svdeps, names)
{
	char long_name[300];

	cr_assert(svdeps_name_ok("db"));
	cr_assert(svdeps_name_ok("a b"));
	cr_assert_not(svdeps_name_ok(""));
	cr_assert_not(svdeps_name_ok("."));
	cr_assert_not(svdeps_name_ok(".."));
	cr_assert_not(svdeps_name_ok(".hidden"));
	cr_assert_not(svdeps_name_ok("a\nb"));
	memset(long_name, 'x', 255);
	long_name[255] = 0;
	cr_assert(svdeps_name_ok(long_name));
	long_name[255] = 'x';
	long_name[256] = 0;
	cr_assert_not(svdeps_name_ok(long_name));
}

Test(svdeps, chain_gate_follows_readiness)
{
	const char *names[] = { "web", "db" };
	struct svdeps_spec sp[] = { { 0, NEEDS, "db" } };
	struct svdeps_obs obs[2] = { down, { 0, 0, 1, 'u', SVDEPS_ST_DOWN } };
	struct svdeps g;
	size_t nd;

	build(&g, 2, names, sp, 1);
	cr_assert_str_eq(gate(&g, 0, obs), "db\n");
	cr_assert_str_eq(gate(&g, 1, obs), "");
	obs[1].running = 1;
	obs[1].st = SVDEPS_ST_STARTING;
	cr_assert_str_eq(gate(&g, 0, obs), "db\n");
	obs[1].st = SVDEPS_ST_UP; /* has a readiness method: up is not enough */
	cr_assert_str_eq(gate(&g, 0, obs), "db\n");
	obs[1].st = SVDEPS_ST_READY;
	cr_assert_str_eq(gate(&g, 0, obs), "");
	obs[1].has_ready = 0;
	obs[1].st = SVDEPS_ST_UP;
	cr_assert_str_eq(gate(&g, 0, obs), "");
	obs[1].running = 0; /* supervise gone: not satisfied */
	cr_assert_str_eq(gate(&g, 0, obs), "db\n");
	cr_assert_eq(*svdeps_dependents(&g, 1, &nd), 0);
	cr_assert_eq(nd, 1);
	svdeps_dependents(&g, 0, &nd);
	cr_assert_eq(nd, 0);
	cr_assert_eq(g.ncycles, 0);
	svdeps_free(&g);
}

Test(svdeps, diamond)
{
	const char *names[] = { "top", "left", "right", "base" };
	struct svdeps_spec sp[] = {
		{ 0, NEEDS, "left" }, { 0, NEEDS, "right" },
		{ 1, NEEDS, "base" }, { 2, NEEDS, "base" },
	};
	struct svdeps_obs obs[4] = { down, down, down, ready };
	unsigned char dn[4] = { 0, 0, 0, 0 };
	struct svdeps g;
	size_t nd;

	build(&g, 4, names, sp, 4);
	cr_assert_eq(g.ncycles, 0);
	cr_assert_str_eq(gate(&g, 0, obs), "left\nright\n");
	cr_assert_str_eq(gate(&g, 1, obs), "");
	obs[1] = up_noready;
	cr_assert_str_eq(gate(&g, 0, obs), "right\n");
	svdeps_dependents(&g, 3, &nd);
	cr_assert_eq(nd, 2);
	/* Shutdown: top first, then left and right, base last. */
	cr_assert(svdeps_may_stop(&g, 0, dn, NULL));
	cr_assert_not(svdeps_may_stop(&g, 1, dn, NULL));
	cr_assert_not(svdeps_may_stop(&g, 3, dn, NULL));
	dn[0] = 1;
	cr_assert(svdeps_may_stop(&g, 1, dn, NULL));
	cr_assert(svdeps_may_stop(&g, 2, dn, NULL));
	dn[1] = 1;
	cr_assert_not(svdeps_may_stop(&g, 3, dn, NULL));
	dn[2] = 1;
	cr_assert(svdeps_may_stop(&g, 3, dn, NULL));
	svdeps_free(&g);
}

Test(svdeps, removal_considers_only_the_removed)
{
	const char *names[] = { "web", "db" };
	struct svdeps_spec sp[] = { { 0, NEEDS, "db" } };
	unsigned char dn[2] = { 0, 0 }, removing[2] = { 0, 1 };
	struct svdeps g;

	build(&g, 2, names, sp, 1);
	cr_assert_not(svdeps_may_stop(&g, 1, dn, NULL));
	cr_assert(svdeps_may_stop(&g, 1, dn, removing));
	removing[0] = 1;
	cr_assert_not(svdeps_may_stop(&g, 1, dn, removing));
	svdeps_free(&g);
}

Test(svdeps, two_cycle_is_ignored_and_named_once)
{
	const char *names[] = { "b", "a", "c" };
	struct svdeps_spec sp[] = {
		{ 0, NEEDS, "a" }, { 1, AFTER, "b" }, { 2, NEEDS, "a" },
	};
	struct svdeps_obs obs[3] = { down, down, down };
	unsigned char dn[3] = { 0, 0, 0 };
	struct svdeps g;

	build(&g, 3, names, sp, 3);
	cr_assert_eq(g.ncycles, 1);
	cr_assert_str_eq(cycle(&g, names, 0), "a -> b -> a");
	cr_assert_str_eq(gate(&g, 0, obs), "");
	cr_assert_str_eq(gate(&g, 1, obs), "");
	cr_assert_str_eq(gate(&g, 2, obs), "a\n"); /* outside the cycle: kept */
	cr_assert(svdeps_may_stop(&g, 0, dn, NULL));
	cr_assert_not(svdeps_may_stop(&g, 1, dn, NULL));
	svdeps_free(&g);
}

Test(svdeps, self_need)
{
	const char *names[] = { "x", "y" };
	struct svdeps_spec sp[] = { { 0, NEEDS, "x" }, { 0, AFTER, "x" }, { 0, NEEDS, "y" } };
	struct svdeps_obs obs[2] = { down, down };
	struct svdeps g;

	build(&g, 2, names, sp, 3);
	cr_assert_eq(g.ncycles, 1);
	cr_assert_str_eq(cycle(&g, names, 0), "x -> x");
	cr_assert_str_eq(gate(&g, 0, obs), "y\n");
	svdeps_free(&g);
}

Test(svdeps, big_cycle_is_one_cycle)
{
	enum { N = 1000 };
	static char nm[N][8];
	static const char *names[N];
	static struct svdeps_spec sp[N];
	static struct svdeps_obs obs[N];
	static char want[N * 12];
	struct svdeps g;
	size_t i, len = 0;

	for (i = 0; i < N; i++) {
		snprintf(nm[i], sizeof nm[i], "s%03zu", i);
		names[i] = nm[i];
		sp[i].from = (uint32_t)i;
		sp[i].kind = i % 2 ? AFTER : NEEDS;
		sp[i].name = nm[(i + 1) % N];
		obs[i] = down;
	}
	build(&g, N, names, sp, N);
	cr_assert_eq(g.ncycles, 1);
	for (i = 0; i <= N; i++)
		len += (size_t)sprintf(want + len, "%s%s", i ? " -> " : "", nm[i % N]);
	cr_assert_str_eq(cycle(&g, names, 0), want);
	for (i = 0; i < N; i++)
		cr_assert_str_eq(gate(&g, i, obs), "");
	svdeps_free(&g);
}

Test(svdeps, long_chain_no_recursion)
{
	enum { N = 100000 };
	static char nm[N][8];
	static const char *names[N];
	static struct svdeps_spec sp[N - 1];
	struct svdeps g;
	size_t i;

	for (i = 0; i < N; i++) {
		snprintf(nm[i], sizeof nm[i], "%zu", i);
		names[i] = nm[i];
		if (i)
			sp[i - 1] = (struct svdeps_spec){ (uint32_t)i, NEEDS, nm[i - 1] };
	}
	build(&g, N, names, sp, N - 1);
	cr_assert_eq(g.ncycles, 0);
	for (i = 0; i < g.ne; i++)
		cr_assert_not(g.e[i].ignored);
	svdeps_free(&g);
}

Test(svdeps, missing_names)
{
	const char *names[] = { "web", NULL, "old" };
	unsigned char live[] = { 1, 0, 0 };
	struct svdeps_spec sp[] = { { 0, NEEDS, "db" }, { 0, AFTER, "cache" }, { 0, NEEDS, "old" } };
	struct svdeps_obs obs[3] = { down, down, { 1, 0, 0, 0, SVDEPS_ST_DOWN } };
	struct svdeps g;

	cr_assert_eq(svdeps_build(&g, 3, names, live, sp, 3), 0);
	cr_assert_eq(g.e[0].to, SVDEPS_NONE);
	cr_assert_eq(g.e[1].to, SVDEPS_NONE);
	cr_assert_eq(g.e[2].to, 2);
	/* needs/ waits for a missing one, after/ does not. */
	cr_assert_str_eq(gate(&g, 0, obs), "db\nold\n");
	svdeps_free(&g);
}

Test(svdeps, live_entry_wins_a_shared_name)
{
	const char *names[] = { "web", "db", "db" };
	unsigned char live[] = { 1, 0, 1 };
	struct svdeps_spec sp[] = { { 0, NEEDS, "db" } };
	struct svdeps g;

	cr_assert_eq(svdeps_build(&g, 3, names, live, sp, 1), 0);
	cr_assert_eq(g.e[0].to, 2);
	svdeps_free(&g);
}

Test(svdeps, after_rules_per_state)
{
	struct svdeps_obs o = { 0, 1, 0, 'u', SVDEPS_ST_DOWN };
	static const enum svdeps_st waits[] = { SVDEPS_ST_WAITING, SVDEPS_ST_STARTING };
	static const enum svdeps_st no[] = { SVDEPS_ST_DOWN, SVDEPS_ST_READY, SVDEPS_ST_STOPPING,
		SVDEPS_ST_FINISHING, SVDEPS_ST_BACKOFF, SVDEPS_ST_FAILED };
	size_t i;

	for (i = 0; i < sizeof waits / sizeof *waits; i++) {
		o.st = waits[i];
		cr_assert(svdeps_after_waits(&o), "state %d", (int)o.st);
		o.want = 'o';
		cr_assert(svdeps_after_waits(&o));
		o.want = 'd';
		cr_assert_not(svdeps_after_waits(&o));
		o.want = 'u';
		o.running = 0;
		cr_assert_not(svdeps_after_waits(&o));
		o.running = 1;
		o.absent = 1;
		cr_assert_not(svdeps_after_waits(&o));
		o.absent = 0;
	}
	for (i = 0; i < sizeof no / sizeof *no; i++) {
		o.st = no[i];
		o.has_ready = 1;
		cr_assert_not(svdeps_after_waits(&o), "state %d", (int)o.st);
		o.has_ready = 0;
		cr_assert_not(svdeps_after_waits(&o), "state %d", (int)o.st);
	}
	/* up: satisfied without a readiness method, still starting with one */
	o.st = SVDEPS_ST_UP;
	cr_assert_not(svdeps_after_waits(&o));
	o.has_ready = 1;
	cr_assert(svdeps_after_waits(&o));
}

Test(svdeps, need_and_after_on_one_name_once)
{
	const char *names[] = { "web", "db" };
	struct svdeps_spec sp[] = { { 0, NEEDS, "db" }, { 0, AFTER, "db" } };
	struct svdeps_obs obs[2] = { down, { 0, 1, 1, 'u', SVDEPS_ST_STARTING } };
	struct svdeps g;

	build(&g, 2, names, sp, 2);
	cr_assert_str_eq(gate(&g, 0, obs), "db\n");
	svdeps_free(&g);
}

Test(svdeps, gate_buffer_too_small)
{
	const char *names[] = { "web" };
	struct svdeps_spec sp[] = { { 0, NEEDS, "db" } };
	struct svdeps_obs obs[1] = { down };
	struct svdeps g;
	char buf[3];

	build(&g, 1, names, sp, 1);
	cr_assert_eq(svdeps_gate_text(&g, 0, obs, buf, sizeof buf), -ENOSPC);
	cr_assert_eq(g.gate_max, 4);
	svdeps_free(&g);
}

Test(svdeps, bad_spec)
{
	const char *names[] = { "web" };
	struct svdeps_spec sp[] = { { 1, NEEDS, "db" } };
	struct svdeps g;

	cr_assert_eq(svdeps_build(&g, 1, names, NULL, sp, 1), -EINVAL);
	cr_assert_eq(g.n, 0);
}

/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <criterion/criterion.h>

#include <dt/svfsm.h>
#include <dt/svstatus.h>

#define NS SVCONF_NS
#define T0 (1000 * NS)            /* monotonic "now" of every setup */
#define REAL0 (1700000000ULL * NS) /* realtime at T0 */

/* The injected clock: every event carries the time the test chooses. */
static struct svfsm_event at(enum svfsm_event_type type, uint64_t mono)
{
	struct svfsm_event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.mono_ns = mono;
	ev.real_ns = REAL0 + (mono - T0);
	return ev;
}

static unsigned step(struct svfsm *m, struct svfsm_event ev, struct svfsm_actions *a)
{
	svfsm_step(m, &ev, a);
	return a->flags;
}

static unsigned ctl(struct svfsm *m, unsigned char c, uint64_t mono, struct svfsm_actions *a)
{
	struct svfsm_event ev = at(SVE_CONTROL, mono);

	ev.ctl = c;
	return step(m, ev, a);
}

static unsigned spawned(struct svfsm *m, uint32_t pid, uint64_t mono)
{
	struct svfsm_actions a;
	struct svfsm_event ev = at(SVE_SPAWNED, mono);

	ev.pid = pid;
	return step(m, ev, &a);
}

static unsigned exited(struct svfsm *m, int code, int sig, uint64_t mono, struct svfsm_actions *a)
{
	struct svfsm_event ev = at(SVE_RUN_EXITED, mono);

	ev.code = code;
	ev.sig = sig;
	return step(m, ev, a);
}

/* ---- the states every table row starts from ------------------------------- */

enum setup { S_DOWN, S_PENDING, S_STARTING, S_UP, S_READY, S_STOPPING, S_FINISHING,
	     S_BACKOFF, S_STRAYS, S_FIN_CG, S_FIN_CLEAR, S_LEFTOVERS, S_FAILED, S_WAITING,
	     S_NSETUPS };

static const char *const setup_name[] = { "down", "pending", "starting", "up", "ready",
					  "stopping", "finishing", "backoff", "strays",
					  "finishing-in-cgroup", "clearing-after-finish",
					  "leftovers", "failed", "waiting" };

/* svscan's gate read: closed or open, as supervise posts it. */
static unsigned gate(struct svfsm *m, int closed, uint64_t mono, struct svfsm_actions *a)
{
	struct svfsm_event ev = at(SVE_GATE, mono);

	ev.gate_closed = closed;
	return step(m, ev, a);
}

/* Everything happens at T0 - 1 s or earlier, so rows fire events at T0. */
static void setup(struct svfsm *m, enum setup s)
{
	struct svfsm_actions a;
	struct svfsm_event ev;
	uint64_t t = T0 - NS;

	svfsm_init(m);
	if (s == S_WAITING) {
		/* supervise reads the gate before SVE_INIT: the first start
		 * finds it closed */
		gate(m, 1, t, &a);
		ev = at(SVE_INIT, t);
		ev.normally_up = 1;
		step(m, ev, &a);
		step(m, at(SVE_TIMER, t), &a);
		cr_assert_eq(a.flags, SVA_ANNOUNCE);
		return;
	}
	ev = at(SVE_INIT, t);
	ev.normally_up = s != S_DOWN;
	if (s == S_PENDING)
		ev = at(SVE_INIT, T0);
	ev.normally_up = s != S_DOWN;
	if (s == S_LEFTOVERS) {
		m->cgroup = 1;
		ev.leftovers = 1;
	}
	step(m, ev, &a);
	if (s == S_DOWN || s == S_PENDING || s == S_LEFTOVERS)
		return;
	m->wait_ready = s == S_STARTING || s == S_READY;
	m->cgroup = s >= S_STRAYS && s <= S_FIN_CLEAR;
	m->conf.give_up = s == S_FAILED;
	step(m, at(SVE_TIMER, t), &a);
	cr_assert(a.flags & SVA_SPAWN_RUN);
	spawned(m, 100, t - NS / 2);
	if (s == S_READY)
		step(m, at(SVE_READY, t), &a);
	if (s == S_STOPPING)
		ctl(m, 'd', t, &a);
	if (s >= S_FINISHING) {
		exited(m, 1, 0, t, &a); /* lasted 0.5 s: failure 1 */
		if (s == S_FINISHING) {
			ev = at(SVE_FINISH_SPAWNED, t);
			ev.pid = 200;
			step(m, ev, &a);
		}
		if (s == S_BACKOFF || s == S_FAILED)
			step(m, at(SVE_FINISH_SKIPPED, T0 - NS / 2), &a);
		if (s == S_FIN_CG || s == S_FIN_CLEAR) {
			step(m, at(SVE_STRAYS_GONE, t), &a);
			cr_assert(a.flags & SVA_SPAWN_FINISH);
			ev = at(SVE_FINISH_SPAWNED, t);
			ev.pid = 200;
			step(m, ev, &a);
		}
		if (s == S_FIN_CLEAR) {
			step(m, at(SVE_FINISH_EXITED, t), &a);
			cr_assert_eq(a.flags, SVA_STRAYS_TERM);
		}
	}
}

static const enum svstate_state setup_state[] = {
	SVS_DOWN, SVS_DOWN, SVS_STARTING, SVS_UP, SVS_READY, SVS_STOPPING, SVS_FINISHING,
	SVS_BACKOFF, SVS_STOPPING, SVS_FINISHING, SVS_FINISHING, SVS_STOPPING, SVS_FAILED,
	SVS_WAITING,
};

Test(svfsm, setups_reach_their_states)
{
	struct svfsm m;
	int s;

	for (s = 0; s < S_NSETUPS; s++) {
		setup(&m, (enum setup)s);
		cr_assert_eq(m.state, setup_state[s], "%s", setup_name[s]);
	}
	setup(&m, S_BACKOFF);
	cr_assert_eq(m.failures, 1);
	cr_assert_eq(m.deadline_kind, SVD_START);
	cr_assert_eq(svfsm_deadline(&m), T0 + NS / 2);
}

/* ---- the table: every setup against every kind of event ------------------- */

enum evk { E_U, E_O, E_D, E_X, E_P, E_C, E_T, E_K, E_A, E_JUNK, E_SPAWNED, E_RUN_BAD,
	   E_SPAWN_FAILED, E_RUN_EXITED, E_FIN_SPAWNED, E_FIN_SKIPPED, E_FIN_EXITED,
	   E_TIMER_DUE, E_TIMER_EARLY, E_TERM, E_READY, E_STRAYS_GONE, E_ADOPTED,
	   E_GATE_CLOSED, E_GATE_OPEN, E_NKINDS };

static struct svfsm_event make(enum evk k, const struct svfsm *m)
{
	static const unsigned char letters[] = "uodxpctka\xff";
	struct svfsm_event ev = at(SVE_CONTROL, T0);

	if (k <= E_JUNK) {
		ev.ctl = letters[k];
		return ev;
	}
	switch (k) {
	case E_SPAWNED: ev = at(SVE_SPAWNED, T0); ev.pid = 300; break;
	case E_RUN_BAD: ev = at(SVE_RUN_BAD, T0); break;
	case E_SPAWN_FAILED: ev = at(SVE_SPAWN_FAILED, T0); break;
	case E_RUN_EXITED: ev = at(SVE_RUN_EXITED, T0); ev.code = 0; break;
	case E_FIN_SPAWNED: ev = at(SVE_FINISH_SPAWNED, T0); ev.pid = 400; break;
	case E_FIN_SKIPPED: ev = at(SVE_FINISH_SKIPPED, T0); break;
	case E_FIN_EXITED: ev = at(SVE_FINISH_EXITED, T0); break;
	case E_TIMER_DUE:
		ev = at(SVE_TIMER, m->deadline_ns ? m->deadline_ns : T0);
		break;
	case E_TIMER_EARLY:
		ev = at(SVE_TIMER, m->deadline_ns ? m->deadline_ns - 1 : T0);
		break;
	case E_TERM: ev = at(SVE_TERM, T0); break;
	case E_READY: ev = at(SVE_READY, T0); break;
	case E_STRAYS_GONE: ev = at(SVE_STRAYS_GONE, T0); break;
	case E_ADOPTED: ev = at(SVE_ADOPTED, T0); ev.pid = 500; ev.want = 'u'; break;
	case E_GATE_CLOSED: ev = at(SVE_GATE, T0); ev.gate_closed = 1; break;
	case E_GATE_OPEN: ev = at(SVE_GATE, T0); break;
	default: break;
	}
	return ev;
}

struct row {
	enum setup s;
	enum evk e;
	unsigned flags;
	int sig;
	enum svstate_state state;
	enum svfsm_deadline dl;
};

#define A SVA_ANNOUNCE
#define SIG SVA_SIGNAL
#define RUN SVA_SPAWN_RUN
#define FIN SVA_SPAWN_FINISH

/* Rows not listed for a setup expect: no action, state and deadline
 * unchanged (the event is meaningless there and must be ignored). So the
 * gate closing or opening anywhere but in `waiting` changes nothing now:
 * a gate never stops a running service, and holds only starts. */
static const struct row rows[] = {
	/* down (want down, nothing running) */
	{ S_DOWN, E_U, RUN | A, 0, SVS_DOWN, SVD_NONE },
	{ S_DOWN, E_O, RUN | A, 0, SVS_DOWN, SVD_NONE },
	{ S_DOWN, E_D, A, 0, SVS_DOWN, SVD_NONE },
	{ S_DOWN, E_X, A | SVA_EXIT, 0, SVS_DOWN, SVD_NONE },
	{ S_DOWN, E_P, A, 0, SVS_DOWN, SVD_NONE },
	{ S_DOWN, E_C, A, 0, SVS_DOWN, SVD_NONE },
	{ S_DOWN, E_TERM, A | SVA_EXIT, 0, SVS_DOWN, SVD_NONE },
	{ S_DOWN, E_ADOPTED, A, 0, SVS_UP, SVD_NONE },
	/* pending: no down file, first start due */
	{ S_PENDING, E_U, RUN | A, 0, SVS_DOWN, SVD_NONE },
	{ S_PENDING, E_O, RUN | A, 0, SVS_DOWN, SVD_NONE },
	{ S_PENDING, E_D, A, 0, SVS_DOWN, SVD_NONE },
	{ S_PENDING, E_X, A | SVA_EXIT, 0, SVS_DOWN, SVD_NONE },
	{ S_PENDING, E_P, A, 0, SVS_DOWN, SVD_START },
	{ S_PENDING, E_C, A, 0, SVS_DOWN, SVD_START },
	{ S_PENDING, E_TIMER_DUE, RUN, 0, SVS_DOWN, SVD_NONE },
	{ S_PENDING, E_TERM, A | SVA_EXIT, 0, SVS_DOWN, SVD_NONE },
	{ S_PENDING, E_ADOPTED, A, 0, SVS_UP, SVD_NONE },
	/* starting (readiness configured) */
	{ S_STARTING, E_U, A, 0, SVS_STARTING, SVD_NONE },
	{ S_STARTING, E_O, A, 0, SVS_STARTING, SVD_NONE },
	{ S_STARTING, E_D, SIG | SVA_CONT | A, SIGTERM, SVS_STOPPING, SVD_NONE },
	{ S_STARTING, E_X, A, 0, SVS_STARTING, SVD_NONE },
	{ S_STARTING, E_P, SIG | A, SIGSTOP, SVS_STARTING, SVD_NONE },
	{ S_STARTING, E_C, SIG | A, SIGCONT, SVS_STARTING, SVD_NONE },
	{ S_STARTING, E_T, SIG, SIGTERM, SVS_STARTING, SVD_NONE },
	{ S_STARTING, E_K, SIG, SIGKILL, SVS_STARTING, SVD_NONE },
	{ S_STARTING, E_A, SIG, SIGALRM, SVS_STARTING, SVD_NONE },
	{ S_STARTING, E_RUN_EXITED, FIN | A, 0, SVS_FINISHING, SVD_NONE },
	{ S_STARTING, E_TERM, SIG | SVA_CONT | A, SIGTERM, SVS_STOPPING, SVD_NONE },
	{ S_STARTING, E_READY, A, 0, SVS_READY, SVD_NONE },
	/* up */
	{ S_UP, E_U, A, 0, SVS_UP, SVD_NONE },
	{ S_UP, E_O, A, 0, SVS_UP, SVD_NONE },
	{ S_UP, E_D, SIG | SVA_CONT | A, SIGTERM, SVS_STOPPING, SVD_NONE },
	{ S_UP, E_X, A, 0, SVS_UP, SVD_NONE },
	{ S_UP, E_P, SIG | A, SIGSTOP, SVS_UP, SVD_NONE },
	{ S_UP, E_C, SIG | A, SIGCONT, SVS_UP, SVD_NONE },
	{ S_UP, E_T, SIG, SIGTERM, SVS_UP, SVD_NONE },
	{ S_UP, E_K, SIG, SIGKILL, SVS_UP, SVD_NONE },
	{ S_UP, E_A, SIG, SIGALRM, SVS_UP, SVD_NONE },
	{ S_UP, E_RUN_EXITED, FIN | A, 0, SVS_FINISHING, SVD_NONE },
	{ S_UP, E_TERM, SIG | SVA_CONT | A, SIGTERM, SVS_STOPPING, SVD_NONE },
	{ S_UP, E_READY, A, 0, SVS_READY, SVD_NONE },
	/* ready */
	{ S_READY, E_U, A, 0, SVS_READY, SVD_NONE },
	{ S_READY, E_O, A, 0, SVS_READY, SVD_NONE },
	{ S_READY, E_D, SIG | SVA_CONT | A, SIGTERM, SVS_STOPPING, SVD_NONE },
	{ S_READY, E_X, A, 0, SVS_READY, SVD_NONE },
	{ S_READY, E_P, SIG | A, SIGSTOP, SVS_READY, SVD_NONE },
	{ S_READY, E_C, SIG | A, SIGCONT, SVS_READY, SVD_NONE },
	{ S_READY, E_T, SIG, SIGTERM, SVS_READY, SVD_NONE },
	{ S_READY, E_K, SIG, SIGKILL, SVS_READY, SVD_NONE },
	{ S_READY, E_A, SIG, SIGALRM, SVS_READY, SVD_NONE },
	{ S_READY, E_RUN_EXITED, FIN | A, 0, SVS_FINISHING, SVD_NONE },
	{ S_READY, E_TERM, SIG | SVA_CONT | A, SIGTERM, SVS_STOPPING, SVD_NONE },
	/* stopping: TERM sent after svc -d, main process still there */
	{ S_STOPPING, E_U, A, 0, SVS_STOPPING, SVD_NONE },
	{ S_STOPPING, E_O, A, 0, SVS_STOPPING, SVD_NONE },
	{ S_STOPPING, E_D, SIG | SVA_CONT | A, SIGTERM, SVS_STOPPING, SVD_NONE },
	{ S_STOPPING, E_X, A, 0, SVS_STOPPING, SVD_NONE },
	{ S_STOPPING, E_P, SIG | A, SIGSTOP, SVS_STOPPING, SVD_NONE },
	{ S_STOPPING, E_C, SIG | A, SIGCONT, SVS_STOPPING, SVD_NONE },
	{ S_STOPPING, E_T, SIG, SIGTERM, SVS_STOPPING, SVD_NONE },
	{ S_STOPPING, E_K, SIG, SIGKILL, SVS_STOPPING, SVD_NONE },
	{ S_STOPPING, E_A, SIG, SIGALRM, SVS_STOPPING, SVD_NONE },
	{ S_STOPPING, E_RUN_EXITED, FIN | A, 0, SVS_FINISHING, SVD_NONE },
	{ S_STOPPING, E_TERM, SIG | SVA_CONT | A, SIGTERM, SVS_STOPPING, SVD_NONE },
	/* finishing: finish (pid 200) runs with its 5 s bound */
	{ S_FINISHING, E_U, A, 0, SVS_FINISHING, SVD_FINISH },
	{ S_FINISHING, E_O, A, 0, SVS_FINISHING, SVD_FINISH },
	{ S_FINISHING, E_D, A, 0, SVS_FINISHING, SVD_FINISH },
	{ S_FINISHING, E_X, A, 0, SVS_FINISHING, SVD_FINISH },
	{ S_FINISHING, E_P, A, 0, SVS_FINISHING, SVD_FINISH },
	{ S_FINISHING, E_C, A, 0, SVS_FINISHING, SVD_FINISH },
	{ S_FINISHING, E_FIN_EXITED, A, 0, SVS_BACKOFF, SVD_START },
	{ S_FINISHING, E_TIMER_DUE, SVA_KILL_FINISH, 0, SVS_FINISHING, SVD_NONE },
	{ S_FINISHING, E_TERM, A, 0, SVS_FINISHING, SVD_FINISH },
	/* backoff after a failure */
	{ S_BACKOFF, E_U, RUN | A, 0, SVS_BACKOFF, SVD_NONE },
	{ S_BACKOFF, E_O, RUN | A, 0, SVS_BACKOFF, SVD_NONE },
	{ S_BACKOFF, E_D, A, 0, SVS_DOWN, SVD_NONE },
	{ S_BACKOFF, E_X, A | SVA_EXIT, 0, SVS_DOWN, SVD_NONE },
	{ S_BACKOFF, E_P, A, 0, SVS_BACKOFF, SVD_START },
	{ S_BACKOFF, E_C, A, 0, SVS_BACKOFF, SVD_START },
	{ S_BACKOFF, E_TIMER_DUE, RUN, 0, SVS_BACKOFF, SVD_NONE },
	{ S_BACKOFF, E_TERM, A | SVA_EXIT, 0, SVS_DOWN, SVD_NONE },
	/* strays: main process gone, cgroup being cleared (hook) */
	{ S_STRAYS, E_U, A, 0, SVS_STOPPING, SVD_STRAYS },
	{ S_STRAYS, E_O, A, 0, SVS_STOPPING, SVD_STRAYS },
	{ S_STRAYS, E_D, A, 0, SVS_STOPPING, SVD_STRAYS },
	{ S_STRAYS, E_X, A, 0, SVS_STOPPING, SVD_STRAYS },
	{ S_STRAYS, E_P, A, 0, SVS_STOPPING, SVD_STRAYS },
	{ S_STRAYS, E_C, A, 0, SVS_STOPPING, SVD_STRAYS },
	{ S_STRAYS, E_TIMER_DUE, SVA_STRAYS_KILL, 0, SVS_STOPPING, SVD_STRAYS },
	{ S_STRAYS, E_TERM, A, 0, SVS_STOPPING, SVD_STRAYS },
	{ S_STRAYS, E_STRAYS_GONE, FIN | A, 0, SVS_FINISHING, SVD_NONE },
	/* finishing in a cgroup: finish's own leftovers are cleared after it */
	{ S_FIN_CG, E_U, A, 0, SVS_FINISHING, SVD_FINISH },
	{ S_FIN_CG, E_O, A, 0, SVS_FINISHING, SVD_FINISH },
	{ S_FIN_CG, E_D, A, 0, SVS_FINISHING, SVD_FINISH },
	{ S_FIN_CG, E_X, A, 0, SVS_FINISHING, SVD_FINISH },
	{ S_FIN_CG, E_P, A, 0, SVS_FINISHING, SVD_FINISH },
	{ S_FIN_CG, E_C, A, 0, SVS_FINISHING, SVD_FINISH },
	{ S_FIN_CG, E_FIN_EXITED, SVA_STRAYS_TERM, 0, SVS_FINISHING, SVD_STRAYS },
	{ S_FIN_CG, E_TIMER_DUE, SVA_KILL_FINISH, 0, SVS_FINISHING, SVD_NONE },
	{ S_FIN_CG, E_TERM, A, 0, SVS_FINISHING, SVD_FINISH },
	/* finish has ended, its leftovers are being cleared: no start yet */
	{ S_FIN_CLEAR, E_U, A, 0, SVS_FINISHING, SVD_STRAYS },
	{ S_FIN_CLEAR, E_O, A, 0, SVS_FINISHING, SVD_STRAYS },
	{ S_FIN_CLEAR, E_D, A, 0, SVS_FINISHING, SVD_STRAYS },
	{ S_FIN_CLEAR, E_X, A, 0, SVS_FINISHING, SVD_STRAYS },
	{ S_FIN_CLEAR, E_P, A, 0, SVS_FINISHING, SVD_STRAYS },
	{ S_FIN_CLEAR, E_C, A, 0, SVS_FINISHING, SVD_STRAYS },
	{ S_FIN_CLEAR, E_TIMER_DUE, SVA_STRAYS_KILL, 0, SVS_FINISHING, SVD_STRAYS },
	{ S_FIN_CLEAR, E_TERM, A, 0, SVS_FINISHING, SVD_STRAYS },
	{ S_FIN_CLEAR, E_STRAYS_GONE, A, 0, SVS_BACKOFF, SVD_START },
	/* a predecessor's processes that could not be adopted: cleared first */
	{ S_LEFTOVERS, E_U, A, 0, SVS_STOPPING, SVD_STRAYS },
	{ S_LEFTOVERS, E_O, A, 0, SVS_STOPPING, SVD_STRAYS },
	{ S_LEFTOVERS, E_D, A, 0, SVS_STOPPING, SVD_STRAYS },
	{ S_LEFTOVERS, E_X, A, 0, SVS_STOPPING, SVD_STRAYS },
	{ S_LEFTOVERS, E_P, A, 0, SVS_STOPPING, SVD_STRAYS },
	{ S_LEFTOVERS, E_C, A, 0, SVS_STOPPING, SVD_STRAYS },
	{ S_LEFTOVERS, E_TIMER_DUE, SVA_STRAYS_KILL, 0, SVS_STOPPING, SVD_STRAYS },
	{ S_LEFTOVERS, E_TERM, A, 0, SVS_STOPPING, SVD_STRAYS },
	{ S_LEFTOVERS, E_STRAYS_GONE, RUN, 0, SVS_STOPPING, SVD_NONE },
	/* failed: gave up after the first failure (give-up 1); nothing runs,
	 * nothing is due; only a manual start starts it */
	{ S_FAILED, E_U, RUN | A, 0, SVS_FAILED, SVD_NONE },
	{ S_FAILED, E_O, RUN | A, 0, SVS_FAILED, SVD_NONE },
	{ S_FAILED, E_D, A, 0, SVS_FAILED, SVD_NONE },
	{ S_FAILED, E_X, A | SVA_EXIT, 0, SVS_DOWN, SVD_NONE },
	{ S_FAILED, E_P, A, 0, SVS_FAILED, SVD_NONE },
	{ S_FAILED, E_C, A, 0, SVS_FAILED, SVD_NONE },
	{ S_FAILED, E_TERM, A | SVA_EXIT, 0, SVS_DOWN, SVD_NONE },
	/* waiting: the first start found svscan's gate closed; svc -u/-o
	 * find it closed again, -d/-x/TERM as from down, nothing to signal */
	{ S_WAITING, E_U, A, 0, SVS_WAITING, SVD_NONE },
	{ S_WAITING, E_O, A, 0, SVS_WAITING, SVD_NONE },
	{ S_WAITING, E_D, A, 0, SVS_DOWN, SVD_NONE },
	{ S_WAITING, E_X, A | SVA_EXIT, 0, SVS_DOWN, SVD_NONE },
	{ S_WAITING, E_P, A, 0, SVS_WAITING, SVD_NONE },
	{ S_WAITING, E_C, A, 0, SVS_WAITING, SVD_NONE },
	{ S_WAITING, E_TERM, A | SVA_EXIT, 0, SVS_DOWN, SVD_NONE },
	{ S_WAITING, E_GATE_CLOSED, A, 0, SVS_WAITING, SVD_NONE }, /* new names */
	{ S_WAITING, E_GATE_OPEN, RUN | A, 0, SVS_WAITING, SVD_NONE },
};

static const struct row *find(enum setup s, enum evk e)
{
	size_t i;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
		if (rows[i].s == s && rows[i].e == e)
			return &rows[i];
	return NULL;
}

Test(svfsm, every_state_times_every_event)
{
	struct svfsm m;
	struct svfsm_actions a;
	int s, e;

	for (s = 0; s < S_NSETUPS; s++) {
		for (e = 0; e < E_NKINDS; e++) {
			const struct row *r = find((enum setup)s, (enum evk)e);
			struct svfsm_event ev;
			enum svstate_state st0;
			enum svfsm_deadline dl0;
			uint32_t pid0;

			setup(&m, (enum setup)s);
			st0 = m.state;
			dl0 = m.deadline_kind;
			pid0 = m.pid;
			ev = make((enum evk)e, &m);
			svfsm_step(&m, &ev, &a);
			if (!r) {
				cr_assert_eq(a.flags, 0, "%s x %d: flags %#x", setup_name[s], e,
					     a.flags);
				cr_assert_eq(m.state, st0, "%s x %d: state", setup_name[s], e);
				cr_assert_eq(m.deadline_kind, dl0, "%s x %d: deadline",
					     setup_name[s], e);
				cr_assert_eq(m.pid, pid0, "%s x %d: pid", setup_name[s], e);
				continue;
			}
			cr_assert_eq(a.flags, r->flags, "%s x %d: flags %#x, wanted %#x",
				     setup_name[s], e, a.flags, r->flags);
			if (r->flags & SVA_SIGNAL)
				cr_assert_eq(a.sig, r->sig, "%s x %d: signal %d", setup_name[s], e,
					     a.sig);
			cr_assert_eq(m.state, r->state, "%s x %d: state %s", setup_name[s], e,
				     svstate_name(m.state));
			cr_assert_eq(m.deadline_kind, r->dl, "%s x %d: deadline %d",
				     setup_name[s], e, m.deadline_kind);
			/* Invariants: signals only with a main process, exit only without. */
			if (a.flags & SVA_SIGNAL)
				cr_assert_neq(pid0, 0);
			if (a.flags & SVA_EXIT)
				cr_assert_eq(m.pid, 0);
		}
	}
}

Test(svfsm, new_letters_send_their_signals)
{
	static const struct {
		unsigned char c;
		int sig;
	} t[] = { { 'a', SIGALRM }, { 'h', SIGHUP }, { 'i', SIGINT }, { 't', SIGTERM },
		  { 'k', SIGKILL }, { '1', SIGUSR1 }, { '2', SIGUSR2 }, { 'q', SIGQUIT },
		  { 'w', SIGWINCH } };
	struct svfsm m;
	struct svfsm_actions a;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		cr_assert_eq(svfsm_ctl_signal(t[i].c), t[i].sig);
		setup(&m, S_UP);
		cr_assert_eq(ctl(&m, t[i].c, T0, &a), SVA_SIGNAL);
		cr_assert_eq(a.sig, t[i].sig);
		setup(&m, S_DOWN);
		cr_assert_eq(ctl(&m, t[i].c, T0, &a), 0);
	}
}

Test(svfsm, every_other_byte_is_ignored)
{
	struct svfsm m, before;
	struct svfsm_actions a;
	int c;

	for (c = 0; c < 256; c++) {
		if (strchr("uodxpcahitk12qw", c) && c)
			continue;
		setup(&m, S_UP);
		before = m;
		cr_assert_eq(ctl(&m, (unsigned char)c, T0, &a), 0, "byte %d", c);
		cr_assert_eq(memcmp(&m, &before, sizeof m), 0, "byte %d changed the state", c);
	}
}

/* ---- scenarios ------------------------------------------------------------- */

/* From up at `t`: the run exits at t + lasted, no finish; returns the
 * restart deadline (0 if it restarted at once) and leaves it up again. */
static uint64_t crash_after(struct svfsm *m, uint64_t *t, uint64_t lasted)
{
	struct svfsm_actions a;
	uint64_t dl;

	*t += lasted;
	exited(m, 1, 0, *t, &a);
	cr_assert(a.flags & SVA_SPAWN_FINISH);
	step(m, at(SVE_FINISH_SKIPPED, *t), &a);
	if (a.flags & SVA_SPAWN_RUN) {
		spawned(m, 500, *t);
		return 0;
	}
	cr_assert_eq(m->state, SVS_BACKOFF);
	dl = svfsm_deadline(m);
	step(m, at(SVE_TIMER, dl), &a);
	cr_assert_eq(a.flags, SVA_SPAWN_RUN);
	*t = dl;
	spawned(m, 500, *t);
	return dl;
}

Test(svfsm, backoff_doubles_to_max_and_healthy_run_resets)
{
	struct svfsm m;
	uint64_t t = T0;
	static const uint64_t want[] = { 1, 2, 4, 8, 16, 32, 60, 60 };
	size_t i;

	setup(&m, S_UP);
	spawned(&m, 100, t); /* ignored: not spawning */
	m.started_ns = t;
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		uint64_t exit_at = t + NS / 10;
		uint64_t dl = crash_after(&m, &t, NS / 10);

		cr_assert_eq(dl - exit_at, want[i] * NS, "failure %zu", i + 1);
		cr_assert_eq(m.failures, i + 1);
	}
	/* Up 10 s (HEALTHY): at once, and k back to 0. */
	cr_assert_eq(crash_after(&m, &t, 10 * NS), 0);
	cr_assert_eq(m.failures, 0);
	cr_assert_eq(crash_after(&m, &t, NS) - t, 0);
	cr_assert_eq(m.failures, 1);
}

Test(svfsm, small_min_from_the_backoff_file)
{
	struct svfsm m;
	uint64_t t = T0, exit_at;

	setup(&m, S_UP);
	m.conf.backoff_min_ns = NS / 10;
	m.conf.backoff_max_ns = NS / 4;
	m.conf.healthy_ns = NS / 2;
	m.started_ns = t;
	exit_at = t + 1;
	cr_assert_eq(crash_after(&m, &t, 1) - exit_at, NS / 10);
	exit_at = t + 1;
	cr_assert_eq(crash_after(&m, &t, 1) - exit_at, NS / 5);
	exit_at = t + 1;
	cr_assert_eq(crash_after(&m, &t, 1) - exit_at, NS / 4);
	cr_assert_eq(crash_after(&m, &t, NS / 2), 0);
}

Test(svfsm, exits_after_d_t_k_are_not_failures)
{
	struct svfsm m;
	struct svfsm_actions a;
	const char *c;

	for (c = "tk"; *c; c++) {
		setup(&m, S_UP);
		ctl(&m, (unsigned char)*c, T0, &a);
		exited(&m, 0, *c == 't' ? SIGTERM : SIGKILL, T0, &a);
		step(&m, at(SVE_FINISH_SKIPPED, T0), &a);
		cr_assert_eq(a.flags, SVA_SPAWN_RUN, "-%c restarts at once", *c);
		cr_assert_eq(m.failures, 0);
	}
	setup(&m, S_UP);
	ctl(&m, 'd', T0, &a);
	exited(&m, 0, SIGTERM, T0, &a);
	step(&m, at(SVE_FINISH_SKIPPED, T0), &a);
	cr_assert_eq(a.flags, SVA_ANNOUNCE);
	cr_assert_eq(m.state, SVS_DOWN);
	cr_assert_eq(m.failures, 0);
	/* An 'h' is not a stop request: the quick exit counts. */
	setup(&m, S_UP);
	ctl(&m, 'h', T0, &a);
	exited(&m, 0, SIGHUP, T0, &a);
	step(&m, at(SVE_FINISH_SKIPPED, T0), &a);
	cr_assert_eq(m.state, SVS_BACKOFF);
	cr_assert_eq(m.failures, 1);
}

Test(svfsm, up_during_delay_starts_at_once_and_keeps_k)
{
	struct svfsm m;
	struct svfsm_actions a;

	setup(&m, S_BACKOFF);
	cr_assert_eq(ctl(&m, 'u', T0, &a), SVA_SPAWN_RUN | SVA_ANNOUNCE);
	cr_assert_eq(svfsm_deadline(&m), 0);
	spawned(&m, 600, T0);
	cr_assert_eq(m.state, SVS_UP);
	cr_assert_eq(m.pid, 600);
	cr_assert_eq(m.failures, 1);
	cr_assert_eq(m.has_next_start, 0);
}

Test(svfsm, up_while_finishing_skips_the_delay)
{
	struct svfsm m;
	struct svfsm_actions a;

	setup(&m, S_FINISHING);
	ctl(&m, 'u', T0, &a);
	step(&m, at(SVE_FINISH_EXITED, T0), &a);
	cr_assert_eq(a.flags, SVA_SPAWN_RUN);
	setup(&m, S_FINISHING);
	ctl(&m, 'u', T0, &a);
	ctl(&m, 'd', T0, &a); /* d cancels the pending u */
	step(&m, at(SVE_FINISH_EXITED, T0), &a);
	cr_assert_eq(m.state, SVS_DOWN);
	cr_assert_eq(a.flags, SVA_ANNOUNCE);
}

Test(svfsm, bad_run_retried_every_second_not_counted)
{
	struct svfsm m;
	struct svfsm_actions a;
	int i;

	setup(&m, S_PENDING);
	for (i = 0; i < 5; i++) {
		uint64_t now = T0 + (uint64_t)i * NS;

		step(&m, at(SVE_TIMER, now), &a);
		cr_assert_eq(a.flags, SVA_SPAWN_RUN);
		step(&m, at(SVE_RUN_BAD, now), &a);
		cr_assert_eq(m.state, SVS_BACKOFF);
		cr_assert_eq(svfsm_deadline(&m), now + NS);
		cr_assert_eq(m.failures, 0);
		cr_assert(m.has_next_start);
		cr_assert_eq(tai64n_unix_sec(&m.next_start), 1700000000 + i + 1);
	}
}

Test(svfsm, spawn_failure_is_a_failure)
{
	struct svfsm m;
	struct svfsm_actions a;

	setup(&m, S_PENDING);
	step(&m, at(SVE_TIMER, T0), &a);
	step(&m, at(SVE_SPAWN_FAILED, T0), &a);
	cr_assert_eq(m.failures, 1);
	cr_assert_eq(svfsm_deadline(&m), T0 + NS);
	step(&m, at(SVE_TIMER, T0 + NS), &a);
	step(&m, at(SVE_SPAWN_FAILED, T0 + NS), &a);
	cr_assert_eq(svfsm_deadline(&m), T0 + 3 * NS);
}

/* starts= counts the runs that really started: not a missing run, not a
 * failed fork, not a report nobody asked for, not an adopted process. */
Test(svfsm, starts_counts_each_run_started)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svstate ss;
	struct svfsm_event ev;

	setup(&m, S_PENDING);
	cr_assert_eq(m.starts, 0);
	step(&m, at(SVE_TIMER, T0), &a);
	step(&m, at(SVE_RUN_BAD, T0), &a);
	step(&m, at(SVE_TIMER, T0 + NS), &a);
	step(&m, at(SVE_SPAWN_FAILED, T0 + NS), &a);
	cr_assert_eq(m.starts, 0);
	step(&m, at(SVE_TIMER, T0 + 3 * NS), &a);
	cr_assert_eq(a.flags, SVA_SPAWN_RUN);
	spawned(&m, 100, T0 + 3 * NS);
	spawned(&m, 101, T0 + 3 * NS); /* not spawning: ignored */
	cr_assert_eq(m.starts, 1);
	exited(&m, 0, 0, T0 + 20 * NS, &a); /* healthy: restarts at once */
	step(&m, at(SVE_FINISH_SKIPPED, T0 + 20 * NS), &a);
	cr_assert(a.flags & SVA_SPAWN_RUN);
	spawned(&m, 102, T0 + 20 * NS);
	svfsm_state(&m, &ss);
	cr_assert_eq(ss.starts, 2);

	setup(&m, S_PENDING);
	ev = at(SVE_ADOPTED, T0);
	ev.pid = 500;
	ev.want = 'u';
	step(&m, ev, &a);
	cr_assert_eq(m.pid, 500);
	cr_assert_eq(m.starts, 0);
}

Test(svfsm, finish_arguments)
{
	struct svfsm m;
	struct svfsm_actions a;

	setup(&m, S_UP);
	exited(&m, 3, 0, T0, &a);
	cr_assert_eq(a.finish_args[0], 3);
	cr_assert_eq(a.finish_args[1], 0);
	cr_assert_eq(m.last_exit, SVS_EXIT_CODE);
	cr_assert_eq(m.last_code, 3);
	setup(&m, S_UP);
	exited(&m, -1, SIGKILL, T0, &a);
	cr_assert_eq(a.finish_args[0], -1);
	cr_assert_eq(a.finish_args[1], SIGKILL);
	cr_assert_eq(m.last_exit, SVS_EXIT_SIGNAL);
	cr_assert_eq(m.last_code, SIGKILL);
}

Test(svfsm, finish_timeout_kills_finish)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svfsm_event ev;

	setup(&m, S_UP);
	m.conf.finish_timeout_ns = 2 * NS;
	exited(&m, 0, 0, T0, &a);
	ev = at(SVE_FINISH_SPAWNED, T0);
	ev.pid = 700;
	step(&m, ev, &a);
	cr_assert_eq(svfsm_deadline(&m), T0 + 2 * NS);
	cr_assert_eq(step(&m, at(SVE_TIMER, T0 + 2 * NS - 1), &a), 0);
	cr_assert_eq(step(&m, at(SVE_TIMER, T0 + 2 * NS), &a), SVA_KILL_FINISH);
	step(&m, at(SVE_FINISH_EXITED, T0 + 2 * NS), &a);
	cr_assert(a.flags & (SVA_SPAWN_RUN | SVA_ANNOUNCE));
	cr_assert_eq(m.finish_pid, 0);
}

Test(svfsm, timeout_kill_after_d_and_t)
{
	struct svfsm m;
	struct svfsm_actions a;

	setup(&m, S_UP);
	m.conf.has_timeout_kill = 1;
	m.conf.timeout_kill_ns = 3 * NS;
	ctl(&m, 'd', T0, &a);
	cr_assert_eq(svfsm_deadline(&m), T0 + 3 * NS);
	ctl(&m, 'd', T0 + NS, &a); /* a second d does not postpone the KILL */
	cr_assert_eq(svfsm_deadline(&m), T0 + 3 * NS);
	cr_assert_eq(step(&m, at(SVE_TIMER, T0 + 3 * NS), &a), SVA_SIGNAL);
	cr_assert_eq(a.sig, SIGKILL);
	setup(&m, S_UP);
	m.conf.has_timeout_kill = 1;
	m.conf.timeout_kill_ns = NS;
	ctl(&m, 't', T0, &a);
	cr_assert_eq(m.deadline_kind, SVD_KILL);
	/* It exits in time: no KILL, and the deadline is gone. */
	exited(&m, 0, SIGTERM, T0 + NS / 2, &a);
	cr_assert_eq(m.deadline_kind, SVD_NONE);
	/* Without the file, 0.76's behaviour: never escalate. */
	setup(&m, S_UP);
	ctl(&m, 'd', T0, &a);
	cr_assert_eq(svfsm_deadline(&m), 0);
}

Test(svfsm, sigterm_takes_down_then_exits)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svfsm_event ev;

	setup(&m, S_UP);
	step(&m, at(SVE_TERM, T0), &a);
	cr_assert_eq(a.flags, SVA_SIGNAL | SVA_CONT | SVA_ANNOUNCE);
	cr_assert_eq(m.want, 'd');
	exited(&m, -1, SIGTERM, T0, &a);
	cr_assert_eq(a.flags, SVA_SPAWN_FINISH | SVA_ANNOUNCE);
	ev = at(SVE_FINISH_SPAWNED, T0);
	ev.pid = 800;
	step(&m, ev, &a);
	cr_assert_eq(step(&m, at(SVE_FINISH_EXITED, T0), &a), SVA_ANNOUNCE | SVA_EXIT);
	cr_assert_eq(m.state, SVS_DOWN);
}

Test(svfsm, x_exits_when_the_service_ends_and_never_restarts)
{
	struct svfsm m;
	struct svfsm_actions a;

	setup(&m, S_UP);
	cr_assert_eq(ctl(&m, 'x', T0, &a), SVA_ANNOUNCE);
	exited(&m, 0, 0, T0 + 20 * NS, &a);
	cr_assert_eq(step(&m, at(SVE_FINISH_SKIPPED, T0 + 20 * NS), &a),
		     SVA_ANNOUNCE | SVA_EXIT);
}

Test(svfsm, once_runs_one_time)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svstatus st;

	setup(&m, S_DOWN);
	cr_assert_eq(ctl(&m, 'o', T0, &a), SVA_SPAWN_RUN | SVA_ANNOUNCE);
	spawned(&m, 900, T0);
	svfsm_status(&m, &st);
	cr_assert_eq(st.want, 0); /* compat: 0.76 writes 0 for once */
	cr_assert_eq(st.pid, 900);
	exited(&m, 0, 0, T0 + NS / 10, &a);
	step(&m, at(SVE_FINISH_SKIPPED, T0 + NS / 10), &a);
	cr_assert_eq(m.state, SVS_DOWN);
	cr_assert_eq(svfsm_deadline(&m), 0);
}

Test(svfsm, pause_and_status_record)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svstatus st;
	struct svstate ss;

	setup(&m, S_UP);
	ctl(&m, 'p', T0, &a);
	svfsm_status(&m, &st);
	cr_assert_eq(st.paused, 1);
	cr_assert_eq(st.want, 'u');
	svfsm_state(&m, &ss);
	cr_assert_eq(ss.paused, 1);
	cr_assert_eq(ss.state, SVS_UP);
	ctl(&m, 'd', T0, &a); /* d unpauses, as in 0.76 */
	cr_assert_eq(m.paused, 0);
	svfsm_status(&m, &st);
	cr_assert_eq(st.want, 'd');
	/* The stamp is the last pid change, not the last announce. */
	exited(&m, 0, SIGTERM, T0 + 5 * NS, &a);
	svfsm_status(&m, &st);
	cr_assert_eq(st.pid, 0);
	cr_assert_eq(tai64n_unix_sec(&st.stamp), 1700000005);
	ctl(&m, 'p', T0 + 7 * NS, &a);
	svfsm_status(&m, &st);
	cr_assert_eq(tai64n_unix_sec(&st.stamp), 1700000005);
	svfsm_state(&m, &ss);
	cr_assert_eq(ss.paused, 0); /* nothing to pause */
	cr_assert_eq(ss.last_exit, SVS_EXIT_SIGNAL);
}

/* The realtime clock only labels; decisions follow the monotonic one. */
Test(svfsm, realtime_jumps_do_not_change_decisions)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svfsm_event ev;

	setup(&m, S_UP);
	ev = at(SVE_RUN_EXITED, T0 + NS / 10);
	ev.real_ns = REAL0 - 3600 * NS; /* wall clock stepped back an hour */
	step(&m, ev, &a);
	ev = at(SVE_FINISH_SKIPPED, T0 + NS / 10);
	ev.real_ns = REAL0 - 3600 * NS;
	step(&m, ev, &a);
	cr_assert_eq(m.state, SVS_BACKOFF);
	cr_assert_eq(svfsm_deadline(&m), T0 + NS / 10 + NS);
	cr_assert_eq(tai64n_unix_sec(&m.next_start), 1700000000 - 3600 + 1);
	cr_assert_eq(tai64n_unix_sec(&m.stamp), 1700000000 - 3600);
}

/* A monotonic clock that goes backwards (a broken injected clock) is
 * treated as zero elapsed time, never as a huge uptime. */
Test(svfsm, monotonic_going_back_counts_as_quick_exit)
{
	struct svfsm m;
	struct svfsm_actions a;

	setup(&m, S_UP);
	m.started_ns = T0;
	exited(&m, 0, 0, T0 - 100 * NS, &a);
	cr_assert_eq(m.failures, 1);
}

/* A monotonic jump forward (suspend, a late wakeup) fires every deadline
 * that has passed, and a deadline near the end of time saturates. */
Test(svfsm, monotonic_jump_forward_and_saturation)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svfsm_event ev;

	setup(&m, S_BACKOFF);
	cr_assert_eq(step(&m, at(SVE_TIMER, T0 + 86400 * NS), &a), SVA_SPAWN_RUN);
	setup(&m, S_UP);
	m.conf.finish_timeout_ns = UINT64_MAX;
	exited(&m, 0, 0, T0, &a);
	ev = at(SVE_FINISH_SPAWNED, T0);
	ev.pid = 1000;
	step(&m, ev, &a);
	cr_assert_eq(svfsm_deadline(&m), UINT64_MAX);
	cr_assert_eq(step(&m, at(SVE_TIMER, UINT64_MAX - 1), &a), 0);
}

Test(svfsm, init_with_down_file)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svfsm_event ev;
	struct svstatus st;

	svfsm_init(&m);
	ev = at(SVE_INIT, T0);
	ev.normally_up = 0;
	cr_assert_eq(step(&m, ev, &a), SVA_ANNOUNCE);
	cr_assert_eq(svfsm_deadline(&m), 0);
	svfsm_status(&m, &st);
	cr_assert_eq(st.want, 'd');
	cr_assert_eq(st.pid, 0);
	cr_assert_eq(tai64n_unix_sec(&st.stamp), 1700000000);
}

Test(svfsm, readiness_hook)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svstate ss;

	setup(&m, S_STARTING);
	step(&m, at(SVE_READY, T0 + NS), &a);
	svfsm_state(&m, &ss);
	cr_assert_eq(ss.state, SVS_READY);
	cr_assert(ss.has_ready_since);
	cr_assert_eq(tai64n_unix_sec(&ss.ready_since), 1700000001);
	exited(&m, 0, 0, T0 + 20 * NS, &a);
	svfsm_state(&m, &ss);
	cr_assert_eq(ss.has_ready_since, 0);
}

/* ---- containment and adoption ----------------------------------------------- */

Test(svfsm, strays_are_cleared_before_finish_and_after_it)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svfsm_event ev;

	setup(&m, S_UP);
	m.cgroup = 1;
	ctl(&m, 'd', T0, &a);
	cr_assert_eq(exited(&m, -1, SIGTERM, T0 + NS, &a), SVA_STRAYS_TERM | A);
	cr_assert_eq(m.state, SVS_STOPPING);
	cr_assert_eq(svfsm_deadline(&m), T0 + 2 * NS, "stray-grace: 1 s by default");
	/* still there after the grace: cgroup.kill, and no finish yet */
	cr_assert_eq(step(&m, at(SVE_TIMER, T0 + 2 * NS), &a), SVA_STRAYS_KILL);
	cr_assert_eq(a.strays_kills, 1);
	cr_assert_eq(step(&m, at(SVE_STRAYS_GONE, T0 + 2 * NS), &a), FIN | A);
	cr_assert_eq(a.finish_args[0], -1);
	cr_assert_eq(a.finish_args[1], SIGTERM);
	ev = at(SVE_FINISH_SPAWNED, T0 + 2 * NS);
	ev.pid = 200;
	step(&m, ev, &a);
	/* finish ended: what it left is cleared; want down, so then down */
	cr_assert_eq(step(&m, at(SVE_FINISH_EXITED, T0 + 3 * NS), &a), SVA_STRAYS_TERM);
	cr_assert_eq(m.state, SVS_FINISHING, "svwait -d must not return yet");
	cr_assert_eq(step(&m, at(SVE_STRAYS_GONE, T0 + 3 * NS), &a), A);
	cr_assert_eq(m.state, SVS_DOWN);
	cr_assert_eq(svfsm_deadline(&m), 0);
}

Test(svfsm, stray_grace_from_the_file)
{
	struct svfsm m;
	struct svfsm_actions a;

	setup(&m, S_UP);
	m.cgroup = 1;
	m.conf.stray_grace_ns = NS / 4;
	exited(&m, 0, 0, T0, &a);
	cr_assert_eq(svfsm_deadline(&m), T0 + NS / 4);
	cr_assert_eq(step(&m, at(SVE_TIMER, T0 + NS / 4 - 1), &a), 0, "not before the grace");
}

Test(svfsm, a_process_that_survives_the_kill_is_killed_again_and_never_doubled)
{
	struct svfsm m;
	struct svfsm_actions a;
	uint64_t t = T0 + NS;
	int i;

	setup(&m, S_UP);
	m.cgroup = 1;
	exited(&m, 0, 0, T0, &a);
	for (i = 1; i <= 3; i++) {
		cr_assert_eq(step(&m, at(SVE_TIMER, t), &a), SVA_STRAYS_KILL);
		cr_assert_eq(a.strays_kills, (uint32_t)i);
		cr_assert_eq(svfsm_deadline(&m), t + SVFSM_REKILL_NS);
		t += SVFSM_REKILL_NS;
		/* svc -u meanwhile: remembered, not obeyed while it is stuck */
		cr_assert_eq(ctl(&m, 'u', t - 1, &a) & RUN, 0);
	}
	cr_assert_eq(step(&m, at(SVE_STRAYS_GONE, t), &a), FIN | A);
	cr_assert_eq(step(&m, at(SVE_FINISH_SKIPPED, t), &a), RUN, "svc -u: at once");
}

Test(svfsm, nothing_left_goes_straight_on)
{
	struct svfsm m;
	struct svfsm_actions a;

	/* supervise answers SVA_STRAYS_TERM with SVE_STRAYS_GONE in the same
	 * wakeup when the cgroup is already empty: finish at once. */
	setup(&m, S_UP);
	m.cgroup = 1;
	exited(&m, 0, 0, T0 + 20 * NS, &a);
	cr_assert_eq(step(&m, at(SVE_STRAYS_GONE, T0 + 20 * NS), &a), FIN | A);
	cr_assert_eq(step(&m, at(SVE_FINISH_SKIPPED, T0 + 20 * NS), &a), RUN,
		     "a healthy run restarts at once");
}

Test(svfsm, leftovers_at_init_are_cleared_before_the_first_start)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svfsm_event ev;

	svfsm_init(&m);
	m.cgroup = 1;
	ev = at(SVE_INIT, T0);
	ev.normally_up = 1;
	ev.leftovers = 1;
	cr_assert_eq(step(&m, ev, &a), SVA_STRAYS_TERM | A);
	cr_assert_eq(m.deadline_kind, SVD_STRAYS);
	cr_assert_eq(step(&m, at(SVE_TIMER, T0 + NS), &a), SVA_STRAYS_KILL);
	cr_assert_eq(step(&m, at(SVE_STRAYS_GONE, T0 + NS), &a), RUN);

	/* with a down file: cleared, then down */
	svfsm_init(&m);
	m.cgroup = 1;
	ev.normally_up = 0;
	step(&m, ev, &a);
	cr_assert_eq(step(&m, at(SVE_STRAYS_GONE, T0 + NS), &a), A);
	cr_assert_eq(m.state, SVS_DOWN);

	/* leftovers mean nothing without containment */
	svfsm_init(&m);
	ev.normally_up = 1;
	cr_assert_eq(step(&m, ev, &a), A);
	cr_assert_eq(m.deadline_kind, SVD_START);
}

static void adopt(struct svfsm *m, uint32_t pid, char want, int ready, int wait_ready,
		  struct svfsm_actions *a)
{
	struct svfsm_event ev;

	svfsm_init(m);
	m->cgroup = 1;
	m->wait_ready = wait_ready;
	ev = at(SVE_INIT, T0);
	ev.normally_up = 1;
	step(m, ev, a);
	ev = at(SVE_ADOPTED, T0);
	ev.pid = pid;
	ev.want = want;
	ev.ready = ready;
	ev.has_stamp = 1;
	tai64n_from_unix_ns(REAL0 - 60 * NS, &ev.stamp);
	step(m, ev, a);
}

Test(svfsm, adoption_takes_over_without_a_second_start)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svstatus st;
	struct svstate ss;

	adopt(&m, 4242, 'u', 0, 0, &a);
	cr_assert_eq(a.flags, A, "no spawn");
	cr_assert_eq(m.pid, 4242);
	cr_assert_eq(m.state, SVS_UP);
	cr_assert_eq(svfsm_deadline(&m), 0, "the first start is cancelled");
	svfsm_status(&m, &st);
	cr_assert_eq(st.pid, 4242);
	cr_assert_eq(tai64n_unix_sec(&st.stamp), 1700000000 - 60, "the predecessor's label");
	/* svc -d reaches it; its end has no status: last_exit none, finish -1 0 */
	cr_assert_eq(ctl(&m, 'd', T0 + NS, &a) & SIG, SIG);
	cr_assert_eq(a.sig, SIGTERM);
	{
		struct svfsm_event ev = at(SVE_RUN_EXITED, T0 + 2 * NS);

		ev.unknown = 1;
		step(&m, ev, &a);
	}
	step(&m, at(SVE_STRAYS_GONE, T0 + 2 * NS), &a);
	cr_assert_eq(a.finish_args[0], -1);
	cr_assert_eq(a.finish_args[1], 0);
	svfsm_state(&m, &ss);
	cr_assert_eq(ss.last_exit, SVS_EXIT_NONE);
	cr_assert_eq(ss.failures, 0, "asked to stop: not a failure");
}

Test(svfsm, adoption_keeps_readiness_and_the_wanted_state)
{
	struct svfsm m;
	struct svfsm_actions a;

	adopt(&m, 4242, 'u', 1, 1, &a);
	cr_assert_eq(m.state, SVS_READY);
	cr_assert(m.has_ready_since);

	/* not ready yet, readiness configured: starting until it says so */
	adopt(&m, 4242, 'u', 0, 1, &a);
	cr_assert_eq(m.state, SVS_STARTING);
	cr_assert_eq(step(&m, at(SVE_READY, T0 + NS), &a), A);
	cr_assert_eq(m.state, SVS_READY);

	/* the predecessor had been told svc -d: the adopted process is stopped */
	adopt(&m, 4242, 'd', 0, 0, &a);
	cr_assert_eq(a.flags & (SIG | SVA_CONT), SIG | SVA_CONT);
	cr_assert_eq(a.sig, SIGTERM);
	cr_assert_eq(m.state, SVS_STOPPING);
	cr_assert_eq(m.want, 'd');
}

Test(svfsm, adoption_only_from_down)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svfsm_event ev = at(SVE_ADOPTED, T0);

	ev.pid = 4242;
	setup(&m, S_UP);
	cr_assert_eq(step(&m, ev, &a), 0);
	cr_assert_eq(m.pid, 100);
	setup(&m, S_DOWN);
	ev.pid = 0;
	cr_assert_eq(step(&m, ev, &a), 0, "pid 0 is nobody");
}

/* ---- giving up (DESIGN.md section 6) --------------------------------------- */

/* One crash: the pending start is performed, the process lives 0.1 s and
 * exits 1, no finish. Returns the time after it. */
static uint64_t crash(struct svfsm *m, uint64_t t)
{
	struct svfsm_actions a;

	/* A start may already be asked for (a healthy run restarts at once). */
	if (!m->spawning) {
		if (svfsm_deadline(m) > t)
			t = svfsm_deadline(m);
		step(m, at(SVE_TIMER, t), &a);
		cr_assert(a.flags & SVA_SPAWN_RUN, "state %s", svstate_name(m->state));
	}
	t += 1;
	spawned(m, 100, t);
	exited(m, 1, 0, t + NS / 10, &a);
	step(m, at(SVE_FINISH_SKIPPED, t + NS / 10), &a);
	return t + NS / 10;
}

static void with_give_up(struct svfsm *m, uint32_t n)
{
	setup(m, S_PENDING);
	m->conf.give_up = n;
}

Test(svfsm, gives_up_after_exactly_n_failures)
{
	struct svfsm m;
	struct svstatus st;
	struct svstate s;
	uint64_t t = T0;
	uint32_t i;

	with_give_up(&m, 5);
	for (i = 1; i < 5; i++) {
		t = crash(&m, t);
		cr_assert_eq(m.failures, i);
		cr_assert_eq(m.state, SVS_BACKOFF);
	}
	t = crash(&m, t);
	cr_assert_eq(m.failures, 5);
	cr_assert_eq(m.state, SVS_FAILED);
	cr_assert_eq(svfsm_deadline(&m), 0);
	cr_assert_eq(m.want, 'd');
	svfsm_status(&m, &st);
	cr_assert_eq(st.want, 'd');
	cr_assert_eq(st.pid, 0);
	svfsm_state(&m, &s);
	cr_assert_eq(s.state, SVS_FAILED);
	cr_assert_eq(s.failed_by, SVS_FAILED_GIVE_UP);
	cr_assert_eq(s.failures, 5);
	/* Nothing is due: a timer changes nothing. */
	{
		struct svfsm_actions a;

		cr_assert_eq(step(&m, at(SVE_TIMER, t + 3600 * NS), &a), 0);
	}
}

Test(svfsm, without_give_up_it_never_fails)
{
	struct svfsm m;
	uint64_t t = T0;
	int i;

	with_give_up(&m, 0);
	for (i = 0; i < 50; i++)
		t = crash(&m, t);
	cr_assert_eq(m.state, SVS_BACKOFF);
	cr_assert_eq(m.failures, 50);
}

Test(svfsm, a_healthy_run_resets_the_count_toward_give_up)
{
	struct svfsm m;
	struct svfsm_actions a;
	uint64_t t = T0;

	with_give_up(&m, 3);
	t = crash(&m, t);
	t = crash(&m, t);
	t = svfsm_deadline(&m);
	step(&m, at(SVE_TIMER, t), &a);
	spawned(&m, 100, t);
	exited(&m, 1, 0, t + 11 * NS, &a); /* lasted 11 s: healthy */
	step(&m, at(SVE_FINISH_SKIPPED, t + 11 * NS), &a);
	cr_assert_eq(m.failures, 0);
	t = crash(&m, t + 11 * NS);
	t = crash(&m, t);
	cr_assert_eq(m.state, SVS_BACKOFF);
	t = crash(&m, t);
	cr_assert_eq(m.state, SVS_FAILED);
}

Test(svfsm, manual_stops_and_starts_never_count)
{
	struct svfsm m;
	struct svfsm_actions a;
	uint64_t t = T0 + NS;
	int i;

	with_give_up(&m, 1);
	step(&m, at(SVE_TIMER, T0), &a);
	spawned(&m, 100, T0);
	for (i = 0; i < 5; i++) {
		/* svc -t, -k: quick exits that are not failures */
		ctl(&m, i % 2 ? 't' : 'k', t, &a);
		exited(&m, -1, i % 2 ? SIGTERM : SIGKILL, t, &a);
		step(&m, at(SVE_FINISH_SKIPPED, t), &a);
		cr_assert(a.flags & SVA_SPAWN_RUN);
		spawned(&m, 100, t);
		t += NS / 10;
	}
	/* svc -d then -u */
	ctl(&m, 'd', t, &a);
	exited(&m, 0, 0, t, &a);
	step(&m, at(SVE_FINISH_SKIPPED, t), &a);
	cr_assert_eq(m.state, SVS_DOWN);
	ctl(&m, 'u', t, &a);
	cr_assert(a.flags & SVA_SPAWN_RUN);
	cr_assert_eq(m.failures, 0);
}

Test(svfsm, finish_exiting_125_gives_up_at_once)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svfsm_event ev;
	struct svstate s;

	setup(&m, S_UP); /* no give-up file */
	exited(&m, 0, 0, T0 + 20 * NS, &a); /* even a healthy run */
	ev = at(SVE_FINISH_SPAWNED, T0 + 20 * NS);
	ev.pid = 200;
	step(&m, ev, &a);
	ev = at(SVE_FINISH_EXITED, T0 + 20 * NS);
	ev.code = 125;
	step(&m, ev, &a);
	cr_assert_eq(m.state, SVS_FAILED);
	cr_assert_eq(a.flags, SVA_ANNOUNCE);
	svfsm_state(&m, &s);
	cr_assert_eq(s.failed_by, SVS_FAILED_FINISH);
	cr_assert_eq(m.want, 'd');
	/* svc -u clears it, and the count, and starts at once */
	ctl(&m, 'u', T0 + 21 * NS, &a);
	cr_assert(a.flags & SVA_SPAWN_RUN);
	spawned(&m, 101, T0 + 21 * NS);
	svfsm_state(&m, &s);
	cr_assert_eq(s.state, SVS_UP);
	cr_assert_eq(s.failed_by, SVS_FAILED_NONE);
	cr_assert_eq(s.failures, 0);
	cr_assert_eq(m.want, 'u');
}

Test(svfsm, finish_125_after_a_manual_stop_is_just_down)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svfsm_event ev;

	setup(&m, S_UP);
	ctl(&m, 'd', T0, &a);
	exited(&m, -1, SIGTERM, T0, &a);
	ev = at(SVE_FINISH_SPAWNED, T0);
	ev.pid = 200;
	step(&m, ev, &a);
	ev = at(SVE_FINISH_EXITED, T0);
	ev.code = 125;
	step(&m, ev, &a);
	cr_assert_eq(m.state, SVS_DOWN);
	cr_assert_eq(m.failed_by, SVS_FAILED_NONE);
}

Test(svfsm, up_while_the_last_finish_runs_wins_over_giving_up)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svfsm_event ev;

	with_give_up(&m, 1);
	step(&m, at(SVE_TIMER, T0), &a);
	spawned(&m, 100, T0);
	exited(&m, 1, 0, T0 + 1, &a);
	cr_assert_eq(m.giving_up, SVS_FAILED_GIVE_UP);
	ev = at(SVE_FINISH_SPAWNED, T0 + 1);
	ev.pid = 200;
	step(&m, ev, &a);
	ctl(&m, 'u', T0 + 2, &a);
	ev = at(SVE_FINISH_EXITED, T0 + 3);
	ev.code = 125;
	step(&m, ev, &a);
	cr_assert(a.flags & SVA_SPAWN_RUN);
	cr_assert_eq(m.failures, 0);
	cr_assert_neq(m.state, SVS_FAILED);
}

Test(svfsm, spawn_failures_count_toward_give_up)
{
	struct svfsm m;
	struct svfsm_actions a;

	with_give_up(&m, 2);
	step(&m, at(SVE_TIMER, T0), &a);
	step(&m, at(SVE_SPAWN_FAILED, T0), &a);
	cr_assert_eq(m.state, SVS_BACKOFF);
	step(&m, at(SVE_TIMER, T0 + NS), &a);
	step(&m, at(SVE_SPAWN_FAILED, T0 + NS), &a);
	cr_assert_eq(m.state, SVS_FAILED);
	cr_assert_eq(m.failed_by, SVS_FAILED_GIVE_UP);
	cr_assert_eq(svfsm_deadline(&m), 0);
}

Test(svfsm, a_bad_run_never_counts_toward_give_up)
{
	struct svfsm m;
	struct svfsm_actions a;
	uint64_t t = T0;
	int i;

	with_give_up(&m, 1);
	for (i = 0; i < 5; i++) {
		step(&m, at(SVE_TIMER, t), &a);
		step(&m, at(SVE_RUN_BAD, t), &a);
		t += NS;
	}
	cr_assert_eq(m.state, SVS_BACKOFF);
	cr_assert_eq(m.failures, 0);
}

Test(svfsm, down_and_exit_from_failed)
{
	struct svfsm m;
	struct svfsm_actions a;
	uint64_t t;

	with_give_up(&m, 1);
	t = crash(&m, T0);
	cr_assert_eq(m.state, SVS_FAILED);
	ctl(&m, 'd', t, &a);
	cr_assert_eq(m.state, SVS_FAILED);
	ctl(&m, 'x', t, &a);
	cr_assert(a.flags & SVA_EXIT);
}

/* ---- svscan's gate (DESIGN.md section 6, dependencies) -------------------- */

/* Up (pid 100, started at T0 - 1.5 s, so an exit at T0 would be a
 * failure), and then the gate closes. */
static void up_then_gate_closes(struct svfsm *m, struct svfsm_actions *a)
{
	setup(m, S_UP);
	cr_assert_eq(gate(m, 1, T0, a), 0); /* a running service keeps running */
	cr_assert_eq(m->state, SVS_UP);
	cr_assert_eq(m->pid, 100);
}

Test(svfsm, gate_closed_at_the_first_start_waits)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svstatus st;
	struct svstate s;

	setup(&m, S_WAITING);
	cr_assert_eq(m.state, SVS_WAITING);
	cr_assert_eq(m.pid, 0);
	cr_assert_eq(m.spawning, 0);
	cr_assert_eq(svfsm_deadline(&m), 0);
	cr_assert_eq(m.failures, 0);
	/* 0.76's svstat: "down S seconds, normally up, want up" */
	svfsm_status(&m, &st);
	cr_assert_eq(st.pid, 0);
	cr_assert_eq(st.want, 'u');
	svfsm_state(&m, &s);
	cr_assert_eq(s.state, SVS_WAITING);
	cr_assert_eq(s.has_next_start, 0);
	/* Time alone never starts it. */
	cr_assert_eq(step(&m, at(SVE_TIMER, T0 + 3600 * NS), &a), 0);
}

Test(svfsm, gate_opening_starts_in_the_same_step)
{
	struct svfsm m;
	struct svfsm_actions a;

	setup(&m, S_WAITING);
	cr_assert_eq(gate(&m, 0, T0, &a), SVA_SPAWN_RUN | SVA_ANNOUNCE);
	cr_assert_eq(spawned(&m, 300, T0), SVA_ANNOUNCE);
	cr_assert_eq(m.state, SVS_UP);
	cr_assert_eq(m.pid, 300);
	cr_assert_eq(m.starts, 1);
	/* Opening again, or closing, while it runs: nothing. */
	cr_assert_eq(gate(&m, 0, T0, &a), 0);
	cr_assert_eq(gate(&m, 1, T0, &a), 0);
	cr_assert_eq(m.state, SVS_UP);
}

Test(svfsm, gate_closing_while_up_changes_nothing)
{
	struct svfsm m, before;
	struct svfsm_actions a;
	int s;
	static const enum setup running[] = { S_STARTING, S_UP, S_READY, S_STOPPING };

	for (s = 0; s < 4; s++) {
		setup(&m, running[s]);
		before = m;
		cr_assert_eq(gate(&m, 1, T0, &a), 0);
		cr_assert(m.gate_closed);
		m.gate_closed = 0;
		cr_assert_eq(memcmp(&m, &before, sizeof m), 0, "%s", setup_name[running[s]]);
	}
}

Test(svfsm, an_exit_while_the_gate_is_closed_is_not_a_failure)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svstatus st;

	up_then_gate_closes(&m, &a);
	m.failures = 2; /* two crashes before: the count must stay */
	m.conf.give_up = 3;
	exited(&m, 1, 0, T0, &a); /* lasted 1.5 s: a failure with the gate open */
	cr_assert_eq(a.flags, SVA_SPAWN_FINISH | SVA_ANNOUNCE);
	cr_assert_eq(m.state, SVS_FINISHING);
	cr_assert_eq(step(&m, at(SVE_FINISH_SKIPPED, T0), &a), SVA_ANNOUNCE);
	cr_assert_eq(m.state, SVS_WAITING);
	cr_assert_eq(m.failures, 2);
	cr_assert_eq(svfsm_deadline(&m), 0);
	cr_assert_eq(m.has_next_start, 0);
	svfsm_status(&m, &st);
	cr_assert_eq(st.pid, 0);
	cr_assert_eq(st.want, 'u');
	/* The need is back: start at once, no backoff. */
	cr_assert_eq(gate(&m, 0, T0 + 1, &a), SVA_SPAWN_RUN | SVA_ANNOUNCE);
	spawned(&m, 300, T0 + 1);
	cr_assert_eq(m.state, SVS_UP);
	cr_assert_eq(m.failures, 2);
}

Test(svfsm, an_exit_while_the_gate_is_closed_waits_after_the_strays_and_finish)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svfsm_event ev;

	setup(&m, S_UP);
	m.cgroup = 1;
	gate(&m, 1, T0, &a);
	exited(&m, 0, SIGSEGV, T0, &a);
	cr_assert_eq(a.flags, SVA_STRAYS_TERM | SVA_ANNOUNCE);
	cr_assert_eq(m.state, SVS_STOPPING);
	/* Opening and closing meanwhile starts nothing: strays first. */
	cr_assert_eq(gate(&m, 0, T0, &a), 0);
	cr_assert_eq(gate(&m, 1, T0, &a), 0);
	cr_assert_eq(step(&m, at(SVE_STRAYS_GONE, T0), &a), SVA_SPAWN_FINISH | SVA_ANNOUNCE);
	ev = at(SVE_FINISH_SPAWNED, T0);
	ev.pid = 200;
	step(&m, ev, &a);
	cr_assert_eq(step(&m, at(SVE_FINISH_EXITED, T0), &a), SVA_STRAYS_TERM);
	cr_assert_eq(step(&m, at(SVE_STRAYS_GONE, T0), &a), SVA_ANNOUNCE);
	cr_assert_eq(m.state, SVS_WAITING);
	cr_assert_eq(m.failures, 0);
	cr_assert_eq(m.last_exit, SVS_EXIT_SIGNAL);
}

Test(svfsm, an_exit_while_the_gate_is_open_counts_as_before)
{
	struct svfsm m;
	struct svfsm_actions a;

	setup(&m, S_UP);
	gate(&m, 1, T0 - NS, &a);
	gate(&m, 0, T0 - NS, &a); /* open again before the exit */
	exited(&m, 1, 0, T0, &a);
	step(&m, at(SVE_FINISH_SKIPPED, T0), &a);
	cr_assert_eq(m.state, SVS_BACKOFF);
	cr_assert_eq(m.failures, 1);
}

Test(svfsm, the_gate_closing_during_finish_holds_the_restart)
{
	struct svfsm m;
	struct svfsm_actions a;

	setup(&m, S_UP);
	m.started_ns = T0 - 100 * NS; /* a healthy run: restarts at once */
	exited(&m, 0, 0, T0, &a);
	cr_assert_eq(gate(&m, 1, T0, &a), 0);
	cr_assert_eq(step(&m, at(SVE_FINISH_SKIPPED, T0), &a), SVA_ANNOUNCE);
	cr_assert_eq(m.state, SVS_WAITING);
}

Test(svfsm, svc_while_waiting)
{
	struct svfsm m;
	struct svfsm_actions a;
	struct svstatus st;

	setup(&m, S_WAITING);
	/* -d: down, want down; opening then starts nothing */
	cr_assert_eq(ctl(&m, 'd', T0, &a), SVA_ANNOUNCE);
	cr_assert_eq(m.state, SVS_DOWN);
	svfsm_status(&m, &st);
	cr_assert_eq(st.want, 'd');
	cr_assert_eq(gate(&m, 0, T0, &a), 0);
	cr_assert_eq(gate(&m, 1, T0, &a), 0);
	cr_assert_eq(m.state, SVS_DOWN);
	/* -u: waiting again, still closed */
	cr_assert_eq(ctl(&m, 'u', T0, &a), SVA_ANNOUNCE);
	cr_assert_eq(m.state, SVS_WAITING);
	cr_assert_eq(m.want, 'u');
	/* -o: waiting, want once (status: 0, as svc -o records) */
	cr_assert_eq(ctl(&m, 'o', T0, &a), SVA_ANNOUNCE);
	cr_assert_eq(m.state, SVS_WAITING);
	svfsm_status(&m, &st);
	cr_assert_eq(st.want, 0);
	/* opens: once runs, and is not restarted after */
	cr_assert_eq(gate(&m, 0, T0, &a), SVA_SPAWN_RUN | SVA_ANNOUNCE);
	spawned(&m, 300, T0);
	exited(&m, 0, 0, T0 + 100 * NS, &a);
	step(&m, at(SVE_FINISH_SKIPPED, T0 + 100 * NS), &a);
	cr_assert_eq(m.state, SVS_DOWN);
	/* -p and -c: nothing to signal */
	setup(&m, S_WAITING);
	cr_assert_eq(ctl(&m, 'p', T0, &a), SVA_ANNOUNCE);
	cr_assert_eq(ctl(&m, 't', T0, &a), 0);
	cr_assert_eq(ctl(&m, 'k', T0, &a), 0);
	cr_assert_eq(ctl(&m, 'c', T0, &a), SVA_ANNOUNCE);
	cr_assert_eq(m.state, SVS_WAITING);
	/* -x: exits as from down */
	cr_assert_eq(ctl(&m, 'x', T0, &a), SVA_ANNOUNCE | SVA_EXIT);
	/* SIGTERM: the same */
	setup(&m, S_WAITING);
	cr_assert_eq(step(&m, at(SVE_TERM, T0), &a), SVA_ANNOUNCE | SVA_EXIT);
}

Test(svfsm, svc_u_from_failed_with_the_gate_closed_waits)
{
	struct svfsm m;
	struct svfsm_actions a;

	setup(&m, S_FAILED);
	gate(&m, 1, T0, &a);
	cr_assert_eq(m.state, SVS_FAILED);
	cr_assert_eq(ctl(&m, 'u', T0, &a), SVA_ANNOUNCE);
	cr_assert_eq(m.state, SVS_WAITING);
	cr_assert_eq(m.failures, 0);
	cr_assert_eq(m.failed_by, SVS_FAILED_NONE);
}

Test(svfsm, backoff_ending_while_the_gate_is_closed_waits)
{
	struct svfsm m;
	struct svfsm_actions a;
	uint64_t dl;

	setup(&m, S_BACKOFF);
	/* closing during the delay changes nothing yet */
	cr_assert_eq(gate(&m, 1, T0, &a), 0);
	cr_assert_eq(m.state, SVS_BACKOFF);
	cr_assert_eq(m.has_next_start, 1);
	dl = svfsm_deadline(&m);
	cr_assert_neq(dl, 0);
	cr_assert_eq(step(&m, at(SVE_TIMER, dl), &a), SVA_ANNOUNCE);
	cr_assert_eq(m.state, SVS_WAITING);
	cr_assert_eq(m.has_next_start, 0);
	cr_assert_eq(svfsm_deadline(&m), 0);
	cr_assert_eq(m.failures, 1);
	cr_assert_eq(gate(&m, 0, dl + 1, &a), SVA_SPAWN_RUN | SVA_ANNOUNCE);
	/* opening during a delay does not cut it short */
	setup(&m, S_BACKOFF);
	gate(&m, 1, T0, &a);
	cr_assert_eq(gate(&m, 0, T0, &a), 0);
	cr_assert_eq(m.state, SVS_BACKOFF);
	cr_assert_eq(m.deadline_kind, SVD_START);
}

Test(svfsm, a_bad_run_retried_while_the_gate_closes_waits)
{
	struct svfsm m;
	struct svfsm_actions a;

	setup(&m, S_PENDING);
	step(&m, at(SVE_TIMER, T0), &a);
	cr_assert_eq(step(&m, at(SVE_RUN_BAD, T0), &a), SVA_ANNOUNCE);
	cr_assert_eq(m.state, SVS_BACKOFF);
	gate(&m, 1, T0, &a);
	cr_assert_eq(step(&m, at(SVE_TIMER, T0 + SVFSM_RETRY_NS), &a), SVA_ANNOUNCE);
	cr_assert_eq(m.state, SVS_WAITING);
	cr_assert_eq(m.failures, 0);
}

/* Without SUPERVISE_GATE supervise never posts SVE_GATE; a machine that
 * only ever hears "open" (as a gate with no names) must be the same
 * machine, byte for byte, at every step of a life with crashes, svc and
 * backoff. */
Test(svfsm, an_open_gate_changes_nothing)
{
	struct svfsm plain, gated;
	struct svfsm_actions a, b;
	static const struct {
		enum svfsm_event_type type;
		unsigned char ctl;
		uint64_t dt;
	} life[] = {
		{ SVE_TIMER, 0, 0 }, { SVE_SPAWNED, 0, 1 }, { SVE_RUN_EXITED, 0, NS / 10 },
		{ SVE_FINISH_SKIPPED, 0, 0 }, { SVE_TIMER, 0, 2 * NS }, { SVE_SPAWNED, 0, 1 },
		{ SVE_CONTROL, 'd', NS }, { SVE_RUN_EXITED, 0, 1 }, { SVE_FINISH_SKIPPED, 0, 0 },
		{ SVE_CONTROL, 'u', NS }, { SVE_SPAWNED, 0, 1 }, { SVE_CONTROL, 'x', NS },
		{ SVE_TERM, 0, 1 }, { SVE_RUN_EXITED, 0, 1 }, { SVE_FINISH_SKIPPED, 0, 0 },
	};
	uint64_t t = T0;
	size_t i;

	setup(&plain, S_PENDING);
	setup(&gated, S_PENDING);
	for (i = 0; i < sizeof life / sizeof life[0]; i++) {
		struct svfsm_event ev;

		t += life[i].dt;
		ev = at(life[i].type, t);
		ev.ctl = life[i].ctl;
		ev.pid = 100 + (uint32_t)i;
		cr_assert_eq(gate(&gated, 0, t, &b), 0, "step %zu", i);
		svfsm_step(&plain, &ev, &a);
		svfsm_step(&gated, &ev, &b);
		cr_assert_eq(a.flags, b.flags, "step %zu", i);
		cr_assert_eq(memcmp(&plain, &gated, sizeof plain), 0, "step %zu", i);
	}
	cr_assert(a.flags & SVA_EXIT);
}

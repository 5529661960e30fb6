/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: supervise's state machine driven by arbitrary
 * sequences of events, as its loop would feed them: control bytes from the
 * fifo (anyone with write access can send any byte), exits, timers at any
 * time (clock jumps forward and back), SIGTERM, readiness, an empty
 * cgroup, svscan's gate closing and opening. The harness plays the caller as supervise_core.c does: each
 * action set is performed whole, what it reports (a spawn's result) is
 * posted to a queue of the loop's size, and the queue is drained before
 * the next outside event; no recursion. It keeps its own record of which
 * processes exist. After every step the machine must agree with that
 * record and never:
 *  - start a main process while one (or finish) runs: two copies;
 *  - signal a main process that does not exist;
 *  - exit while a child or a stray remains;
 *  - rest with nothing running, wanting up, and no timer to start it
 *    (unless waiting for a closed gate; never waiting for an open one);
 *  - count an exit that ended while the gate was closed as a failure;
 *  - hold a deadline of the wrong kind for its state;
 *  - produce a status or state it cannot write and read back;
 *  - ask for more than one reporting action in one set (the bound of
 *    supervise's queue, SV_QUEUE_MAX in src/supervise.h). */
#include "config.h"

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dt/svfsm.h>
#include <dt/svstate.h>
#include <dt/svstatus.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NS SVCONF_NS
#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

struct input {
	const uint8_t *p;
	size_t n;
};

static unsigned byte(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

/* As SV_QUEUE_MAX: an outside event plus the reports drained after it. */
#define QUEUE_MAX 4

struct world {
	struct svfsm m;
	uint64_t mono, real;
	int run_alive, finish_alive, strays, exited;
	uint32_t next_pid;
	struct svfsm_event q[QUEUE_MAX];
	unsigned qhead, qlen;
};

static void post(struct world *w, const struct svfsm_event *ev)
{
	CHECK(w->qlen < QUEUE_MAX);
	w->q[(w->qhead + w->qlen) % QUEUE_MAX] = *ev;
	w->qlen++;
}

static void event(struct world *w, struct svfsm_event *ev, enum svfsm_event_type type)
{
	memset(ev, 0, sizeof *ev);
	ev->type = type;
	ev->mono_ns = w->mono;
	ev->real_ns = w->real;
}

/* What supervise.c does with the machine's actions, in its order. */
static void perform(struct world *w, struct input *in, const struct svfsm_actions *a)
{
	struct svfsm_event ev;
	unsigned choice;

	CHECK(!(a->flags & ~0x1ffu));
	/* One report per set at most: the queue's bound. */
	CHECK(__builtin_popcount(a->flags & (SVA_STRAYS_TERM | SVA_STRAYS_KILL |
					     SVA_SPAWN_FINISH | SVA_SPAWN_RUN)) <= 1);
	if (a->flags & (SVA_SIGNAL | SVA_CONT))
		CHECK(w->run_alive && w->m.pid);
	if (a->flags & SVA_SIGNAL)
		CHECK(a->sig > 0 && a->sig < 65);
	if (a->flags & SVA_KILL_FINISH)
		CHECK(w->finish_alive);
	if (a->flags & SVA_STRAYS_TERM) {
		CHECK(!w->run_alive);
		w->strays = 1;
	}
	if (a->flags & SVA_STRAYS_KILL)
		CHECK(w->strays);
	if (a->flags & SVA_SPAWN_FINISH) {
		CHECK(!w->run_alive && !w->finish_alive && !w->strays);
		choice = byte(in) & 1;
		event(w, &ev, choice ? SVE_FINISH_SPAWNED : SVE_FINISH_SKIPPED);
		if (choice) {
			ev.pid = w->next_pid++;
			w->finish_alive = 1;
		}
		post(w, &ev);
	}
	if (a->flags & SVA_SPAWN_RUN) {
		/* never a second copy, never beside finish or strays */
		CHECK(!w->run_alive && !w->finish_alive && !w->strays);
		choice = byte(in) % 4;
		event(w, &ev, choice == 1 ? SVE_RUN_BAD : choice == 2 ? SVE_SPAWN_FAILED : SVE_SPAWNED);
		if (ev.type == SVE_SPAWNED) {
			ev.pid = w->next_pid++;
			w->run_alive = 1;
		}
		post(w, &ev);
	}
	if (a->flags & SVA_EXIT) {
		CHECK(!w->run_alive && !w->finish_alive && !w->strays);
		w->exited = 1;
	}
}

static void invariants(struct world *w)
{
	const struct svfsm *m = &w->m;
	enum svstate_state s = m->state;
	struct svstatus st;
	struct svstate ss, back;
	static char text[SVSTATE_TEXT_MAX];
	int n;

	CHECK(!!m->pid == w->run_alive);
	CHECK(!!m->finish_pid == w->finish_alive);
	CHECK(!m->spawning);
	if (s == SVS_STARTING || s == SVS_UP || s == SVS_READY)
		CHECK(m->pid);
	if (m->pid)
		CHECK(s == SVS_STARTING || s == SVS_UP || s == SVS_READY || s == SVS_STOPPING);
	if (m->finish_pid)
		CHECK(s == SVS_FINISHING && !m->pid);
	/* strays are cleared with the main process gone: after it exited
	 * (stopping), or after finish, whose leftovers are cleared before the
	 * next start while the state stays finishing */
	if (m->strays)
		CHECK(!m->pid && (s == SVS_STOPPING || (s == SVS_FINISHING && !m->finish_pid)));
	CHECK(!m->deadline_ns == (m->deadline_kind == SVD_NONE));
	switch (m->deadline_kind) {
	case SVD_START: CHECK(!m->pid && !m->finish_pid && !m->strays); break;
	case SVD_KILL: CHECK(m->pid); break;
	case SVD_FINISH: CHECK(m->finish_pid); break;
	case SVD_STRAYS: CHECK(m->strays); break;
	case SVD_NONE: break;
	}
	if (s == SVS_BACKOFF)
		CHECK(m->deadline_kind == SVD_START);
	/* waiting: held by a closed gate only, with nothing running or due */
	if (s == SVS_WAITING)
		CHECK(m->gate_closed && !m->pid && !m->finish_pid && !m->strays &&
		      m->deadline_kind == SVD_NONE && m->want != 'd' && !m->has_next_start);
	/* failed: nothing runs, nothing is due, and it says why; gave up by
	 * count only at the count */
	if (s == SVS_FAILED) {
		CHECK(!m->pid && !m->finish_pid && !m->strays && m->deadline_kind == SVD_NONE);
		CHECK(m->want == 'd' && m->failed_by != SVS_FAILED_NONE);
		if (m->failed_by == SVS_FAILED_GIVE_UP)
			CHECK(m->conf.give_up && m->failures >= m->conf.give_up);
	}
	/* never a restart once the count is reached */
	if (m->conf.give_up && m->failures >= m->conf.give_up && m->want == 'u')
		CHECK(m->deadline_kind != SVD_START);
	/* liveness: wanting up with nothing running needs a timer */
	if (!w->exited && m->want == 'u' && !m->pid && !m->finish_pid && !m->strays &&
	    !m->exit_requested)
		CHECK(m->deadline_kind == SVD_START || s == SVS_WAITING);
	CHECK(m->want == 'u' || m->want == 'd' || m->want == 'o');

	svfsm_status(m, &st);
	CHECK(st.pid == m->pid && (st.want == 'u' || st.want == 'd' || st.want == 0));
	memset(&ss, 0, sizeof ss);
	svfsm_state(m, &ss);
	ss.procs = -1;
	strcpy(ss.cgroup, "none");
	n = svstate_format(&ss, text, sizeof text);
	CHECK(n > 0);
	CHECK(svstate_parse(text, (size_t)n, &back) == 0);
	CHECK(back.state == ss.state && back.pid == ss.pid && back.want == ss.want &&
	      back.failures == ss.failures && back.failed_by == ss.failed_by);
	CHECK((ss.failed_by != SVS_FAILED_NONE) == (s == SVS_FAILED));
}

/* The loop's drain: an outside event, then what its actions report. */
static void feed(struct world *w, struct input *in, const struct svfsm_event *ev)
{
	struct svfsm_event cur;
	struct svfsm_actions a;

	post(w, ev);
	while (w->qlen) {
		cur = w->q[w->qhead];
		w->qhead = (w->qhead + 1) % QUEUE_MAX;
		w->qlen--;
		svfsm_step(&w->m, &cur, &a);
		perform(w, in, &a);
	}
}

static void setup(struct world *w, struct input *in)
{
	unsigned b = byte(in), c = byte(in), d = byte(in);
	struct svfsm_event ev;

	memset(w, 0, sizeof *w);
	svfsm_init(&w->m);
	w->next_pid = 100;
	w->mono = (uint64_t)byte(in) << 40;
	w->real = (uint64_t)1700000000 * NS;
	w->m.cgroup = b & 1;
	w->m.wait_ready = (b >> 1) & 1;
	w->m.conf.backoff_min_ns = (1 + c % 8) * (NS / 4);
	w->m.conf.backoff_max_ns = w->m.conf.backoff_min_ns * (1 + d % 64);
	w->m.conf.healthy_ns = (1 + (c >> 3) % 16) * NS;
	if (b & 4) {
		w->m.conf.has_timeout_kill = 1;
		w->m.conf.timeout_kill_ns = (d & 7) * NS;
	}
	w->m.conf.finish_timeout_ns = ((b >> 3) & 7) * NS;
	w->m.conf.stray_grace_ns = ((b >> 6) & 3) * NS;
	w->m.conf.give_up = (d >> 6) & 3; /* 0: never, as without the file */
	event(w, &ev, SVE_INIT);
	ev.normally_up = (b >> 5) & 1;
	feed(w, in, &ev);
}

static void advance(struct world *w, unsigned t)
{
	uint64_t delta = (uint64_t)(t & 15) << (((t >> 4) & 7) * 5);

	if (t >= 0xf8) {
		/* a broken injected clock: monotonic time goes back */
		w->mono -= w->mono < delta ? w->mono : delta;
		return;
	}
	w->mono = w->mono > UINT64_MAX - delta ? UINT64_MAX : w->mono + delta;
	w->real += delta;
	if ((t >> 7) & 1)
		w->real -= w->real / 2; /* the wall clock jumps back */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct world w;
	struct svfsm_event ev;
	uint32_t failures;
	int closed_exit;

	setup(&w, &in);
	invariants(&w);
	while (in.n && !w.exited) {
		unsigned k = byte(&in), arg = byte(&in);

		advance(&w, byte(&in));
		closed_exit = 0;
		switch (k % 11) {
		case 0:
		case 1:
			event(&w, &ev, SVE_CONTROL);
			ev.ctl = (unsigned char)arg;
			break;
		case 2:
			if (!w.run_alive)
				continue;
			event(&w, &ev, SVE_RUN_EXITED);
			ev.sig = arg & 1 ? (int)(arg >> 1) % 32 + 1 : 0;
			ev.code = ev.sig ? -1 : (int)(arg >> 1);
			w.run_alive = 0;
			closed_exit = w.m.gate_closed;
			break;
		case 3:
			if (!w.finish_alive)
				continue;
			event(&w, &ev, SVE_FINISH_EXITED);
			ev.code = arg & 1 ? 125 : (int)(arg >> 1); /* 125: give up */
			w.finish_alive = 0;
			break;
		case 4:
			event(&w, &ev, SVE_TIMER);
			break;
		case 5:
			/* exactly at the deadline, as the loop wakes */
			if (w.m.deadline_ns && w.m.deadline_ns > w.mono)
				w.mono = w.m.deadline_ns;
			event(&w, &ev, SVE_TIMER);
			break;
		case 6:
			event(&w, &ev, SVE_TERM);
			break;
		case 7:
			event(&w, &ev, SVE_READY);
			break;
		case 8:
			/* the cgroup empties only once the main process is gone */
			if (w.run_alive)
				continue;
			event(&w, &ev, SVE_STRAYS_GONE);
			w.strays = 0;
			break;
		case 9:
			event(&w, &ev, SVE_GATE);
			ev.gate_closed = arg & 1;
			break;
		default:
			/* a confused caller reports a spawn nobody asked for:
			 * the machine must not take it as a main process */
			event(&w, &ev, arg & 1 ? SVE_SPAWNED : SVE_FINISH_SPAWNED);
			ev.pid = 99999;
			svfsm_step(&w.m, &ev, &(struct svfsm_actions){ 0 });
			CHECK(w.m.pid != 99999 && w.m.finish_pid != 99999);
			invariants(&w);
			continue;
		}
		failures = w.m.failures;
		feed(&w, &in, &ev);
		invariants(&w);
		/* with the gate closed nothing can be spawned, so nothing in
		 * this feed may count: the exit itself did not */
		if (closed_exit)
			CHECK(w.m.failures == failures && w.m.state != SVS_BACKOFF);
	}
	return 0;
}

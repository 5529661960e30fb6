/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <dt/svfsm.h>
#include <dt/svstatus.h>

void svfsm_init(struct svfsm *m)
{
	memset(m, 0, sizeof *m);
	m->state = SVS_DOWN;
	m->want = 'u';
	svconf_defaults(&m->conf);
}

uint64_t svfsm_deadline(const struct svfsm *m)
{
	return m->deadline_ns;
}

int svfsm_ctl_signal(unsigned char c)
{
	switch (c) {
	case 'a': return SIGALRM;
	case 'h': return SIGHUP;
	case 'i': return SIGINT;
	case 't': return SIGTERM;
	case 'k': return SIGKILL;
	case '1': return SIGUSR1;
	case '2': return SIGUSR2;
	case 'q': return SIGQUIT;
	case 'w': return SIGWINCH;
	default: return 0;
	}
}

static void label(uint64_t real_ns, struct tai64n *out)
{
	tai64n_from_unix_ns(real_ns, out);
}

static void set_state(struct svfsm *m, enum svstate_state s, const struct svfsm_event *ev,
		      struct svfsm_actions *act)
{
	if (m->state != s) {
		m->state = s;
		label(ev->real_ns, &m->since);
	}
	act->flags |= SVA_ANNOUNCE;
}

static void set_deadline(struct svfsm *m, enum svfsm_deadline kind, uint64_t at_ns)
{
	m->deadline_kind = kind;
	m->deadline_ns = kind == SVD_NONE ? 0 : (at_ns ? at_ns : 1);
}

static uint64_t after(uint64_t now, uint64_t delta)
{
	return now > UINT64_MAX - delta ? UINT64_MAX : now + delta;
}

static void signal_main(struct svfsm_actions *act, int sig)
{
	act->flags |= SVA_SIGNAL;
	act->sig = sig;
}

/* Every start comes here, so the gate holds them all. */
static void start(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act)
{
	set_deadline(m, SVD_NONE, 0);
	m->has_next_start = 0;
	if (m->gate_closed) {
		set_state(m, SVS_WAITING, ev, act);
		return;
	}
	m->spawning = 1;
	act->flags |= SVA_SPAWN_RUN;
}

static void backoff(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act,
		    uint64_t delay_ns)
{
	set_state(m, SVS_BACKOFF, ev, act);
	set_deadline(m, SVD_START, after(ev->mono_ns, delay_ns));
	m->has_next_start = 1;
	label(after(ev->real_ns, delay_ns), &m->next_start);
}

/* timeout-kill counts from the first TERM: a second svc -t must not push
 * the SIGKILL further away. */
static void arm_kill(struct svfsm *m, const struct svfsm_event *ev)
{
	if (m->conf.has_timeout_kill && m->deadline_kind != SVD_KILL)
		set_deadline(m, SVD_KILL, after(ev->mono_ns, m->conf.timeout_kill_ns));
}

/* 0.76's svc -d: TERM then CONT (a paused process must see the TERM),
 * and the pause is over. */
static void stop_main(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act)
{
	signal_main(act, SIGTERM);
	act->flags |= SVA_CONT;
	m->paused = 0;
	m->expect_exit = 1;
	set_state(m, SVS_STOPPING, ev, act);
	arm_kill(m, ev);
}

static int busy_down(const struct svfsm *m)
{
	return m->state == SVS_FINISHING || m->strays;
}

static void exit_now(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act)
{
	set_deadline(m, SVD_NONE, 0);
	m->has_next_start = 0;
	set_state(m, SVS_DOWN, ev, act);
	act->flags |= SVA_EXIT;
}

/* One more failure in a row; the give-up count reached decides to fail. */
static void count_failure(struct svfsm *m)
{
	if (m->failures < UINT32_MAX)
		m->failures++;
	if (m->conf.give_up && m->failures >= m->conf.give_up && !m->giving_up)
		m->giving_up = SVS_FAILED_GIVE_UP;
}

static void fail(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act)
{
	set_deadline(m, SVD_NONE, 0);
	m->has_next_start = 0;
	m->failed_by = m->giving_up;
	m->giving_up = SVS_FAILED_NONE;
	m->want = 'd';
	set_state(m, SVS_FAILED, ev, act);
}

static void ctl_up(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act)
{
	/* A manual start is a fresh start: the failed state and its count go. */
	if (m->state == SVS_FAILED || m->giving_up ||
	    (m->conf.give_up && m->failures >= m->conf.give_up)) {
		m->failures = 0;
		m->giving_up = SVS_FAILED_NONE;
		m->failed_by = SVS_FAILED_NONE;
	}
	m->want = ev->ctl == 'u' ? 'u' : 'o';
	act->flags |= SVA_ANNOUNCE;
	if (m->pid)
		return;
	if (busy_down(m))
		m->start_now = 1;
	else
		start(m, ev, act);
}

static void ctl_down(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act)
{
	m->want = 'd';
	m->start_now = 0;
	m->giving_up = SVS_FAILED_NONE; /* a manual stop, not a failure */
	act->flags |= SVA_ANNOUNCE;
	if (m->pid) {
		stop_main(m, ev, act);
	} else if (!busy_down(m) && m->state != SVS_FAILED) {
		set_deadline(m, SVD_NONE, 0);
		m->has_next_start = 0;
		set_state(m, SVS_DOWN, ev, act);
	}
}

static void on_control(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act)
{
	int sig;

	switch (ev->ctl) {
	case 'u':
	case 'o':
		ctl_up(m, ev, act);
		return;
	case 'd':
		ctl_down(m, ev, act);
		return;
	case 'x':
		m->exit_requested = 1;
		act->flags |= SVA_ANNOUNCE;
		if (!m->pid && !busy_down(m))
			exit_now(m, ev, act);
		return;
	case 'p':
		m->paused = 1;
		act->flags |= SVA_ANNOUNCE;
		if (m->pid)
			signal_main(act, SIGSTOP);
		return;
	case 'c':
		m->paused = 0;
		act->flags |= SVA_ANNOUNCE;
		if (m->pid)
			signal_main(act, SIGCONT);
		return;
	}
	sig = svfsm_ctl_signal(ev->ctl);
	if (!sig || !m->pid)
		return; /* compat: unknown bytes are ignored, as in 0.76 */
	signal_main(act, sig);
	if (ev->ctl == 't' || ev->ctl == 'k')
		m->expect_exit = 1;
	if (ev->ctl == 't')
		arm_kill(m, ev);
}

static void on_spawned(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act)
{
	m->spawning = 0;
	m->pid = ev->pid;
	m->started_ns = ev->mono_ns;
	label(ev->real_ns, &m->stamp);
	m->paused = 0;
	m->expect_exit = 0;
	m->start_now = 0;
	m->has_next_start = 0;
	m->has_ready_since = 0;
	set_deadline(m, SVD_NONE, 0);
	set_state(m, m->wait_ready ? SVS_STARTING : SVS_UP, ev, act);
}

/* The caller's report on SVA_SPAWN_RUN; anything else is ignored, so a
 * confused caller cannot invent a main process. */
static void on_spawn_result(struct svfsm *m, const struct svfsm_event *ev,
			    struct svfsm_actions *act)
{
	m->spawning = 0;
	if (ev->type == SVE_SPAWNED) {
		m->starts++;
		on_spawned(m, ev, act);
	} else if (ev->type == SVE_RUN_BAD) {
		backoff(m, ev, act, SVFSM_RETRY_NS);
	} else {
		count_failure(m);
		if (m->giving_up && m->want == 'u' && !m->exit_requested)
			fail(m, ev, act);
		else
			backoff(m, ev, act, svconf_backoff_delay(&m->conf, m->failures));
	}
}

/* How this run counts for the restart policy (DESIGN.md section 4). */
static void classify_exit(struct svfsm *m, const struct svfsm_event *ev)
{
	uint64_t lasted = ev->mono_ns > m->started_ns ? ev->mono_ns - m->started_ns : 0;

	/* The gate closed: a dependency went away, and run failing without
	 * it says nothing about run. */
	if (m->expect_exit || m->gate_closed) {
		m->restart_delay_ns = 0;
	} else if (lasted >= m->conf.healthy_ns) {
		m->failures = 0;
		m->restart_delay_ns = 0;
	} else {
		count_failure(m);
		m->restart_delay_ns = svconf_backoff_delay(&m->conf, m->failures);
	}
	m->expect_exit = 0;
}

static void begin_finish(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act)
{
	set_state(m, SVS_FINISHING, ev, act);
	act->flags |= SVA_SPAWN_FINISH;
	act->finish_args[0] = m->finish_args[0];
	act->finish_args[1] = m->finish_args[1];
}

/* TERM to what is left at once, the kill after stray-grace. The caller
 * reports SVE_STRAYS_GONE at once if nothing was left. */
static void clear_strays(struct svfsm *m, enum svfsm_strays then, const struct svfsm_event *ev,
			 struct svfsm_actions *act)
{
	m->strays = then;
	m->strays_kills = 0;
	act->flags |= SVA_STRAYS_TERM;
	set_deadline(m, SVD_STRAYS, after(ev->mono_ns, m->conf.stray_grace_ns));
}

static void on_run_exited(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act)
{
	if (!m->pid)
		return;
	m->pid = 0;
	label(ev->real_ns, &m->stamp);
	m->paused = 0;
	m->has_ready_since = 0;
	if (ev->unknown) {
		/* Adopted: not our child, no status. finish gets "-1 0". */
		m->last_exit = SVS_EXIT_NONE;
		m->last_code = 0;
		m->finish_args[0] = -1;
		m->finish_args[1] = 0;
	} else {
		m->last_exit = ev->sig ? SVS_EXIT_SIGNAL : SVS_EXIT_CODE;
		m->last_code = ev->sig ? ev->sig : ev->code;
		m->finish_args[0] = ev->sig ? -1 : ev->code;
		m->finish_args[1] = ev->sig;
	}
	classify_exit(m, ev);
	set_deadline(m, SVD_NONE, 0);
	if (m->cgroup) {
		set_state(m, SVS_STOPPING, ev, act);
		clear_strays(m, SVF_STRAYS_FINISH, ev, act);
		return;
	}
	begin_finish(m, ev, act);
}

/* Main process and finish are both gone: exit, restart, wait or rest. */
static void after_down(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act)
{
	set_deadline(m, SVD_NONE, 0);
	if (m->exit_requested) {
		exit_now(m, ev, act);
	} else if (m->start_now && m->want != 'd') {
		start(m, ev, act);
	} else if (m->want == 'u' && m->giving_up) {
		fail(m, ev, act);
	} else if (m->want == 'u') {
		if (m->restart_delay_ns == 0)
			start(m, ev, act);
		else
			backoff(m, ev, act, m->restart_delay_ns);
	} else {
		set_state(m, SVS_DOWN, ev, act);
	}
	m->giving_up = SVS_FAILED_NONE;
	m->start_now = 0;
}

static void on_timer(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act)
{
	enum svfsm_deadline kind = m->deadline_kind;

	if (!m->deadline_ns || ev->mono_ns < m->deadline_ns)
		return;
	set_deadline(m, SVD_NONE, 0);
	switch (kind) {
	case SVD_START:
		if (!m->pid && !busy_down(m))
			start(m, ev, act);
		break;
	case SVD_KILL:
		if (m->pid)
			signal_main(act, SIGKILL);
		break;
	case SVD_FINISH:
		if (m->finish_pid)
			act->flags |= SVA_KILL_FINISH;
		break;
	case SVD_STRAYS:
		if (m->strays) {
			act->flags |= SVA_STRAYS_KILL;
			if (m->strays_kills < UINT32_MAX)
				m->strays_kills++;
			act->strays_kills = m->strays_kills;
			set_deadline(m, SVD_STRAYS, after(ev->mono_ns, SVFSM_REKILL_NS));
		}
		break;
	case SVD_NONE:
		break;
	}
}

static void on_term(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act)
{
	m->exit_requested = 1;
	m->want = 'd';
	m->start_now = 0;
	act->flags |= SVA_ANNOUNCE;
	if (m->pid)
		stop_main(m, ev, act);
	else if (!busy_down(m))
		exit_now(m, ev, act);
}

static void on_finish_done(struct svfsm *m, const struct svfsm_event *ev,
			   struct svfsm_actions *act)
{
	/* EXITED needs a finish that started; SKIPPED means none did. */
	if (m->state != SVS_FINISHING || m->strays ||
	    (ev->type == SVE_FINISH_EXITED) != !!m->finish_pid)
		return;
	m->finish_pid = 0;
	if (ev->type == SVE_FINISH_EXITED && ev->code == SVFSM_FINISH_GIVE_UP && !m->giving_up &&
	    !m->start_now)
		m->giving_up = SVS_FAILED_FINISH;
	/* finish runs in the service's cgroup too: what it left behind is
	 * cleared before the next start (state stays finishing meanwhile). */
	if (m->cgroup && ev->type == SVE_FINISH_EXITED) {
		clear_strays(m, SVF_STRAYS_START, ev, act);
		return;
	}
	after_down(m, ev, act);
}

static void on_strays_gone(struct svfsm *m, const struct svfsm_event *ev,
			   struct svfsm_actions *act)
{
	enum svfsm_strays then = m->strays;

	if (!then)
		return;
	m->strays = SVF_STRAYS_NONE;
	m->strays_kills = 0;
	set_deadline(m, SVD_NONE, 0);
	if (then == SVF_STRAYS_FINISH)
		begin_finish(m, ev, act);
	else
		after_down(m, ev, act);
}

/* A predecessor was killed and left its main process running: it becomes
 * ours, as if just spawned, but keeps its start label and readiness. */
static void on_adopted(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act)
{
	if (m->state != SVS_DOWN || m->pid || m->spawning || !ev->pid)
		return;
	m->pid = ev->pid;
	m->started_ns = ev->mono_ns;
	if (ev->has_stamp)
		m->stamp = ev->stamp;
	else
		label(ev->real_ns, &m->stamp);
	m->paused = 0;
	m->expect_exit = 0;
	m->start_now = 0;
	m->has_next_start = 0;
	m->has_ready_since = 0;
	set_deadline(m, SVD_NONE, 0);
	if (ev->want == 'u' || ev->want == 'd' || ev->want == 'o')
		m->want = ev->want;
	if (ev->ready) {
		m->has_ready_since = 1;
		label(ev->real_ns, &m->ready_since);
	}
	set_state(m, ev->ready ? SVS_READY : m->wait_ready ? SVS_STARTING : SVS_UP, ev, act);
	m->since = m->stamp;
	if (m->want == 'd')
		stop_main(m, ev, act);
}

static void on_ready(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act)
{
	if (!m->pid || (m->state != SVS_STARTING && m->state != SVS_UP))
		return;
	m->has_ready_since = 1;
	label(ev->real_ns, &m->ready_since);
	set_state(m, SVS_READY, ev, act);
}

/* Opening starts a start that was held; closing changes nothing now: the
 * next start (or exit) looks at the gate. */
static void on_gate(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act)
{
	m->gate_closed = !!ev->gate_closed;
	if (m->state == SVS_WAITING)
		act->flags |= SVA_ANNOUNCE; /* waiting_for= may have changed */
	if (!m->gate_closed && m->state == SVS_WAITING && !m->pid && !m->spawning &&
	    !busy_down(m) && m->want != 'd' && !m->exit_requested)
		start(m, ev, act);
}

static void on_init(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act)
{
	label(ev->real_ns, &m->stamp);
	label(ev->real_ns, &m->since);
	m->want = ev->normally_up ? 'u' : 'd';
	act->flags |= SVA_ANNOUNCE;
	/* compat: 0.76 writes status, then makes supervise/ok, then starts;
	 * a deadline of "now" keeps that order (supervise opens ok before
	 * its first wait). */
	if (ev->normally_up)
		set_deadline(m, SVD_START, ev->mono_ns);
	if (ev->leftovers && m->cgroup) {
		set_state(m, SVS_STOPPING, ev, act);
		clear_strays(m, SVF_STRAYS_START, ev, act);
	}
}

void svfsm_step(struct svfsm *m, const struct svfsm_event *ev, struct svfsm_actions *act)
{
	memset(act, 0, sizeof *act);
	switch (ev->type) {
	case SVE_INIT: on_init(m, ev, act); break;
	case SVE_CONTROL: on_control(m, ev, act); break;
	case SVE_SPAWNED:
	case SVE_RUN_BAD:
	case SVE_SPAWN_FAILED:
		if (m->spawning)
			on_spawn_result(m, ev, act);
		break;
	case SVE_RUN_EXITED: on_run_exited(m, ev, act); break;
	case SVE_FINISH_SPAWNED:
		if (m->state == SVS_FINISHING && !m->finish_pid && !m->strays) {
			m->finish_pid = ev->pid;
			set_deadline(m, SVD_FINISH, after(ev->mono_ns, m->conf.finish_timeout_ns));
		}
		break;
	case SVE_FINISH_SKIPPED:
	case SVE_FINISH_EXITED: on_finish_done(m, ev, act); break;
	case SVE_TIMER: on_timer(m, ev, act); break;
	case SVE_TERM: on_term(m, ev, act); break;
	case SVE_READY: on_ready(m, ev, act); break;
	case SVE_STRAYS_GONE: on_strays_gone(m, ev, act); break;
	case SVE_ADOPTED: on_adopted(m, ev, act); break;
	case SVE_GATE: on_gate(m, ev, act); break;
	}
}

void svfsm_status(const struct svfsm *m, struct svstatus *out)
{
	out->stamp = m->stamp;
	out->pid = m->pid;
	out->paused = m->paused;
	out->want = m->want == 'o' ? 0 : m->want; /* compat: 0.76 writes 0 for once */
}

void svfsm_state(const struct svfsm *m, struct svstate *out)
{
	out->state = m->state;
	out->pid = m->pid;
	out->since = m->since;
	out->has_ready_since = m->has_ready_since;
	out->ready_since = m->ready_since;
	out->want = m->want;
	out->paused = m->pid ? m->paused : 0;
	out->has_next_start = m->has_next_start;
	out->next_start = m->next_start;
	out->failures = m->failures;
	out->starts = m->starts;
	out->failed_by = m->state == SVS_FAILED ? m->failed_by : SVS_FAILED_NONE;
	out->last_exit = m->last_exit;
	out->last_code = m->last_code;
}

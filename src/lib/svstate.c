/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <dt/scan.h>
#include <dt/svgate.h>
#include <dt/svstate.h>

static const char *const names[SVS_NSTATES] = {
	[SVS_DOWN] = "down",
	[SVS_STARTING] = "starting",
	[SVS_UP] = "up",
	[SVS_READY] = "ready",
	[SVS_STOPPING] = "stopping",
	[SVS_FINISHING] = "finishing",
	[SVS_BACKOFF] = "backoff",
	[SVS_FAILED] = "failed",
	[SVS_WAITING] = "waiting",
};

/* A state without a name would print as "unknown" and never parse. */
_Static_assert(sizeof names / sizeof names[0] == SVS_NSTATES, "a state without a name");
static const char *const failed_by_names[] = {
	[SVS_FAILED_NONE] = "",
	[SVS_FAILED_GIVE_UP] = "give-up",
	[SVS_FAILED_FINISH] = "finish",
};

const char *svstate_failed_by_name(enum svstate_failed_by f)
{
	if ((unsigned)f < sizeof failed_by_names / sizeof failed_by_names[0])
		return failed_by_names[f];
	return "";
}

const char *svstate_name(enum svstate_state s)
{
	if ((unsigned)s < sizeof names / sizeof names[0])
		return names[s];
	return "unknown";
}

int svstate_from_name(const char *name, size_t len, enum svstate_state *out)
{
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0) {
			*out = (enum svstate_state)i;
			return 0;
		}
	return -EINVAL;
}

static const char *want_name(char w)
{
	return w == 'u' ? "up" : w == 'd' ? "down" : "once";
}

/* A bounded appender. svstate_format() runs in supervise at every state
 * change, in 1,000 processes: formatting by hand keeps stdio's deep stack
 * frames (several KiB, a resident page per process) out of it. */
struct out {
	char *p;
	size_t left;
	int over;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (n >= o->left) {
		o->over = 1;
		return;
	}
	memcpy(o->p, s, n);
	o->p += n;
	o->left -= n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_u64(struct out *o, uint64_t u)
{
	char d[24];
	int i = sizeof d;

	do
		d[--i] = (char)('0' + u % 10);
	while ((u /= 10) && i > 0);
	put(o, d + i, sizeof d - (size_t)i);
}

static void put_i64(struct out *o, int64_t v)
{
	if (v < 0)
		put(o, "-", 1);
	put_u64(o, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

static void put_label(struct out *o, int has, const struct tai64n *t)
{
	char l[TAI64N_FMT];

	if (!has)
		return;
	tai64n_fmt(t, l);
	put(o, l, TAI64N_FMT);
}

/* Control bytes as '?', so that a value stays one line. */
static void put_safe(struct out *o, const char *s, size_t n)
{
	size_t i;

	if (n >= o->left) {
		o->over = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		o->p[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	o->p += n;
	o->left -= n;
}

/* One line whatever the service sent: control bytes become '?' (sdnotify
 * has done so already for supervise; the format does not rely on it). */
static void put_status(struct out *o, const char *s)
{
	size_t n = strnlen(s, SVSTATE_STATUS_MAX - 1);

	if (n == 0)
		return;
	puts_(o, "status=");
	put_safe(o, s, n);
	puts_(o, "\n");
}

/* The gate's lines joined with ',' (see svstate_format), in at most
 * SVSTATE_WAITING_MAX - 1 bytes: a name that would leave no room for the
 * ",..." that says some are missing is not written. */
static void put_waiting(struct out *o, const char *list, size_t len)
{
	const size_t max = SVSTATE_WAITING_MAX - 1, mark = 4; /* ",..." */
	const char *name, *next = NULL;
	size_t used = 0, n, nn = 0, pos = 0, room;
	int r, rn, cut = 0;

	for (r = svgate_next(list, len, &pos, &name, &n); r == 1; r = rn, name = next, n = nn) {
		rn = svgate_next(list, len, &pos, &next, &nn);
		/* The last name needs no room for the mark. */
		room = rn == 0 ? max : max - mark;
		if (used + (used ? 1 : 0) + n > room) {
			cut = 1;
			break;
		}
		if (used) {
			put(o, ",", 1);
			used++;
		}
		put_safe(o, name, n);
		used += n;
	}
	if (r < 0)
		cut = 1; /* a name the reader's bound cut */
	if (cut)
		puts_(o, used ? ",..." : "...");
}

int svstate_format(const struct svstate *st, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };

	puts_(&o, "state=");
	puts_(&o, svstate_name(st->state));
	puts_(&o, "\npid=");
	put_i64(&o, st->pid);
	puts_(&o, "\nsince=");
	put_label(&o, 1, &st->since);
	puts_(&o, "\nready_since=");
	put_label(&o, st->has_ready_since, &st->ready_since);
	puts_(&o, "\nwant=");
	puts_(&o, want_name(st->want));
	puts_(&o, st->paused ? "\npaused=1\nnormally=" : "\npaused=0\nnormally=");
	puts_(&o, st->normally_up ? "up" : "down");
	puts_(&o, "\nnext_start=");
	put_label(&o, st->has_next_start, &st->next_start);
	puts_(&o, "\nfailures=");
	put_i64(&o, st->failures);
	puts_(&o, "\nstarts=");
	put_u64(&o, st->starts);
	puts_(&o, "\nfailed_by=");
	puts_(&o, svstate_failed_by_name(st->failed_by));
	puts_(&o, "\nwaiting_for=");
	if (st->waiting_list)
		put_waiting(&o, st->waiting_list, st->waiting_len);
	else
		put_safe(&o, st->waiting_for, strnlen(st->waiting_for, SVSTATE_WAITING_MAX - 1));
	puts_(&o, "\nlast_exit=");
	if (st->last_exit == SVS_EXIT_CODE) {
		puts_(&o, "exit ");
		put_i64(&o, st->last_code);
	} else if (st->last_exit == SVS_EXIT_SIGNAL) {
		puts_(&o, "signal ");
		put_i64(&o, st->last_code);
	} else {
		puts_(&o, "none");
	}
	puts_(&o, "\nprocs=");
	put_i64(&o, st->procs);
	puts_(&o, "\ncgroup=");
	puts_(&o, st->cgroup_path ? st->cgroup_path : st->cgroup[0] ? st->cgroup : "none");
	puts_(&o, "\nsupervise_pid=");
	put_i64(&o, st->supervise_pid);
	puts_(&o, "\n");
	put_status(&o, st->status_text ? st->status_text : st->status);
	if (o.over)
		return -ENOSPC;
	*o.p = 0;
	return (int)(size - o.left);
}

static int scan_u64_n(const char *v, size_t len, uint64_t *out)
{
	char tmp[24];

	if (len == 0 || len >= sizeof tmp)
		return -EINVAL;
	memcpy(tmp, v, len);
	tmp[len] = 0;
	return scan_u64(tmp, out) < 0 ? -EINVAL : 0;
}

static int scan_u32(const char *v, size_t len, uint32_t *out)
{
	uint64_t x;

	if (scan_u64_n(v, len, &x) < 0 || x > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)x;
	return 0;
}

static int scan_label(const char *v, size_t len, int *has, struct tai64n *out)
{
	if (len == 0) {
		*has = 0;
		return 0;
	}
	if (len != TAI64N_FMT || tai64n_scan(v, len, out) < 0)
		return -EINVAL;
	*has = 1;
	return 0;
}

static int eq(const char *a, size_t alen, const char *lit)
{
	return strlen(lit) == alen && memcmp(a, lit, alen) == 0;
}

static int parse_last(const char *v, size_t len, struct svstate *st)
{
	uint32_t code;

	if (eq(v, len, "none")) {
		st->last_exit = SVS_EXIT_NONE;
		return 0;
	}
	if (len > 5 && memcmp(v, "exit ", 5) == 0) {
		const char *p = v + 5;
		size_t l = len - 5;
		int neg = l > 0 && *p == '-';

		if (scan_u32(p + neg, l - neg, &code) < 0 || code > 255)
			return -EINVAL;
		st->last_exit = SVS_EXIT_CODE;
		st->last_code = neg ? -(int)code : (int)code;
		return 0;
	}
	if (len > 7 && memcmp(v, "signal ", 7) == 0) {
		if (scan_u32(v + 7, len - 7, &code) < 0 || code > 127)
			return -EINVAL;
		st->last_exit = SVS_EXIT_SIGNAL;
		st->last_code = (int)code;
		return 0;
	}
	return -EINVAL;
}

static int parse_field(const char *k, size_t klen, const char *v, size_t vlen, struct svstate *st,
		       int *seen_state)
{
	uint32_t u;
	int has;

	if (eq(k, klen, "state")) {
		*seen_state = 1;
		return svstate_from_name(v, vlen, &st->state);
	}
	if (eq(k, klen, "pid"))
		return scan_u32(v, vlen, &st->pid);
	if (eq(k, klen, "supervise_pid"))
		return scan_u32(v, vlen, &st->supervise_pid);
	if (eq(k, klen, "failures"))
		return scan_u32(v, vlen, &st->failures);
	if (eq(k, klen, "starts")) {
		st->has_starts = 1;
		return scan_u64_n(v, vlen, &st->starts);
	}
	if (eq(k, klen, "since"))
		return scan_label(v, vlen, &has, &st->since);
	if (eq(k, klen, "ready_since"))
		return scan_label(v, vlen, &st->has_ready_since, &st->ready_since);
	if (eq(k, klen, "next_start"))
		return scan_label(v, vlen, &st->has_next_start, &st->next_start);
	if (eq(k, klen, "paused")) {
		if (scan_u32(v, vlen, &u) < 0 || u > 1)
			return -EINVAL;
		st->paused = (int)u;
		return 0;
	}
	if (eq(k, klen, "want")) {
		if (eq(v, vlen, "up"))
			st->want = 'u';
		else if (eq(v, vlen, "down"))
			st->want = 'd';
		else if (eq(v, vlen, "once"))
			st->want = 'o';
		else
			return -EINVAL;
		return 0;
	}
	if (eq(k, klen, "normally")) {
		if (!eq(v, vlen, "up") && !eq(v, vlen, "down"))
			return -EINVAL;
		st->normally_up = eq(v, vlen, "up");
		return 0;
	}
	if (eq(k, klen, "last_exit"))
		return parse_last(v, vlen, st);
	if (eq(k, klen, "failed_by")) {
		for (u = 0; u < sizeof failed_by_names / sizeof failed_by_names[0]; u++)
			if (eq(v, vlen, failed_by_names[u])) {
				st->failed_by = (enum svstate_failed_by)u;
				return 0;
			}
		return -EINVAL;
	}
	if (eq(k, klen, "procs")) {
		if (vlen == 2 && memcmp(v, "-1", 2) == 0) {
			st->procs = -1;
			return 0;
		}
		if (scan_u32(v, vlen, &u) < 0)
			return -EINVAL;
		st->procs = u;
		return 0;
	}
	if (eq(k, klen, "cgroup")) {
		if (vlen == 0 || vlen >= sizeof st->cgroup)
			return -EINVAL;
		memcpy(st->cgroup, v, vlen);
		st->cgroup[vlen] = 0;
		return 0;
	}
	if (eq(k, klen, "waiting_for")) {
		if (vlen >= sizeof st->waiting_for)
			vlen = sizeof st->waiting_for - 1;
		memcpy(st->waiting_for, v, vlen);
		st->waiting_for[vlen] = 0;
		return 0;
	}
	if (eq(k, klen, "status")) {
		if (vlen >= sizeof st->status)
			vlen = sizeof st->status - 1;
		memcpy(st->status, v, vlen);
		st->status[vlen] = 0;
		return 0;
	}
	return 0; /* unknown key: a newer supervise; skip it */
}

int svstate_parse(const char *text, size_t len, struct svstate *out)
{
	const char *p = text, *end = text + len;
	int seen_state = 0;

	memset(out, 0, sizeof *out);
	out->procs = -1;
	out->want = 'u';
	out->normally_up = 1;
	strcpy(out->cgroup, "none");
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *eol = nl ? nl : end;
		const char *eqp = memchr(p, '=', eol - p);

		if (eol > p) {
			if (!eqp)
				return -EINVAL;
			if (parse_field(p, eqp - p, eqp + 1, eol - eqp - 1, out, &seen_state) < 0)
				return -EINVAL;
		}
		p = nl ? nl + 1 : end;
	}
	return seen_state ? 0 : -EINVAL;
}

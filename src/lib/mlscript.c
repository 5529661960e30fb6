/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dt/mlscript.h>
#include <dt/scan.h>

static void warn(struct mlscript *s, enum mlwarn_kind kind, const char *action, uint64_t value)
{
	struct mlwarn *w = &s->warns[s->nwarns++];

	w->kind = kind;
	w->action = action;
	w->value = value;
}

/* compat: 0.76 reads the leading digits (scan_ulong) and ignores the rest;
 * no digits reads as 0. We saturate where 0.76 would wrap around. */
static uint64_t number(struct mlscript *s, const char *action, uint64_t lo, uint64_t hi)
{
	uint64_t v = 0, c;
	int n = scan_u64_prefix(action + 1, &v);

	if (n < 0) {
		v = UINT64_MAX;
		n = (int)strspn(action + 1, "0123456789");
	}
	c = v < lo ? lo : v > hi ? hi : v;
	if (n == 0 || action[1 + n])
		warn(s, MLW_NOT_NUMBER, action, c);
	else if (c != v)
		warn(s, MLW_CLAMPED, action, c);
	return c;
}

static void add_act(struct mlscript *s, enum mlact_kind kind, const char *arg, size_t idx)
{
	struct mlact *a = &s->acts[s->nacts++];

	a->kind = kind;
	a->arg = arg;
	a->idx = idx;
}

static void parse_one(struct mlscript *s, const char *a, int first, struct mldircfg *cur)
{
	switch (a[0]) {
	case '+':
	case '-':
		add_act(s, a[0] == '+' ? MLACT_SELECT : MLACT_DESELECT, a + 1, 0);
		s->has_patterns = 1;
		break;
	case 'e':
		if (a[1])
			warn(s, MLW_TRAILING, a, 0);
		add_act(s, MLACT_STDERR, a + 1, 0);
		break;
	case '=':
		s->files[s->nfiles] = a + 1;
		add_act(s, MLACT_FILE, a + 1, s->nfiles++);
		break;
	case 's':
		cur->size = number(s, a, MLSCRIPT_SIZE_MIN, MLSCRIPT_SIZE_MAX);
		break;
	case 'n':
		cur->num = number(s, a, MLSCRIPT_NUM_MIN, UINT64_MAX);
		break;
	case '!':
		cur->processor = a + 1;
		break;
	case '.':
	case '/':
		s->dirs[s->ndirs] = *cur;
		s->dirs[s->ndirs].path = a;
		add_act(s, MLACT_DIR, a, s->ndirs++);
		break;
	case 't':
		/* compat: only the first action can be t; 0.76 ignores later ones. */
		if (first) {
			s->timestamp = 1;
			if (a[1])
				warn(s, MLW_TRAILING, a, 0);
		} else {
			warn(s, MLW_T_LATE, a, 0);
		}
		break;
	default:
		warn(s, MLW_UNKNOWN, a, 0);
	}
}

/* s, n and ! only act on the log directories that follow them. */
static void warn_useless_tail(struct mlscript *s, int argc, char *const *argv)
{
	int i;

	for (i = argc - 1; i >= 0; i--) {
		char c = argv[i][0];

		if (c == '.' || c == '/')
			break;
		if (c == 's' || c == 'n' || c == '!')
			warn(s, MLW_NO_DIR_AFTER, argv[i], 0);
	}
}

int mlscript_parse(int argc, char *const *argv, struct mlscript *out)
{
	struct mldircfg cur = { NULL, MLSCRIPT_SIZE_DEFAULT, MLSCRIPT_NUM_DEFAULT, NULL };
	size_t n = argc > 0 ? (size_t)argc : 0;
	int i;

	memset(out, 0, sizeof *out);
	out->acts = calloc(n + 1, sizeof *out->acts);
	out->dirs = calloc(n + 1, sizeof *out->dirs);
	out->files = calloc(n + 1, sizeof *out->files);
	out->warns = calloc(2 * n + 1, sizeof *out->warns);
	if (!out->acts || !out->dirs || !out->files || !out->warns) {
		mlscript_free(out);
		return -ENOMEM;
	}
	for (i = 0; i < argc; i++)
		parse_one(out, argv[i], i == 0, &cur);
	warn_useless_tail(out, argc, argv);
	return 0;
}

void mlscript_free(struct mlscript *s)
{
	free(s->acts);
	free(s->dirs);
	free(s->files);
	free(s->warns);
	memset(s, 0, sizeof *s);
}

int mlscript_warn_format(const struct mlwarn *w, char *buf, size_t size)
{
	const char *a = w->action;
	unsigned long long v = w->value;
	int n;

	switch (w->kind) {
	case MLW_UNKNOWN:
		n = snprintf(buf, size, "ignoring unknown action: %s", a);
		break;
	case MLW_T_LATE:
		n = snprintf(buf, size, "ignoring %s: t counts only as the first action", a);
		break;
	case MLW_TRAILING:
		n = snprintf(buf, size, "ignoring text after %c in action: %s", a[0], a);
		break;
	case MLW_NOT_NUMBER:
		n = snprintf(buf, size, "action %s: not a number, using %c%llu", a, a[0], v);
		break;
	case MLW_CLAMPED:
		n = snprintf(buf, size, "action %s: out of range, using %c%llu", a, a[0], v);
		break;
	default:
		n = snprintf(buf, size, "action %s: no log directory follows, no effect", a);
	}
	if (n < 0)
		n = 0;
	if (size && (size_t)n >= size)
		n = (int)size - 1;
	return n;
}

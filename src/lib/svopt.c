/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <dt/optparse.h>
#include <dt/scan.h>
#include <dt/svopt.h>

/* Both programs' options come from optparse_next, the one parser of
 * 0.76's getopt rules (no permutation, "--", "-" an operand, clusters,
 * attached or separate values); what is left here is what each program
 * makes of its letters. */
int svc_parse_args(int argc, char *const argv[], char letters[SVC_LETTERS_MAX + 1], char *bad)
{
	struct optparse op;
	size_t n = 0;
	int c;

	letters[0] = 0;
	optparse_init(&op);
	while ((c = optparse_next(&op, argc, argv, SVC_LETTERS)) != OPTPARSE_END) {
		/* compat: '-' inside a cluster ("-u-d") is illegal in 0.76, as
		 * optparse says: '-' is no option letter */
		if (c == OPTPARSE_UNKNOWN) {
			*bad = (char)op.opt;
			return -EINVAL;
		}
		/* compat: 0.76 keeps only the first of repeated letters */
		if (!memchr(letters, c, n)) {
			letters[n++] = (char)c;
			letters[n] = 0;
		}
	}
	return op.ind;
}

static int set_goal(struct svwait_opts *o, char c)
{
	switch (c) {
	case 'u': o->goal = SVW_UP; return 0;
	case 'd': o->goal = SVW_DOWN; return 0;
	case 'r': o->goal = SVW_READY; return 0;
	case 'x': o->goal = SVW_EXIT; return 0;
	case 'a': o->any = 0; return 0;
	case 'o': o->any = 1; return 0;
	}
	return -EINVAL;
}

int svwait_parse_args(int argc, char *const argv[], struct svwait_opts *o)
{
	struct optparse op;
	int c;

	memset(o, 0, sizeof *o);
	o->goal = SVW_UP;
	optparse_init(&op);
	while ((c = optparse_next(&op, argc, argv, "udrxaot:")) != OPTPARSE_END) {
		if (c == 't') {
			if (scan_seconds_ns(op.arg, &o->timeout_ns) < 0)
				return -EINVAL;
			o->has_timeout = 1;
		} else if (set_goal(o, (char)c) < 0) {
			return -EINVAL; /* OPTPARSE_UNKNOWN, OPTPARSE_NOARG */
		}
	}
	return op.ind < argc ? op.ind : -EINVAL;
}

int svlink_parse_args(int argc, char *const argv[], uint64_t *timeout_ns)
{
	struct optparse op;
	int c;

	optparse_init(&op);
	while ((c = optparse_next(&op, argc, argv, "t:")) != OPTPARSE_END) {
		if (c != 't' || scan_seconds_ns(op.arg, timeout_ns) < 0)
			return -EINVAL;
	}
	if (argc - op.ind < 1 || argc - op.ind > 2 || !argv[op.ind][0])
		return -EINVAL;
	return op.ind;
}

/* SPDX-License-Identifier: ISC */
/* setuidgid: runs a program as an account (its uid, its gid, and the gid as
 * the only supplementary group, as 0.76 does); with -c, keeping exactly
 * the named capabilities across the change, as ambient capabilities. */
#include "config.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/pathexec.h>
#include <lx/capset.h>

extern char **environ;

#define USAGE "account child"

/* 0.76 takes no options: only a first argument "-c" or "-cLIST" is ours,
 * anything else is an account name as before ("unknown account -x"). Not
 * optparse: it would make "-x" an illegal option and "--" the end of
 * options, where 0.76 sees account names. */
static int parse_caps_option(int argc, char **argv, uint64_t *keep)
{
	const char *list, *bad = NULL;
	size_t badlen = 0;
	int used;

	if (argc < 2 || strncmp(argv[1], "-c", 2))
		return 0;
	if (argv[1][2]) {
		list = argv[1] + 2;
		used = 1;
	} else {
		if (argc < 3)
			dt_die_usage(DT_EX_USAGE, USAGE);
		list = argv[2];
		used = 2;
	}
	if (!*list)
		dt_die(DT_EX_USAGE, "no capability named after -c");
	/* An argument, not supervise's file: no blanks or newline are allowed
	 * around the names, which lx_capset_parse would take. */
	bad = list + strcspn(list, " \t\n");
	if (*bad) {
		while (bad > list && bad[-1] != ',')
			bad--;
		badlen = strchrnul(bad, ',') - bad;
		dt_die(DT_EX_USAGE, "unknown capability %.*s", (int)badlen, bad);
	}
	if (lx_capset_parse(list, strlen(list), keep, &bad, &badlen) < 0)
		dt_die(DT_EX_USAGE, "unknown capability %.*s", (int)badlen, bad);
	return used;
}

static const char *step_words(enum lx_capset_step step)
{
	switch (step) {
	case LX_CAPSET_KEEPCAPS: return "keep capabilities";
	case LX_CAPSET_BOUNDING: return "drop capabilities from the bounding set";
	/* compat: 0.76 reports a setgroups failure as "unable to setgid". */
	case LX_CAPSET_SETGROUPS: return "setgid";
	case LX_CAPSET_SETGID: return "setgid";
	case LX_CAPSET_SETUID: return "setuid";
	case LX_CAPSET_CAPSET: return "set capabilities";
	case LX_CAPSET_AMBIENT: return "raise ambient capabilities";
	case LX_CAPSET_NO_NEW_PRIVS: return "set no_new_privs";
	default: return "change credentials";
	}
}

int main(int argc, char **argv)
{
	struct lx_capset_cred cred = { .flags = LX_CAPSET_F_USER };
	enum lx_capset_step step;
	struct passwd *pw;
	int skip, e;

	dt_progname = "setuidgid";
	skip = parse_caps_option(argc, argv, &cred.keep);
	argc -= skip;
	argv += skip;
	if (argc < 3)
		dt_die_usage(DT_EX_USAGE, USAGE);
	pw = getpwnam(argv[1]);
	if (!pw)
		dt_die(DT_EX_TEMP, "unknown account %s", argv[1]);
	cred.uid = pw->pw_uid;
	cred.gid = pw->pw_gid;
	cred.groups = &cred.gid;
	cred.ngroups = 1;
	/* With -c the bounding set shrinks to the list too: nothing run
	 * later (set-uid or file-capability programs) gains another one. */
	if (skip)
		cred.flags |= LX_CAPSET_F_SETS | LX_CAPSET_F_BOUND;
	/* A non-root account keeps nothing without -c, even when the caller
	 * was not root (the kernel empties the sets only when leaving uid 0). */
	if (cred.uid != 0)
		cred.flags |= LX_CAPSET_F_SETS;
	e = lx_capset_drop_to(&cred, &step);
	if (e < 0)
		dt_die_errno(DT_EX_TEMP, -e, "unable to %s", step_words(step));
	e = pathexec_run(argv[2], argv + 2, environ, getenv("PATH"));
	dt_die_errno(DT_EX_TEMP, -e, "unable to run %s", argv[2]);
}

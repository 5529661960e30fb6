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
#include <lx/caps.h>

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
	if (lx_caps_parse(list, keep, &bad, &badlen) < 0)
		dt_die(DT_EX_USAGE, "unknown capability %.*s", (int)badlen, bad);
	return used;
}

static const char *step_words(enum lx_caps_step step)
{
	switch (step) {
	case LX_CAPS_KEEPCAPS: return "keep capabilities";
	case LX_CAPS_BOUNDING: return "drop capabilities from the bounding set";
	/* compat: 0.76 reports a setgroups failure as "unable to setgid". */
	case LX_CAPS_SETGROUPS: return "setgid";
	case LX_CAPS_SETGID: return "setgid";
	case LX_CAPS_SETUID: return "setuid";
	case LX_CAPS_SETCAPS: return "set capabilities";
	case LX_CAPS_AMBIENT: return "raise ambient capabilities";
	case LX_CAPS_NO_NEW_PRIVS: return "set no_new_privs";
	default: return "change credentials";
	}
}

int main(int argc, char **argv)
{
	struct lx_caps_cred cred = { 0 };
	enum lx_caps_step step;
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
		cred.flags = LX_CAPS_F_BOUND;
	e = lx_caps_drop_to(&cred, &step);
	if (e < 0)
		dt_die_errno(DT_EX_TEMP, -e, "unable to %s", step_words(step));
	e = pathexec_run(argv[2], argv + 2, environ, getenv("PATH"));
	dt_die_errno(DT_EX_TEMP, -e, "unable to run %s", argv[2]);
}

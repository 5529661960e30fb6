/* SPDX-License-Identifier: ISC */
/* envuidgid: runs a program with UID and GID set to an account's ids. */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/pathexec.h>

extern char **environ;

static void set_num(const char *name, unsigned long v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%lu", v);
	if (setenv(name, buf, 1) < 0)
		dt_die(DT_EX_TEMP, "out of memory");
}

int main(int argc, char **argv)
{
	const char *path = getenv("PATH");
	struct passwd *pw;
	int e;

	dt_progname = "envuidgid";
	if (argc < 3)
		dt_die_usage(DT_EX_USAGE, "account child");
	pw = getpwnam(argv[1]);
	if (!pw)
		dt_die(DT_EX_TEMP, "unknown account %s", argv[1]);
	set_num("GID", pw->pw_gid);
	set_num("UID", pw->pw_uid);
	e = pathexec_run(argv[2], argv + 2, environ, path);
	dt_die_errno(DT_EX_TEMP, -e, "unable to run %s", argv[2]);
}

/* SPDX-License-Identifier: ISC */
/* pgrphack: runs a program in a new session (and so a new process group). */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/pathexec.h>

extern char **environ;

int main(int argc, char **argv)
{
	int e;

	dt_progname = "pgrphack";
	if (argc < 2)
		dt_die_usage(DT_EX_USAGE, "child");
	/* compat: 0.76 calls setsid(), not just setpgid(), and ignores its
	 * failure (a process group leader keeps its group). */
	(void)setsid();
	e = pathexec_run(argv[1], argv + 1, environ, getenv("PATH"));
	dt_die_errno(DT_EX_TEMP, -e, "unable to run %s", argv[1]);
}

/* SPDX-License-Identifier: ISC */
/* fghack: runs a program that puts itself in the background, and waits
 * until it and every process it started have closed a pipe they inherit. */
#include "config.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/fdio.h>
#include <dt/pathexec.h>

extern char **environ;

/* compat: 0.76 hands the child 30 extra copies of the write end, so that a
 * daemon closing its low descriptors still holds one. */
#define COPIES 30

static void child(int pi[2], char **argv)
{
	int e;

	close(pi[0]);
	for (int i = 0; i < COPIES; i++)
		if (dup(pi[1]) < 0)
			break; /* out of descriptors: the copies made will do */
	e = pathexec_run(argv[0], argv, environ, getenv("PATH"));
	dt_die_errno(DT_EX_TEMP, -e, "unable to run %s", argv[0]);
}

/* End of file: every holder of the write end has closed it or exited. */
static void wait_for_eof(int fd)
{
	char buf[256];

	while (fd_read(fd, buf, sizeof buf) > 0)
		;
}

int main(int argc, char **argv)
{
	int pi[2], wstat;
	pid_t pid;

	dt_progname = "fghack";
	if (argc < 2)
		dt_die_usage(DT_EX_USAGE, "child");
	/* No O_CLOEXEC: the write end is the point, and the read end is closed
	 * by hand in the child. */
	if (pipe(pi) < 0)
		dt_die_sys(DT_EX_TEMP, "unable to create pipe");
	pid = fork();
	if (pid < 0)
		dt_die_sys(DT_EX_TEMP, "unable to fork");
	if (pid == 0)
		child(pi, argv + 1);
	close(pi[1]);
	wait_for_eof(pi[0]);
	if (waitpid(pid, &wstat, 0) < 0)
		dt_die_sys(DT_EX_TEMP, "wait failed");
	if (!WIFEXITED(wstat))
		dt_die(DT_EX_TEMP, "child crashed");
	return WEXITSTATUS(wstat);
}

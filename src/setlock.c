/* SPDX-License-Identifier: ISC */
/* setlock: runs a program holding an exclusive flock() on a file. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/fdio.h>
#include <dt/optparse.h>
#include <dt/pathexec.h>

extern char **environ;

#define USAGE "[ -nNxX ] file program [ arg ... ]"

struct opts {
	bool nodelay;	/* -n: fail at once if locked; -N: wait (default) */
	bool quiet;	/* -x: exit 0 when the file cannot be opened or locked */
};

static int parse(int argc, char **argv, struct opts *o)
{
	struct optparse op;
	char buf[128];
	int c;

	optparse_init(&op);
	while ((c = optparse_next(&op, argc, argv, "nNxX")) != OPTPARSE_END) {
		switch (c) {
		case 'n': o->nodelay = true; break;
		case 'N': o->nodelay = false; break;
		case 'x': o->quiet = true; break;
		case 'X': o->quiet = false; break;
		default:
			fd_write_all(2, buf, optparse_format_error(&op, c, dt_progname,
								   buf, sizeof buf));
			dt_die_usage(DT_EX_USAGE, USAGE);
		}
	}
	return op.ind;
}

/* The descriptor is deliberately left open across execve (no O_CLOEXEC):
 * the lock belongs to the program setlock runs, until it exits. */
static void lock(const char *file, const struct opts *o)
{
	int fd = open(file, O_WRONLY | O_NONBLOCK | O_APPEND | O_CREAT, 0600);

	if (fd < 0) {
		if (o->quiet)
			_exit(0); /* compat: -x exits 0, not 111 */
		dt_die_sys(DT_EX_TEMP, "unable to open %s", file);
	}
	if (flock(fd, LOCK_EX | (o->nodelay ? LOCK_NB : 0)) < 0) {
		if (o->quiet)
			_exit(0); /* compat: -x exits 0, not 111 */
		dt_die_sys(DT_EX_TEMP, "unable to lock %s", file);
	}
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	int first, e;

	dt_progname = "setlock";
	first = parse(argc, argv, &o);
	if (argc - first < 2)
		dt_die_usage(DT_EX_USAGE, USAGE);
	lock(argv[first], &o);
	e = pathexec_run(argv[first + 1], argv + first + 1, environ, getenv("PATH"));
	dt_die_errno(DT_EX_TEMP, -e, "unable to run %s", argv[first + 1]);
}

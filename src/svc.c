/* SPDX-License-Identifier: ISC */
/* svc: sends control letters to supervise through DIR/supervise/control. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/fdio.h>
#include <dt/svopt.h>

static const char options_text[] =
	"svc options: u up, d down, o once, x exit, p pause, c continue, h hup, a alarm, "
	"i interrupt, t term, k kill, 1 usr1, 2 usr2, q quit, w winch\n";

/* compat: 0.76's getopt names the program by argv[0]'s last component,
 * then svc prints its option list without a "svc:" prefix. */
__attribute__((noreturn))
static void usage(const char *argv0, char bad)
{
	const char *name = argv0 && *argv0 ? argv0 : dt_progname;
	const char *slash = strrchr(name, '/');
	char line[256];
	int n;

	if (slash)
		name = slash + 1;
	n = snprintf(line, sizeof line, "%s: illegal option -- %c\n", name, bad);
	if (n > 0 && (size_t)n < sizeof line)
		(void)fd_write_all(2, line, (size_t)n);
	(void)fd_write_all(2, options_text, sizeof options_text - 1);
	_exit(DT_EX_USAGE);
}

/* compat: every failure here is only a warning; svc still exits 0. */
static void control(const char *dir, const char *letters)
{
	int fd, fl, r;

	if (chdir(dir) < 0) {
		dt_warn_sys("unable to chdir to %s", dir);
		return;
	}
	fd = open("supervise/control", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENXIO)
			dt_warn("unable to control %s: supervise not running", dir);
		else
			dt_warn_sys("unable to control %s", dir);
		return;
	}
	/* The non-blocking open only detects a missing reader; the write
	 * itself blocks if the fifo is full, as 0.76's does. */
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	if (*letters) {
		r = fd_write_all(fd, letters, strlen(letters));
		if (r < 0)
			dt_warn_errno(-r, "error writing commands to %s", dir);
	}
	fd_close(fd);
}

int main(int argc, char **argv)
{
	char letters[SVC_LETTERS_MAX + 1], bad = '?';
	int first, origdir, i;

	dt_progname = "svc";
	signal(SIGPIPE, SIG_IGN);
	first = svc_parse_args(argc, argv, letters, &bad);
	if (first < 0)
		usage(argv[0], bad);
	/* compat: the way back is opened even when there is no DIR */
	origdir = open(".", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (origdir < 0)
		dt_die_sys(DT_EX_TEMP, "unable to open current directory");
	for (i = first; i < argc; i++) {
		control(argv[i], letters);
		if (fchdir(origdir) < 0)
			dt_die_sys(DT_EX_TEMP, "unable to set directory");
	}
	return DT_EX_OK;
}

/* SPDX-License-Identifier: ISC */
/* envdir: runs a program with environment variables set from the files of
 * a directory. The value rules live in src/lib/envdir.c. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/envdir.h>
#include <dt/exitcode.h>
#include <dt/pathexec.h>

extern char **environ;

/* compat: 0.76's envdir uses 111, not 100, for every failure, usage included. */
#define EX_ENVDIR DT_EX_TEMP

static void set_one(const char *dir, const char *name)
{
	char *value = NULL;
	int r;

	/* 0.76 exported a file "X=Y" as X with "Y=" in front of the value. */
	if (envdir_name_check(name) < 0)
		dt_die(EX_ENVDIR, "unable to use %s/%s as a variable: name contains =", dir, name);
	r = envdir_read_value(AT_FDCWD, name, &value);
	if (r == -ENOMEM)
		dt_die(EX_ENVDIR, "out of memory");
	if (r < 0)
		dt_die_errno(EX_ENVDIR, -r, "unable to read %s/%s", dir, name);
	if (r == 0) {
		unsetenv(name);
		return;
	}
	if (setenv(name, value, 1) < 0)
		dt_die(EX_ENVDIR, "out of memory");
	free(value);
}

/* Like 0.76 it changes into the directory and reads "." (so the messages
 * for unsearchable and unreadable directories stay 0.76's), and comes back
 * with an O_PATH handle, which needs no read permission on the start. */
static void load_dir(const char *dir)
{
	int orig = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct dirent *d;
	DIR *dp;

	if (orig < 0)
		dt_die_sys(EX_ENVDIR, "unable to open current directory");
	if (chdir(dir) < 0)
		dt_die_sys(EX_ENVDIR, "unable to switch to directory %s", dir);
	dp = opendir(".");
	if (!dp)
		dt_die_sys(EX_ENVDIR, "unable to read directory %s", dir);
	for (;;) {
		errno = 0;
		d = readdir(dp);
		if (!d)
			break;
		if (!envdir_name_skipped(d->d_name))
			set_one(dir, d->d_name);
	}
	if (errno)
		dt_die_sys(EX_ENVDIR, "unable to read directory %s", dir);
	closedir(dp);
	if (fchdir(orig) < 0)
		dt_die_sys(EX_ENVDIR, "unable to switch to starting directory");
	close(orig);
}

int main(int argc, char **argv)
{
	const char *p;
	char *path = NULL;
	int e;

	dt_progname = "envdir";
	if (argc < 3)
		dt_die_usage(EX_ENVDIR, "dir child");
	/* compat: the program is searched in envdir's own PATH, not in a
	 * PATH the directory sets. */
	p = getenv("PATH");
	if (p && !(path = strdup(p)))
		dt_die(EX_ENVDIR, "out of memory");
	load_dir(argv[1]);
	e = pathexec_run(argv[2], argv + 2, environ, path);
	dt_die_errno(EX_ENVDIR, -e, "unable to run %s", argv[2]);
}

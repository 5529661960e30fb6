/* SPDX-License-Identifier: ISC */
/* svlink: adds a service to a scan directory in one command and waits for
 * it (DESIGN.md section 6): checks DIR before anything is created, links
 * SCANDIR/NAME to DIR's absolute path atomically (a symlink under a name
 * svscan ignores, renamed with RENAME_NOREPLACE, so svscan never sees a
 * half-made entry and an existing NAME is never replaced), waits by
 * inotify until svscan has started a supervise for DIR (and DIR/log), then
 * becomes `svwait -u` for the rest of the time limit. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/fdio.h>
#include <dt/svctl.h>
#include <dt/svopt.h>
#include <lx/evloop.h>
#include <lx/inotify.h>

#define USAGE "[-t SECONDS] DIR [SCANDIR]"
#define EX_TIMEOUT 99
#define NS 1000000000ULL

/* The service's name: DIR's last component, trailing slashes ignored. */
static const char *base_name(char *dir)
{
	size_t n = strlen(dir);
	char *s;

	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = 0;
	s = strrchr(dir, '/');
	return s && s[1] ? s + 1 : dir;
}

static void check(const char *dir, const char *name)
{
	char what[PATH_MAX];
	int r;

	if (name[0] == '.' || strcmp(name, "/") == 0)
		dt_die(DT_EX_USAGE, "unable to link %s: svscan ignores names starting with a dot",
		       dir);
	r = svctl_check_dir(dir, what, sizeof what);
	if (r == -EINVAL || r == -EACCES)
		dt_die(DT_EX_USAGE, "%s is not an executable file: nothing linked", what);
	if (r == -ENOTDIR)
		dt_die(DT_EX_USAGE, "%s is not a directory: nothing linked", what);
	if (r < 0)
		dt_die_errno(DT_EX_USAGE, -r, "unable to use %s: nothing linked", what);
}

/* symlink under a dot name (svscan skips it), then rename without replace. */
static void link_atomically(const char *target, const char *scandir, const char *name)
{
	char tmp[NAME_MAX + 1];
	int dfd, r;

	dfd = open(scandir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		dt_die_sys(DT_EX_TEMP, "unable to open %s", scandir);
	if (strlen(name) > NAME_MAX - 24)
		dt_die(DT_EX_USAGE, "unable to link %s: name too long", name);
	snprintf(tmp, sizeof tmp, ".svlink.%ld.%s", (long)getpid(), name);
	if (symlinkat(target, dfd, tmp) < 0)
		dt_die_sys(DT_EX_TEMP, "unable to create a link in %s", scandir);
	r = renameat2(dfd, tmp, dfd, name, RENAME_NOREPLACE) < 0 ? -errno : 0;
	if (r == -EINVAL || r == -ENOSYS) {
		/* A filesystem without RENAME_NOREPLACE: symlinkat on the
		 * final name is just as atomic and never replaces either. */
		unlinkat(dfd, tmp, 0);
		r = symlinkat(target, dfd, name) < 0 ? -errno : 0;
	}
	if (r < 0) {
		unlinkat(dfd, tmp, 0);
		if (r == -EEXIST)
			dt_die(DT_EX_TEMP, "unable to link %s/%s: it exists", scandir, name);
		dt_die_errno(DT_EX_TEMP, -r, "unable to link %s/%s", scandir, name);
	}
	fd_close(dfd);
}

/* Only what can make a supervise appear: an entry made in DIR (supervise/,
 * its fifos) or ok opened by it. svlink's own open of ok succeeds only
 * once supervise runs. */
static int relevant(const struct inotify_event *ev)
{
	return !(ev->mask & IN_OPEN) || (ev->len && strcmp(ev->name, "ok") == 0);
}

static int all_running(int ino, char *const dirs[], int n)
{
	char sup[PATH_MAX];
	int i, r;

	for (i = 0; i < n; i++) {
		/* watch first, then look: nothing in between is missed */
		lx_inotify_add(ino, dirs[i], IN_CREATE | IN_MOVED_TO | IN_ONLYDIR);
		if (svctl_path(sup, sizeof sup, dirs[i], "supervise") == 0)
			lx_inotify_add(ino, sup, IN_CREATE | IN_MOVED_TO | IN_OPEN | IN_ONLYDIR);
		r = svctl_running(dirs[i]);
		if (r < 0)
			dt_die_errno(DT_EX_TEMP, -r, "unable to check %s", dirs[i]);
		if (!r)
			return 0;
	}
	return 1;
}

static void wait_supervised(char *const dirs[], int n, uint64_t deadline)
{
	struct lx_evloop loop;
	struct lx_event ev[4];
	int ino, r;

	if (lx_evloop_open(&loop) < 0 || (ino = lx_inotify_open()) < 0 ||
	    lx_evloop_add(&loop, ino, EPOLLIN, 0) < 0)
		dt_die(DT_EX_TEMP, "unable to set up inotify");
	for (r = all_running(ino, dirs, n); !r;) {
		uint64_t now = lx_now_mono_ns();

		if (now >= deadline)
			dt_die(EX_TIMEOUT, "timed out waiting for svscan to start %s", dirs[0]);
		r = lx_evloop_wait(&loop, ev, 4, lx_evloop_timeout_ms(deadline, now));
		if (r < 0)
			dt_die_errno(DT_EX_TEMP, -r, "unable to wait for events");
		r = lx_inotify_drain(ino, relevant) ? all_running(ino, dirs, n) : 0;
	}
	fd_close(ino);
	lx_evloop_close(&loop);
}

int main(int argc, char **argv)
{
	uint64_t timeout = 10 * NS, deadline, now;
	char *dir, *abs, *logdir = NULL, *dirs[2], secs[32];
	const char *scandir = DT_SCANDIR, *name;
	struct stat st;
	int first, n = 1;

	dt_progname = "svlink";
	first = svlink_parse_args(argc, argv, &timeout);
	if (first < 0)
		dt_die_usage(DT_EX_USAGE, USAGE);
	deadline = lx_now_mono_ns() + timeout;
	dir = argv[first];
	if (argv[first + 1])
		scandir = argv[first + 1];
	name = base_name(dir);
	check(dir, name);
	abs = realpath(dir, NULL);
	if (!abs)
		dt_die_sys(DT_EX_TEMP, "unable to resolve %s", dir);
	if (stat(scandir, &st) < 0 || !S_ISDIR(st.st_mode))
		dt_die_errno(DT_EX_TEMP, errno ? errno : ENOTDIR, "unable to use %s", scandir);
	link_atomically(abs, scandir, name);
	dirs[0] = abs;
	if (asprintf(&logdir, "%s/log", abs) < 0)
		dt_die_errno(DT_EX_TEMP, ENOMEM, "unable to wait");
	if (stat(logdir, &st) == 0 && S_ISDIR(st.st_mode))
		dirs[n++] = logdir;
	wait_supervised(dirs, n, deadline);
	/* The rest of the wait is svwait -u's: its exit codes are ours. */
	now = lx_now_mono_ns();
	snprintf(secs, sizeof secs, "%.3f",
		 now < deadline ? (double)(deadline - now) / NS : 0.001);
	{
		char *av[] = { "svwait", "-u", "-t", secs, dirs[0], n > 1 ? dirs[1] : NULL, NULL };

		execvp(av[0], av);
	}
	dt_die_sys(DT_EX_TEMP, "unable to run svwait");
}

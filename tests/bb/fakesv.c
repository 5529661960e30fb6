/* SPDX-License-Identifier: ISC */
/* A stand-in supervise for svwait's and svstat's tests: holds
 * DIR/supervise/lock with flock(2) and supervise/ok open for reading as
 * 0.76 does, and applies commands read from the fifo DIR/fake.cmd, one per
 * line, acknowledging each by appending it to DIR/fake.log:
 *   status PID WANT [PAUSED]   18-byte status (WANT u, d or 0), by rename
 *   state NAME PID [WANT]      supervise/state, by rename
 *   spid PID                   supervise_pid written from now on
 *   rmstate                    remove supervise/state
 *   exit                       exit 0 (releasing the lock) */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/fdio.h>
#include <dt/svstate.h>
#include <dt/svstatus.h>

static struct tai64n now(void)
{
	struct timespec ts;
	struct tai64n t;

	clock_gettime(CLOCK_REALTIME, &ts);
	tai64n_from_unix_ns((uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec, &t);
	return t;
}

static void take_supervise_dir(int dirfd)
{
	int lock, ok, ctl;

	if (mkdirat(dirfd, "supervise", 0700) < 0 && errno != EEXIST)
		dt_die_sys(111, "unable to mkdir supervise");
	lock = openat(dirfd, "supervise/lock", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) < 0)
		dt_die_sys(111, "unable to acquire supervise/lock");
	if (mkfifoat(dirfd, "supervise/ok", 0600) < 0 && errno != EEXIST)
		dt_die_sys(111, "unable to mkfifo supervise/ok");
	if (mkfifoat(dirfd, "supervise/control", 0600) < 0 && errno != EEXIST)
		dt_die_sys(111, "unable to mkfifo supervise/control");
	ctl = openat(dirfd, "supervise/control", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	ok = openat(dirfd, "supervise/ok", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (ctl < 0 || ok < 0)
		dt_die_sys(111, "unable to open supervise fifos");
}

static void put_status(int dirfd, unsigned long pid, const char *want, int paused)
{
	struct svstatus st = { .stamp = now(), .pid = (uint32_t)pid, .paused = paused };
	unsigned char buf[SVSTATUS_LEN];

	st.want = want[0] == '0' ? 0 : want[0];
	svstatus_encode(&st, buf);
	if (fd_replace_file(dirfd, "supervise/status", buf, sizeof buf, 0644, 0) < 0)
		dt_die_sys(111, "unable to write status");
}

static void put_state(int dirfd, const char *name, unsigned long pid, const char *want,
		      unsigned long spid)
{
	struct svstate st = { .pid = (uint32_t)pid, .since = now(), .normally_up = 1,
			      .procs = -1, .supervise_pid = (uint32_t)spid };
	char buf[SVSTATE_TEXT_MAX];
	int n;

	if (svstate_from_name(name, strlen(name), &st.state) < 0)
		dt_die(100, "unknown state %s", name);
	st.want = want[0];
	strcpy(st.cgroup, "none");
	n = svstate_format(&st, buf, sizeof buf);
	if (n < 0 || fd_replace_file(dirfd, "supervise/state", buf, (size_t)n, 0644, 0) < 0)
		dt_die_sys(111, "unable to write state");
}

static void apply(int dirfd, char *line, unsigned long *spid)
{
	char cmd[16] = "", a[64] = "", b[64] = "", c[64] = "";
	int n = sscanf(line, "%15s %63s %63s %63s", cmd, a, b, c);

	if (n >= 3 && strcmp(cmd, "status") == 0)
		put_status(dirfd, strtoul(a, NULL, 10), b, n > 3 && c[0] == '1');
	else if (n >= 3 && strcmp(cmd, "state") == 0)
		put_state(dirfd, a, strtoul(b, NULL, 10), n > 3 ? c : "u", *spid);
	else if (n == 2 && strcmp(cmd, "spid") == 0)
		*spid = strtoul(a, NULL, 10);
	else if (n == 1 && strcmp(cmd, "rmstate") == 0)
		unlinkat(dirfd, "supervise/state", 0);
	else if (n == 1 && strcmp(cmd, "exit") == 0)
		exit(0);
	else
		dt_warn("unknown command: %s", line);
}

int main(int argc, char **argv)
{
	unsigned long spid = (unsigned long)getpid();
	char line[256];
	FILE *cmd, *log;
	int dirfd;

	dt_progname = "fakesv";
	if (argc != 2)
		dt_die_usage(100, "DIR");
	dirfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		dt_die_sys(111, "unable to open %s", argv[1]);
	take_supervise_dir(dirfd);
	if (mkfifoat(dirfd, "fake.cmd", 0600) < 0 && errno != EEXIST)
		dt_die_sys(111, "unable to mkfifo fake.cmd");
	/* read-write: the fifo never reaches end of file between writers */
	cmd = fdopen(openat(dirfd, "fake.cmd", O_RDWR | O_CLOEXEC), "r");
	log = fdopen(openat(dirfd, "fake.log", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644),
		     "a");
	if (!cmd || !log)
		dt_die_sys(111, "unable to open fake.cmd or fake.log");
	fprintf(log, "ready %lu\n", spid);
	fflush(log);
	while (fgets(line, sizeof line, cmd)) {
		line[strcspn(line, "\n")] = 0;
		apply(dirfd, line, &spid);
		fprintf(log, "%s\n", line);
		fflush(log);
	}
	return 0;
}

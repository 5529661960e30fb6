/* SPDX-License-Identifier: ISC */
/* svscan: supervise in a fork of svscan, without an exec.
 *
 * 0.76 execs `supervise` from PATH for every service. An exec of a glibc
 * program costs the dynamic loader and glibc's start-up, cpuid probing
 * included, which traps to the hypervisor on a virtual machine: about
 * 0.5 ms of CPU per supervise measured here (perf), about half of what
 * a supervise spends to start. svscan links supervise's body
 * (supervise_core.c), so when the file execvp would run is the supervise
 * installed beside this svscan (the same file as when svscan started: an
 * upgrade or another supervise earlier in PATH is exec'd, as in 0.76),
 * the child runs that code directly. It then looks like an exec'd one:
 * comm "supervise", argv "supervise NAME" (prctl PR_SET_MM_MAP), no fd,
 * signal mask or rlimit of svscan's, none of svscan's table resident. */
#include "config.h"

#include <linux/prctl.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/fdio.h>
#include <dt/procstat.h>
#include <lx/compat.h>

#include "supervise_main.h"
#include "svscan.h"

/* Fields 26-28 and 45-51 of /proc/self/stat: the layout the kernel keeps
 * for /proc/PID/cmdline, which PR_SET_MM_MAP must be given whole. */
static int read_layout(struct svscan_fork *f)
{
	char buf[2048];
	struct procstat ps;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = fd_read_full(fd, buf, sizeof buf - 1);
	fd_close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (procstat_parse(buf, 51, &ps) < 0)
		return -1;
	f->start_code = ps.field[26];
	f->end_code = ps.field[27];
	f->start_stack = ps.field[28];
	f->start_data = ps.field[45];
	f->end_data = ps.field[46];
	f->start_brk = ps.field[47];
	f->env_start = ps.field[50];
	f->env_end = ps.field[51];
	return f->start_code && f->start_stack ? 0 : -1;
}

void svscan_fork_init(struct svscan *s)
{
	struct svscan_fork *f = &s->fork;
	char path[PATH_MAX + 16], *slash;
	struct stat st;
	ssize_t n;

	f->usable = 0;
	n = readlink("/proc/self/exe", path, PATH_MAX);
	if (n <= 0 || n >= PATH_MAX)
		return;
	path[n] = '\0';
	slash = strrchr(path, '/');
	/* " (deleted)": this svscan was replaced while starting; exec. */
	if (!slash || strstr(slash, " (deleted)"))
		return;
	strcpy(slash + 1, "supervise");
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->title_ok = read_layout(f) == 0;
	f->usable = 1;
}

int svscan_fork_ours(const struct svscan *s)
{
	const struct svscan_fork *f = &s->fork;
	const char *p = getenv("PATH"), *e;
	char path[PATH_MAX];
	struct stat st;

	if (!f->usable)
		return 0;
	if (!p)
		p = "/bin:/usr/bin"; /* execvp's default */
	for (; *p; p = *e ? e + 1 : e) {
		size_t len;

		e = strchr(p, ':');
		if (!e)
			e = p + strlen(p);
		len = (size_t)(e - p);
		/* A relative entry means a different file for a log's
		 * supervise (it starts in log/): leave it all to execvp. */
		if (len == 0 || p[0] != '/')
			return 0;
		if (len + sizeof "/supervise" > sizeof path)
			continue;
		memcpy(path, p, len);
		memcpy(path + len, "/supervise", sizeof "/supervise");
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, X_OK) < 0)
			continue;
		return st.st_dev == f->dev && st.st_ino == f->ino;
	}
	return 0;
}

/* argv "supervise NAME" and comm "supervise", as after an exec: what ps,
 * pgrep and pidof show. title holds "supervise\0NAME\0" (len bytes) in
 * an anonymous mapping: /proc/PID/cmdline reads it with FOLL_ANON, so a
 * static buffer (a file-backed data segment) reads as empty. Without
 * PR_SET_MM_MAP (a kernel without CONFIG_CHECKPOINT_RESTORE) only comm
 * changes. */
static void set_title(const struct svscan_fork *f, char *title, size_t len)
{
	struct prctl_mm_map m;

	prctl(PR_SET_NAME, "supervise", 0, 0, 0);
	if (!f->title_ok)
		return;
	memset(&m, 0, sizeof m);
	m.start_code = f->start_code;
	m.end_code = f->end_code;
	m.start_data = f->start_data;
	m.end_data = f->end_data;
	m.start_brk = f->start_brk;
	m.brk = (uint64_t)(uintptr_t)sbrk(0);
	m.start_stack = f->start_stack;
	m.arg_start = (uint64_t)(uintptr_t)title;
	m.arg_end = m.arg_start + len;
	m.env_start = f->env_start;
	m.env_end = f->env_end;
	m.exe_fd = (uint32_t)-1;
	prctl(PR_SET_MM, PR_SET_MM_MAP, (unsigned long)&m, sizeof m, 0);
}

/* The table is svscan's alone; in the child its pages would only count
 * in every supervise's RSS. Page-aligned interior only: the allocator's
 * own words at either end stay, and the child never reads the table. */
static void drop_table(const struct svscan *s)
{
	uintptr_t a = (uintptr_t)s->tab.v, b = a + s->tab.cap * sizeof *s->tab.v;
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);

	a = (a + pg - 1) & ~(pg - 1);
	b &= ~(pg - 1);
	if (s->tab.v && b > a)
		madvise((void *)a, b - a, MADV_DONTNEED);
}

void svscan_fork_become(const struct svscan *s, const char *name)
{
	/* On this frame, which lives as long as the process: argv points
	 * into it as into an exec'd program's argument area. */
	char title[sizeof "supervise" + SCANTAB_NAME_MAX + 1];
	char *argv[3] = { title, title + sizeof "supervise", NULL };
	size_t nl = strnlen(name, SCANTAB_NAME_MAX);

	/* name points into the table: copied before the table goes. */
	memcpy(title, "supervise", sizeof "supervise");
	memcpy(argv[1], name, nl);
	argv[1][nl] = '\0';
	drop_table(s);
	/* Every fd of svscan's (epoll, signalfd, inotify, the pipes of
	 * other services) goes, as CLOEXEC would have taken it. Not
	 * lx_pidfd_spawn's child hygiene, which supervise's run and finish
	 * share: that one marks fds close-on-exec and ends in execve; this
	 * child never execs, so they must really be closed, and svscan
	 * wants no pidfd per child (it reaps with waitpid). The mask and
	 * the fd limit were restored in svscan.c's child_setup, which the
	 * exec'd supervise shares (doc/ARCHITECTURE.md). */
	if (close_range(3, ~0U, 0) < 0) {
		int fd, max = (int)sysconf(_SC_OPEN_MAX);

		for (fd = 3; fd < max; fd++)
			close(fd);
	}
	set_title(&s->fork, title, sizeof "supervise" + nl + 1);
	supervise_main(2, argv);
}

/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <linux/sched.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dt/cgpath.h>
#include <dt/fdio.h>
#include <dt/procstat.h>
#include <lx/cgroup.h>
#include <lx/compat.h>
#include <lx/pidfd.h>

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_CLOEXEC)
/* Strays signalled per lx_cgroup_signal() call; cgroup.kill, which takes
 * the whole tree in one write, follows after the grace anyway. Small, as
 * every buffer here: supervise counts the service's processes at each
 * state change, and each stack page it ever touches stays resident in
 * each of 1,000 supervise processes. */
#define SIGNAL_BATCH 64
/* cgroup.procs is read in chunks of CHUNK bytes. Pids completed by one
 * chunk: each needs its own newline after at least one digit, so at most
 * CHUNK / 2 (plus one carried over), never more. */
#define CHUNK 256
#define WINDOW (CHUNK / 2 + 2)

static int write_at(int dirfd, const char *name, const char *s)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	/* kernfs takes one write per setting: fd_write_all does one write
	 * unless the kernel accepts less, which it never does here. */
	r = fd_write_all(fd, s, strlen(s));
	fd_close(fd);
	return r;
}

static ssize_t read_at(int dirfd, const char *name, char *buf, size_t size)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = fd_read_full(fd, buf, size);
	fd_close(fd);
	return n;
}

static void fds_init(struct lx_cgroup *cg)
{
	cg->root_fd = cg->dir_fd = cg->sup_fd = cg->svc_fd = cg->events_fd = -1;
	cg->path[0] = '\0';
}

void lx_cgroup_close(struct lx_cgroup *cg)
{
	int *fds[] = { &cg->events_fd, &cg->svc_fd, &cg->sup_fd, &cg->dir_fd, &cg->root_fd };
	size_t i;

	for (i = 0; i < sizeof fds / sizeof fds[0]; i++) {
		if (*fds[i] >= 0)
			fd_close(*fds[i]);
		*fds[i] = -1;
	}
}

/* *made (if not NULL) tells whether the directory is new. */
static int mkdir_open(int dirfd, const char *name, int *made)
{
	int fd, r = mkdirat(dirfd, name, 0755);

	if (r < 0 && errno != EEXIST)
		return -errno;
	if (made)
		*made = r == 0;
	fd = openat(dirfd, name, DIR_FLAGS);
	return fd < 0 ? -errno : fd;
}

/* What lx_cgroup_open made, on its way out after a failure: empty leaves
 * and the tree go (a predecessor's populated ones stay: rmdir refuses). */
static void undo(struct lx_cgroup *cg, const char *name)
{
	int e = errno;

	if (cg->dir_fd >= 0) {
		unlinkat(cg->dir_fd, "service", AT_REMOVEDIR);
		unlinkat(cg->dir_fd, "supervise", AT_REMOVEDIR);
	}
	if (cg->root_fd >= 0)
		unlinkat(cg->root_fd, name, AT_REMOVEDIR);
	errno = e;
}

/* The tree's lock: the owning supervise holds an exclusive flock on the
 * directory for its whole life, and lx_cgroup_sweep removes only trees
 * whose lock it can take. A sweep may have removed the directory between
 * our open and our lock: then it is made again. */
/* A sweep holds the lock for a few rmdirs; the only other holder would be
 * a live supervise of the same directory, which the service's own lock
 * rules out. So wait a little, never forever: after about a second go on
 * unlocked (a sweep removes only empty trees). */
static int lock_tree(int fd)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	int i;

	for (i = 0; i < 100; i++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		nanosleep(&tick, NULL);
	}
	return 0;
}

static int open_tree(struct lx_cgroup *cg, const char *name)
{
	struct stat a, b;
	int fd, tries;

	for (tries = 0; tries < 8; tries++) {
		fd = mkdir_open(cg->root_fd, name, NULL);
		if (fd < 0)
			return fd;
		if (lock_tree(fd) < 0) {
			int r = -errno;

			fd_close(fd);
			return r;
		}
		if (fstat(fd, &a) == 0 && fstatat(cg->root_fd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return fd;
		fd_close(fd);
	}
	return -EAGAIN;
}

int lx_cgroup_open(struct lx_cgroup *cg, const char *root, uint64_t dev, uint64_t ino)
{
	char name[64];
	size_t len = strlen(root), nlen;
	int r;

	/* root may be cg->path itself: the name is appended in place. */
	if (len >= sizeof cg->path)
		return fds_init(cg), -ENAMETOOLONG;
	if (root != cg->path)
		memmove(cg->path, root, len + 1);
	cg->root_fd = cg->dir_fd = cg->sup_fd = cg->svc_fd = cg->events_fd = -1;
	r = cgpath_leaf_name(name, sizeof name, dev, ino);
	if (r < 0)
		return cg->path[0] = '\0', r;
	cg->root_fd = open(cg->path, DIR_FLAGS);
	if (cg->root_fd < 0)
		return -errno;
	if (!strcmp(cg->path, "/"))
		len = 0;
	nlen = strlen(name);
	if (len + 1 + nlen >= sizeof cg->path)
		return cg->path[0] = '\0', -ENAMETOOLONG;
	cg->path[len] = '/';
	memcpy(cg->path + len + 1, name, nlen + 1);
	cg->svc_fresh = 0;
	if ((r = cg->dir_fd = open_tree(cg, name)) < 0 ||
	    (r = cg->sup_fd = mkdir_open(cg->dir_fd, "supervise", NULL)) < 0 ||
	    (r = cg->svc_fd = mkdir_open(cg->dir_fd, "service", &cg->svc_fresh)) < 0)
		return undo(cg, name), r;
	cg->events_fd = openat(cg->svc_fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (cg->events_fd < 0)
		return r = -errno, undo(cg, name), r;
	/* kernfs reports every freshly opened file as changed until it is
	 * read once: read it now so EPOLLPRI means a real change. */
	r = lx_cgroup_populated(cg);
	return r < 0 ? r : 0;
}

int lx_cgroup_renew_service(struct lx_cgroup *cg)
{
	int fd, efd, r;

	if (unlinkat(cg->dir_fd, "service", AT_REMOVEDIR) < 0)
		return -errno;
	fd = mkdir_open(cg->dir_fd, "service", NULL);
	if (fd < 0)
		return fd;
	efd = openat(fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (efd < 0) {
		r = -errno;
		fd_close(fd);
		return r;
	}
	fd_close(cg->events_fd);
	fd_close(cg->svc_fd);
	cg->svc_fd = fd;
	cg->events_fd = efd;
	/* As at open: the first read makes EPOLLPRI mean a real change. */
	r = lx_cgroup_populated(cg);
	return r < 0 ? r : 0;
}

static int enter(int dirfd, pid_t pid)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%d", (int)pid);
	return write_at(dirfd, "cgroup.procs", buf);
}

int lx_cgroup_enter_supervise(const struct lx_cgroup *cg, pid_t pid)
{
	return enter(cg->sup_fd, pid);
}

int lx_cgroup_enter_service(const struct lx_cgroup *cg, pid_t pid)
{
	return enter(cg->svc_fd, pid);
}

void lx_cgroup_clone_args(const struct lx_cgroup *cg, struct clone_args *args)
{
	args->flags |= CLONE_INTO_CGROUP;
	args->cgroup = (uint64_t)cg->svc_fd;
}

int lx_cgroup_populated(const struct lx_cgroup *cg)
{
	char buf[256];
	/* A read from offset 0 makes kernfs re-run the file's show method,
	 * which records the event count we have seen: that is what stops a
	 * level-triggered EPOLLPRI from firing again. kernfs reads never
	 * sleep, so there is no EINTR to retry. */
	ssize_t n = pread(cg->events_fd, buf, sizeof buf, 0);

	if (n < 0)
		return -errno;
	return cgpath_events_populated(buf, (size_t)n);
}

/* Streams service/cgroup.procs: stores up to max pids, and reports whether
 * want (if not 0) is among them. Returns the number of processes. */
static int scan_procs(const struct lx_cgroup *cg, pid_t *pids, size_t max, pid_t want,
		      int *found)
{
	struct cgpath_pids st = { 0 };
	pid_t window[WINDOW];
	char buf[CHUNK];
	size_t total = 0, i;
	ssize_t n;
	int fd = openat(cg->svc_fd, "cgroup.procs", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (found)
		*found = 0;
	for (;;) {
		n = fd_read(fd, buf, sizeof buf);
		if (n < 0) {
			fd_close(fd);
			return (int)n;
		}
		if (n == 0)
			cgpath_pids_end(&st, window, WINDOW);
		else
			cgpath_pids_feed(&st, buf, (size_t)n, window, WINDOW);
		for (i = 0; i < st.count; i++) {
			if (total + i < max)
				pids[total + i] = window[i];
			if (found && want && window[i] == want)
				*found = 1;
		}
		total += st.count;
		st.count = 0;
		if (n == 0)
			break;
	}
	fd_close(fd);
	return total > 0x7fffffff ? 0x7fffffff : (int)total;
}

int lx_cgroup_procs(const struct lx_cgroup *cg, pid_t *pids, size_t max)
{
	return scan_procs(cg, pids, max, 0, NULL);
}

int lx_cgroup_has_pid(const struct lx_cgroup *cg, pid_t pid)
{
	int found, r = scan_procs(cg, NULL, 0, pid, &found);

	return r < 0 ? r : found;
}

int lx_cgroup_adopt(const struct lx_cgroup *cg, pid_t pid)
{
	int fd, r;

	if (pid <= 0)
		return -ESRCH;
	fd = lx_pidfd_open(pid);
	if (fd < 0)
		return fd;
	r = lx_cgroup_has_pid(cg, pid);
	if (r <= 0) {
		fd_close(fd);
		return r < 0 ? r : -ESRCH;
	}
	return fd;
}

int lx_cgroup_signal(const struct lx_cgroup *cg, int sig)
{
	pid_t pids[SIGNAL_BATCH];
	int pidfds[SIGNAL_BATCH];
	int n = lx_cgroup_procs(cg, pids, SIGNAL_BATCH), i, sent = 0;

	if (n < 0)
		return n;
	if (n > SIGNAL_BATCH)
		n = SIGNAL_BATCH;
	/* pidfd first, membership second: a pid recycled by an outsider
	 * between the read and the pidfd is then not listed any more. */
	for (i = 0; i < n; i++)
		pidfds[i] = lx_pidfd_open(pids[i]);
	for (i = 0; i < n; i++) {
		if (pidfds[i] < 0)
			continue;
		if (lx_cgroup_has_pid(cg, pids[i]) == 1 && lx_pidfd_send_signal(pidfds[i], sig) == 0)
			sent++;
		fd_close(pidfds[i]);
	}
	return sent;
}

int lx_cgroup_kill(const struct lx_cgroup *cg)
{
	int r = write_at(cg->svc_fd, "cgroup.kill", "1");

	/* cgroup.kill arrived in 5.14; older kernels have no such file. */
	if (r == -ENOENT)
		return lx_cgroup_kill_slow(cg);
	return r;
}

int lx_cgroup_kill_slow(const struct lx_cgroup *cg)
{
	const struct timespec pause = { 0, 5 * 1000 * 1000 };
	int frozen = write_at(cg->svc_fd, "cgroup.freeze", "1") == 0;
	int round, n = 0;

	/* A frozen process cannot fork, but SIGKILL still gets through. The
	 * bound keeps a process stuck in the kernel (D state) from holding
	 * supervise forever; cgroup.events tells the caller when it is over. */
	for (round = 0; round < 200; round++) {
		n = lx_cgroup_procs(cg, NULL, 0);
		if (n <= 0)
			break;
		lx_cgroup_signal(cg, SIGKILL);
		nanosleep(&pause, NULL);
	}
	if (frozen)
		write_at(cg->svc_fd, "cgroup.freeze", "0");
	if (n < 0)
		return n;
	return n == 0 ? 0 : -EAGAIN;
}

int lx_cgroup_enable(int dirfd, const char *ctrl)
{
	char buf[512], plus[64];
	ssize_t n = read_at(dirfd, "cgroup.subtree_control", buf, sizeof buf);

	if (n < 0)
		return (int)n;
	if (cgpath_has_word(buf, (size_t)n, ctrl))
		return 0;
	n = read_at(dirfd, "cgroup.controllers", buf, sizeof buf);
	if (n < 0)
		return (int)n;
	if (!cgpath_has_word(buf, (size_t)n, ctrl))
		return -ENOENT;
	if ((size_t)snprintf(plus, sizeof plus, "+%s", ctrl) >= sizeof plus)
		return -EINVAL;
	return write_at(dirfd, "cgroup.subtree_control", plus);
}

int lx_cgroup_set_limit(const struct lx_cgroup *cg, const char *file, const char *value)
{
	char ctrl[32];
	const char *dot = strchr(file, '.');
	size_t n = dot ? (size_t)(dot - file) : 0;
	int r;

	if (n == 0 || n >= sizeof ctrl || strchr(file, '/'))
		return -EINVAL;
	memcpy(ctrl, file, n);
	ctrl[n] = '\0';
	r = lx_cgroup_enable(cg->root_fd, ctrl);
	if (r == 0)
		r = lx_cgroup_enable(cg->dir_fd, ctrl);
	if (r < 0)
		return r;
	return write_at(cg->svc_fd, file, value);
}

int lx_cgroup_reset_limit(const struct lx_cgroup *cg, const char *file, const char *value)
{
	int r;

	if (strchr(file, '/'))
		return -EINVAL;
	r = write_at(cg->svc_fd, file, value);
	return r == -ENOENT ? 0 : r;
}

int lx_cgroup_remove(struct lx_cgroup *cg)
{
	const char *name = strrchr(cg->path, '/');
	int r;

	if (!name || cg->root_fd < 0 || cg->dir_fd < 0)
		return lx_cgroup_close(cg), -EINVAL;
	name++;
	/* The leaves' fds go first: the move below opens a file, and a
	 * supervise at its descriptor limit must still get its tree out. */
	fd_close(cg->events_fd);
	fd_close(cg->svc_fd);
	fd_close(cg->sup_fd);
	cg->events_fd = cg->svc_fd = cg->sup_fd = -1;
	r = enter(cg->root_fd, 0);
	/* A ROOT with controllers enabled takes no process (cgroup v2's
	 * no-internal-process rule): svscan's leaf does (lx_cgroup_park). */
	if (r == -EBUSY) {
		int fd = openat(cg->root_fd, "dtng-svscan", DIR_FLAGS);

		if (fd >= 0) {
			r = enter(fd, 0);
			fd_close(fd);
		}
	}
	if (r == 0 && unlinkat(cg->dir_fd, "service", AT_REMOVEDIR) < 0)
		r = -errno;
	if (r == 0 && unlinkat(cg->dir_fd, "supervise", AT_REMOVEDIR) < 0)
		r = -errno;
	if (r == 0 && unlinkat(cg->root_fd, name, AT_REMOVEDIR) < 0)
		r = -errno;
	lx_cgroup_close(cg);
	return r;
}

/* From /proc/PID/stat: the state letter (field 3), flags (field 9) and the
 * pending-signal bitmap (field 31). */
static int read_stat(pid_t pid, char *state, unsigned long long *flags,
		     unsigned long long *sigpnd)
{
	char path[32], buf[1024];
	struct procstat ps;
	int fd;
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = fd_read(fd, buf, sizeof buf - 1);
	fd_close(fd);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	if (procstat_parse(buf, 31, &ps) < 0)
		return -EINVAL;
	*state = ps.state;
	*flags = ps.field[9];
	*sigpnd = ps.field[31];
	return 0;
}

#define PF_EXITING_BIT 0x4ull /* the kernel's PF_EXITING */

int lx_cgroup_born_killed(pid_t pid, int pidfd)
{
	unsigned long long flags = 0, pending = 0;
	siginfo_t si;
	char state = '?';
	int r = read_stat(pid, &state, &flags, &pending);

	if (r == -ENOENT || r == -ESRCH)
		state = 'Z'; /* reaped already? then nothing is known */
	else if (r < 0)
		return r;
	if (state != 'Z' && state != 'X' && !(flags & PF_EXITING_BIT) &&
	    !(pending & (1ull << (SIGKILL - 1))))
		return 0;
	/* Dying, or dead: wait for the end (it cannot take long), without
	 * reaping, and see what ended it. */
	memset(&si, 0, sizeof si);
	if (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si, WEXITED | WNOWAIT) < 0)
		return -errno;
	return si.si_code == CLD_KILLED && si.si_status == SIGKILL;
}

int lx_cgroup_kill_tree(const char *dir)
{
	int fd = open(dir, DIR_FLAGS), r;

	if (fd < 0)
		return -errno;
	r = write_at(fd, "cgroup.kill", "1");
	fd_close(fd);
	return r < 0 ? r : 0;
}

int lx_cgroup_remove_tree(const char *dir)
{
	int fd = open(dir, DIR_FLAGS), r = 0;

	if (fd < 0)
		return -errno;
	if (unlinkat(fd, "service", AT_REMOVEDIR) < 0 && errno != ENOENT)
		r = -errno;
	if (unlinkat(fd, "supervise", AT_REMOVEDIR) < 0 && errno != ENOENT && !r)
		r = -errno;
	fd_close(fd);
	if (r == 0 && rmdir(dir) < 0 && errno != ENOENT)
		r = -errno;
	return r;
}

/* One entry of the sweep: 1 removed, 0 left (locked by its supervise,
 * populated, or not ours). */
static int sweep_one(int root_fd, const char *name)
{
	char buf[256];
	int fd = openat(root_fd, name, DIR_FLAGS), efd, r = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		goto out;
	/* The tree's own cgroup.events: populated counts every leaf below. */
	efd = openat(fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (efd < 0)
		goto out;
	n = pread(efd, buf, sizeof buf, 0);
	fd_close(efd);
	if (n <= 0 || cgpath_events_populated(buf, (size_t)n) != 0)
		goto out;
	unlinkat(fd, "service", AT_REMOVEDIR);
	unlinkat(fd, "supervise", AT_REMOVEDIR);
	r = unlinkat(root_fd, name, AT_REMOVEDIR) == 0;
out:
	fd_close(fd);
	return r;
}

int lx_cgroup_sweep(const char *root)
{
	int root_fd = open(root, DIR_FLAGS), fd, removed = 0;
	struct dirent *d;
	DIR *dir;

	if (root_fd < 0)
		return -errno;
	fd = dup(root_fd);
	dir = fd < 0 ? NULL : fdopendir(fd);
	if (!dir) {
		int r = -errno;

		if (fd >= 0)
			fd_close(fd);
		fd_close(root_fd);
		return r;
	}
	while ((d = readdir(dir)))
		if (d->d_type == DT_DIR && cgpath_is_tree_name(d->d_name))
			removed += sweep_one(root_fd, d->d_name);
	closedir(dir);
	fd_close(root_fd);
	return removed;
}

/* SPDX-License-Identifier: ISC */
/* svstat -p: gathers what each DIR's files say (supervise/ok, status,
 * state, the service's cgroup) and hands it to svprom_format, the one
 * definition of the metrics. A file that cannot be read costs the values
 * it holds and one message on stderr, never a line of the output: the
 * whole text is printed at the end, every family in one piece. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/fdio.h>
#include <dt/svctl.h>
#include <dt/svprom.h>
#include <dt/svstate.h>
#include <dt/svstatus.h>
#include <lx/cgstat.h>

#include "svstat.h"

static void warn_file(const char *dir, const char *file, int r)
{
	if (r == -EBADMSG)
		dt_warn("%s: unable to read %s: bad format", dir, file);
	else
		dt_warn_errno(-r, "%s: unable to read %s", dir, file);
}

/* What one reader thread keeps: the state text, and the parent of the
 * last tree seen (all of a svscan's services share one: ROOT) with an
 * O_PATH fd of it, so that its long path is walked once. */
struct worker {
	struct svprom_service *sv;
	size_t first, n, step;
	char *path;  /* DIR/supervise/status */
	struct svstate st;
	char text[SVSTATE_TEXT_MAX];
	struct {
		char path[SVSTATE_CGROUP_MAX];
		int fd;
	} root;
};

/* fd of tree's parent (tree: an absolute path), its last component in
 * *leaf; AT_FDCWD (and the whole tree) if it cannot be opened. */
static int tree_parent(struct worker *w, const char *tree, const char **leaf)
{
	const char *slash = strrchr(tree, '/');
	size_t n = slash ? (size_t)(slash - tree) : 0;

	*leaf = tree;
	if (!slash || n == 0 || n >= sizeof w->root.path)
		return AT_FDCWD;
	if (w->root.fd < 0 || strlen(w->root.path) != n || memcmp(w->root.path, tree, n) != 0) {
		if (w->root.fd >= 0)
			fd_close(w->root.fd);
		memcpy(w->root.path, tree, n);
		w->root.path[n] = '\0';
		w->root.fd = open(w->root.path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (w->root.fd < 0) {
			w->root.path[0] = '\0';
			return AT_FDCWD;
		}
	}
	*leaf = slash + 1;
	return w->root.fd;
}

/* The service's leaf: service/ under the tree supervise recorded
 * (cgroup=, a directory of the cgroup v2 mount that supervise found from
 * /proc/self/mountinfo). Its live process count replaces the state
 * file's, which was taken at the last change. */
static void look_cgroup(struct worker *w, const char *dir, const char *tree,
			struct svprom_service *ps)
{
	char path[SVSTATE_CGROUP_MAX + 16];
	struct lx_cgstat cs;
	const char *leaf;
	int fd = tree_parent(w, tree, &leaf);

	snprintf(path, sizeof path, "%s/service", leaf);
	lx_cgstat_read_at(fd, path, &cs);
	snprintf(path, sizeof path, "%s/service", tree);
	if (cs.err_file) {
		char file[SVSTATE_CGROUP_MAX + 64];

		snprintf(file, sizeof file, "%s/%s", path, cs.err_file);
		warn_file(dir, file, cs.err);
	}
	if (cs.have & LX_CGSTAT_PROCS) {
		ps->have |= SVPROM_PROCS;
		ps->procs = cs.procs;
	}
	if (cs.have & LX_CGSTAT_MEMORY) {
		ps->have |= SVPROM_MEMORY;
		ps->memory_bytes = cs.memory_bytes;
	}
	if (cs.have & LX_CGSTAT_CPU) {
		ps->have |= SVPROM_CPU;
		ps->cpu_usec = cs.cpu_usec;
	}
	if (cs.have & LX_CGSTAT_OOM) {
		ps->have |= SVPROM_OOM;
		ps->oom_kills = cs.oom_kills;
	}
}

static void from_state(const struct svstate *st, struct svprom_service *ps)
{
	ps->have |= SVPROM_STATE | SVPROM_SINCE | SVPROM_FAILURES;
	ps->state = st->state;
	ps->since = st->since;
	ps->failures = st->failures;
	if (st->has_starts) {
		ps->have |= SVPROM_STARTS;
		ps->starts = st->starts;
	}
	if (st->last_exit != SVS_EXIT_NONE) {
		ps->have |= SVPROM_EXIT;
		ps->exit_code = st->last_exit == SVS_EXIT_CODE ? st->last_code : -1;
		ps->exit_signal = st->last_exit == SVS_EXIT_SIGNAL ? st->last_code : 0;
	}
	if (st->procs >= 0) {
		ps->have |= SVPROM_PROCS;
		ps->procs = (uint64_t)st->procs;
	}
}


/* path holds DIR/supervise/; returns it with name appended. */
static const char *sub(char *path, size_t base, const char *name)
{
	strcpy(path + base, name);
	return path;
}

/* Plain paths, not a directory fd: over 1,000 services each system call
 * counts (see bench/svstat-prom.sh). */
static void look(struct worker *w, const char *dir, struct svprom_service *ps)
{
	struct svstate *st = &w->st;
	char *path = w->path;
	struct svstatus status;
	size_t base = strlen(dir);
	int fd, rs, rt;

	memcpy(path, dir, base);
	memcpy(path + base, "/supervise/", 12);
	base += 11;
	fd = open(sub(path, base, "ok"), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		/* Not there, or no reader: nothing supervises it. */
		if (e == ENXIO || e == ENOENT || e == ENOTDIR)
			ps->have |= SVPROM_RUNNING;
		/* A missing DIR is worth a word; a DIR without supervise
		 * is an ordinary sight (svstat -k: unsupervised). */
		if ((e == ENOENT || e == ENOTDIR) && access(dir, F_OK) < 0)
			dt_warn_sys("%s: unable to open", dir);
		else if (e != ENXIO && e != ENOENT)
			dt_warn_errno(e, "%s: unable to open supervise/ok", dir);
		return;
	}
	fd_close(fd);
	ps->have |= SVPROM_RUNNING;
	ps->running = 1;
	rs = svctl_status_file(sub(path, base, "status"), &status);
	if (rs < 0)
		warn_file(dir, "supervise/status", rs);
	rt = svstate_read_at(AT_FDCWD, sub(path, base, "state"), w->text, st);
	if (rt < 0 && rt != -ENOENT)
		warn_file(dir, "supervise/state", rt);
	/* As svstat -k: a state file whose pid is not the status's was left
	 * by our supervise, and a daemontools 0.76 one runs now. */
	if (rt >= 0 && (rs < 0 || st->pid == status.pid)) {
		from_state(st, ps);
		if (strcmp(st->cgroup, "none") != 0)
			look_cgroup(w, dir, st->cgroup, ps);
	} else if (rs == 0) {
		ps->have |= SVPROM_STATE | SVPROM_SINCE;
		ps->state = status.pid ? SVS_UP : SVS_DOWN;
		ps->since = status.stamp;
	}
}

static void *work(void *arg)
{
	struct worker *w = arg;
	size_t i;

	for (i = w->first; i < w->n; i += w->step)
		look(w, w->sv[i].dir, &w->sv[i]);
	if (w->root.fd >= 0)
		fd_close(w->root.fd);
	return NULL;
}

/* The time goes into system calls (about 18 per DIR), which run in
 * parallel on each core: one reader per core, up to 4, each taking every
 * k-th DIR, where there are enough DIRs to pay for the threads. A thread
 * that cannot be made leaves its share to the main one. */
static void look_all(struct svprom_service *sv, size_t n, size_t longest)
{
	enum { MAXW = 4 };
	static struct worker ws[MAXW];
	pthread_t tid[MAXW];
	int started[MAXW] = { 0 };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t k, nw = n >= 200 && cpus > 1 ? (size_t)(cpus < MAXW ? cpus : MAXW) : 1;

	for (k = 0; k < nw; k++) {
		ws[k].sv = sv;
		ws[k].first = k;
		ws[k].n = n;
		ws[k].step = nw;
		ws[k].root.fd = -1;
		ws[k].path = malloc(longest + 32); /* DIR/supervise/status */
		if (!ws[k].path)
			dt_die_errno(DT_EX_TEMP, ENOMEM, "unable to allocate");
	}
	for (k = 1; k < nw; k++)
		started[k] = pthread_create(&tid[k], NULL, work, &ws[k]) == 0;
	work(&ws[0]);
	for (k = 1; k < nw; k++) {
		if (started[k])
			pthread_join(tid[k], NULL);
		else
			work(&ws[k]);
	}
	for (k = 0; k < nw; k++)
		free(ws[k].path);
}

static void put_stdout(void *ctx, const char *s, size_t len)
{
	fwrite(s, 1, len, stdout);
}

void svstat_prom(int n, char **dirs)
{
	struct svprom_service *sv = calloc((size_t)n + 1, sizeof *sv);
	size_t i, kept, size = 0, longest = 0;
	char *labels, *p;

	for (i = 0; i < (size_t)n; i++) {
		size_t len = strlen(dirs[i]);

		size += SVPROM_ESCAPED_MAX(len);
		if (len > longest)
			longest = len;
	}
	labels = p = malloc(size + 1);
	if (!sv || !labels)
		dt_die_errno(DT_EX_TEMP, ENOMEM, "unable to allocate");
	for (i = 0; i < (size_t)n; i++) {
		sv[i].dir = dirs[i];
		sv[i].label = p;
		sv[i].label_len = svprom_escape(dirs[i], strlen(dirs[i]), p);
		p += sv[i].label_len + 1;
	}
	kept = svprom_dedupe(sv, (size_t)n);
	look_all(sv, kept, longest);
	svprom_format(sv, kept, put_stdout, NULL);
	free(labels);
	free(sv);
}

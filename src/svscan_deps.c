/* SPDX-License-Identifier: ISC */
/* svscan: the I/O half of service dependencies (DESIGN.md section 6). svscan
 * decides each service's gate, supervise enforces it: at each scan svscan
 * reads every service's needs/ and after/, builds the graph (svdeps.c:
 * cycles found and ignored once, for every service), and writes the names
 * a service still waits for to SERVICE/supervise/gate (gate.new + rename),
 * before that service's supervise is started and whenever it changes,
 * then pokes supervise with a "G" on its control fifo. supervise gates only
 * when it finds SUPERVISE_GATE in its environment, set here for every
 * supervise svscan starts; a 0.76 supervise ignores both and starts at once.
 *
 * Between scans the dependencies are followed by events only: an inotify
 * watch (an instance of its own, so the scan directory's events keep
 * meaning "rescan everything") on NAME/supervise/ of every service someone
 * depends on, where supervise replaces state and status by rename, and
 * svscan's own SIGCHLD when such a supervise exits. An event re-reads that
 * one service and recomputes the gates of its dependents only. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/fdio.h>
#include <dt/scantab.h>
#include <dt/svctl.h>
#include <dt/svdeps.h>
#include <dt/svstate.h>
#include <dt/svstatus.h>
#include <lx/evloop.h>
#include <lx/inotify.h>

#include "svscan.h"

#define DEP_WATCH (IN_MOVED_TO | IN_CREATE | IN_DELETE_SELF | IN_ONLYDIR)

/* A NUL-separated list of strings, each once. */
struct strlist {
	char *v;
	size_t len, cap;
};

/* What svscan keeps per service across scans (scantab_svc.deps). */
struct svscan_dsvc {
	struct strlist deps;    /* "N" or "A" + name, sorted; read at each scan */
	size_t ndeps;
	struct strlist bad;     /* "needs/.." entries already warned about */
	struct strlist missing; /* needed names already said missing */
	char *gate;             /* the gate last written */
	size_t gate_cap;
	int gate_known;         /* written (or found right) since svscan started */
	int wd;                 /* watch on NAME/supervise/, -1 none */
};

struct wdmap {
	int wd;
	uint32_t i;
};

struct svscan_deps {
	int fd;                 /* inotify for the supervise/ directories, -1 none */
	struct svdeps g;        /* over the table's indices as of the last scan */
	struct svdeps_obs *obs;
	const char **names;
	unsigned char *live, *down, *consider, *dirty;
	uint32_t *queue;
	struct svdeps_spec *spec;
	struct wdmap *wds;
	size_t nwds;
	struct strlist cycles;  /* the cycle texts last warned about */
	char *buf;              /* a gate text */
};

static int sl_add(struct strlist *l, const char *s, size_t n)
{
	if (l->len + n + 1 > l->cap) {
		size_t cap = (l->len + n + 1) * 2;
		char *v = realloc(l->v, cap);

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	memcpy(l->v + l->len, s, n);
	l->v[l->len + n] = 0;
	l->len += n + 1;
	return 0;
}

static int sl_has(const struct strlist *l, const char *s)
{
	size_t k;

	for (k = 0; k < l->len; k += strlen(l->v + k) + 1)
		if (strcmp(l->v + k, s) == 0)
			return 1;
	return 0;
}

static void sl_swap(struct strlist *a, struct strlist *b)
{
	struct strlist t = *a;

	*a = *b;
	*b = t;
	b->len = 0;
}

static struct svscan_dsvc *dsvc(struct scantab_svc *e)
{
	if (!e->deps) {
		e->deps = calloc(1, sizeof *e->deps);
		if (!e->deps)
			return NULL;
		e->deps->wd = -1;
	}
	return e->deps;
}

void svscan_deps_init(struct svscan *s)
{
	struct svscan_deps *d = calloc(1, sizeof *d);

	/* supervise gates a start only when asked: a supervise started by
	 * someone else (or by 0.76's svscan) has nobody writing its gate. */
	if (setenv("SUPERVISE_GATE", "1", 1) < 0)
		dt_die_sys(111, "unable to set SUPERVISE_GATE");
	if (!d)
		dt_die_sys(111, "unable to allocate memory");
	d->fd = lx_inotify_open();
	if (d->fd >= 0 && lx_evloop_add(&s->loop, d->fd, EPOLLIN, SVSCAN_TAG_DEPS) < 0) {
		fd_close(d->fd);
		d->fd = -1;
	}
	/* Without it dependents are seen at scans only (5 s): still right,
	 * only slower; svscan has already said inotify is unavailable. */
	s->deps = d;
}

static int cmp_dep(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int c = strcmp(x + 1, y + 1);

	return c ? c : (unsigned char)x[0] - (unsigned char)y[0];
}

/* needs/ or after/ of service e into l ("N"/"A" + name); the bad names
 * found go to bad. A missing directory is no dependency. */
static void read_kind(struct scantab_svc *e, const char *sub, struct strlist *l,
		      struct strlist *bad, size_t *n)
{
	char path[SCANTAB_NAME_MAX + 8], item[SCANTAB_NAME_MAX + 2], b[SCANTAB_PRINTABLE_MAX];
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof path, "%s/%s", e->name, sub);
	dir = opendir(path);
	if (!dir) {
		if (errno != ENOENT && errno != ENOTDIR)
			dt_warn_sys("unable to read %s/%s", svscan_pname(e->name, b), sub);
		return;
	}
	while ((de = readdir(dir))) {
		if (!svdeps_name_ok(de->d_name)) {
			snprintf(item, sizeof item, "%c%s", sub[0], de->d_name);
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				sl_add(bad, item, strlen(item));
			continue;
		}
		item[0] = sub[0] == 'n' ? 'N' : 'A';
		snprintf(item + 1, sizeof item - 1, "%s", de->d_name);
		if (sl_add(l, item, strlen(item)) == 0)
			(*n)++;
	}
	closedir(dir);
}

/* Re-reads e's needs/ and after/ (sorted, so that a cycle's text does not
 * depend on readdir's order) and warns once about each bad entry. */
static void read_deps(struct scantab_svc *e, struct svscan_dsvc *ds)
{
	struct strlist l = { 0 }, bad = { 0 }, sorted = { 0 };
	char b[SCANTAB_PRINTABLE_MAX], *v[4096], **vp = v;
	size_t n = 0, k, j;

	read_kind(e, "needs", &l, &bad, &n);
	read_kind(e, "after", &l, &bad, &n);
	for (k = 0; k < bad.len; k += strlen(bad.v + k) + 1)
		if (!sl_has(&ds->bad, bad.v + k))
			dt_warn("%s: %s/%s: not a service name: ignored", svscan_pname(e->name, b),
				bad.v[k] == 'n' ? "needs" : "after",
				svscan_pname(bad.v + k + 1, (char[SCANTAB_PRINTABLE_MAX]){ 0 }));
	sl_swap(&ds->bad, &bad);
	free(bad.v);
	if (n > sizeof v / sizeof *v)
		vp = malloc(n * sizeof *vp);
	if (!vp) {
		free(l.v);
		return; /* keeps the last list read */
	}
	for (k = 0, j = 0; j < n; k += strlen(l.v + k) + 1)
		vp[j++] = l.v + k;
	qsort(vp, n, sizeof *vp, cmp_dep);
	for (j = 0; j < n; j++)
		sl_add(&sorted, vp[j], strlen(vp[j]));
	if (vp != v)
		free(vp);
	free(l.v);
	free(ds->deps.v);
	ds->deps = sorted;
	ds->ndeps = n;
	if (ds->gate_cap < sorted.len + 1) {
		char *g = realloc(ds->gate, sorted.len + 1);

		if (g) {
			if (!ds->gate)
				g[0] = 0;
			ds->gate = g;
			ds->gate_cap = sorted.len + 1;
		}
	}
}

static enum svdeps_st st_of(const char *name)
{
	static const char *const v[] = { "down", "starting", "up", "ready", "stopping",
		"finishing", "backoff", "failed", "waiting" };
	size_t k;

	for (k = 0; k < sizeof v / sizeof *v; k++)
		if (strcmp(name, v[k]) == 0)
			return (enum svdeps_st)k;
	return SVDEPS_ST_DOWN;
}

/* What a dependency looks like now: svok's test, the 18-byte status, and
 * the state file where its pid agrees with the status (as svstat -k).
 * Without a state file that agrees, what the status says: up or down. A
 * 0.76 supervise writes no state file, so a service of its with a
 * notification-fd is never "ready" here (0.76 does not read that file
 * either); up cannot stand in for ready, since our own supervise writes
 * its first status (with the pid) a moment before its first state. */
static void observe(struct scantab_svc *e, struct svdeps_obs *o)
{
	char path[SCANTAB_NAME_MAX + 32], text[SVSTATE_TEXT_MAX];
	struct svstatus status = { 0 };
	/* Static: over 9 KB (the cgroup and status buffers) for a struct
	 * whose text fields are never used here. */
	static struct svstate st;
	int r;

	o->absent = !e->active || e->removing;
	o->running = !o->absent && svctl_running(e->name) == 1;
	o->st = SVDEPS_ST_DOWN;
	o->want = 0;
	if (!o->running)
		return;
	if (svctl_status(e->name, &status) < 0)
		return; /* not started yet: down */
	o->want = status.want;
	o->st = status.pid ? SVDEPS_ST_UP : SVDEPS_ST_DOWN;
	snprintf(path, sizeof path, "%s/supervise/state", e->name);
	r = svstate_read_at(AT_FDCWD, path, text, &st);
	if (r >= 0 && st.pid == status.pid) {
		o->st = st_of(svstate_name(st.state));
		o->want = st.want;
	}
}

static int has_ready(const char *name)
{
	char path[SCANTAB_NAME_MAX + 32];

	snprintf(path, sizeof path, "%s/notification-fd", name);
	if (access(path, F_OK) == 0)
		return 1;
	snprintf(path, sizeof path, "%s/notify-socket", name);
	return access(path, F_OK) == 0;
}

/* "G" on NAME/supervise/control: supervise reads its gate again. Not
 * svscan_tell, which SIGTERMs a supervise whose directory was removed: a
 * poke must never take a service down. ENXIO, ENOENT, EAGAIN: no
 * supervise yet (it reads the gate at its start) or a full fifo (it has a
 * G to read already). */
static void poke(const char *name)
{
	char path[SCANTAB_NAME_MAX + 32];
	int fd;

	snprintf(path, sizeof path, "%s/supervise/control", name);
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	fd_write_all(fd, "G", 1);
	fd_close(fd);
}

/* Writes e's gate (supervise/gate.new, then rename) and pokes its
 * supervise, which re-reads the file on "G" (one not running yet reads
 * it at its start: nothing to retry). */
static void write_gate(struct svscan *s, struct scantab_svc *e, const char *text, size_t len)
{
	char b[SCANTAB_PRINTABLE_MAX], path[SCANTAB_NAME_MAX + 32], tmp[SCANTAB_NAME_MAX + 32];
	int fd, r;

	snprintf(path, sizeof path, "%s/supervise", e->name);
	if (mkdir(path, 0700) < 0 && errno != EEXIST) {
		dt_warn_sys("unable to mkdir %s/supervise", svscan_pname(e->name, b));
		s->trouble = 1;
		return;
	}
	snprintf(tmp, sizeof tmp, "%s/supervise/gate.new", e->name);
	snprintf(path, sizeof path, "%s/supervise/gate", e->name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	r = fd < 0 ? -errno : fd_write_all(fd, text, len);
	if (fd >= 0 && close(fd) < 0 && r >= 0)
		r = -errno;
	if (r >= 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		dt_warn_errno(-r, "unable to write %s/supervise/gate", svscan_pname(e->name, b));
		if (fd >= 0)
			unlink(tmp);
		s->trouble = 1; /* the next scan writes it again */
		return;
	}
	e->deps->gate_known = 1;
	memcpy(e->deps->gate, text, len + 1);
	poke(e->name);
}

/* Recomputes the gate of service i and writes it where it changed. At
 * svscan's start every gate is written once, since the disk is the only
 * state: except an empty one where there is no (or an empty) gate file. */
static void update_gate(struct svscan *s, size_t i)
{
	struct svscan_deps *d = s->deps;
	struct scantab_svc *e = &s->tab.v[i];
	char path[SCANTAB_NAME_MAX + 32];
	struct stat st;
	int len;

	if (!e->deps || !e->deps->gate || !e->active || e->removing)
		return;
	len = svdeps_gate_text(&d->g, i, d->obs, d->buf, d->g.gate_max);
	if (len < 0)
		return;
	if (e->deps->gate_known && strcmp(e->deps->gate, d->buf) == 0)
		return;
	if (!e->deps->gate_known && len == 0) {
		snprintf(path, sizeof path, "%s/supervise/gate", e->name);
		if (stat(path, &st) < 0 || st.st_size == 0) {
			e->deps->gate_known = 1;
			e->deps->gate[0] = 0;
			return;
		}
	}
	write_gate(s, e, d->buf, (size_t)len);
}

static int cmp_wd(const void *a, const void *b)
{
	const struct wdmap *x = a, *y = b;

	return (x->wd > y->wd) - (x->wd < y->wd);
}

/* Watches NAME/supervise/ of each service someone depends on (making the
 * directory, as supervise would, so the watch is there before it starts),
 * and no other. */
static void set_watches(struct svscan *s)
{
	struct svscan_deps *d = s->deps;
	char path[SCANTAB_NAME_MAX + 32];
	size_t i, nd;

	d->nwds = 0;
	for (i = 0; i < s->tab.n; i++) {
		struct scantab_svc *e = &s->tab.v[i];
		struct svscan_dsvc *ds = e->deps;

		if (!ds)
			continue;
		svdeps_dependents(&d->g, i, &nd);
		if ((!nd || !e->active || e->removing) && ds->wd >= 0 && d->fd >= 0) {
			inotify_rm_watch(d->fd, ds->wd);
			ds->wd = -1;
		}
		if (!nd || !e->active || e->removing || d->fd < 0)
			continue;
		snprintf(path, sizeof path, "%s/supervise", e->name);
		mkdir(path, 0700);
		ds->wd = lx_inotify_add(d->fd, path, DEP_WATCH);
		if (ds->wd < 0) {
			ds->wd = -1;
			s->trouble = 1; /* seen at the next scan meanwhile */
			continue;
		}
		d->wds[d->nwds].wd = ds->wd;
		d->wds[d->nwds++].i = (uint32_t)i;
	}
	qsort(d->wds, d->nwds, sizeof *d->wds, cmp_wd);
}

static void warn_missing(struct svscan *s)
{
	struct svscan_deps *d = s->deps;
	char b[SCANTAB_PRINTABLE_MAX], c[SCANTAB_PRINTABLE_MAX];
	size_t i, k, ne;

	for (i = 0; i < s->tab.n; i++) {
		struct scantab_svc *e = &s->tab.v[i];
		const struct svdeps_edge *ed;
		struct strlist now = { 0 };

		if (!e->deps || !e->active || e->removing)
			continue;
		ed = svdeps_deps(&d->g, i, &ne);
		for (k = 0; k < ne; k++) {
			if (ed[k].kind != SVDEPS_NEEDS ||
			    (ed[k].to != SVDEPS_NONE && !d->obs[ed[k].to].absent))
				continue;
			if (!sl_has(&e->deps->missing, ed[k].name))
				dt_warn("%s needs %s: no such service", svscan_pname(e->name, b),
					svscan_pname(ed[k].name, c));
			sl_add(&now, ed[k].name, strlen(ed[k].name));
		}
		sl_swap(&e->deps->missing, &now);
		free(now.v);
	}
}

/* One line, however long (1,000 services in one cycle): dt_warn would cut
 * it at 1 KB. One write, so it never interleaves with other messages. */
static void say_cycle(const char *path, size_t len)
{
	static const char pre[] = "svscan: warning: dependency cycle: ";
	static const char post[] = ": ignoring these needs\n";
	char *line = malloc(sizeof pre + len + sizeof post);

	if (!line) {
		dt_warn("dependency cycle: %.900s...: ignoring these needs", path);
		return;
	}
	memcpy(line, pre, sizeof pre - 1);
	memcpy(line + sizeof pre - 1, path, len);
	memcpy(line + sizeof pre - 1 + len, post, sizeof post);
	fd_write_all(2, line, sizeof pre - 1 + len + sizeof post - 1);
	free(line);
}

/* One warning per cycle, again only when the set of cycles changes. */
static void warn_cycles(struct svscan *s)
{
	struct svscan_deps *d = s->deps;
	struct strlist now = { 0 };
	char b[SCANTAB_PRINTABLE_MAX], *text = NULL, *t;
	size_t k, j, len, cap = 0, need;

	for (k = 0; k < d->g.ncycles; k++) {
		len = 0;
		for (j = d->g.coff[k]; j < d->g.coff[k + 1]; j++) {
			svscan_pname(s->tab.v[d->g.cyc[j]].name, b);
			need = len + strlen(b) + 5;
			if (need > cap) {
				t = realloc(text, need * 2);
				if (!t)
					goto out;
				text = t;
				cap = need * 2;
			}
			len += (size_t)sprintf(text + len, "%s%s", j > d->g.coff[k] ? " -> " : "", b);
		}
		if (!sl_has(&d->cycles, text))
			say_cycle(text, len);
		sl_add(&now, text, len);
	}
out:
	free(text);
	sl_swap(&d->cycles, &now);
	free(now.v);
}

static int grow(void *pp, size_t n, size_t size)
{
	void *p = realloc(*(void **)pp, (n ? n : 1) * size);

	if (!p)
		return -1;
	*(void **)pp = p;
	return 0;
}

/* The table's per-index arrays, sized to it at each scan. */
static int size_arrays(struct svscan_deps *d, size_t n, size_t nspec)
{
	if (grow(&d->obs, n, sizeof *d->obs) || grow(&d->names, n, sizeof *d->names) ||
	    grow(&d->live, n, 1) || grow(&d->down, n, 1) || grow(&d->consider, n, 1) ||
	    grow(&d->dirty, n, 1) || grow(&d->queue, n, sizeof *d->queue) ||
	    grow(&d->wds, n, sizeof *d->wds) || grow(&d->spec, nspec, sizeof *d->spec))
		return -1;
	memset(d->dirty, 0, n);
	return 0;
}

static int build(struct svscan *s)
{
	struct svscan_deps *d = s->deps;
	size_t i, k, nspec = 0, ns = 0;

	for (i = 0; i < s->tab.n; i++) {
		struct scantab_svc *e = &s->tab.v[i];

		if (e->active && !e->removing && dsvc(e))
			read_deps(e, e->deps);
		nspec += e->deps ? e->deps->ndeps : 0;
	}
	svdeps_free(&d->g);
	if (size_arrays(d, s->tab.n, nspec) < 0)
		return -1;
	for (i = 0; i < s->tab.n; i++) {
		struct scantab_svc *e = &s->tab.v[i];
		struct strlist *l = e->deps ? &e->deps->deps : NULL;

		d->names[i] = e->name;
		d->live[i] = e->active && !e->removing;
		for (k = 0; l && k < l->len; k += strlen(l->v + k) + 1) {
			d->spec[ns].from = (uint32_t)i;
			d->spec[ns].kind = l->v[k] == 'N' ? SVDEPS_NEEDS : SVDEPS_AFTER;
			d->spec[ns++].name = l->v + k + 1;
		}
	}
	if (svdeps_build(&d->g, s->tab.n, d->names, d->live, d->spec, ns) < 0 ||
	    grow(&d->buf, d->g.gate_max, 1) < 0) {
		svdeps_free(&d->g);
		return -1;
	}
	return 0;
}

void svscan_deps_scan(struct svscan *s)
{
	struct svscan_deps *d = s->deps;
	size_t i, nd;

	if (build(s) < 0) {
		dt_warn("unable to allocate memory: dependencies not updated");
		s->trouble = 1;
		return;
	}
	for (i = 0; i < s->tab.n; i++) {
		struct scantab_svc *e = &s->tab.v[i];

		d->obs[i] = (struct svdeps_obs){ 0 };
		d->obs[i].absent = !e->active || e->removing;
		svdeps_dependents(&d->g, i, &nd);
		if (nd && !d->obs[i].absent) {
			observe(e, &d->obs[i]);
			d->obs[i].has_ready = (unsigned char)has_ready(e->name);
		}
	}
	warn_missing(s);
	warn_cycles(s);
	set_watches(s);
	for (i = 0; i < s->tab.n; i++)
		update_gate(s, i);
}

/* Service i (someone's dependency) may have changed: read it again and
 * recompute the gates of its dependents only. */
void svscan_deps_changed(struct svscan *s, size_t i)
{
	struct svscan_deps *d = s->deps;
	struct svdeps_obs o;
	const uint32_t *dep;
	size_t k, nd;

	if (!d || s->phase != PH_RUN || i >= d->g.n)
		return;
	dep = svdeps_dependents(&d->g, i, &nd);
	if (!nd)
		return;
	o = d->obs[i];
	observe(&s->tab.v[i], &o);
	if (memcmp(&o, &d->obs[i], sizeof o) == 0)
		return;
	d->obs[i] = o;
	for (k = 0; k < nd; k++)
		update_gate(s, d->g.e[dep[k]].from);
}

static long find_wd(const struct svscan_deps *d, int wd)
{
	struct wdmap key = { wd, 0 }, *m;

	m = bsearch(&key, d->wds, d->nwds, sizeof *d->wds, cmp_wd);
	return m ? (long)m->i : -1;
}

void svscan_deps_event(struct svscan *s)
{
	_Alignas(struct inotify_event) char buf[8192];
	struct svscan_deps *d = s->deps;
	const struct inotify_event *ev;
	struct lx_inotify_iter it;
	size_t nq = 0, k;
	int r, err, all = 0;
	long i;

	for (;;) {
		r = lx_inotify_read(d->fd, buf, sizeof buf, &it);
		if (r <= 0)
			break;
		while ((ev = lx_inotify_next(&it, &err))) {
			if (ev->mask & IN_Q_OVERFLOW) {
				all = 1;
				continue;
			}
			/* Our own gate.new and supervise's other files say
			 * nothing about the service's state. */
			if (ev->len && strcmp(ev->name, "state") && strcmp(ev->name, "status") &&
			    strcmp(ev->name, "ok"))
				continue;
			i = find_wd(d, ev->wd);
			if (i < 0 || (size_t)i >= d->g.n)
				continue;
			if (ev->mask & (IN_IGNORED | IN_DELETE_SELF))
				s->tab.v[i].deps->wd = -1; /* the next scan watches again */
			if (!d->dirty[i]) {
				d->dirty[i] = 1;
				d->queue[nq++] = (uint32_t)i;
			}
		}
	}
	if (r < 0)
		dt_warn_errno(-r, "unable to read inotify events");
	for (k = 0; k < nq; k++) {
		d->dirty[d->queue[k]] = 0;
		svscan_deps_changed(s, d->queue[k]);
	}
	if (all || r < 0)
		s->scan_at = 0; /* events were lost: look at everything */
}

void svscan_deps_forget(struct svscan *s, struct scantab_svc *e)
{
	struct svscan_dsvc *ds = e->deps;

	if (!ds)
		return;
	if (ds->wd >= 0 && s->deps->fd >= 0)
		inotify_rm_watch(s->deps->fd, ds->wd);
	free(ds->deps.v);
	free(ds->bad.v);
	free(ds->missing.v);
	free(ds->gate);
	free(ds);
	e->deps = NULL;
}

/* Down for a shutdown: its supervise has exited, or its status says the
 * service is (pid 0). */
static int is_down(const struct scantab_svc *e)
{
	struct svstatus st;

	if (!e->p[SCANTAB_MAIN].pid)
		return 1;
	return svctl_status(e->name, &st) == 0 && st.pid == 0;
}

int svscan_deps_may_stop(struct svscan *s, size_t i, int removal)
{
	struct svscan_deps *d = s->deps;
	const uint32_t *dep;
	size_t k, nd;

	if (!d || i >= d->g.n)
		return 1;
	dep = svdeps_dependents(&d->g, i, &nd);
	for (k = 0; k < nd; k++) {
		uint32_t j = d->g.e[dep[k]].from;

		/* A removal waits only for dependents going away too (not seen
		 * by the last scan); the others keep running. */
		d->consider[j] = !removal || !s->tab.v[j].active;
		d->down[j] = d->consider[j] && is_down(&s->tab.v[j]);
	}
	return svdeps_may_stop(&d->g, i, d->down, d->consider);
}

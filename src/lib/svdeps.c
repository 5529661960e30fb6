/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <dt/scantab.h>
#include <dt/svdeps.h>
#include <dt/svgate.h>

int svdeps_name_ok(const char *s)
{
	size_t len = strlen(s);

	return len > 0 && len <= SCANTAB_NAME_MAX && s[0] != '.' && !strchr(s, '/') &&
	       !strchr(s, '\n');
}

void svdeps_free(struct svdeps *g)
{
	free(g->e);
	free(g->off);
	free(g->rev);
	free(g->roff);
	free(g->cyc);
	free(g->coff);
	memset(g, 0, sizeof *g);
}

struct byname {
	const char *const *names;
	const unsigned char *live;
};

/* Sorted by name, then live entries first, then index: the first entry of
 * a run of equal names is the one a name resolves to. */
static int cmp_idx(const void *a, const void *b, void *arg)
{
	const struct byname *bn = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int c = strcmp(bn->names[x], bn->names[y]);

	if (c)
		return c;
	if (bn->live && bn->live[x] != bn->live[y])
		return bn->live[x] ? -1 : 1;
	return x < y ? -1 : x > y;
}

static uint32_t resolve(const char *const *names, const uint32_t *sorted, size_t ns,
			const char *name)
{
	size_t lo = 0, hi = ns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(names[sorted[mid]], name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ns && strcmp(names[sorted[lo]], name) == 0 ? sorted[lo] : SVDEPS_NONE;
}

/* Edges sorted by from (stable: declaration order kept), names resolved. */
static int place_edges(struct svdeps *g, const char *const *names, const unsigned char *live,
		       const struct svdeps_spec *spec, size_t nspec)
{
	struct byname bn = { names, live };
	uint32_t *sorted;
	size_t i, ns = 0;

	for (i = 0; i < nspec; i++)
		if (spec[i].from >= g->n)
			return -EINVAL;
	sorted = malloc((g->n + 1) * sizeof *sorted);
	if (!sorted)
		return -ENOMEM;
	for (i = 0; i < g->n; i++)
		if (names[i])
			sorted[ns++] = (uint32_t)i;
	qsort_r(sorted, ns, sizeof *sorted, cmp_idx, &bn);
	for (i = 0; i < nspec; i++)
		g->off[spec[i].from + 1]++;
	for (i = 0; i < g->n; i++)
		g->off[i + 1] += g->off[i];
	for (i = 0; i < nspec; i++) {
		size_t k = g->off[spec[i].from]++;

		g->e[k].from = spec[i].from;
		g->e[k].kind = spec[i].kind;
		g->e[k].name = spec[i].name;
		g->e[k].ignored = 0;
		g->e[k].to = resolve(names, sorted, ns, spec[i].name);
	}
	for (i = g->n; i > 0; i--)
		g->off[i] = g->off[i - 1];
	g->off[0] = 0;
	free(sorted);
	return 0;
}

struct tarjan {
	uint32_t *index, *low, *stack, *comp, *csize;
	size_t *epos;         /* call stack: next edge to look at */
	uint32_t *call;       /* call stack: node */
	unsigned char *on;
};

/* Iterative Tarjan over the resolved edges: comp[v] numbers v's strongly
 * connected component, csize[c] its size. */
static void scc(const struct svdeps *g, struct tarjan *t)
{
	uint32_t next = 1, ncomp = 0;
	size_t sp = 0, cp = 0, root;

	for (root = 0; root < g->n; root++) {
		if (t->index[root])
			continue;
		t->call[cp] = (uint32_t)root;
		t->epos[cp++] = g->off[root];
		t->index[root] = t->low[root] = next++;
		t->stack[sp++] = (uint32_t)root;
		t->on[root] = 1;
		while (cp) {
			uint32_t v = t->call[cp - 1], w;
			size_t k = t->epos[cp - 1];

			if (k < g->off[v + 1]) {
				t->epos[cp - 1]++;
				w = g->e[k].to;
				if (w == SVDEPS_NONE)
					continue;
				if (!t->index[w]) {
					t->index[w] = t->low[w] = next++;
					t->stack[sp++] = w;
					t->on[w] = 1;
					t->call[cp] = w;
					t->epos[cp++] = g->off[w];
				} else if (t->on[w] && t->index[w] < t->low[v]) {
					t->low[v] = t->index[w];
				}
				continue;
			}
			cp--;
			if (cp && t->low[v] < t->low[t->call[cp - 1]])
				t->low[t->call[cp - 1]] = t->low[v];
			if (t->low[v] != t->index[v])
				continue;
			do {
				w = t->stack[--sp];
				t->on[w] = 0;
				t->comp[w] = ncomp;
				t->csize[ncomp]++;
			} while (w != v);
			ncomp++;
		}
	}
}

/* Shortest cycle from start back to itself inside its component (BFS over
 * the component's edges), appended to g->cyc as start ... start. parent
 * and queue are scratch of n entries; parent must be all SVDEPS_NONE and
 * is left so. */
static void add_cycle(struct svdeps *g, const struct tarjan *t, uint32_t start,
		      uint32_t *parent, uint32_t *queue)
{
	size_t qh = 0, qt = 0, k, len = 0, base = g->coff[g->ncycles];
	uint32_t v, last = SVDEPS_NONE;

	queue[qt++] = start;
	parent[start] = start;
	while (qh < qt && last == SVDEPS_NONE) {
		v = queue[qh++];
		for (k = g->off[v]; k < g->off[v + 1]; k++) {
			uint32_t w = g->e[k].to;

			if (w == SVDEPS_NONE || t->comp[w] != t->comp[start])
				continue;
			if (w == start) {
				last = v;
				break;
			}
			if (parent[w] == SVDEPS_NONE) {
				parent[w] = v;
				queue[qt++] = w;
			}
		}
	}
	/* The path back, reversed into place: start, ..., last, start. */
	g->cyc[base + len++] = start;
	for (v = last; v != start; v = parent[v])
		g->cyc[base + len++] = v;
	g->cyc[base + len++] = start;
	for (k = 1; k < len - 1 - k; k++) {
		v = g->cyc[base + k];
		g->cyc[base + k] = g->cyc[base + len - 1 - k];
		g->cyc[base + len - 1 - k] = v;
	}
	g->ncycles++;
	g->coff[g->ncycles] = base + len;
	for (k = 0; k < qt; k++)
		parent[queue[k]] = SVDEPS_NONE;
}

static void find_cycles(struct svdeps *g, const struct tarjan *t, const char *const *names,
			uint32_t *first, uint32_t *parent, uint32_t *queue)
{
	size_t i, k;

	for (i = 0; i < g->n; i++)
		first[i] = SVDEPS_NONE;
	for (i = 0; i < g->n; i++) {
		uint32_t c = t->comp[i];

		if (t->csize[c] >= 2 &&
		    (first[c] == SVDEPS_NONE || strcmp(names[i], names[first[c]]) < 0))
			first[c] = (uint32_t)i;
		parent[i] = SVDEPS_NONE;
	}
	for (i = 0; i < g->n; i++) {
		int self = 0;

		for (k = g->off[i]; k < g->off[i + 1]; k++) {
			uint32_t w = g->e[k].to;

			if (w == SVDEPS_NONE)
				continue;
			if (w == i || (t->comp[w] == t->comp[i] && t->csize[t->comp[i]] >= 2))
				g->e[k].ignored = 1;
			if (w == i && !self++) {
				size_t b = g->coff[g->ncycles];

				g->cyc[b] = g->cyc[b + 1] = (uint32_t)i;
				g->coff[++g->ncycles] = b + 2;
			}
		}
		if (first[t->comp[i]] == i)
			add_cycle(g, t, (uint32_t)i, parent, queue);
	}
}

static int alloc_all(struct svdeps *g, size_t nspec, struct tarjan *t, uint32_t **scratch)
{
	size_t n = g->n;

	g->e = calloc(nspec + 1, sizeof *g->e);
	g->off = calloc(n + 2, sizeof *g->off);
	g->roff = calloc(n + 2, sizeof *g->roff);
	g->rev = calloc(nspec + 1, sizeof *g->rev);
	/* Paths: a component of k takes at most k + 1 entries, a self-need 2. */
	g->cyc = calloc(4 * n + 1, sizeof *g->cyc);
	g->coff = calloc(2 * n + 2, sizeof *g->coff);
	*scratch = calloc(10 * (n + 1), sizeof **scratch);
	t->epos = calloc(n + 1, sizeof *t->epos);
	t->on = calloc(n + 1, 1);
	if (!g->e || !g->off || !g->roff || !g->rev || !g->cyc || !g->coff || !*scratch ||
	    !t->epos || !t->on)
		return -ENOMEM;
	t->index = *scratch;
	t->low = t->index + n + 1;
	t->stack = t->low + n + 1;
	t->comp = t->stack + n + 1;
	t->csize = t->comp + n + 1;
	t->call = t->csize + n + 1;
	return 0;
}

static void link_reverse(struct svdeps *g)
{
	size_t i, k, need, max = 1;

	for (k = 0; k < g->ne; k++)
		if (g->e[k].to != SVDEPS_NONE && !g->e[k].ignored)
			g->roff[g->e[k].to + 1]++;
	for (i = 0; i < g->n; i++)
		g->roff[i + 1] += g->roff[i];
	for (k = 0; k < g->ne; k++)
		if (g->e[k].to != SVDEPS_NONE && !g->e[k].ignored)
			g->rev[g->roff[g->e[k].to]++] = (uint32_t)k;
	for (i = g->n; i > 0; i--)
		g->roff[i] = g->roff[i - 1];
	g->roff[0] = 0;
	for (i = 0; i < g->n; i++) {
		need = 1;
		for (k = g->off[i]; k < g->off[i + 1]; k++)
			need += strlen(g->e[k].name) + 1;
		if (need > max)
			max = need;
	}
	g->gate_max = max;
}

int svdeps_build(struct svdeps *g, size_t n, const char *const *names,
		 const unsigned char *live, const struct svdeps_spec *spec, size_t nspec)
{
	struct tarjan t = { 0 };
	uint32_t *scratch = NULL, *rest;
	int r;

	memset(g, 0, sizeof *g);
	g->n = n;
	g->ne = nspec;
	r = alloc_all(g, nspec, &t, &scratch);
	if (r == 0)
		r = place_edges(g, names, live, spec, nspec);
	if (r == 0) {
		scc(g, &t);
		rest = t.call + n + 1;
		find_cycles(g, &t, names, rest, rest + n + 1, rest + 2 * (n + 1));
		link_reverse(g);
	}
	free(scratch);
	free(t.epos);
	free(t.on);
	if (r < 0)
		svdeps_free(g);
	return r;
}

const struct svdeps_edge *svdeps_deps(const struct svdeps *g, size_t i, size_t *count)
{
	*count = g->off[i + 1] - g->off[i];
	return g->e + g->off[i];
}

const uint32_t *svdeps_dependents(const struct svdeps *g, size_t i, size_t *count)
{
	*count = g->roff[i + 1] - g->roff[i];
	return g->rev + g->roff[i];
}

int svdeps_need_ok(const struct svdeps_obs *o)
{
	if (o->absent || !o->running)
		return 0;
	if (o->has_ready)
		return o->st == SVDEPS_ST_READY;
	return o->st == SVDEPS_ST_UP || o->st == SVDEPS_ST_READY;
}

int svdeps_after_waits(const struct svdeps_obs *o)
{
	if (o->absent || !o->running || (o->want != 'u' && o->want != 'o'))
		return 0;
	return o->st == SVDEPS_ST_WAITING || o->st == SVDEPS_ST_STARTING ||
	       (o->st == SVDEPS_ST_UP && o->has_ready);
}

static int waits_on(const struct svdeps_edge *e, const struct svdeps_obs *obs)
{
	if (e->ignored)
		return 0;
	if (e->to == SVDEPS_NONE)
		return e->kind == SVDEPS_NEEDS;
	if (e->kind == SVDEPS_NEEDS)
		return !svdeps_need_ok(&obs[e->to]);
	return svdeps_after_waits(&obs[e->to]);
}

int svdeps_gate_text(const struct svdeps *g, size_t i, const struct svdeps_obs *obs,
		     char *buf, size_t size)
{
	size_t k, j;
	const struct svdeps_edge *e = g->e;
	int len = 0;

	if (size < 1)
		return -ENOSPC;
	buf[0] = '\0';
	for (k = g->off[i]; k < g->off[i + 1]; k++) {
		int seen = 0;

		if (!waits_on(&e[k], obs))
			continue;
		/* needs/db and after/db: db once. */
		for (j = g->off[i]; j < k && !seen; j++)
			seen = strcmp(e[j].name, e[k].name) == 0 && waits_on(&e[j], obs);
		if (seen)
			continue;
		len = svgate_add(buf, (size_t)len, size, e[k].name, strlen(e[k].name));
		if (len < 0)
			return len;
	}
	return len;
}

int svdeps_may_stop(const struct svdeps *g, size_t i, const unsigned char *down,
		    const unsigned char *consider)
{
	size_t k;

	for (k = g->roff[i]; k < g->roff[i + 1]; k++) {
		uint32_t j = g->e[g->rev[k]].from;

		if (consider && !consider[j])
			continue;
		if (!down[j])
			return 0;
	}
	return 1;
}

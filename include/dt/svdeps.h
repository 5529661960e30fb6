/* SPDX-License-Identifier: ISC */
#ifndef DT_SVDEPS_H
#define DT_SVDEPS_H

/* Service dependencies as svscan decides them (DESIGN.md section 6,
 * "Dependencies"): a graph over the services of svscan's table by index,
 * built once per scan from each service's needs/ and after/ entries; the
 * cycles found there (Tarjan's strongly connected components, iterative so
 * that a 1,000-long chain needs no deep stack) and the edges they make
 * ignored; the gate of a service (the names it still waits for) from what
 * is observed of its dependencies; and the reverse order of a shutdown.
 *
 * Pure: no I/O, no clock. svdeps_build allocates; everything after it
 * (svdeps_gate_text, svdeps_dependents, svdeps_may_stop) works on what was
 * set up there, so the per-event path allocates nothing. The graph keeps
 * pointers to the caller's name strings: they must outlive it. */

#include <stddef.h>
#include <stdint.h>

#define SVDEPS_NONE ((uint32_t)-1) /* an edge to a name no service has */

enum svdeps_kind { SVDEPS_NEEDS = 0, SVDEPS_AFTER = 1 };

/* What svscan observed of a service (its supervise/state, believed only
 * when its pid is the 18-byte status's, as svstat -k; a 0.76 supervise
 * has no state: UP or DOWN from the status pid). */
enum svdeps_st {
	SVDEPS_ST_DOWN,
	SVDEPS_ST_STARTING,
	SVDEPS_ST_UP,
	SVDEPS_ST_READY,
	SVDEPS_ST_STOPPING,
	SVDEPS_ST_FINISHING,
	SVDEPS_ST_BACKOFF,
	SVDEPS_ST_FAILED,
	SVDEPS_ST_WAITING,
};

struct svdeps_obs {
	unsigned char absent;    /* no such service (not in the table, or removed) */
	unsigned char running;   /* its supervise runs (supervise/ok has a reader) */
	unsigned char has_ready; /* a readiness method: notification-fd or notify-socket */
	char want;               /* 'u', 'd', 'o' (once), 0 unknown */
	enum svdeps_st st;
};

/* One declared dependency: service `from` needs/after the service called
 * `name` (a valid name: svdeps_name_ok). */
struct svdeps_spec {
	uint32_t from;
	enum svdeps_kind kind;
	const char *name;
};

struct svdeps_edge {
	uint32_t from;
	uint32_t to;            /* SVDEPS_NONE: missing */
	enum svdeps_kind kind;
	unsigned char ignored;  /* inside a cycle */
	const char *name;
};

struct svdeps {
	size_t n;               /* services */
	size_t ne;
	struct svdeps_edge *e;  /* sorted by from; out-edges of i: off[i]..off[i+1] */
	size_t *off;
	uint32_t *rev;          /* effective (not ignored, not missing) in-edges of i, as */
	size_t *roff;           /* edge indices: rev[roff[i]]..rev[roff[i+1]] */
	size_t gate_max;        /* bytes a gate text may need, NUL included */
	/* Cycles: ncycles paths of services, each closed (first == last),
	 * starting at its member whose name sorts first. */
	size_t ncycles;
	uint32_t *cyc;          /* all paths, one after the other */
	size_t *coff;           /* path k: cyc[coff[k]]..cyc[coff[k+1]] */
};

/* 1 if s may name a service in needs/ or after/: not empty, not starting
 * with '.', no '/' or newline, at most SCANTAB_NAME_MAX (255) bytes. */
int svdeps_name_ok(const char *s);

/* Builds g over n services called names[i] (NULL: an entry that no name
 * resolves to; where two entries share a name, the first with live[i] set
 * wins, else the first; live may be NULL) from nspec declarations. 0, or
 * -ENOMEM (g is then empty), -EINVAL (a spec's from >= n). */
int svdeps_build(struct svdeps *g, size_t n, const char *const *names,
		 const unsigned char *live, const struct svdeps_spec *spec, size_t nspec);
void svdeps_free(struct svdeps *g);

/* Out-edges of service i (missing and ignored ones included). */
const struct svdeps_edge *svdeps_deps(const struct svdeps *g, size_t i, size_t *count);
/* Services that effectively need or are after i, as edge indices into
 * g->e (a service may appear twice: needs/ and after/). */
const uint32_t *svdeps_dependents(const struct svdeps *g, size_t i, size_t *count);

/* Is a need of this dependency satisfied (running, and ready when it has
 * a readiness method, else up)? Does an after/ on it make one wait
 * (running, wanted up, its start attempt neither satisfied nor failed)? */
int svdeps_need_ok(const struct svdeps_obs *o);
int svdeps_after_waits(const struct svdeps_obs *o);

/* The gate of service i: the names it still waits for, each followed by
 * '\n' (empty: open), in declaration order, each name once. obs[j] is what
 * was observed of service j. Writes into buf (size >= g->gate_max
 * always suffices) with a NUL; returns the length, or -ENOSPC. */
int svdeps_gate_text(const struct svdeps *g, size_t i, const struct svdeps_obs *obs,
		     char *buf, size_t size);

/* Shutdown in reverse order: may service i be told to go down, given
 * down[j] (service j is down)? 1 when every service that effectively
 * needs or is after i is down. consider (may be NULL: all) limits that to
 * the dependents j with consider[j] set (a removal: those removed too). */
int svdeps_may_stop(const struct svdeps *g, size_t i, const unsigned char *down,
		    const unsigned char *consider);

#endif

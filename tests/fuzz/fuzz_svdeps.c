/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: svscan's dependency graph (svdeps) over up to 16
 * services built from arbitrary bytes, checked against a brute-force model:
 * an edge is ignored exactly when its ends reach each other (a cycle, or a
 * self-need); every cycle path is closed and follows real edges between
 * members of one cycle; a gate names only declared, waiting dependencies;
 * the shutdown order never lets a service go before a live dependent.
 * Input: byte 0 the number of services; then 3 bytes per declaration
 * (from, target: an index or past the end for a missing name, kind), then
 * one byte per service for what is observed of it. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dt/svdeps.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)
#define N 16
#define MAXSPEC 64

static const char *const nm[N + 2] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j",
	"k", "l", "m", "n", "o", "p", "gone", "lost" };

static int reach[N][N];

static void closure(size_t n, const struct svdeps_spec *sp, size_t ns)
{
	size_t i, j, k;

	memset(reach, 0, sizeof reach);
	for (k = 0; k < ns; k++)
		for (j = 0; j < n; j++)
			if (strcmp(sp[k].name, nm[j]) == 0)
				reach[sp[k].from][j] = 1;
	for (k = 0; k < n; k++)
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				if (reach[i][k] && reach[k][j])
					reach[i][j] = 1;
}

static int has_edge(const struct svdeps *g, uint32_t u, uint32_t v)
{
	size_t k, c;
	const struct svdeps_edge *e = svdeps_deps(g, u, &c);

	for (k = 0; k < c; k++)
		if (e[k].to == v)
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svdeps_spec sp[MAXSPEC];
	struct svdeps_obs obs[N];
	unsigned char down[N];
	char buf[MAXSPEC * 6 + 1];
	struct svdeps g;
	size_t n, ns = 0, k, i, c;

	if (size < 1)
		return 0;
	n = data[0] % N + 1;
	data++;
	size--;
	while (size >= 3 && ns < MAXSPEC && data[0] != 0xff) {
		sp[ns].from = data[0] % n;
		sp[ns].name = nm[data[1] % (n + 2) < n ? data[1] % (n + 2) : (size_t)N + data[1] % 2];
		sp[ns].kind = data[2] & 1 ? SVDEPS_AFTER : SVDEPS_NEEDS;
		ns++;
		data += 3;
		size -= 3;
	}
	for (i = 0; i < n; i++) {
		uint8_t b = i < size ? data[i] : 0;

		obs[i].absent = b & 1;
		obs[i].running = (b >> 1) & 1;
		obs[i].has_ready = (b >> 2) & 1;
		obs[i].want = "udo"[((b >> 3) & 3) % 3];
		obs[i].st = (enum svdeps_st)((b >> 5) % (SVDEPS_ST_WAITING + 1));
		down[i] = (b >> 4) & 1;
	}
	if (svdeps_build(&g, n, (const char *const *)nm, NULL, sp, ns) < 0)
		return 0;
	closure(n, sp, ns);
	for (k = 0; k < g.ne; k++) {
		const struct svdeps_edge *e = &g.e[k];

		if (e->to == SVDEPS_NONE) {
			CHECK(!e->ignored);
			continue;
		}
		CHECK(e->ignored == (e->from == e->to || reach[e->to][e->from]));
	}
	for (k = 0; k < g.ncycles; k++) {
		size_t a = g.coff[k], b = g.coff[k + 1];

		CHECK(b - a >= 2 && g.cyc[a] == g.cyc[b - 1]);
		for (i = a; i + 1 < b; i++) {
			CHECK(has_edge(&g, g.cyc[i], g.cyc[i + 1]));
			CHECK(reach[g.cyc[i + 1]][g.cyc[a]]);
		}
	}
	for (i = 0; i < n; i++) {
		int len = svdeps_gate_text(&g, i, obs, buf, g.gate_max);
		const struct svdeps_edge *e = svdeps_deps(&g, i, &c);

		CHECK(len >= 0 && (size_t)len < g.gate_max);
		for (char *p = buf, *q; *p; p = q + 1) {
			int found = 0;

			q = strchr(p, '\n');
			CHECK(q);
			*q = 0;
			for (k = 0; k < c; k++)
				found |= strcmp(e[k].name, p) == 0 && !e[k].ignored;
			CHECK(found);
		}
		if (svdeps_may_stop(&g, i, down, NULL)) {
			const uint32_t *d = svdeps_dependents(&g, i, &c);

			for (k = 0; k < c; k++)
				CHECK(down[g.e[d[k]].from]);
		}
	}
	svdeps_free(&g);
	return 0;
}

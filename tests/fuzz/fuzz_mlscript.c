/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: multilog's script (its arguments) and its line
 * engine. Input: one byte L, then L bytes of arguments separated by NUL
 * bytes, then the bytes multilog reads, cut into reads of sizes taken from
 * the arguments' bytes. Checked: the parsed script only points at
 * directories and files it has; sizes and counts are within 0.76's
 * clamps; a warning formats into any buffer; a pattern without '*' matches
 * exactly the equal line; the engine always makes progress and, for a
 * script with only log directories, drops and adds nothing but the final
 * newline and the labels.
 * FUZZ-REQUIRES: include/dt/mlscript.h include/dt/mlproc.h include/dt/match.h */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dt/match.h>
#include <dt/mlproc.h>
#include <dt/mlscript.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)
#define MAXARGS 16
#define MAXDIRS 4

static void check_script(const struct mlscript *sc)
{
	char small[8], big[512];
	size_t i;

	for (i = 0; i < sc->nacts; i++) {
		const struct mlact *a = &sc->acts[i];

		CHECK(a->kind != MLACT_DIR || a->idx < sc->ndirs);
		CHECK(a->kind != MLACT_FILE || a->idx < sc->nfiles);
		CHECK(a->arg != NULL);
	}
	for (i = 0; i < sc->ndirs; i++) {
		CHECK(sc->dirs[i].size >= MLSCRIPT_SIZE_MIN && sc->dirs[i].size <= MLSCRIPT_SIZE_MAX);
		CHECK(sc->dirs[i].num >= MLSCRIPT_NUM_MIN);
	}
	for (i = 0; i < sc->nwarns; i++) {
		int n = mlscript_warn_format(&sc->warns[i], small, sizeof small);

		CHECK(n >= 0 && (size_t)n < sizeof small && strlen(small) == (size_t)n);
		n = mlscript_warn_format(&sc->warns[i], big, sizeof big);
		CHECK(n > 0 && strlen(big) == (size_t)n);
	}
}

static void check_match(const char *pat, const char *line, size_t len)
{
	int r = match_pattern(pat, line, len);

	CHECK(r == 0 || r == 1);
	if (!strchr(pat, '*'))
		CHECK(r == (strlen(pat) == len && memcmp(pat, line, len) == 0));
	if (strcmp(pat, "*") == 0)
		CHECK(r == 1);
}

static int simple_script(const struct mlscript *sc)
{
	size_t i;

	for (i = 0; i < sc->nacts; i++)
		if (sc->acts[i].kind != MLACT_DIR)
			return 0;
	return 1;
}

/* Runs the engine over in[0..len) in reads of the given sizes; returns
 * the bytes it handed to the first directory. */
static size_t run_engine(const struct mlscript *sc, const char *in, size_t len,
			 const uint8_t *cuts, size_t ncuts)
{
	static char dirmem[MAXDIRS][4096];
	static struct mlbuf dirs[MAXDIRS], err;
	size_t ne = 0, ecap;
	char *errmem;
	struct mlbuf *outs[MAXDIRS];
	char *files = malloc(sc->nfiles * MLPROC_FILELINE + 1);
	unsigned char *dirty = malloc(sc->nfiles + 1);
	struct mlproc p;
	struct tai64n t = { UINT64_C(0x400000006b04bc25), 0 };
	size_t pos = 0, avail = 0, total = 0, i, steps = 0, k = 0;

	for (i = 0; i < MAXDIRS; i++) {
		dirs[i] = (struct mlbuf){ dirmem[i], 0, 64 + (ncuts ? cuts[i % ncuts] * 15 : 0) };
		outs[i] = &dirs[i];
	}
	/* as multilog sizes it: room for every e action to fire on a line */
	for (i = 0; i < sc->nacts; i++)
		ne += sc->acts[i].kind == MLACT_STDERR;
	ecap = ne * MLPROC_ERRLINE > 4096 ? ne * MLPROC_ERRLINE : 4096;
	errmem = malloc(ecap);
	err = (struct mlbuf){ errmem, 0, ecap };
	if (!errmem || !files || !dirty || mlproc_init(&p, sc, outs, &err, files, dirty) < 0)
		goto out;
	mlproc_set_time(&p, &t);
	for (;;) {
		int eof, flush = 0;
		size_t used;

		if (avail == 0 || pos + avail < len) {
			size_t more = ncuts ? (size_t)cuts[k++ % ncuts] + 1 : len;

			avail = pos + avail + more > len ? len - pos : avail + more;
		}
		eof = pos + avail == len;
		used = mlproc_feed(&p, in + pos, avail, eof, &flush);
		CHECK(used <= avail);
		pos += used;
		avail -= used;
		if (flush || (eof && avail == 0)) {
			total += dirs[0].len;
			for (i = 0; i < MAXDIRS; i++)
				dirs[i].len = 0;
			err.len = 0;
		}
		if (eof && avail == 0 && !flush)
			break;
		t.nano++;
		mlproc_set_time(&p, &t);
		CHECK(++steps < 4 * len + 64); /* progress */
	}
	mlproc_free(&p);
out:
	free(errmem);
	free(files);
	free(dirty);
	return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *args, *argv[MAXARGS + 1];
	size_t alen, i, lines = 0, expect;
	struct mlscript sc;
	const char *in;
	size_t inlen;
	int argc = 0;

	if (size < 1)
		return 0;
	alen = data[0] < size - 1 ? data[0] : size - 1;
	args = malloc(alen + 1);
	if (!args)
		return 0;
	memcpy(args, data + 1, alen);
	args[alen] = 0;
	argv[argc++] = args;
	for (i = 0; i < alen && argc < MAXARGS; i++)
		if (args[i] == 0)
			argv[argc++] = args + i + 1;
	argv[argc] = NULL;
	in = (const char *)data + 1 + alen;
	inlen = size - 1 - alen;

	if (mlscript_parse(argc, argv, &sc) < 0)
		goto out;
	check_script(&sc);
	for (i = 0; i < sc.nacts; i++)
		if (sc.acts[i].kind == MLACT_SELECT || sc.acts[i].kind == MLACT_DESELECT)
			check_match(sc.acts[i].arg, in, inlen < 1200 ? inlen : 1200);
	if (sc.ndirs >= 1 && sc.ndirs <= MAXDIRS) {
		size_t got = run_engine(&sc, in, inlen, (const uint8_t *)args, alen);

		if (simple_script(&sc)) {
			for (i = 0; i < inlen; i++)
				lines += in[i] == '\n';
			if (inlen && in[inlen - 1] != '\n')
				lines++;
			expect = inlen + (inlen && in[inlen - 1] != '\n') +
				 (sc.timestamp ? lines * MLPROC_LABEL : 0);
			CHECK(got == expect);
		}
	}
	mlscript_free(&sc);
out:
	free(args);
	return 0;
}

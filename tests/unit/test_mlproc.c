/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include <dt/mlproc.h>

#define MAXD 4
#define SINK 65536

struct rig {
	struct mlscript sc;
	struct mlproc p;
	struct mlbuf bufs[MAXD], *outs[MAXD], err;
	char files[2 * MLPROC_FILELINE];
	unsigned char dirty[2];
	char disk[MAXD][SINK];
	size_t disklen[MAXD];
	char errs[SINK];
	size_t errlen;
	int batches;
};

static void rig_init(struct rig *r, int argc, char **argv, size_t cap)
{
	memset(r, 0, sizeof *r);
	cr_assert_eq(mlscript_parse(argc, argv, &r->sc), 0);
	for (int i = 0; i < MAXD; i++) {
		r->bufs[i].p = malloc(cap);
		r->bufs[i].cap = cap;
		r->outs[i] = &r->bufs[i];
	}
	r->err.p = malloc(4096);
	r->err.cap = 4096;
	cr_assert_eq(mlproc_init(&r->p, &r->sc, r->outs, &r->err, r->files, r->dirty), 0);
}

static void rig_flush(struct rig *r)
{
	for (size_t i = 0; i < r->sc.ndirs; i++) {
		cr_assert_leq(r->disklen[i] + r->bufs[i].len, SINK);
		memcpy(r->disk[i] + r->disklen[i], r->bufs[i].p, r->bufs[i].len);
		r->disklen[i] += r->bufs[i].len;
		r->bufs[i].len = 0;
	}
	memcpy(r->errs + r->errlen, r->err.p, r->err.len);
	r->errlen += r->err.len;
	r->err.len = 0;
}

/* Feeds in chunks, as multilog's read loop does; batch k reads at time k. */
static void rig_run(struct rig *r, const char *in, size_t len, size_t chunk)
{
	static char pend[1 << 16];
	size_t have = 0, off = 0;

	for (;;) {
		size_t n = len - off < chunk ? len - off : chunk;
		struct tai64n t = { 0x4000000000000000ULL + (unsigned)r->batches, 0 };
		int eof, nf;

		r->batches++;
		mlproc_set_time(&r->p, &t);
		memcpy(pend + have, in + off, n);
		have += n;
		off += n;
		eof = off == len;
		for (;;) {
			size_t used = mlproc_feed(&r->p, pend, have, eof, &nf);

			memmove(pend, pend + used, have - used);
			have -= used;
			if (!nf)
				break;
			rig_flush(r);
		}
		if (eof)
			break;
	}
	cr_assert_eq(have, 0);
	cr_assert_eq(mlproc_midline(&r->p), 0);
	rig_flush(r);
}

static void rig_free(struct rig *r)
{
	mlproc_free(&r->p);
	mlscript_free(&r->sc);
	for (int i = 0; i < MAXD; i++)
		free(r->bufs[i].p);
	free(r->err.p);
}

#define RIG(r, cap, ...)                                                   \
	do {                                                               \
		char *argv_[] = { __VA_ARGS__ };                            \
		rig_init((r), sizeof argv_ / sizeof *argv_, argv_, (cap)); \
	} while (0)

static void disk_is(struct rig *r, size_t d, const char *want)
{
	cr_assert_eq(r->disklen[d], strlen(want), "dir %zu: %zu bytes, wanted %zu", d,
		     r->disklen[d], strlen(want));
	cr_assert_eq(memcmp(r->disk[d], want, strlen(want)), 0, "dir %zu: %.*s", d,
		     (int)r->disklen[d], r->disk[d]);
}

Test(mlproc, copies_lines_and_adds_last_newline)
{
	static struct rig r;

	for (size_t chunk = 1; chunk <= 9; chunk++) {
		RIG(&r, 64, "./a");
		rig_run(&r, "one\ntwo\nthree", 13, chunk);
		disk_is(&r, 0, "one\ntwo\nthree\n");
		rig_free(&r);
	}
}

Test(mlproc, bytes_kept_exactly)
{
	static struct rig r;
	const char in[] = { 'a', 0, '\xff', '\xfe', '\n', '\xc3', '\x28', 0, '\n' };

	RIG(&r, 64, "./a");
	rig_run(&r, in, sizeof in, 3);
	cr_assert_eq(r.disklen[0], sizeof in);
	cr_assert_eq(memcmp(r.disk[0], in, sizeof in), 0);
	rig_free(&r);
}

Test(mlproc, labels_are_the_time_the_first_byte_was_read)
{
	static struct rig r;

	RIG(&r, 256, "t", "./a");
	rig_run(&r, "ab\ncd\n", 6, 4);
	/* "ab\nc" in batch 0, "d\n" in batch 1: both lines carry label 0. */
	disk_is(&r, 0, "@400000000000000000000000 ab\n@400000000000000000000000 cd\n");
	rig_free(&r);
}

Test(mlproc, lines_longer_than_the_buffers_stream)
{
	static struct rig r;
	static char in[5000], want[6000];

	memset(in, 'x', sizeof in);
	in[2999] = '\n';
	in[sizeof in - 1] = '\n';
	for (size_t chunk = 7; chunk < 5000; chunk *= 3) {
		RIG(&r, 100, "./a", "./b");
		rig_run(&r, in, sizeof in, chunk);
		memcpy(want, in, sizeof in);
		want[sizeof in] = 0;
		disk_is(&r, 0, want);
		disk_is(&r, 1, want);
		rig_free(&r);
	}
}

Test(mlproc, selection_in_script_order)
{
	static struct rig r;

	RIG(&r, 128, "./all", "-*", "+*a", "./a", "-b*", "./a_not_b", "+c*", "./last");
	rig_run(&r, "beta\ngamma\nalpha\ncxa\nbxa\nc\n", 27, 5);
	disk_is(&r, 0, "beta\ngamma\nalpha\ncxa\nbxa\nc\n");
	disk_is(&r, 1, "beta\ncxa\nbxa\n");
	disk_is(&r, 2, "cxa\n");
	disk_is(&r, 3, "cxa\nc\n");
	rig_free(&r);
}

Test(mlproc, patterns_see_the_label)
{
	static struct rig r;

	RIG(&r, 256, "t", "-*", "+@* foo*", "./a", "-*", "+foo*", "./b");
	rig_run(&r, "foo 1\nbar\n", 10, 100);
	disk_is(&r, 0, "@400000000000000000000000 foo 1\n");
	cr_assert_eq(r.disklen[1], 0);
	rig_free(&r);
}

Test(mlproc, e_prints_200_bytes)
{
	static struct rig r;
	static char in[400];

	memset(in, 'y', 300);
	in[300] = '\n';
	memcpy(in + 301, "short\n", 6);
	RIG(&r, 64, "e", "-s*", "e");
	rig_run(&r, in, 307, 50);
	cr_assert_eq(r.errlen, 204 + 204 + 6);
	cr_assert_eq(memcmp(r.errs + 200, "...\n", 4), 0);
	cr_assert_eq(memcmp(r.errs + 404, "...\n", 4), 0);
	cr_assert_eq(memcmp(r.errs + 408, "short\n", 6), 0);
	rig_free(&r);
}

Test(mlproc, file_gets_head_padded_to_1001)
{
	static struct rig r;
	static char in[1300];

	memset(in, 'z', 1200);
	in[1199] = '\n';
	memcpy(in + 1200, "abc", 3);
	RIG(&r, 64, "t", "=f", "-@* a*", "=g");
	rig_run(&r, in, 1203, 333);
	cr_assert_eq(r.dirty[0], 1);
	cr_assert_eq(memcmp(r.files, "@400000000000000", 16), 0);
	cr_assert_eq(memcmp(r.files + 26, "abc\n\n", 5), 0);
	cr_assert_eq(r.files[1000], '\n');
	/* g saw only the long line: label + 974 bytes, then one newline. */
	cr_assert_eq(r.files[MLPROC_FILELINE + 999], 'z');
	cr_assert_eq(r.files[MLPROC_FILELINE + 1000], '\n');
	rig_free(&r);
}

Test(mlproc, partial_head_waits_for_more_input)
{
	static struct rig r;
	int nf;

	RIG(&r, 64, "./a");
	mlproc_set_time(&r.p, &(struct tai64n){ 1, 0 });
	cr_assert_eq(mlproc_feed(&r.p, "abc\nde", 6, 0, &nf), 4);
	cr_assert_eq(nf, 0);
	cr_assert_eq(r.bufs[0].len, 4);
	cr_assert_eq(mlproc_feed(&r.p, "de", 2, 0, &nf), 0);
	cr_assert_eq(mlproc_feed(&r.p, "de\n", 3, 0, &nf), 3);
	cr_assert_eq(r.bufs[0].len, 7);
	rig_free(&r);
}

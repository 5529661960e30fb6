/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dt/match.h>
#include <dt/mlproc.h>

int mlproc_init(struct mlproc *p, const struct mlscript *sc, struct mlbuf **out,
		struct mlbuf *err, char *files, unsigned char *file_dirty)
{
	size_t i;
	int effects = 0;

	memset(p, 0, sizeof *p);
	p->sc = sc;
	p->out = out;
	p->err = err;
	p->files = files;
	p->file_dirty = file_dirty;
	p->sel = malloc(sc->ndirs + 1);
	p->fire = malloc(sc->nacts + 1);
	if (!p->sel || !p->fire) {
		mlproc_free(p);
		return -ENOMEM;
	}
	/* Without patterns the selection never changes: set it once. */
	memset(p->sel, 1, sc->ndirs + 1);
	memset(p->fire, 1, sc->nacts + 1);
	for (i = 0; i < sc->nacts; i++)
		if (sc->acts[i].kind == MLACT_STDERR || sc->acts[i].kind == MLACT_FILE)
			effects = 1;
	for (i = 0; i < sc->nfiles; i++)
		memset(files + i * MLPROC_FILELINE, '\n', MLPROC_FILELINE);
	p->lablen = sc->timestamp ? MLPROC_LABEL : 0;
	p->simple = !sc->has_patterns && !effects;
	memset(p->label, '@', sizeof p->label);
	return 0;
}

void mlproc_free(struct mlproc *p)
{
	free(p->sel);
	free(p->fire);
	p->sel = p->fire = NULL;
}

void mlproc_set_time(struct mlproc *p, const struct tai64n *t)
{
	tai64n_fmt(t, p->label);
	p->label[TAI64N_FMT] = ' ';
}

int mlproc_midline(const struct mlproc *p)
{
	return p->midline;
}

/* compat: 0.76 decides with the first 1000 bytes, the label included. */
static size_t build_head(struct mlproc *p, const char *label, const char *line, size_t len,
			 const char **head)
{
	size_t n;

	if (!p->lablen) {
		*head = line;
		return len < MLPROC_HEAD ? len : MLPROC_HEAD;
	}
	n = len < MLPROC_HEAD - MLPROC_LABEL ? len : MLPROC_HEAD - MLPROC_LABEL;
	memcpy(p->head, label, MLPROC_LABEL);
	memcpy(p->head + MLPROC_LABEL, line, n);
	*head = p->head;
	return MLPROC_LABEL + n;
}

/* The script's actions in order: + only selects, - only deselects. */
static void decide(struct mlproc *p, const char *head, size_t hlen)
{
	const struct mlscript *sc = p->sc;
	int sel = 1;
	size_t i;

	for (i = 0; i < sc->nacts; i++) {
		const struct mlact *a = &sc->acts[i];

		switch (a->kind) {
		case MLACT_SELECT:
			if (!sel && match_pattern(a->arg, head, hlen))
				sel = 1;
			break;
		case MLACT_DESELECT:
			if (sel && match_pattern(a->arg, head, hlen))
				sel = 0;
			break;
		case MLACT_DIR:
			p->sel[a->idx] = (unsigned char)sel;
			break;
		default:
			p->fire[i] = (unsigned char)sel;
		}
	}
}

/* How many e actions fire for this line: each appends up to
 * MLPROC_ERRLINE bytes of output. */
static size_t err_fires(const struct mlproc *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->sc->nacts; i++)
		if (p->sc->acts[i].kind == MLACT_STDERR && p->fire[i])
			n++;
	return n;
}

/* e and =file for the line whose head is given. */
static void effects(struct mlproc *p, const char *head, size_t hlen)
{
	const struct mlscript *sc = p->sc;
	struct mlbuf *e = p->err;
	size_t i;

	for (i = 0; i < sc->nacts; i++) {
		const struct mlact *a = &sc->acts[i];
		char *slot;

		if (!p->fire[i])
			continue;
		if (a->kind == MLACT_STDERR) {
			size_t n = hlen > 200 ? 200 : hlen;

			memcpy(e->p + e->len, head, n);
			e->len += n;
			if (hlen > 200) {
				memcpy(e->p + e->len, "...", 3);
				e->len += 3;
			}
			e->p[e->len++] = '\n';
		} else if (a->kind == MLACT_FILE) {
			slot = p->files + a->idx * MLPROC_FILELINE;
			memcpy(slot, head, hlen);
			memset(slot + hlen, '\n', MLPROC_FILELINE - hlen);
			p->file_dirty[a->idx] = 1;
		}
	}
}

static size_t min_free(const struct mlproc *p)
{
	size_t i, m = SIZE_MAX;

	for (i = 0; i < p->sc->ndirs; i++) {
		const struct mlbuf *b = p->out[i];

		if (p->sel[i] && b->cap - b->len < m)
			m = b->cap - b->len;
	}
	return m;
}

static void append(struct mlproc *p, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < p->sc->ndirs; i++) {
		struct mlbuf *b = p->out[i];

		if (p->sel[i]) {
			memcpy(b->p + b->len, s, n);
			b->len += n;
		}
	}
}

enum { NEED_INPUT, DONE, NEED_FLUSH };

static int start_line(struct mlproc *p, const char *in, size_t len, int eof, size_t *used)
{
	const char *nl = memchr(in, '\n', len), *label, *head = in;
	size_t l = nl ? (size_t)(nl - in) : len, hlen = 0;

	*used = 0;
	if (!nl && (!eof || !len) && (size_t)p->lablen + l < MLPROC_HEAD) {
		if (len && !p->line_label_set) {
			memcpy(p->line_label, p->label, MLPROC_LABEL);
			p->line_label_set = 1;
		}
		return NEED_INPUT;
	}
	label = p->line_label_set ? p->line_label : p->label;
	if (!p->simple) {
		hlen = build_head(p, label, in, l, &head);
		if (p->sc->has_patterns)
			decide(p, head, hlen);
		if (p->err->cap - p->err->len < err_fires(p) * MLPROC_ERRLINE)
			return NEED_FLUSH;
	}
	if ((nl || eof) && p->lablen + l + 1 <= min_free(p)) {
		if (!p->simple)
			effects(p, head, hlen);
		append(p, label, p->lablen);
		append(p, in, l);
		append(p, "\n", 1);
		*used = l + (nl != NULL);
		p->line_label_set = 0;
		return DONE;
	}
	/* Too long for the room left: the label now, the rest streamed. */
	if (min_free(p) < (size_t)p->lablen + 1)
		return NEED_FLUSH;
	if (!p->simple)
		effects(p, head, hlen);
	append(p, label, p->lablen);
	p->line_label_set = 0;
	p->midline = 1;
	return DONE;
}

static int continue_line(struct mlproc *p, const char *in, size_t len, int eof, size_t *used)
{
	const char *nl = memchr(in, '\n', len);
	size_t seg = nl ? (size_t)(nl - in) + 1 : len, room = min_free(p);
	size_t n = seg < room ? seg : room;

	append(p, in, n);
	*used = n;
	if (n < seg)
		return NEED_FLUSH;
	if (nl) {
		p->midline = 0;
		return DONE;
	}
	if (!eof)
		return NEED_INPUT;
	if (room - n < 1)
		return NEED_FLUSH;
	append(p, "\n", 1);
	p->midline = 0;
	return DONE;
}

/* The common case, kept tight: whole lines, no script decisions. */
static size_t fast_lines(struct mlproc *p, const char *in, size_t len)
{
	size_t pos = 0, nd = p->sc->ndirs, i;
	size_t lab = (size_t)p->lablen;

	for (;;) {
		const char *nl = memchr(in + pos, '\n', len - pos);
		size_t l;

		if (!nl)
			return pos;
		l = (size_t)(nl - (in + pos)) + 1;
		for (i = 0; i < nd; i++)
			if (p->out[i]->cap - p->out[i]->len < lab + l)
				return pos;
		for (i = 0; i < nd; i++) {
			struct mlbuf *b = p->out[i];

			memcpy(b->p + b->len, p->label, lab);
			memcpy(b->p + b->len + lab, in + pos, l);
			b->len += lab + l;
		}
		pos += l;
	}
}

size_t mlproc_feed(struct mlproc *p, const char *in, size_t len, int eof, int *need_flush)
{
	size_t pos = 0, used;
	int r;

	*need_flush = 0;
	for (;;) {
		if (p->simple && !p->midline && !p->line_label_set)
			pos += fast_lines(p, in + pos, len - pos);
		if (p->midline)
			r = continue_line(p, in + pos, len - pos, eof, &used);
		else
			r = start_line(p, in + pos, len - pos, eof, &used);
		pos += used;
		if (r == NEED_FLUSH)
			*need_flush = 1;
		if (r != DONE)
			return pos;
	}
}

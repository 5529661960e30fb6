/* SPDX-License-Identifier: ISC */
#ifndef DT_MLPROC_H
#define DT_MLPROC_H

/* multilog's line engine: splits input into lines, labels them, applies
 * the script (select, deselect, e, =file) and appends the bytes for each
 * log directory to that directory's output buffer. No I/O: the caller
 * reads stdin, writes the buffers out and decides when (daemontools 0.76's
 * semantics, COMPAT.md section 4):
 *  - patterns, e and =file see the first 1000 bytes of a line, label
 *    included; e prints 200 of them ("..." if there were more);
 *  - a line that does not end before end of input gets a newline;
 *  - a line's label is the time its first byte was read.
 * The caller owns every buffer; nothing here allocates after init. */

#include <stddef.h>
#include <stdint.h>

#include <dt/mlscript.h>
#include <dt/tai64.h>

#define MLPROC_HEAD 1000    /* bytes of a line the script looks at */
#define MLPROC_FILELINE 1001 /* what =file writes: the head padded with '\n' */
#define MLPROC_ERRLINE 204   /* at most this much e output per line */
#define MLPROC_LABEL 26      /* "@" + 24 hex + " " */

struct mlbuf {
	char *p;
	size_t len, cap;
};

struct mlproc {
	const struct mlscript *sc;
	struct mlbuf **out;        /* sc->ndirs buffers, each cap >= 64 */
	struct mlbuf *err;         /* e output, cap >= MLPROC_ERRLINE x the number
				    * of e actions in the script */
	char *files;               /* sc->nfiles slots of MLPROC_FILELINE bytes */
	unsigned char *file_dirty; /* set when a slot changed; caller clears */
	unsigned char *sel;        /* per dir: the current line is selected */
	unsigned char *fire;       /* per action: selected at that action */
	char label[MLPROC_LABEL];
	char line_label[MLPROC_LABEL];
	int line_label_set;
	int midline;  /* inside a line whose head was decided: stream the rest */
	int lablen;   /* MLPROC_LABEL with t, else 0 */
	int simple;   /* no +, -, e, =: every line to every directory */
	char head[MLPROC_HEAD];
};

/* Sets up p for sc; allocates its small per-action state.
 * Returns 0 or -ENOMEM. */
int mlproc_init(struct mlproc *p, const struct mlscript *sc, struct mlbuf **out,
		struct mlbuf *err, char *files, unsigned char *file_dirty);
void mlproc_free(struct mlproc *p);
/* The label for lines that start in the next batch of input. */
void mlproc_set_time(struct mlproc *p, const struct tai64n *t);

/* Processes in[0..len). Returns how many bytes were consumed. It stops
 * early, with *need_flush = 1, when an output buffer (or err) is too full
 * to go on: write the buffers out and call again with the rest. It also
 * stops, with *need_flush = 0, before a line that is not complete yet and
 * shorter than the head: keep those bytes and call again with more input
 * (or eof = 1: the last line then ends as if it had a newline). */
size_t mlproc_feed(struct mlproc *p, const char *in, size_t len, int eof, int *need_flush);
/* 1 while a line's head has been processed but not its end. */
int mlproc_midline(const struct mlproc *p);

#endif

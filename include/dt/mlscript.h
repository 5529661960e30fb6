/* SPDX-License-Identifier: ISC */
#ifndef DT_MLSCRIPT_H
#define DT_MLSCRIPT_H

/* multilog's script (its argv), parsed once at start with daemontools
 * 0.76's rules:
 *   t        first action only: prefix each line with "@<tai64n> "
 *   +PAT     select lines matching PAT;  -PAT  deselect them
 *   e        selected lines to stderr (200 bytes, "..." if cut)
 *   =FILE    selected line to FILE (first 1000 bytes, padded to 1001)
 *   sSIZE    later log dirs rotate at SIZE bytes (4096..16777215, 99999)
 *   nNUM     later log dirs keep NUM-1 rotated files (>= 2, default 10)
 *   !PROC    later log dirs feed each rotated file through sh -c PROC
 *   ./D, /D  a log directory
 * Only the first byte of an action counts; anything else is ignored and
 * bad numbers are clamped, as 0.76 does. Where 0.76 is silently lenient
 * we are too, but record a warning (struct mlwarn) for the caller to print.
 * Pure: no I/O. The result points into argv, which must outlive it. */

#include <stddef.h>
#include <stdint.h>

#define MLSCRIPT_SIZE_MIN 4096
#define MLSCRIPT_SIZE_MAX 16777215
#define MLSCRIPT_SIZE_DEFAULT 99999
#define MLSCRIPT_NUM_MIN 2
#define MLSCRIPT_NUM_DEFAULT 10

enum mlact_kind {
	MLACT_SELECT,   /* +pattern */
	MLACT_DESELECT, /* -pattern */
	MLACT_STDERR,   /* e */
	MLACT_FILE,     /* =file: idx is the file's index */
	MLACT_DIR,      /* log directory: idx is the directory's index */
};

struct mlact {
	enum mlact_kind kind;
	const char *arg; /* the pattern or path, without its action byte */
	size_t idx;
};

struct mldircfg {
	const char *path;
	uint64_t size;
	unsigned long num;
	const char *processor; /* NULL: none */
};

enum mlwarn_kind {
	MLW_UNKNOWN,    /* action ignored */
	MLW_T_LATE,     /* t that is not the first action: ignored */
	MLW_TRAILING,   /* "exyz", "tfoo": read as e, t */
	MLW_NOT_NUMBER, /* s or n without digits, or digits then garbage */
	MLW_CLAMPED,    /* number out of range: value is what is used */
	MLW_NO_DIR_AFTER, /* s, n or ! after the last log directory */
};

struct mlwarn {
	enum mlwarn_kind kind;
	const char *action; /* the whole argument */
	uint64_t value;     /* MLW_NOT_NUMBER, MLW_CLAMPED: the value used */
};

struct mlscript {
	int timestamp;
	struct mlact *acts;
	size_t nacts;
	struct mldircfg *dirs;
	size_t ndirs;
	const char **files;
	size_t nfiles;
	struct mlwarn *warns;
	size_t nwarns;
	int has_patterns; /* any + or - */
};

/* Parses argv[0..argc). Returns 0 or -ENOMEM; free with mlscript_free. */
int mlscript_parse(int argc, char *const *argv, struct mlscript *out);
void mlscript_free(struct mlscript *s);
/* One warning as text, without the program name ("ignoring unknown action
 * zzz"). Returns the length, truncated to size - 1. */
int mlscript_warn_format(const struct mlwarn *w, char *buf, size_t size);

#endif

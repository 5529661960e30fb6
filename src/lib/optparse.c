/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <dt/optparse.h>
#include <dt/scan.h>

void optparse_init(struct optparse *op)
{
	op->ind = 1;
	op->pos = 0;
	op->opt = 0;
	op->arg = NULL;
}

/* Moves to the next cluster of flags; returns 0 when the options are over. */
static int next_cluster(struct optparse *op, int argc, char *const argv[])
{
	const char *a;

	if (op->ind >= argc || !argv[op->ind])
		return 0;
	a = argv[op->ind];
	if (a[0] != '-' || !a[1])
		return 0;
	if (a[1] == '-' && !a[2]) {
		op->ind++;
		return 0;
	}
	op->pos = 1;
	return 1;
}

int optparse_next(struct optparse *op, int argc, char *const argv[], const char *opts)
{
	const char *a, *spec;
	int c;

	op->arg = NULL;
	if (op->pos == 0 && !next_cluster(op, argc, argv))
		return OPTPARSE_END;
	a = argv[op->ind];
	c = (unsigned char)a[op->pos++];
	op->opt = c;
	spec = c == ':' ? NULL : strchr(opts, c);
	if (!a[op->pos]) {
		op->ind++;
		op->pos = 0;
	}
	if (!spec)
		return OPTPARSE_UNKNOWN;
	if (spec[1] != ':')
		return c;
	if (op->pos) {
		op->arg = a + op->pos;
		op->ind++;
		op->pos = 0;
		return c;
	}
	if (op->ind >= argc || !argv[op->ind])
		return OPTPARSE_NOARG;
	op->arg = argv[op->ind++];
	return c;
}

int optparse_format_error(const struct optparse *op, int code, const char *prog,
			  char *buf, size_t size)
{
	const char *what = code == OPTPARSE_NOARG ? "option requires an argument"
						  : "illegal option";
	int n;

	if (size == 0)
		return 0;
	n = snprintf(buf, size, "%s: %s -- %c\n", prog, what, op->opt);
	if (n < 0)
		n = 0;
	if ((size_t)n >= size)
		n = size - 1;
	return n;
}

int optparse_limit(const char *s, uint64_t *out)
{
	if (s[0] == '=' && !s[1]) {
		*out = OPTPARSE_LIMIT_HARD;
		return 0;
	}
	return scan_u64(s, out);
}

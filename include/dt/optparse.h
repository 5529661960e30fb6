/* SPDX-License-Identifier: ISC */
#ifndef DT_OPTPARSE_H
#define DT_OPTPARSE_H

/* Command-line options as daemontools 0.76 parses them (djb's subgetopt),
 * not as glibc's getopt does: scanning stops at the first argument that is
 * not an option (no permutation), "--" ends the options and is skipped, a
 * lone "-" is an argument, flags cluster ("-nx"), and an option's value is
 * either attached ("-o100") or the next argument ("-o 100").
 * Pure: no I/O, no global state; the caller prints the messages.
 * The one option parser: setlock, softlimit, and svc and svwait through
 * svopt.h. 0.76's other programs take no options, a word starting with '-'
 * is their operand (a DIR, an account, a program); our additions to two
 * of them (svstat -k, setuidgid -c) are one exact first word for that
 * reason, and multilog's arguments are a script (mlscript.h). */

#include <stddef.h>
#include <stdint.h>

#define OPTPARSE_END (-1)
#define OPTPARSE_UNKNOWN '?'	/* opt holds the offending character */
#define OPTPARSE_NOARG ':'	/* opt holds the option that lacks a value */

struct optparse {
	int ind;		/* next argv index; the operands start here at the end */
	int pos;		/* position inside a cluster of flags */
	int opt;		/* last option character seen */
	const char *arg;	/* value of the last option that takes one */
};

void optparse_init(struct optparse *op);
/* opts lists the option characters, each followed by ':' if it takes a value.
 * Returns the option character, OPTPARSE_UNKNOWN, OPTPARSE_NOARG or
 * OPTPARSE_END. */
int optparse_next(struct optparse *op, int argc, char *const argv[], const char *opts);
/* 0.76's words for the two errors above, e.g. "softlimit: illegal option -- z\n".
 * Returns the length written into buf (always NUL-terminated when size > 0). */
int optparse_format_error(const struct optparse *op, int code, const char *prog,
			  char *buf, size_t size);

/* The value of one softlimit option: a decimal number of the resource's
 * units, or "=" for the hard limit. "=" gives OPTPARSE_LIMIT_HARD: it is
 * RLIM_INFINITY, which the clamp to the hard limit that 0.76 applies to
 * every value turns into exactly the hard limit. Empty strings, signs,
 * blanks, any other byte, and numbers past 2^64-1 are errors (-EINVAL,
 * -ERANGE): 0.76 read "" as 0 and wrapped on overflow, silently. */
#define OPTPARSE_LIMIT_HARD UINT64_MAX
int optparse_limit(const char *s, uint64_t *out);

#endif

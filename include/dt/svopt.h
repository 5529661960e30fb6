/* SPDX-License-Identifier: ISC */
#ifndef DT_SVOPT_H
#define DT_SVOPT_H

/* Command lines of svc and svwait: their letters read by optparse_next
 * (optparse.h, the one option parser: 0.76's getopt rules, options first,
 * clustered or not ("-du"), "--" ends them, "-" alone and the first word
 * not starting with '-' are operands; nothing is permuted), and what each
 * program makes of them. Pure functions, no I/O. */

#include <stdint.h>

/* 0.76's letters, then ours: USR1 USR2 QUIT WINCH. */
#define SVC_LETTERS "udopchaitkx12qw"
#define SVC_LETTERS_MAX 15

/* Collects the control letters in the order first seen; a repeated letter
 * is dropped, as 0.76's svc drops it ("-dud" sends "du").
 * Returns the index of the first DIR (may be argc: no DIR is not an
 * error, 0.76 then does nothing), or -EINVAL with the illegal option
 * character in *bad. letters is NUL-terminated. */
int svc_parse_args(int argc, char *const argv[], char letters[SVC_LETTERS_MAX + 1], char *bad);

enum svwait_goal { SVW_UP, SVW_DOWN, SVW_READY, SVW_EXIT };

struct svwait_opts {
	enum svwait_goal goal; /* -u (default) -d -r -x; the last one wins */
	int any;               /* -o: one DIR is enough; -a (default) every DIR */
	int has_timeout;
	uint64_t timeout_ns;   /* -t SECONDS, decimals allowed */
};

/* Returns the index of the first DIR, or -EINVAL for a usage error: an
 * unknown option, -t without a value or with a bad one, or no DIR. */
int svwait_parse_args(int argc, char *const argv[], struct svwait_opts *o);

/* svlink, svunlink: [-t SECONDS] ARG [SCANDIR]. *timeout_ns keeps the
 * caller's default unless -t is given. Returns the index of ARG (one or two
 * operands follow), or -EINVAL. */
int svlink_parse_args(int argc, char *const argv[], uint64_t *timeout_ns);

#endif

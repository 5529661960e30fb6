/* SPDX-License-Identifier: ISC */
#ifndef DT_SVCONF_H
#define DT_SVCONF_H

/* The optional files of a service directory (DESIGN.md section 4), parsed
 * from their text. supervise reads them at each start and hands the text
 * here; nothing in this module touches the file system. A file that does
 * not exist is simply not applied: the default stays.
 *
 * Each value file holds one line (oneline.h: blanks around the value are
 * dropped, a second line is refused); numbers of seconds may have a fraction ("0.25").
 * A bad value returns -EINVAL and leaves the setting at its default, the
 * caller warns: for these files the spec's table says "warning, default
 * used" (timeout-kill: "warning, ignored", which is its default: none).
 * Settings that guard security or resources (user, capabilities, limits)
 * must never fail open; they belong to the cgroup work and get their own
 * parsers with a "do not start" result. */

#include <stddef.h>
#include <stdint.h>

#define SVCONF_NS 1000000000ULL
/* The least MIN and HEALTHY of `backoff`: 0.01 s. */
#define SVCONF_BACKOFF_FLOOR_NS (SVCONF_NS / 100)

struct svconf {
	uint64_t backoff_min_ns;     /* default 1 s */
	uint64_t backoff_max_ns;     /* default 60 s */
	uint64_t healthy_ns;         /* default 10 s */
	uint64_t finish_timeout_ns;  /* default 5 s */
	int has_timeout_kill;        /* default 0: 0.76 never escalates */
	uint64_t timeout_kill_ns;
	uint64_t stray_grace_ns;     /* default 1 s: TERM to strays, then the kill */
	uint32_t give_up;            /* default 0: never give up (0.76) */
};

/* `give-up`: N, an integer from 1 to SVCONF_GIVE_UP_MAX. More is not a
 * limit anyone means (a million failures at the longest backoff is years):
 * it is a typo, warned about and ignored like 0 and garbage. */
#define SVCONF_GIVE_UP_MAX 1000000u

/* The files this module knows, in the order supervise reads them. */
enum svconf_file {
	SVCONF_BACKOFF,
	SVCONF_FINISH_TIMEOUT,
	SVCONF_TIMEOUT_KILL,
	SVCONF_STRAY_GRACE,
	SVCONF_GIVE_UP,
	SVCONF_NFILES
};

void svconf_defaults(struct svconf *c);
/* The file name of f ("backoff", ...). */
const char *svconf_name(enum svconf_file f);
/* Applies the text of file f to c. Returns 0, or -EINVAL for a bad value,
 * in which case c keeps that file's default. */
int svconf_apply(struct svconf *c, enum svconf_file f, const char *text, size_t len);

/* What the caller's warning says a bad value of f leads to: "ignored"
 * (timeout-kill, give-up: the setting's default is "none") or "using the
 * default". */
const char *svconf_bad_means(enum svconf_file f);

/* "MIN MAX HEALTHY" (blanks between, all > 0, MIN <= MAX). */
int svconf_parse_backoff(const char *text, size_t len, uint64_t out_ns[3]);
/* One number of seconds, possibly with a fraction. */
int svconf_parse_seconds(const char *text, size_t len, uint64_t *out_ns);
/* give-up's N: 1 to SVCONF_GIVE_UP_MAX, no sign, no fraction. */
int svconf_parse_give_up(const char *text, size_t len, uint32_t *out);

/* The k-th failure in a row (k >= 1) waits min(MIN * 2^(k-1), MAX);
 * k = 0 waits nothing. Saturates instead of overflowing. */
uint64_t svconf_backoff_delay(const struct svconf *c, uint32_t k);

#endif

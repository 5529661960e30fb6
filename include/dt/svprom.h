/* SPDX-License-Identifier: ISC */
#ifndef DT_SVPROM_H
#define DT_SVPROM_H

/* svstat -p: the Prometheus text exposition format (version 0.0.4, what
 * node_exporter's textfile collector and `promtool check metrics` read)
 * for a list of services. The one definition of the metrics (DESIGN.md
 * section 6): names, types, help texts, label escaping, number spelling.
 * svstat only gathers the values. Pure functions, no I/O: the text goes
 * to the caller's put function.
 *
 * Every family is printed once, "# HELP" and "# TYPE" first, with the
 * samples of every service together (the format wants a family's lines
 * contiguous), and only when at least one service has a value for it: a
 * value that cannot be known (no cgroup, no memory controller, a 0.76
 * supervise) is absent, never 0. daemontools_service_state has one sample
 * per state of enum svstate_state (1 for the current one, 0 for the
 * others), up to SVS_NSTATES: a state added there appears here. */

#include <stddef.h>
#include <stdint.h>

#include <dt/svstate.h>
#include <dt/tai64.h>

/* Which values of a struct svprom_service are known. */
#define SVPROM_RUNNING  0x001u /* running */
#define SVPROM_STATE    0x002u /* state */
#define SVPROM_SINCE    0x004u /* since */
#define SVPROM_STARTS   0x008u /* starts */
#define SVPROM_FAILURES 0x010u /* failures */
#define SVPROM_EXIT     0x020u /* exit_code and exit_signal */
#define SVPROM_PROCS    0x040u /* procs */
#define SVPROM_MEMORY   0x080u /* memory_bytes */
#define SVPROM_CPU      0x100u /* cpu_usec */
#define SVPROM_OOM      0x200u /* oom_kills */

struct svprom_service {
	const char *dir;    /* the caller's (svstat: the DIR); never read here */
	const char *label;  /* the service label's value, escaped: svprom_escape */
	size_t label_len;
	unsigned have;      /* SVPROM_* */
	int running;        /* 1: supervise runs (supervise/ok has a reader) */
	enum svstate_state state;
	struct tai64n since; /* last state change */
	uint64_t starts;
	uint32_t failures;
	int exit_code;      /* last_exit "exit N": N; "signal N": -1 (finish's EXIT) */
	int exit_signal;    /* "signal N": N; "exit N": 0 */
	uint64_t procs;
	uint64_t memory_bytes; /* memory.current */
	uint64_t cpu_usec;     /* cpu.stat usage_usec */
	uint64_t oom_kills;    /* memory.events oom_kill */
};

/* The escaped form of len bytes of in is at most this long (NUL included). */
#define SVPROM_ESCAPED_MAX(len) (5 * (len) + 1)

/* A label value as the text format spells it, into out (at least
 * SVPROM_ESCAPED_MAX(len) bytes), NUL-terminated; returns its length.
 * Backslash, double quote and newline are escaped as the format says (\\,
 * \", \n); valid UTF-8 passes through. The format has no escape for
 * anything else and its parsers refuse a value that is not UTF-8, so each
 * byte of an invalid UTF-8 sequence (overlong forms, surrogates, past
 * U+10FFFF, cut sequences) and each other control byte (below 0x20, 0x7f)
 * becomes the four characters \xNN of the value (written \\xNN): readable,
 * one line, always accepted. */
size_t svprom_escape(const char *in, size_t len, char *out);

/* Drops the services whose label an earlier one has (a DIR given twice):
 * the format, and node_exporter, refuse a series printed twice. Keeps the
 * order; returns the new count. Quadratic: meant for the thousands. */
size_t svprom_dedupe(struct svprom_service *sv, size_t n);

/* Formats every family for the n services; put receives the text in
 * pieces (at most 4 KiB each, longer labels alone), in order. */
void svprom_format(const struct svprom_service *sv, size_t n,
		   void (*put)(void *ctx, const char *s, size_t len), void *ctx);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef DT_CGLIMIT_H
#define DT_CGLIMIT_H

/* The resource-limit files of a service directory (DESIGN.md section 4):
 * memory.max, memory.high, pids.max, cpu.max, cpu.weight, io.weight. Each
 * holds the cgroup v2 file's own syntax; cglimit_parse() validates it the
 * way the kernel would and produces the exact string to write into the
 * service's cgroup file of the same name, so a value the kernel would
 * refuse is caught (with a reason) before run starts, not after.
 *
 * Accepted syntax (blanks and newlines around the whole value are ignored,
 * a second line is an error: the kernel takes one setting per write):
 *   memory.max, memory.high  "max", or bytes as a decimal number with an
 *                            optional K, M, G, T, P or E suffix (powers of
 *                            1024, either case); written as plain bytes, so
 *                            the kernel never reads "010" as octal.
 *   pids.max                 "max" or 0..4194304 (the kernel's PID_MAX_LIMIT).
 *   cpu.max                  "max" or QUOTA, optionally followed by PERIOD;
 *                            microseconds; QUOTA >= 1000 and < 2^44;
 *                            PERIOD 1000..1000000 (the kernel's bounds).
 *   cpu.weight               1..10000.
 *   io.weight                "N", "default N" or "MAJ:MIN N|default",
 *                            N in 1..10000.
 * Pure functions, no I/O. */

#include <stddef.h>

enum cglimit_kind {
	CGL_MEMORY_MAX,
	CGL_MEMORY_HIGH,
	CGL_PIDS_MAX,
	CGL_CPU_MAX,
	CGL_CPU_WEIGHT,
	CGL_IO_WEIGHT,
	CGL_COUNT,
};

/* Longest string cglimit_parse() produces, NUL included. */
#define CGLIMIT_VALUE_MAX 64

/* The file name ("memory.max") and its controller ("memory"). */
const char *cglimit_name(enum cglimit_kind k);
const char *cglimit_controller(enum cglimit_kind k);
/* The kernel's value for a new cgroup ("max", "100", "default 100"): what
 * supervise writes back when the service-dir file has gone since the last
 * start, so a removed limit does not linger. */
const char *cglimit_default(enum cglimit_kind k);
/* Validates text (len bytes, need not be NUL-terminated) as the content of
 * the file of kind k. On success writes the string to write, NUL-terminated,
 * into out and returns its length. On failure returns -EINVAL (syntax),
 * -ERANGE (out of the kernel's bounds) or -ENOSPC (out too small), and sets
 * *why to a static English reason ("not a number", ...). why may be NULL. */
int cglimit_parse(enum cglimit_kind k, const char *text, size_t len, char *out, size_t size,
		  const char **why);

#endif

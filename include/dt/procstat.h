/* SPDX-License-Identifier: ISC */
#ifndef DT_PROCSTAT_H
#define DT_PROCSTAT_H

/* The text of /proc/PID/stat, parsed: one parser for cgroup.c (is a child
 * dying?) and svscan_fork.c (the memory layout for PR_SET_MM_MAP). Fields
 * are numbered as in proc(5): 1 pid, 2 (comm), 3 the state letter, then
 * numbers up to 52. comm may hold spaces and parentheses, so the fields
 * after it start after the last ')'. Pure, no I/O: the caller reads the
 * file. */

#define PROCSTAT_LAST 52

struct procstat {
	char state;				/* field 3 */
	unsigned long long field[PROCSTAT_LAST + 1]; /* field[k], 4 <= k <= last */
};

/* Parses text (NUL-terminated) up to field last (4 <= last <= PROCSTAT_LAST);
 * what follows it is not looked at. A signed field (tpgid -1, nice) wraps as
 * strtoull makes it. Returns 0, or -EINVAL: last out of range, no ") S "
 * after comm, or a field up to last missing or not a number. */
int procstat_parse(const char *text, int last, struct procstat *ps);

#endif

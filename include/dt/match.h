/* SPDX-License-Identifier: ISC */
#ifndef DT_MATCH_H
#define DT_MATCH_H

/* multilog's line patterns, with daemontools 0.76's exact meaning:
 * every byte matches itself, except '*', which skips bytes up to (not
 * including) the first occurrence of the next pattern byte, with no
 * backtracking; a '*' at the end of the pattern matches the rest of the
 * line. So "*a" does not match "gamma": the star stops at the first 'a'
 * and "mma" is left over. The whole line must be used up.
 * Lines may hold any bytes (NUL included); patterns are C strings.
 * Pure; thread-safe. */

#include <stddef.h>

/* 1 if buf[0..len) matches pat, else 0. */
int match_pattern(const char *pat, const char *buf, size_t len);

#endif

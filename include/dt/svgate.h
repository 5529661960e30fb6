/* SPDX-License-Identifier: ISC */
#ifndef DT_SVGATE_H
#define DT_SVGATE_H

#include <stddef.h>

/* supervise/gate, svscan's dependency gate (DESIGN.md section 6), one
 * definition for its writer (svscan, through svdeps_gate_text) and its
 * readers (supervise, and the state file's waiting_for=): the names the
 * service still waits for, each followed by '\n'; no name (an empty or
 * absent file, or empty lines only) is an open gate. supervise reads at
 * most SVGATE_MAX bytes; a longer file is still closed, its tail cut. */
#define SVGATE_MAX 4096

/* Appends name (n bytes) and its newline to buf, which holds len bytes of
 * size; keeps buf NUL-terminated. Returns the new length, -ENOSPC, or
 * -EINVAL for an empty name or one with a newline. */
int svgate_add(char *buf, size_t len, size_t size, const char *name, size_t n);

/* After a read of n bytes into buf (at least SVGATE_MAX + 1 bytes, read
 * with that bound so that a longer file shows as longer): returns the
 * length to use. Past the bound, the text is cut at SVGATE_MAX + 1 bytes
 * and its last byte is not a newline, so the last name reads as cut. */
size_t svgate_clip(char *buf, size_t n);

/* 1 if text (len bytes) names anyone: the gate is closed; 0 if open. */
int svgate_closed(const char *text, size_t len);

/* The names one by one: from *pos, skipping empty lines. Returns 1 with
 * *name and *n set (no newline), 0 at the end, -1 for a cut tail (a last
 * name with no newline: see svgate_clip). */
int svgate_next(const char *text, size_t len, size_t *pos, const char **name, size_t *n);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef DT_TAI64STAMP_H
#define DT_TAI64STAMP_H

/* tai64n's labelling: every line gets '@' + 24 hex + ' ' in front, as
 * daemontools 0.76 writes it. Pure; the caller supplies the label. */

#include <stdbool.h>
#include <stddef.h>

#include <dt/tai64.h>

/* Copies in[0..len) to out (cap bytes of room), with label and a space in
 * front of each line start; *mid_line carries whether the previous chunk
 * ended inside a line. Stops early when out is full: returns the input
 * consumed and stores the bytes written in *olen. With cap >= TAI64N_FMT + 2
 * and len > 0 it always consumes something. */
size_t tai64n_stamp(bool *mid_line, const char label[TAI64N_FMT], const char *in, size_t len,
		    char *out, size_t cap, size_t *olen);

#endif

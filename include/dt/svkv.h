/* SPDX-License-Identifier: ISC */
#ifndef DT_SVKV_H
#define DT_SVKV_H

/* One line of "svstat -k": space-separated key=value pairs, first dir=.
 * Keys and values escape '%', ' ', '=', bytes below 0x20 and 0x7f as %XX
 * (upper-case hex), so a line always splits on spaces and on the first
 * '=' of each pair, whatever a directory name holds. Bytes >= 0x80 pass
 * through (UTF-8 names stay readable). Pure functions, no I/O. */

#include <stddef.h>

#include <dt/svstatus.h>

/* Escapes len bytes of in into out, which must hold 3 * len bytes.
 * Returns the length written (no NUL). */
size_t svkv_escape(const char *in, size_t len, char *out);

struct svkv_line {
	char *buf;
	size_t len, size;
	int full; /* something did not fit: svkv_end() fails */
};

/* A line in the caller's buffer; 3 * (bytes of keys and values) + 2 bytes
 * per pair + 2 always suffice. */
void svkv_init(struct svkv_line *l, char *buf, size_t size);
/* Appends " key=value" (no leading space for the first pair). */
void svkv_add_str(struct svkv_line *l, const char *key, const char *val);
/* Appends every "key=value" line of a supervise/state text in file order,
 * unknown keys included (a newer supervise may add some). Lines without
 * '=' and empty lines are skipped: svstate_parse() has vetted the text. */
void svkv_add_state_text(struct svkv_line *l, const char *text, size_t len);
/* What 0.76's 18-byte status can tell, for a supervise that writes no
 * state file: state (up/down), pid, since, want, paused, normally. */
void svkv_add_status(struct svkv_line *l, const struct svstatus *st, int normally_up);
/* Appends the newline and NUL. Returns the line's length without the NUL,
 * or -ENOSPC if anything was cut. */
int svkv_end(struct svkv_line *l);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef DT_FILTERIO_H
#define DT_FILTERIO_H

/* Input and output of a line filter (tai64n, tai64nlocal) that reads and
 * writes in large blocks yet never holds output back while its input is
 * idle: `tail -F log | tai64nlocal` shows each line as it arrives. Before a
 * read that could wait for data, pending output is written first (0.76 got
 * the same by flushing before every read). Reads of regular files never
 * wait, so there output goes out only in large blocks.
 *
 * The caller owns the output buffer; returns are >= 0 or -errno. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct filterio {
	int in, out;
	bool in_never_waits;
	char *obuf;
	size_t olen, ocap;
};

void filterio_init(struct filterio *io, int in, int out, char *obuf, size_t ocap);
/* One read of at most len bytes (0 at end of input). An input fd that
 * another program left non-blocking is waited for with poll(). */
ssize_t filterio_read(struct filterio *io, void *buf, size_t len);
/* Makes sure at least need bytes are free after obuf + olen, writing the
 * pending output if not. need must not exceed ocap. */
int filterio_room(struct filterio *io, size_t need);
/* Writes all pending output. */
int filterio_flush(struct filterio *io);

#endif

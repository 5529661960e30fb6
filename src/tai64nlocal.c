/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/filterio.h>
#include <dt/tai64local.h>

/* Large blocks: one read and about one write per 128 KiB of log. */
#define IN_SIZE (128 * 1024)
#define OUT_SIZE (4 * IN_SIZE)

/* compat: 0.76 exits 111 on a read or write error without a message, and
 * takes no arguments (it ignores any). */
static void fail(void)
{
	_exit(DT_EX_TEMP);
}

static void convert(struct filterio *io, struct tai64local_filter *f, char *ibuf)
{
	ssize_t r;

	for (;;) {
		if (filterio_room(io, TAI64LOCAL_BOUND(IN_SIZE)) < 0)
			fail();
		r = filterio_read(io, ibuf, IN_SIZE);
		if (r < 0)
			fail();
		if (r == 0)
			break;
		io->olen += tai64local_filter_chunk(f, ibuf, (size_t)r, io->obuf + io->olen);
	}
	io->olen += tai64local_filter_end(f, io->obuf + io->olen);
}

int main(void)
{
	struct tai64local_filter f;
	struct filterio io;
	char *ibuf, *obuf;

	dt_progname = "tai64nlocal";
	ibuf = malloc(IN_SIZE);
	obuf = malloc(OUT_SIZE);
	if (!ibuf || !obuf)
		fail();
	tai64local_filter_init(&f, NULL);
	filterio_init(&io, 0, 1, obuf, OUT_SIZE);
	convert(&io, &f, ibuf);
	if (filterio_flush(&io) < 0)
		fail();
	free(obuf);
	free(ibuf);
	return DT_EX_OK;
}

/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/filterio.h>
#include <dt/tai64.h>
#include <dt/tai64stamp.h>

#define IN_SIZE (64 * 1024)
#define OUT_SIZE (4 * IN_SIZE)

/* compat: 0.76 exits 111 on a read or write error without a message, and
 * ignores its arguments. */
static void fail(void)
{
	_exit(DT_EX_TEMP);
}

/* The time a block was read labels every line that starts in it. */
static void label_now(char label[TAI64N_FMT])
{
	struct timespec ts;
	struct tai64n t;

	clock_gettime(CLOCK_REALTIME, &ts);
	tai64n_from_unix_ns((uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec, &t);
	tai64n_fmt(&t, label);
}

static void stamp_block(struct filterio *io, bool *mid_line, const char *in, size_t len)
{
	char label[TAI64N_FMT];
	size_t done = 0, n;

	label_now(label);
	while (done < len) {
		if (filterio_room(io, TAI64N_FMT + 2) < 0)
			fail();
		done += tai64n_stamp(mid_line, label, in + done, len - done, io->obuf + io->olen,
				     io->ocap - io->olen, &n);
		io->olen += n;
	}
}

int main(void)
{
	struct filterio io;
	bool mid_line = false;
	char *ibuf, *obuf;
	ssize_t r;

	dt_progname = "tai64n";
	ibuf = malloc(IN_SIZE);
	obuf = malloc(OUT_SIZE);
	if (!ibuf || !obuf)
		fail();
	filterio_init(&io, 0, 1, obuf, OUT_SIZE);
	while ((r = filterio_read(&io, ibuf, IN_SIZE)) > 0)
		stamp_block(&io, &mid_line, ibuf, (size_t)r);
	if (r < 0 || filterio_flush(&io) < 0)
		fail();
	free(obuf);
	free(ibuf);
	return DT_EX_OK;
}

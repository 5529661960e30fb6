/* SPDX-License-Identifier: ISC */
/* readproctitle: shows the last bytes of its standard input in its own
 * command line, where ps(1) shows them (svscanboot's error log). */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/fdio.h>

/* compat: the first 3 bytes of the padding stay put (the "..." in
 * "readproctitle service errors: ...text"), so a usable padding has room
 * for at least 2 more. */
#define KEEP 3
#define MIN_PAD 5

/* Appends the non-NUL bytes of in to the window, scrolling it left: the
 * same window 0.76 reaches one byte at a time. */
static void scroll(char *win, size_t wlen, const char *in, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t run = 0;

		while (i + run < n && in[i + run])
			run++;
		if (run >= wlen) {
			memcpy(win, in + i + run - wlen, wlen);
		} else if (run) {
			memmove(win, win + run, wlen - run);
			memcpy(win + wlen - run, in + i, run);
		}
		i += run;
	}
}

int main(int argc, char **argv)
{
	char buf[4096];
	char *pad;
	size_t len;

	dt_progname = "readproctitle";
	/* compat: 0.76 fails silently, exit 100 on usage and 111 on a read
	 * error; it has nowhere sensible to report to. */
	if (argc < 2)
		_exit(DT_EX_USAGE);
	pad = argv[argc - 1];
	len = strlen(pad);
	memset(pad, '.', len);
	if (len < MIN_PAD)
		_exit(DT_EX_USAGE);
	for (;;) {
		ssize_t r = fd_read(0, buf, sizeof buf);

		if (r == 0)
			_exit(0);
		if (r < 0)
			_exit(DT_EX_TEMP);
		scroll(pad + KEEP, len - KEEP, buf, r);
	}
}

/* SPDX-License-Identifier: ISC */
/* svok: exits 0 when a supervise runs for DIR, 100 when none does. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/exitcode.h>

int main(int argc, char **argv)
{
	int fd;

	dt_progname = "svok";
	if (argc < 2)
		dt_die_usage(DT_EX_USAGE, "dir");
	if (chdir(argv[1]) < 0)
		dt_die_sys(DT_EX_TEMP, "unable to chdir to %s", argv[1]);
	/* supervise keeps supervise/ok open for reading: a non-blocking open
	 * for writing fails with ENXIO exactly when nobody reads it. */
	fd = open("supervise/ok", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		/* compat: 0.76 exits 100, not 111, when supervise is not running */
		if (errno == ENOENT || errno == ENXIO)
			return DT_EX_USAGE;
		dt_die_sys(DT_EX_TEMP, "unable to open %s/supervise/ok", argv[1]);
	}
	return DT_EX_OK;
}

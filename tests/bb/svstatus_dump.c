/* SPDX-License-Identifier: ISC */
/* Test helper: decodes a supervise/status file with include/dt/svstatus.h,
 * so the black-box tests can check our decoder against the files that
 * daemontools' own supervise writes. Prints "pid=N paused=P want=W unix=S". */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include <dt/fdio.h>
#include <dt/svstatus.h>

int main(int argc, char **argv)
{
	unsigned char buf[64];
	struct svstatus st;
	ssize_t n;
	int fd;

	if (argc != 2)
		return 100;
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 111;
	n = fd_read_full(fd, buf, sizeof buf);
	if (n < 0 || svstatus_decode(buf, (size_t)n, &st) < 0) {
		puts("bad format");
		return 1;
	}
	printf("pid=%" PRIu32 " paused=%d want=%d unix=%" PRId64 "\n", st.pid, st.paused,
	       st.want, tai64n_unix_sec(&st.stamp));
	return 0;
}

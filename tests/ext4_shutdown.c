/* SPDX-License-Identifier: ISC */
/* Test helper: simulates power loss on an ext4 file system with
 * EXT4_IOC_SHUTDOWN and EXT4_GOING_FLAGS_NOLOGFLUSH: the journal is not
 * flushed, so whatever was not committed is gone, as after a power cut.
 * Usage: ext4_shutdown MOUNTPOINT */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef EXT4_IOC_SHUTDOWN
#define EXT4_IOC_SHUTDOWN _IOR('X', 125, uint32_t)
#endif
#define GOING_FLAGS_NOLOGFLUSH 0x2

int main(int argc, char **argv)
{
	uint32_t flags = GOING_FLAGS_NOLOGFLUSH;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: ext4_shutdown MOUNTPOINT\n");
		return 100;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, EXT4_IOC_SHUTDOWN, &flags) < 0) {
		perror("ext4_shutdown");
		return 111;
	}
	return 0;
}

/* SPDX-License-Identifier: ISC */
/* Test helper: binds TCP PORT on 127.0.0.1 and exits 0 if it could;
 * otherwise prints the error and exits with errno (13 EACCES, 98
 * EADDRINUSE), so a test tells "not allowed" from "port busy". */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd, one = 1;

	if (argc != 2) {
		fputs("usage: bindport PORT\n", stderr);
		return 100;
	}
	sa.sin_port = htons(atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("bindport: socket");
		return 111;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int e = errno;

		fprintf(stderr, "bindport: bind: %s\n", strerror(e));
		return e;
	}
	close(fd);
	return 0;
}

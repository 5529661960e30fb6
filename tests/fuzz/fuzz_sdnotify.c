/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: sd_notify datagrams and notification-fd files.
 * Build: clang -g -fsanitize=fuzzer,address,undefined -I include \
 *   tests/fuzz/fuzz_sdnotify.c src/lib/sdnotify.c src/lib/scan.c */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dt/sdnotify.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdnotify_msg m;
	const char *why;
	int fd;

	if (sdnotify_parse((const char *)data, size, &m) < 0)
		__builtin_trap();
	if (strlen(m.status) >= SDNOTIFY_STATUS_MAX)
		__builtin_trap();
	if (sdnotify_parse_fd_file((const char *)data, size, &fd, &why) == 0 && fd < 3)
		__builtin_trap();
	sdnotify_fd_ready((const char *)data, size);
	return 0;
}

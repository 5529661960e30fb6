/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: /proc/self/cgroup, /proc/self/mountinfo, cgroup.events,
 * cgroup.procs, memory.current, cpu.stat and memory.events texts.
 * Build: clang -g -fsanitize=fuzzer,address,undefined -I include \
 *   tests/fuzz/fuzz_cgpath.c src/lib/cgpath.c */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dt/cgpath.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char out[256], own[64];
	uint64_t v;
	struct cgpath_pids st = { 0 };
	pid_t pids[4];
	size_t half = size / 2;

	if (cgpath_self(text, size, out, sizeof out) == 0 && out[0] != '/')
		__builtin_trap();
	cgpath_mount(text, size, "/a/b", out, sizeof out);
	cgpath_mount(text, size, "/", out, 16);
	cgpath_events_populated(text, size);
	cgpath_has_word(text, size, "memory");
	cgpath_u64(text, size, NULL, &v);
	cgpath_u64(text, size, "usage_usec", &v);
	cgpath_pids_feed(&st, text, half, pids, 4);
	cgpath_pids_feed(&st, text + half, size - half, pids, 4);
	cgpath_pids_end(&st, pids, 4);
	if (size < sizeof own) {
		memcpy(own, data, size);
		own[size] = '\0';
		cgpath_strip_own(own);
	}
	return 0;
}

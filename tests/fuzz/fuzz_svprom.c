/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: svstat -p's label values come from the command line
 * (any bytes but NUL). Whatever the name, the escaped value must stay in
 * its quotes on one line: no raw newline or control byte, no double quote
 * without its backslash, no lone backslash at the end, within
 * SVPROM_ESCAPED_MAX; and the whole text of a service named so must be
 * lines that each start with "# " or "daemontools_".
 * Build: clang -g -fsanitize=fuzzer,address,undefined -I include \
 *   tests/fuzz/fuzz_svprom.c src/lib/svprom.c src/lib/svstate.c src/lib/scan.c \
 *   src/lib/tai64.c */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dt/svprom.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct buf {
	char *p;
	size_t n;
};

static void collect(void *ctx, const char *s, size_t len)
{
	struct buf *b = ctx;

	b->p = realloc(b->p, b->n + len);
	if (!b->p)
		abort();
	memcpy(b->p + b->n, s, len);
	b->n += len;
}

static void check_value(const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20 || c == 0x7f || c == '"')
			__builtin_trap();
		if (c == '\\') {
			if (i + 1 == n || !strchr("\\\"n", v[i + 1]))
				__builtin_trap();
			i++;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = malloc(SVPROM_ESCAPED_MAX(size));
	struct svprom_service s;
	struct buf b = { NULL, 0 };
	size_t n, i;

	if (!out)
		return 0;
	n = svprom_escape((const char *)data, size, out);
	if (n >= SVPROM_ESCAPED_MAX(size) || out[n] != '\0' || strlen(out) != n)
		__builtin_trap();
	check_value(out, n);
	memset(&s, 0, sizeof s);
	s.label = out;
	s.label_len = n;
	s.have = SVPROM_RUNNING | SVPROM_STATE | SVPROM_EXIT;
	s.state = size ? (enum svstate_state)(data[0] % SVS_NSTATES) : SVS_DOWN;
	svprom_format(&s, 1, collect, &b);
	for (i = 0; i < b.n;) {
		char *nl = memchr(b.p + i, '\n', b.n - i);

		if (!nl)
			__builtin_trap();
		if (memcmp(b.p + i, "# ", 2) != 0 && memcmp(b.p + i, "daemontools_", 12) != 0)
			__builtin_trap();
		i = (size_t)(nl - b.p) + 1;
	}
	free(b.p);
	free(out);
	return 0;
}

/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: command-line parsing of svc, svwait and softlimit.
 * The input is split at NUL bytes into argv. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dt/optparse.h>
#include <dt/svopt.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);
	char *argv[34];
	char letters[SVC_LETTERS_MAX + 1], bad;
	struct svwait_opts wo;
	struct optparse op;
	uint64_t v;
	size_t i;
	int argc = 1, c;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = 0;
	argv[0] = "prog";
	argv[argc++] = copy;
	for (i = 0; i < size && argc < 33; i++)
		if (copy[i] == 0)
			argv[argc++] = copy + i + 1;
	argv[argc] = NULL;

	if (svc_parse_args(argc, argv, letters, &bad) >= 0 &&
	    strlen(letters) > SVC_LETTERS_MAX)
		__builtin_trap();
	svwait_parse_args(argc, argv, &wo);
	optparse_init(&op);
	while ((c = optparse_next(&op, argc, argv, "a:c:d:f:l:m:o:p:r:s:t:")) != OPTPARSE_END)
		if (c == OPTPARSE_UNKNOWN || c == OPTPARSE_NOARG)
			break;
	for (i = 1; i < (size_t)argc; i++)
		optparse_limit(argv[i], &v);
	free(copy);
	return 0;
}

/* SPDX-License-Identifier: ISC */
/* softlimit: runs a program with lower soft resource limits. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/fdio.h>
#include <dt/optparse.h>
#include <dt/pathexec.h>
#include <lx/rlimit.h>

extern char **environ;

#define USAGE "[-a allbytes] [-c corebytes] [-d databytes] [-f filebytes] [-l lockbytes] " \
	"[-m membytes] [-o openfiles] [-p processes] [-r residentbytes] [-s stackbytes] " \
	"[-t cpusecs] child"

struct wanted {
	bool set[RLIM_NLIMITS];
	uint64_t value[RLIM_NLIMITS];
};

static void want(struct wanted *w, int resource, uint64_t v)
{
	w->set[resource] = true;
	w->value[resource] = v;
}

/* Each option sets its resources; a later option on the same resource wins,
 * as in 0.76, which applied each option at once in command-line order. */
static void record(struct wanted *w, int opt, uint64_t v)
{
	switch (opt) {
	case 'a': want(w, RLIMIT_AS, v); break;
	case 'c': want(w, RLIMIT_CORE, v); break;
	case 'd': want(w, RLIMIT_DATA, v); break;
	case 'f': want(w, RLIMIT_FSIZE, v); break;
	case 'l': want(w, RLIMIT_MEMLOCK, v); break;
	/* compat: -m is data, stack, locked memory and address space. */
	case 'm':
		want(w, RLIMIT_DATA, v);
		want(w, RLIMIT_STACK, v);
		want(w, RLIMIT_MEMLOCK, v);
		want(w, RLIMIT_AS, v);
		break;
	case 'o': want(w, RLIMIT_NOFILE, v); break;
	case 'p': want(w, RLIMIT_NPROC, v); break;
	case 'r': want(w, RLIMIT_RSS, v); break;
	case 's': want(w, RLIMIT_STACK, v); break;
	case 't': want(w, RLIMIT_CPU, v); break;
	}
}

static void usage_after(const struct optparse *op, int code)
{
	char buf[128];
	int n = optparse_format_error(op, code, dt_progname, buf, sizeof buf);

	fd_write_all(2, buf, n);
	dt_die_usage(DT_EX_USAGE, USAGE);
}

/* Validates every option before touching any limit. */
static int parse(int argc, char **argv, struct wanted *w)
{
	struct optparse op;
	uint64_t v;
	int c;

	optparse_init(&op);
	while ((c = optparse_next(&op, argc, argv, "a:c:d:f:l:m:o:p:r:s:t:")) != OPTPARSE_END) {
		if (c == OPTPARSE_UNKNOWN || c == OPTPARSE_NOARG)
			usage_after(&op, c);
		/* 0.76 took "" as 0 and wrapped on overflow: a usage error here. */
		if (optparse_limit(op.arg, &v) < 0)
			dt_die_usage(DT_EX_USAGE, USAGE);
		record(w, c, v);
	}
	return op.ind;
}

/* Soft limits only, clamped to the hard limit ("=" is the hard limit). */
static void apply(const struct wanted *w)
{
	for (int r = 0; r < RLIM_NLIMITS; r++) {
		int e;

		if (!w->set[r])
			continue;
		e = lx_rlimit_set_soft(0, r, w->value[r], NULL);
		if (e < 0)
			dt_die_errno(DT_EX_TEMP, -e, "setrlimit failed");
	}
}

int main(int argc, char **argv)
{
	struct wanted w = { 0 };
	int first, e;

	dt_progname = "softlimit";
	first = parse(argc, argv, &w);
	if (first >= argc)
		dt_die_usage(DT_EX_USAGE, USAGE);
	apply(&w);
	e = pathexec_run(argv[first], argv + first, environ, getenv("PATH"));
	dt_die_errno(DT_EX_TEMP, -e, "unable to run %s", argv[first]);
}

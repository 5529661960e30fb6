#include "config.h"

#include <errno.h>
#include <string.h>

#include <dt/scan.h>
#include <dt/svopt.h>

/* 0.76's getopt treats "-" alone as an operand. */
static int is_option(const char *a)
{
	return a[0] == '-' && a[1] != 0;
}

static int is_dashdash(const char *a)
{
	return a[0] == '-' && a[1] == '-' && a[2] == 0;
}

int svc_parse_args(int argc, char *const argv[], char letters[SVC_LETTERS_MAX + 1], char *bad)
{
	size_t n = 0;
	int i;

	letters[0] = 0;
	for (i = 1; i < argc && is_option(argv[i]); i++) {
		const char *p;

		if (is_dashdash(argv[i]))
			return i + 1;
		for (p = argv[i] + 1; *p; p++) {
			/* compat: '-' inside a cluster ("-u-d") is illegal in 0.76 */
			if (*p == '-' || !strchr(SVC_LETTERS, *p)) {
				*bad = *p;
				return -EINVAL;
			}
			/* compat: 0.76 keeps only the first of repeated letters */
			if (!memchr(letters, *p, n)) {
				letters[n++] = *p;
				letters[n] = 0;
			}
		}
	}
	return i;
}

static int set_goal(struct svwait_opts *o, char c)
{
	switch (c) {
	case 'u': o->goal = SVW_UP; return 0;
	case 'd': o->goal = SVW_DOWN; return 0;
	case 'r': o->goal = SVW_READY; return 0;
	case 'x': o->goal = SVW_EXIT; return 0;
	case 'a': o->any = 0; return 0;
	case 'o': o->any = 1; return 0;
	}
	return -EINVAL;
}

int svwait_parse_args(int argc, char *const argv[], struct svwait_opts *o)
{
	int i;

	memset(o, 0, sizeof *o);
	o->goal = SVW_UP;
	for (i = 1; i < argc && is_option(argv[i]); i++) {
		const char *p;

		if (is_dashdash(argv[i])) {
			i++;
			break;
		}
		for (p = argv[i] + 1; *p; p++) {
			if (*p == 't') {
				const char *v;

				if (p[1])
					v = p + 1;
				else if (i + 1 < argc)
					v = argv[++i];
				else
					return -EINVAL;
				if (scan_seconds_ns(v, &o->timeout_ns) < 0)
					return -EINVAL;
				o->has_timeout = 1;
				break;
			}
			if (set_goal(o, *p) < 0)
				return -EINVAL;
		}
	}
	return i < argc ? i : -EINVAL;
}

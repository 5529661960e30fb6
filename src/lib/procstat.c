/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <dt/procstat.h>

int procstat_parse(const char *text, int last, struct procstat *ps)
{
	const char *p = strrchr(text, ')');
	int k;

	if (last < 4 || last > PROCSTAT_LAST)
		return -EINVAL;
	if (!p || p[1] != ' ' || !p[2] || p[3] != ' ')
		return -EINVAL;
	ps->state = p[2];
	p += 3;
	for (k = 4; k <= last; k++) {
		char *end;

		while (*p == ' ')
			p++;
		if (!(*p >= '0' && *p <= '9') && *p != '-')
			return -EINVAL;
		ps->field[k] = strtoull(p, &end, 10);
		if (end == p || (*end != ' ' && *end != '\n' && *end))
			return -EINVAL;
		p = end;
	}
	return 0;
}

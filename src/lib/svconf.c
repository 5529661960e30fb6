/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <dt/oneline.h>
#include <dt/scan.h>
#include <dt/svconf.h>

/* Longest value line we accept: three numbers with fractions fit easily;
 * anything longer is garbage, not a setting. */
#define LINE_MAX_LEN 96

static const char *const names[SVCONF_NFILES] = {
	[SVCONF_BACKOFF] = "backoff",
	[SVCONF_FINISH_TIMEOUT] = "finish-timeout",
	[SVCONF_TIMEOUT_KILL] = "timeout-kill",
	[SVCONF_STRAY_GRACE] = "stray-grace",
	[SVCONF_GIVE_UP] = "give-up",
};

void svconf_defaults(struct svconf *c)
{
	c->backoff_min_ns = 1 * SVCONF_NS;
	c->backoff_max_ns = 60 * SVCONF_NS;
	c->healthy_ns = 10 * SVCONF_NS;
	c->finish_timeout_ns = 5 * SVCONF_NS;
	c->has_timeout_kill = 0;
	c->timeout_kill_ns = 0;
	c->stray_grace_ns = 1 * SVCONF_NS;
	c->give_up = 0;
}

const char *svconf_name(enum svconf_file f)
{
	return (unsigned)f < SVCONF_NFILES ? names[f] : "unknown";
}

const char *svconf_bad_means(enum svconf_file f)
{
	return f == SVCONF_TIMEOUT_KILL || f == SVCONF_GIVE_UP ? "ignored" : "using the default";
}

/* The value as a C string (oneline.h's rule); any failure is -EINVAL. */
static int value_line(const char *text, size_t len, char line[LINE_MAX_LEN])
{
	return oneline_value(text, len, line, LINE_MAX_LEN, NULL) < 0 ? -EINVAL : 0;
}

int svconf_parse_seconds(const char *text, size_t len, uint64_t *out_ns)
{
	char line[LINE_MAX_LEN];

	if (value_line(text, len, line) < 0)
		return -EINVAL;
	return scan_seconds_ns(line, out_ns) < 0 ? -EINVAL : 0;
}

int svconf_parse_give_up(const char *text, size_t len, uint32_t *out)
{
	char line[LINE_MAX_LEN];
	uint64_t n;

	if (value_line(text, len, line) < 0 || scan_u64(line, &n) < 0 || n < 1 ||
	    n > SVCONF_GIVE_UP_MAX)
		return -EINVAL;
	*out = (uint32_t)n;
	return 0;
}

int svconf_parse_backoff(const char *text, size_t len, uint64_t out_ns[3])
{
	char line[LINE_MAX_LEN];
	uint64_t v[3];
	char *p, *word;
	int n = 0;

	if (value_line(text, len, line) < 0)
		return -EINVAL;
	p = line;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		word = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = 0;
		if (n == 3 || scan_seconds_ns(word, &v[n]) < 0)
			return -EINVAL;
		n++;
	}
	/* MIN or HEALTHY of (nearly) 0 would turn a crash loop into a busy
	 * loop: a nanosecond is as bad as 0, so both have a floor. */
	if (n != 3 || v[0] < SVCONF_BACKOFF_FLOOR_NS || v[2] < SVCONF_BACKOFF_FLOOR_NS ||
	    v[1] < v[0])
		return -EINVAL;
	memcpy(out_ns, v, sizeof v);
	return 0;
}

int svconf_apply(struct svconf *c, enum svconf_file f, const char *text, size_t len)
{
	uint64_t b[3], ns;

	switch (f) {
	case SVCONF_BACKOFF:
		if (svconf_parse_backoff(text, len, b) < 0)
			return -EINVAL;
		c->backoff_min_ns = b[0];
		c->backoff_max_ns = b[1];
		c->healthy_ns = b[2];
		return 0;
	case SVCONF_FINISH_TIMEOUT:
		if (svconf_parse_seconds(text, len, &ns) < 0)
			return -EINVAL;
		c->finish_timeout_ns = ns;
		return 0;
	case SVCONF_TIMEOUT_KILL:
		if (svconf_parse_seconds(text, len, &ns) < 0)
			return -EINVAL;
		c->has_timeout_kill = 1;
		c->timeout_kill_ns = ns;
		return 0;
	case SVCONF_STRAY_GRACE:
		if (svconf_parse_seconds(text, len, &ns) < 0)
			return -EINVAL;
		c->stray_grace_ns = ns;
		return 0;
	case SVCONF_GIVE_UP:
		return svconf_parse_give_up(text, len, &c->give_up) < 0 ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}

uint64_t svconf_backoff_delay(const struct svconf *c, uint32_t k)
{
	uint64_t d = c->backoff_min_ns;
	uint32_t i;

	if (k == 0)
		return 0;
	for (i = 1; i < k && d < c->backoff_max_ns; i++) {
		if (d > UINT64_MAX / 2)
			return c->backoff_max_ns;
		d *= 2;
	}
	return d < c->backoff_max_ns ? d : c->backoff_max_ns;
}

/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <dt/tai64local.h>

/* Beyond this no year fits in an int: localtime() fails long before, and the
 * window arithmetic below stays clear of int64 overflow. */
#define SEC_LIMIT ((int64_t)1 << 62)

static const char digits2[200] =
	"0001020304050607080910111213141516171819"
	"2021222324252627282930313233343536373839"
	"4041424344454647484950515253545556575859"
	"6061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* Lower-case hex digit value + 1; 0 for every other byte (0.76 stops a label
 * at the first byte that is not one of these). */
static const unsigned char hex1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

static int breakdown_localtime(int64_t unix_sec, struct tm *out)
{
	time_t t = (time_t)unix_sec;

	if ((int64_t)t != unix_sec)
		return -EOVERFLOW;
	return localtime_r(&t, out) ? 0 : -EOVERFLOW;
}

static void cache_forget(struct tai64local_cache *c)
{
	c->lo = INT64_MAX;
	c->hi = INT64_MIN;
	c->npre = 0;
}

void tai64local_init(struct tai64local_cache *c, tai64local_breakdown_fn *fn)
{
	memset(c, 0, sizeof *c);
	c->breakdown = fn ? fn : breakdown_localtime;
	cache_forget(c);
}

static char *put2(char *p, unsigned v)
{
	memcpy(p, digits2 + 2 * v, 2);
	return p + 2;
}

static char *put_ulong(char *p, unsigned long v)
{
	char tmp[24];
	unsigned n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while (v /= 10);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* "YYYY-MM-DD HH:MM:SS." as 0.76 prints it: the year computed in int and
 * printed as unsigned long (a year before 0 comes out as 1844674407...),
 * the other fields as two digits. */
static void cache_set_text(struct tai64local_cache *c, const struct tm *tm)
{
	int year = (int)((unsigned)tm->tm_year + 1900u);
	char *p = put_ulong(c->pre, (unsigned long)(long)year);

	*p++ = '-';
	p = put2(p, (unsigned)tm->tm_mon + 1);
	*p++ = '-';
	p = put2(p, (unsigned)tm->tm_mday);
	*p++ = ' ';
	p = put2(p, (unsigned)tm->tm_hour);
	*p++ = ':';
	p = put2(p, (unsigned)tm->tm_min);
	*p++ = ':';
	p = put2(p, (unsigned)tm->tm_sec);
	*p++ = '.';
	c->npre = (unsigned)(p - c->pre);
}

static void cache_set_mmss(struct tai64local_cache *c, int into)
{
	char *p = c->pre + c->npre - 6;

	p = put2(p, (unsigned)into / 60);
	put2(p + 1, (unsigned)into % 60);
}

/* Does second x fall in the same local hour as tm, "into" seconds past it? */
static bool probe(struct tai64local_cache *c, int64_t x, const struct tm *tm, int into)
{
	struct tm e;

	return c->breakdown(x, &e) == 0 && e.tm_year == tm->tm_year && e.tm_mon == tm->tm_mon &&
	       e.tm_mday == tm->tm_mday && e.tm_hour == tm->tm_hour &&
	       e.tm_min * 60 + e.tm_sec == into;
}

/* One breakdown for s, then two probes at the ends of its local hour. Any
 * change of UTC offset (DST, a zone's history, a leap second of a right/
 * zone) makes a probe disagree, and the window shrinks to the side of s that
 * agrees, down to s alone, so text never comes from arithmetic across a
 * change. Two changes that cancel out within one hour exist in no zone. */
static int cache_refill(struct tai64local_cache *c, int64_t s)
{
	struct tm tm;
	int into;

	if (s <= -SEC_LIMIT || s >= SEC_LIMIT || c->breakdown(s, &tm) < 0) {
		cache_forget(c);
		return -EOVERFLOW;
	}
	cache_set_text(c, &tm);
	c->last = s;
	/* A leap second (right/ zones) has no arithmetic neighbours: it gets a
	 * window of its own, whose text is already in pre. */
	if (tm.tm_sec > 59 || tm.tm_min > 59) {
		c->lo = s;
		c->hi = s + 1;
		c->lo_into = 0;
		return 0;
	}
	into = tm.tm_min * 60 + tm.tm_sec;
	c->lo = s - into;
	c->lo_into = 0;
	if (into > 0 && !probe(c, c->lo, &tm, 0)) {
		c->lo = s;
		c->lo_into = into;
	}
	c->hi = s - into + 3600;
	if (into < 3599 && !probe(c, c->hi - 1, &tm, 3599))
		c->hi = s + 1;
	return 0;
}

static unsigned put_nano(char *p, uint32_t n)
{
	uint32_t r;

	if (n >= 1000000000) /* compat: 0.76 prints all ten digits */
		return (unsigned)(put_ulong(p, n) - p);
	p[0] = (char)('0' + n / 100000000);
	r = n % 100000000;
	p = put2(p + 1, r / 1000000);
	p = put2(p, r / 10000 % 100);
	p = put2(p, r / 100 % 100);
	put2(p, r % 100);
	return 9;
}

int tai64local_fmt(struct tai64local_cache *c, const struct tai64n *t, char out[TAI64LOCAL_MAX])
{
	int64_t s = tai64n_unix_sec(t);

	if (s != c->last || c->npre == 0) {
		if (s >= c->lo && s < c->hi) {
			cache_set_mmss(c, c->lo_into + (int)(s - c->lo));
			c->last = s;
		} else if (cache_refill(c, s) < 0) {
			return -EOVERFLOW;
		}
	}
	/* A fixed-size copy is faster than an exact one; out has the room. */
	if (c->npre <= 32)
		memcpy(out, c->pre, 32);
	else
		memcpy(out, c->pre, TAI64LOCAL_MAX - 10);
	return (int)(c->npre + put_nano(out + c->npre, t->nano));
}

void tai64local_filter_init(struct tai64local_filter *f, tai64local_breakdown_fn *fn)
{
	tai64local_init(&f->cache, fn);
	f->mid_line = false;
	f->nhold = 0;
}

/* Parses '@' + 24 digits at p, which has at least 26 bytes, and requires
 * p[25] to be no digit: 0.76 would go on reading digits into the label. */
static bool label_parse(const char *p, struct tai64n *t)
{
	const unsigned char *u = (const unsigned char *)p;
	uint64_t sec = 0;
	uint32_t nano = 0;
	unsigned miss = 0, v;
	int i;

	for (i = 1; i <= 16; i++) {
		v = hex1[u[i]];
		miss |= v == 0;
		sec = sec << 4 | ((v - 1) & 15);
	}
	for (i = 17; i <= 24; i++) {
		v = hex1[u[i]];
		miss |= v == 0;
		nano = nano << 4 | ((v - 1) & 15);
	}
	if (miss || hex1[u[25]])
		return false;
	t->sec = sec;
	t->nano = nano;
	return true;
}

/* Writes the local time of t at o; when there is none (*ok false) the caller
 * copies the label unchanged, where 0.76 crashed. */
static char *label_emit(struct tai64local_filter *f, const struct tai64n *t, char *o, bool *ok)
{
	int n = tai64local_fmt(&f->cache, t, o);

	*ok = n >= 0;
	return n >= 0 ? o + n : o;
}

static char *hold_release(struct tai64local_filter *f, bool complete, char *o)
{
	struct tai64n t;
	bool ok = false;

	if (complete && tai64n_scan(f->hold, TAI64N_FMT, &t) == 0)
		o = label_emit(f, &t, o, &ok);
	if (!ok) {
		memcpy(o, f->hold, f->nhold);
		o += f->nhold;
	}
	f->nhold = 0;
	f->mid_line = true;
	return o;
}

/* Feeds bytes into the held label until the byte after it shows what it is.
 * Returns the input consumed; the deciding byte itself is left in the input. */
static size_t hold_feed(struct tai64local_filter *f, const char *p, size_t len, char **o)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (!hex1[(unsigned char)p[i]]) {
			*o = hold_release(f, f->nhold == TAI64N_FMT, *o);
			return i;
		}
		f->hold[f->nhold++] = p[i];
		if (f->nhold > TAI64N_FMT) {
			*o = hold_release(f, false, *o);
			return i + 1;
		}
	}
	return len;
}

size_t tai64local_filter_chunk(struct tai64local_filter *f, const char *in, size_t len, char *out)
{
	const char *p = in, *end = in + len, *nl;
	char *o = out;
	struct tai64n t;
	bool ok;

	if (f->nhold)
		p += hold_feed(f, p, len, &o);
	while (p < end) {
		if (!f->mid_line && *p == '@') {
			if (end - p < TAI64N_FMT + 1) {
				f->hold[0] = '@';
				f->nhold = 1;
				p++;
				p += hold_feed(f, p, (size_t)(end - p), &o);
				continue;
			}
			if (label_parse(p, &t)) {
				o = label_emit(f, &t, o, &ok);
				if (ok)
					p += TAI64N_FMT;
			}
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			memcpy(o, p, (size_t)(end - p));
			o += end - p;
			f->mid_line = true;
			break;
		}
		memcpy(o, p, (size_t)(nl + 1 - p));
		o += nl + 1 - p;
		p = nl + 1;
		f->mid_line = false;
	}
	return (size_t)(o - out);
}

size_t tai64local_filter_end(struct tai64local_filter *f, char *out)
{
	char *o = out;

	if (f->nhold)
		o = hold_release(f, f->nhold == TAI64N_FMT, o);
	f->mid_line = false;
	return (size_t)(o - out);
}

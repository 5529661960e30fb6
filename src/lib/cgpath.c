/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <dt/cgpath.h>

/* A line of text: [p, p + n). */
struct span {
	const char *p;
	size_t n;
};

static int next_line(const char **text, const char *end, struct span *line)
{
	const char *nl;

	if (*text >= end)
		return 0;
	line->p = *text;
	nl = memchr(*text, '\n', (size_t)(end - *text));
	line->n = (size_t)((nl ? nl : end) - *text);
	*text = nl ? nl + 1 : end;
	return 1;
}

static int ends_with(struct span s, const char *suffix)
{
	size_t n = strlen(suffix);

	return s.n >= n && memcmp(s.p + s.n - n, suffix, n) == 0;
}

int cgpath_self(const char *text, size_t len, char *out, size_t size)
{
	const char *end = text + len;
	struct span line;

	while (next_line(&text, end, &line)) {
		if (line.n < 3 || memcmp(line.p, "0::", 3) != 0)
			continue;
		line.p += 3;
		line.n -= 3;
		if (ends_with(line, " (deleted)"))
			return -ESTALE;
		if (line.n == 0 || line.p[0] != '/' || memchr(line.p, '\0', line.n))
			return -EINVAL;
		if (line.n >= size)
			return -ENAMETOOLONG;
		memcpy(out, line.p, line.n);
		out[line.n] = '\0';
		return 0;
	}
	return -ENOENT;
}

/* The n-th blank-separated field of a line (0-based); 0 if absent. */
static int field(struct span line, int n, struct span *f)
{
	size_t i = 0;

	for (;;) {
		while (i < line.n && line.p[i] == ' ')
			i++;
		if (i == line.n)
			return 0;
		f->p = line.p + i;
		while (i < line.n && line.p[i] != ' ')
			i++;
		f->n = (size_t)(line.p + i - f->p);
		if (n-- == 0)
			return 1;
	}
}

/* mountinfo escapes blanks and backslashes as \ooo (fs/proc_namespace.c). */
static int unescape(struct span f, char *out, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < f.n; i++) {
		char c = f.p[i];

		if (c == '\\' && i + 3 < f.n &&
		    f.p[i + 1] >= '0' && f.p[i + 1] <= '3' && f.p[i + 2] >= '0' &&
		    f.p[i + 2] <= '7' && f.p[i + 3] >= '0' && f.p[i + 3] <= '7') {
			c = (char)((f.p[i + 1] - '0') * 64 + (f.p[i + 2] - '0') * 8 + (f.p[i + 3] - '0'));
			i += 3;
		}
		if (c == '\0')
			return -EINVAL;
		if (o + 1 >= size)
			return -ENAMETOOLONG;
		out[o++] = c;
	}
	out[o] = '\0';
	return (int)o;
}

/* The fstype: the field after the "-" separator that ends the optional
 * fields (their number varies). */
static int fstype_is(struct span line, const char *type)
{
	struct span f;
	int i;

	for (i = 6; field(line, i, &f); i++)
		if (f.n == 1 && f.p[0] == '-')
			return field(line, i + 1, &f) && f.n == strlen(type) &&
			       memcmp(f.p, type, f.n) == 0;
	return 0;
}

/* Length of root if it is cgpath or an ancestor of it, else -1. */
static int covers(const char *root, const char *cgpath)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return 0;
	if (strncmp(root, cgpath, n) != 0 || (cgpath[n] != '/' && cgpath[n] != '\0'))
		return -1;
	return (int)n;
}

/* out holds the mount point; appends rest (the part of cgpath below the
 * mount's root) in place. */
static int join(char *out, size_t size, const char *rest)
{
	size_t m = strlen(out), r;

	if (strcmp(rest, "/") == 0)
		rest = "";
	if (strcmp(out, "/") == 0 && rest[0])
		m = 0;
	r = strlen(rest);
	if (m + r >= size)
		return -ENAMETOOLONG;
	memcpy(out + m, rest, r + 1);
	return 0;
}

/* out serves as the scratch buffer for each root field, so that the
 * function needs no 8 KiB of stack of its own (supervise runs it once, and
 * stack pages touched once stay resident): a first pass finds the best
 * line, then its mount point is unescaped into out and joined. */
int cgpath_mount(const char *mountinfo, size_t len, const char *cgpath, char *out, size_t size)
{
	const char *text = mountinfo, *end = mountinfo + len;
	struct span line, f, best_mnt = { NULL, 0 };
	int best = -1, seen = 0;

	while (next_line(&text, end, &line)) {
		int n;

		if (!fstype_is(line, "cgroup2"))
			continue;
		seen = 1;
		if (!field(line, 3, &f) || unescape(f, out, size) < 0)
			continue;
		n = covers(out, cgpath);
		if (n <= best || !field(line, 4, &f))
			continue;
		best = n;
		best_mnt = f;
	}
	if (!seen)
		return -ENODEV;
	if (best < 0)
		return -ENOENT;
	if (unescape(best_mnt, out, size) < 0)
		return -ENAMETOOLONG;
	return join(out, size, cgpath + best);
}

/* Digits of length >= 1 at s, up to end; returns the count. */
static size_t digits(const char *s, const char *end)
{
	const char *p = s;

	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return (size_t)(p - s);
}

/* Ends path at slash, the '/' before the first dropped component; at
 * the very top the root "/" stays. */
static int cut(char *path, char *slash)
{
	if (slash == path)
		path[1] = '\0';
	else
		*slash = '\0';
	return 1;
}

/* 1 if [name, end) is exactly "dtng-<digits>-<digits>". */
static int tree_name(const char *name, const char *end)
{
	const char *p = name + 5;
	size_t d;

	if (end - name < 5 || strncmp(name, "dtng-", 5) != 0)
		return 0;
	d = digits(p, end);
	if (!d || p + d == end || p[d] != '-')
		return 0;
	p += d + 1;
	d = digits(p, end);
	return d && p + d == end;
}

int cgpath_is_tree_name(const char *name)
{
	return tree_name(name, name + strlen(name));
}

int cgpath_strip_own(char *path)
{
	size_t n = strlen(path);
	char *leaf, *dir;

	if (n >= 12 && strcmp(path + n - 12, "/dtng-svscan") == 0)
		return cut(path, path + n - 12);
	if (n < 10 || strcmp(path + n - 10, "/supervise") != 0)
		return 0;
	leaf = path + n - 10;
	for (dir = leaf; dir > path && dir[-1] != '/'; dir--)
		;
	if (dir == path || !tree_name(dir, leaf))
		return 0;
	return cut(path, dir - 1);
}

int cgpath_leaf_name(char *out, size_t size, uint64_t dev, uint64_t ino)
{
	int n = snprintf(out, size, "dtng-%" PRIu64 "-%" PRIu64, dev, ino);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : n;
}

int cgpath_events_populated(const char *text, size_t len)
{
	const char *end = text + len;
	struct span line;

	while (next_line(&text, end, &line))
		if (line.n == 11 && memcmp(line.p, "populated ", 10) == 0 &&
		    (line.p[10] == '0' || line.p[10] == '1'))
			return line.p[10] - '0';
	return -EINVAL;
}

int cgpath_has_word(const char *text, size_t len, const char *word)
{
	size_t n = strlen(word), i = 0;

	while (i < len) {
		size_t s;

		while (i < len && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t'))
			i++;
		s = i;
		while (i < len && text[i] != ' ' && text[i] != '\n' && text[i] != '\t')
			i++;
		if (i - s == n && n && memcmp(text + s, word, n) == 0)
			return 1;
	}
	return 0;
}

/* [p, p + n) is exactly a decimal number, maybe then spaces or tabs. */
static int number(const char *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 0)
		return -EINVAL;
	for (; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(p[i] - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	*out = v;
	return 0;
}

int cgpath_u64(const char *text, size_t len, const char *key, uint64_t *out)
{
	const char *end = text + len;
	struct span line;
	size_t k;

	if (!key) {
		if (!next_line(&text, end, &line))
			return -EINVAL;
		return number(line.p, line.n, out);
	}
	k = strlen(key);
	while (next_line(&text, end, &line))
		if (line.n > k && memcmp(line.p, key, k) == 0 && line.p[k] == ' ')
			return number(line.p + k + 1, line.n - k - 1, out);
	return -ENOENT;
}

static void pid_done(struct cgpath_pids *st, pid_t *pids, size_t max)
{
	if (st->junk || !st->digits || st->cur == 0 || st->cur > INT32_MAX) {
		if (st->junk || st->digits)
			st->bad++;
	} else {
		if (st->count < max)
			pids[st->count] = (pid_t)st->cur;
		st->count++;
	}
	st->cur = 0;
	st->digits = 0;
	st->junk = 0;
}

void cgpath_pids_feed(struct cgpath_pids *st, const char *buf, size_t len, pid_t *pids,
		      size_t max)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = buf[i];

		if (c == '\n') {
			pid_done(st, pids, max);
		} else if (c >= '0' && c <= '9' && !st->junk) {
			st->cur = st->cur * 10 + (uint64_t)(c - '0');
			if (++st->digits > 10)
				st->junk = 1;
		} else {
			st->junk = 1;
		}
	}
}

void cgpath_pids_end(struct cgpath_pids *st, pid_t *pids, size_t max)
{
	if (st->digits || st->junk)
		pid_done(st, pids, max);
}

/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>

#include <dt/scantab.h>

void scantab_init(struct scantab *t, size_t max)
{
	t->v = NULL;
	t->n = 0;
	t->cap = 0;
	t->max = max;
}

void scantab_free(struct scantab *t)
{
	free(t->v);
	t->v = NULL;
	t->n = 0;
	t->cap = 0;
}

void scantab_begin(struct scantab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		t->v[i].active = 0;
}

long scantab_find(const struct scantab *t, dev_t dev, ino_t ino)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].ino == ino && t->v[i].dev == dev)
			return (long)i;
	return -1;
}

int scantab_touch(struct scantab *t, size_t i, const char *name)
{
	size_t len = strlen(name);

	if (len > SCANTAB_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(t->v[i].name, name, len + 1);
	t->v[i].active = 1;
	t->v[i].missing_ns = 0;
	return 0;
}

static int grow(struct scantab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	struct scantab_svc *v;

	if (cap > t->max)
		cap = t->max;
	v = realloc(t->v, cap * sizeof *v);
	if (!v)
		return -ENOMEM;
	t->v = v;
	t->cap = cap;
	return 0;
}

long scantab_add(struct scantab *t, dev_t dev, ino_t ino, const char *name)
{
	struct scantab_svc *s;
	int r;

	if (t->n >= t->max)
		return -ENOSPC;
	if (strlen(name) > SCANTAB_NAME_MAX)
		return -ENAMETOOLONG;
	if (t->n == t->cap) {
		r = grow(t);
		if (r < 0)
			return r;
	}
	s = &t->v[t->n];
	memset(s, 0, sizeof *s);
	s->dev = dev;
	s->ino = ino;
	s->pipe_rd = -1;
	s->pipe_wr = -1;
	scantab_touch(t, t->n, name);
	return (long)t->n++;
}

int scantab_gone(struct scantab_svc *s, uint64_t now, uint64_t *next)
{
	uint64_t at;

	if (s->active || s->removing)
		return 0;
	if (!s->missing_ns)
		s->missing_ns = now ? now : 1;
	at = s->missing_ns + SCANTAB_REMOVE_GRACE;
	if (now >= at)
		return 1;
	if (*next == 0 || at < *next)
		*next = at;
	return 0;
}

int scantab_removed(const struct scantab_svc *s)
{
	return s->removing && !s->p[SCANTAB_MAIN].pid && !s->p[SCANTAB_LOG].pid;
}

int scantab_stale(const struct scantab_svc *s)
{
	return !s->active && !s->p[SCANTAB_MAIN].pid && !s->p[SCANTAB_LOG].pid;
}

void scantab_drop(struct scantab *t, size_t i)
{
	if (i >= t->n)
		return;
	t->n--;
	if (i != t->n)
		t->v[i] = t->v[t->n];
}

int scantab_due(const struct scantab_svc *s, enum scantab_which w, uint64_t now,
		uint64_t *next)
{
	const struct scantab_proc *p = &s->p[w];

	if (!s->active || p->pid || s->removing)
		return 0;
	if (w == SCANTAB_LOG && !s->has_log)
		return 0;
	if (now >= p->due_ns)
		return 1;
	if (*next == 0 || p->due_ns < *next)
		*next = p->due_ns;
	return 0;
}

void scantab_started(struct scantab_svc *s, enum scantab_which w, pid_t pid, uint64_t now)
{
	struct scantab_proc *p = &s->p[w];

	p->pid = pid;
	p->started_ns = now;
	/* Rate limit: even a supervise that lived long is restarted no sooner
	 * than a second after its previous start. */
	p->due_ns = now + SCANTAB_SEC;
}

static uint64_t backoff(uint32_t failures)
{
	uint64_t d = SCANTAB_SEC;

	while (failures > 1 && d < SCANTAB_BACKOFF_MAX) {
		d *= 2;
		failures--;
	}
	return d > SCANTAB_BACKOFF_MAX ? SCANTAB_BACKOFF_MAX : d;
}

void scantab_start_failed(struct scantab_svc *s, enum scantab_which w, uint64_t now)
{
	struct scantab_proc *p = &s->p[w];

	p->pid = 0;
	if (p->failures < UINT32_MAX)
		p->failures++;
	p->due_ns = now + backoff(p->failures);
}

long scantab_find_pid(const struct scantab *t, pid_t pid, enum scantab_which *w)
{
	size_t i;

	if (pid <= 0)
		return -1;
	for (i = 0; i < t->n; i++) {
		if (t->v[i].p[SCANTAB_MAIN].pid == pid) {
			*w = SCANTAB_MAIN;
			return (long)i;
		}
		if (t->v[i].p[SCANTAB_LOG].pid == pid) {
			*w = SCANTAB_LOG;
			return (long)i;
		}
	}
	return -1;
}

int scantab_exited(struct scantab_svc *s, enum scantab_which w, uint64_t now)
{
	struct scantab_proc *p = &s->p[w];

	p->pid = 0;
	if (now - p->started_ns < SCANTAB_SEC) {
		scantab_start_failed(s, w, now);
		return 1;
	}
	p->failures = 0;
	/* due_ns stays started + 1 s, which is already past. */
	return 0;
}

size_t scantab_running(const struct scantab *t, enum scantab_which w)
{
	size_t i, c = 0;

	for (i = 0; i < t->n; i++)
		if (t->v[i].p[w].pid)
			c++;
	return c;
}

uint64_t scantab_rescan_interval(int watching, int trouble)
{
	return watching && !trouble ? SCANTAB_RESCAN_SLOW : SCANTAB_RESCAN_FAST;
}

int scantab_fs_remote(unsigned long f_type)
{
	/* Magic numbers from linux/magic.h and the filesystems' own headers;
	 * spelled out because some are missing from older headers. */
	static const unsigned long remote[] = {
		0x6969,     /* NFS */
		0x517b,     /* SMB */
		0xfe534d42, /* SMB2 */
		0xff534d42, /* CIFS */
		0x65735546, /* FUSE */
		0x01021997, /* 9P */
		0x00c36400, /* Ceph */
		0x5346414f, /* AFS */
		0x6b414653, /* kAFS */
		0x73757245, /* Coda */
		0x7461636f, /* OCFS2 */
		0x01161970, /* GFS2 */
		0x47504653, /* GPFS */
		0x0bd00bd0, /* Lustre */
	};
	size_t i;

	for (i = 0; i < sizeof remote / sizeof remote[0]; i++)
		if ((f_type & 0xffffffffUL) == remote[i])
			return 1;
	return 0;
}

enum scantab_inotify scantab_inotify_verdict(uint32_t mask)
{
	if (mask & IN_Q_OVERFLOW)
		return SCANTAB_IN_OVERFLOW;
	/* The directory itself went away or was unmounted: the kernel drops
	 * the watch (IN_IGNORED follows), so no more events will come. */
	if (mask & (IN_IGNORED | IN_DELETE_SELF | IN_UNMOUNT))
		return SCANTAB_IN_GONE;
	return SCANTAB_IN_RESCAN;
}

size_t scantab_name_printable(const char *name, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	const unsigned char *p;

	if (size == 0)
		return 0;
	for (p = (const unsigned char *)name; *p; p++) {
		char esc[4];
		size_t k = 0, j;

		if (*p == '\n') {
			esc[k++] = '\\';
			esc[k++] = 'n';
		} else if (*p == '\t') {
			esc[k++] = '\\';
			esc[k++] = 't';
		} else if (*p < 0x20 || *p == 0x7f) {
			esc[k++] = '\\';
			esc[k++] = 'x';
			esc[k++] = hex[*p >> 4];
			esc[k++] = hex[*p & 15];
		} else {
			esc[k++] = (char)*p;
		}
		if (o + k >= size)
			break;
		for (j = 0; j < k; j++)
			out[o++] = esc[j];
	}
	out[o] = 0;
	return o;
}

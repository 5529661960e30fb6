/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <lx/caps.h>
#include <lx/compat.h>

#ifndef PR_SET_NO_NEW_PRIVS
#define PR_SET_NO_NEW_PRIVS 38
#endif

/* Capabilities the running kernel knows; libcap probes it once. */
static int max_bits(void)
{
	int n = cap_max_bits();

	return n > 64 ? 64 : n;
}

static int parse_one(const char *item, size_t len, uint64_t *set)
{
	char name[64];
	cap_value_t v;

	/* libcap also takes numbers ("10", "0x5"): a list of names must
	 * say which capability it means, so we insist on the name. */
	if (len < 5 || len >= sizeof name || strncasecmp(item, "cap_", 4))
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)item[i]) && item[i] != '_')
			return -EINVAL; /* libcap ignores what follows a name */
	memcpy(name, item, len);
	name[len] = 0;
	if (cap_from_name(name, &v) < 0 || v < 0 || v >= max_bits())
		return -EINVAL;
	*set |= (uint64_t)1 << v;
	return 0;
}

int lx_caps_parse(const char *list, uint64_t *set, const char **bad, size_t *badlen)
{
	uint64_t s = 0;
	const char *p = list;

	if (!*list) {
		*set = 0;
		return 0;
	}
	for (;;) {
		const char *end = strchrnul(p, ',');

		if (parse_one(p, end - p, &s) < 0) {
			if (bad)
				*bad = p;
			if (badlen)
				*badlen = end - p;
			return -EINVAL;
		}
		if (!*end)
			break;
		p = end + 1;
	}
	*set = s;
	return 0;
}

static int drop_bounding(uint64_t keep)
{
	int n = max_bits();

	for (int c = 0; c < n; c++) {
		if (keep >> c & 1)
			continue;
		/* Already gone needs no CAP_SETPCAP: check first. */
		if (cap_get_bound(c) == 0)
			continue;
		if (cap_drop_bound(c) < 0)
			return -errno;
	}
	return 0;
}

static int set_procs(uint64_t keep)
{
	cap_t caps = cap_init();
	int n = max_bits(), e = 0;

	if (!caps)
		return -errno;
	for (cap_value_t c = 0; c < n; c++) {
		if (!(keep >> c & 1))
			continue;
		if (cap_set_flag(caps, CAP_PERMITTED, 1, &c, CAP_SET) < 0 ||
		    cap_set_flag(caps, CAP_EFFECTIVE, 1, &c, CAP_SET) < 0 ||
		    cap_set_flag(caps, CAP_INHERITABLE, 1, &c, CAP_SET) < 0) {
			e = -errno;
			goto out;
		}
	}
	if (cap_set_proc(caps) < 0)
		e = -errno;
out:
	cap_free(caps);
	return e;
}

/* The ambient set needs each capability in permitted and inheritable
 * first (set_procs), and is cleared by the kernel on any later change
 * that drops one of them. */
static int set_ambient(uint64_t keep)
{
	int n = max_bits();

	if (cap_reset_ambient() < 0)
		return errno == EINVAL && !keep ? 0 : -errno;
	for (int c = 0; c < n; c++)
		if (keep >> c & 1 && cap_set_ambient(c, CAP_SET) < 0)
			return -errno;
	return 0;
}

static int fail(enum lx_caps_step step, int err, enum lx_caps_step *failed)
{
	if (failed)
		*failed = step;
	return err;
}

/* djb's order: the groups while still privileged, the uid last. */
static int change_ids(const struct lx_caps_cred *c, enum lx_caps_step *failed)
{
	if (setgroups(c->ngroups, c->groups) < 0)
		return fail(LX_CAPS_SETGROUPS, -errno, failed);
	if (setgid(c->gid) < 0)
		return fail(LX_CAPS_SETGID, -errno, failed);
	if (setuid(c->uid) < 0)
		return fail(LX_CAPS_SETUID, -errno, failed);
	return 0;
}

int lx_caps_drop_to(const struct lx_caps_cred *c, enum lx_caps_step *failed)
{
	bool same = c->flags & LX_CAPS_F_SAME_USER;
	uid_t uid = same ? geteuid() : c->uid;
	/* Without KEEPCAPS, leaving uid 0 clears the permitted set, and the
	 * capabilities to keep could never be raised again. */
	int keepcaps = c->keep && uid != 0 && !same;
	int e;

	if (failed)
		*failed = LX_CAPS_OK;
	if (keepcaps && prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) < 0)
		return fail(LX_CAPS_KEEPCAPS, -errno, failed);
	/* Before setuid: dropping from the bounding set needs CAP_SETPCAP
	 * in the effective set, which the uid change empties. */
	if (c->flags & LX_CAPS_F_BOUND && (e = drop_bounding(c->keep)) < 0)
		return fail(LX_CAPS_BOUNDING, e, failed);
	if (!(c->flags & LX_CAPS_F_SAME_USER) && (e = change_ids(c, failed)) < 0)
		return e;
	if (keepcaps && prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L) < 0)
		return fail(LX_CAPS_KEEPCAPS, -errno, failed);
	if (c->keep || uid != 0 || c->flags & LX_CAPS_F_BOUND) {
		if ((e = set_procs(c->keep)) < 0)
			return fail(LX_CAPS_SETCAPS, e, failed);
		if ((e = set_ambient(c->keep)) < 0)
			return fail(LX_CAPS_AMBIENT, e, failed);
	}
	if (c->flags & LX_CAPS_F_NO_NEW_PRIVS && prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0)
		return fail(LX_CAPS_NO_NEW_PRIVS, -errno, failed);
	return 0;
}

static uint64_t flag_bits(cap_t caps, cap_flag_t flag, int n)
{
	uint64_t bits = 0;

	for (cap_value_t c = 0; c < n; c++) {
		cap_flag_value_t v = CAP_CLEAR;

		if (cap_get_flag(caps, c, flag, &v) == 0 && v == CAP_SET)
			bits |= (uint64_t)1 << c;
	}
	return bits;
}

int lx_caps_current(uint64_t *permitted, uint64_t *effective, uint64_t *inheritable,
		    uint64_t *ambient, uint64_t *bounding)
{
	int n = max_bits();
	cap_t caps = cap_get_proc();

	if (!caps)
		return -errno;
	if (permitted)
		*permitted = flag_bits(caps, CAP_PERMITTED, n);
	if (effective)
		*effective = flag_bits(caps, CAP_EFFECTIVE, n);
	if (inheritable)
		*inheritable = flag_bits(caps, CAP_INHERITABLE, n);
	cap_free(caps);
	if (ambient)
		*ambient = 0;
	if (bounding)
		*bounding = 0;
	for (int c = 0; c < n; c++) {
		if (ambient && cap_get_ambient(c) == 1)
			*ambient |= (uint64_t)1 << c;
		if (bounding && cap_get_bound(c) == 1)
			*bounding |= (uint64_t)1 << c;
	}
	return 0;
}

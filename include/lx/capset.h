/* SPDX-License-Identifier: ISC */
#ifndef LX_CAPSET_H
#define LX_CAPSET_H

/* Capabilities through the raw system calls (capset, prctl), without
 * libcap: supervise and setuidgid use this one module. libcap would cost
 * each supervise its own dirty pages (measured: +12.7 KiB of PSS for a
 * supervise started alone, doc/ARCHITECTURE.md). The names are the
 * kernel's (libcap spells them the same: tests/linux/test_capset.c checks
 * them against libcap).
 *
 * A set is a uint64_t, bit n for capability n. Functions return 0 or
 * -errno and never print or exit. lx_capset_drop_to() only makes system
 * calls: safe in a child between clone and execve. Credentials are per
 * thread in the kernel: call it in a single-threaded process. */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The name of capability n ("cap_net_bind_service"), NULL if unknown here. */
const char *lx_capset_name(int n);
/* The highest capability the running kernel knows (probed once through
 * PR_CAPBSET_READ), at most 63. */
int lx_capset_last(void);

/* Parses a comma-separated list of names, case-insensitive, "cap_" prefix
 * required (bare numbers are refused). Blanks around the items and one trailing
 * newline are allowed; an empty list is the empty set. -EINVAL: an empty
 * item or a name this table or the running kernel does not know; then
 * *bad and *badlen (when not NULL) point at the item. */
int lx_capset_parse(const char *list, size_t len, uint64_t *set, const char **bad,
		    size_t *badlen);

#define LX_CAPSET_F_USER 1u	/* change to uid, gid and groups */
#define LX_CAPSET_F_SETS 2u	/* permitted, effective, inheritable and
				 * ambient become exactly `keep` */
#define LX_CAPSET_F_BOUND 4u	/* the bounding set is reduced to `keep` */
#define LX_CAPSET_F_NO_NEW_PRIVS 8u
/* supervise's `capabilities` file: all three. */
#define LX_CAPSET_F_CAPS (LX_CAPSET_F_SETS | LX_CAPSET_F_BOUND | LX_CAPSET_F_NO_NEW_PRIVS)

struct lx_capset_cred {
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	size_t ngroups;
	uint64_t keep;
	unsigned flags;
};

/* The step that failed, for the caller's message. */
enum lx_capset_step {
	LX_CAPSET_OK,
	LX_CAPSET_BOUNDING,
	LX_CAPSET_KEEPCAPS,
	LX_CAPSET_SETGROUPS,
	LX_CAPSET_SETGID,
	LX_CAPSET_SETUID,
	LX_CAPSET_CAPSET,
	LX_CAPSET_AMBIENT,
	LX_CAPSET_NO_NEW_PRIVS,
};

/* In this order: the bounding set reduced to keep (F_BOUND; needs
 * CAP_SETPCAP, so before the uid change), keep-capabilities on, setgroups,
 * setgid, setuid (F_USER), keep-capabilities off, then permitted,
 * effective and inheritable set to keep and each of them raised as ambient
 * (F_SETS; ambient is what lets a non-root program keep them across
 * execve), no_new_privs (F_NO_NEW_PRIVS). F_USER alone leaves the sets to
 * the kernel, which empties them only when leaving uid 0: with F_SETS and
 * keep == 0 a non-root uid ends with no capabilities whoever the caller
 * was. For uid 0 the next program regains the whole bounding set at
 * execve: only F_BOUND limits root. On failure *failed names the step and
 * the process may be half-changed: do not exec. */
int lx_capset_drop_to(const struct lx_capset_cred *c, enum lx_capset_step *failed);

#endif

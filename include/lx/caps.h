/* SPDX-License-Identifier: ISC */
#ifndef LX_CAPS_H
#define LX_CAPS_H

/* Changing credentials while keeping exactly a chosen set of capabilities,
 * through libcap. Used by setuidgid -c, and meant for supervise's service
 * files `user` (uid, gid, supplementary groups) and `capabilities` (the
 * only capabilities kept, bounding and ambient, with no_new_privs).
 *
 * A capability set is a uint64_t, bit n standing for capability n (the
 * kernel's ABI has room for 64; Linux 6.x knows 41).
 * Functions return 0 or -errno and never print or exit. Not thread-safe:
 * credentials are per thread in the kernel, so call them in a
 * single-threaded process (a child before execve, or a chain-loader). */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Parses a comma-separated list of names as libcap spells them
 * ("cap_net_bind_service,cap_sys_nice"; case-insensitive, "cap_" prefix
 * required: bare numbers are refused). An empty list gives the empty set.
 * -EINVAL: an empty item or a name libcap or the running kernel does not
 * know; then *bad and *badlen (when not NULL) point at the item in list. */
int lx_caps_parse(const char *list, uint64_t *set, const char **bad, size_t *badlen);

/* Flags of struct lx_caps_cred. */
#define LX_CAPS_F_BOUND 1u	/* also reduce the bounding set to keep */
#define LX_CAPS_F_NO_NEW_PRIVS 2u	/* set PR_SET_NO_NEW_PRIVS at the end */
#define LX_CAPS_F_SAME_USER 4u	/* keep the ids: uid, gid, groups are ignored
				 * (a `capabilities` file without `user`) */

struct lx_caps_cred {
	uid_t uid;
	gid_t gid;
	const gid_t *groups;	/* supplementary groups: exactly these */
	size_t ngroups;
	uint64_t keep;		/* permitted, effective, inheritable and ambient */
	unsigned flags;
};

/* The step that failed, for the caller's message. */
enum lx_caps_step {
	LX_CAPS_OK,
	LX_CAPS_KEEPCAPS,	/* prctl(PR_SET_KEEPCAPS) */
	LX_CAPS_BOUNDING,	/* dropping from the bounding set (needs CAP_SETPCAP) */
	LX_CAPS_SETGROUPS,
	LX_CAPS_SETGID,
	LX_CAPS_SETUID,
	LX_CAPS_SETCAPS,	/* cap_set_proc: permitted, effective, inheritable */
	LX_CAPS_AMBIENT,	/* clearing or raising ambient capabilities */
	LX_CAPS_NO_NEW_PRIVS,
};

/* Becomes uid/gid/groups in djb's order (setgroups, setgid, setuid; skipped
 * with LX_CAPS_F_SAME_USER, which works on the caller's own ids) and
 * then holds exactly c->keep. With keep == 0 and a uid other than 0, every
 * capability set ends empty, even for a caller that was not root (the
 * kernel clears them by itself only when leaving uid 0). For uid 0 the
 * next program regains the whole bounding set at execve: only
 * LX_CAPS_F_BOUND limits root. Ambient capabilities survive the execve of a
 * program without file capabilities or set-id bits, which is how a
 * non-root service keeps e.g. cap_net_bind_service. On failure *failed
 * (when not NULL) names the step and the process may be half-changed: the
 * caller must not go on to run the program. */
int lx_caps_drop_to(const struct lx_caps_cred *c, enum lx_caps_step *failed);

/* Capability sets of the calling thread as the kernel reports them, for
 * checks and tests. Any pointer may be NULL. */
int lx_caps_current(uint64_t *permitted, uint64_t *effective, uint64_t *inheritable,
		    uint64_t *ambient, uint64_t *bounding);

#endif

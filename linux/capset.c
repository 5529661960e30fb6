/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <linux/capability.h>

#include <errno.h>
#include <grp.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <lx/capset.h>

#ifndef PR_SET_NO_NEW_PRIVS
#define PR_SET_NO_NEW_PRIVS 38
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* Indexed by capability number, as <linux/capability.h> numbers them. */
static const char *const names[] = {
	"cap_chown", "cap_dac_override", "cap_dac_read_search", "cap_fowner",
	"cap_fsetid", "cap_kill", "cap_setgid", "cap_setuid", "cap_setpcap",
	"cap_linux_immutable", "cap_net_bind_service", "cap_net_broadcast",
	"cap_net_admin", "cap_net_raw", "cap_ipc_lock", "cap_ipc_owner",
	"cap_sys_module", "cap_sys_rawio", "cap_sys_chroot", "cap_sys_ptrace",
	"cap_sys_pacct", "cap_sys_admin", "cap_sys_boot", "cap_sys_nice",
	"cap_sys_resource", "cap_sys_time", "cap_sys_tty_config", "cap_mknod",
	"cap_lease", "cap_audit_write", "cap_audit_control", "cap_setfcap",
	"cap_mac_override", "cap_mac_admin", "cap_syslog", "cap_wake_alarm",
	"cap_block_suspend", "cap_audit_read", "cap_perfmon", "cap_bpf",
	"cap_checkpoint_restore",
};
#define NNAMES ((int)(sizeof names / sizeof names[0]))

const char *lx_capset_name(int n)
{
	return n >= 0 && n < NNAMES ? names[n] : NULL;
}

int lx_capset_last(void)
{
	/* Probed once: the kernel does not change under us. */
	static int last = -1;
	int lo = 0, hi = 63;

	if (last >= 0)
		return last;
	/* PR_CAPBSET_READ fails with EINVAL past the last one. */
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;

		if (prctl(PR_CAPBSET_READ, (unsigned long)mid, 0L, 0L, 0L) >= 0)
			lo = mid;
		else
			hi = mid - 1;
	}
	last = lo;
	return last;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int lookup(const char *item, size_t len)
{
	int n, last = lx_capset_last();

	for (n = 0; n < NNAMES && n <= last; n++)
		if (strlen(names[n]) == len && !strncasecmp(names[n], item, len))
			return n;
	return -EINVAL;
}

int lx_capset_parse(const char *list, size_t len, uint64_t *set, const char **bad,
		    size_t *badlen)
{
	uint64_t s = 0;
	size_t i = 0;

	if (len && list[len - 1] == '\n')
		len--;
	while (i < len && is_blank(list[i]))
		i++;
	if (i == len) {
		*set = 0;
		return 0;
	}
	for (;;) {
		size_t a, b, end = i;
		int n;

		while (end < len && list[end] != ',')
			end++;
		for (a = i; a < end && is_blank(list[a]); a++)
			;
		for (b = end; b > a && is_blank(list[b - 1]); b--)
			;
		n = lookup(list + a, b - a);
		if (n < 0) {
			if (bad)
				*bad = list + a;
			if (badlen)
				*badlen = b - a;
			return -EINVAL;
		}
		s |= (uint64_t)1 << n;
		if (end == len)
			break;
		i = end + 1;
	}
	*set = s;
	return 0;
}

static int drop_bounding(uint64_t keep)
{
	int c, last = lx_capset_last();

	for (c = 0; c <= last; c++) {
		if (keep >> c & 1)
			continue;
		/* One already gone needs no CAP_SETPCAP. */
		if (prctl(PR_CAPBSET_READ, (unsigned long)c, 0L, 0L, 0L) == 0)
			continue;
		if (prctl(PR_CAPBSET_DROP, (unsigned long)c, 0L, 0L, 0L) < 0)
			return -errno;
	}
	return 0;
}

static int set_procs(uint64_t keep)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	int i;

	memset(d, 0, sizeof d);
	for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		d[i].effective = d[i].permitted = d[i].inheritable = (uint32_t)(keep >> (32 * i));
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

/* Ambient needs each capability in permitted and inheritable first. */
static int set_ambient(uint64_t keep)
{
	int c, last = lx_capset_last();

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0L, 0L, 0L) < 0)
		return errno == EINVAL && !keep ? 0 : -errno; /* before 4.3 */
	for (c = 0; c <= last; c++)
		if (keep >> c & 1 &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)c, 0L, 0L) < 0)
			return -errno;
	return 0;
}

static int fail(enum lx_capset_step step, int err, enum lx_capset_step *failed)
{
	if (failed)
		*failed = step;
	return err;
}

int lx_capset_drop_to(const struct lx_capset_cred *c, enum lx_capset_step *failed)
{
	int user = !!(c->flags & LX_CAPSET_F_USER), sets = !!(c->flags & LX_CAPSET_F_SETS);
	/* Without KEEPCAPS, leaving uid 0 empties the permitted set and the
	 * capabilities to keep could never be raised again. */
	int keepcaps = user && sets && c->keep && c->uid != 0;
	int e;

	if (failed)
		*failed = LX_CAPSET_OK;
	if (c->flags & LX_CAPSET_F_BOUND && (e = drop_bounding(c->keep)) < 0)
		return fail(LX_CAPSET_BOUNDING, e, failed);
	if (keepcaps && prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) < 0)
		return fail(LX_CAPSET_KEEPCAPS, -errno, failed);
	if (user) {
		/* djb's order: the groups while still privileged, the uid last. */
		if (setgroups(c->ngroups, c->groups) < 0)
			return fail(LX_CAPSET_SETGROUPS, -errno, failed);
		if (setgid(c->gid) < 0)
			return fail(LX_CAPSET_SETGID, -errno, failed);
		if (setuid(c->uid) < 0)
			return fail(LX_CAPSET_SETUID, -errno, failed);
	}
	if (keepcaps && prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L) < 0)
		return fail(LX_CAPSET_KEEPCAPS, -errno, failed);
	if (sets) {
		if ((e = set_procs(c->keep)) < 0)
			return fail(LX_CAPSET_CAPSET, e, failed);
		if ((e = set_ambient(c->keep)) < 0)
			return fail(LX_CAPSET_AMBIENT, e, failed);
	}
	if (c->flags & LX_CAPSET_F_NO_NEW_PRIVS && prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0)
		return fail(LX_CAPSET_NO_NEW_PRIVS, -errno, failed);
	return 0;
}

/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <sys/resource.h>

#include <lx/rlimit.h>

int lx_rlimit_get(pid_t pid, int resource, struct rlimit *out)
{
	return prlimit(pid, resource, NULL, out) < 0 ? -errno : 0;
}

int lx_rlimit_set(pid_t pid, int resource, const struct rlimit *lim)
{
	return prlimit(pid, resource, lim, NULL) < 0 ? -errno : 0;
}

int lx_rlimit_set_soft(pid_t pid, int resource, uint64_t soft, struct rlimit *applied)
{
	struct rlimit r;
	int e = lx_rlimit_get(pid, resource, &r);

	if (e < 0)
		return e;
	/* Compared before narrowing: right where rlim_t is 32-bit too. */
	r.rlim_cur = soft > r.rlim_max ? r.rlim_max : (rlim_t)soft;
	e = lx_rlimit_set(pid, resource, &r);
	if (e < 0)
		return e;
	if (applied)
		*applied = r;
	return 0;
}

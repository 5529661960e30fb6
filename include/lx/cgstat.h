/* SPDX-License-Identifier: ISC */
#ifndef LX_CGSTAT_H
#define LX_CGSTAT_H

/* What a cgroup v2 directory says about its processes, for svstat -p:
 * how many there are (cgroup.procs), their memory (memory.current), CPU
 * time (cpu.stat usage_usec) and OOM kills (memory.events oom_kill). A
 * file that is not there is a controller that is not enabled: its value
 * is absent (its bit clear), never 0. cpu.stat is there with or without
 * the cpu controller (the kernel always keeps usage_usec), memory.* only
 * with the memory controller. Returns >= 0 or -errno, never prints. */

#include <stdint.h>

#define LX_CGSTAT_PROCS  0x1u
#define LX_CGSTAT_MEMORY 0x2u
#define LX_CGSTAT_CPU    0x4u
#define LX_CGSTAT_OOM    0x8u

struct lx_cgstat {
	unsigned have;         /* LX_CGSTAT_* */
	uint64_t procs;
	uint64_t memory_bytes;
	uint64_t cpu_usec;
	uint64_t oom_kills;
	const char *err_file;  /* the first file there but unreadable, or NULL */
	int err;               /* its -errno (-EBADMSG: not the expected text) */
};

/* Reads the files of directory dir (a cgroup v2 directory; tests use
 * plain files) into out, cleared first. A directory that is not there
 * gives nothing and no error. */
void lx_cgstat_read(const char *dir, struct lx_cgstat *out);
/* The same for dir relative to dirfd: each path component of cgroupfs
 * costs a slow lookup (kernfs takes no lock-free walk), so a caller that
 * reads many cgroups of one parent opens the parent once. */
void lx_cgstat_read_at(int dirfd, const char *dir, struct lx_cgstat *out);

#endif

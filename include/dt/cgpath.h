/* SPDX-License-Identifier: ISC */
#ifndef DT_CGPATH_H
#define DT_CGPATH_H

/* The text side of cgroup v2: finding our cgroup's directory from the
 * contents of /proc/self/cgroup and /proc/self/mountinfo, and reading the
 * small files of a cgroup (cgroup.events, cgroup.procs, cgroup.controllers).
 * Pure functions over text the caller has read, so every branch is testable
 * with crafted input; linux/cgroup.c does the I/O. All return >= 0 or
 * -errno and never read beyond len. */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Our cgroup v2 path ("/a/b") from the text of /proc/self/cgroup: the
 * "0::PATH" line. -ENOENT: no such line (cgroup v1 only); -ESTALE: the
 * cgroup was removed (" (deleted)"); -EINVAL: not an absolute path;
 * -ENAMETOOLONG: does not fit out. */
int cgpath_self(const char *text, size_t len, char *out, size_t size);

/* The directory of cgroup cgpath, from the text of /proc/self/mountinfo:
 * a cgroup2 mount whose root field is cgpath or one of its ancestors (the
 * longest such root wins), joined with the rest of cgpath. The root and
 * mount point fields are unescaped (\040 space, \011 tab, \012 newline,
 * \134 backslash). -ENODEV: no cgroup2 mount at all; -ENOENT: cgroup2 is
 * mounted but no mount shows cgpath; -ENAMETOOLONG. */
int cgpath_mount(const char *mountinfo, size_t len, const char *cgpath, char *out, size_t size);

/* Our own leaves are never a ROOT: a supervise that already sits in a
 * "./dtng-D-I/supervise" leaf (a restarted process that inherited it) must
 * not nest a new tree inside, and svscan may park itself in a
 * "./dtng-svscan" leaf so that ROOT holds no process and controllers can be
 * enabled in it (cgroup v2's no-internal-process rule). Strips those
 * components. Returns 1 if it did, else 0. */
int cgpath_strip_own(char *path);

/* 1 if name is a per-service directory name ("dtng-<digits>-<digits>"),
 * else 0 ("dtng-svscan", anything else). */
int cgpath_is_tree_name(const char *name);

/* "dtng-<dev>-<ino>", the per-service directory name. -ENAMETOOLONG. */
int cgpath_leaf_name(char *out, size_t size, uint64_t dev, uint64_t ino);

/* From the text of cgroup.events: 1 if "populated 1", 0 if "populated 0",
 * -EINVAL if there is no such line. */
int cgpath_events_populated(const char *text, size_t len);

/* 1 if word is one of the blank-separated words of a cgroup.controllers
 * or cgroup.subtree_control text, else 0. */
int cgpath_has_word(const char *text, size_t len, const char *word);

/* A number from a cgroup file: with key NULL, a file that is one number
 * (memory.current); else the value of the "key N" line of a flat-keyed
 * file (cpu.stat usage_usec, memory.events oom_kill). -ENOENT: no such
 * line; -EINVAL: not a number (memory.max's "max" included); -ERANGE. */
int cgpath_u64(const char *text, size_t len, const char *key, uint64_t *out);

/* Incremental parser of cgroup.procs (one pid per line), fed chunk by chunk
 * so the file is never held whole. Zero the struct before the first chunk.
 * Each complete pid is stored in pids[count] while count < max (pids may be
 * NULL when max is 0); count counts them all. Malformed lines are skipped
 * and counted in bad. */
struct cgpath_pids {
	uint64_t cur;
	int digits;
	int junk;
	size_t count;
	size_t bad;
};
void cgpath_pids_feed(struct cgpath_pids *st, const char *buf, size_t len, pid_t *pids,
		      size_t max);
/* Ends the input (a last line without a newline counts). */
void cgpath_pids_end(struct cgpath_pids *st, pid_t *pids, size_t max);

#endif

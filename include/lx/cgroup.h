/* SPDX-License-Identifier: ISC */
#ifndef LX_CGROUP_H
#define LX_CGROUP_H

/* cgroup v2 for supervise: every service in its own cgroup, so the whole
 * process tree of a service can be watched, counted, killed and limited.
 *
 * Layout under ROOT (the cgroup v2 directory supervise starts in, or the
 * SUPERVISE_CGROUP override):
 *   ROOT/dtng-<dev>-<ino>/            one per service directory (its st_dev
 *                                     and st_ino: unique, nothing to escape)
 *   ROOT/dtng-<dev>-<ino>/supervise/  supervise itself (cgroup v2 allows
 *                                     processes only in leaves once a
 *                                     controller is enabled, so supervise
 *                                     cannot sit in the service's parent)
 *   ROOT/dtng-<dev>-<ino>/service/    run and everything it forks
 *
 * All functions return >= 0 or -errno, never print, never exit. Every fd
 * is O_CLOEXEC. Not thread-safe; no global state except what is noted. */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LX_CGROUP_PATH_MAX 4096

struct lx_cgroup {
	int root_fd;    /* ROOT, where supervise goes back before removal */
	int dir_fd;     /* ROOT/dtng-D-I */
	int sup_fd;     /* .../supervise */
	int svc_fd;     /* .../service: the fd for clone3 CLONE_INTO_CGROUP */
	int events_fd;  /* .../service/cgroup.events, for epoll EPOLLPRI */
	int svc_fresh;  /* lx_cgroup_open made service/ (no predecessor's) */
	char path[LX_CGROUP_PATH_MAX]; /* ROOT/dtng-D-I, for supervise/state */
};

/* Finds ROOT and decides whether cgroup v2 is usable there: mounted, a
 * cgroup v2 directory, writable and delegated to us (ROOT/cgroup.procs is
 * writable; whether a child cgroup can be made is learnt from the real
 * mkdir in lx_cgroup_open). override is the value of
 * SUPERVISE_CGROUP or NULL: the caller reads the environment, this module
 * never calls getenv. Without override, ROOT comes from /proc/self/cgroup
 * and /proc/self/mountinfo (a supervise already inside a dtng-D-I/supervise
 * leaf uses that tree's parent). On success fills root (size bytes) and
 * returns 0. On failure returns -errno and sets *step to the step that
 * failed; the caller words the one warning it prints before falling back
 * to a process group per service (this layer has no English):
 *   LX_CG_OVERRIDE        -EINVAL (not an absolute path), -ENAMETOOLONG
 *   LX_CG_READ_SELF       reading /proc/self/cgroup: its errno
 *   LX_CG_SELF            -ENOENT (no 0:: line: in no cgroup v2 hierarchy),
 *                         -ESTALE (our cgroup was removed), -EINVAL
 *   LX_CG_READ_MOUNTINFO  reading /proc/self/mountinfo: its errno
 *   LX_CG_MOUNT           -ENODEV (cgroup v2 not mounted), -ENOENT (no v2
 *                         mount shows our cgroup), -ENAMETOOLONG
 *   LX_CG_DIR             stat/statfs/open errno (-ENOENT: no such
 *                         directory), -ENOTDIR, -EMEDIUMTYPE (not cgroup
 *                         v2), -EROFS (mounted read-only)
 *   LX_CG_DELEGATION      cgroup.procs not writable: -EACCES, -EPERM, ...
 * Called once at start-up; the answer is not cached. */
enum lx_cgroup_step {
	LX_CG_OVERRIDE,
	LX_CG_READ_SELF,
	LX_CG_SELF,
	LX_CG_READ_MOUNTINFO,
	LX_CG_MOUNT,
	LX_CG_DIR,
	LX_CG_DELEGATION,
};
int lx_cgroup_probe(const char *override, char *root, size_t size, enum lx_cgroup_step *step);

/* svscan's side of the layout. cgroup v2 lets a cgroup enable controllers
 * for its children only while it holds no process itself (the
 * no-internal-process rule), and ROOT is the cgroup svscan was started in
 * (its supervise processes are born there). So svscan, at start, moves
 * itself into ROOT/dtng-svscan (made if missing; lx_cgroup_probe strips
 * that component, so supervise still finds ROOT) when all of these hold:
 * override (SUPERVISE_CGROUP) is NULL; cgroup v2 shows our cgroup; it is not
 * the hierarchy's real root (which is exempt from the rule; a cgroup
 * namespace's "/" is not); it is writable; and we are the only process in
 * it (a shell that started svscan and stays there would keep ROOT busy
 * anyway, and its cgroup is not ours to rearrange). Returns 1 if svscan
 * moved (or already sat in its leaf) and fills path (size bytes) with the
 * leaf's directory, 0 if there was nothing to do (path empty), or -errno
 * of the move (path: the leaf, or empty). */
int lx_cgroup_park(const char *override, char *path, size_t size);

/* Makes (or reuses: a predecessor may have left them) ROOT/dtng-D-I with
 * its supervise/ and service/ leaves and opens them; dev and ino are those
 * of the service directory. root may be cg->path itself (where
 * lx_cgroup_probe() put it: no second 4 KiB buffer). svc_fresh says whether
 * service/ was made now (nothing of a predecessor's to clear or reset).
 * cg is filled even on failure so that
 * lx_cgroup_close() is always safe. -ENAMETOOLONG, -errno of mkdir/open. */
int lx_cgroup_open(struct lx_cgroup *cg, const char *root, uint64_t dev, uint64_t ino);
/* Closes the fds; leaves the directories. Safe on a zeroed or failed cg. */
void lx_cgroup_close(struct lx_cgroup *cg);

/* Moves pid (0: the caller) into the supervise/ leaf, or into service/.
 * The service leaf form is the fallback for a spawn without clone3
 * CLONE_INTO_CGROUP: the child moves itself (pid 0) before exec; the
 * window before that is the reason clone3 is preferred. */
int lx_cgroup_enter_supervise(const struct lx_cgroup *cg, pid_t pid);
int lx_cgroup_enter_service(const struct lx_cgroup *cg, pid_t pid);

/* For clone3: sets args->flags |= CLONE_INTO_CGROUP and args->cgroup to
 * the service leaf fd, so the child is born inside it. args is a
 * struct clone_args from <linux/sched.h>. */
struct clone_args;
void lx_cgroup_clone_args(const struct lx_cgroup *cg, struct clone_args *args);

/* Replaces an empty service/ leaf by a new one (rmdir, mkdir) and reopens
 * svc_fd and events_fd (new numbers: the caller re-adds events_fd to its
 * epoll set; closing the old one took it out). Why: on the kernels tested
 * (6.18), once cgroup.kill has been written to a cgroup, every child that
 * clone3 CLONE_INTO_CGROUP puts there later is killed at birth (the
 * kill sequence is taken from the parent's cgroup, not the target's), so a
 * leaf that was ever killed, by us or by a predecessor, cannot take a new
 * run. Limits written to the old leaf are gone: write them after this.
 * -EBUSY: it still holds processes (then nothing changed). */
int lx_cgroup_renew_service(struct lx_cgroup *cg);

/* The same kernel's other face: the kill sequence is the spawner's, so a
 * spawner whose own cgroup has ever seen cgroup.kill (a service manager
 * that killed the cgroup it later restarts supervise or svscan in) gets
 * every CLONE_INTO_CGROUP child killed at birth, whatever the target.
 * Nothing tells a cgroup's kill sequence; this tells its effect. The
 * kernel queues that SIGKILL inside clone3, before clone3 returns, so
 * right after the clone the child either has SIGKILL pending, is exiting,
 * or has died of it; a child that runs normally shows none of these (an
 * outsider's kill -9 in the same microseconds would look the same).
 * pid and pidfd are the new child's; it is left unreaped. Returns 1 (born
 * killed), 0, or -errno (/proc unreadable: then treat as 0). */
int lx_cgroup_born_killed(pid_t pid, int pidfd);

/* Re-reads service/cgroup.events: 1 populated, 0 empty. Reading is also
 * what re-arms EPOLLPRI on events_fd (kernfs reports a change until the
 * file is read again), so call it after every EPOLLPRI. */
int lx_cgroup_populated(const struct lx_cgroup *cg);

/* Reads service/cgroup.procs: returns the number of processes and stores
 * up to max of their pids (pids may be NULL with max 0 to just count). */
int lx_cgroup_procs(const struct lx_cgroup *cg, pid_t *pids, size_t max);
/* 1 if pid is in service/, 0 if not. */
int lx_cgroup_has_pid(const struct lx_cgroup *cg, pid_t pid);
/* Adoption by a new supervise: opens a pidfd on pid and only then checks
 * that pid is in service/, so a recycled pid can never be adopted. Returns
 * the pidfd, or -ESRCH (gone, or not a member of the service). */
int lx_cgroup_adopt(const struct lx_cgroup *cg, pid_t pid);

/* Sends sig to every process in service/ (the SIGTERM to strays). Each
 * pid gets a pidfd first and is signalled only if still a member, so a
 * recycled pid is never hit. Returns the number signalled. */
int lx_cgroup_signal(const struct lx_cgroup *cg, int sig);
/* SIGKILL to everything in service/ in one write to cgroup.kill (5.14).
 * Where the kernel lacks cgroup.kill, falls back to lx_cgroup_kill_slow().
 * Emptiness is then reported by cgroup.events (EPOLLPRI). */
int lx_cgroup_kill(const struct lx_cgroup *cg);
/* The fallback, public for tests: freezes service/ where cgroup.freeze
 * exists (so nothing forks behind our back), SIGKILLs every pid it lists,
 * thaws, and repeats until cgroup.procs is empty (bounded: about 1 s,
 * then -EAGAIN). */
int lx_cgroup_kill_slow(const struct lx_cgroup *cg);

/* Enables controller ctrl ("memory") for the children of the cgroup dirfd
 * (writes "+ctrl" to its cgroup.subtree_control unless it is already
 * there). -ENOENT: the controller is not available in that cgroup (not in
 * its cgroup.controllers: e.g. bound to cgroup v1); -EBUSY: the cgroup holds
 * processes and is not the root (no-internal-process rule). */
int lx_cgroup_enable(int dirfd, const char *ctrl);
/* Writes one limit (file "memory.max", value as cglimit_parse() made it)
 * into service/, enabling its controller in ROOT and in dtng-D-I first.
 * -ENOENT: the controller is not available here (say so: "controller
 * memory is not enabled in cgroup v2 here"); -EINVAL, -ERANGE: the kernel
 * refused the value; -EBUSY: see lx_cgroup_enable. */
int lx_cgroup_set_limit(const struct lx_cgroup *cg, const char *file, const char *value);

/* Puts one limit back to value (cglimit_default()) when the service-dir
 * file is gone, without enabling anything: 0 if service/ has no such file
 * (the controller is off, nothing to reset). */
int lx_cgroup_reset_limit(const struct lx_cgroup *cg, const char *file, const char *value);

/* Removes the dtng-D-I trees under ROOT that nothing owns: empty (no
 * process in any leaf) and not locked by a live supervise (each holds an
 * exclusive flock on its tree's directory; lx_cgroup_open takes it before
 * making the leaves, and makes the tree again if a sweep removed it in
 * between, so a starting supervise is never raced). Left by a supervise
 * that was SIGKILLed with its service down, or by a crash. Returns the
 * number removed, or -errno if ROOT cannot be read. */
int lx_cgroup_sweep(const char *root);

/* For svscan, which knows a supervise only by its pid: the absolute
 * directory of the dtng-D-I tree whose supervise/ leaf pid sits in (from
 * /proc/PID/cgroup and our mountinfo), into dir. -ENOENT: pid is not in
 * such a leaf (not yet moved there, a 0.76 supervise, no cgroup v2). */
int lx_cgroup_tree_of(pid_t pid, char *dir, size_t size);
/* SIGKILL to everything in that tree, supervise included (cgroup.kill). */
int lx_cgroup_kill_tree(const char *dir);
/* Removes service/, supervise/ and the tree itself; -EBUSY while a leaf
 * still holds processes (a killed process leaves its cgroup a moment
 * after the kill). */
int lx_cgroup_remove_tree(const char *dir);

/* When the service is down and supervise exits: moves the caller back to
 * ROOT (or, when ROOT has controllers enabled and so takes no process,
 * into svscan's ROOT/dtng-svscan), removes service/, supervise/ and
 * dtng-D-I, and closes the fds.
 * -EBUSY if a leaf still holds processes (then nothing more is removed;
 * the fds are closed anyway). */
int lx_cgroup_remove(struct lx_cgroup *cg);

#endif

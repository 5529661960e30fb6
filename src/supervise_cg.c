/* SPDX-License-Identifier: ISC */
/* supervise: the service's cgroup (DESIGN.md section 4, "cgroups").
 * Containment (what is left after the main process goes is TERMed, then
 * killed after stray-grace, before finish and before the next start),
 * the limit files, and the fallback to a process group per service where
 * cgroup v2 cannot be used. (Adopting what a killed predecessor left
 * running is supervise_adopt.c's.) The actions return what happened
 * (1: the service's processes are all gone) for the loop to feed to the
 * state machine; nothing here feeds it. Calls only supervise_base.c of
 * supervise's files. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dt/cglimit.h>
#include <dt/die.h>
#include <dt/fdio.h>

#include "supervise.h"

/* The reason, for the fallback warning, that lx_cgroup_open failed with
 * err (a -errno of its mkdir): read-only, not delegated, or other. The
 * words live here, with the policy; linux/ only reports the errno. */
/* The words for lx_cgroup_probe's failed step (linux/ has none). */
static const char *probe_why(enum lx_cgroup_step step, int err)
{
	switch (step) {
	case LX_CG_OVERRIDE:
		return err == -EINVAL ? "SUPERVISE_CGROUP is not an absolute path"
				      : "SUPERVISE_CGROUP is too long";
	case LX_CG_READ_SELF:
		return "cannot read /proc/self/cgroup";
	case LX_CG_SELF:
		return err == -ENOENT ? "this process is in no cgroup v2 hierarchy (no 0:: line in /proc/self/cgroup)"
		       : err == -ESTALE ? "the cgroup this process is in has been removed"
					: "cannot parse /proc/self/cgroup";
	case LX_CG_READ_MOUNTINFO:
		return "cannot read /proc/self/mountinfo";
	case LX_CG_MOUNT:
		return err == -ENODEV ? "cgroup v2 is not mounted"
		       : err == -ENOENT ? "no cgroup v2 mount shows the cgroup this process is in"
					: "cgroup v2 path too long";
	case LX_CG_DIR:
		return err == -ENOENT ? "the directory does not exist"
		       : err == -ENOTDIR ? "not a directory"
		       : err == -EMEDIUMTYPE ? "not a cgroup v2 directory"
		       : err == -EROFS ? "cgroup v2 is mounted read-only there"
				       : "cannot stat the directory";
	case LX_CG_DELEGATION:
		break;
	}
	return "not delegated: cgroup.procs is not writable";
}

static const char *open_why(int err)
{
	return err == -EROFS ? "cgroup v2 is read-only there"
	       : err == -EACCES || err == -EPERM ? "not delegated: no permission to create a cgroup"
						 : "unable to create the service's cgroup";
}

static void fallback(struct sv *sv, const char *root, const char *why, int err)
{
	/* The one warning: everything else works, strays are then caught only
	 * while they stay in the service's process group. */
	if (err)
		dt_warn("%s: cgroup v2 unusable (%s): %s: %s: one process group per service",
			sv->dir, root[0] ? root : "no cgroup v2 root", why, dt_strerror(err));
	else
		dt_warn("%s: %s: one process group per service, no cgroup", sv->dir, why);
}

/* The probe writes ROOT into cg.path, and lx_cgroup_open() appends the
 * service's name there: no other buffer for a path (a 4 KiB array on the
 * stack or a first malloc would stay resident in each of 1,000 supervise
 * processes). */
static void setup(struct sv *sv)
{
	char *root = sv->cg.path;
	const char *why, *override;
	enum lx_cgroup_step step;
	struct stat st;
	int r;

	root[0] = '\0';
	if (stat("no-cgroup", &st) == 0) {
		fallback(sv, root, "no-cgroup exists", 0);
		return;
	}
	override = getenv("SUPERVISE_CGROUP");
	if (override && !*override)
		override = NULL; /* set but empty: as if unset */
	r = lx_cgroup_probe(override, root, sizeof sv->cg.path, &step);
	if (r < 0) {
		fallback(sv, root, probe_why(step, r), -r);
		return;
	}
	r = lx_cgroup_open(&sv->cg, root, sv->dev, sv->ino);
	why = open_why(r);
	if (r == 0) {
		why = "unable to watch cgroup.events";
		r = lx_evloop_add(&sv->loop, sv->cg.events_fd, EPOLLPRI, TAG_CGROUP);
	}
	if (r < 0) {
		fallback(sv, root, why, -r);
		lx_cgroup_close(&sv->cg);
		return;
	}
	sv->has_cg = 1;
	/* A service/ left by a predecessor may have seen a cgroup.kill (see
	 * sv_cg_fresh) and may hold its limits; one made now holds neither,
	 * and renewing it would cost a cgroup destruction and creation. */
	sv->cg_stale = !sv->cg.svc_fresh;
	sv->cg_limits = sv->cg.svc_fresh ? 0 : ~0u;
	/* Moving a process between cgroups waits for an RCU grace period
	 * (about 10 ms here): done once the loop is idle, after the first
	 * start, so it never delays ./run. The service's own processes are
	 * born in service/ by CLONE_INTO_CGROUP and need no move. */
	sv->cg_enter = 1;
}

int sv_cg_enter_self(struct sv *sv)
{
	int r;

	sv->cg_enter = 0;
	r = lx_cgroup_enter_supervise(&sv->cg, 0);
	if (r < 0)
		dt_warn_errno(-r, "%s: unable to move supervise into %s/supervise", sv->dir,
			      sv->cg.path);
	return r;
}

void sv_cg_setup(struct sv *sv)
{
	/* Contained either way: a cgroup, or the process group. */
	sv->m.cgroup = 1;
	setup(sv);
}

int sv_cg_strays_term(struct sv *sv)
{
	if (sv->has_cg) {
		if (lx_cgroup_populated(&sv->cg) == 0)
			return 1;
		/* CONT as after svc -d: a stopped stray must see the TERM.
		 * The end comes as EPOLLPRI on cgroup.events. */
		lx_cgroup_signal(&sv->cg, SIGTERM);
		lx_cgroup_signal(&sv->cg, SIGCONT);
		return 0;
	}
	/* The main process has been reaped, but while its group has members
	 * the kernel does not give its pid (the group's id) to anyone else. */
	if (sv->pgid > 0 && kill(-sv->pgid, SIGTERM) == 0) {
		kill(-sv->pgid, SIGCONT);
		return 0;
	}
	return 1;
}

int sv_cg_strays_kill(struct sv *sv, uint32_t kills)
{
	int r;

	if (kills > 1)
		dt_warn("%s: %lld processes survive the kill in %s (stuck in the kernel?): "
			"not starting a second copy", sv->dir, (long long)sv_cg_procs(sv),
			sv->has_cg ? sv->cg.path : "the process group");
	if (sv->has_cg) {
		sv->cg_stale = 1;
		r = lx_cgroup_kill(&sv->cg);
		if (r < 0)
			dt_warn_errno(-r, "unable to kill what is left in %s/service", sv->cg.path);
		return 0;
	}
	/* No event tells when a process group is empty; SIGKILL cannot be
	 * refused, so the group is taken as gone. */
	if (sv->pgid > 0)
		kill(-sv->pgid, SIGKILL);
	return 1;
}

int sv_cg_on_events(struct sv *sv)
{
	/* The read also re-arms EPOLLPRI; the machine ignores the event
	 * unless it is clearing strays. */
	return lx_cgroup_populated(&sv->cg) == 0;
}

void sv_cg_fresh(struct sv *sv)
{
	int r;

	sv->enter_once = 0;
	if (!sv->has_cg || !sv->cg_stale)
		return;
	/* After cgroup.kill the kernel kills every CLONE_INTO_CGROUP child of
	 * that leaf at birth (lx_cgroup_renew_service): a new, empty leaf. */
	r = lx_cgroup_renew_service(&sv->cg);
	if (r == 0) {
		sv->cg_stale = 0;
		sv->cg_limits = 0;
		r = lx_evloop_add(&sv->loop, sv->cg.events_fd, EPOLLPRI, TAG_CGROUP);
		if (r < 0)
			dt_warn_errno(-r, "unable to watch %s/service/cgroup.events", sv->cg.path);
		return;
	}
	/* Not empty (a finish's leftovers are cleared only after it): the
	 * child moves itself in instead, which the kill does not affect. */
	sv->enter_once = 1;
}

static int refuse(struct sv *sv, const char *name, const char *why, int err)
{
	if (err)
		dt_warn_errno(err, "unable to start %s: %s: %s", sv->dir, name, why);
	else
		dt_warn("unable to start %s: %s: %s", sv->dir, name, why);
	return -1;
}

static int one_limit(struct sv *sv, enum cglimit_kind k)
{
	/* One byte more than any value may have, to tell "too long". */
	char text[129], val[CGLIMIT_VALUE_MAX];
	const char *name = cglimit_name(k), *why = "bad value";
	int n, r;

	n = fd_read_path(name, text, sizeof text);
	if (n == -ENOENT) {
		/* A limit whose file is gone must not linger from last time. */
		if (sv->has_cg && (sv->cg_limits & (1u << k)) &&
		    lx_cgroup_reset_limit(&sv->cg, name, cglimit_default(k)) == 0)
			sv->cg_limits &= ~(1u << k);
		return 0;
	}
	if (n < 0)
		return refuse(sv, name, "unable to read", -n);
	if ((size_t)n == sizeof text)
		return refuse(sv, name, "too long", 0);
	if (cglimit_parse(k, text, (size_t)n, val, sizeof val, &why) < 0)
		return refuse(sv, name, why, 0);
	/* Limits never fail open: no cgroup, no start. */
	if (!sv->has_cg)
		return refuse(sv, name, "the service has no cgroup (see the warning above)", 0);
	sv->cg_limits |= 1u << k;
	r = lx_cgroup_set_limit(&sv->cg, name, val);
	if (r == -ENOENT) {
		dt_warn("unable to start %s: %s: controller %s is not available in cgroup v2 here",
			sv->dir, name, cglimit_controller(k));
		return -1;
	}
	if (r == -EBUSY)
		return refuse(sv, name, "the controller cannot be enabled: the cgroup root holds "
			      "processes (cgroup v2's no-internal-process rule)", 0);
	if (r < 0)
		return refuse(sv, name, "unable to write", -r);
	return 0;
}

int sv_cg_limits(struct sv *sv)
{
	int k;

	for (k = 0; k < CGL_COUNT; k++)
		if (one_limit(sv, (enum cglimit_kind)k) < 0)
			return -1;
	return 0;
}

int64_t sv_cg_procs(struct sv *sv)
{
	int n;

	if (!sv->has_cg)
		return -1;
	n = lx_cgroup_procs(&sv->cg, NULL, 0);
	return n < 0 ? -1 : n;
}

void sv_cg_exit(struct sv *sv)
{
	int r;

	if (!sv->has_cg)
		return;
	r = lx_cgroup_remove(&sv->cg);
	if (r == -EBUSY)
		dt_warn("unable to remove %s: it still holds processes", sv->cg.path);
	else if (r < 0)
		dt_warn_errno(-r, "unable to remove %s", sv->cg.path);
	sv->has_cg = 0;
}

/* SPDX-License-Identifier: ISC */
/* supervise's side of svscan's dependency gate (DESIGN.md section 6:
 * svscan decides, supervise enforces). svscan puts SUPERVISE_GATE=1 in the
 * environment of every supervise it starts, writes supervise/gate (the
 * names this service still waits for, one per line; empty or absent: open)
 * with gate.new + rename, then writes the byte 'G' to supervise/control.
 * The poke is the event: no inotify, no timer. The file is read after the
 * control fifo is open, so a rewrite is either seen by the first read or
 * followed by a 'G' still to come. supervise never writes the file. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <dt/die.h>
#include <dt/fdio.h>
#include <dt/svgate.h>

#include "supervise.h"

/* The file's bytes: one more than the bound, so that a longer file is
 * known to be longer (svgate_clip). Static rather than in struct sv,
 * so that a supervise without the gate never touches its pages. */
static char names[SVGATE_MAX + 1];

void sv_gate_setup(struct sv *sv)
{
	const char *v = getenv("SUPERVISE_GATE");

	sv->gate_names = "";
	sv->gate_len = 0;
	/* Only svscan's exact word turns it on (a supervise by hand, or under
	 * a 0.76 svscan, ignores a gate file), and run, finish and whatever
	 * they start must not inherit it. */
	if (!v || strcmp(v, "1") != 0)
		return;
	sv->gated = 1;
	unsetenv("SUPERVISE_GATE");
}

int sv_gate_read(struct sv *sv)
{
	int n;

	n = fd_read_path("supervise/gate", names, sizeof names);
	if (n == -ENOENT) {
		n = 0;
	} else if (n < 0) {
		/* Neither open nor closed is known: keep what was last read,
		 * and say so; the next 'G' reads it again. */
		dt_warn_errno(-n, "unable to read %s/supervise/gate, keeping the gate as it was",
			      sv->dir);
		return -1;
	}
	/* Longer than the bound: still closed, its last name cut (the state
	 * file shows it as ",..."). */
	sv->gate_len = svgate_clip(names, (size_t)n);
	sv->gate_names = names;
	return svgate_closed(names, sv->gate_len);
}

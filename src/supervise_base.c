/* SPDX-License-Identifier: ISC */
/* supervise: the bottom of its file tree. What every other supervise file
 * may call (an event stamped now); it calls none
 * of them (tests/arch/supervise-calls.sh keeps it so). */
#include "config.h"

#include <string.h>

#include "supervise.h"

void sv_event_now(struct svfsm_event *ev, enum svfsm_event_type type)
{
	memset(ev, 0, sizeof *ev);
	ev->type = type;
	ev->mono_ns = lx_now_mono_ns();
	ev->real_ns = lx_now_real_ns();
}

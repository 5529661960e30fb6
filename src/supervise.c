/* SPDX-License-Identifier: ISC */
/* supervise DIR: the program. Its body is in supervise_core.c, which svscan
 * links too: svscan runs it in a fork of itself when the supervise it
 * would exec is the one installed beside it (see svscan_fork.c). */
#include "config.h"

#include "supervise_main.h"

int main(int argc, char **argv)
{
	supervise_main(argc, argv);
}

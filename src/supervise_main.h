/* SPDX-License-Identifier: ISC */
#ifndef SRC_SUPERVISE_MAIN_H
#define SRC_SUPERVISE_MAIN_H

/* supervise's one entry point, for supervise.c's main() and for svscan,
 * which runs it in a fresh fork of itself instead of exec'ing an identical
 * supervise (svscan_fork.c). supervise's state and files stay private to
 * it (supervise.h). */

/* The whole program: supervise's argv; never returns. */
__attribute__((noreturn)) void supervise_main(int argc, char **argv);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef SRC_SVSTAT_H
#define SRC_SVSTAT_H

/* svstat_prom.c: svstat -p DIR... (n DIRs): the metrics of every DIR on
 * stdout, messages on stderr. Dies (111) only when out of memory. */
void svstat_prom(int n, char **dirs);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef DT_EXITCODE_H
#define DT_EXITCODE_H

/* daemontools' exit-code contract: 100 for what will never work (usage,
 * permanent failure), 111 for what may work on a retry. Per-program quirks
 * are spelled out at the call site with a "compat:" comment. */
#define DT_EX_OK 0
#define DT_EX_USAGE 100
#define DT_EX_TEMP 111

#endif

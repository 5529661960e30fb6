/* SPDX-License-Identifier: ISC */
#ifndef LX_COMPAT_H
#define LX_COMPAT_H

/* Kernel constants and syscall numbers that older headers lack. Everything
 * the kernel may still refuse at run time is probed where it is used. */

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#if !HAVE_DECL_P_PIDFD
#define P_PIDFD 3
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#if !HAVE_DECL_SYS_CLONE3
#define SYS_clone3 435
#endif
#if !HAVE_DECL_SYS_PIDFD_OPEN
#define SYS_pidfd_open 434
#endif
#if !HAVE_DECL_SYS_PIDFD_SEND_SIGNAL
#define SYS_pidfd_send_signal 424
#endif
#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_LOWER 3
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK 04000
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#endif

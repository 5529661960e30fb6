/* SPDX-License-Identifier: ISC */
#ifndef DT_PATHEXEC_H
#define DT_PATHEXEC_H

/* Runs a program the way daemontools 0.76 does (djb's pathexec_run), which
 * differs from execvp(3): a file that is not executable code is an error
 * ("exec format error"), never handed to /bin/sh; the search uses the PATH
 * given by the caller (envdir searches its own starting PATH, not the one a
 * directory may set); without PATH it is "/bin:/usr/bin"; an empty element
 * means "."; and when every attempt fails the error reported is the last one
 * other than ENOENT (so "access denied" beats "file does not exist").
 * Returns only on failure, with -errno. */

int pathexec_run(const char *file, char *const argv[], char *const envp[], const char *path);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef DT_FDIO_H
#define DT_FDIO_H

/* The only place that retries on EINTR and finishes short writes.
 * Return >= 0 on success, -errno on failure; errno is preserved on success. */

#include <stddef.h>
#include <sys/types.h>

/* One read(2), retried on EINTR. Returns bytes read (0 at end of file). */
ssize_t fd_read(int fd, void *buf, size_t len);
/* Writes all of buf, retrying EINTR and short writes. Returns 0 or -errno
 * (-EAGAIN on a non-blocking fd that filled up; the caller's retry policy). */
int fd_write_all(int fd, const void *buf, size_t len);
/* Reads until len bytes or end of file. Returns bytes read. */
ssize_t fd_read_full(int fd, void *buf, size_t len);
/* A small file read whole (non-blocking open: a fifo put in its place
 * cannot hang the caller): its length, at most size, or -errno. */
int fd_read_path(const char *path, void *buf, size_t size);
/* close(2) that keeps errno. */
void fd_close(int fd);
/* Writes data to DIR/NAME.new, optionally fsyncs, renames over DIR/NAME.
 * dirfd may be AT_FDCWD. mode is the file's mode. Returns 0 or -errno. */
int fd_replace_file(int dirfd, const char *name, const void *data, size_t len,
		    unsigned mode, int do_fsync);

#endif

/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <lx/uring_log.h>

/* Every test runs on both paths: io_uring, and the plain-syscall fallback. */
ParameterizedTestParameters(ulog, queue) { static unsigned f[] = { 0, LX_ULOG_PLAIN }; return cr_make_param_array(unsigned, f, 2); }

static char tmpl[64];

static int tmpdir(void)
{
	strcpy(tmpl, "/tmp/dtng-ulog.XXXXXX");
	cr_assert_not_null(mkdtemp(tmpl));
	return open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void rmtree(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpl);
	cr_assert_eq(system(cmd), 0);
}

static int open_ring_depth(struct lx_ulog *u, unsigned depth, unsigned flags)
{
	cr_assert_eq(lx_ulog_open(u, depth, flags), 0);
	if (!flags && !lx_ulog_uses_ring(u))
		return 0;
	cr_assert_eq(lx_ulog_uses_ring(u), !flags);
	return 1;
}

static int open_ring(struct lx_ulog *u, unsigned flags)
{
	return open_ring_depth(u, 8, flags);
}

static int reap_all(struct lx_ulog *u, struct lx_ulog_cqe *c, int want)
{
	int got = 0;

	while (got < want) {
		int n = lx_ulog_reap(u, c + got, (unsigned)(want - got), 1);

		cr_assert_gt(n, 0);
		got += n;
	}
	return got;
}

ParameterizedTest(unsigned *flags, ulog, queue)
{
	struct lx_ulog u;
	struct lx_ulog_cqe c[4];
	struct stat st;
	int dfd = tmpdir(), fd, i;

	if (!open_ring(&u, *flags))
		cr_skip_test("io_uring unavailable here");
	fd = openat(dfd, "f", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(lx_ulog_queue_write(&u, fd, "hello ", 6, 0, LX_ULOG_F_LINK, 1), 0);
	cr_assert_eq(lx_ulog_queue_fsync(&u, fd, 0, 2), 0);
	cr_assert_eq(lx_ulog_queue_write(&u, dfd, "x", 1, 0, LX_ULOG_F_LINK, 3), 0);
	cr_assert_eq(lx_ulog_queue_fsync(&u, fd, 0, 4), 0);
	cr_assert_eq(lx_ulog_submit(&u), 4);
	reap_all(&u, c, 4);
	for (i = 0; i < 4; i++) {
		if (c[i].tag == 1)
			cr_assert_eq(c[i].res, 6);
		if (c[i].tag == 2)
			cr_assert_eq(c[i].res, 0);
		if (c[i].tag == 3)
			cr_assert_lt(c[i].res, 0);
		/* a failed link cancels the rest of its chain */
		if (c[i].tag == 4)
			cr_assert_eq(c[i].res, -ECANCELED);
	}
	cr_assert_eq(lx_ulog_inflight(&u), 0);
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert_eq(st.st_size, 6);
	close(fd);
	lx_ulog_close(&u);
	rmtree();
}

ParameterizedTestParameters(ulog, openat_chain) { static unsigned f[] = { 0, LX_ULOG_PLAIN }; return cr_make_param_array(unsigned, f, 2); }

ParameterizedTest(unsigned *flags, ulog, openat_chain)
{
	struct lx_ulog u;
	struct lx_ulog_cqe c[2];
	int dfd = tmpdir(), i, r;

	if (!open_ring(&u, *flags))
		cr_skip_test("io_uring unavailable here");
	r = lx_ulog_queue_openat(&u, dfd, "g", O_WRONLY | O_CREAT, 0644, LX_ULOG_F_LINK, 7);
	if (r == -EOPNOTSUPP)
		cr_skip_test("no IORING_OP_OPENAT");
	cr_assert_eq(r, 0);
	cr_assert_eq(lx_ulog_queue_fsync(&u, dfd, 0, 8), 0);
	cr_assert_eq(lx_ulog_submit(&u), 2);
	reap_all(&u, c, 2);
	for (i = 0; i < 2; i++) {
		if (c[i].tag == 7) {
			cr_assert_geq(c[i].res, 0);
			cr_assert(fcntl(c[i].res, F_GETFD) & FD_CLOEXEC);
			close(c[i].res);
		} else {
			cr_assert_eq(c[i].res, 0);
		}
	}
	cr_assert_eq(faccessat(dfd, "g", F_OK, 0), 0);
	lx_ulog_close(&u);
	rmtree();
}

ParameterizedTestParameters(ulog, queue_full_is_ebusy) { static unsigned f[] = { 0, LX_ULOG_PLAIN }; return cr_make_param_array(unsigned, f, 2); }

/* Both paths refuse the same: depth queued, or 2 * depth outstanding
 * (what guarantees room for every completion); reaping makes room. */
ParameterizedTest(unsigned *flags, ulog, queue_full_is_ebusy)
{
	struct lx_ulog u;
	struct lx_ulog_cqe c[8];
	int dfd = tmpdir(), i, r = 0;

	if (!open_ring_depth(&u, 4, *flags))
		cr_skip_test("io_uring unavailable here");
	for (i = 0; i < 5 && r == 0; i++)
		r = lx_ulog_queue_fsync(&u, dfd, 0, (uint64_t)i);
	cr_assert_eq(r, -EBUSY);
	cr_assert_eq(i, 5);
	cr_assert_eq(lx_ulog_submit(&u), 4);
	for (i = 0, r = 0; i < 5 && r == 0; i++)
		r = lx_ulog_queue_fsync(&u, dfd, 0, (uint64_t)(10 + i));
	cr_assert_eq(r, -EBUSY);
	cr_assert_eq(i, 5);
	cr_assert_eq(lx_ulog_submit(&u), 4);
	cr_assert_eq(lx_ulog_inflight(&u), 8);
	/* nothing queued, but 2 * depth outstanding */
	cr_assert_eq(lx_ulog_queue_fsync(&u, dfd, 0, 19), -EBUSY);
	reap_all(&u, c, 1);
	cr_assert_eq(c[0].res, 0);
	cr_assert_eq(lx_ulog_queue_fsync(&u, dfd, 0, 20), 0);
	cr_assert_eq(lx_ulog_submit(&u), 1);
	reap_all(&u, c, 8);
	for (i = 0; i < 8; i++)
		cr_assert_eq(c[i].res, 0);
	cr_assert_eq(lx_ulog_inflight(&u), 0);
	lx_ulog_close(&u);
	rmtree();
}

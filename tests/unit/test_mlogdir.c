/* SPDX-License-Identifier: ISC */
/* multilog's log directories (src/multilog_*.c) on both paths of the
 * writer below them: io_uring, and the plain-syscall fallback. */
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

#include "../../src/multilog.h"

static char tmpl[64];

static int tmpdir(void)
{
	strcpy(tmpl, "/tmp/dtng-mlogdir.XXXXXX");
	cr_assert_not_null(mkdtemp(tmpl));
	return open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void rmtree(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpl);
	cr_assert_eq(system(cmd), 0);
}

static int pauses;

static void on_pause(void *ctx, const struct mlog_dir *d, enum mlog_step step, int err,
		     const char *name)
{
	pauses++;
	cr_assert_fail("step %d paused: %s", (int)step, strerror(err));
}

static int count(int dfd, char code)
{
	char cmd[160];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof cmd, "ls %s/d | grep -c '^@.*\\.%c$'", tmpl, code);
	p = popen(cmd, "r");
	cr_assert_eq(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

static void setup_dir(struct mlog *m, struct mlog_dir *d, char *buf, unsigned flags)
{
	static struct mlog_hooks h = { on_pause, NULL, NULL, NULL, NULL };

	memset(d, 0, sizeof *d);
	d->path = "d";
	d->size = 4096;
	d->num = 3;
	static char spare[65536];

	d->out.p = buf;
	d->out.cap = 65536;
	d->fl.p = spare;
	d->fl.cap = 65536;
	cr_assert_eq(mlog_open(m, d, 1, &h, flags), 0);
}

ParameterizedTestParameters(mlogdir, dir_rotation) { static unsigned f[] = { 0, LX_ULOG_PLAIN }; return cr_make_param_array(unsigned, f, 2); }

ParameterizedTest(unsigned *flags, mlogdir, dir_rotation)
{
	static char buf[65536];
	struct mlog m;
	struct mlog_dir d;
	enum mlog_step fail;
	struct stat st;
	int dfd = tmpdir(), i;

	setup_dir(&m, &d, buf, *flags);
	cr_assert_eq(mlog_dir_open(&m, &d, dfd, &fail), 0);
	/* 10 lines of 1000 bytes: rotations after lines 3, 6 and 9 */
	for (i = 0; i < 10; i++) {
		memset(buf + i * 1000, 'a' + i, 999);
		buf[i * 1000 + 999] = '\n';
	}
	d.out.len = 10000;
	mlog_flush(&m);
	cr_assert_eq(d.out.len, 0);
	cr_assert_eq(d.fl.len, 0);
	cr_assert_eq(d.bytes, 1000);
	cr_assert_eq(count(dfd, 's'), 2); /* n3 keeps 2 */
	cr_assert_eq(fstatat(dfd, "d/current", &st, 0), 0);
	cr_assert_eq(st.st_mode & 0777, 0644);
	mlog_dir_rotate(&m, &d);
	cr_assert_eq(d.bytes, 0);
	mlog_dir_finish(&m, &d);
	cr_assert_eq(fstatat(dfd, "d/current", &st, 0), 0);
	cr_assert_eq(st.st_mode & 0777, 0744);
	cr_assert_eq(pauses, 0);
	mlog_close(&m);
	rmtree();
}

ParameterizedTestParameters(mlogdir, dir_recovery) { static unsigned f[] = { 0, LX_ULOG_PLAIN }; return cr_make_param_array(unsigned, f, 2); }

/* A crash left current 0644 and a previous without its @ name. */
ParameterizedTest(unsigned *flags, mlogdir, dir_recovery)
{
	static char buf[65536];
	struct mlog m;
	struct mlog_dir d;
	enum mlog_step fail;
	struct stat st;
	int dfd = tmpdir(), fd;

	cr_assert_eq(mkdirat(dfd, "d", 0700), 0);
	fd = openat(dfd, "d/current", O_WRONLY | O_CREAT, 0644);
	cr_assert_eq(write(fd, "torn", 4), 4);
	close(fd);
	close(openat(dfd, "d/previous", O_WRONLY | O_CREAT, 0744));
	close(openat(dfd, "d/newstate", O_WRONLY | O_CREAT, 0644));
	setup_dir(&m, &d, buf, *flags);
	cr_assert_eq(mlog_dir_open(&m, &d, dfd, &fail), 0);
	cr_assert_eq(count(dfd, 'u'), 2);
	cr_assert_eq(fstatat(dfd, "d/current", &st, 0), 0);
	cr_assert_eq(st.st_size, 0);
	cr_assert_eq(fstatat(dfd, "d/state", &st, 0), 0);
	cr_assert_neq(fstatat(dfd, "d/newstate", &st, 0), 0);
	cr_assert_neq(fstatat(dfd, "d/previous", &st, 0), 0);
	mlog_dir_finish(&m, &d);
	mlog_close(&m);
	rmtree();
}

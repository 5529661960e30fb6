/* SPDX-License-Identifier: ISC */
/* svstat: one line per DIR saying what its supervise reports. Plain output
 * is 0.76's text exactly; -k prints supervise/state as key=value pairs;
 * -p prints Prometheus metrics (svstat_prom.c). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/fdio.h>
#include <dt/svkv.h>
#include <dt/svstate.h>
#include <dt/svstatfmt.h>
#include <dt/svstatus.h>

#include "svstat.h"

enum look { LOOK_ERR, LOOK_UNSUPERVISED, LOOK_OK };

struct svlook {
	int normally_up;
	int has_status;
	struct svstatus status;
	int has_state;
	char state[SVSTATE_TEXT_MAX];
	size_t state_len;
	char err[256]; /* 0.76's words, for LOOK_ERR */
};

static enum look fail(struct svlook *lk, const char *what, int err)
{
	snprintf(lk->err, sizeof lk->err, "%s%s", what, err ? dt_strerror(err) : "bad format");
	return LOOK_ERR;
}

/* 0.76 reads the status with one read(2); fewer than 18 bytes is "bad format". */
static enum look read_status(struct svlook *lk)
{
	unsigned char buf[SVSTATUS_LEN];
	ssize_t r;
	int fd;

	fd = open("supervise/status", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return fail(lk, "unable to open supervise/status: ", errno);
	r = fd_read(fd, buf, sizeof buf);
	fd_close(fd);
	if (r < 0)
		return fail(lk, "unable to read supervise/status: ", (int)-r);
	if (svstatus_decode(buf, (size_t)r, &lk->status) < 0)
		return fail(lk, "unable to read supervise/status: ", 0);
	lk->has_status = 1;
	return LOOK_OK;
}

/* supervise/state, written by our supervise only; absent is not an error. */
static enum look read_state(struct svlook *lk)
{
	struct svstate st;
	int fd, r;

	fd = open("supervise/state", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return LOOK_OK;
		return fail(lk, "unable to open supervise/state: ", errno);
	}
	r = svstate_read(fd, lk->state, &st);
	fd_close(fd);
	if (r < 0)
		return fail(lk, "unable to read supervise/state: ", r == -EBADMSG ? 0 : (int)-r);
	lk->state_len = (size_t)r;
	lk->has_state = 1;
	/* A state file left by our supervise under a later 0.76 one: its pid
	 * disagrees with the status that the running supervise keeps. */
	if (read_status(lk) == LOOK_OK && lk->status.pid != st.pid)
		lk->has_state = 0;
	return LOOK_OK;
}

/* The steps and messages of 0.76's svstat; kv mode also reads the state
 * file and calls a DIR without supervise/ok simply unsupervised. */
static enum look inspect(const char *dir, int kv, struct svlook *lk)
{
	struct stat st;
	int fd;

	memset(lk, 0, sizeof *lk);
	if (chdir(dir) < 0)
		return fail(lk, "unable to chdir: ", errno);
	lk->normally_up = 0;
	if (stat("down", &st) < 0) {
		if (errno != ENOENT)
			return fail(lk, "unable to stat down: ", errno);
		lk->normally_up = 1;
	}
	fd = open("supervise/ok", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENXIO || (kv && errno == ENOENT))
			return LOOK_UNSUPERVISED;
		return fail(lk, "unable to open supervise/ok: ", errno);
	}
	fd_close(fd);
	if (kv && read_state(lk) == LOOK_ERR)
		return LOOK_ERR;
	if (lk->has_state)
		return LOOK_OK;
	return read_status(lk);
}

static uint64_t now_tai(void)
{
	return TAI64_UNIX_OFFSET + (uint64_t)time(NULL);
}

static void show_076(const char *dir, struct svlook *lk)
{
	char text[256];

	printf("%s: ", dir);
	switch (inspect(dir, 0, lk)) {
	case LOOK_ERR:
		fputs(lk->err, stdout);
		break;
	case LOOK_UNSUPERVISED:
		fputs("supervise not running", stdout);
		break;
	case LOOK_OK:
		if (svstat_fmt_076(&lk->status, lk->normally_up, now_tai(), text, sizeof text) > 0)
			fputs(text, stdout);
		break;
	}
	putchar('\n');
}

static void show_kv(const char *dir, struct svlook *lk)
{
	size_t size = 3 * (strlen(dir) + sizeof lk->state + sizeof lk->err) + 256;
	struct svkv_line line;
	char *buf = malloc(size);

	if (!buf)
		dt_die_errno(DT_EX_TEMP, ENOMEM, "unable to show %s", dir);
	svkv_init(&line, buf, size);
	svkv_add_str(&line, "dir", dir);
	switch (inspect(dir, 1, lk)) {
	case LOOK_ERR:
		svkv_add_str(&line, "state", "error");
		svkv_add_str(&line, "error", lk->err);
		break;
	case LOOK_UNSUPERVISED:
		svkv_add_str(&line, "state", "unsupervised");
		break;
	case LOOK_OK:
		if (lk->has_state)
			svkv_add_state_text(&line, lk->state, lk->state_len);
		else
			svkv_add_status(&line, &lk->status, lk->normally_up);
		break;
	}
	if (svkv_end(&line) > 0)
		fputs(buf, stdout);
	free(buf);
}

int main(int argc, char **argv)
{
	static struct svlook lk;
	int origdir, i = 1, kv = 0;

	dt_progname = "svstat";
	/* compat: 0.76 takes no options; only a first argument of exactly -k
	 * or -p is ours, anything else is a DIR (./-k names a directory "-k").
	 * Not optparse: it would make "-x", "--" or "-kx" options, not DIRs. */
	if (argc > 1 && strcmp(argv[1], "-p") == 0) {
		svstat_prom(argc - 2, argv + 2);
		/* compat: as the plain output, write errors are not noticed */
		fflush(stdout);
		return DT_EX_OK;
	}
	if (argc > 1 && strcmp(argv[1], "-k") == 0) {
		kv = 1;
		i = 2;
	}
	origdir = open(".", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (origdir < 0)
		dt_die_sys(DT_EX_TEMP, "unable to open current directory");
	for (; i < argc; i++) {
		if (kv)
			show_kv(argv[i], &lk);
		else
			show_076(argv[i], &lk);
		if (fchdir(origdir) < 0) {
			fflush(stdout);
			dt_die_sys(DT_EX_TEMP, "unable to set directory");
		}
	}
	/* compat: 0.76 ignores write errors on stdout and exits 0 */
	fflush(stdout);
	return DT_EX_OK;
}

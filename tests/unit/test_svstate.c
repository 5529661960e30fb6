/* SPDX-License-Identifier: ISC */
/* supervise/state: the exact text of a file with every key set, pinned
 * byte for byte (svstate.c is the format's one definition; a change here
 * is a change of an on-disk format that svstat -k users parse), the round
 * trip through svstate_parse, and the one reader (svstate_read.c). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <dt/svstate.h>

static const char golden[] =
	"state=ready\n"
	"pid=4242\n"
	"since=@400000000000000f0001e240\n"
	"ready_since=@40000000000000100000002a\n"
	"want=once\n"
	"paused=1\n"
	"normally=down\n"
	"next_start=@4000000000000011075bcd15\n"
	"failures=3\n"
	"starts=18446744073709551615\n"
	"failed_by=give-up\n"
	"waiting_for=db,cache,b?d\n"
	"last_exit=signal 9\n"
	"procs=2\n"
	"cgroup=/sys/fs/cgroup/dtng-1-2/service\n"
	"supervise_pid=77\n"
	"status=listening on :80?tab?newline?del? 100%\n";

static void every_key(struct svstate *a)
{
	memset(a, 0, sizeof *a);
	a->state = SVS_READY;
	a->pid = 4242;
	a->since.sec = TAI64_UNIX_OFFSET + 5;
	a->since.nano = 123456;
	a->has_ready_since = 1;
	a->ready_since.sec = TAI64_UNIX_OFFSET + 6;
	a->ready_since.nano = 42;
	a->want = 'o';
	a->paused = 1;
	a->normally_up = 0;
	a->has_next_start = 1;
	a->next_start.sec = TAI64_UNIX_OFFSET + 7;
	a->next_start.nano = 123456789;
	a->failures = 3;
	a->starts = UINT64_MAX;
	a->failed_by = SVS_FAILED_GIVE_UP;
	/* The gate file's bytes: empty lines skipped, control bytes as '?'. */
	a->waiting_list = "db\n\ncache\nb\x01" "d\n";
	a->waiting_len = strlen(a->waiting_list);
	a->last_exit = SVS_EXIT_SIGNAL;
	a->last_code = 9;
	a->procs = 2;
	a->supervise_pid = 77;
	a->cgroup_path = "/sys/fs/cgroup/dtng-1-2/service";
	/* What a service may send: control bytes are escaped as '?'. */
	a->status_text = "listening on :80\ttab\nnewline\x7f" "del\x01 100%";
}

Test(svstate, golden_text_every_key)
{
	struct svstate a;
	char buf[SVSTATE_TEXT_MAX];
	int n;

	every_key(&a);
	n = svstate_format(&a, buf, sizeof buf);
	cr_assert_eq(n, (int)strlen(golden));
	cr_assert_str_eq(buf, golden);
}

Test(svstate, golden_text_roundtrip)
{
	struct svstate b;
	char buf[SVSTATE_TEXT_MAX];
	int n;

	cr_assert_eq(svstate_parse(golden, strlen(golden), &b), 0);
	cr_assert_eq(b.state, SVS_READY);
	cr_assert_eq(b.pid, 4242);
	cr_assert_eq(b.since.sec, TAI64_UNIX_OFFSET + 5);
	cr_assert_eq(b.since.nano, 123456);
	cr_assert_eq(b.has_ready_since, 1);
	cr_assert_eq(b.ready_since.sec, TAI64_UNIX_OFFSET + 6);
	cr_assert_eq(b.ready_since.nano, 42);
	cr_assert_eq(b.want, 'o');
	cr_assert_eq(b.paused, 1);
	cr_assert_eq(b.normally_up, 0);
	cr_assert_eq(b.has_next_start, 1);
	cr_assert_eq(b.next_start.nano, 123456789);
	cr_assert_eq(b.failures, 3);
	cr_assert_eq(b.has_starts, 1);
	cr_assert_eq(b.starts, UINT64_MAX);
	cr_assert_eq(b.failed_by, SVS_FAILED_GIVE_UP);
	cr_assert_eq(b.last_exit, SVS_EXIT_SIGNAL);
	cr_assert_eq(b.last_code, 9);
	cr_assert_eq(b.procs, 2);
	cr_assert_eq(b.supervise_pid, 77);
	cr_assert_str_eq(b.cgroup, "/sys/fs/cgroup/dtng-1-2/service");
	cr_assert_str_eq(b.status, "listening on :80?tab?newline?del? 100%");
	cr_assert_str_eq(b.waiting_for, "db,cache,b?d");
	/* The parsed struct formats to the same bytes (cgroup[], status[] and
	 * waiting_for[] read when the pointers are NULL). */
	n = svstate_format(&b, buf, sizeof buf);
	cr_assert_eq(n, (int)strlen(golden));
	cr_assert_str_eq(buf, golden);
}

Test(svstate, no_status_no_line)
{
	struct svstate a, b;
	char buf[SVSTATE_TEXT_MAX];
	int n;

	every_key(&a);
	a.status_text = "";
	n = svstate_format(&a, buf, sizeof buf);
	cr_assert_gt(n, 0);
	cr_assert_null(strstr(buf, "status="));
	cr_assert_str_eq(buf + n - 17, "supervise_pid=77\n");
	cr_assert_eq(svstate_parse(buf, (size_t)n, &b), 0);
	cr_assert_str_eq(b.status, "");
}

/* The largest file the writer can make fits SVSTATE_TEXT_MAX, with every
 * number at its widest; one byte less than its length is -ENOSPC. */
Test(svstate, largest_file_fits)
{
	static struct svstate a, b;
	static char path[SVSTATE_CGROUP_MAX], status[SVSTATE_STATUS_MAX + 50];
	static char gate[SVSTATE_WAITING_MAX];
	char buf[SVSTATE_TEXT_MAX];
	int n;

	every_key(&a);
	a.state = SVS_FINISHING;
	a.pid = a.failures = a.supervise_pid = UINT32_MAX;
	a.last_exit = SVS_EXIT_CODE;
	a.last_code = -255;
	a.procs = INT64_MIN;
	a.want = 'd';
	memset(path, 'c', sizeof path - 1);
	path[0] = '/';
	a.cgroup_path = path;
	memset(status, 's', sizeof status - 1);
	a.status_text = status; /* cut to SVSTATE_STATUS_MAX - 1 bytes */
	/* One name as long as the value may be: the longest value. */
	memset(gate, 'w', SVSTATE_WAITING_MAX - 1);
	gate[SVSTATE_WAITING_MAX - 1] = '\n';
	a.waiting_list = gate;
	a.waiting_len = SVSTATE_WAITING_MAX;
	n = svstate_format(&a, buf, sizeof buf);
	cr_assert_gt(n, 0);
	cr_assert_lt(n, SVSTATE_TEXT_MAX);
	cr_assert_eq(svstate_format(&a, buf, (size_t)n), -ENOSPC);
	cr_assert_eq(svstate_format(&a, buf, (size_t)n + 1), n);
	a.procs = 5;
	n = svstate_format(&a, buf, sizeof buf);
	cr_assert_eq(svstate_parse(buf, (size_t)n, &b), 0);
	cr_assert_str_eq(b.cgroup, path);
	cr_assert_eq(strlen(b.status), SVSTATE_STATUS_MAX - 1);
	cr_assert_eq(memcmp(b.status, status, SVSTATE_STATUS_MAX - 1), 0);
	cr_assert_eq(strlen(b.waiting_for), SVSTATE_WAITING_MAX - 1);
	cr_assert_eq(memcmp(b.waiting_for, gate, SVSTATE_WAITING_MAX - 1), 0);
}

/* waiting_for= alone, from the gate's bytes. */
static const char *waiting_n(const char *list, size_t len)
{
	static struct svstate a, b;
	static char buf[SVSTATE_TEXT_MAX];
	int n;

	every_key(&a);
	a.waiting_list = list;
	a.waiting_len = len;
	n = svstate_format(&a, buf, sizeof buf);
	cr_assert_gt(n, 0);
	cr_assert_eq(svstate_parse(buf, (size_t)n, &b), 0);
	cr_assert_lt(strlen(b.waiting_for), SVSTATE_WAITING_MAX);
	strcpy(buf, b.waiting_for);
	return buf;
}

static const char *waiting(const char *list)
{
	return waiting_n(list, strlen(list));
}

Test(svstate, waiting_for_joins_the_gate_names)
{
	cr_assert_str_eq(waiting(""), "");
	cr_assert_str_eq(waiting("\n\n\n"), ""); /* empty lines only */
	cr_assert_str_eq(waiting("db\n"), "db");
	cr_assert_str_eq(waiting("\ndb\ncache\n\n"), "db,cache");
	/* Opaque bytes, but one line: '=' and spaces stay, controls are '?'. */
	cr_assert_str_eq(waiting("a b=c\n\r\n"), "a b=c,?");
}

/* Bytes after the last newline are a name cut by supervise's bounded
 * read: not shown, and the value says names are missing. */
Test(svstate, waiting_for_an_unterminated_name_is_cut)
{
	cr_assert_str_eq(waiting("db\ncac"), "db,...");
	cr_assert_str_eq(waiting("cac"), "...");
}

/* Past SVSTATE_WAITING_MAX - 1 bytes the value is cut at a name boundary
 * and ends with ",...", in the bound; the last name needs no room for it. */
Test(svstate, waiting_for_is_bounded_at_a_name_boundary)
{
	static char list[4096], want[SVSTATE_WAITING_MAX];
	const char *got;
	size_t i, n = 0;

	/* 300 names "nNNN" (4 bytes each, 5 with the comma): 1499 bytes. */
	for (i = 0; i < 300; i++)
		n += (size_t)sprintf(list + n, "n%03zu\n", i);
	got = waiting_n(list, n);
	cr_assert_leq(strlen(got), SVSTATE_WAITING_MAX - 1, "%zu", strlen(got));
	/* 204 names (1019 bytes) leave room for ",..." (1023); a 205th would not. */
	for (i = 0, n = 0; i < 204; i++)
		n += (size_t)sprintf(want + n, i ? ",n%03zu" : "n%03zu", i);
	strcpy(want + n, ",...");
	cr_assert_str_eq(got, want);

	/* Exactly the bound, with nothing after: whole, no mark. */
	memset(list, 'x', SVSTATE_WAITING_MAX - 1);
	list[SVSTATE_WAITING_MAX - 1] = '\n';
	got = waiting_n(list, SVSTATE_WAITING_MAX);
	cr_assert_eq(strlen(got), SVSTATE_WAITING_MAX - 1);
	/* The same and one more name: the long one no longer fits. */
	memcpy(list + SVSTATE_WAITING_MAX, "db\n", 3);
	cr_assert_str_eq(waiting_n(list, SVSTATE_WAITING_MAX + 3), "...");
}

/* A reader cuts an overlong status (a newer writer) as the writer does. */
Test(svstate, parse_cuts_long_status)
{
	static char text[64 + 2 * SVSTATE_STATUS_MAX];
	static struct svstate b;
	size_t n;

	n = (size_t)sprintf(text, "state=up\nstatus=");
	memset(text + n, 'x', 2 * SVSTATE_STATUS_MAX);
	n += 2 * SVSTATE_STATUS_MAX;
	text[n++] = '\n';
	cr_assert_eq(svstate_parse(text, n, &b), 0);
	cr_assert_eq(strlen(b.status), SVSTATE_STATUS_MAX - 1);
}

/* A file of a supervise from before starts= says nothing about starts
 * (svstat -p then prints no starts_total); a bad value is refused. */
Test(svstate, starts_absent_or_bad)
{
	static const char old[] = "state=up\npid=7\nfailures=0\n";
	static struct svstate b;

	cr_assert_eq(svstate_parse(old, sizeof old - 1, &b), 0);
	cr_assert_eq(b.has_starts, 0);
	cr_assert_eq(b.starts, 0);
	cr_assert_eq(svstate_parse("state=up\nstarts=0\n", 18, &b), 0);
	cr_assert_eq(b.has_starts, 1);
	cr_assert_eq(svstate_parse("state=up\nstarts=-1\n", 19, &b), -EINVAL);
	cr_assert_eq(svstate_parse("state=up\nstarts=\n", 17, &b), -EINVAL);
	cr_assert_eq(svstate_parse("state=up\nstarts=18446744073709551616\n", 37, &b),
		     -EINVAL);
}

/* ---- svstate_read: the file whole, in the writer's own maximum ---- */

/* A file of len bytes: a valid state text padded by a key of a newer
 * supervise, with supervise_pid last. */
static int state_file(size_t len, char *dir, char *text)
{
	static const char head[] = "state=up\npid=9\nfuture=", tail[] = "\nsupervise_pid=12\n";
	size_t h = sizeof head - 1, t = sizeof tail - 1;
	char path[64];
	int fd;

	cr_assert_gt(len, h + t);
	memcpy(text, head, h);
	memset(text + h, 'f', len - h - t);
	memcpy(text + len - t, tail, t);
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/state", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	unlink(path);
	rmdir(dir);
	return fd;
}

Test(svstate_read, file_of_the_maximum_size_read_whole)
{
	static char text[SVSTATE_TEXT_MAX], buf[SVSTATE_TEXT_MAX];
	static struct svstate st;
	char dir[] = "/tmp/test_svstate.XXXXXX";
	int fd = state_file(SVSTATE_TEXT_MAX, dir, text);

	cr_assert_geq(fd, 0);
	cr_assert_eq(svstate_read(fd, buf, &st), SVSTATE_TEXT_MAX);
	cr_assert_eq(memcmp(buf, text, SVSTATE_TEXT_MAX), 0);
	cr_assert_eq(st.pid, 9);
	cr_assert_eq(st.supervise_pid, 12);
	close(fd);
}

Test(svstate_read, one_byte_too_long_is_bad)
{
	static char text[SVSTATE_TEXT_MAX + 1], buf[SVSTATE_TEXT_MAX];
	static struct svstate st;
	char dir[] = "/tmp/test_svstate.XXXXXX";
	int fd = state_file(SVSTATE_TEXT_MAX + 1, dir, text);

	cr_assert_geq(fd, 0);
	cr_assert_eq(svstate_read(fd, buf, &st), -EBADMSG);
	close(fd);
}

/* The largest file a supervise writes (a cgroup path of 4095 bytes and a
 * status of 255) is read whole: an earlier reader of 4096 bytes cut it in
 * the cgroup line and lost supervise_pid and status. */
Test(svstate_read, largest_written_file_read_whole)
{
	static struct svstate a, b;
	static char path[SVSTATE_CGROUP_MAX], status[SVSTATE_STATUS_MAX];
	static char text[SVSTATE_TEXT_MAX], buf[SVSTATE_TEXT_MAX];
	char dir[] = "/tmp/test_svstate.XXXXXX", file[64];
	int n, fd;

	every_key(&a);
	memset(path, 'c', sizeof path - 1);
	path[0] = '/';
	a.cgroup_path = path;
	memset(status, 's', sizeof status - 1);
	a.status_text = status;
	n = svstate_format(&a, text, sizeof text);
	cr_assert_gt(n, 4096);
	cr_assert_not_null(mkdtemp(dir));
	snprintf(file, sizeof file, "%s/state", dir);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	cr_assert_eq(write(fd, text, (size_t)n), n);
	close(fd);
	cr_assert_eq(svstate_read_at(AT_FDCWD, file, buf, &b), n);
	cr_assert_eq(memcmp(buf, text, (size_t)n), 0);
	cr_assert_eq(b.supervise_pid, 77);
	cr_assert_str_eq(b.cgroup, path);
	cr_assert_str_eq(b.status, status);
	unlink(file);
	cr_assert_eq(svstate_read_at(AT_FDCWD, file, buf, &b), -ENOENT);
	rmdir(dir);
}

Test(svstate_read, garbage_and_empty_are_bad)
{
	static char buf[SVSTATE_TEXT_MAX];
	static struct svstate st;
	int p[2];

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], "pid=1\n", 6), 6);
	close(p[1]);
	cr_assert_eq(svstate_read(p[0], buf, &st), -EBADMSG);
	close(p[0]);
	cr_assert_eq(pipe(p), 0);
	close(p[1]);
	cr_assert_eq(svstate_read(p[0], buf, &st), -EBADMSG);
	close(p[0]);
	cr_assert_eq(svstate_read(-1, buf, &st), -EBADF);
}

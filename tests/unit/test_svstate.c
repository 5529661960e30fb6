/* supervise/state: the exact text of a file with every key set, pinned
 * byte for byte (svstate.c is the format's one definition; a change here
 * is a change of an on-disk format that svstat -k users parse), and the
 * round trip through svstate_parse. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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
	cr_assert_eq(b.last_exit, SVS_EXIT_SIGNAL);
	cr_assert_eq(b.last_code, 9);
	cr_assert_eq(b.procs, 2);
	cr_assert_eq(b.supervise_pid, 77);
	cr_assert_str_eq(b.cgroup, "/sys/fs/cgroup/dtng-1-2/service");
	cr_assert_str_eq(b.status, "listening on :80?tab?newline?del? 100%");
	/* The parsed struct formats to the same bytes (cgroup[] and status[]
	 * read when the pointers are NULL). */
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

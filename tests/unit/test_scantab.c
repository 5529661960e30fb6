/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/inotify.h>

#include <criterion/criterion.h>

#include <dt/scantab.h>

#define S SCANTAB_SEC

Test(scantab, add_find_by_dev_ino)
{
	struct scantab t;

	scantab_init(&t, 10);
	cr_assert_eq(scantab_add(&t, 1, 100, "a"), 0);
	cr_assert_eq(scantab_add(&t, 1, 101, "b"), 1);
	cr_assert_eq(scantab_add(&t, 2, 100, "c"), 2);
	cr_assert_eq(scantab_find(&t, 1, 101), 1);
	cr_assert_eq(scantab_find(&t, 2, 100), 2);
	cr_assert_eq(scantab_find(&t, 2, 101), -1);
	cr_assert_eq(t.v[0].pipe_rd, -1);
	cr_assert_eq(t.v[0].pipe_wr, -1);
	cr_assert(t.v[0].active);
	scantab_free(&t);
}

Test(scantab, latest_name_wins)
{
	struct scantab t;

	scantab_init(&t, 10);
	scantab_add(&t, 1, 5, "old");
	scantab_begin(&t);
	cr_assert_not(t.v[0].active);
	cr_assert_eq(scantab_touch(&t, 0, "new name\n"), 0);
	cr_assert_str_eq(t.v[0].name, "new name\n");
	cr_assert(t.v[0].active);
	scantab_free(&t);
}

Test(scantab, max_is_enforced_and_grows_past_initial_capacity)
{
	struct scantab t;
	long i;

	scantab_init(&t, 1000);
	for (i = 0; i < 1000; i++)
		cr_assert_eq(scantab_add(&t, 1, (ino_t)i, "x"), i);
	cr_assert_eq(scantab_add(&t, 1, 5000, "y"), -ENOSPC);
	cr_assert_eq(t.n, 1000);
	cr_assert_eq(scantab_find(&t, 1, 999), 999);
	scantab_free(&t);
}

Test(scantab, name_too_long)
{
	struct scantab t;
	char name[SCANTAB_NAME_MAX + 2];

	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = 0;
	scantab_init(&t, 10);
	cr_assert_eq(scantab_add(&t, 1, 1, name), -ENAMETOOLONG);
	name[SCANTAB_NAME_MAX] = 0;
	cr_assert_eq(scantab_add(&t, 1, 1, name), 0);
	scantab_free(&t);
}

Test(scantab, stale_only_when_unseen_and_nothing_runs)
{
	struct scantab t;

	scantab_init(&t, 10);
	scantab_add(&t, 1, 1, "a");
	cr_assert_not(scantab_stale(&t.v[0]));
	scantab_started(&t.v[0], SCANTAB_MAIN, 42, 0);
	scantab_begin(&t);
	/* 0.76: a removed service is left running. */
	cr_assert_not(scantab_stale(&t.v[0]));
	scantab_exited(&t.v[0], SCANTAB_MAIN, 10 * S);
	cr_assert(scantab_stale(&t.v[0]));
	t.v[0].p[SCANTAB_LOG].pid = 43;
	cr_assert_not(scantab_stale(&t.v[0]));
	scantab_free(&t);
}

Test(scantab, drop_moves_last_into_place)
{
	struct scantab t;

	scantab_init(&t, 10);
	scantab_add(&t, 1, 1, "a");
	scantab_add(&t, 1, 2, "b");
	scantab_add(&t, 1, 3, "c");
	scantab_drop(&t, 0);
	cr_assert_eq(t.n, 2);
	cr_assert_str_eq(t.v[0].name, "c");
	cr_assert_eq(scantab_find(&t, 1, 3), 0);
	scantab_drop(&t, 1);
	cr_assert_eq(t.n, 1);
	scantab_drop(&t, 5);
	cr_assert_eq(t.n, 1);
	scantab_free(&t);
}

Test(scantab, due_new_service_at_once_log_only_with_log)
{
	struct scantab t;
	uint64_t next = 0;

	scantab_init(&t, 10);
	scantab_add(&t, 1, 1, "a");
	cr_assert(scantab_due(&t.v[0], SCANTAB_MAIN, 0, &next));
	cr_assert_not(scantab_due(&t.v[0], SCANTAB_LOG, 0, &next));
	t.v[0].has_log = 1;
	cr_assert(scantab_due(&t.v[0], SCANTAB_LOG, 0, &next));
	cr_assert_eq(next, 0);
	scantab_started(&t.v[0], SCANTAB_MAIN, 7, 0);
	cr_assert_not(scantab_due(&t.v[0], SCANTAB_MAIN, 0, &next));
	t.v[0].active = 0;
	cr_assert_not(scantab_due(&t.v[0], SCANTAB_LOG, 0, &next));
	scantab_free(&t);
}

Test(scantab, long_lived_supervise_restarts_at_once)
{
	struct scantab t;
	uint64_t next = 0;

	scantab_init(&t, 10);
	scantab_add(&t, 1, 1, "a");
	scantab_started(&t.v[0], SCANTAB_MAIN, 7, 100 * S);
	cr_assert_eq(scantab_exited(&t.v[0], SCANTAB_MAIN, 200 * S), 0);
	cr_assert_eq(t.v[0].p[0].pid, 0);
	cr_assert(scantab_due(&t.v[0], SCANTAB_MAIN, 200 * S, &next));
	cr_assert_eq(t.v[0].p[0].failures, 0);
	scantab_free(&t);
}

Test(scantab, rate_limit_and_backoff_1_2_4_5_5)
{
	struct scantab t;
	struct scantab_svc *e;
	uint64_t now = 1000 * S, next;
	static const uint64_t want[] = { 1, 2, 4, 5, 5, 5 };
	size_t k;

	scantab_init(&t, 10);
	scantab_add(&t, 1, 1, "a");
	e = &t.v[0];
	for (k = 0; k < sizeof want / sizeof want[0]; k++) {
		scantab_started(e, SCANTAB_MAIN, 7, now);
		now += S / 10;
		cr_assert_eq(scantab_exited(e, SCANTAB_MAIN, now), 1);
		cr_assert_eq(e->p[0].failures, k + 1);
		cr_assert_eq(e->p[0].due_ns, now + want[k] * S, "failure %zu", k + 1);
		next = 0;
		cr_assert_not(scantab_due(e, SCANTAB_MAIN, now, &next));
		cr_assert_eq(next, now + want[k] * S);
		now = e->p[0].due_ns;
		next = 0;
		cr_assert(scantab_due(e, SCANTAB_MAIN, now, &next));
	}
	/* One healthy run resets the count. */
	scantab_started(e, SCANTAB_MAIN, 7, now);
	cr_assert_eq(scantab_exited(e, SCANTAB_MAIN, now + 3 * S), 0);
	cr_assert_eq(e->p[0].failures, 0);
	scantab_free(&t);
}

Test(scantab, next_deadline_is_the_earliest)
{
	struct scantab t;
	uint64_t next = 0;

	scantab_init(&t, 10);
	scantab_add(&t, 1, 1, "a");
	scantab_add(&t, 1, 2, "b");
	scantab_start_failed(&t.v[0], SCANTAB_MAIN, 10 * S); /* due 11 s */
	scantab_start_failed(&t.v[1], SCANTAB_MAIN, 10 * S);
	scantab_start_failed(&t.v[1], SCANTAB_MAIN, 10 * S); /* due 12 s */
	cr_assert_not(scantab_due(&t.v[1], SCANTAB_MAIN, 10 * S, &next));
	cr_assert_not(scantab_due(&t.v[0], SCANTAB_MAIN, 10 * S, &next));
	cr_assert_eq(next, 11 * S);
	scantab_free(&t);
}

Test(scantab, find_pid_main_and_log)
{
	struct scantab t;
	enum scantab_which w;

	scantab_init(&t, 10);
	scantab_add(&t, 1, 1, "a");
	scantab_add(&t, 1, 2, "b");
	scantab_started(&t.v[1], SCANTAB_MAIN, 50, 0);
	scantab_started(&t.v[1], SCANTAB_LOG, 51, 0);
	cr_assert_eq(scantab_find_pid(&t, 51, &w), 1);
	cr_assert_eq(w, SCANTAB_LOG);
	cr_assert_eq(scantab_find_pid(&t, 50, &w), 1);
	cr_assert_eq(w, SCANTAB_MAIN);
	cr_assert_eq(scantab_find_pid(&t, 52, &w), -1);
	cr_assert_eq(scantab_find_pid(&t, 0, &w), -1);
	cr_assert_eq(scantab_running(&t, SCANTAB_MAIN), 1);
	cr_assert_eq(scantab_running(&t, SCANTAB_LOG), 1);
	scantab_free(&t);
}

Test(scantab, rescan_interval)
{
	cr_assert_eq(scantab_rescan_interval(1, 0), SCANTAB_RESCAN_SLOW);
	cr_assert_eq(scantab_rescan_interval(1, 1), 5 * S);
	cr_assert_eq(scantab_rescan_interval(0, 0), 5 * S);
	cr_assert_eq(scantab_rescan_interval(0, 1), 5 * S);
}

Test(scantab, remote_filesystems)
{
	cr_assert(scantab_fs_remote(0x6969));       /* NFS */
	cr_assert(scantab_fs_remote(0xff534d42));   /* CIFS */
	cr_assert(scantab_fs_remote(0x65735546));   /* FUSE */
	cr_assert_not(scantab_fs_remote(0xef53));   /* ext4 */
	cr_assert_not(scantab_fs_remote(0x01021994)); /* tmpfs */
	cr_assert_not(scantab_fs_remote(0x58465342)); /* xfs */
}

Test(scantab, inotify_verdicts)
{
	cr_assert_eq(scantab_inotify_verdict(IN_CREATE | IN_ISDIR), SCANTAB_IN_RESCAN);
	cr_assert_eq(scantab_inotify_verdict(IN_MOVED_TO), SCANTAB_IN_RESCAN);
	cr_assert_eq(scantab_inotify_verdict(IN_DELETE), SCANTAB_IN_RESCAN);
	cr_assert_eq(scantab_inotify_verdict(IN_ATTRIB), SCANTAB_IN_RESCAN);
	cr_assert_eq(scantab_inotify_verdict(IN_MOVE_SELF), SCANTAB_IN_RESCAN);
	cr_assert_eq(scantab_inotify_verdict(IN_Q_OVERFLOW), SCANTAB_IN_OVERFLOW);
	cr_assert_eq(scantab_inotify_verdict(IN_IGNORED), SCANTAB_IN_GONE);
	cr_assert_eq(scantab_inotify_verdict(IN_DELETE_SELF), SCANTAB_IN_GONE);
	cr_assert_eq(scantab_inotify_verdict(IN_UNMOUNT), SCANTAB_IN_GONE);
}

Test(scantab, printable_names)
{
	char out[SCANTAB_PRINTABLE_MAX];
	char big[SCANTAB_NAME_MAX + 1];

	scantab_name_printable("a b", out, sizeof out);
	cr_assert_str_eq(out, "a b");
	scantab_name_printable("a\nb\tc\x01\x7f", out, sizeof out);
	cr_assert_str_eq(out, "a\\nb\\tc\\x01\\x7f");
	cr_assert_eq(scantab_name_printable("abcdef", out, 4), 3);
	cr_assert_str_eq(out, "abc");
	/* An escape is never cut in half. */
	scantab_name_printable("ab\n", out, 4);
	cr_assert_str_eq(out, "ab");
	memset(big, 1, sizeof big - 1);
	big[sizeof big - 1] = 0;
	cr_assert_eq(scantab_name_printable(big, out, sizeof out), 4 * SCANTAB_NAME_MAX);
}

Test(scantab, removal_after_a_second_unseen)
{
	struct scantab t;
	uint64_t next = 0;

	scantab_init(&t, 10);
	scantab_add(&t, 1, 5, "a");
	scantab_started(&t.v[0], SCANTAB_MAIN, 42, 10 * S);
	/* seen: never gone */
	cr_assert_eq(scantab_gone(&t.v[0], 20 * S, &next), 0);
	cr_assert_eq(next, 0);
	/* unseen: due a second after the first scan that missed it */
	scantab_begin(&t);
	cr_assert_eq(scantab_gone(&t.v[0], 20 * S, &next), 0);
	cr_assert_eq(next, 21 * S);
	next = 0;
	cr_assert_eq(scantab_gone(&t.v[0], 21 * S - 1, &next), 0);
	cr_assert_eq(next, 21 * S);
	cr_assert_eq(scantab_gone(&t.v[0], 21 * S, &next), 1);
	/* rm + ln -s: seen again within the second forgets the miss */
	scantab_touch(&t, 0, "a");
	cr_assert_eq(t.v[0].missing_ns, 0);
	scantab_begin(&t);
	next = 0;
	cr_assert_eq(scantab_gone(&t.v[0], 30 * S, &next), 0);
	cr_assert_eq(next, 31 * S);
	scantab_free(&t);
}

Test(scantab, removing_never_restarts_and_is_dropped_when_both_exited)
{
	struct scantab t;
	uint64_t next = 0;

	scantab_init(&t, 10);
	scantab_add(&t, 1, 5, "a");
	t.v[0].has_log = 1;
	scantab_started(&t.v[0], SCANTAB_MAIN, 42, 10 * S);
	scantab_started(&t.v[0], SCANTAB_LOG, 43, 10 * S);
	t.v[0].removing = 1;
	cr_assert_not(scantab_removed(&t.v[0]));
	scantab_exited(&t.v[0], SCANTAB_MAIN, 20 * S);
	/* seen again meanwhile (active): still not restarted */
	cr_assert_eq(scantab_due(&t.v[0], SCANTAB_MAIN, 30 * S, &next), 0);
	cr_assert_not(scantab_removed(&t.v[0]));
	scantab_exited(&t.v[0], SCANTAB_LOG, 20 * S);
	cr_assert(scantab_removed(&t.v[0]));
	cr_assert_eq(scantab_gone(&t.v[0], 40 * S, &next), 0);
	scantab_free(&t);
}

/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <lx/caps.h>
#include <lx/capset.h>

#define BIT(n) ((uint64_t)1 << (n))
#define NET_BIND_SERVICE 10
#define NOBODY 65534

/* libcap is the reference for the names: supervise must read a
 * `capabilities` file exactly as setuidgid -c reads its list. */
Test(capset, names_agree_with_libcap)
{
	int n, last = lx_capset_last();

	cr_assert_eq(last, cap_max_bits() - 1, "the kernel's last capability");
	for (n = 0; n <= last; n++) {
		char *ref = cap_to_name((cap_value_t)n);

		cr_assert_not_null(lx_capset_name(n), "capability %d has no name here", n);
		cr_assert_str_eq(lx_capset_name(n), ref);
		cap_free(ref);
	}
	cr_assert_null(lx_capset_name(-1));
	cr_assert_null(lx_capset_name(64));
}

static void same_as_libcap(const char *list)
{
	uint64_t a = 1, b = 2;
	int ra = lx_capset_parse(list, strlen(list), &a, NULL, NULL);
	int rb = lx_caps_parse(list, &b, NULL, NULL);

	cr_assert_eq(ra, rb, "%s: %d, libcap side %d", list, ra, rb);
	if (ra == 0)
		cr_assert_eq(a, b, "%s", list);
}

Test(capset, parse_like_the_libcap_module)
{
	static const char *const lists[] = {
		"cap_net_bind_service", "CAP_NET_BIND_SERVICE", "cap_chown,cap_sys_nice,cap_chown",
		"", "cap_foo", "cap_chown,", ",cap_chown", "cap_chown,,cap_kill", "10", "chown",
		"cap_", "cap_chown x", "cap_checkpoint_restore", "cap_net_bind_service;",
	};
	size_t i;

	for (i = 0; i < sizeof lists / sizeof lists[0]; i++)
		same_as_libcap(lists[i]);
}

Test(capset, file_text_and_bad_item)
{
	static const char text[] = " cap_net_bind_service , cap_kill\n";
	const char *bad = NULL;
	size_t badlen = 0;
	uint64_t s = 77;

	cr_assert_eq(lx_capset_parse(text, strlen(text), &s, NULL, NULL), 0);
	cr_assert_eq(s, BIT(NET_BIND_SERVICE) | BIT(CAP_KILL));
	cr_assert_eq(lx_capset_parse("\n", 1, &s, NULL, NULL), 0);
	cr_assert_eq(s, 0, "an empty file keeps nothing");
	s = 77;
	cr_assert_eq(lx_capset_parse("cap_kill, cap_nope ,x", 20, &s, &bad, &badlen), -EINVAL);
	cr_assert_eq(s, 77, "a refused list stores nothing");
	cr_assert_eq(badlen, 8);
	cr_assert(!strncmp(bad, "cap_nope", 8));
	cr_assert_eq(lx_capset_parse("cap_kill\n\n", 10, &s, NULL, NULL), -EINVAL,
		     "a second line is garbage");
}

/* Runs drop_to in a child and checks the result there: exit 0 when all
 * is as wanted, else the number of the failed check. */
static int in_child(const struct lx_capset_cred *c, uid_t uid, uint64_t want, int nnp)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		uint64_t p, e, i, a, b;
		enum lx_capset_step step;

		if (lx_capset_drop_to(c, &step) < 0)
			_exit(10 + step);
		if (lx_caps_current(&p, &e, &i, &a, &b) < 0)
			_exit(2);
		if (getuid() != uid || geteuid() != uid)
			_exit(3);
		if (p != want || e != want || i != want)
			_exit(4);
		if ((c->flags & LX_CAPSET_F_CAPS) && (a != want || b != want))
			_exit(5);
		if (prctl(PR_GET_NO_NEW_PRIVS, 0L, 0L, 0L, 0L) != nnp)
			_exit(6);
		_exit(0);
	}
	cr_assert_gt(pid, 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

Test(capset, user_with_one_capability)
{
	gid_t groups[1] = { NOBODY - 1 };
	struct lx_capset_cred c = {
		.uid = NOBODY, .gid = NOBODY - 1, .groups = groups, .ngroups = 1,
		.keep = BIT(NET_BIND_SERVICE), .flags = LX_CAPSET_F_USER | LX_CAPSET_F_CAPS,
	};

	if (geteuid() != 0)
		cr_skip_test("needs root");
	cr_assert_eq(in_child(&c, NOBODY, BIT(NET_BIND_SERVICE), 1), 0);
}

Test(capset, user_alone_keeps_nothing_and_no_new_privs_stays_off)
{
	struct lx_capset_cred c = { .uid = NOBODY, .gid = NOBODY - 1, .flags = LX_CAPSET_F_USER };

	if (geteuid() != 0)
		cr_skip_test("needs root");
	cr_assert_eq(in_child(&c, NOBODY, 0, 0), 0);
}

Test(capset, root_limited_to_a_list)
{
	struct lx_capset_cred c = { .keep = BIT(CAP_KILL) | BIT(CAP_CHOWN),
				    .flags = LX_CAPSET_F_CAPS };

	if (geteuid() != 0)
		cr_skip_test("needs root");
	cr_assert_eq(in_child(&c, 0, BIT(CAP_KILL) | BIT(CAP_CHOWN), 1), 0);
}

Test(capset, failure_names_the_step)
{
	struct lx_capset_cred c = { .uid = NOBODY, .gid = NOBODY, .flags = LX_CAPSET_F_USER };
	pid_t pid;
	int st;

	if (geteuid() != 0)
		cr_skip_test("needs root");
	/* Once not root, a change back to uid 0 is refused at setgroups. */
	pid = fork();
	if (pid == 0) {
		enum lx_capset_step step;

		if (setuid(NOBODY) < 0)
			_exit(1);
		c.uid = 0;
		_exit(lx_capset_drop_to(&c, &step) == -EPERM && step == LX_CAPSET_SETGROUPS ? 0 : 2);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_eq(WEXITSTATUS(st), 0);
	cr_assert_str_eq(lx_capset_step_name(LX_CAPSET_SETUID), "setuid");
}

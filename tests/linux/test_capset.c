/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <lx/capset.h>

#define BIT(n) ((uint64_t)1 << (n))
#define NET_BIND_SERVICE 10
#define NOBODY 65534

/* The sets of the calling thread as the kernel reports them. */
struct sets {
	uint64_t inh, prm, eff, bnd, amb;
};

static void current(struct sets *s)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	cr_assert_not_null(f);
	memset(s, 0, sizeof *s);
	while (fgets(line, sizeof line, f)) {
		sscanf(line, "CapInh: %" SCNx64, &s->inh);
		sscanf(line, "CapPrm: %" SCNx64, &s->prm);
		sscanf(line, "CapEff: %" SCNx64, &s->eff);
		sscanf(line, "CapBnd: %" SCNx64, &s->bnd);
		sscanf(line, "CapAmb: %" SCNx64, &s->amb);
	}
	fclose(f);
}

/* libcap is the reference for the names: supervise's `capabilities` file
 * and setuidgid -c take the names as libcap spells them. */
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

Test(capset, names)
{
	static const char two[] = "cap_chown,CAP_SYS_NICE,cap_chown";
	uint64_t s = 1;

	cr_assert_eq(lx_capset_parse("cap_net_bind_service", 20, &s, NULL, NULL), 0);
	cr_assert_eq(s, BIT(NET_BIND_SERVICE));
	cr_assert_eq(lx_capset_parse(two, strlen(two), &s, NULL, NULL), 0);
	cr_assert_eq(s, BIT(CAP_CHOWN) | BIT(CAP_SYS_NICE));
	cr_assert_eq(lx_capset_parse("", 0, &s, NULL, NULL), 0);
	cr_assert_eq(s, 0);
}

static void refused(const char *list, const char *bad_item)
{
	const char *bad = NULL;
	size_t badlen = 0;
	uint64_t s = 77;

	cr_assert_eq(lx_capset_parse(list, strlen(list), &s, &bad, &badlen), -EINVAL, "%s", list);
	cr_assert_eq(s, 77, "a refused list must not store a set");
	cr_assert_not_null(bad);
	cr_assert_eq(badlen, strlen(bad_item), "%s", list);
	cr_assert(!strncmp(bad, bad_item, badlen), "%s", list);
}

Test(capset, unknown_and_garbage)
{
	refused("cap_foo", "cap_foo");
	refused("cap_chown,cap_foo", "cap_foo");
	refused("cap_chown,", "");
	refused(",cap_chown", "");
	refused("cap_chown,,cap_kill", "");
	refused("10", "10");
	refused("0x5", "0x5");
	refused("all", "all");
	refused("chown", "chown");
	refused("cap_", "cap_");
	refused("cap_63", "cap_63");
	refused("cap_chown x", "cap_chown x");
	refused("cap_net_bind_service;", "cap_net_bind_service;");
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

static int bind_low_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(80) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), r, one = 1;

	cr_assert_geq(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	r = bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ? -errno : 0;
	close(fd);
	return r;
}

static void need_root(void)
{
	struct sets s;

	if (geteuid() != 0)
		cr_skip_test("needs root");
	current(&s);
	if (!(s.bnd & BIT(NET_BIND_SERVICE)) || !(s.bnd & BIT(CAP_SETPCAP)))
		cr_skip_test("cap_net_bind_service or cap_setpcap not in the bounding set");
}

/* Each Criterion test runs in a child process, so dropping privileges here
 * does not leak into other tests. */

/* supervise's `user` and `capabilities` files. */
Test(capset, user_with_one_capability)
{
	gid_t groups[1] = { NOBODY - 1 };
	struct lx_capset_cred c = {
		.uid = NOBODY, .gid = NOBODY - 1, .groups = groups, .ngroups = 1,
		.keep = BIT(NET_BIND_SERVICE), .flags = LX_CAPSET_F_USER | LX_CAPSET_F_CAPS,
	};
	enum lx_capset_step step = 99;
	struct sets s;

	need_root();
	cr_assert_eq(lx_capset_drop_to(&c, &step), 0);
	cr_assert_eq(step, LX_CAPSET_OK);
	cr_assert_eq(getuid(), NOBODY);
	cr_assert_eq(geteuid(), NOBODY);
	cr_assert_eq(getgid(), NOBODY - 1);
	cr_assert_eq(getgroups(0, NULL), 1);
	current(&s);
	cr_assert_eq(s.prm, BIT(NET_BIND_SERVICE));
	cr_assert_eq(s.eff, BIT(NET_BIND_SERVICE));
	cr_assert_eq(s.inh, BIT(NET_BIND_SERVICE));
	cr_assert_eq(s.amb, BIT(NET_BIND_SERVICE));
	cr_assert_eq(s.bnd, BIT(NET_BIND_SERVICE));
	cr_assert_eq(prctl(PR_GET_KEEPCAPS, 0L, 0L, 0L, 0L), 0);
	cr_assert_eq(prctl(PR_GET_NO_NEW_PRIVS, 0L, 0L, 0L, 0L), 1);
	if (bind_low_port() == -EADDRINUSE)
		cr_skip_test("port 80 busy");
	cr_assert_eq(bind_low_port(), 0);
}

/* setuidgid -c: the sets and the bounding set, no no_new_privs. */
Test(capset, setuidgid_keeps_exactly_the_named_one)
{
	gid_t g = NOBODY;
	struct lx_capset_cred c = {
		.uid = NOBODY, .gid = NOBODY, .groups = &g, .ngroups = 1,
		.keep = BIT(NET_BIND_SERVICE),
		.flags = LX_CAPSET_F_USER | LX_CAPSET_F_SETS | LX_CAPSET_F_BOUND,
	};
	struct sets s;

	need_root();
	cr_assert_eq(lx_capset_drop_to(&c, NULL), 0);
	cr_assert_eq(getuid(), NOBODY);
	cr_assert_eq(getgid(), NOBODY);
	current(&s);
	cr_assert_eq(s.prm, BIT(NET_BIND_SERVICE));
	cr_assert_eq(s.eff, BIT(NET_BIND_SERVICE));
	cr_assert_eq(s.inh, BIT(NET_BIND_SERVICE));
	cr_assert_eq(s.amb, BIT(NET_BIND_SERVICE));
	cr_assert_eq(s.bnd, BIT(NET_BIND_SERVICE));
	cr_assert_eq(prctl(PR_GET_NO_NEW_PRIVS, 0L, 0L, 0L, 0L), 0);
}

Test(capset, user_alone_keeps_nothing_and_no_new_privs_stays_off)
{
	struct lx_capset_cred c = { .uid = NOBODY, .gid = NOBODY - 1, .flags = LX_CAPSET_F_USER };
	struct sets s, s0;

	need_root();
	current(&s0);
	cr_assert_eq(lx_capset_drop_to(&c, NULL), 0);
	cr_assert_eq(getuid(), NOBODY);
	cr_assert_eq(getgroups(0, NULL), 0);
	current(&s);
	cr_assert_eq(s.prm | s.eff | s.amb, 0);
	cr_assert_eq(s.bnd, s0.bnd, "the bounding set is left alone without F_BOUND");
	cr_assert_eq(prctl(PR_GET_NO_NEW_PRIVS, 0L, 0L, 0L, 0L), 0);
	if (bind_low_port() == -EADDRINUSE)
		cr_skip_test("port 80 busy");
	cr_assert_eq(bind_low_port(), -EACCES);
}

/* setuidgid without -c from a non-root caller that holds CAP_SETUID: the
 * kernel keeps the sets across that change, F_SETS with keep 0 empties
 * them. In a fork: credentials are per thread, and this test process has
 * a second thread (Criterion's) that a capset would leave behind. */
static int non_root_caller(void)
{
	struct lx_capset_cred up = {
		.keep = BIT(CAP_SETUID) | BIT(CAP_SETGID) | BIT(CAP_SETPCAP),
		.flags = LX_CAPSET_F_SETS,
	};
	struct lx_capset_cred c = { .uid = NOBODY, .gid = NOBODY,
				    .flags = LX_CAPSET_F_USER | LX_CAPSET_F_SETS };
	struct sets s;

	if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) < 0 ||
	    setresuid(NOBODY - 1, NOBODY - 1, NOBODY - 1) < 0 ||
	    prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L) < 0)
		return 2;
	if (lx_capset_drop_to(&up, NULL) < 0)
		return 3;
	current(&s);
	if (s.eff != up.keep)
		return 4;
	if (lx_capset_drop_to(&c, NULL) < 0)
		return 5;
	if (getuid() != NOBODY)
		return 6;
	current(&s);
	return s.prm | s.eff | s.inh | s.amb ? 7 : 0;
}

Test(capset, sets_empty_what_the_kernel_keeps)
{
	pid_t pid;
	int st;

	need_root();
	pid = fork();
	if (pid == 0)
		_exit(non_root_caller());
	cr_assert_gt(pid, 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	cr_assert_eq(WEXITSTATUS(st), 0, "failed check %d", WEXITSTATUS(st));
}

Test(capset, root_limited_to_a_list)
{
	struct lx_capset_cred c = { .keep = BIT(CAP_KILL) | BIT(CAP_CHOWN),
				    .flags = LX_CAPSET_F_CAPS };
	int ngroups;
	struct sets s;

	need_root();
	ngroups = getgroups(0, NULL);
	cr_assert_eq(lx_capset_drop_to(&c, NULL), 0);
	cr_assert_eq(getuid(), 0);
	cr_assert_eq(getgroups(0, NULL), ngroups, "groups are left alone without F_USER");
	current(&s);
	cr_assert_eq(s.prm, BIT(CAP_KILL) | BIT(CAP_CHOWN));
	cr_assert_eq(s.eff, BIT(CAP_KILL) | BIT(CAP_CHOWN));
	cr_assert_eq(s.amb, BIT(CAP_KILL) | BIT(CAP_CHOWN));
	cr_assert_eq(s.bnd, BIT(CAP_KILL) | BIT(CAP_CHOWN));
	cr_assert_eq(prctl(PR_GET_NO_NEW_PRIVS, 0L, 0L, 0L, 0L), 1);
}

Test(capset, unprivileged_fails_at_setgroups)
{
	gid_t g = 0;
	struct lx_capset_cred c = { .uid = 0, .gid = 0, .groups = &g, .ngroups = 1,
				    .flags = LX_CAPSET_F_USER };
	enum lx_capset_step step = LX_CAPSET_OK;

	if (geteuid() == 0) {
		cr_assert_eq(setgid(NOBODY), 0);
		cr_assert_eq(setuid(NOBODY), 0);
	}
	cr_assert_eq(lx_capset_drop_to(&c, &step), -EPERM);
	cr_assert_eq(step, LX_CAPSET_SETGROUPS);
}

Test(capset, keep_needs_it_permitted)
{
	struct lx_capset_cred c = { .uid = NOBODY, .gid = NOBODY, .keep = BIT(CAP_SYS_NICE),
				    .flags = LX_CAPSET_F_USER | LX_CAPSET_F_SETS };
	struct lx_capset_cred drop = { .flags = LX_CAPSET_F_SETS };
	enum lx_capset_step step = LX_CAPSET_OK;
	struct sets s;

	need_root();
	/* a capability already gone cannot be kept */
	cr_assert_eq(prctl(PR_CAPBSET_DROP, CAP_SYS_NICE, 0L, 0L, 0L), 0);
	current(&s);
	drop.keep = s.prm & ~BIT(CAP_SYS_NICE);
	cr_assert_eq(lx_capset_drop_to(&drop, NULL), 0);
	cr_assert_eq(lx_capset_drop_to(&c, &step), -EPERM);
	cr_assert_eq(step, LX_CAPSET_CAPSET);
}

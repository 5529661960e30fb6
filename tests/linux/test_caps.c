/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <lx/caps.h>

#define BIT(n) ((uint64_t)1 << (n))
#define NET_BIND_SERVICE 10
#define CHOWN 0
#define SYS_NICE 23
#define NOBODY 65534

Test(caps_parse, names)
{
	uint64_t s = 1;

	cr_assert_eq(lx_caps_parse("cap_net_bind_service", &s, NULL, NULL), 0);
	cr_assert_eq(s, BIT(NET_BIND_SERVICE));
	cr_assert_eq(lx_caps_parse("cap_chown,CAP_SYS_NICE,cap_chown", &s, NULL, NULL), 0);
	cr_assert_eq(s, BIT(CHOWN) | BIT(SYS_NICE));
	cr_assert_eq(lx_caps_parse("", &s, NULL, NULL), 0);
	cr_assert_eq(s, 0);
}

static void refused(const char *list, const char *bad_item)
{
	const char *bad = NULL;
	size_t badlen = 0;
	uint64_t s = 77;

	cr_assert_eq(lx_caps_parse(list, &s, &bad, &badlen), -EINVAL, "%s", list);
	cr_assert_eq(s, 77, "a refused list must not store a set");
	cr_assert_not_null(bad);
	cr_assert_eq(badlen, strlen(bad_item), "%s", list);
	cr_assert(!strncmp(bad, bad_item, badlen), "%s", list);
}

Test(caps_parse, unknown_and_garbage)
{
	refused("cap_foo", "cap_foo");
	refused("cap_chown,cap_foo", "cap_foo");
	refused("cap_chown,", "");
	refused(",cap_chown", "");
	refused("cap_chown,,cap_kill", "");
	refused("10", "10");
	refused("0x5", "0x5");
	refused("all", "all");
	refused(" cap_chown", " cap_chown");
	refused("cap_chown ", "cap_chown ");
	refused("cap_", "cap_");
	refused("cap_63", "cap_63");
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
	uint64_t bnd = 0;

	if (geteuid() != 0)
		cr_skip_test("needs root");
	cr_assert_eq(lx_caps_current(NULL, NULL, NULL, NULL, &bnd), 0);
	if (!(bnd & BIT(NET_BIND_SERVICE)) || !(bnd & BIT(8 /* setpcap */)))
		cr_skip_test("cap_net_bind_service or cap_setpcap not in the bounding set");
}

/* Each Criterion test runs in a child process, so dropping privileges here
 * does not leak into other tests. */
Test(caps_drop, keeps_exactly_the_named_one)
{
	gid_t g = NOBODY;
	struct lx_caps_cred c = { .uid = NOBODY, .gid = NOBODY, .groups = &g, .ngroups = 1,
				  .keep = BIT(NET_BIND_SERVICE), .flags = LX_CAPS_F_BOUND };
	uint64_t p, e, i, a, b;
	enum lx_caps_step step = 99;

	need_root();
	cr_assert_eq(lx_caps_drop_to(&c, &step), 0);
	cr_assert_eq(step, LX_CAPS_OK);
	cr_assert_eq(getuid(), NOBODY);
	cr_assert_eq(getgid(), NOBODY);
	cr_assert_eq(getgroups(0, NULL), 1);
	cr_assert_eq(lx_caps_current(&p, &e, &i, &a, &b), 0);
	cr_assert_eq(p, BIT(NET_BIND_SERVICE));
	cr_assert_eq(e, BIT(NET_BIND_SERVICE));
	cr_assert_eq(i, BIT(NET_BIND_SERVICE));
	cr_assert_eq(a, BIT(NET_BIND_SERVICE));
	cr_assert_eq(b, BIT(NET_BIND_SERVICE));
	cr_assert_eq(prctl(PR_GET_KEEPCAPS, 0L, 0L, 0L, 0L), 0);
	cr_assert_eq(prctl(PR_GET_NO_NEW_PRIVS, 0L, 0L, 0L, 0L), 0);
	if (bind_low_port() == -EADDRINUSE)
		cr_skip_test("port 80 busy");
	cr_assert_eq(bind_low_port(), 0);
}

Test(caps_drop, nothing_survives_without_keep)
{
	struct lx_caps_cred c = { .uid = NOBODY, .gid = NOBODY, .flags = LX_CAPS_F_NO_NEW_PRIVS };
	uint64_t p, e, i, a, b, b0;

	need_root();
	cr_assert_eq(lx_caps_current(NULL, NULL, NULL, NULL, &b0), 0);
	cr_assert_eq(lx_caps_drop_to(&c, NULL), 0);
	cr_assert_eq(getgroups(0, NULL), 0);
	cr_assert_eq(lx_caps_current(&p, &e, &i, &a, &b), 0);
	cr_assert_eq(p | e | i | a, 0);
	cr_assert_eq(b, b0, "the bounding set is left alone without LX_CAPS_F_BOUND");
	cr_assert_eq(prctl(PR_GET_NO_NEW_PRIVS, 0L, 0L, 0L, 0L), 1);
	if (bind_low_port() == -EADDRINUSE)
		cr_skip_test("port 80 busy");
	cr_assert_eq(bind_low_port(), -EACCES);
}

Test(caps_drop, root_bounded)
{
	struct lx_caps_cred c = { .uid = 0, .gid = 0, .keep = BIT(CHOWN), .flags = LX_CAPS_F_BOUND };
	uint64_t p, a, b;

	need_root();
	cr_assert_eq(lx_caps_drop_to(&c, NULL), 0);
	cr_assert_eq(lx_caps_current(&p, NULL, NULL, &a, &b), 0);
	cr_assert_eq(p, BIT(CHOWN));
	cr_assert_eq(a, BIT(CHOWN));
	cr_assert_eq(b, BIT(CHOWN));
}

Test(caps_drop, same_user_only_narrows)
{
	struct lx_caps_cred c = { .keep = BIT(NET_BIND_SERVICE),
				  .flags = LX_CAPS_F_SAME_USER | LX_CAPS_F_BOUND |
					   LX_CAPS_F_NO_NEW_PRIVS };
	uint64_t p, e, a, b;
	int ngroups;

	need_root();
	ngroups = getgroups(0, NULL);
	cr_assert_eq(lx_caps_drop_to(&c, NULL), 0);
	cr_assert_eq(getuid(), 0);
	cr_assert_eq(getgroups(0, NULL), ngroups, "groups are left alone");
	cr_assert_eq(lx_caps_current(&p, &e, NULL, &a, &b), 0);
	cr_assert_eq(p, BIT(NET_BIND_SERVICE));
	cr_assert_eq(e, BIT(NET_BIND_SERVICE));
	cr_assert_eq(a, BIT(NET_BIND_SERVICE));
	cr_assert_eq(b, BIT(NET_BIND_SERVICE));
	cr_assert_eq(prctl(PR_GET_NO_NEW_PRIVS, 0L, 0L, 0L, 0L), 1);
}

Test(caps_drop, unprivileged_fails_at_setgroups)
{
	gid_t g = 0;
	struct lx_caps_cred c = { .uid = 0, .gid = 0, .groups = &g, .ngroups = 1 };
	enum lx_caps_step step = LX_CAPS_OK;

	if (geteuid() == 0) {
		cr_assert_eq(setgid(NOBODY), 0);
		cr_assert_eq(setuid(NOBODY), 0);
	}
	cr_assert_eq(lx_caps_drop_to(&c, &step), -EPERM);
	cr_assert_eq(step, LX_CAPS_SETGROUPS);
}

Test(caps_drop, keep_needs_it_permitted)
{
	struct lx_caps_cred c = { .uid = NOBODY, .gid = NOBODY, .keep = BIT(SYS_NICE) };
	enum lx_caps_step step = LX_CAPS_OK;

	need_root();
	/* a capability already gone cannot be kept */
	cr_assert_eq(prctl(PR_CAPBSET_DROP, SYS_NICE, 0L, 0L, 0L), 0);
	{
		uint64_t p;
		struct lx_caps_cred drop = { .uid = 0, .gid = 0,
					     .keep = ~(uint64_t)0 & ~BIT(SYS_NICE) };

		cr_assert_eq(lx_caps_current(&p, NULL, NULL, NULL, NULL), 0);
		drop.keep &= p;
		cr_assert_eq(lx_caps_drop_to(&drop, NULL), 0);
	}
	cr_assert_eq(lx_caps_drop_to(&c, &step), -EPERM);
	cr_assert_eq(step, LX_CAPS_SETCAPS);
}

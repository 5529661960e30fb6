/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include <dt/mlscript.h>

#define PARSE(sc, ...)                                                          \
	do {                                                                    \
		char *argv_[] = { __VA_ARGS__ };                                 \
		cr_assert_eq(mlscript_parse(sizeof argv_ / sizeof *argv_, argv_, (sc)), 0); \
	} while (0)

static const char *wtext(const struct mlscript *sc, size_t i)
{
	static char buf[256];

	cr_assert_lt(i, sc->nwarns);
	mlscript_warn_format(&sc->warns[i], buf, sizeof buf);
	return buf;
}

Test(mlscript, defaults_and_one_dir)
{
	struct mlscript sc;

	PARSE(&sc, "./main");
	cr_assert_eq(sc.timestamp, 0);
	cr_assert_eq(sc.ndirs, 1);
	cr_assert_str_eq(sc.dirs[0].path, "./main");
	cr_assert_eq(sc.dirs[0].size, 99999);
	cr_assert_eq(sc.dirs[0].num, 10);
	cr_assert_null(sc.dirs[0].processor);
	cr_assert_eq(sc.nacts, 1);
	cr_assert_eq(sc.acts[0].kind, MLACT_DIR);
	cr_assert_eq(sc.nwarns, 0);
	mlscript_free(&sc);
}

Test(mlscript, empty_script)
{
	struct mlscript sc;

	cr_assert_eq(mlscript_parse(0, NULL, &sc), 0);
	cr_assert_eq(sc.nacts + sc.ndirs + sc.nfiles + sc.nwarns, 0);
	mlscript_free(&sc);
}

/* compat: s, n and ! stay in force for every later directory. */
Test(mlscript, settings_carry_over)
{
	struct mlscript sc;

	PARSE(&sc, "t", "s4096", "n3", "./a", "!gzip", "/b", "n2", "s16777215", "./c");
	cr_assert_eq(sc.timestamp, 1);
	cr_assert_eq(sc.ndirs, 3);
	cr_assert_eq(sc.dirs[0].size, 4096);
	cr_assert_eq(sc.dirs[0].num, 3);
	cr_assert_null(sc.dirs[0].processor);
	cr_assert_eq(sc.dirs[1].size, 4096);
	cr_assert_str_eq(sc.dirs[1].processor, "gzip");
	cr_assert_eq(sc.dirs[2].num, 2);
	cr_assert_eq(sc.dirs[2].size, 16777215);
	cr_assert_str_eq(sc.dirs[2].processor, "gzip");
	cr_assert_eq(sc.nwarns, 0);
	mlscript_free(&sc);
}

Test(mlscript, actions_in_order)
{
	struct mlscript sc;

	PARSE(&sc, "-*", "+* fatal: *", "e", "=status", "./d", "-x*", "=other");
	cr_assert_eq(sc.nacts, 7);
	cr_assert_eq(sc.has_patterns, 1);
	cr_assert_eq(sc.acts[0].kind, MLACT_DESELECT);
	cr_assert_str_eq(sc.acts[0].arg, "*");
	cr_assert_eq(sc.acts[1].kind, MLACT_SELECT);
	cr_assert_str_eq(sc.acts[1].arg, "* fatal: *");
	cr_assert_eq(sc.acts[2].kind, MLACT_STDERR);
	cr_assert_eq(sc.acts[3].kind, MLACT_FILE);
	cr_assert_eq(sc.acts[3].idx, 0);
	cr_assert_eq(sc.acts[6].idx, 1);
	cr_assert_eq(sc.nfiles, 2);
	cr_assert_str_eq(sc.files[1], "other");
	cr_assert_eq(sc.acts[4].kind, MLACT_DIR);
	mlscript_free(&sc);
}

/* compat: "multilog zzz sabc n1 ./d" runs: ignored, clamped, warned. */
Test(mlscript, lenient_like_076_but_warns)
{
	struct mlscript sc;

	PARSE(&sc, "zzz", "sabc", "n1", "t", "./d");
	cr_assert_eq(sc.timestamp, 0);
	cr_assert_eq(sc.dirs[0].size, 4096);
	cr_assert_eq(sc.dirs[0].num, 2);
	cr_assert_eq(sc.nwarns, 4);
	cr_assert_str_eq(wtext(&sc, 0), "ignoring unknown action: zzz");
	cr_assert_str_eq(wtext(&sc, 1), "action sabc: not a number, using s4096");
	cr_assert_str_eq(wtext(&sc, 2), "action n1: out of range, using n2");
	cr_assert_str_eq(wtext(&sc, 3), "ignoring t: t counts only as the first action");
	mlscript_free(&sc);
}

Test(mlscript, numbers_clamped_and_prefixes)
{
	struct mlscript sc;

	PARSE(&sc, "s100", "./a", "s99999999", "./b", "s5000x", "./c",
	      "s999999999999999999999999", "n0", "./d");
	cr_assert_eq(sc.dirs[0].size, 4096);
	cr_assert_eq(sc.dirs[1].size, 16777215);
	cr_assert_eq(sc.dirs[2].size, 5000);
	cr_assert_eq(sc.dirs[3].size, 16777215);
	cr_assert_eq(sc.dirs[3].num, 2);
	cr_assert_eq(sc.nwarns, 5);
	cr_assert_str_eq(wtext(&sc, 2), "action s5000x: not a number, using s5000");
	cr_assert_eq(sc.warns[3].kind, MLW_CLAMPED);
	mlscript_free(&sc);
}

Test(mlscript, first_byte_only)
{
	struct mlscript sc;

	PARSE(&sc, "tfoo", "exyz", "", "./d", "!");
	cr_assert_eq(sc.timestamp, 1);
	cr_assert_eq(sc.acts[0].kind, MLACT_STDERR);
	cr_assert_eq(sc.nwarns, 4);
	cr_assert_eq(sc.warns[0].kind, MLW_TRAILING);
	cr_assert_eq(sc.warns[1].kind, MLW_TRAILING);
	cr_assert_eq(sc.warns[2].kind, MLW_UNKNOWN);
	cr_assert_str_eq(wtext(&sc, 3), "action !: no log directory follows, no effect");
	mlscript_free(&sc);
}

Test(mlscript, empty_processor_is_a_processor)
{
	struct mlscript sc;

	PARSE(&sc, "!", "./d");
	cr_assert_not_null(sc.dirs[0].processor);
	cr_assert_str_eq(sc.dirs[0].processor, "");
	mlscript_free(&sc);
}

Test(mlscript, warn_format_truncates)
{
	struct mlwarn w = { MLW_UNKNOWN, "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", 0 };
	char buf[10];

	cr_assert_eq(mlscript_warn_format(&w, buf, sizeof buf), 9);
	cr_assert_str_eq(buf, "ignoring ");
}

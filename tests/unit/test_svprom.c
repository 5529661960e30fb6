/* SPDX-License-Identifier: ISC */
/* svstat -p's text: label escaping (the text format's three escapes, then
 * \xNN for what is not UTF-8 or is a control byte), every family once and
 * only with samples, one state series per state of enum svstate_state,
 * absent values absent, and the exact text of a golden case. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include <dt/svprom.h>

static const char *esc(const char *in, size_t len)
{
	static char out[256];

	cr_assert_leq(SVPROM_ESCAPED_MAX(len), sizeof out);
	cr_assert_eq(svprom_escape(in, len, out), strlen(out));
	return out;
}

#define ESC(lit) esc(lit, sizeof(lit) - 1)

Test(svprom, escape_the_formats_three)
{
	cr_assert_str_eq(ESC("/etc/service/web"), "/etc/service/web");
	cr_assert_str_eq(ESC("a\\b"), "a\\\\b");
	cr_assert_str_eq(ESC("say \"hi\""), "say \\\"hi\\\"");
	cr_assert_str_eq(ESC("two\nlines"), "two\\nlines");
	cr_assert_str_eq(ESC(""), "");
}

Test(svprom, escape_keeps_utf8)
{
	cr_assert_str_eq(ESC("caf\xc3\xa9"), "caf\xc3\xa9");
	cr_assert_str_eq(ESC("\xe6\x97\xa5\xe6\x9c\xac"), "\xe6\x97\xa5\xe6\x9c\xac");
	cr_assert_str_eq(ESC("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
	cr_assert_str_eq(ESC("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
	cr_assert_str_eq(ESC("\xed\x9f\xbf"), "\xed\x9f\xbf");         /* U+D7FF */
}

/* Each byte of what is not UTF-8 is \xNN (written \\xNN). */
Test(svprom, escape_what_is_not_utf8)
{
	cr_assert_str_eq(ESC("a\xff" "b"), "a\\\\xffb");
	cr_assert_str_eq(ESC("\xc0\xaf"), "\\\\xc0\\\\xaf");          /* overlong '/' */
	cr_assert_str_eq(ESC("\xe0\x80\xaf"), "\\\\xe0\\\\x80\\\\xaf"); /* overlong */
	cr_assert_str_eq(ESC("\xed\xa0\x80"), "\\\\xed\\\\xa0\\\\x80"); /* surrogate */
	cr_assert_str_eq(ESC("\xf4\x90\x80\x80"), "\\\\xf4\\\\x90\\\\x80\\\\x80"); /* > U+10FFFF */
	cr_assert_str_eq(ESC("\xf5\x80\x80\x80"), "\\\\xf5\\\\x80\\\\x80\\\\x80");
	cr_assert_str_eq(ESC("x\xe2\x82"), "x\\\\xe2\\\\x82");          /* cut at the end */
	cr_assert_str_eq(ESC("\xe2\x82" "A"), "\\\\xe2\\\\x82A");       /* cut by ASCII */
	cr_assert_str_eq(ESC("\x80"), "\\\\x80");                       /* lone continuation */
}

Test(svprom, escape_control_bytes)
{
	cr_assert_str_eq(ESC("tab\there"), "tab\\\\x09here");
	cr_assert_str_eq(ESC("cr\r"), "cr\\\\x0d");
	cr_assert_str_eq(ESC("del\x7f"), "del\\\\x7f");
	cr_assert_str_eq(ESC("nul\0x"), "nul\\\\x00x");
}

/* The worst case fits SVPROM_ESCAPED_MAX. */
Test(svprom, escape_worst_case)
{
	char in[64], out[SVPROM_ESCAPED_MAX(64)];

	memset(in, 0xff, sizeof in);
	cr_assert_eq(svprom_escape(in, sizeof in, out), sizeof out - 1);
}

/* ---- the text ---- */

struct buf {
	char *p;
	size_t n;
	size_t calls;
};

static void collect(void *ctx, const char *s, size_t len)
{
	struct buf *b = ctx;

	b->p = realloc(b->p, b->n + len + 1);
	cr_assert_not_null(b->p);
	memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
	b->calls++;
}

static char *format(const struct svprom_service *sv, size_t n)
{
	struct buf b = { NULL, 0, 0 };

	svprom_format(sv, n, collect, &b);
	if (!b.p)
		b.p = calloc(1, 1);
	return b.p;
}

static struct svprom_service service(const char *label)
{
	struct svprom_service s;

	memset(&s, 0, sizeof s);
	s.label = label;
	s.label_len = strlen(label);
	return s;
}

static size_t count(const char *text, const char *needle)
{
	size_t n = 0;

	for (; (text = strstr(text, needle)); text++)
		n++;
	return n;
}

/* A service with every value, one under a 0.76 supervise, one without
 * supervise: every byte of the text. */
static const char golden[] =
	"# HELP daemontools_supervise_running 1 if supervise runs for the service "
	"(supervise/ok has a reader), else 0.\n"
	"# TYPE daemontools_supervise_running gauge\n"
	"daemontools_supervise_running{service=\"web\"} 1\n"
	"daemontools_supervise_running{service=\"old\"} 1\n"
	"daemontools_supervise_running{service=\"gone\"} 0\n"
	"# HELP daemontools_service_state 1 for the service's current state, 0 for every "
	"other state.\n"
	"# TYPE daemontools_service_state gauge\n"
	"daemontools_service_state{service=\"web\",state=\"down\"} 0\n"
	"daemontools_service_state{service=\"web\",state=\"starting\"} 0\n"
	"daemontools_service_state{service=\"web\",state=\"up\"} 0\n"
	"daemontools_service_state{service=\"web\",state=\"ready\"} 1\n"
	"daemontools_service_state{service=\"web\",state=\"stopping\"} 0\n"
	"daemontools_service_state{service=\"web\",state=\"finishing\"} 0\n"
	"daemontools_service_state{service=\"web\",state=\"backoff\"} 0\n"
	"daemontools_service_state{service=\"web\",state=\"failed\"} 0\n"
	"daemontools_service_state{service=\"web\",state=\"waiting\"} 0\n"
	"daemontools_service_state{service=\"old\",state=\"down\"} 1\n"
	"daemontools_service_state{service=\"old\",state=\"starting\"} 0\n"
	"daemontools_service_state{service=\"old\",state=\"up\"} 0\n"
	"daemontools_service_state{service=\"old\",state=\"ready\"} 0\n"
	"daemontools_service_state{service=\"old\",state=\"stopping\"} 0\n"
	"daemontools_service_state{service=\"old\",state=\"finishing\"} 0\n"
	"daemontools_service_state{service=\"old\",state=\"backoff\"} 0\n"
	"daemontools_service_state{service=\"old\",state=\"failed\"} 0\n"
	"daemontools_service_state{service=\"old\",state=\"waiting\"} 0\n"
	"# HELP daemontools_service_since_seconds Unix time of the service's last state "
	"change.\n"
	"# TYPE daemontools_service_since_seconds gauge\n"
	"daemontools_service_since_seconds{service=\"web\"} 1700000000.000000042\n"
	"daemontools_service_since_seconds{service=\"old\"} 0\n"
	"# HELP daemontools_service_starts_total Starts of run since supervise started.\n"
	"# TYPE daemontools_service_starts_total counter\n"
	"daemontools_service_starts_total{service=\"web\"} 18446744073709551615\n"
	"# HELP daemontools_service_failures Failures in a row, as the restart policy counts "
	"them.\n"
	"# TYPE daemontools_service_failures gauge\n"
	"daemontools_service_failures{service=\"web\"} 3\n"
	"# HELP daemontools_service_last_exit_code Exit code of the last run of run, -1 if a "
	"signal ended it.\n"
	"# TYPE daemontools_service_last_exit_code gauge\n"
	"daemontools_service_last_exit_code{service=\"web\"} -1\n"
	"# HELP daemontools_service_last_signal Signal that ended the last run of run, 0 if it "
	"exited.\n"
	"# TYPE daemontools_service_last_signal gauge\n"
	"daemontools_service_last_signal{service=\"web\"} 9\n"
	"# HELP daemontools_service_processes Processes in the service's cgroup.\n"
	"# TYPE daemontools_service_processes gauge\n"
	"daemontools_service_processes{service=\"web\"} 2\n"
	"# HELP daemontools_service_memory_bytes Memory used by the service's cgroup "
	"(memory.current).\n"
	"# TYPE daemontools_service_memory_bytes gauge\n"
	"daemontools_service_memory_bytes{service=\"web\"} 7340032\n"
	"# HELP daemontools_service_cpu_seconds_total CPU time used by the service's cgroup "
	"(cpu.stat usage_usec).\n"
	"# TYPE daemontools_service_cpu_seconds_total counter\n"
	"daemontools_service_cpu_seconds_total{service=\"web\"} 2.000001\n"
	"# HELP daemontools_service_oom_kills_total Processes of the service's cgroup killed "
	"by the OOM killer (memory.events oom_kill).\n"
	"# TYPE daemontools_service_oom_kills_total counter\n"
	"daemontools_service_oom_kills_total{service=\"web\"} 1\n";

Test(svprom, golden_text)
{
	struct svprom_service sv[3];
	char *text;

	sv[0] = service("web");
	sv[0].have = SVPROM_RUNNING | SVPROM_STATE | SVPROM_SINCE | SVPROM_STARTS |
		     SVPROM_FAILURES | SVPROM_EXIT | SVPROM_PROCS | SVPROM_MEMORY | SVPROM_CPU |
		     SVPROM_OOM;
	sv[0].running = 1;
	sv[0].state = SVS_READY;
	sv[0].since.sec = TAI64_UNIX_OFFSET + 1700000000;
	sv[0].since.nano = 42;
	sv[0].starts = UINT64_MAX;
	sv[0].failures = 3;
	sv[0].exit_code = -1;
	sv[0].exit_signal = 9;
	sv[0].procs = 2;
	sv[0].memory_bytes = 7340032;
	sv[0].cpu_usec = 2000001;
	sv[0].oom_kills = 1;
	/* 0.76: what status gives; a zeroed stamp is 0, not before 1970 */
	sv[1] = service("old");
	sv[1].have = SVPROM_RUNNING | SVPROM_STATE | SVPROM_SINCE;
	sv[1].running = 1;
	sv[1].state = SVS_DOWN;
	sv[2] = service("gone");
	sv[2].have = SVPROM_RUNNING;
	text = format(sv, 3);
	cr_assert_str_eq(text, golden);
	free(text);
}

/* The state list is enum svstate_state's, whole: SVS_NSTATES series per
 * service, each named as svstate_name says, exactly one of them 1. */
Test(svprom, one_series_per_state)
{
	struct svprom_service s = service("x");
	char *text, line[128];
	int st, cur;

	s.have = SVPROM_STATE;
	for (cur = 0; cur < SVS_NSTATES; cur++) {
		s.state = (enum svstate_state)cur;
		text = format(&s, 1);
		cr_assert_eq(count(text, "daemontools_service_state{"), SVS_NSTATES);
		for (st = 0; st < SVS_NSTATES; st++) {
			snprintf(line, sizeof line,
				 "daemontools_service_state{service=\"x\",state=\"%s\"} %d\n",
				 svstate_name((enum svstate_state)st), st == cur);
			cr_assert_not_null(strstr(text, line), "%s", line);
		}
		free(text);
	}
}

/* Nothing known: no family at all (a HELP without samples is noise). */
Test(svprom, nothing_known_nothing_printed)
{
	struct svprom_service s = service("x");
	char *text = format(&s, 1);

	cr_assert_str_eq(text, "");
	free(text);
	text = format(NULL, 0);
	cr_assert_str_eq(text, "");
	free(text);
}

/* A family's samples stay together whatever the order of services, and
 * each family is declared once. */
Test(svprom, families_once_and_together)
{
	struct svprom_service sv[4];
	char *text;
	int i;

	for (i = 0; i < 4; i++) {
		sv[i] = service(i % 2 ? "odd" : "even");
		sv[i].have = i % 2 ? SVPROM_RUNNING : SVPROM_RUNNING | SVPROM_CPU;
	}
	sv[2].label = "even2";
	sv[2].label_len = 5;
	sv[3].label = "odd2";
	sv[3].label_len = 4;
	text = format(sv, 4);
	cr_assert_eq(count(text, "# TYPE daemontools_supervise_running gauge\n"), 1);
	cr_assert_eq(count(text, "# TYPE daemontools_service_cpu_seconds_total counter\n"), 1);
	cr_assert_eq(count(text, "# TYPE"), 2);
	cr_assert_not_null(strstr(text, "daemontools_supervise_running{service=\"odd2\"} 0\n"
					"# HELP daemontools_service_cpu_seconds_total"));
	free(text);
}

/* A label longer than the writer's chunk goes out whole, in order. */
Test(svprom, long_label)
{
	static char label[10000], want[10100];
	struct svprom_service s;
	char *text;

	memset(label, 'l', sizeof label - 1);
	s = service(label);
	s.have = SVPROM_RUNNING;
	s.running = 1;
	text = format(&s, 1);
	snprintf(want, sizeof want, "daemontools_supervise_running{service=\"%s\"} 1\n", label);
	cr_assert_not_null(strstr(text, want));
	free(text);
}

Test(svprom, dedupe_keeps_the_first)
{
	struct svprom_service sv[5];

	sv[0] = service("a");
	sv[1] = service("b");
	sv[2] = service("a");
	sv[3] = service("ab");
	sv[4] = service("b");
	sv[2].dir = "second a";
	cr_assert_eq(svprom_dedupe(sv, 5), 3);
	cr_assert_str_eq(sv[0].label, "a");
	cr_assert_null(sv[0].dir);
	cr_assert_str_eq(sv[1].label, "b");
	cr_assert_str_eq(sv[2].label, "ab");
	cr_assert_eq(svprom_dedupe(sv, 0), 0);
}

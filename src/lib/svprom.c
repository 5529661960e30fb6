/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <dt/svprom.h>

/* ---- label values -------------------------------------------------------- */

/* The length of the valid UTF-8 sequence at p (n bytes left), 0 if there
 * is none: the rules of Go's unicode/utf8, which promtool and node_exporter
 * apply (no overlong forms, no surrogates, nothing past U+10FFFF). */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

size_t svprom_escape(const char *in, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, o = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t n = utf8_len(p + i, len - i);

		if (c == '\\' || c == '"' || c == '\n') {
			out[o++] = '\\';
			out[o++] = c == '\n' ? 'n' : (char)c;
			i++;
		} else if (n == 0 || c < 0x20 || c == 0x7f) {
			memcpy(out + o, "\\\\x", 3);
			out[o + 3] = hex[c >> 4];
			out[o + 4] = hex[c & 15];
			o += 5;
			i++;
		} else {
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
		}
	}
	out[o] = '\0';
	return o;
}

size_t svprom_dedupe(struct svprom_service *sv, size_t n)
{
	size_t i, j, kept = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < kept; j++)
			if (sv[j].label_len == sv[i].label_len &&
			    memcmp(sv[j].label, sv[i].label, sv[i].label_len) == 0)
				break;
		if (j == kept)
			sv[kept++] = sv[i];
	}
	return kept;
}

/* ---- the writer ---------------------------------------------------------- */

/* Lines are gathered into chunks so that the caller's put (fwrite) runs a
 * few hundred times for 1,000 services, not once per piece. */
struct w {
	void (*put)(void *ctx, const char *s, size_t len);
	void *ctx;
	size_t n;
	char buf[4096];
};

static void flush(struct w *w)
{
	if (w->n)
		w->put(w->ctx, w->buf, w->n);
	w->n = 0;
}

static void put(struct w *w, const char *s, size_t n)
{
	if (n > sizeof w->buf - w->n)
		flush(w);
	if (n > sizeof w->buf) {
		w->put(w->ctx, s, n);
		return;
	}
	memcpy(w->buf + w->n, s, n);
	w->n += n;
}

static void puts_(struct w *w, const char *s)
{
	put(w, s, strlen(s));
}

/* ---- the metrics --------------------------------------------------------- */

struct family {
	const char *name;
	const char *type;
	const char *help;
	unsigned have; /* the SVPROM_* bit a service needs for a sample */
	/* The sample's value as text into v (64 bytes); NULL: the state family */
	void (*value)(const struct svprom_service *s, char *v);
};

static void v_running(const struct svprom_service *s, char *v)
{
	strcpy(v, s->running ? "1" : "0");
}

/* A stamp before 1970 (a zeroed status) is no time at all: 0. */
static void v_since(const struct svprom_service *s, char *v)
{
	if (s->since.sec < TAI64_UNIX_OFFSET) {
		strcpy(v, "0");
		return;
	}
	snprintf(v, 64, "%" PRIu64 ".%09" PRIu32, (uint64_t)(s->since.sec - TAI64_UNIX_OFFSET),
		 s->since.nano);
}

static void v_starts(const struct svprom_service *s, char *v)
{
	snprintf(v, 64, "%" PRIu64, s->starts);
}

static void v_failures(const struct svprom_service *s, char *v)
{
	snprintf(v, 64, "%" PRIu32, s->failures);
}

static void v_code(const struct svprom_service *s, char *v)
{
	snprintf(v, 64, "%d", s->exit_code);
}

static void v_signal(const struct svprom_service *s, char *v)
{
	snprintf(v, 64, "%d", s->exit_signal);
}

static void v_procs(const struct svprom_service *s, char *v)
{
	snprintf(v, 64, "%" PRIu64, s->procs);
}

static void v_memory(const struct svprom_service *s, char *v)
{
	snprintf(v, 64, "%" PRIu64, s->memory_bytes);
}

/* Exact decimal seconds: no float rounding in the text. */
static void v_cpu(const struct svprom_service *s, char *v)
{
	snprintf(v, 64, "%" PRIu64 ".%06" PRIu64, s->cpu_usec / 1000000, s->cpu_usec % 1000000);
}

static void v_oom(const struct svprom_service *s, char *v)
{
	snprintf(v, 64, "%" PRIu64, s->oom_kills);
}

static const struct family families[] = {
	{ "daemontools_supervise_running", "gauge",
	  "1 if supervise runs for the service (supervise/ok has a reader), else 0.",
	  SVPROM_RUNNING, v_running },
	{ "daemontools_service_state", "gauge",
	  "1 for the service's current state, 0 for every other state.", SVPROM_STATE, NULL },
	{ "daemontools_service_since_seconds", "gauge",
	  "Unix time of the service's last state change.", SVPROM_SINCE, v_since },
	{ "daemontools_service_starts_total", "counter",
	  "Starts of run since supervise started.", SVPROM_STARTS, v_starts },
	{ "daemontools_service_failures", "gauge",
	  "Failures in a row, as the restart policy counts them.", SVPROM_FAILURES, v_failures },
	{ "daemontools_service_last_exit_code", "gauge",
	  "Exit code of the last run of run, -1 if a signal ended it.", SVPROM_EXIT, v_code },
	{ "daemontools_service_last_signal", "gauge",
	  "Signal that ended the last run of run, 0 if it exited.", SVPROM_EXIT, v_signal },
	{ "daemontools_service_processes", "gauge",
	  "Processes in the service's cgroup.", SVPROM_PROCS, v_procs },
	{ "daemontools_service_memory_bytes", "gauge",
	  "Memory used by the service's cgroup (memory.current).", SVPROM_MEMORY, v_memory },
	{ "daemontools_service_cpu_seconds_total", "counter",
	  "CPU time used by the service's cgroup (cpu.stat usage_usec).", SVPROM_CPU, v_cpu },
	{ "daemontools_service_oom_kills_total", "counter",
	  "Processes of the service's cgroup killed by the OOM killer (memory.events oom_kill).",
	  SVPROM_OOM, v_oom },
};

/* NAME{service="LABEL"[,state="STATE"]} VALUE */
static void sample(struct w *w, const char *name, const struct svprom_service *s,
		   const char *state, const char *value)
{
	puts_(w, name);
	puts_(w, "{service=\"");
	put(w, s->label, s->label_len);
	if (state) {
		puts_(w, "\",state=\"");
		puts_(w, state);
	}
	puts_(w, "\"} ");
	puts_(w, value);
	puts_(w, "\n");
}

static void family(struct w *w, const struct family *f, const struct svprom_service *sv,
		   size_t n)
{
	char v[64];
	size_t i;
	int st;

	for (i = 0; i < n && !(sv[i].have & f->have); i++)
		;
	if (i == n)
		return;
	puts_(w, "# HELP ");
	puts_(w, f->name);
	puts_(w, " ");
	puts_(w, f->help);
	puts_(w, "\n# TYPE ");
	puts_(w, f->name);
	puts_(w, " ");
	puts_(w, f->type);
	puts_(w, "\n");
	for (; i < n; i++) {
		if (!(sv[i].have & f->have))
			continue;
		if (f->value) {
			f->value(&sv[i], v);
			sample(w, f->name, &sv[i], NULL, v);
			continue;
		}
		for (st = 0; st < SVS_NSTATES; st++)
			sample(w, f->name, &sv[i], svstate_name((enum svstate_state)st),
			       sv[i].state == (enum svstate_state)st ? "1" : "0");
	}
}

void svprom_format(const struct svprom_service *sv, size_t n,
		   void (*putfn)(void *ctx, const char *s, size_t len), void *ctx)
{
	struct w w;
	size_t f;

	w.put = putfn;
	w.ctx = ctx;
	w.n = 0;
	for (f = 0; f < sizeof families / sizeof families[0]; f++)
		family(&w, &families[f], sv, n);
	flush(&w);
}

/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <dt/cglimit.h>
#include <dt/oneline.h>
#include <dt/scan.h>

/* The kernel's own bounds (include/linux/threads.h, kernel/sched/core.c,
 * include/linux/cgroup.h), repeated here so a bad value is refused with a
 * reason before run starts instead of by a bare EINVAL from the write. */
#define PIDS_LIMIT 4194304ULL        /* PID_MAX_LIMIT on 64-bit */
#define CPU_PERIOD_MIN 1000ULL       /* 1 ms in microseconds */
#define CPU_PERIOD_MAX 1000000ULL    /* 1 s */
#define CPU_QUOTA_MAX ((1ULL << 44) - 1)
#define WEIGHT_MIN 1ULL
#define WEIGHT_MAX 10000ULL
#define TEXT_MAX 128

static const struct {
	const char *name;
	const char *controller;
	const char *dflt;
} files[CGL_COUNT] = {
	[CGL_MEMORY_MAX] = { "memory.max", "memory", "max" },
	[CGL_MEMORY_HIGH] = { "memory.high", "memory", "max" },
	[CGL_PIDS_MAX] = { "pids.max", "pids", "max" },
	[CGL_CPU_MAX] = { "cpu.max", "cpu", "max" },
	[CGL_CPU_WEIGHT] = { "cpu.weight", "cpu", "100" },
	[CGL_IO_WEIGHT] = { "io.weight", "io", "default 100" },
};

const char *cglimit_name(enum cglimit_kind k)
{
	return (unsigned)k < CGL_COUNT ? files[k].name : "unknown";
}

const char *cglimit_controller(enum cglimit_kind k)
{
	return (unsigned)k < CGL_COUNT ? files[k].controller : "unknown";
}

const char *cglimit_default(enum cglimit_kind k)
{
	return (unsigned)k < CGL_COUNT ? files[k].dflt : "";
}

/* The value without the blanks around it into buf (oneline.h's rule). */
static int trim(const char *text, size_t len, char *buf, const char **why)
{
	int r = oneline_value(text, len, buf, TEXT_MAX, why);

	if (r == -EINVAL)
		*why = "more than one line (the kernel takes one setting)";
	return r < 0 ? -EINVAL : 0;
}

/* A decimal number at *s, which then points past it: -EINVAL if none. */
static int number(const char **s, unsigned long long *v, const char **why)
{
	uint64_t u;
	int n = scan_u64_prefix(*s, &u);

	if (n == -ERANGE)
		return *why = "number too large", -ERANGE;
	if (n <= 0)
		return *why = "not a number", -EINVAL;
	*s += n;
	*v = u;
	return 0;
}

static int skip_blanks(const char **s)
{
	int n = 0;

	while (**s == ' ' || **s == '\t')
		(*s)++, n++;
	return n;
}

static int memory(const char *s, char *out, size_t size, const char **why)
{
	static const char suffixes[] = "kmgtpe";
	unsigned long long v;
	const char *p;
	int r, shift = 0;

	if (strcmp(s, "max") == 0)
		return snprintf(out, size, "max");
	r = number(&s, &v, why);
	if (r < 0)
		return r;
	if (*s) {
		p = strchr(suffixes, *s | 0x20);
		if (!p)
			return *why = "unknown unit (K, M, G, T, P or E)", -EINVAL;
		shift = 10 * (int)(p - suffixes + 1);
		if (s[1])
			return *why = "garbage after the unit", -EINVAL;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return *why = "number too large", -ERANGE;
	return snprintf(out, size, "%llu", v << shift);
}

static int ranged(const char *s, unsigned long long lo, unsigned long long hi,
		  unsigned long long *v, const char **why)
{
	int r = number(&s, v, why);

	if (r < 0)
		return r;
	if (*s)
		return *why = "not a number", -EINVAL;
	if (*v < lo || *v > hi)
		return *why = "out of range", -ERANGE;
	return 0;
}

static int pids(const char *s, char *out, size_t size, const char **why)
{
	unsigned long long v;
	int r;

	if (strcmp(s, "max") == 0)
		return snprintf(out, size, "max");
	r = ranged(s, 0, PIDS_LIMIT, &v, why);
	return r < 0 ? r : snprintf(out, size, "%llu", v);
}

static int cpu_max(const char *s, char *out, size_t size, const char **why)
{
	unsigned long long quota = 0, period;
	int inf = 0, r;

	if (strncmp(s, "max", 3) == 0 && (s[3] == '\0' || s[3] == ' ' || s[3] == '\t')) {
		inf = 1;
		s += 3;
	} else {
		r = number(&s, &quota, why);
		if (r < 0)
			return *why = "QUOTA is neither max nor a number", r;
		if (*s && *s != ' ' && *s != '\t')
			return *why = "garbage after QUOTA", -EINVAL;
		if (quota < CPU_PERIOD_MIN || quota > CPU_QUOTA_MAX)
			return *why = "QUOTA out of range (1000 microseconds or more)", -ERANGE;
	}
	if (!*s)
		return inf ? snprintf(out, size, "max") : snprintf(out, size, "%llu", quota);
	if (!skip_blanks(&s))
		return *why = "garbage after QUOTA", -EINVAL;
	r = ranged(s, CPU_PERIOD_MIN, CPU_PERIOD_MAX, &period, why);
	if (r < 0)
		return *why = r == -ERANGE ? "PERIOD out of range (1000..1000000 microseconds)"
					   : "PERIOD is not a number", r;
	if (inf)
		return snprintf(out, size, "max %llu", period);
	return snprintf(out, size, "%llu %llu", quota, period);
}

static int weight(const char *s, unsigned long long *v, const char **why)
{
	int r = ranged(s, WEIGHT_MIN, WEIGHT_MAX, v, why);

	if (r == -ERANGE)
		*why = "weight out of range (1..10000)";
	return r;
}

static int io_weight(const char *s, char *out, size_t size, const char **why)
{
	unsigned long long maj, min, v;
	int r;

	if (strncmp(s, "default", 7) == 0 && (s[7] == ' ' || s[7] == '\t')) {
		s += 7;
		skip_blanks(&s);
	} else if (strchr(s, ':')) {
		if (number(&s, &maj, why) < 0 || *s++ != ':' || number(&s, &min, why) < 0)
			return *why = "device is not MAJOR:MINOR", -EINVAL;
		if (!skip_blanks(&s))
			return *why = "no weight after the device", -EINVAL;
		if (strcmp(s, "default") == 0)
			return snprintf(out, size, "%llu:%llu default", maj, min);
		r = weight(s, &v, why);
		return r < 0 ? r : snprintf(out, size, "%llu:%llu %llu", maj, min, v);
	}
	r = weight(s, &v, why);
	return r < 0 ? r : snprintf(out, size, "default %llu", v);
}

int cglimit_parse(enum cglimit_kind k, const char *text, size_t len, char *out, size_t size,
		  const char **why)
{
	char buf[TEXT_MAX];
	const char *dummy;
	unsigned long long v;
	int r;

	if (!why)
		why = &dummy;
	*why = "";
	r = trim(text, len, buf, why);
	if (r < 0)
		return r;
	switch (k) {
	case CGL_MEMORY_MAX:
	case CGL_MEMORY_HIGH:
		r = memory(buf, out, size, why);
		break;
	case CGL_PIDS_MAX:
		r = pids(buf, out, size, why);
		break;
	case CGL_CPU_MAX:
		r = cpu_max(buf, out, size, why);
		break;
	case CGL_CPU_WEIGHT:
		r = weight(buf, &v, why);
		if (r >= 0)
			r = snprintf(out, size, "%llu", v);
		break;
	case CGL_IO_WEIGHT:
		r = io_weight(buf, out, size, why);
		break;
	default:
		return *why = "unknown limit file", -EINVAL;
	}
	if (r >= 0 && (size_t)r >= size)
		return *why = "value buffer too small", -ENOSPC;
	return r;
}

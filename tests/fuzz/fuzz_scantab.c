/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: svscan's service table fed names and operations from
 * arbitrary bytes (directory entry names are outside input: any bytes but
 * '/' and NUL), checked against a plain model; the one-line form of a
 * name for messages; the meaning of any inotify event mask.
 * Input: operations of 4 bytes (op, key, arg, name length), names taken
 * from the rest. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dt/scantab.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)
#define KEYS 16
#define MAX 8

static int unesc(const char *s, char *out)
{
	size_t n = 0;

	while (*s) {
		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		if (s[1] == 'n' || s[1] == 't') {
			out[n++] = s[1] == 'n' ? '\n' : '\t';
			s += 2;
		} else if (s[1] == 'x' && s[2] && s[3]) {
			char h[3] = { s[2], s[3], 0 };

			out[n++] = (char)strtol(h, NULL, 16);
			s += 4;
		} else {
			out[n++] = *s++; /* a backslash of the name itself */
		}
	}
	out[n] = 0;
	return (int)n;
}

static void printable(const char *name)
{
	static char full[SCANTAB_PRINTABLE_MAX + 1024], part[64], back[1024];
	size_t len = strlen(name), n, m, i;

	n = scantab_name_printable(name, full, sizeof full);
	CHECK(n == strlen(full) && n < sizeof full);
	for (i = 0; i < n; i++)
		CHECK((unsigned char)full[i] >= 0x20 && full[i] != 0x7f);
	if (len <= SCANTAB_NAME_MAX) {
		CHECK(n < SCANTAB_PRINTABLE_MAX);
		/* a name without backslashes comes back exactly */
		if (!strchr(name, '\\')) {
			unesc(full, back);
			CHECK(strcmp(back, name) == 0);
		}
	}
	for (m = 1; m <= sizeof part; m += 7) {
		size_t k = scantab_name_printable(name, part, m);

		CHECK(k < m && k == strlen(part) && strncmp(part, full, k) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scantab t;
	long where[KEYS];
	int running[KEYS][2];
	char name[SCANTAB_NAME_MAX + 64];
	size_t ops = size / 8, i, j, live = 0, namepos = ops * 4;
	uint64_t now = 5 * SCANTAB_SEC;

	scantab_init(&t, MAX);
	for (i = 0; i < KEYS; i++)
		where[i] = -1;
	memset(running, 0, sizeof running);
	for (i = 0; i < ops; i++) {
		const uint8_t *op = data + 4 * i;
		unsigned k = op[1] % KEYS, w = op[2] & 1;
		size_t nl = op[3] + (op[0] & 0x80 ? 200 : 0);
		long r;

		if (nl > size - namepos)
			nl = size - namepos;
		memcpy(name, data + namepos, nl > sizeof name - 1 ? sizeof name - 1 : nl);
		name[nl > sizeof name - 1 ? sizeof name - 1 : nl] = 0;
		namepos += nl;
		now += (uint64_t)op[2] * SCANTAB_SEC / 16;
		switch (op[0] % 6) {
		case 0:
			if (where[k] >= 0)
				break;
			r = scantab_add(&t, 1, 1000 + k, name);
			if (strlen(name) > SCANTAB_NAME_MAX)
				CHECK(r == -ENAMETOOLONG);
			else if (live >= MAX)
				CHECK(r == -ENOSPC);
			else {
				CHECK(r >= 0 && (size_t)r == live);
				CHECK(strcmp(t.v[r].name, name) == 0 && t.v[r].pipe_rd == -1);
				where[k] = r;
				live++;
			}
			break;
		case 1:
			if (where[k] < 0 || running[k][0] || running[k][1])
				break;
			/* drop: the last entry moves into its place */
			for (j = 0; j < KEYS; j++)
				if (where[j] == (long)live - 1)
					where[j] = where[k];
			scantab_drop(&t, (size_t)where[k]);
			where[k] = -1;
			live--;
			break;
		case 2:
			if (where[k] < 0 || running[k][w])
				break;
			scantab_started(&t.v[where[k]], w, (pid_t)(100 + 2 * k + w), now);
			running[k][w] = 1;
			break;
		case 3:
			if (where[k] < 0 || !running[k][w])
				break;
			scantab_exited(&t.v[where[k]], w, now);
			running[k][w] = 0;
			CHECK(t.v[where[k]].p[w].due_ns <= now + SCANTAB_BACKOFF_MAX);
			break;
		case 4:
			if (where[k] >= 0 && scantab_touch(&t, (size_t)where[k], name) == 0)
				CHECK(strcmp(t.v[where[k]].name, name) == 0);
			break;
		default:
			scantab_inotify_verdict((uint32_t)op[1] << 24 | (uint32_t)op[2] << 8 | op[3]);
			printable(name);
			break;
		}
		CHECK(t.n == live && t.n <= MAX);
		for (j = 0; j < KEYS; j++) {
			enum scantab_which wh;
			uint64_t next = 0;

			CHECK(scantab_find(&t, 1, 1000 + j) == where[j]);
			if (where[j] < 0)
				continue;
			CHECK(strlen(t.v[where[j]].name) <= SCANTAB_NAME_MAX);
			if (running[j][1])
				CHECK(scantab_find_pid(&t, (pid_t)(100 + 2 * j + 1), &wh) == where[j] &&
				      wh == SCANTAB_LOG);
			/* a running supervise is never due for another start */
			if (running[j][0])
				CHECK(!scantab_due(&t.v[where[j]], SCANTAB_MAIN, now, &next));
		}
	}
	scantab_free(&t);
	return 0;
}

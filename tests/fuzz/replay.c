/* SPDX-License-Identifier: ISC */
/* Replays a libFuzzer harness's corpus without libFuzzer, so `make check`
 * runs every seed and crash regression of tests/fuzz/corpus with the
 * normal compiler (and, in a --enable-sanitizers build, under ASan and
 * UBSan). Linked with one fuzz_*.c; prints TAP.
 *   replay [DIR|FILE]...   default: $DT_SRCDIR/tests/fuzz/corpus/NAME
 * Test point 1 is the empty input (libFuzzer always runs it too); then one
 * test point per argument, with the count of inputs it ran. Each input
 * runs in a child of its own, so a trap, abort or sanitizer report fails
 * that test point, names the input, and the replay goes on with the rest.
 * A corpus directory that is missing or empty fails: it is part of the
 * tree. The harness's name comes from the program's: replay_NAME. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static const char *name;
static int tapno;

/* Reads all of path into a buffer of exactly its size (so a sanitizer sees
 * any read past the end); *len is the size. NULL on error, errno set. */
static uint8_t *slurp(const char *path, size_t *len)
{
	uint8_t *buf = NULL, *nb;
	size_t cap = 0, n = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			nb = realloc(buf, cap);
			if (!nb)
				goto fail;
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	nb = malloc(n ? n : 1);
	if (!nb) {
		free(buf);
		return NULL;
	}
	memcpy(nb, buf, n);
	free(buf);
	*len = n;
	return nb;
fail:
	r = errno;
	free(buf);
	close(fd);
	errno = (int)r;
	return NULL;
}

/* Runs one input (path, or the empty input when path is NULL) in a child.
 * Returns 0 if the harness returned, else -1 after a diagnostic line. */
static int one(const char *path)
{
	const char *what = path ? path : "(empty input)";
	uint8_t *data = NULL;
	size_t len = 0;
	int st;
	pid_t pid;

	if (path && !(data = slurp(path, &len))) {
		printf("# %s: unable to read: %s\n", what, strerror(errno));
		return -1;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("# %s: unable to fork: %s\n", what, strerror(errno));
		free(data);
		return -1;
	}
	if (pid == 0) {
		/* stdout is the TAP stream: a harness's chatter goes to stderr */
		dup2(2, 1);
		LLVMFuzzerTestOneInput(data ? data : (const uint8_t *)"", len);
		free(data);
		exit(0); /* exit, not _exit: LeakSanitizer runs at exit */
	}
	free(data);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			printf("# %s: unable to wait: %s\n", what, strerror(errno));
			return -1;
		}
	if (WIFSIGNALED(st)) {
		printf("# %s: killed by signal %d (%s)\n", what, WTERMSIG(st),
		       strsignal(WTERMSIG(st)));
		return -1;
	}
	if (WEXITSTATUS(st) != 0) {
		printf("# %s: exit %d\n", what, WEXITSTATUS(st));
		return -1;
	}
	return 0;
}

static int notdot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* One test point: every file of a directory (sorted), or one file. */
static int replay(const char *arg, const char *label)
{
	struct dirent **ents;
	struct stat sb;
	char path[4096];
	int i, n, bad = 0, ran = 0;

	tapno++;
	if (stat(arg, &sb) < 0) {
		printf("not ok %d - %s: %s: %s\n", tapno, name, label, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		bad = one(arg) < 0;
		printf("%sok %d - %s: %s (1 input)\n", bad ? "not " : "", tapno, name, label);
		return bad ? -1 : 0;
	}
	n = scandir(arg, &ents, notdot, alphasort);
	if (n < 0) {
		printf("not ok %d - %s: %s: %s\n", tapno, name, label, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", arg, ents[i]->d_name);
		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
			ran++;
			bad += one(path) < 0;
		}
		free(ents[i]);
	}
	free(ents);
	if (ran == 0) {
		printf("not ok %d - %s: %s: no inputs\n", tapno, name, label);
		return -1;
	}
	if (bad)
		printf("not ok %d - %s: %s: %d of %d inputs failed\n", tapno, name, label, bad, ran);
	else
		printf("ok %d - %s: %s (%d input%s)\n", tapno, name, label, ran, ran == 1 ? "" : "s");
	return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
	char def[4096], lab[256];
	const char *src;
	int i, st = 0;

	name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (strncmp(name, "replay_", 7) == 0)
		name += 7;
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	if (argc < 2) {
		src = getenv("DT_SRCDIR");
		snprintf(lab, sizeof lab, "tests/fuzz/corpus/%s", name);
		snprintf(def, sizeof def, "%s/%s", src ? src : ".", lab);
		printf("1..2\n");
	} else {
		printf("1..%d\n", argc);
	}
	tapno++;
	if (one(NULL) < 0) {
		printf("not ok %d - %s: the empty input\n", tapno, name);
		st = 1;
	} else {
		printf("ok %d - %s: the empty input\n", tapno, name);
	}
	if (argc < 2)
		st |= replay(def, lab) < 0;
	for (i = 1; i < argc; i++)
		st |= replay(argv[i], argv[i]) < 0;
	return st;
}

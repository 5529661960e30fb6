/* SPDX-License-Identifier: ISC */
/* Test helper: a service that writes numbered lines "PID N\n" on stdout as
 * fast as the pipe takes them, so the fault and load tests can prove that
 * no line is lost, doubled or reordered on the way to the log.
 *
 *   numlines [-n MAX] [-b BURST -p PAUSE_MS] DIR
 *
 * At start it creates DIR/start.PID. It writes whole lines only, at most
 * PIPE_BUF bytes per write(2), so a pipe never holds a torn line of ours.
 * It stops writing when DIR/stop exists, after MAX lines (0: no limit), or
 * on SIGTERM; then it records the last N it wrote in DIR/count.PID (by
 * rename, so a reader never sees a half-written number). On SIGTERM it
 * exits 0; otherwise it stays alive (pause) until signalled, so a
 * supervisor does not start another copy.
 *
 * With -b and -p it writes BURST lines as fast as the pipe takes them, then
 * sleeps PAUSE_MS, and again: a burst of a few pipe-fulls keeps every
 * stage busy (the pipe full, the logger mid-buffer) while the pauses bound
 * what a test writes to disk; Debian's multilog alone takes 5 million
 * lines a second. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_term;

static void on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

static void put_file(const char *dir, const char *kind, long pid, const char *text)
{
	char tmp[PATH_MAX], final[PATH_MAX];
	int fd;

	snprintf(tmp, sizeof tmp, "%s/.%s.%ld", dir, kind, pid);
	snprintf(final, sizeof final, "%s/%s.%ld", dir, kind, pid);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, text, strlen(text)) < 0) {
		/* best effort: the checker then finds no count */
	}
	close(fd);
	rename(tmp, final);
}

/* Writes all of buf, or fails. A write of at most PIPE_BUF bytes to a
 * pipe is atomic, so EINTR means nothing was written. */
static int write_lines(const char *buf, size_t len)
{
	for (;;) {
		ssize_t n = write(1, buf, len);

		if (n == (ssize_t)len)
			return 0;
		if (n < 0 && errno == EINTR && !got_term)
			continue;
		return -1;
	}
}

static void nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	char stop[PATH_MAX], buf[PIPE_BUF], num[32];
	struct sigaction sa;
	unsigned long long n = 0, max = 0, burst = 0, in_burst = 0;
	long pid = (long)getpid(), pause_ms = 0;
	unsigned long writes = 0;
	int c;

	while ((c = getopt(argc, argv, "n:b:p:")) != -1) {
		if (c == 'n')
			max = strtoull(optarg, NULL, 10);
		else if (c == 'b')
			burst = strtoull(optarg, NULL, 10);
		else if (c == 'p')
			pause_ms = strtol(optarg, NULL, 10);
		else
			return 100;
	}
	if (optind != argc - 1) {
		fputs("usage: numlines [-n MAX] [-b BURST -p PAUSE_MS] DIR\n", stderr);
		return 100;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term; /* no SA_RESTART: a blocked write returns */
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	snprintf(stop, sizeof stop, "%s/stop", argv[optind]);
	put_file(argv[optind], "start", pid, "");

	while (!got_term && (!max || n < max)) {
		size_t len = 0;
		unsigned long long k = n;

		/* Check the stop file every 64 writes: cheap enough, and a
		 * test's "stop" is seen within a few milliseconds. */
		if ((writes++ & 63) == 0 && access(stop, F_OK) == 0)
			break;
		for (;;) {
			int m = snprintf(buf + len, sizeof buf - len, "%ld %llu\n", pid, k + 1);

			if (m < 0 || (size_t)m >= sizeof buf - len || (max && k >= max))
				break;
			len += (size_t)m;
			k++;
		}
		if (write_lines(buf, len) < 0)
			break;
		in_burst += k - n;
		n = k;
		if (burst && in_burst >= burst && pause_ms > 0) {
			in_burst = 0;
			nap(pause_ms);
		}
	}
	snprintf(num, sizeof num, "%llu\n", n);
	put_file(argv[optind], "count", pid, num);
	if (got_term)
		return 0;
	while (!got_term)
		pause();
	return 0;
}

/* SPDX-License-Identifier: ISC */
/* multilog's standard input: on a pipe, bytes stay in the pipe until they
 * are in their files (see multilog_in.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dt/fdio.h>

#include "multilog_in.h"

enum { EV_IN, EV_SIG };

/* tee copies into the private pipe only as many buffers as it has slots:
 * with as many as stdin, one tee sees all that stdin holds. Returns 1
 * when it grew the private pipe, 0 when it was large enough, -1. */
static int match_size(struct mlin *in)
{
	int want = fcntl(0, F_GETPIPE_SZ), have = fcntl(in->priv[1], F_GETPIPE_SZ);

	if (want < 0 || have < 0)
		return -1;
	if (have >= want)
		return 0;
	return fcntl(in->priv[1], F_SETPIPE_SZ, want) < want ? -1 : 1;
}

static void close_hold(struct mlin *in)
{
	if (in->priv[0] >= 0)
		close(in->priv[0]);
	if (in->priv[1] >= 0)
		close(in->priv[1]);
	if (in->null >= 0)
		close(in->null);
	if (in->ev.epfd >= 0)
		lx_evloop_close(&in->ev);
	in->priv[0] = in->priv[1] = in->null = in->ev.epfd = -1;
	in->hold = 0;
}

void mlin_open(struct mlin *in, int sigfd)
{
	struct stat st;

	memset(in, 0, sizeof *in);
	in->sigfd = sigfd;
	in->priv[0] = in->priv[1] = in->null = in->ev.epfd = -1;
	in->more = 1;
	/* Below 64 KiB (the default), the bytes held (an unfinished line,
	 * up to 16 KiB of a line cut by a full buffer) could fill it. */
	if (fstat(0, &st) < 0 || !S_ISFIFO(st.st_mode) || fcntl(0, F_GETPIPE_SZ) < 65536)
		return;
	in->hold = 1;
	in->null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (in->null < 0 || pipe2(in->priv, O_CLOEXEC | O_NONBLOCK) < 0 || match_size(in) < 0 ||
	    lx_evloop_open(&in->ev) < 0 ||
	    lx_evloop_add(&in->ev, 0, EPOLLIN | EPOLLET, EV_IN) < 0 ||
	    lx_evloop_add(&in->ev, sigfd, EPOLLIN, EV_SIG) < 0)
		close_hold(in);
}

static int wait_plain(struct mlin *in, int timeout_ms, int *input, int *sig)
{
	struct pollfd pf[2] = { { 0, POLLIN, 0 }, { in->sigfd, POLLIN, 0 } };
	int r = poll(pf, 2, timeout_ms);

	if (r < 0)
		return -errno;
	*input = pf[0].revents != 0;
	*sig = pf[1].revents != 0;
	return r > 0;
}

int mlin_wait(struct mlin *in, int timeout_ms, int *input, int *sig)
{
	struct lx_event ev[2];
	int i, n;

	if (!in->hold)
		return wait_plain(in, timeout_ms, input, sig);
	/* Bytes may be there already: look for signals without waiting. */
	n = lx_evloop_wait(&in->ev, ev, 2, in->more || in->left ? 0 : timeout_ms);
	if (n < 0)
		return n;
	*sig = 0;
	for (i = 0; i < n; i++) {
		if (ev[i].tag == EV_IN)
			in->more = 1;
		else
			*sig = 1;
	}
	*input = in->more || in->left;
	return *input || *sig;
}

/* Throws away n bytes at the head of pipe fd: spliced to /dev/null, which
 * moves page references only; read into scratch if splice refuses. */
static void discard(struct mlin *in, int fd, size_t n)
{
	char scratch[4096];

	while (n) {
		ssize_t r = splice(fd, NULL, in->null, NULL, n, SPLICE_F_NONBLOCK);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno != EAGAIN)
			r = read(fd, scratch, n < sizeof scratch ? n : sizeof scratch);
		if (r <= 0)
			return; /* gone already: nobody but us reads either pipe */
		n -= (size_t)r;
	}
}

/* No writer is left: what the pipe holds now is all there will be. */
static int hung_up(void)
{
	struct pollfd pf = { 0, POLLIN, 0 };

	return poll(&pf, 1, 0) == 1 && (pf.revents & POLLHUP);
}

/* One tee of everything stdin holds (the private pipe is as large): > 0
 * new bytes in the private pipe after the held ones, 0 none (the private
 * pipe then holds what tee copied), -errno. */
static ssize_t tee_new(struct mlin *in, size_t held, size_t *copied)
{
	ssize_t n = tee(0, in->priv[1], (size_t)INT_MAX, SPLICE_F_NONBLOCK);

	*copied = n > 0 ? (size_t)n : 0;
	if (n < 0)
		return -errno;
	if ((size_t)n < held && match_size(in) == 1) {
		/* stdin grew since (its writer's F_SETPIPE_SZ): look again. */
		discard(in, in->priv[0], (size_t)n);
		return tee_new(in, held, copied);
	}
	return (size_t)n > held ? n - (ssize_t)held : 0;
}

/* A tee copies from the head of stdin, so it copies again the bytes held
 * there for the round still being written; so it copies all stdin has,
 * and the reads that follow take the new bytes from the private pipe
 * until it is empty: one tee per pipeful, not one per read. */
static ssize_t tee_more(struct mlin *in)
{
	size_t held = (size_t)(in->copied - in->dropped), copied;
	ssize_t n = tee_new(in, held, &copied);

	if (n == 0 && copied == 0 && held == 0)
		return 0; /* empty, and no writer: end of input */
	if (n == 0 && held && hung_up()) {
		/* Nothing new, no writer: unless it wrote just before it left,
		 * the held bytes are the last. */
		discard(in, in->priv[0], copied);
		n = tee_new(in, held, &copied);
		if (n == 0) {
			discard(in, in->priv[0], copied);
			return 0;
		}
	}
	if (n <= 0) {
		if (n == 0 || n == -EAGAIN) {
			discard(in, in->priv[0], copied);
			in->more = 0;
			return -EAGAIN;
		}
		return n;
	}
	discard(in, in->priv[0], held);
	in->left = (size_t)n;
	return n;
}

static ssize_t read_held(struct mlin *in, char *buf, size_t max)
{
	ssize_t r;

	if (in->left == 0) {
		r = tee_more(in);
		if (r <= 0)
			return r;
	}
	r = fd_read_full(in->priv[0], buf, max < in->left ? max : in->left);
	if (r < 0)
		return r;
	in->left -= (size_t)r;
	in->copied += (uint64_t)r;
	return r;
}

ssize_t mlin_read(struct mlin *in, char *buf, size_t max)
{
	ssize_t n;

	if (in->hold) {
		n = read_held(in, buf, max);
		if (n != -EINVAL || in->copied)
			return n;
		close_hold(in); /* not a pipe tee can read after all */
	}
	return fd_read(0, buf, max);
}

void mlin_done(struct mlin *in, uint64_t upto)
{
	if (!in->hold || upto <= in->dropped)
		return;
	discard(in, 0, (size_t)(upto - in->dropped));
	in->dropped = upto;
	in->more = 1; /* room again: a tee may now see what it could not */
}

int mlin_owes(const struct mlin *in, uint64_t upto)
{
	return in->hold && upto > in->dropped;
}

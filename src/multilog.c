/* SPDX-License-Identifier: ISC */
/* multilog: daemontools 0.76's logger, written through io_uring.
 * The script is parsed by mlscript, lines are cut and selected by mlproc,
 * log directories are written and rotated by multilog_write.c and
 * multilog_dir.c (see multilog.h); this file reads stdin, handles signals
 * and decides what to say when something fails. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <dt/die.h>
#include <dt/exitcode.h>
#include <dt/fdio.h>
#include <dt/mlproc.h>
#include <dt/mlscript.h>
#include <lx/evloop.h>
#include <lx/sigfd.h>
#include <lx/uring_log.h>

#include "multilog.h"
#include "multilog_in.h"

#define INBUF (256 * 1024)
#define ERRBUF (16 * 1024)
#define PAUSE_NS 5000000000ULL /* 0.76's pause before every retry */
/* A line that a full buffer cut in two leaves the pipe only whole, so a
 * restart reads it again from its start; past this much of it, its bytes
 * go as they are written (as 0.76 split long lines), or holding them
 * could fill the pipe. */
#define LINE_HOLD (16 * 1024)

struct ml {
	struct mlscript sc;
	struct mlproc proc;
	struct mlog w;
	struct mlog_dir *dirs;
	struct mlbuf **outs, err;
	char *files;
	unsigned char *dirty;
	int *filefd;
	struct lx_sigfd sig;
	sigset_t child_mask;
	struct mlin input;
	char *in;
	size_t have, pos;
	uint64_t fed;  /* input bytes mlproc has taken, since the start */
	uint64_t mark; /* done_upto when the round in flight was started */
	uint64_t line_start; /* fed where the line mlproc is inside began */
	int term; /* 1: SIGTERM seen; 2: and read once since */
	int said; /* the current pause has been reported */
};

/* Sleeps through the whole pause: signals stay pending meanwhile, as in
 * 0.76, which blocked them outside its read(). */
static void pause_5s(void)
{
	struct timespec ts = { PAUSE_NS / 1000000000ULL, 0 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* 0.76's words for each step: PRE + directory + POST (+ the file's name). */
struct step_text {
	const char *pre, *post;
	int with_name, no_reason;
};

static const struct step_text texts[] = {
	[MLOG_WRITE] = { "unable to write to ", "/current", 0, 0 },
	[MLOG_FSYNC_CURRENT] = { "unable to write ", "/current to disk", 0, 0 },
	[MLOG_RENAME_CURRENT] = { "unable to rename current to previous in directory ", "", 0, 0 },
	[MLOG_CREATE_CURRENT] = { "unable to create ", "/current", 0, 0 },
	[MLOG_CHMOD_CURRENT] = { "unable to set mode of ", "/current", 0, 0 },
	[MLOG_CHMOD_PREVIOUS] = { "unable to set mode of ", "/previous", 0, 0 },
	[MLOG_STAT] = { "unable to stat ", "/", 1, 0 },
	[MLOG_LINK] = { "unable to link to ", "/", 1, 0 },
	[MLOG_REMOVE] = { "unable to remove ", "/", 1, 0 },
	[MLOG_READDIR] = { "unable to read ", "", 0, 0 },
	[MLOG_FORK] = { "unable to fork for processor in ", "", 0, 0 },
	[MLOG_WAIT] = { "wait failed for processor in ", "", 0, 0 },
	[MLOG_PROC_CRASHED] = { "processor crashed in ", "", 0, 1 },
	[MLOG_PROC_FAILED] = { "processor failed in ", "", 0, 1 },
	[MLOG_CREATE_PROCESSED] = { "unable to create ", "/processed", 0, 0 },
	[MLOG_FSYNC_PROCESSED] = { "unable to write ", "/processed to disk", 0, 0 },
	[MLOG_CHMOD_PROCESSED] = { "unable to set mode of ", "/processed", 0, 0 },
	[MLOG_CREATE_NEWSTATE] = { "unable to create ", "/newstate", 0, 0 },
	[MLOG_FSYNC_NEWSTATE] = { "unable to write ", "/newstate to disk", 0, 0 },
	[MLOG_RENAME_NEWSTATE] = { "unable to rename newstate to state in directory ", "", 0, 0 },
	[MLOG_FSYNC_DIR] = { "unable to write directory ", " to disk", 0, 0 },
	[MLOG_OPEN_DIR] = { "unable to open directory ", "", 0, 0 },
	[MLOG_LOCK] = { "unable to lock directory ", "", 0, 0 },
	[MLOG_STAT_CURRENT] = { "unable to stat ", "/current", 0, 0 },
	[MLOG_APPEND_CURRENT] = { "unable to append to ", "/current", 0, 0 },
	[MLOG_STAT_PROCESSED] = { "unable to stat ", "/processed", 0, 0 },
	[MLOG_WRITE_STATE] = { "unable to write to ", "/state", 0, 0 },
	[MLOG_WRITE_CURRENT] = { "unable to write to ", "/current", 0, 0 },
};

static void say(int fatal, const struct mlog_dir *d, enum mlog_step step, int err,
		const char *name)
{
	const struct step_text *t = &texts[step];
	const char *nm = t->with_name && name ? name : "";

	if (fatal)
		dt_die_errno(DT_EX_TEMP, err, "%s%s%s%s", t->pre, d->path, t->post, nm);
	if (t->no_reason)
		dt_warn("%s%s%s%s, pausing", t->pre, d->path, t->post, nm);
	else
		dt_warn_errno(err, "%s%s%s%s, pausing", t->pre, d->path, t->post, nm);
}

/* 0.76 repeated its warning every 5 s; we say it once per outage. */
static void on_pause(void *ctx, const struct mlog_dir *d, enum mlog_step step, int err,
		     const char *name)
{
	struct ml *m = ctx;

	if (!m->said)
		say(0, d, step, err, name);
	m->said = 1;
	pause_5s();
}

static void on_resumed(void *ctx, const struct mlog_dir *d)
{
	((struct ml *)ctx)->said = 0;
}

static void on_exec_failed(void *ctx, const struct mlog_dir *d, int err)
{
	dt_die_errno(DT_EX_TEMP, err, "unable to run %s", d->processor);
}

/* Room for every e action of the script to fire on one line (each adds up
 * to MLPROC_ERRLINE bytes), and at least ERRBUF so lines batch up. */
static size_t err_cap(const struct mlscript *sc)
{
	size_t i, n = 0;

	for (i = 0; i < sc->nacts; i++)
		if (sc->acts[i].kind == MLACT_STDERR)
			n++;
	return n * MLPROC_ERRLINE > ERRBUF ? n * MLPROC_ERRLINE : ERRBUF;
}

static void *alloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		dt_die(DT_EX_TEMP, "out of memory");
	return p;
}

static void parse_script(struct ml *m, int argc, char **argv)
{
	char msg[512];
	size_t i;

	if (mlscript_parse(argc, argv, &m->sc) < 0)
		dt_die(DT_EX_TEMP, "out of memory");
	for (i = 0; i < m->sc.nwarns; i++) {
		mlscript_warn_format(&m->sc.warns[i], msg, sizeof msg);
		dt_warn("%s", msg);
	}
}

/* compat: 0.76 creates each =file (mode 0600) before any log directory,
 * relative to the starting directory. */
static void open_files(struct ml *m, int startfd)
{
	size_t i;

	m->filefd = alloc(m->sc.nfiles * sizeof *m->filefd);
	m->files = alloc(m->sc.nfiles * MLPROC_FILELINE);
	m->dirty = alloc(m->sc.nfiles);
	for (i = 0; i < m->sc.nfiles; i++) {
		const char *f = m->sc.files[i];
		int fd = openat(startfd, f, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

		if (fd < 0)
			dt_die_sys(DT_EX_TEMP, "unable to create %s", f);
		close(fd);
		m->filefd[i] = openat(startfd, f, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (m->filefd[i] < 0)
			dt_die_sys(DT_EX_TEMP, "unable to write %s", f);
	}
}

/* Output buffers: about 1 MiB in all, 32 to 256 KiB per directory. */
static void open_dirs(struct ml *m, int startfd)
{
	size_t i, n = m->sc.ndirs, cap = n ? (1024 * 1024) / n : 0;
	struct mlog_hooks h = { on_pause, on_resumed, on_exec_failed, m, &m->child_mask };
	enum mlog_step fail;
	int r;

	cap = cap < 32768 ? 32768 : cap > 262144 ? 262144 : cap;
	m->dirs = alloc(n * sizeof *m->dirs);
	m->outs = alloc(n * sizeof *m->outs);
	for (i = 0; i < n; i++) {
		struct mlog_dir *d = &m->dirs[i];

		d->path = m->sc.dirs[i].path;
		d->size = m->sc.dirs[i].size;
		d->num = m->sc.dirs[i].num;
		d->processor = m->sc.dirs[i].processor;
		d->out.p = alloc(cap);
		d->out.cap = cap;
		d->fl.p = alloc(cap);
		d->fl.cap = cap;
		m->outs[i] = &d->out;
	}
	if (mlog_open(&m->w, m->dirs, n, &h, getenv("DTNG_NO_URING") ? LX_ULOG_PLAIN : 0) < 0)
		dt_die(DT_EX_TEMP, "out of memory");
	for (i = 0; i < n; i++) {
		r = mlog_dir_open(&m->w, &m->dirs[i], startfd, &fail);
		if (r < 0)
			say(1, &m->dirs[i], fail, -r, NULL);
	}
}

/* A larger stdin pipe (1 MiB, the unprivileged maximum by default) halves
 * the wakeups between the service and us under load. Best effort: the
 * pipe keeps working as it is if this fails. */
static void grow_pipe(void)
{
	struct stat st;
	int sz;

	if (fstat(0, &st) < 0 || !S_ISFIFO(st.st_mode))
		return;
	sz = fcntl(0, F_GETPIPE_SZ);
	if (sz >= 0 && sz < INBUF * 4)
		fcntl(0, F_SETPIPE_SZ, INBUF * 4);
}

static void setup(struct ml *m, int argc, char **argv)
{
	sigset_t sigs;
	int startfd, r;

	startfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (startfd < 0)
		dt_die_sys(DT_EX_TEMP, "unable to switch to current directory");
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGALRM);
	r = lx_sigfd_open(&m->sig, &sigs);
	if (r < 0)
		dt_die_errno(DT_EX_TEMP, -r, "unable to set up signals");
	/* compat: 0.76's processor runs with TERM and ALRM unblocked. */
	m->child_mask = m->sig.saved;
	sigdelset(&m->child_mask, SIGTERM);
	sigdelset(&m->child_mask, SIGALRM);
	parse_script(m, argc, argv);
	open_files(m, startfd);
	m->err.cap = err_cap(&m->sc);
	m->err.p = alloc(m->err.cap);
	m->in = alloc(INBUF);
	grow_pipe();
	open_dirs(m, startfd);
	mlin_open(&m->input, m->sig.fd);
	if (mlproc_init(&m->proc, &m->sc, m->outs, &m->err, m->files, m->dirty) < 0)
		dt_die(DT_EX_TEMP, "out of memory");
	close(startfd);
}

/* =file keeps only the last selected line, so one write per flush does. */
static void write_files(struct ml *m)
{
	size_t i;

	for (i = 0; i < m->sc.nfiles; i++) {
		const char *slot = m->files + i * MLPROC_FILELINE;

		if (!m->dirty[i])
			continue;
		while (pwrite(m->filefd[i], slot, MLPROC_FILELINE, 0) != MLPROC_FILELINE) {
			if (!m->said)
				dt_warn_sys("unable to write %s, pausing", m->sc.files[i]);
			m->said = 1;
			pause_5s();
		}
		m->said = 0;
		m->dirty[i] = 0;
	}
}

/* How much of the input may leave the pipe once what was fed is written. */
static uint64_t done_upto(const struct ml *m)
{
	if (mlproc_midline(&m->proc) && m->fed - m->line_start <= LINE_HOLD)
		return m->line_start;
	return m->fed;
}

/* wait: 0 while input keeps coming (the writes run on while the next
 * batch is read), 1 when input would block or before a rotation or exit.
 * Input leaves the pipe once the round holding its lines is in the files
 * (a line no directory selected goes with the round it would have been
 * in): before the next round starts, so a kill -9 can make the next
 * multilog write again no more than one round, the one in flight. */
static void flush_all(struct ml *m, int wait)
{
	if (m->err.len) {
		fd_write_all(2, m->err.p, m->err.len); /* compat: 0.76 ignores errors */
		m->err.len = 0;
	}
	write_files(m);
	mlog_flush_wait(&m->w);
	mlin_done(&m->input, m->mark);
	mlog_flush_start(&m->w);
	m->mark = done_upto(m);
	if (wait) {
		mlog_flush_wait(&m->w);
		mlin_done(&m->input, m->mark);
	}
}

static int output_pending(const struct ml *m)
{
	size_t i;

	if (m->err.len)
		return 1;
	for (i = 0; i < m->sc.nfiles; i++)
		if (m->dirty[i])
			return 1;
	for (i = 0; i < m->sc.ndirs; i++)
		if (m->dirs[i].out.len || m->dirs[i].fl.len > m->dirs[i].done)
			return 1;
	/* Lines no directory took fill no buffer, yet wait in the pipe. */
	return m->w.async || mlin_owes(&m->input, done_upto(m));
}

static void feed(struct ml *m, int eof)
{
	int need_flush;

	for (;;) {
		size_t n = mlproc_feed(&m->proc, m->in + m->pos, m->have - m->pos, eof, &need_flush);
		const char *nl = NULL;

		/* Inside a line now: it began after the last newline taken. */
		if (mlproc_midline(&m->proc) && n)
			nl = memrchr(m->in + m->pos, '\n', n);
		if (nl)
			m->line_start = m->fed + (uint64_t)(nl - (m->in + m->pos)) + 1;
		m->pos += n;
		m->fed += n;
		if (!mlproc_midline(&m->proc))
			m->line_start = m->fed;
		if (!need_flush)
			break;
		flush_all(m, 0);
	}
	/* What is left is the start of a line shorter than its head. */
	memmove(m->in, m->in + m->pos, m->have - m->pos);
	m->have -= m->pos;
	m->pos = 0;
}

/* Returns 0 at end of input. After SIGTERM, input that was already there
 * is read as usual (0.76 read once more too); then a line that has begun
 * is finished one byte at a time, so nothing past it leaves the pipe. */
static int read_batch(struct ml *m)
{
	struct tai64n t;
	ssize_t n;

	/* Bytes held in the pipe are copied again by every read: drop the
	 * round in flight first if the kernel is done with it, so a read
	 * copies only the buffer being filled again, and the service gets
	 * the room back sooner. */
	if (mlin_owes(&m->input, m->mark) && mlog_flush_try(&m->w))
		mlin_done(&m->input, m->mark);
	n = mlin_read(&m->input, m->in + m->have, m->term > 1 ? 1 : INBUF - m->have);

	if (n == -EAGAIN)
		return 1;
	if (n <= 0) { /* compat: 0.76 treats a read error as end of input */
		feed(m, 1);
		return 0;
	}
	tai64n_from_unix_ns(lx_now_real_ns(), &t);
	mlproc_set_time(&m->proc, &t);
	m->have += (size_t)n;
	feed(m, 0);
	return 1;
}

static int in_line(const struct ml *m)
{
	return m->have > 0 || mlproc_midline(&m->proc);
}

static void on_signals(struct ml *m)
{
	size_t i;
	int sig;

	while ((sig = lx_sigfd_read(&m->sig)) > 0) {
		if (sig == SIGTERM) {
			if (!m->term)
				m->term = 1;
		} else if (sig == SIGALRM) {
			flush_all(m, 1);
			for (i = 0; i < m->sc.ndirs; i++)
				mlog_dir_rotate(&m->w, &m->dirs[i]);
		}
	}
}

/* Reads while input is there; writes everything out the moment input
 * would block, so batching never holds a line back. */
static void run(struct ml *m)
{
	for (;;) {
		int pending = output_pending(m), input, sig;
		int r = mlin_wait(&m->input, pending ? 0 : -1, &input, &sig);

		if (r < 0)
			continue;
		if (r == 0) {
			flush_all(m, 1);
			continue;
		}
		if (sig)
			on_signals(m);
		if (m->term && !in_line(m) && !input)
			return;
		if (input && !read_batch(m))
			return;
		if (m->term && !in_line(m))
			return;
		if (m->term)
			m->term = 2;
	}
}

int main(int argc, char **argv)
{
	static struct ml m;
	size_t i;

	dt_progname = "multilog";
	umask(022);
	setup(&m, argc - 1, argv + 1);
	run(&m);
	flush_all(&m, 1);
	for (i = 0; i < m.sc.ndirs; i++)
		mlog_dir_finish(&m.w, &m.dirs[i]);
	_exit(DT_EX_OK);
}

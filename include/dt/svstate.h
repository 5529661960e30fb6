/* SPDX-License-Identifier: ISC */
#ifndef DT_SVSTATE_H
#define DT_SVSTATE_H

/* supervise/state: everything 0.76's 18-byte status cannot hold, as text,
 * one "key=value" per line, replaced atomically (state.new + rename) on
 * every change. Keys (DESIGN.md section 4), in this order: state pid
 * since ready_since want paused normally next_start failures starts
 * failed_by waiting_for last_exit procs cgroup supervise_pid, then status
 * (the service's last STATUS=, only when it has one). Readers ignore unknown keys so the file can grow.
 * This file is the format's one definition: supervise writes the text that
 * svstate_format makes, and svstat, svwait and supervise read it with
 * svstate_read. Pure functions, no I/O, except svstate_read*(). */

#include <stddef.h>
#include <stdint.h>

#include <dt/sdnotify.h>
#include <dt/tai64.h>

enum svstate_state {
	SVS_DOWN,
	SVS_STARTING,
	SVS_UP,
	SVS_READY,
	SVS_STOPPING,
	SVS_FINISHING,
	SVS_BACKOFF,
	SVS_FAILED,    /* gave up (give-up, or finish exited 125): no restart */
	SVS_WAITING,   /* a start held by svscan's gate: waiting_for= says for whom */
	/* Not a state: their number. Every list of states (the names in
	 * svstate.c, svstat -p's state series) runs up to it, so a state
	 * added above appears everywhere at once. */
	SVS_NSTATES
};

enum svstate_exit { SVS_EXIT_NONE, SVS_EXIT_CODE, SVS_EXIT_SIGNAL };

/* What made a service failed: "failed_by=" (empty), "give-up", "finish". */
enum svstate_failed_by { SVS_FAILED_NONE, SVS_FAILED_GIVE_UP, SVS_FAILED_FINISH };

#define SVSTATE_CGROUP_MAX 4096
#define SVSTATE_STATUS_MAX SDNOTIFY_STATUS_MAX /* NUL included */
/* waiting_for='s value, NUL included: at most 1023 bytes. A gate naming
 * more is cut at a name boundary and the value ends with ",...". */
#define SVSTATE_WAITING_MAX 1024
/* The largest file: every other line takes about 280 bytes at most; the
 * rest of the 768 is room for keys to come. 6144 in all. Writer and
 * readers share this one size, so a reader always gets the whole file. */
#define SVSTATE_TEXT_MAX (768 + SVSTATE_CGROUP_MAX + SVSTATE_STATUS_MAX + SVSTATE_WAITING_MAX)

struct svstate {
	enum svstate_state state;
	uint32_t pid;
	struct tai64n since;
	int has_ready_since;
	struct tai64n ready_since;
	char want;        /* 'u', 'd' or 'o' (once) */
	int paused;       /* 0/1 */
	int normally_up;  /* 1: no down file */
	int has_next_start;
	struct tai64n next_start;
	uint32_t failures;
	uint64_t starts;  /* starts of run since this supervise started */
	int has_starts;   /* svstate_parse: the file had starts= (older
			   * supervises did not write it); not read by
			   * svstate_format, which always writes it */
	enum svstate_failed_by failed_by;
	enum svstate_exit last_exit;
	int last_code;    /* exit code or signal number */
	int64_t procs;    /* processes in the service cgroup; -1 unknown */
	uint32_t supervise_pid;
	/* For svstate_format: the cgroup path to write, if not NULL (then
	 * cgroup[] below is not read and its storage is free for the
	 * caller: supervise formats the text there). */
	const char *cgroup_path;
	/* For svstate_format, the same for status: the text to write, if not
	 * NULL (then status[] is not read). Empty: no status line. */
	const char *status_text;
	/* For svstate_format, the same for waiting_for: the gate's names as
	 * supervise read them (waiting_len bytes, see svstate_format), if not
	 * NULL (then waiting_for[] is not read). */
	const char *waiting_list;
	size_t waiting_len;
	/* Last, so that a caller that never touches them leaves their pages
	 * untouched. Filled by svstate_parse. */
	char cgroup[SVSTATE_CGROUP_MAX]; /* path, or "none" */
	char status[SVSTATE_STATUS_MAX]; /* the service's STATUS=, or "" */
	char waiting_for[SVSTATE_WAITING_MAX]; /* "db,cache", or "" */
};

const char *svstate_name(enum svstate_state s);
/* "", "give-up" or "finish". */
const char *svstate_failed_by_name(enum svstate_failed_by f);
/* -EINVAL for an unknown name. */
int svstate_from_name(const char *name, size_t len, enum svstate_state *out);
/* Formats the whole file into buf (SVSTATE_TEXT_MAX bytes always suffice)
 * and NUL-terminates it. The status value is cut to SVSTATE_STATUS_MAX - 1
 * bytes and its control bytes (below 0x20, 0x7f) are written as '?', so it
 * stays one line. waiting_for= comes from waiting_list (supervise passes
 * the gate's names in state waiting, an empty list otherwise): the gate
 * file's bytes, one name per line, each ending with '\n'; empty lines are
 * skipped; bytes after the last '\n' are a name cut by the reader's bound
 * and are not shown. The names are joined with ',' in the file's order,
 * control bytes written as '?'; when names are left out (cut, or past
 * SVSTATE_WAITING_MAX - 1 bytes) the value ends with ",..." ("..." alone
 * if not even the first name fits). A name holding ',' cannot be told
 * apart: the value is for people and scripts that know their names.
 * Returns the length, or -ENOSPC. */
int svstate_format(const struct svstate *st, char *buf, size_t size);
/* Parses a file's text. Unknown keys are skipped; a malformed value of a
 * known key, or a missing "state" line, is -EINVAL. Missing optional keys
 * keep their zero defaults (procs -1, cgroup "none", status "",
 * waiting_for ""). A status or waiting_for value too long for its array
 * is cut, as the writer cuts status. */
int svstate_parse(const char *text, size_t len, struct svstate *out);

/* svstate_read.c, the one reader (I/O): reads the file on fd whole into
 * buf (SVSTATE_TEXT_MAX bytes, the writer's maximum, so nothing a supervise
 * wrote is ever cut) and parses it into out. Returns the text's length, or
 * -errno of read(2), or -EBADMSG: not a state file (svstate_parse refused
 * it, or it is longer than SVSTATE_TEXT_MAX). fd stays open. */
int svstate_read(int fd, char buf[SVSTATE_TEXT_MAX], struct svstate *out);
/* The same for path, opened (non-blocking, close-on-exec) relative to
 * dirfd (AT_FDCWD: the working directory). -errno of open(2) too, -ENOENT
 * when there is no state file. */
int svstate_read_at(int dirfd, const char *path, char buf[SVSTATE_TEXT_MAX],
		    struct svstate *out);

#endif

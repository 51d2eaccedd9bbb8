/* journal.h — the run journal: append-only text records, group-committed; parsed for resume. */
/* SPDX-License-Identifier: MIT */
#ifndef JOURNAL_H
#define JOURNAL_H

#include <sys/types.h>

#include "armpy.h"

/*
 * One record per line: fields separated by one space, values %-escaped (%, space, control),
 * and a frame: " #" and the CRC-32 (IEEE, 8 lowercase hex digits) of everything before it.
 *   begin <epoch> <pid> <root|-> <profile|-> <plan-sha256>   a run (or a resume) starts
 *   start <step-id> <epoch>                        written before the step's action
 *   child <step-id> <pgid>                         its process group (before it may run)
 *   prev <step-id> <value|->                       alternative: the value before the change
 *   end <step-id> <ok|satisfied|failed|skipped|interrupted> <epoch>
 *   interrupted <epoch>                            SIGINT/SIGTERM stopped the run
 *   finish <ok|failed|interrupted> <epoch>         the run ended
 * Every record is written with one write(2); fdatasync is a group commit (journal.c).
 * Tearing: a record cut short (a full disk, a power loss) fails its frame. The parser drops it
 * when it is the last line or is followed by a begin (the writer that opens a journal whose
 * last byte is not a newline starts a fresh line, and a writer stops at its first failed
 * write). A damaged record anywhere else, a record before the first begin, or any field out of
 * its grammar makes the journal corrupt (NULL, *cause "journal line N: ...").
 */
struct journal;
/* Opens (creates 0600) for appending. */
struct journal *journal_open(const char *path, char **cause);
void journal_close(struct journal *);
/* Appends one record with one write(2); sync != 0 also fdatasyncs now, else the record is
 * synced by the group commit. Returns -1 on error (errno kept). */
int journal_append(struct journal *, int sync, const char *fmt, ...) ARMPY_PRINTF(3, 4);
/* After a failed append (or journal_fail) every append fails: 0 or the first errno. */
int journal_error(const struct journal *);
void journal_fail(struct journal *, int err);
const char *journal_path(const struct journal *);
/* Frames the record in buf[0..len) in place: appends " #<crc32>\n" (needs JOURNAL_FRAME more
 * bytes) and returns the new length. No allocation, no system call: a vfork'd child uses it. */
#define JOURNAL_FRAME 11
size_t journal_frame(char *buf, size_t len);
int journal_sync(struct journal *);      /* fdatasync now if anything is unsynced */
int journal_tick(struct journal *);      /* fdatasync if the oldest unsynced record is old */
/* For a record written by a spawned child itself (before its exec): the fd, and the note
 * that something was written behind the journal's back. */
int journal_fd(const struct journal *);
void journal_written(struct journal *);
char *journal_escape(const char *);     /* new string; NULL gives "-" */
/* Its inverse: *out NULL for "-", "" for "%" (new string); -1 on a bad escape or a NUL. */
int journal_unescape(const char *, char **out);

struct jstep {
	char *id;
	int started, ended;
	char *result;           /* last end result, NULL when not ended */
	pid_t child;            /* last child pgid, 0 none */
	char *previous;         /* alternative previous value (first one recorded) */
	long start_time;        /* epoch of the last start record, 0 none */
	long end_time;          /* epoch of the last end record, 0 none */
};
struct jstate {
	long begin_time;        /* first begin */
	pid_t pid;              /* last begin's process */
	char *root;             /* NULL = / */
	char *profile;
	char *plan_sha256;      /* last begin's: the plan that run approved */
	char *finish;           /* finish result after the last begin, NULL when none */
	long finish_time;       /* its epoch, 0 none */
	int interrupted;        /* an interrupted record after the last begin */
	int nbegin;
	int torn;               /* damaged records dropped (torn tails) */
	struct jstep *steps;
	size_t nsteps;
	size_t *slots;          /* (the index of steps by id) */
};
/* Strict and linear (JOURNAL_MAX_STEPS distinct step ids at most). An empty text parses to
 * nbegin == 0. */
#define JOURNAL_MAX_STEPS 4096
struct jstate *journal_parse(const char *text, size_t len, char **cause);
struct jstate *journal_load(const char *path, char **cause);
void jstate_free(struct jstate *);
struct jstep *jstate_find(const struct jstate *, const char *id);

#endif

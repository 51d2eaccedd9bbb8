/* journal.h — the run journal: append-only text records, group-committed; parsed for resume. */
#ifndef JOURNAL_H
#define JOURNAL_H

#include <sys/types.h>

#include "armpy.h"

/*
 * One record per line, fields separated by one space, values %-escaped (%, space, control):
 *   begin <epoch> <pid> <root|-> <profile|->      a run (or a resume) starts
 *   start <step-id> <epoch>                        written before the step's action
 *   child <step-id> <pgid>                         its process group (before it may run)
 *   prev <step-id> <value|->                       alternative: the value before the change
 *   end <step-id> <ok|satisfied|failed|skipped|interrupted> <epoch>
 *   interrupted <epoch>                            SIGINT/SIGTERM stopped the run
 *   finish <ok|failed|interrupted> <epoch>         the run ended
 * A last line without its newline (a torn write) is ignored. Every record is written at once;
 * fdatasync is a group commit (see the durability rule in journal.c).
 */
struct journal;
struct journal *journal_open(const char *path, char **cause);
void journal_close(struct journal *);
/* Appends one record with one write(2); sync != 0 also fdatasyncs now, else the record is
 * synced by the group commit. Returns -1 on error (errno kept). */
int journal_append(struct journal *, int sync, const char *fmt, ...) ARMPY_PRINTF(3, 4);
int journal_sync(struct journal *);      /* fdatasync now if anything is unsynced */
int journal_tick(struct journal *);      /* fdatasync if the oldest unsynced record is old */
/* For a record written by a spawned child itself (before its exec): the fd, and the note
 * that something was written behind the journal's back. */
int journal_fd(const struct journal *);
void journal_written(struct journal *);
char *journal_escape(const char *);     /* new string; NULL gives "-" */

struct jstep {
	char *id;
	int started, ended;
	char *result;           /* last end result, NULL when not ended */
	pid_t child;            /* last child pgid, 0 none */
	char *previous;         /* alternative previous value (first one recorded) */
};
struct jstate {
	long begin_time;        /* first begin */
	pid_t pid;              /* last begin's process */
	char *root;             /* NULL = / */
	char *profile;
	char *finish;           /* finish result after the last begin, NULL when none */
	int interrupted;        /* an interrupted record after the last begin */
	int nbegin;
	struct jstep *steps;
	size_t nsteps;
};
struct jstate *journal_parse(const char *text, size_t len, char **cause);
struct jstate *journal_load(const char *path, char **cause);
void jstate_free(struct jstate *);
struct jstep *jstate_find(const struct jstate *, const char *id);

#endif

/* undo.h — what a run's steps replaced (RUN_DIR/undo/) and the reverse plan built from it. */
/* SPDX-License-Identifier: MIT */
#ifndef UNDO_H
#define UNDO_H

#include <stddef.h>

#include "plan.h"

struct exec;
struct rootdir;

/*
 * Before a step's action changes anything, its kind's `record` hook (action.h) saves what the
 * step is about to replace in RUN_DIR/undo/ID.rec (0600, written atomically and fsync'd, so
 * it is durable before the change; the first record of a step is kept on a retry or a
 * resume). One "KEY VALUE" line each, values escaped as the journal's (journal.h):
 *   what alternative|file|packages|dir
 *   name NAME   set PATH   prev PATH|-   auto 0|1          an alternative and its mode
 *   path PATH   absent 0|1   mode 0644   sha256 HEX        a file (content in ID.old)
 *   set SHA256                                             the file as the step writes it
 *   pkg NAME:ARCH ...                                      packages installed before
 *   path PATH                                              a directory that was absent
 * After the step succeeded, packages record the ones installed then: ID.after, one a line.
 * Paths are inside the target root, "~/" already expanded. Nothing is recorded for what the
 * step does not change (a satisfied step, a dest that was there).
 */
struct undo_rec {
	char *id;                /* the step's id */
	enum action_kind kind;   /* the step's kind (its plan's) */
	int privileged;          /* the step's */
	char *what;              /* alternative | file | packages | dir */
	char *name, *set, *prev; /* alternative; set: a file's new sha256 too */
	int was_auto;
	char *path;              /* file, dir */
	int absent, mode;        /* file; mode < 0: not a regular file (-1), or one the user armpy
	                          * ran as could not read (UNDO_UNREADABLE): left by undo */
	char *content;           /* file: its content before (NULL when absent) */
	char **before, **after;  /* packages (NAME:ARCH); after NULL: the step did not finish */
	long long recorded;      /* when the record was written (its file's mtime, loaded): the
	                          * step started then; 0 unknown */
};
#define UNDO_UNREADABLE (-2)
void undo_rec_clear(struct undo_rec *);

/* The machine now, as the reverse hooks read it (a target root, or fakes in tests). */
struct undo_now {
	/* the alternative's current path (new) and *is_auto; NULL when there is none */
	char *(*alternative)(void *arg, const char *name, int *is_auto);
	/* sha256 of a regular file (new), NULL when there is none */
	char *(*file_sha)(void *arg, const char *path);
	int (*exists)(void *arg, const char *path);   /* 1 when something is at path */
	char **installed;        /* NAME:ARCH installed now */
	char **wanted;           /* NAME:ARCH or NAME a later run's apt step asked for: kept */
	void *arg;
};
struct undo_now *undo_now_open(const char *root, char **cause);
void undo_now_free(struct undo_now *);

/* Recording (the kinds' hooks and the executor call these; RUN_DIR is e's). */
int undo_save(struct exec *, const struct step *, const struct undo_rec *, char **cause);
int undo_save_after(struct exec *, const struct step *, char **cause);
int undo_recorded(struct exec *, const struct step *);    /* 1: ID.rec exists already */
char **undo_installed(const struct rootdir *);            /* NAME:ARCH present (dpkg) */
int undo_alt_auto(const struct rootdir *, const char *name);   /* 1 auto, 0 not or none */
/* The target of ROOT/etc/alternatives/NAME, the link itself read inside the root (never the
 * host's, whatever ROOT/etc points to); NULL when there is none. New string. */
char *undo_alt_link(const struct rootdir *, const char *name);
/* Pure: NAME:ARCH of each paragraph of a dpkg status text whose files are on disk (installed,
 * or unpacked, half-configured...: not "not-installed" nor "config-files"). */
char **undo_dpkg_installed(const char *status);
/* Pure: the DIR of an argv "... -m venv [OPTIONS] DIR", or NULL. */
const char *undo_venv_dir(char *const *argv);

/* Loading: each step of plan (the run's) that has a record, in plan order. */
int undo_load(const char *run_dir, const struct plan *, struct undo_rec **, size_t *n,
    char **cause);
void undo_recs_free(struct undo_rec *, size_t n);

/*
 * The reverse plan (undo-plan.c; pure but for now's callbacks): the records newest step first,
 * each through its kind's `reverse` hook. A thing changed again since the run (an alternative
 * pointing elsewhere than the run set it, a file holding other content) is a conflict:
 * NULL, *conflict the step id (new) and *cause what changed. run_id names the run in titles.
 */
struct plan *undo_build(const char *run_id, const char *target, const struct undo_rec *,
    size_t n, const struct undo_now *, char **conflict, char **cause);

/* The packages an apt step installed that are installed now, purged with dpkg --purge (which
 * refuses to break a package that depends on them); what stays is said in notes. */
int undo_reverse_packages(const struct undo_rec *, const struct undo_now *, struct plan *,
    char **cause);

/* A note on the reverse plan (what stays, and why). The kinds and undo.c build the reverse
 * plan without plan.c, which is the planner's registry, not the executor's. */
void undo_note(struct plan *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Helpers of the reverse hooks: a step "undo-ID[-SUFFIX]" of kind (privileged as the run's
 * step, its action's fields left to fill); one running argv (NULL-ended). */
struct step *undo_add(struct plan *, const struct undo_rec *, const char *suffix,
    const char *title, enum action_kind);
struct step *undo_add_run(struct plan *, const struct undo_rec *, const char *suffix,
    const char *title, int privileged, ...) __attribute__((sentinel));
/* A file's state before a write into r: absent, or its mode and content; mode -1 when it is
 * not a regular file (it is left). -1 with *cause when it cannot be read. */
int undo_file_prev(const struct rootdir *, const char *path, struct undo_rec *r, char **cause);
/* A path that does not exist inside the root: r becomes a "dir" record of it; 0 otherwise. */
int undo_absent_dir(struct exec *, const char *path, struct undo_rec *r);
/* The record and reverse of a step that makes path (a download's or extraction's dest, a
 * venv): recorded when nothing was there; undone by removing it (rm -rf) when it is there. */
int undo_record_made(struct exec *, const struct step *, const char *path, char **cause);
int undo_reverse_made(const struct undo_rec *, const struct undo_now *, struct plan *,
    char **cause);

/*
 * undo-runs.c: runs as undo sees them, for `armpy undo` and the wizard alike (one code path).
 * struct run_info is runs.h's; v is runs_list's array (oldest first), i the run to undo.
 */
struct run_info;
/* The text of DIR/NAME without its newline (new), NULL when there is none: a run's "undone"
 * names the run that undid it, an undo run's "undoes" the run it undid. */
char *undo_mark(const char *dir, const char *name);
/* 1 when the run may be undone or blamed: not undone already, not an undo, not running. */
int undo_live(const struct run_info *);
/* The reverse plan of run i, with notes for the steps it leaves. NULL with *cause (the
 * sentence, naming the run) when the run was undone already, is running, ran in a --root
 * given as a relative path (which directory is unknown), its plan or records cannot be read,
 * or on a conflict: then *conflicted is 1 and *later the later run to undo
 * first (new; NULL when no run armpy knows changed it again). */
struct plan *undo_plan_run(const struct run_info *v, size_t n, size_t i, int *conflicted,
    char **later, char **cause);
/* The undo of ri as a run of its own: a new run directory (runs_create), marked "undoes" ri.
 * New path, *id its run id (new); NULL with *cause. */
char *undo_run_dir(const struct run_info *ri, char **id, char **cause);
/* After the undo run id succeeded: ri marked "undone" by it. */
int undo_mark_done(const struct run_info *ri, const char *id, char **cause);

#endif

/* action.h — one ops table per action kind and per check kind, and the step description they fill. */
/* SPDX-License-Identifier: MIT */
#ifndef ACTION_H
#define ACTION_H

#include <stddef.h>

#include "armpy.h"
#include "plan.h"

struct buf;
struct exec;
struct ynode;
struct yemit;
struct undo_rec;
struct undo_now;

/*
 * A step's description: everything it may run, write, fetch, unpack, set or read, its check's
 * included. It is the single source: the headless listing, the review screen, the sudoers
 * listing, --check's paths and the executor all read it, so what is not described cannot run.
 * Paths and words keep the plan's "~/" (the executor expands them as plan.h says).
 */
enum desc_kind {
	DESC_COMMAND,      /* argv with env, cwd, timeout, privileged */
	DESC_WRITE,        /* path written with mode, size bytes */
	DESC_DOWNLOAD,     /* url fetched to path, sha256, size (0 unknown) */
	DESC_EXTRACT,      /* archive (src) unpacked into path, strip */
	DESC_PROBE,        /* the validation probe run by python (path) with env */
	DESC_READ,         /* a file a check reads: path (sha256 when it must match) */
};

struct desc_entry {
	enum desc_kind kind;
	int check;             /* 1 when the step's check does it, 0 its action */
	char **argv, **env;    /* env: NAME=value */
	char *cwd, *path, *src, *url, *sha256, *what;   /* what: the check's words, or NULL */
	int timeout, privileged, mode, strip;
	long long size;
};

struct step_desc {
	struct desc_entry *v;
	size_t n;
};

void step_desc_free(struct step_desc *);          /* its entries; the struct may be reused */
struct desc_entry *step_desc_add(struct step_desc *, enum desc_kind, int check);
/* The first entry of kind k (action or check as said), or NULL. */
const struct desc_entry *step_desc_find(const struct step_desc *, enum desc_kind k, int check);
/* The step's action and its check described (action.c). */
void step_describe(const struct step *, struct step_desc *);
/* One escaped line a entry, each starting with indent (act-fields.c): argv words quoted as a
 * shell would need them, in bash's $'...' form when they hold a control (vis.h). */
void step_desc_text(struct buf *, const struct step_desc *, const char *indent);
void desc_quote(struct buf *, const char *word);

/* The strict, positioned YAML readers every kind's parse uses (act-fields.c). path names the
 * key in errors ("steps[3].run.timeout"). Each returns 0, or -1 with *pp->cause. */
struct pparse {
	const char *name;
	char **cause;
	char path[QUOTE_MAX + 128];     /* a key from the file is quoted short (quote_short) */
};
int pp_error(struct pparse *, const struct ynode *, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void pp_at(struct pparse *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int pp_keys(struct pparse *, const struct ynode *map, const char *const *allowed,
    const char *where);
int pp_str(struct pparse *, const struct ynode *map, const char *key, const char *where,
    int required, int nullable, char **out);
int pp_path(struct pparse *, const struct ynode *map, const char *key, const char *where,
    char **out);                  /* an absolute (/ or ~/) file path without a ".." component */
int pp_abs_path(struct pparse *, const struct ynode *map, const char *key, const char *where,
    const char *path);            /* the same rule for a value already read (run.cwd) */
int pp_long(struct pparse *, const struct ynode *map, const char *key, const char *where,
    int required, long min, long max, long *out);
int pp_strv(struct pparse *, const struct ynode *map, const char *key, const char *where,
    int required, int nonempty, char ***out);
/* Field patterns, each on top of profile-value.c's: an environment (every entry NAME=value,
 * NAME [A-Za-z_][A-Za-z0-9_]*), package names (dpkg: NAME or NAME:ARCH), an absolute path or
 * one under ~/ (abs: "/" only), a name (alternatives). The key (a list's) must have been read. */
int pp_env(struct pparse *, const struct ynode *map, const char *key, const char *where,
    char *const *env);
int pp_packages(struct pparse *, const struct ynode *map, const char *key, const char *where,
    char *const *pkgs, int arch);
int pp_file(struct pparse *, const struct ynode *map, const char *key, const char *where,
    const char *path, int abs);
int pp_name(struct pparse *, const struct ynode *map, const char *key, const char *where,
    const char *name);
int strv_eq(char *const *, char *const *);      /* NULL and empty are equal */
int str_same(const char *, const char *);        /* both NULL, or equal */

/*
 * act-*.c and check.c never call action.c (the table refers to them): each kind executes from
 * its own describe.
 *
 * One kind of action. Adding a kind is a new act-*.c file with its ops and a line in
 * action.c's table; adding a field to a kind is a change to its file only: parse, emit,
 * describe, clear and equal live together there.
 */
struct action_ops {
	enum action_kind kind;
	const char *name;               /* the step's YAML key */
	int uses_sudo;                  /* a privileged step of this kind runs through sudo */
	/* a: the action's map; fills s->u (s->kind is set). Strict: unknown keys, bad values. */
	int (*parse)(struct pparse *, const struct ynode *a, const char *where, struct step *s);
	void (*emit)(struct yemit *, const struct step *);   /* the map's keys and values */
	void (*describe)(const struct step *, struct step_desc *);
	int (*execute)(struct exec *, const struct step *, char **cause);
	/* 1 done, 0 not, -1 cannot tell: a kind whose own state says it is done (a write's
	 * content and mode, asked when the step has no check; a download's sha256, always asked
	 * when done_always, whatever the check says); NULL: only the step's check decides */
	int (*done)(struct exec *, const struct step *, char **detail, char **cause);
	int done_always;
	void (*clear)(struct step *);   /* frees s->u's fields */
	int (*equal)(const struct step *, const struct step *);   /* every field of s->u */
	/* Undo (undo.h). record: before the action (after 0), what it is about to replace,
	 * saved with undo_save (durable before the action runs; -1 stops the step); after it
	 * succeeded (after 1), what it changed. reverse: the steps that put back what the
	 * record says, appended to p (and plan notes for what stays); 1 with *cause when the
	 * thing was changed again since the run (a conflict). NULL: nothing recorded. */
	int (*record)(struct exec *, const struct step *, int after, char **cause);
	int (*reverse)(const struct undo_rec *, const struct undo_now *, struct plan *p,
	    char **cause);
};

/* One kind of check (check.c). */
struct check_ops {
	enum check_kind kind;
	const char *name;
	const char *const *keys;        /* besides "kind" */
	int (*parse)(struct pparse *, const struct ynode *n, const char *where, struct step_check *);
	void (*emit)(struct yemit *, const struct step_check *);
	void (*describe)(const struct step_check *, struct step_desc *);
	int (*evaluate)(struct exec *, const struct step *, char **detail, char **cause);
	int (*equal)(const struct step_check *, const struct step_check *);
};

extern const struct action_ops act_run_ops, act_download_ops, act_extract_ops, act_write_ops,
    act_alternative_ops, act_validate_ops;
extern const struct check_ops check_dpkg_ops, check_rpm_ops, check_alternative_ops,
    check_file_ops, check_command_ops;

void check_clear(struct step_check *);                  /* check.c */

/* act-download.c: the file of download step s fetched as the step fetches it (libcurl, https,
 * or http to loopback or a host of mirrors; redirects checked one by one, retries, NAME.part
 * resumed, its size capped) into NAME in the directory dfd, renamed onto NAME only when its
 * sha256 is the step's; log lines on stderr. 0, or -1 with *cause. */
int download_file(const struct step *s, int dfd, const char *name, char *const *mirrors,
    char **cause);

/* The tables: NULL past the last kind (or for CHECK_NONE). */
const struct action_ops *action_ops_of(enum action_kind);
const struct action_ops *action_ops_at(size_t i);      /* i-th in the table, NULL past it */
const struct check_ops *check_ops_of(enum check_kind);  /* check.c */
const struct check_ops *check_ops_at(size_t i);
/* Every field of both steps (and their checks) equal. */
int step_equal(const struct step *, const struct step *);

#endif

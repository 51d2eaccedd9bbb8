/* plan.h — the install plan: a pure function of (facts, profile), with a YAML emitter and parser. */
/* SPDX-License-Identifier: MIT */
#ifndef PLAN_H
#define PLAN_H

#include <stddef.h>

struct facts;
struct profile;
struct ynode;

/* The public source most plan reasons and checks cite: the chapter "Python on Arm64" of the
 * NVIDIA Arm HPC DevKit User Guide. */
#define GUIDE_NAME "the DevKit guide (Python on Arm64)"

/* Version floors from that guide (Arm64 correctness fixes went into OpenBLAS 0.3.9..0.3.17). */
#define FLOOR_OPENBLAS "0.3.17"
#define FLOOR_NUMPY "1.21.1"
#define FLOOR_SCIPY "1.7.2"

enum action_kind {
	ACTION_RUN, ACTION_DOWNLOAD, ACTION_EXTRACT, ACTION_WRITE, ACTION_ALTERNATIVE,
	ACTION_VALIDATE,
};

/* A check tells whether a step is already satisfied (then it is skipped). */
enum check_kind {
	CHECK_NONE,
	CHECK_DPKG,         /* every package in `packages` is installed (dpkg status) */
	CHECK_RPM,          /* every package in `packages` is installed (rpm -q) */
	CHECK_ALTERNATIVE,  /* alternative `name` currently points at `path` */
	CHECK_FILE,         /* `path` exists (and has `sha256` when given) */
	CHECK_COMMAND,      /* `argv` exits 0 */
};

struct step_check {
	enum check_kind kind;
	char **packages;
	char *name;
	char *path;
	char *sha256;
	char **argv;
};

struct step {
	char *id;            /* unique, [a-z0-9-]+ */
	char *title;         /* one line for humans */
	char *why;           /* the rule behind it: a line of the guide, PEP 668, ... */
	int privileged;      /* needs root (sudo -n when not root) */
	int skippable;       /* the user may skip it after a failure */
	int est_seconds;     /* rough duration, 0 unknown */
	enum action_kind kind;
	union {
		struct {
			char **argv;
			char **env;      /* NAME=value, added to the clean environment */
			char *cwd;
			int timeout;     /* seconds, 0 = none */
		} run;
		struct {
			char *url;
			char *sha256;
			char *dest;
			long long size;  /* bytes when known, else 0 */
		} download;
		struct {
			char *archive;
			char *dest;
			int strip;       /* strip-components */
		} extract;
		struct {
			char *path;
			int mode;
			char *content;
		} write;
		struct {
			char *name;      /* libblas.so.3-aarch64-linux-gnu */
			char *path;
		} alternative;
		struct {
			char *expect;    /* openblas | blis, optionally :openmp | :pthreads |
			                  * :serial (validate_expect_parse) */
			char *python;    /* interpreter to validate */
			char *openblas_min, *numpy_min, *scipy_min;
			char **env;      /* NAME=value for the probe (thread settings) */
		} validate;
	} u;
	struct step_check check;
};

struct plan {
	char *profile_name;     /* may be NULL */
	char *target;           /* "debian-12 aarch64" summary of the facts planned for */
	char **warnings;        /* EOL, page size, emulation, ... */
	char **notes;           /* how to activate the environment etc. */
	struct step *steps;
	size_t nsteps;
};

/*
 * Conventions the executor relies on (decided by the planner):
 * - Paths stay "~/..." in the plan (the planner is pure and knows no HOME). The executor
 *   expands a leading "~/" to the invoking user's $HOME in: download.dest, extract.archive/dest,
 *   write.path, run.cwd, validate.python, check.path, and in every element of run.argv,
 *   run.env and check.argv -- at the start of the element, right after its first '=' (so
 *   "--prefix=~/x", "PREFIX=~/x" and "PKG_CONFIG_PATH=~/x" work) and after each ':' of an env
 *   value. Nothing else is expanded; there is never a shell.
 * - run.argv[0] is a bare command name for system tools (apt-get, dnf, make, bash, ldconfig)
 *   resolved through PATH (execvp semantics with a standard PATH in the clean environment),
 *   an absolute path for interpreters (/usr/bin/python3, ~/.venvs/armpy/bin/python), or
 *   "./configure" relative to run.cwd.
 * - Every download has https + sha256; source builds unpack under ~/.cache/armpy/src.
 * Plan YAML (plan_to_yaml; plan_from_node refuses unknown keys, with FILE:LINE:COL: path):
 *   armpy_plan: 1
 *   profile: NAME|null
 *   target: "debian-12 aarch64"
 *   warnings: [...]
 *   notes: [...]
 *   steps:
 *   - id: apt-install            # [a-z0-9-]+, unique
 *     title: ...
 *     why: ...
 *     privileged: true
 *     skippable: false
 *     est_seconds: 180
 *     run: {argv: [...], env: [NAME=value], cwd: DIR, timeout: N}     # env/cwd/timeout optional
 *       | download: {url, sha256, dest, size?} | extract: {archive, dest, strip}
 *       | write: {path, mode: "0644", content: |...} | alternative: {name, path}
 *         (mode required, "0000".."0777", written exactly; alternative name a name, path absolute)
 *       | validate: {expect, python, openblas_min, numpy_min, scipy_min|null, env: [...]}
 *     check: {kind: dpkg|rpm, packages: [...]} | {kind: alternative, name, path}
 *       | {kind: file, path, sha256?} | {kind: command, argv: [...]}      # optional
 *   env entries (run, validate) are NAME=value; packages start with a letter or digit (dpkg:
 *   NAME or NAME:ARCH); validate.python is absolute or ~/. Each kind's keys, patterns and
 *   emitter are its ops' (action.h); plan_new, plan_free and step_clear are in action.c.
 */
struct plan *plan_new(void);
void plan_free(struct plan *);

/*
 * The pure planner. Returns NULL with *cause ("unsupported: reason", or "refused: reason")
 * when the combination cannot be planned. Never reads the system or the clock except through
 * pyeol_now().
 */
struct plan *plan_make(const struct facts *, const struct profile *, char **cause);
/* The same plan installing from a bundle unpacked at bundle_dir in the root (bundle.h): apt
 * reads the bundle's archive (a file: source of its own, shown in each apt step's argv). */
struct plan *plan_make_bundle(const struct facts *, const struct profile *,
    const char *bundle_dir, char **cause);

/* Building plans (used by plan-*.c). The step is appended and returned for further filling;
 * strings are copied. */
struct step *plan_add(struct plan *, const char *id, const char *title, const char *why);
void plan_warn(struct plan *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void plan_note(struct plan *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
struct step *plan_find(const struct plan *, const char *id);

/* YAML round trip. plan_from_node validates every field (exit 2 material on error). */
char *plan_to_yaml(const struct plan *);
struct plan *plan_from_node(const struct ynode *, const char *name, char **cause);
struct plan *plan_load(const char *path, char **cause);
/* Saves only what plan_load reads back: refused (-1, cause) when the YAML is larger than
 * YDOC_MAX_BYTES or a value is not UTF-8. The file keeps the user's umask. */
int plan_save(const struct plan *, const char *path, char **cause);

const char *action_kind_name(enum action_kind);
const char *check_kind_name(enum check_kind);
void step_clear(struct step *);

#endif

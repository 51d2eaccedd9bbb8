/* wizard.h — the wizard without curses: its model (wizard.c), files and bench (wizard-*.c). */
/* SPDX-License-Identifier: MIT */
#ifndef WIZARD_H
#define WIZARD_H

#include <time.h>

#include "facts.h"
#include "profile.h"

struct plan;

/* The screens, in order. The screen table (screens/registry.c) follows this order. */
enum wizard_screen {
	WS_WELCOME, WS_DISTRO, WS_PYTHON, WS_SOURCE, WS_BLAS, WS_EXTRAS, WS_REVIEW,
	WS_INSTALL, WS_VALIDATE, WS_DONE, WS_COUNT
};

/* One line of a choice list: a Python version, a distro override, a source, a BLAS option. */
struct wizard_choice {
	char *key;          /* "3.11", "system", "debian 12", ... */
	char *label;        /* what the list shows */
	char *note;         /* shown under the list for the highlighted line, may be NULL */
	int disabled;       /* cannot be chosen */
	char *reason;       /* why it is disabled (the planner's words), NULL otherwise */
	int eol;            /* a Python past end of life: choosing it needs a confirmation */
	const char *eol_date;
};

struct wizard_list {
	struct wizard_choice *v;
	int n;
};

/* `armpy gflops --format yaml`, parsed: one row per library, thread count and size. */
struct wizard_bench_row {
	char *path;
	char *kind;           /* openblas, blis, reference, ... */
	char *kernels;        /* the kernel set it ran on this CPU (zen3, NEOVERSEN1), NULL unknown */
	int generic;          /* those kernels are the library's generic ones, not tuned */
	char *threading;
	int threads;
	long n;               /* matrix size */
	double gflops;        /* < 0 when the row has an error */
	char *error;
};
struct wizard_bench {
	char *recommendation;
	struct wizard_bench_row *rows;
	int n;
};

struct validate_report;

struct wizard {
	struct facts *facts;          /* owned; the distro screen may override id/version */
	char *detected_id, *detected_version;
	int distro_overridden;
	struct profile *profile;      /* the answers being edited (owned) */
	struct plan *plan;            /* plan_make(facts, profile), or NULL with plan_cause */
	char *plan_cause;
	char *notice;                 /* "answers changed: ..." to show once, or NULL */
	time_t now;                   /* pyeol_now() at start */

	int screen;                   /* enum wizard_screen */
	int cursor[WS_COUNT];         /* per-screen highlighted line, kept on back */
	int top[WS_COUNT];            /* per-screen first visible line */
	int ran;                      /* something was executed: quitting asks first */
	int sudo_each_step;           /* sudo keeps no timestamp: ask before each sudo step */
	int dry_run;                  /* the install screen only showed the plan */
	int exec_status;              /* exec_run's result, -1 before */

	char *profile_path;           /* where `s` (or the run) saved the profile */
	char *plan_path;              /* where `p` (or the run) saved the plan */
	char *log_path;               /* the executor's log */
	char *run_dir;                /* the executor's run directory (armpy report reads it) */
	const char *root;             /* --root: the executor and validation run in this chroot */
	int elsewhere;                /* --os-release/--arch without --root (detect_elsewhere) */
	const char *log_opt;          /* --log FILE */
	char *bench_text;             /* why `armpy gflops` is not available, or NULL */
	struct wizard_bench bench;    /* its results when it ran */
	/* the plan's validate step's report (given to the install screen's observer), or the
	 * validation screen's when the plan has none; freed with the wizard */
	struct validate_report *validation;
	int validate_ran;             /* the validate step ran: the screen runs no probe again */
	/* undoing a past run (wizard-undo.c), NULL otherwise; whoever ends the wizard frees it
	 * with wizard_undo_free before wizard_free (wizard.c never calls wizard-undo.c) */
	struct wizard_undo *undo;
	/* --bundle FILE: the verified bundle whose answers these are (wizard-bundle.c), or NULL;
	 * owned. Every plan is then made with it, and answers it cannot install are refused. */
	struct wizard_bundle *bundle;
};

/* Takes ownership of facts and profile (profile may be NULL: the defaults). */
struct wizard *wizard_new(struct facts *, struct profile *);
void wizard_free(struct wizard *);

/* Why these answers must not run here, or NULL: they describe another machine (--os-release
 * or --arch without --root, or a distro chosen on the distro screen). Saving is still fine. */
const char *wizard_run_refusal(const struct wizard *);

/* Re-make the plan from the current answers; 0 when the planner accepted them. */
int wizard_replan(struct wizard *);
/* plan_make on a candidate profile, answers of screens after `screen` reset to the defaults and
 * EOL allowed (EOL is gated by a confirmation, not by refusal). Returns NULL when the planner
 * accepts, else its reason (without the "refused: " prefix), which the caller frees. */
char *wizard_refusal(const struct wizard *, const struct profile *candidate, int screen);

/* After an answer on `screen` changed: reset later answers that no longer fit (one screen at a
 * time, the fewest resets first), say what changed in w->notice, and replan. Returns how many
 * answers were reset. */
int wizard_fit(struct wizard *, int screen);

/* Choice lists; each call rebuilds the list (freeing the previous one). */
void wizard_list_free(struct wizard_list *);
void wizard_distro_choices(const struct wizard *, struct wizard_list *);
void wizard_python_choices(const struct wizard *, struct wizard_list *);
void wizard_source_choices(const struct wizard *, struct wizard_list *);

/* Setting answers. Each returns 0 when applied (then wizard_fit ran), -1 with *cause when
 * refused, and wizard_set_python returns 1 when the version is past EOL and not yet confirmed. */
int wizard_set_distro(struct wizard *, const char *key, char **cause);   /* "detected" or "id ver" */
int wizard_set_python(struct wizard *, const char *version, int confirmed, char **cause);
int wizard_set_source(struct wizard *, enum source, char **cause);
int wizard_set_library(struct wizard *, enum blas_library, char **cause);
int wizard_set_threading(struct wizard *, enum blas_threading, char **cause);
int wizard_set_build(struct wizard *, enum blas_build, char **cause);
/* 0 = all cores; -1 when the bundle cannot install that count: kept, w->notice says why */
int wizard_set_threads(struct wizard *, int threads);
int wizard_toggle_extra(struct wizard *, unsigned bit, char **cause);

/* Why a BLAS option or an extra would be refused with the other answers kept; NULL if fine. */
char *wizard_library_refusal(const struct wizard *, enum blas_library);
char *wizard_threading_refusal(const struct wizard *, enum blas_threading);
char *wizard_build_refusal(const struct wizard *, enum blas_build);
char *wizard_extra_refusal(const struct wizard *, unsigned bit);
/* Why NVPL is the vendor's BLAS on this machine (an NVIDIA Grace: Neoverse V2 cores, by MIDR
 * through cpu.c's table), or NULL. A static string. */
const char *wizard_vendor_blas(const struct wizard *);

/* Texts for the UI. */
const char *wizard_extra_note(unsigned bit);
const char *wizard_extra_label(unsigned bit);
const char *wizard_source_label(enum source);
const char *wizard_source_consequences(enum source, int line);   /* line 0 or 1 */
int wizard_cores(const struct wizard *);
const char *wizard_python_shown(const struct wizard *);          /* "3.11" or "system (3.11.2)" */

/* wizard-save.c: the wizard's files (the model reads none, and no variable but the day).
 * The default save paths for profile and plan, named by `name`, else profile.name, else
 * "armpy", under $XDG_CONFIG_HOME/armpy/profiles and .../plans (~/.config when XDG_CONFIG_HOME
 * is unset or not absolute), read at each call. */
char *wizard_default_profile_path(const struct wizard *, const char *name);
char *wizard_default_plan_path(const struct wizard *, const char *name);
/* Saves the profile/plan (profile_save, plan_to_yaml), parents made, and records the path. */
int wizard_save_profile(struct wizard *, const char *path, char **cause);
int wizard_save_plan(struct wizard *, const char *path, char **cause);
/* The headless replay command shown on the done screen (a new string): the saved profile, or
 * the default path when none was saved. */
char *wizard_replay_command(const struct wizard *);

/* wizard-bench.c: parse `armpy gflops --format yaml` into w->bench (replacing it); the table
 * as text. */
int wizard_bench_parse(struct wizard *, const char *yaml, size_t len, char **cause);
char *wizard_bench_table(const struct wizard *);
void wizard_bench_clear(struct wizard_bench *);
/* A speed row's label, "BLIS zen3 1t N=1000" (kernels left out when NULL or the same as lib,
 * N when n <= 0); with width > 0 the lib and kernels part is cut so that it fits. */
char *wizard_speed_label(const char *lib, const char *kernels, int threads, long n, int width);
char *wizard_bench_label(const struct wizard_bench_row *, int width);
/* The BLAS screen's line about BLIS: what armpy gflops saw it run, or the build target armpy
 * expects for this CPU when the bench has not run (or could not tell). */
char *wizard_blis_line(const struct wizard *);

/* wizard-bundle.c: `armpy --bundle FILE`, the wizard installing from a bundle (bundle.h). It
 * reads the bundle file (and writes it into the root before the run); no curses. */
struct wizard_bundle {
	char *file;           /* as given */
	char *target;         /* "debian 12 aarch64 (Neoverse-N1)": the manifest's */
	char *answers;        /* "source system, Python system, BLAS blis/openmp": the bundle's */
	struct profile *profile;   /* its profile.yaml: what a reset answer goes back to */
	struct plan *plan;    /* the bundle's plan.yaml */
};
/* Verifies FILE for the facts f as `armpy --profile P --bundle FILE --dry-run` does (manifest,
 * target, every member's size and sha256; the profile a bundle may carry; the plan made here
 * from the bundle's profile the bundle's plan), nothing written. Returns the bundle and its
 * profile in *answers (new: the wizard's answers), or NULL with *cause ("refused: ..."). */
struct wizard_bundle *wizard_bundle_open(const char *file, const struct facts *f,
    struct profile **answers, char **cause);
void wizard_bundle_free(struct wizard_bundle *);
/* The plan of answers p with the bundle (plan_make_bundle), or NULL with *cause: the bundle
 * cannot carry them, or they make another plan than the bundle's ("refused: ..."). */
struct plan *wizard_bundle_plan(const struct wizard_bundle *, const struct facts *f,
    const struct profile *p, char **cause);
/* Before the run: the bundle read again, verified again as it is written into
 * ROOT/var/lib/armpy/bundle (root NULL: /), and its plan compared with plan once more.
 * 0, or -1 with *cause: then nothing may run. Reads the whole file. */
int wizard_bundle_unpack(const struct wizard_bundle *, const char *root, const struct facts *f,
    const struct plan *plan, char **cause);

/* How many passwords the wizard offers sudo before it gives up (sudo's own default). */
#define WIZARD_SUDO_TRIES 3
/* What the password dialog says after `failures` refused tries, cause being sudo's reason:
 * "sudo did not accept the password; 2 tries left". After the last try, the message the review
 * screen shows: not started, nothing was run, and why. A new string. */
char *wizard_sudo_retry(const char *cause, int failures);

/* wizard-undo.c: a past run undone from the wizard, through the same functions as armpy undo
 * (undo_plan_run, undo_run_dir, undo_mark_done in undo-runs.c). It reads the state dir, as
 * wizard-save.c writes the config dir; no curses. */
struct wizard_run {
	char *id;
	char *when;           /* "YYYY-MM-DD HH:MM" (local time), "-" when unknown */
	char *what;           /* the profile's name and BLAS: "devkit-blis, blis/pthreads" */
	char *status;         /* "undoable", "undone by ID", "undo of ID", or the run's state */
	int undoable;         /* "Undo" is offered */
};
struct wizard_runs {
	struct wizard_run *v;
	int n;
};
struct wizard_undo {
	char *run_id;         /* the run being undone */
	char *undo_id;        /* the undo's own run, once it started */
};
/* The runs of the wizard's target root (w->root, or /), newest first. */
void wizard_runs_load(const struct wizard *, struct wizard_runs *);
void wizard_runs_clear(struct wizard_runs *);
/* Undo mode: w->plan becomes the reverse plan of run id, the one armpy undo builds, and the
 * screens go welcome, review, install, done. -1 with *cause when it cannot be built (nothing
 * changes then); *conflicted is 1 when a later run changed the same thing, and *cause names
 * the run to undo first. */
int wizard_undo_choose(struct wizard *, const char *id, int *conflicted, char **cause);
/* Out of undo mode (back on the welcome screen): the reverse plan freed (w->plan NULL), for
 * the caller to make the answers' plan again with wizard_replan. */
void wizard_undo_cancel(struct wizard *);
/* The screen after and before `screen`: the next and previous ones, or undo mode's. */
int wizard_next_screen(const struct wizard *, int screen);
int wizard_prev_screen(const struct wizard *, int screen);
/* Before the install screen runs an undo: its run directory, marked "undoes" (new path, to
 * give the executor); NULL with *cause. */
char *wizard_undo_begin(struct wizard *, char **cause);
/* After it ran with exec_run's result: the undone run marked when it succeeded. */
int wizard_undo_end(struct wizard *, int result, char **cause);
void wizard_undo_free(struct wizard_undo *);

#endif

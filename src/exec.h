/* exec.h — the executor: runs a plan's steps for real, journals them, reports to an observer. */
/* SPDX-License-Identifier: MIT */
#ifndef EXEC_H
#define EXEC_H

#include <stddef.h>

struct facts;
struct validate_report;

struct plan;
struct step;

enum step_result {
	STEP_OK,
	STEP_SATISFIED,     /* its check said it was already done; skipped */
	STEP_FAILED,
	STEP_SKIPPED,       /* the user chose to skip it after a failure */
	STEP_INTERRUPTED,
};

/* The one output interface with one implementation per face (TUI, headless text/json). */
struct exec_observer {
	void (*step_start)(void *arg, const struct step *, int index, int total);
	/* fraction in [0,1], or < 0 when unknown; detail e.g. "12.3 MiB of 80 MiB" */
	void (*progress)(void *arg, const struct step *, double fraction, const char *detail);
	void (*output)(void *arg, const struct step *, const char *line);
	void (*step_end)(void *arg, const struct step *, enum step_result, const char *cause);
	/* Called on failure when the face can ask (TUI): returns 'r'etry, 's'kip or 'a'bort.
	 * NULL means abort. */
	int (*ask_failure)(void *arg, const struct step *, const char *cause);
	/* With exec_opts.sudo_each_step, before a step that uses sudo: the password into pw (at
	 * most size - 1 bytes, one line), note (NULL, or why the last one was refused) shown with
	 * the question. 1 given, 0 none (the step fails, nothing of it run). */
	int (*ask_sudo)(void *arg, const struct step *, const char *note, char *pw, size_t size);
	/* Once a validate step ran: its report (validate.h), which the observer then owns, or
	 * NULL when the probe could not run (the step's cause says why). The wizard's validation
	 * screen shows it instead of running the probe again. A NULL hook: the report is freed. */
	void (*validated)(void *arg, const struct step *, struct validate_report *);
	void *arg;
};

struct exec_opts {
	const char *root;        /* chroot for run steps and prefix for paths; NULL = / */
	int yes;                 /* no confirmation */
	int headless;            /* no terminal; SIGHUP ignored */
	const char *run_dir;     /* journal directory; NULL = choose a new one */
	int resume;              /* continue the journal in run_dir */
	const char *log_path;    /* default run_dir/log */
	/* Added by the executor (compatible: zero means the default). */
	char *const *mirrors;    /* http hosts allowed for downloads besides loopback (profile) */
	const char *profile_yaml;  /* saved as run_dir/profile.yaml when not NULL */
	const char *facts_yaml;    /* saved as run_dir/facts.yaml when not NULL */
	/* resume: the sha256 of run_dir/plan.yaml as the person approved it (NULL: the plan's
	 * canonical YAML); recorded in the begin record, which resume compares with */
	const char *plan_sha256;
	/* sudo keeps no timestamp (timestamp_timeout=0, sudo_keeps_no_timestamp): the observer's
	 * ask_sudo is asked before each step that uses sudo, and no keepalive runs */
	int sudo_each_step;
	/* the machine the plan was made for (facts.h): a validate step's probe takes its CPU,
	 * peak and emulation from it; NULL: the probe detects them again */
	const struct facts *facts;
};

struct exec;
struct exec *exec_new(const struct plan *, const struct exec_opts *, const struct exec_observer *);
void exec_free(struct exec *);
/* What exec_run did. The values are armpy's exit statuses for them (armpy.h: EXIT_FAILED,
 * EXIT_INTERRUPTED), so a face may exit with the result; EXEC_NOT_STARTED is no exit status: a
 * face says why (the cause) and picks its own. */
enum exec_result {
	EXEC_NOT_STARTED = -1,
	EXEC_OK = 0,
	EXEC_FAILED = 1,
	EXEC_INTERRUPTED = 130,
};
/* Runs every step. EXEC_OK when all succeeded or were satisfied/skipped, EXEC_FAILED when one
 * failed (or the journal or the log could not be written: the cause names the file and the
 * errno), EXEC_INTERRUPTED; EXEC_NOT_STARTED with *cause on set-up errors (journal not
 * writable, state dir not the user's, another armpy holding the target root or the run
 * directory, resume without a journal or with a corrupt one, ...); nothing ran then.
 * Locks: the target root (by device and inode, in the state dir) and the run directory are
 * held from set-up to exec_free. */
enum exec_result exec_run(struct exec *, char **cause);
/* --check: every step's check evaluated as exec_run would, and nothing else: no step, no sudo,
 * no state dir, run dir, journal, log or lock. would_run[i] (plan->nsteps of them) is 1 when
 * step i would run; *why gets a new vector of one short reason a step. 0, or -1 with *cause
 * when the root cannot be opened or a plan path is bad (nothing evaluated). */
int exec_check(struct exec *, int *would_run, char ***why, char **cause);
const char *exec_run_dir(const struct exec *);
const char *exec_log_path(const struct exec *);
const char *step_result_name(enum step_result);

/* The run's id (the last component of its directory); NULL before exec_run set it up. */
const char *exec_run_id(const struct exec *);
/* After exec_run returned 1: the failed step (NULL if none), its cause, its exit status
 * (-1 when it was not a process), and its last output lines (at most 20, oldest first; a new
 * vector the caller frees with strv_free). */
const struct step *exec_failed_step(const struct exec *);
const char *exec_failed_cause(const struct exec *);
int exec_failed_status(const struct exec *);
char **exec_tail(const struct exec *);
/* Set from a signal handler (SIGINT/SIGTERM): the running step is stopped and exec_run returns
 * 130. exec_run installs handlers for both; a face may also call this. */
void exec_interrupt(void);

/* The commands a step runs through sudo when armpy is not root, each a whole argv starting
 * "sudo" "-n", in order: none as root, for unprivileged steps, and for downloads, extractions
 * and validations (which armpy runs as the user). Free with exec_commands_free. */
char ***exec_sudo_commands(struct exec *, const struct step *);
void exec_commands_free(char ***);
/* After exec_run returned 1: 1 when the step failed because sudo wanted a password again
 * (its timestamp expired or was revoked); nothing of that step ran. */
int exec_failed_sudo(const struct exec *);

#endif

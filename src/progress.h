/* progress.h — the run's progress without the wizard: text lines or JSON lines on stdout (docs/progress-json.md). */
/* SPDX-License-Identifier: MIT */
#ifndef PROGRESS_H
#define PROGRESS_H

#include "exec.h"

/* The progress throttle of the text and JSON faces: at most 4 updates a second, and only
 * when the percent (or, without one, the detail) changed. */
struct throttle {
	double last_time;
	int last_percent;
	char *last_detail;
};
/* 1 when an update should be shown now (and it is remembered as the last one shown). */
int throttle_should_emit(struct throttle *, double now, int percent, const char *detail);
void throttle_reset(struct throttle *);     /* frees the detail; the next update is shown */

struct progress;
/* json != 0: one JSON object per line (docs/progress-json.md); else text progress lines.
 * Output goes to fd (normally 1); write errors (EIO/EPIPE after a hang-up) are ignored. */
struct progress *progress_new(int json, int fd);
void progress_free(struct progress *);
void progress_observer(struct progress *, struct exec_observer *);
/* The final event/line: result is ok | failed | interrupted | not_started (nothing ran). */
void progress_run_end(struct progress *, const char *result, int exit_code, const char *run_id,
    const char *run_dir, const char *log_path);
/* Writes a whole string to the face's fd, ignoring errors. */
void progress_print(struct progress *, const char *text);

struct plan;
/* Prints the plan (every step; with commands when show_commands). */
void progress_print_plan(struct progress *, const struct plan *, int show_commands);
/* Nothing runs unconfirmed: 0 when yes (--yes) or when "y" was typed on the terminal that is
 * stdin ("Proceed? [y/N]" on stderr). Otherwise (declined, or no terminal to ask on) says why,
 * naming --yes, like progress_refuse, and returns EXIT_USAGE. */
int progress_confirm(struct progress *, int yes);
/* The run does not start: "armpy: not started: WHY" on stderr, and run_end not_started with
 * exit 2 (JSON). */
void progress_refuse(struct progress *, const char *why);
/* Runs the plan with this face: failure report, resume hint, run_end. Returns the exit code.
 * When armpy is not root and sudo wants a password, sudo asks for it first on the terminal
 * (stdin); without a terminal the run does not start (exit 2, the three ways forward). */
int progress_execute(struct progress *, const struct plan *, struct exec_opts *);

#endif

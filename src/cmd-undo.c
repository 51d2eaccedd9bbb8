/* cmd-undo.c — `armpy undo [RUN-ID]`: put back what a run changed, as a plan of its own. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "cmd.h"
#include "exec.h"
#include "progress.h"
#include "plan.h"
#include "runs.h"
#include "undo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The index of RUN-ID, else of the newest run that is live; n when none (said). */
static size_t
undo_pick(const char *id, const struct run_info *v, size_t n)
{
	char *cause = NULL;

	if (id != NULL && runs_id_check(id, &cause) != 0) {
		fprintf(stderr, "armpy undo: %s\n", cause);
		free(cause);
		return n;
	}
	for (size_t i = n; i-- > 0;)
		if (id != NULL ? strcmp(v[i].id, id) == 0 : undo_live(&v[i]))
			return i;
	if (id != NULL)
		fprintf(stderr, "armpy undo: no run '%s' (see armpy runs)\n", id);
	else
		fprintf(stderr, "armpy undo: no run to undo (see armpy runs)\n");
	return n;
}

/* Runs the reverse plan as a run of its own; marks both runs when it succeeded. */
static int
undo_run(struct args *a, const struct plan *plan, const struct run_info *ri)
{
	const char *progress = args_get(a, "--progress");
	struct progress *h = progress_new(progress != NULL && strcmp(progress, "json") == 0,
	    STDOUT_FILENO);
	struct exec_opts eo;
	char *id = NULL, *dir = NULL, *cause = NULL;
	int rc;

	progress_print_plan(h, plan, 1);
	if ((rc = progress_confirm(h, args_has(a, "--yes"))) == 0) {
		if ((dir = undo_run_dir(ri, &id, &cause)) == NULL) {
			fprintf(stderr, "armpy undo: %s\n", cause);
			rc = EXIT_FAILED;
		} else {
			memset(&eo, 0, sizeof eo);
			eo.root = ri->root;
			eo.yes = 1;
			eo.run_dir = dir;
			eo.log_path = args_get(a, "--log");
			rc = progress_execute(h, plan, &eo);
		}
	}
	if (rc == 0 && id != NULL && undo_mark_done(ri, id, &cause) != 0)
		fprintf(stderr, "armpy undo: %s\n", cause);
	progress_free(h);
	free(cause);
	free(id);
	free(dir);
	return rc;
}

static int
undo_one(struct args *a, const struct run_info *v, size_t n, size_t i)
{
	char *later = NULL, *cause = NULL;
	int conflicted, rc = EXIT_USAGE;
	struct plan *plan = undo_plan_run(v, n, i, &conflicted, &later, &cause);

	if (plan == NULL)
		fprintf(stderr, "armpy undo: %s\n", cause);
	else
		rc = args_has(a, "--dry-run") ? cmd_dry_run(plan, v[i].root) :
		    undo_run(a, plan, &v[i]);
	free(later);
	free(cause);
	plan_free(plan);
	return rc;
}

static int
undo_exec(struct args *a)
{
	size_t n, i;
	struct run_info *v = runs_list(&n);
	int rc = EXIT_USAGE;

	if ((i = undo_pick(args_operand(a, 0), v, n)) < n)
		rc = undo_one(a, v, n, i);
	runs_list_free(v, n);
	return rc;
}

static const struct args_opt undo_opts[] = {
	{ "--dry-run", 'n', NULL, 0, "print the reverse plan as YAML and, when you are not root, "
	    "the commands it would run through sudo; run nothing" },
	{ "--yes", 'y', NULL, 0, "approve the reverse plan shown without asking" },
	{ "--progress", 0, "text|json", ARGS_CHOICES, "line progress, or one JSON object per line" },
	{ "--log", 0, "FILE", 0, "also write the run log to FILE" },
	{ NULL, 0, NULL, 0, NULL },
};

const struct cmd_entry cmd_undo_entry = {
	.args = { "undo", undo_opts, 0, "[RUN-ID]", 0, 1 },
	.summary = "put back what a run changed (the newest run that is not undone yet)",
	.help = "Before each step changes anything, armpy records what it replaces in the run's\n"
	    "directory: an alternative's previous selection, a file's previous content and mode\n"
	    "(or that there was none), the packages installed before an apt step, a directory\n"
	    "that was absent. armpy undo turns those records into a plan of its own, newest step\n"
	    "first, shows every command, asks, and runs it as a new run (journaled, resumable).\n"
	    "It removes only what the run added: packages installed before it stay, and so do\n"
	    "packages a later run asked for; the plan's notes say what stays and why.\n",
	.notes = "A thing the run changed that was changed again since (the alternative switched\n"
	    "again, the file rewritten) is a conflict: nothing runs, and armpy names the later run\n"
	    "to undo first, as dnf history undo does. There is no --force.\n"
	    "Exit status: 0 done, 1 a step failed (armpy resume continues), 2 no such run, a run\n"
	    "undone already, a conflict, or not confirmed (nothing run), 130 interrupted.\n",
	.exec = undo_exec,
};

/* cmd-undo.c — `armpy undo [RUN-ID]`: put back what a run changed, as a plan of its own. */
/* SPDX-License-Identifier: MIT */
#include "action.h"
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

/* The text of DIR/NAME without its newline (new), NULL when there is none. */
static char *
undo_mark(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name), *text;
	size_t len;

	text = access(p, F_OK) == 0 ? file_read(p, 256, &len, NULL) : NULL;
	free(p);
	if (text != NULL)
		text[strcspn(text, "\n")] = '\0';
	return text;
}

/* 1 when run i may be undone or blamed: neither undone already nor an undo itself. */
static int
undo_live(const struct run_info *ri)
{
	char *a = undo_mark(ri->dir, "undone"), *b = undo_mark(ri->dir, "undoes");
	int r = a == NULL && b == NULL && strcmp(ri->state, "running") != 0;

	free(a);
	free(b);
	return r;
}

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

/* A run's plan and records; -1 after saying why. */
static int
undo_read_run(const struct run_info *ri, struct plan **plan, struct undo_rec **recs, size_t *n)
{
	char *path = xasprintf("%s/plan.yaml", ri->dir), *cause = NULL;

	*plan = plan_load(path, &cause);
	free(path);
	if (*plan != NULL && undo_load(ri->dir, *plan, recs, n, &cause) == 0)
		return 0;
	fprintf(stderr, "armpy undo: run %s: %s\n", ri->id, cause);
	free(cause);
	plan_free(*plan);
	*plan = NULL;
	return -1;
}

/* The packages the apt steps of the live runs after run i asked for (their dpkg checks). */
static char **
undo_wanted_later(const struct run_info *v, size_t n, size_t i, char **wanted)
{
	for (size_t j = i + 1; j < n; j++) {
		char *path = xasprintf("%s/plan.yaml", v[j].dir);
		struct plan *p = undo_live(&v[j]) && str_same(v[j].root, v[i].root) ?
		    plan_load(path, NULL) : NULL;

		for (size_t k = 0; p != NULL && k < p->nsteps; k++)
			if (p->steps[k].check.kind == CHECK_DPKG)
				wanted = strv_append_new(wanted, p->steps[k].check.packages);
		plan_free(p);
		free(path);
	}
	return wanted;
}

/* The newest live run after run i that recorded a change to what rec changed, or NULL. */
static const char *
undo_blame(const struct run_info *v, size_t n, size_t i, const struct undo_rec *rec)
{
	for (size_t j = n; j-- > i + 1;) {
		struct plan *p;
		struct undo_rec *r;
		size_t nr, k;
		int hit = 0;

		if (!undo_live(&v[j]) || !str_same(v[j].root, v[i].root) ||
		    undo_read_run(&v[j], &p, &r, &nr) != 0)
			continue;
		for (k = 0; k < nr && !hit; k++)
			hit = strcmp(r[k].what, rec->what) == 0 && str_same(r[k].name, rec->name) &&
			    str_same(r[k].path, rec->path);
		undo_recs_free(r, nr);
		plan_free(p);
		if (hit)
			return v[j].id;
	}
	return NULL;
}

/* Notes for the steps that ran but keep no record: they stay as they are. */
static void
undo_notes(struct plan *undo, const struct plan *run, const struct undo_rec *r, size_t n)
{
	for (size_t i = 0; i < run->nsteps; i++) {
		const struct step *s = &run->steps[i];
		size_t k = 0;

		while (k < n && strcmp(r[k].id, s->id) != 0)
			k++;
		if (k == n && s->kind != ACTION_VALIDATE)
			plan_note(undo, "step %s (%s) is not undone: it changed nothing armpy records, "
			    "or nothing at all", s->id, s->title != NULL ? s->title : "");
	}
}

static int
undo_refuse(const struct run_info *v, size_t n, size_t i, const struct undo_rec *r,
    size_t nr, const char *conflict, const char *cause)
{
	const char *later = NULL;

	for (size_t k = 0; k < nr && later == NULL; k++)
		if (strcmp(r[k].id, conflict) == 0)
			later = undo_blame(v, n, i, &r[k]);
	if (later != NULL)
		fprintf(stderr, "armpy undo: run %s cannot be undone: %s, by run %s. Undo run %s "
		    "first (armpy undo %s), as dnf history undo asks for the later transaction\n",
		    v[i].id, cause, later, later, later);
	else
		fprintf(stderr, "armpy undo: run %s cannot be undone: %s, by no run armpy knows "
		    "(by hand, or another tool). Put it back as the run left it first\n",
		    v[i].id, cause);
	return EXIT_USAGE;
}

/* Runs the reverse plan as a run of its own; marks both runs when it succeeded. */
static int
undo_run(struct args *a, const struct plan *plan, const struct run_info *ri)
{
	const char *progress = args_get(a, "--progress");
	struct progress *h = progress_new(progress != NULL && strcmp(progress, "json") == 0,
	    STDOUT_FILENO);
	struct exec_opts eo;
	char *id = NULL, *dir = NULL, *cause = NULL, *p;
	int rc;

	progress_print_plan(h, plan, 1);
	if ((rc = progress_confirm(h, args_has(a, "--yes"))) == 0) {
		if ((dir = runs_create(&id, &cause)) == NULL) {
			fprintf(stderr, "armpy undo: %s\n", cause);
			rc = EXIT_FAILED;
		} else {
			memset(&eo, 0, sizeof eo);
			eo.root = ri->root;
			eo.yes = 1;
			eo.run_dir = dir;
			eo.log_path = args_get(a, "--log");
			p = xasprintf("%s/undoes", dir);
			file_write_atomic(p, ri->id, strlen(ri->id), 0600, NULL);
			free(p);
			rc = progress_execute(h, plan, &eo);
		}
	}
	if (rc == 0 && id != NULL) {
		p = xasprintf("%s/undone", ri->dir);
		if (file_write_atomic(p, id, strlen(id), 0600, &cause) != 0)
			fprintf(stderr, "armpy undo: %s\n", cause);
		free(p);
	}
	progress_free(h);
	free(cause);
	free(id);
	free(dir);
	return rc;
}

static int
undo_one(struct args *a, const struct run_info *v, size_t n, size_t i)
{
	struct plan *run = NULL, *plan = NULL;
	struct undo_rec *r = NULL;
	struct undo_now *now;
	char *conflict = NULL, *cause = NULL, *was = undo_mark(v[i].dir, "undone");
	size_t nr = 0;
	int rc = EXIT_USAGE;

	if (was != NULL)
		fprintf(stderr, "armpy undo: run %s was undone already (by run %s)\n", v[i].id, was);
	else if (strcmp(v[i].state, "running") == 0)
		fprintf(stderr, "armpy undo: run %s is still running\n", v[i].id);
	else if (undo_read_run(&v[i], &run, &r, &nr) != 0)
		;
	else if ((now = undo_now_open(v[i].root, &cause)) == NULL)
		fprintf(stderr, "armpy undo: %s\n", cause);
	else {
		now->wanted = undo_wanted_later(v, n, i, now->wanted);
		plan = undo_build(v[i].id, run->target, r, nr, now, &conflict, &cause);
		undo_now_free(now);
		if (plan == NULL && conflict != NULL)
			rc = undo_refuse(v, n, i, r, nr, conflict, cause);
		else if (plan == NULL)
			fprintf(stderr, "armpy undo: run %s: %s\n", v[i].id, cause);
		else {
			undo_notes(plan, run, r, nr);
			rc = args_has(a, "--dry-run") ? cmd_dry_run(plan, v[i].root) :
			    undo_run(a, plan, &v[i]);
		}
	}
	free(was);
	free(conflict);
	free(cause);
	plan_free(plan);
	plan_free(run);
	undo_recs_free(r, nr);
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

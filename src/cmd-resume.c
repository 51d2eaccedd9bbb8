/* cmd-resume.c — `armpy resume [RUN-ID]`: continue the last interrupted or failed run. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "cmd.h"
#include "exec.h"
#include "progress.h"
#include "journal.h"
#include "plan.h"
#include "profile.h"
#include "runs.h"
#include "ydoc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The run to continue: RUN-ID, else the newest that can be (failed, interrupted, killed). */
static char *
resume_pick(const char *id)
{
	struct run_info *v;
	char *dir = NULL;
	size_t n;

	if (id != NULL) {
		char *cause = NULL;

		if (runs_id_check(id, &cause) != 0)
			fprintf(stderr, "armpy resume: %s\n", cause);
		else if ((dir = runs_find(id)) == NULL)
			fprintf(stderr, "armpy resume: no run '%s' (see armpy runs)\n", id);
		free(cause);
		return dir;
	}
	v = runs_list(&n);
	for (size_t i = n; i > 0 && dir == NULL; i--)
		if (strcmp(v[i - 1].state, "failed") == 0 ||
		    strcmp(v[i - 1].state, "interrupted") == 0 ||
		    strcmp(v[i - 1].state, "incomplete") == 0)
			dir = xstrdup(v[i - 1].dir);
	runs_list_free(v, n);
	if (dir == NULL)
		fprintf(stderr, "armpy resume: no interrupted or failed run to continue\n");
	return dir;
}

/* What the earlier runs recorded: the journal must be there and sound (else resume would
 * repeat steps that ran), and the run must not be running. NULL after saying why. */
static struct jstate *
resume_journal(const char *dir, const struct run_info *ri)
{
	char *path = xasprintf("%s/journal", dir), *cause = NULL;
	struct jstate *js = NULL;

	if (runs_check_dir(dir, &cause) != 0)
		;
	else if (strcmp(ri->state, "running") == 0)
		cause_set(&cause, "run %s is still running", ri->id);
	else if (access(path, F_OK) != 0)
		cause_set(&cause, "%s: %s: without its journal armpy cannot tell which steps "
		    "ran, and will not repeat them. To start over: armpy run %s/plan.yaml", path,
		    strerror(errno), dir);
	else if ((js = journal_load(path, &cause)) != NULL && js->nbegin == 0) {
		cause_set(&cause, "%s: no record of a run (nothing is known to have run). To "
		    "start over: armpy run %s/plan.yaml", path, dir);
		jstate_free(js);
		js = NULL;
	}
	if (js == NULL)
		fprintf(stderr, "armpy resume: %s\n", cause);
	free(cause);
	free(path);
	return js;
}

/* The saved plan, read once: parsed, and its sha256 (what the person approved is compared
 * with the bytes that will run). */
static struct plan *
resume_plan(const char *dir, char sha[65])
{
	char *path = xasprintf("%s/plan.yaml", dir), *text, *cause = NULL;
	struct ynode *root = NULL;
	struct plan *plan = NULL;
	size_t len;

	text = file_read(path, YDOC_MAX_BYTES, &len, &cause);
	if (text != NULL && runs_sha256(text, len, sha, &cause) == 0 &&
	    (root = ydoc_parse(text, len, path, &cause)) != NULL)
		plan = plan_from_node(root, path, &cause);
	if (plan == NULL)
		fprintf(stderr, "armpy resume: %s\n", cause);
	ynode_free(root);
	free(text);
	free(cause);
	free(path);
	return plan;
}

/* A plan changed since its run began is run only after a person read it again and said yes
 * on a terminal; --yes alone never approves a change. 0 go, else the exit code. */
static int
resume_review(struct progress *h, const struct plan *plan, const char *dir, const char *was,
    const char *now)
{
	char *line;

	line = xasprintf("armpy resume: %s/plan.yaml changed since the run began\n"
	    "  sha256 approved: %s\n  sha256 now:      %s\n", dir, was, now);
	fputs(line, stderr);
	free(line);
	if (!isatty(STDIN_FILENO)) {
		line = xasprintf("--yes does not approve a changed plan. Review it: armpy run "
		    "--dry-run %s/plan.yaml; then resume on a terminal, which shows every command "
		    "and asks", dir);
		progress_refuse(h, line);
		free(line);
		return EXIT_USAGE;
	}
	progress_print_plan(h, plan, 1);
	fputs("Review every command above: the plan is not the one approved.\n", stderr);
	return progress_confirm(h, 0);
}

static int
resume_run(struct progress *h, const struct plan *plan, const struct run_info *ri,
    const char *dir, const char *sha, const char *log)
{
	char *path = xasprintf("%s/profile.yaml", dir), *cause = NULL;
	struct profile *p = NULL;
	struct exec_opts eo;
	int rc;

	if (access(path, R_OK) == 0 && (p = profile_load(path, &cause)) == NULL) {
		fprintf(stderr, "armpy resume: %s\n", cause);
		free(cause);
	}
	free(path);
	memset(&eo, 0, sizeof eo);
	eo.root = ri->root;
	eo.run_dir = dir;
	eo.resume = 1;
	eo.yes = 1;
	eo.log_path = log;
	eo.mirrors = p != NULL ? p->mirrors : NULL;
	eo.plan_sha256 = sha;
	rc = progress_execute(h, plan, &eo);
	profile_free(p);
	return rc;
}

static int
resume_exec(struct args *a)
{
	const char *log = args_get(a, "--log"), *progress = args_get(a, "--progress");
	struct run_info ri;
	struct jstate *js;
	struct progress *h;
	struct plan *plan;
	char *dir, sha[65], *line;
	int json = progress != NULL && strcmp(progress, "json") == 0, rc;

	if ((dir = resume_pick(args_operand(a, 0))) == NULL)
		return EXIT_USAGE;
	run_info_load(&ri, dir, strrchr(dir, '/') != NULL ? strrchr(dir, '/') + 1 : dir);
	js = resume_journal(dir, &ri);
	plan = js != NULL ? resume_plan(dir, sha) : NULL;
	if (plan == NULL) {
		jstate_free(js);
		run_info_clear(&ri);
		free(dir);
		return EXIT_USAGE;
	}
	h = progress_new(json, STDOUT_FILENO);
	if (!json) {
		line = xasprintf("Resuming run %s (%s)%s%s\n", ri.id, ri.state,
		    ri.root != NULL ? " in " : "", ri.root != NULL ? ri.root : "");
		progress_print(h, line);
		free(line);
	}
	if (strcmp(js->plan_sha256, sha) != 0)
		rc = resume_review(h, plan, dir, js->plan_sha256, sha);
	else
		rc = progress_confirm(h, args_has(a, "--yes"));
	if (rc == 0)
		rc = resume_run(h, plan, &ri, dir, sha, log);
	progress_free(h);
	plan_free(plan);
	jstate_free(js);
	run_info_clear(&ri);
	free(dir);
	return rc;
}

static const struct args_opt resume_opts[] = {
	{ "--yes", 'y', NULL, 0, "approve without asking (an unchanged plan only)" },
	{ "--progress", 0, "text|json", ARGS_CHOICES, "line progress, or one JSON object per line" },
	{ "--log", 0, "FILE", 0, "also write the run log to FILE" },
	{ NULL, 0, NULL, 0, NULL },
};

const struct cmd_entry cmd_resume_entry = {
	.args = { "resume", resume_opts, 0, "[RUN-ID]", 0, 1 },
	.summary = "continue the last interrupted or failed run (re-checks every step)",
	.help = "Without RUN-ID, the newest run that did not finish. Steps the journal records as\n"
	    "done are not run again (downloads are re-verified by their sha256); a step that was\n"
	    "cut off goes through its check first, so a step is never repeated when its effect is\n"
	    "already there. RUN-ID is an id as armpy runs lists it (YYYYMMDD-HHMMSS-PID); an\n"
	    "empty one, ., .., a path or another name is refused (exit 2).\n"
	    "\n"
	    "Resume runs only what was approved: the plan's sha256 is recorded when its run\n"
	    "begins. A plan.yaml changed since is shown in full and must be approved again by a\n"
	    "person on a terminal; --yes does not approve a change (exit 2). A run without its\n"
	    "journal, or with a corrupt one, is not resumed (exit 2): armpy cannot tell which\n"
	    "steps ran, and will not repeat them.\n",
	.exec = resume_exec,
};

/* cmd-headless.c — the headless default command (armpy --profile FILE): prepare, --dry-run, --check, run. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "bundle.h"
#include "cmd.h"
#include "exec.h"
#include "facts.h"
#include "progress.h"
#include "plan.h"
#include "profile.h"
#include "sudo.h"
#include "vis.h"
#include "ydoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * --bundle: the bundle verified and the plan made here for this machine, installing from it,
 * must be the bundle's own; only then (for a run) is it read again, verified again as it is
 * unpacked into the root, and its plan compared again (the file may have changed).
 */
static struct plan *
cmd_headless_bundle(const struct main_opts *o, const struct profile *p, const struct facts *f,
    char **cause)
{
	struct plan *plan = NULL, *theirs = NULL;
	const char *root = o->detect.root != NULL ? o->detect.root : "/";
	int pass, passes = o->dry_run || o->check ? 1 : 2;

	if (bundle_supported(p, f, cause) != 0 ||
	    (plan = plan_make_bundle(f, p, BUNDLE_DIR, cause)) == NULL)
		return NULL;
	for (pass = 0; pass < passes; pass++) {
		if (bundle_read_plan(o->bundle, pass == 1 ? root : NULL, f, &theirs, NULL,
		    cause) != 0 || bundle_plan_same(plan, theirs, cause) != 0)
			break;
		plan_free(theirs);
		theirs = NULL;
	}
	if (pass == passes)
		return plan;
	plan_free(theirs);
	plan_free(plan);
	return NULL;
}

/* Load the profile, detect the facts and make the plan; messages go to stderr (plan warnings
 * too). Returns 0, or EXIT_USAGE with all three outputs NULL. */
static int
cmd_headless_prepare(const struct main_opts *o, struct profile **pp, struct facts **fp,
    struct plan **planp)
{
	struct detect_opts d = o->detect;
	char *cause = NULL;

	*pp = NULL;
	*fp = NULL;
	*planp = NULL;
	*pp = profile_load(o->profile, &cause);
	if (*pp == NULL) {
		fprintf(stderr, "%s\n", cause);
		goto fail;
	}
	/* Planning for another machine (--os-release/--cpuinfo/--arch without --root): the Pythons
	 * and conda on this machine say nothing about it, so they are not probed. */
	if (d.root == NULL && (d.os_release != NULL || d.cpuinfo != NULL || d.arch != NULL))
		d.no_probe = 1;
	*fp = facts_new();
	if (facts_detect(*fp, &d, &cause) != 0) {
		fprintf(stderr, "armpy: %s\n", cause);
		goto fail;
	}
	*planp = o->bundle != NULL ? cmd_headless_bundle(o, *pp, *fp, &cause) :
	    plan_make(*fp, *pp, &cause);
	if (*planp == NULL) {
		if (o->bundle != NULL)
			fprintf(stderr, "armpy: %s\n", cause);
		else
			fprintf(stderr, "armpy: %s: %s\n", quote_short(o->profile), cause);
		goto fail;
	}
	for (size_t i = 0; (*planp)->warnings != NULL && (*planp)->warnings[i] != NULL; i++)
		fprintf(stderr, "armpy: warning: %s\n", (*planp)->warnings[i]);
	return 0;
fail:
	free(cause);
	facts_free(*fp);
	profile_free(*pp);
	*fp = NULL;
	*pp = NULL;
	return EXIT_USAGE;
}

/* --dry-run: the plan as armpy read it, and (not root) the commands it would run through sudo. */
int
cmd_dry_run(const struct plan *plan, const char *root)
{
	struct exec_opts eo;
	char *text = plan_to_yaml(plan);

	fputs(text, stdout);
	free(text);
	memset(&eo, 0, sizeof eo);
	eo.root = root;
	text = sudo_listing(plan, &eo);
	fputs(text, stdout);
	free(text);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILED;
}

/* A run, or --check, acts on this machine (or --root): refused with 2 when the detection
 * overrides describe another one. */
static int
cmd_headless_here(const struct main_opts *o, int check)
{
	if (!detect_elsewhere(&o->detect))
		return 0;
	fprintf(stderr, "armpy: %s: --os-release or --arch describe another machine, and without "
	    "--root %s this one; read that machine's plan with --dry-run (or armpy plan) and run "
	    "the profile there, or add --root DIR for a tree of that machine here\n",
	    check ? "--check refused" : "nothing was run",
	    check ? "--check would report on" : "a run would change");
	return EXIT_USAGE;
}

/* Plan, confirm, execute, validate. */
static int
cmd_headless_run(const struct main_opts *o)
{
	struct profile *p;
	struct facts *f;
	struct plan *plan;
	struct progress *h;
	struct exec_opts eo;
	char *pyaml, *fyaml;
	int rc;

	if ((rc = cmd_headless_here(o, 0)) != 0 ||
	    (rc = cmd_headless_prepare(o, &p, &f, &plan)) != 0)
		return rc;
	h = progress_new(o->json, STDOUT_FILENO);
	if (!o->json)
		progress_print_plan(h, plan, 0);
	if ((rc = progress_confirm(h, o->yes)) == 0) {
		pyaml = profile_to_yaml(p);
		fyaml = facts_to_yaml(f);
		memset(&eo, 0, sizeof eo);
		eo.root = o->detect.root;
		eo.yes = 1;
		eo.log_path = o->log;
		eo.mirrors = p->mirrors;
		eo.profile_yaml = pyaml;
		eo.facts_yaml = fyaml;
		eo.facts = f;
		rc = progress_execute(h, plan, &eo);
		free(pyaml);
		free(fyaml);
	}
	progress_free(h);
	plan_free(plan);
	facts_free(f);
	profile_free(p);
	return rc;
}

/* --dry-run: the plan YAML this profile makes here, and (not root) what goes through sudo. */
static int
cmd_headless_dry_run(const struct main_opts *o)
{
	struct profile *p;
	struct facts *f;
	struct plan *plan;
	int rc;

	if ((rc = cmd_headless_prepare(o, &p, &f, &plan)) != 0)
		return rc;
	rc = cmd_dry_run(plan, o->detect.root);
	plan_free(plan);
	facts_free(f);
	profile_free(p);
	return rc;
}

/* --check --format yaml: the form a machine reads (Ansible's check mode). */
static char *
cmd_headless_check_yaml(const struct main_opts *o, const struct plan *plan, const int *run,
    char **why, int change)
{
	struct yemit *y = yemit_new();
	char *text;

	yemit_map_start(y, 0);
	yemit_str(y, "check");
	yemit_map_start(y, 0);
	yemit_kv_str(y, "profile", o->profile);
	yemit_kv_str(y, "root", o->detect.root != NULL ? o->detect.root : "/");
	yemit_kv_bool(y, "would_change", change);
	yemit_str(y, "steps");
	yemit_seq_start(y, 0);
	for (size_t i = 0; i < plan->nsteps; i++) {
		yemit_map_start(y, 0);
		yemit_kv_str(y, "id", plan->steps[i].id);
		yemit_kv_str(y, "title", plan->steps[i].title);
		yemit_kv_bool(y, "would_run", run[i]);
		yemit_kv_str(y, "reason", why[i]);
		yemit_map_end(y);
	}
	yemit_seq_end(y);
	yemit_map_end(y);
	yemit_map_end(y);
	text = yemit_finish(y, NULL);
	yemit_free(y);
	return text;
}

/* --check as text, for a person: every line escaped (titles are untrusted plan text). */
static char *
cmd_headless_check_text(const struct main_opts *o, const struct plan *plan, const int *run,
    char **why, size_t nrun)
{
	struct buf b;
	char *line;

	buf_init(&b);
	line = xasprintf("Check of %s on %s: %zu of %zu steps would run", o->profile,
	    o->detect.root != NULL ? o->detect.root : "/", nrun, plan->nsteps);
	for (size_t i = 0; i <= plan->nsteps; i++) {
		vis_buf(&b, line, strlen(line), 0);
		buf_add(&b, "\n", 1);
		free(line);
		if (i == plan->nsteps)
			break;
		line = xasprintf("  %2zu. %-10s %s [%s]: %s", i + 1, run[i] ? "would run" :
		    "satisfied", plan->steps[i].title != NULL ? plan->steps[i].title : "",
		    plan->steps[i].id, why[i]);
	}
	return buf_steal(&b);
}

/* --check: every step's check, nothing run; which steps would run. Exit 0 (2 on bad input). */
static int
cmd_headless_check(const struct main_opts *o)
{
	struct profile *p;
	struct facts *f;
	struct plan *plan;
	struct exec_opts eo;
	struct exec *e;
	char **why = NULL, *cause = NULL, *text;
	int *run, rc, change = 0;
	size_t nrun = 0;

	if ((rc = cmd_headless_here(o, 1)) != 0 ||
	    (rc = cmd_headless_prepare(o, &p, &f, &plan)) != 0)
		return rc;
	memset(&eo, 0, sizeof eo);
	eo.root = o->detect.root;
	eo.mirrors = p->mirrors;
	run = xcalloc(plan->nsteps + 1, sizeof *run);
	e = exec_new(plan, &eo, NULL);
	if (exec_check(e, run, &why, &cause) != 0) {
		fprintf(stderr, "armpy: %s\n", cause);
		free(cause);
		rc = EXIT_USAGE;
	} else {
		for (size_t i = 0; i < plan->nsteps; i++) {
			nrun += run[i] != 0;
			change |= run[i] && plan->steps[i].kind != ACTION_VALIDATE;
		}
		text = o->yaml ? cmd_headless_check_yaml(o, plan, run, why, change) :
		    cmd_headless_check_text(o, plan, run, why, nrun);
		fputs(text, stdout);
		free(text);
		rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILED;
	}
	exec_free(e);
	strv_free(why);
	free(run);
	plan_free(plan);
	facts_free(f);
	profile_free(p);
	return rc;
}

int
cmd_headless(const struct main_opts *o)
{
	if (o->check)
		return cmd_headless_check(o);
	return o->dry_run ? cmd_headless_dry_run(o) : cmd_headless_run(o);
}

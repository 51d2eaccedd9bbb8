/* cmd-headless.c — the headless default command (armpy --profile FILE): prepare, --dry-run, run. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "cmd.h"
#include "exec.h"
#include "facts.h"
#include "headless.h"
#include "plan.h"
#include "profile.h"
#include "sudo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	*planp = plan_make(*fp, *pp, &cause);
	if (*planp == NULL) {
		fprintf(stderr, "armpy: %s: %s\n", o->profile, cause);
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

/* Plan, confirm, execute, validate. */
static int
cmd_headless_run(const struct main_opts *o)
{
	struct profile *p;
	struct facts *f;
	struct plan *plan;
	struct headless *h;
	struct exec_opts eo;
	char *pyaml, *fyaml;
	int rc;

	if ((rc = cmd_headless_prepare(o, &p, &f, &plan)) != 0)
		return rc;
	h = headless_new(o->json, STDOUT_FILENO);
	if (!o->json)
		headless_print_plan(h, plan, 0);
	if ((rc = headless_confirm(h, o->yes)) == 0) {
		pyaml = profile_to_yaml(p);
		fyaml = facts_to_yaml(f);
		memset(&eo, 0, sizeof eo);
		eo.root = o->detect.root;
		eo.yes = 1;
		eo.log_path = o->log;
		eo.mirrors = p->mirrors;
		eo.profile_yaml = pyaml;
		eo.facts_yaml = fyaml;
		rc = headless_execute(h, plan, &eo);
		free(pyaml);
		free(fyaml);
	}
	headless_free(h);
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

int
cmd_headless(const struct main_opts *o)
{
	return o->dry_run ? cmd_headless_dry_run(o) : cmd_headless_run(o);
}

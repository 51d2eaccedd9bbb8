/* cmd-plan.c — `armpy plan --profile FILE [--facts FACTS.yaml] [-o PLAN.yaml]`: plan for this or another machine. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armpy.h"
#include "cmd.h"
#include "facts.h"
#include "plan.h"
#include "profile.h"
#include "ydoc.h"

struct facts *
plan_facts(const char *path, const struct detect_opts *d, char **cause)
{
	struct facts *f;
	struct ynode *root;

	if (path == NULL) {
		f = facts_new();
		if (facts_detect(f, d, cause) != 0) {
			facts_free(f);
			return NULL;
		}
		return f;
	}
	if ((root = ydoc_load(path, cause)) == NULL)
		return NULL;
	f = facts_from_yaml(root, path, cause);
	ynode_free(root);
	return f;
}

static int
plan_exec(struct args *a)
{
	const char *profile = args_get(a, "--profile"), *facts = args_get(a, "--facts");
	const char *out = args_get(a, "--output");
	struct detect_opts d;
	struct profile *p = NULL;
	struct facts *f = NULL;
	struct plan *plan = NULL;
	char *cause = NULL, *yaml = NULL;
	int rc = EXIT_USAGE, detect_given;

	memset(&d, 0, sizeof d);
	args_detect(a, &d);
	detect_given = d.root != NULL || d.os_release != NULL || d.cpuinfo != NULL || d.arch != NULL;
	if (facts != NULL && detect_given) {
		fprintf(stderr, "armpy plan: --facts excludes --root/--os-release/--cpuinfo/--arch\n");
		return EXIT_USAGE;
	}
	if ((p = profile_load(profile, &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		goto out;
	}
	if ((f = plan_facts(facts, &d, &cause)) == NULL) {
		fprintf(stderr, "armpy: %s\n", cause);
		goto out;
	}
	if ((plan = plan_make(f, p, &cause)) == NULL) {
		fprintf(stderr, "armpy: %s: %s\n", quote_short(profile), cause);
		goto out;
	}
	for (size_t i = 0; plan->warnings != NULL && plan->warnings[i] != NULL; i++)
		fprintf(stderr, "armpy: warning: %s\n", plan->warnings[i]);
	if (out != NULL) {
		if (plan_save(plan, out, &cause) != 0) {
			fprintf(stderr, "armpy: %s\n", cause);
			rc = EXIT_FAILED;
			goto out;
		}
		rc = EXIT_OK;
		goto out;
	}
	yaml = plan_to_yaml(plan);
	fputs(yaml, stdout);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILED;
out:
	free(cause);
	free(yaml);
	plan_free(plan);
	facts_free(f);
	profile_free(p);
	return rc;
}

static const struct args_opt plan_opts[] = {
	{ "--profile", 0, "FILE", ARGS_REQUIRED, "the saved profile to plan" },
	{ "--facts", 0, "FACTS.yaml", 0, "plan for the machine these facts describe (armpy detect "
	    "> FACTS.yaml there); excludes the detection overrides" },
	{ "--output", 'o', "PLAN.yaml", 0, "write the plan to PLAN.yaml (atomically) instead of\n"
	    "stdout" },
	{ NULL, 0, NULL, 0, NULL },
};

const struct cmd_entry cmd_plan_entry = {
	.args = { "plan", plan_opts, 1, NULL, 0, 0 },
	.summary = "print the install plan (YAML) for this machine or another; changes nothing",
	.help = "Plans for this machine, or for another one from its saved facts (armpy detect >\n"
	    "FACTS.yaml there), or with the detection overrides. Nothing is changed.\n",
	.exec = plan_exec,
};

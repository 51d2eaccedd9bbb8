/* cmd-plan.c — `armpy plan --profile FILE [--facts FACTS.yaml] [-o PLAN.yaml]`: plan for this or another machine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armpy.h"
#include "cmd.h"
#include "facts.h"
#include "plan.h"
#include "profile.h"
#include "ydoc.h"

static int
plan_usage(void)
{
	fprintf(stderr, "usage: %s\n", cmd_plan_entry.usage);
	return EXIT_USAGE;
}

static struct facts *
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
plan_exec(int argc, char **argv)
{
	const char *profile = NULL, *facts = NULL, *out = NULL;
	struct detect_opts d;
	struct profile *p = NULL;
	struct facts *f = NULL;
	struct plan *plan = NULL;
	char *cause = NULL, *yaml = NULL;
	int rc = EXIT_USAGE, detect_given = 0;

	memset(&d, 0, sizeof d);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r = cmd_detect_option(argc, argv, &i, &d);

		if (r < 0)
			return EXIT_USAGE;
		if (r > 0) {
			detect_given = 1;
			continue;
		}
		if (strcmp(a, "--profile") == 0 || strcmp(a, "--facts") == 0 ||
		    strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "armpy: plan: %s needs an argument\n", a);
				return EXIT_USAGE;
			}
			if (strcmp(a, "--profile") == 0)
				profile = argv[++i];
			else if (strcmp(a, "--facts") == 0)
				facts = argv[++i];
			else
				out = argv[++i];
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			printf("usage: %s\n%s\n", cmd_plan_entry.usage, cmd_plan_entry.summary);
			return EXIT_OK;
		} else {
			fprintf(stderr, "armpy: plan: unknown option '%s'\n", a);
			return plan_usage();
		}
	}
	if (profile == NULL) {
		fprintf(stderr, "armpy: plan: --profile FILE is required\n");
		return plan_usage();
	}
	if (facts != NULL && detect_given) {
		fprintf(stderr, "armpy: plan: --facts excludes --root/--os-release/--cpuinfo/--arch\n");
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
		fprintf(stderr, "armpy: %s: %s\n", profile, cause);
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

const struct cmd_entry cmd_plan_entry = {
	.name = "plan",
	.usage = "armpy plan --profile FILE [--facts FACTS.yaml | --root DIR --os-release FILE "
	    "--cpuinfo FILE --arch ARCH] [-o PLAN.yaml]",
	.summary = "print the install plan (YAML) for this machine, or for another one from its "
	    "saved facts (armpy detect > FACTS.yaml); changes nothing",
	.exec = plan_exec,
};

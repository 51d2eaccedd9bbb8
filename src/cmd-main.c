/* cmd-main.c — the default command: headless --profile runs, --dry-run plans, else the wizard. */
#include "armpy.h"
#include "cmd.h"
#include "exec.h"
#include "facts.h"
#include "plan.h"
#include "profile.h"
#include "sudo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
cmd_prepare(const struct main_opts *o, struct profile **pp, struct facts **fp,
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

static int
main_dry_run(const struct main_opts *o)
{
	struct profile *p;
	struct facts *f;
	struct plan *plan;
	struct exec_opts eo;
	char *yaml;
	int rc;

	if ((rc = cmd_prepare(o, &p, &f, &plan)) != 0)
		return rc;
	yaml = plan_to_yaml(plan);
	fputs(yaml, stdout);
	free(yaml);
	/* not root: the commands that would go through sudo, as YAML comments */
	memset(&eo, 0, sizeof eo);
	eo.root = o->detect.root;
	yaml = sudo_listing(plan, &eo);
	fputs(yaml, stdout);
	free(yaml);
	plan_free(plan);
	facts_free(f);
	profile_free(p);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILED;
}

/* A bad profile for the wizard is refused before the terminal is taken over. */
static int
main_check_load(const char *path)
{
	char *cause = NULL;
	struct profile *p = profile_load(path, &cause);
	if (p == NULL) {
		fprintf(stderr, "armpy: %s\n", cause != NULL ? cause : path);
		free(cause);
		return -1;
	}
	profile_free(p);
	return 0;
}

static int
main_exec(int argc, char **argv)
{
	struct main_opts o;

	memset(&o, 0, sizeof o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r = cmd_detect_option(argc, argv, &i, &o.detect);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		if (strcmp(a, "--profile") == 0 || strcmp(a, "--load") == 0 ||
		    strcmp(a, "--log") == 0 || strcmp(a, "--progress") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "armpy: %s needs an argument\n", a);
				return EXIT_USAGE;
			}
			const char *v = argv[++i];
			if (strcmp(a, "--profile") == 0)
				o.profile = v;
			else if (strcmp(a, "--load") == 0)
				o.load = v;
			else if (strcmp(a, "--log") == 0)
				o.log = v;
			else if (strcmp(v, "json") == 0)
				o.json = 1;
			else if (strcmp(v, "text") == 0)
				o.json = 0;
			else {
				fprintf(stderr, "armpy: --progress: '%s' is not one of text, json\n", v);
				return EXIT_USAGE;
			}
		} else if (strcmp(a, "--dry-run") == 0 || strcmp(a, "-n") == 0) {
			o.dry_run = 1;
		} else if (strcmp(a, "--yes") == 0 || strcmp(a, "-y") == 0) {
			o.yes = 1;
		} else {
			fprintf(stderr, "armpy: unknown option '%s' (see armpy --help)\n", a);
			return EXIT_USAGE;
		}
	}
	if (o.profile != NULL && o.load != NULL) {
		fprintf(stderr, "armpy: --profile (headless) and --load (wizard) exclude each other\n");
		return EXIT_USAGE;
	}
	if (o.profile != NULL)
		return o.dry_run ? main_dry_run(&o) : cmd_main_headless(&o);
	if (o.dry_run) {
		fprintf(stderr, "armpy: --dry-run needs --profile FILE\n");
		return EXIT_USAGE;
	}
	if (o.load != NULL && main_check_load(o.load) != 0)
		return EXIT_USAGE;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "armpy: the wizard needs a terminal; without one, use "
		    "armpy --profile FILE [--yes] (see armpy --help)\n");
		return EXIT_USAGE;
	}
	return tui_main(&o);
}

const struct cmd_entry cmd_main_entry = {
	.name = NULL,
	.usage = "armpy [--load PROFILE] | --profile FILE [--dry-run] [--yes] "
	    "[--progress text|json] [--log FILE]",
	.summary = "the wizard, or a headless run of a saved profile",
	.exec = main_exec,
};

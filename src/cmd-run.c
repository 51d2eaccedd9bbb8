/* cmd-run.c — headless `armpy --profile FILE` (plan, confirm, execute) and `armpy run PLAN`. */
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

int
cmd_main_headless(const struct main_opts *o)
{
	struct profile *p;
	struct facts *f;
	struct plan *plan;
	struct headless *h;
	struct exec_opts eo;
	char *pyaml, *fyaml;
	int rc;

	if ((rc = cmd_prepare(o, &p, &f, &plan)) != 0)
		return rc;
	h = headless_new(o->json, STDOUT_FILENO);
	if (!o->json)
		headless_print_plan(h, plan, 0);
	if (!headless_confirm(o->yes)) {
		fprintf(stderr, "armpy: nothing done\n");
		rc = EXIT_FAILED;
	} else {
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

/* --dry-run: the plan as armpy read it, and (not root) the commands it would run through sudo. */
static int
run_dry(const struct plan *plan, const char *root)
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

static int
run_exec(int argc, char **argv)
{
	struct exec_opts eo;
	struct headless *h;
	struct plan *plan;
	const char *path = NULL, *root = NULL, *log = NULL;
	char *cause = NULL;
	int yes = 0, json = 0, dry = 0, rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if ((strcmp(a, "--root") == 0 || strcmp(a, "--log") == 0 ||
		    strcmp(a, "--progress") == 0) && i + 1 < argc) {
			const char *v = argv[++i];
			if (strcmp(a, "--root") == 0)
				root = v;
			else if (strcmp(a, "--log") == 0)
				log = v;
			else if (strcmp(v, "json") == 0 || strcmp(v, "text") == 0)
				json = strcmp(v, "json") == 0;
			else {
				fprintf(stderr, "armpy run: --progress: '%s' is not one of text, json\n", v);
				return EXIT_USAGE;
			}
		} else if (strcmp(a, "--yes") == 0 || strcmp(a, "-y") == 0)
			yes = 1;
		else if (strcmp(a, "--dry-run") == 0 || strcmp(a, "-n") == 0)
			dry = 1;
		else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "armpy run: unknown option '%s'\n"
			    "usage: %s\n", a, cmd_run_entry.usage);
			return EXIT_USAGE;
		} else if (path == NULL)
			path = a;
		else {
			fprintf(stderr, "armpy run: one plan file only\n");
			return EXIT_USAGE;
		}
	}
	if (path == NULL) {
		fprintf(stderr, "usage: %s\n", cmd_run_entry.usage);
		return EXIT_USAGE;
	}
	plan = plan_load(path, &cause);
	if (plan == NULL) {
		fprintf(stderr, "armpy: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (dry) {
		rc = run_dry(plan, root);
		plan_free(plan);
		return rc;
	}
	h = headless_new(json, STDOUT_FILENO);
	/* A plan is code: show every command before running any of them. */
	headless_print_plan(h, plan, 1);
	if (!headless_confirm(yes)) {
		fprintf(stderr, "armpy: nothing done\n");
		rc = EXIT_FAILED;
	} else {
		memset(&eo, 0, sizeof eo);
		eo.root = root;
		eo.yes = 1;
		eo.log_path = log;
		eo.mirrors = NULL;       /* no profile: plain http only to loopback */
		rc = headless_execute(h, plan, &eo);
	}
	headless_free(h);
	plan_free(plan);
	return rc;
}

const struct cmd_entry cmd_run_entry = {
	.name = "run",
	.usage = "armpy run PLAN.yaml [--root DIR] [--dry-run] [--yes] [--progress text|json] "
	    "[--log FILE]",
	.summary = "execute a saved plan (a plan is code: every command is shown first)",
	.help = "A plan is code: its steps run commands, most of them as root, and download and\n"
	    "unpack files. armpy run prints every command of the plan before it runs any, and\n"
	    "asks once on a terminal (--yes skips the question). Run only plans you trust.\n"
	    "\n"
	    "  --root DIR            run the steps inside the system rooted at DIR (chroot; root)\n"
	    "  --dry-run             print the plan as YAML and, when you are not root, the\n"
	    "                        commands it would run through sudo; run nothing\n"
	    "  --yes                 do not ask\n"
	    "  --progress text|json  line progress, or one JSON object per line\n"
	    "  --log FILE            also write the run log to FILE\n"
	    "\n"
	    "Not root: privileged steps run through `sudo -n`. When sudo wants a password, sudo\n"
	    "asks for it once on the terminal before the first step (without a terminal the run\n"
	    "does not start, exit 2), and armpy refreshes it (`sudo -n -v`) every\n"
	    "ARMPY_SUDO_REFRESH seconds (60; 0 = never) while privileged steps are left.\n"
	    "\n"
	    "Plain http downloads are allowed only from loopback; everything needs its sha256.\n"
	    "Exit status: 0 done, 1 a step failed (armpy resume continues), 2 bad plan or usage,\n"
	    "or sudo could not be asked (nothing run), 130 interrupted.\n",
	.exec = run_exec,
};

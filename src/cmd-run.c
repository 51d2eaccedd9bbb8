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
run_exec(struct args *a)
{
	struct exec_opts eo;
	struct headless *h;
	struct plan *plan;
	const char *root = args_get(a, "--root"), *progress = args_get(a, "--progress");
	char *cause = NULL;
	int rc;

	plan = plan_load(args_operand(a, 0), &cause);
	if (plan == NULL) {
		fprintf(stderr, "armpy: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (args_has(a, "--dry-run")) {
		rc = run_dry(plan, root);
		plan_free(plan);
		return rc;
	}
	h = headless_new(progress != NULL && strcmp(progress, "json") == 0, STDOUT_FILENO);
	/* A plan is code: show every command before running any of them. */
	headless_print_plan(h, plan, 1);
	if ((rc = headless_confirm(h, args_has(a, "--yes"))) == 0) {
		memset(&eo, 0, sizeof eo);
		eo.root = root;
		eo.yes = 1;
		eo.log_path = args_get(a, "--log");
		eo.mirrors = NULL;       /* no profile: plain http only to loopback */
		rc = headless_execute(h, plan, &eo);
	}
	headless_free(h);
	plan_free(plan);
	return rc;
}

static const struct args_opt run_opts[] = {
	{ "--root", 0, "DIR", 0, "run the steps inside the system rooted at DIR (chroot; root)" },
	{ "--dry-run", 'n', NULL, 0, "print the plan as YAML and, when you are not root, the "
	    "commands it would run through sudo; run nothing" },
	{ "--yes", 'y', NULL, 0, "approve the plan shown without asking" },
	{ "--progress", 0, "text|json", ARGS_CHOICES, "line progress, or one JSON object per line" },
	{ "--log", 0, "FILE", 0, "also write the run log to FILE" },
	{ NULL, 0, NULL, 0, NULL },
};

const struct cmd_entry cmd_run_entry = {
	.args = { "run", run_opts, 0, "PLAN.yaml", 1, 1 },
	.summary = "execute a saved plan (a plan is code: every command is shown first)",
	.help = "A plan is code: its steps run commands, most of them as root, and download and\n"
	    "unpack files. armpy run prints every command of the plan before it runs any, and\n"
	    "asks once on a terminal. Nothing runs unconfirmed: without a terminal, only --yes\n"
	    "approves the plan (else exit 2). Run only plans you trust.\n",
	.notes = "Not root: privileged steps run through `sudo -n`. When sudo wants a password, sudo\n"
	    "asks for it once on the terminal before the first step (without a terminal the run\n"
	    "does not start, exit 2), and armpy refreshes it (`sudo -n -v`) every\n"
	    "ARMPY_SUDO_REFRESH seconds (60; 0 = never) while privileged steps are left.\n"
	    "\n"
	    "Plain http downloads are allowed only from loopback; everything needs its sha256.\n"
	    "One run at a time: another armpy running on the same target root is named (pid,\n"
	    "run) and nothing starts.\n"
	    "Exit status: 0 done, 1 a step failed, or the state dir could not be written (armpy\n"
	    "resume continues), 2 bad plan or usage, not confirmed, or sudo could not be asked\n"
	    "(nothing run), 130 interrupted.\n",
	.exec = run_exec,
};

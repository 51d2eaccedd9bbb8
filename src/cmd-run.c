/* cmd-run.c — `armpy run PLAN`: show every command of a saved plan, confirm, execute. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "cmd.h"
#include "exec.h"
#include "progress.h"
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
run_exec(struct args *a)
{
	struct exec_opts eo;
	struct progress *h;
	struct plan *plan;
	const char *root = args_get(a, "--root"), *progress = args_get(a, "--progress");
	char *cause = NULL;
	int rc;

	/* A bad plan is one line, FILE:LINE:COL: key: message (as a bad profile), exit 2. */
	plan = plan_load(args_operand(a, 0), &cause);
	if (plan == NULL) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (args_has(a, "--dry-run")) {
		rc = cmd_dry_run(plan, root);
		plan_free(plan);
		return rc;
	}
	h = progress_new(progress != NULL && strcmp(progress, "json") == 0, STDOUT_FILENO);
	/* A plan is code: show every command before running any of them. */
	progress_print_plan(h, plan, 1);
	if ((rc = progress_confirm(h, args_has(a, "--yes"))) == 0) {
		memset(&eo, 0, sizeof eo);
		eo.root = root;
		eo.yes = 1;
		eo.log_path = args_get(a, "--log");
		eo.mirrors = NULL;       /* no profile: plain http only to loopback */
		rc = progress_execute(h, plan, &eo);
	}
	progress_free(h);
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

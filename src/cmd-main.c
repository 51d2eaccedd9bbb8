/* cmd-main.c — the default command: its options; the wizard, or the headless face (cmd-headless.c). */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "cmd.h"
#include "profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A bad profile for the wizard is refused before the terminal is taken over. */
static int
main_check_load(const char *path)
{
	char *cause = NULL;
	struct profile *p = profile_load(path, &cause);
	if (p == NULL) {
		fprintf(stderr, "armpy: %s\n", cause != NULL ? cause : quote_short(path));
		free(cause);
		return -1;
	}
	profile_free(p);
	return 0;
}

static int
main_exec(struct args *a)
{
	struct main_opts o;

	if (args_has(a, "--version")) {
		printf("armpy %s\n", ARMPY_VERSION);
		return EXIT_OK;
	}
	memset(&o, 0, sizeof o);
	args_detect(a, &o.detect);
	o.profile = args_get(a, "--profile");
	o.load = args_get(a, "--load");
	o.log = args_get(a, "--log");
	o.bundle = args_get(a, "--bundle");
	o.json = args_has(a, "--progress") && strcmp(args_get(a, "--progress"), "json") == 0;
	o.dry_run = args_has(a, "--dry-run");
	o.check = args_has(a, "--check");
	o.yaml = args_has(a, "--format") && strcmp(args_get(a, "--format"), "yaml") == 0;
	o.yes = args_has(a, "--yes");
	if (o.check && o.dry_run) {
		fprintf(stderr, "armpy: --check and --dry-run exclude each other\n");
		return EXIT_USAGE;
	}
	if (args_has(a, "--format") && !o.check) {
		fprintf(stderr, "armpy: --format is for --check\n");
		return EXIT_USAGE;
	}
	if (o.profile != NULL && o.load != NULL) {
		fprintf(stderr, "armpy: --profile (headless) and --load (wizard) exclude each other\n");
		return EXIT_USAGE;
	}
	if (o.profile != NULL)
		return cmd_headless(&o);
	if (o.bundle != NULL && o.load != NULL) {
		fprintf(stderr, "armpy: --bundle (the bundle's answers) and --load exclude each "
		    "other\n");
		return EXIT_USAGE;
	}
	if (o.dry_run || o.check) {
		fprintf(stderr, "armpy: %s needs --profile FILE\n", o.check ? "--check" : "--dry-run");
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

static const struct args_opt main_opts[] = {
	{ "--load", 0, "PROFILE", 0, "start the wizard with the answers of a saved profile" },
	{ "--profile", 0, "FILE", 0, "run the saved profile headless: no terminal UI, line "
	    "progress, a log" },
	{ "--dry-run", 'n', NULL, 0, "with --profile: print the plan as YAML and, when you are "
	    "not root, the commands it would run through sudo; run nothing" },
	{ "--check", 0, NULL, 0, "with --profile: evaluate every step's check and list which "
	    "steps would run and which are already satisfied; run nothing, write nothing (exit 0)" },
	{ "--format", 0, "text|yaml", ARGS_CHOICES, "--check's list for people (default) or as "
	    "YAML (check: profile, root, would_change, steps: id, title, would_run, reason)" },
	{ "--yes", 'y', NULL, 0, "approve the plan shown without asking" },
	{ "--progress", 0, "text|json", ARGS_CHOICES, "line progress, or one JSON object per line" },
	{ "--log", 0, "FILE", 0, "also write the run log to FILE" },
	{ "--bundle", 0, "FILE", 0, "install from a bundle made by armpy bundle (verified first; "
	    "no network is used): with --profile headless, else the wizard with the bundle's "
	    "answers" },
	{ "--version", 'V', NULL, 0, "print armpy's version" },
	{ NULL, 0, NULL, 0, NULL },
};

const struct cmd_entry cmd_main_entry = {
	.args = { NULL, main_opts, 1, NULL, 0, 0 },
	.summary = "the wizard (on a terminal), or a headless run of a saved profile",
	.notes = "A plan is code: it runs commands as root. Read it (--dry-run, or the wizard's\n"
	    "review screen) before you run it, and only run plans you trust.\n",
	.exec = main_exec,
};

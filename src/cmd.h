/* cmd.h — the command table: each subcommand registers itself as a const struct cmd_entry. */
/* SPDX-License-Identifier: MIT */
#ifndef CMD_H
#define CMD_H

#include <stdio.h>

#include "args.h"
#include "facts.h"

/* A command: its options are declared in args (its command name there: "detect", "plan", ...;
 * NULL for the default command), parsed by main.c with args_parse, which also answers --help
 * with the usage, summary, help, option list and notes below. */
struct cmd_entry {
	struct args_spec args;
	const char *summary;     /* one line of description */
	const char *help;        /* paragraphs before the option list, or NULL */
	const char *notes;       /* paragraphs after it, or NULL */
	int (*exec)(struct args *);   /* the parsed options; returns the exit code */
};

extern const struct cmd_entry cmd_detect_entry;
extern const struct cmd_entry cmd_plan_entry;
extern const struct cmd_entry cmd_run_entry;
extern const struct cmd_entry cmd_resume_entry;
extern const struct cmd_entry cmd_runs_entry;
extern const struct cmd_entry cmd_validate_entry;
extern const struct cmd_entry cmd_gflops_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_undo_entry;
extern const struct cmd_entry cmd_bundle_entry;
extern const struct cmd_entry cmd_main_entry;     /* armpy [--profile FILE ...] / wizard */

extern const struct cmd_entry *const cmd_table[];

void usage_print(FILE *);

/* Options of the default command (`armpy [--profile FILE] ...`), shared with its two faces. */
struct main_opts {
	const char *profile;      /* --profile FILE: headless */
	const char *load;         /* --load FILE: wizard with answers prefilled */
	int dry_run;              /* --dry-run: print the plan, change nothing */
	int check;                /* --check: which steps would run here; run nothing */
	int yaml;                 /* --format yaml (with --check) */
	int yes;                  /* --yes: no confirmation */
	int json;                 /* --progress json */
	const char *log;          /* --log FILE */
	const char *bundle;       /* --bundle FILE: install from it (bundle.h), no network */
	struct detect_opts detect;
};
/* The headless face (src/cmd-headless.c): with --dry-run the plan, with --check which steps
 * would run, else plan, confirm, execute and validate. Returns the exit code. */
int cmd_headless(const struct main_opts *);
/* The plan as YAML on stdout and, when not root, the commands it would run through sudo as YAML
 * comments (--dry-run of armpy and of armpy run). */
struct plan;
int cmd_dry_run(const struct plan *, const char *root);
/* The facts of FACTS.yaml (path), or detected as d says when path is NULL (cmd-plan.c). */
struct facts *plan_facts(const char *path, const struct detect_opts *d, char **cause);
/* The wizard face (src/tui.c). */
int tui_main(const struct main_opts *);

#endif

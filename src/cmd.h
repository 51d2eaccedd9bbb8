/* cmd.h — the command table: each subcommand registers itself as a const struct cmd_entry. */
#ifndef CMD_H
#define CMD_H

#include <stdio.h>

#include "facts.h"

struct cmd_entry {
	const char *name;        /* "detect", "plan", ...; NULL name = the default (no subcommand) */
	const char *usage;       /* one line of synopsis */
	const char *summary;     /* one line of description */
	const char *help;        /* when set, main prints usage, summary and this for --help;
	                          * when NULL, the command answers --help itself */
	int (*exec)(int argc, char **argv);   /* argv[0] is the command name; returns exit code */
};

extern const struct cmd_entry cmd_detect_entry;
extern const struct cmd_entry cmd_plan_entry;
extern const struct cmd_entry cmd_run_entry;
extern const struct cmd_entry cmd_resume_entry;
extern const struct cmd_entry cmd_runs_entry;
extern const struct cmd_entry cmd_validate_entry;
extern const struct cmd_entry cmd_bench_entry;
extern const struct cmd_entry cmd_main_entry;     /* armpy [--profile FILE ...] / wizard */

extern const struct cmd_entry *const cmd_table[];

void usage_print(FILE *);
/* stdout and stderr escape controls, invisibles and bad UTF-8 (vis.h) when a person reads them:
 * stderr always, stdout on a terminal (redirected, it keeps exact bytes: the YAML is the
 * machine-readable form). cmd_stdout_raw is the unescaped stdout, for curses only. */
extern FILE *cmd_stdout_raw;

/* Options of the default command (`armpy [--profile FILE] ...`), shared with its two faces. */
struct main_opts {
	const char *profile;      /* --profile FILE: headless */
	const char *load;         /* --load FILE: wizard with answers prefilled */
	int dry_run;              /* --dry-run: print the plan, change nothing */
	int yes;                  /* --yes: no confirmation */
	int json;                 /* --progress json */
	const char *log;          /* --log FILE */
	struct detect_opts detect;
};
/* Load the profile, detect the facts and make the plan; messages go to stderr (plan warnings
 * too). Returns 0, or EXIT_USAGE with all three outputs NULL. */
struct profile;
struct plan;
int cmd_prepare(const struct main_opts *, struct profile **, struct facts **, struct plan **);
/* The headless face: plan, confirm, execute, validate (src/cmd-run.c). */
int cmd_main_headless(const struct main_opts *);
/* The wizard face (src/tui.c). */
int tui_main(const struct main_opts *);

/* Shared option helpers for the detection overrides every command takes. */
/* Recognises --root/--os-release/--cpuinfo/--arch (with their argument) at argv[*i].
 * Returns 1 when consumed, 0 when not a detection option, -1 on a missing argument. */
int cmd_detect_option(int argc, char **argv, int *i, struct detect_opts *);

#endif

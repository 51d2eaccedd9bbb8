/* stub-exec.c — TEMPORARY placeholders until the exec module lands; its owner deletes this file. */
#include "armpy.h"
#include "cmd.h"
#include "facts.h"
#include "plan.h"
#include "profile.h"

#include <stdio.h>
#include <stdlib.h>

int cmd_main_headless(const struct main_opts *o) { (void)o; fprintf(stderr, "armpy: executor not built yet\n"); return EXIT_USAGE; }
static int
stub_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "armpy: run: not built yet\n");
	return EXIT_USAGE;
}
const struct cmd_entry cmd_run_entry = { .name = "run", .usage = "armpy run", .summary = "(not built yet)", .exec = stub_run };
static int
stub_resume(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "armpy: resume: not built yet\n");
	return EXIT_USAGE;
}
const struct cmd_entry cmd_resume_entry = { .name = "resume", .usage = "armpy resume", .summary = "(not built yet)", .exec = stub_resume };
static int
stub_runs(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "armpy: runs: not built yet\n");
	return EXIT_USAGE;
}
const struct cmd_entry cmd_runs_entry = { .name = "runs", .usage = "armpy runs", .summary = "(not built yet)", .exec = stub_runs };

/* stub-validate.c — TEMPORARY placeholders until the validate module lands; its owner deletes this file. */
#include "armpy.h"
#include "cmd.h"
#include "facts.h"
#include "plan.h"
#include "profile.h"

#include <stdio.h>
#include <stdlib.h>

static int
stub_validate(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "armpy: validate: not built yet\n");
	return EXIT_USAGE;
}
const struct cmd_entry cmd_validate_entry = { .name = "validate", .usage = "armpy validate", .summary = "(not built yet)", .exec = stub_validate };
static int
stub_bench(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "armpy: bench: not built yet\n");
	return EXIT_USAGE;
}
const struct cmd_entry cmd_bench_entry = { .name = "bench", .usage = "armpy bench", .summary = "(not built yet)", .exec = stub_bench };
#include "validate.h"
struct validate_report *validate_run(const struct validate_opts *o, char **cause) { (void)o; cause_set(cause, "validation not built yet"); return NULL; }
void validate_report_free(struct validate_report *r) { free(r); }
int validate_passed(const struct validate_report *r) { (void)r; return 0; }
char *validate_to_yaml(const struct validate_report *r) { (void)r; return xstrdup(""); }
char *validate_to_text(const struct validate_report *r) { (void)r; return xstrdup(""); }

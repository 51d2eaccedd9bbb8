/* stub-plan.c — TEMPORARY placeholders until the plan module lands; its owner deletes this file. */
#include "armpy.h"
#include "cmd.h"
#include "facts.h"
#include "plan.h"
#include "profile.h"

#include <stdio.h>
#include <stdlib.h>

struct plan *plan_make(const struct facts *f, const struct profile *p, char **cause) { (void)f; (void)p; cause_set(cause, "planner not built yet"); return NULL; }
char *plan_to_yaml(const struct plan *p) { (void)p; return xstrdup(""); }
void plan_free(struct plan *p) { free(p); }
static int
stub_plan(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "armpy: plan: not built yet\n");
	return EXIT_USAGE;
}
const struct cmd_entry cmd_plan_entry = { .name = "plan", .usage = "armpy plan", .summary = "(not built yet)", .exec = stub_plan };

/* stub-detect.c — TEMPORARY placeholders until the detect module lands; its owner deletes this file. */
#include "armpy.h"
#include "cmd.h"
#include "facts.h"
#include "plan.h"
#include "profile.h"

#include <stdio.h>
#include <stdlib.h>

struct facts *facts_new(void) { return xcalloc(1, sizeof(struct facts)); }
void facts_free(struct facts *f) { free(f); }
int facts_detect(struct facts *f, const struct detect_opts *o, char **cause) { (void)f; (void)o; cause_set(cause, "detection not built yet"); return -1; }
static int
stub_detect(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "armpy: detect: not built yet\n");
	return EXIT_USAGE;
}
const struct cmd_entry cmd_detect_entry = { .name = "detect", .usage = "armpy detect", .summary = "(not built yet)", .exec = stub_detect };

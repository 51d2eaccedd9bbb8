/* stub-validate.c — TEMPORARY placeholders until the validate module lands; its owner deletes this file. */
#include "armpy.h"
#include "cmd.h"
#include "facts.h"
#include "plan.h"
#include "profile.h"

#include <stdio.h>
#include <stdlib.h>

static int
stub_bench(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "armpy: bench: not built yet\n");
	return EXIT_USAGE;
}
const struct cmd_entry cmd_bench_entry = { .name = "bench", .usage = "armpy bench", .summary = "(not built yet)", .exec = stub_bench };

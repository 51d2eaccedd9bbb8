/* cmd-detect.c — `armpy detect`: print this machine's facts (or an overridden one's) as YAML. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "cmd.h"
#include "facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
cmd_detect_exec(struct args *a)
{
	struct detect_opts o;
	struct facts *f;
	char *cause = NULL, *yaml;
	const char *why;

	memset(&o, 0, sizeof o);
	args_detect(a, &o);

	f = facts_new();
	if (facts_detect(f, &o, &cause) != 0) {
		fprintf(stderr, "armpy detect: %s\n", cause);
		free(cause);
		facts_free(f);
		return EXIT_USAGE;
	}
	if ((why = facts_unsupported(f)) != NULL)
		fprintf(stderr, "armpy: warning: %s: %s\n",
		    f->pretty_name != NULL ? f->pretty_name : f->distro_id, why);
	if (f->emulated)
		fprintf(stderr, "armpy: warning: running under emulation (qemu-user): the CPU is "
		    "%s and timings are not machine speed\n", o.cpuinfo != NULL ?
		    "taken from --cpuinfo" : f->cpu.implementer != NULL ? "taken from MIDR" :
		    "unknown");
	yaml = facts_to_yaml(f);
	fputs(yaml, stdout);
	free(yaml);
	facts_free(f);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILED;
}

const struct cmd_entry cmd_detect_entry = {
	.args = { "detect", NULL, 1, NULL, 0, 0 },
	.summary = "print this machine's facts (distro, CPU, BLAS targets, Pythons) as YAML",
	.help = "Prints what armpy knows about the machine as YAML on stdout: distro, family and\n"
	    "package manager, arch and Debian triplet, CPU core with its OpenBLAS TARGET and\n"
	    "BLIS config, features, cores, page size, memory, Pythons, PEP 668, conda.\n",
	.notes = "ARMPY_NO_PROBE=1 skips PATH and interpreter probing. Warnings go to stderr.\n",
	.exec = cmd_detect_exec,
};

/* cmd-detect.c — `armpy detect`: print this machine's facts (or an overridden one's) as YAML. */
#include "armpy.h"
#include "cmd.h"
#include "facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
cmd_detect_usage(FILE *f)
{
	fprintf(f,
	    "usage: armpy detect [--root DIR] [--os-release FILE] [--cpuinfo FILE] [--arch ARCH]\n"
	    "\n"
	    "Prints what armpy knows about the machine as YAML on stdout: distro, family and\n"
	    "package manager, arch and Debian triplet, CPU core with its OpenBLAS TARGET and\n"
	    "BLIS config, features, cores, page size, memory, Pythons, PEP 668, conda.\n"
	    "\n"
	    "  --root DIR         read files under DIR (a chroot); its Pythons are not executed\n"
	    "  --os-release FILE  use FILE instead of /etc/os-release\n"
	    "  --cpuinfo FILE     use FILE instead of /proc/cpuinfo (it is the truth for the CPU)\n"
	    "  --arch ARCH        use ARCH instead of uname (aarch64, x86_64; arm64/amd64 accepted)\n"
	    "\n"
	    "ARMPY_NO_PROBE=1 skips PATH and interpreter probing. Warnings go to stderr.\n");
}

static int
cmd_detect_exec(int argc, char **argv)
{
	struct detect_opts o;
	struct facts *f;
	char *cause = NULL, *yaml;
	const char *why;

	memset(&o, 0, sizeof o);
	for (int i = 1; i < argc; i++) {
		int r;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cmd_detect_usage(stdout);
			return EXIT_OK;
		}
		if ((r = cmd_detect_option(argc, argv, &i, &o)) < 0)
			return EXIT_USAGE;
		if (r == 0) {
			fprintf(stderr, "armpy detect: unknown argument '%s'\n", argv[i]);
			cmd_detect_usage(stderr);
			return EXIT_USAGE;
		}
	}

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
	.name = "detect",
	.usage = "armpy detect [--root DIR] [--os-release FILE] [--cpuinfo FILE] [--arch ARCH]",
	.summary = "print this machine's facts (distro, CPU, BLAS targets, Pythons) as YAML",
	.exec = cmd_detect_exec,
};

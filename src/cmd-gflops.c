/* cmd-gflops.c — `armpy gflops`: time cblas_dgemm of every BLAS on the system, each in its own process. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "cmd.h"
#include "validate.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --progress: "progress K/M PATH threads=T N=SIZES" as step K starts, "progress M/M done". */
static void
cmd_gflops_progress(void *arg, int step, int total, const char *path, int threads,
    const char *sizes)
{
	(void)arg;
	if (path == NULL)
		fprintf(stderr, "progress %d/%d done\n", step, total);
	else
		fprintf(stderr, "progress %d/%d %s threads=%d N=%s\n", step, total, path, threads,
		    sizes);
}

/* --threads N, --size N: a positive number (0 when not given); -1 after saying why. */
static int
positive(const struct args *a, const char *name, int *out)
{
	const char *s = args_get(a, name);
	char *end;
	long v;

	if (s == NULL)
		return 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v <= 0 || v > 100000) {
		fprintf(stderr, "armpy gflops: option '%s' takes a positive number, not '%s'\n",
		    name, quote_short(s));
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int
cmd_gflops_exec(struct args *a)
{
	struct bench_opts o;
	struct bench_report *b;
	const char *format = args_get(a, "--format");
	char *cause = NULL, *out;
	int rc;

	memset(&o, 0, sizeof o);
	if (positive(a, "--threads", &o.threads) != 0 || positive(a, "--size", &o.size) != 0)
		return EXIT_USAGE;
	o.quick = args_has(a, "--quick");
	o.root = args_get(a, "--root");
	if (args_has(a, "--progress"))
		o.progress = cmd_gflops_progress;
	if ((b = bench_run(&o, &cause)) == NULL) {
		fprintf(stderr, "armpy gflops: %s\n", cause);
		free(cause);
		return EXIT_FAILED;
	}
	out = format != NULL && strcmp(format, "yaml") == 0 ? bench_to_yaml(b) : bench_to_text(b);
	fputs(out, stdout);
	free(out);
	rc = b->nresults > 0 ? EXIT_OK : EXIT_FAILED;
	if (b->nresults == 0)
		fprintf(stderr, "armpy gflops: no BLAS library found\n");
	bench_report_free(b);
	return fflush(stdout) == 0 ? rc : EXIT_FAILED;
}

static const struct args_opt gflops_opts[] = {
	{ "--threads", 0, "N", 0, "the multi-threaded count (default: online CPUs)" },
	{ "--size", 0, "N", 0, "one matrix size instead of 1000 and 2000" },
	{ "--format", 0, "text|yaml", ARGS_CHOICES, "the table (default) or YAML" },
	{ "--root", 0, "DIR", 0, "chroot into DIR first (root; same arch, glibc no newer than "
	    "the host's)" },
	{ "--quick", 0, NULL, 0, "N=256 only" },
	{ "--progress", 0, NULL, 0, "report on stderr, one line as each step starts (a step is "
	    "one library at one thread count, all sizes in order; a size predicted to take over "
	    "8 s a call is skipped inside it), and one when all ran (see below); stdout is the "
	    "same with or without it" },
	{ NULL, 0, NULL, 0, NULL },
};

const struct cmd_entry cmd_gflops_entry = {
	.args = { "gflops", gflops_opts, 0, NULL, 0, 0 },
	.summary = "dgemm GFLOPS of every BLAS on the system (OpenBLAS vs BLIS), natively",
	.help = "Finds every BLAS (the libblas.so.3-<triplet> alternatives plus libopenblas*.so* and\n"
	    "libblis*.so* in the library directories), dlopens each in its own child process and\n"
	    "times cblas_dgemm at 1 thread and at N threads (default: all cores).\n",
	.notes = "--progress prints, on stderr:\n"
	    "  progress 3/6 /usr/lib64/libopenblas.so.0 threads=2 N=1000,2000\n"
	    "  progress 6/6 done\n",
	.exec = cmd_gflops_exec,
};

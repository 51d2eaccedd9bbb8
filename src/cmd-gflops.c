/* cmd-gflops.c — `armpy gflops`: time cblas_dgemm of every BLAS on the system, each in its own process. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "cmd.h"
#include "report.h"
#include "validate.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* --threads N, --size N, --repeat N: a positive number (0 when not given); -1 after saying
 * why. */
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

/* MemAvailable of /proc/meminfo in bytes; 0 when unknown. */
static long long
mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[256];
	long long kib = 0;

	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "MemAvailable: %lld kB", &kib) == 1)
			break;
	if (f != NULL)
		fclose(f);
	return kib > 0 ? kib * 1024 : 0;
}

/* How many results were measured. */
static int
measured(const struct bench_report *b)
{
	int n = 0;

	for (int i = 0; i < b->nresults; i++)
		n += b->results[i].gflops > 0;
	return n;
}

/* The timings as armpy report's page on stdout (a failure to write it is fflush's, below). */
static void
gflops_html(const char *yaml, const char *root)
{
	char *cause = NULL, *html = report_of_yaml("gflops", yaml, root, &cause);

	if (html == NULL)
		fprintf(stderr, "armpy gflops: %s\n", cause);
	else
		fputs(html, stdout);
	free(cause);
	free(html);
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
	if (positive(a, "--threads", &o.threads) != 0 || positive(a, "--size", &o.size) != 0 ||
	    positive(a, "--repeat", &o.repeat) != 0)
		return EXIT_USAGE;
	o.quick = args_has(a, "--quick");
	if (bench_limits(&o, sysconf(_SC_NPROCESSORS_ONLN), mem_available(), &cause) != 0) {
		fprintf(stderr, "armpy gflops: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	o.root = args_get(a, "--root");
	if (args_has(a, "--progress"))
		o.progress = cmd_gflops_progress;
	if ((b = bench_run(&o, &cause)) == NULL) {
		fprintf(stderr, "armpy gflops: %s\n", cause);
		free(cause);
		return EXIT_FAILED;
	}
	out = format != NULL && strcmp(format, "text") != 0 ? bench_to_yaml(b) : bench_to_text(b);
	if (format != NULL && strcmp(format, "html") == 0)
		gflops_html(out, o.root);
	else
		fputs(out, stdout);
	free(out);
	rc = measured(b) > 0 ? EXIT_OK : EXIT_FAILED;
	if (b->nresults == 0)
		fprintf(stderr, "armpy gflops: no BLAS library found\n");
	else if (rc != EXIT_OK)
		fprintf(stderr, "armpy gflops: no measurement succeeded (each failed row says why)\n");
	bench_report_free(b);
	return fflush(stdout) == 0 ? rc : EXIT_FAILED;
}

static const struct args_opt gflops_opts[] = {
	{ "--threads", 0, "N", 0, "the multi-threaded count (default: online CPUs; at most 4 per "
	    "online CPU, and 1024)" },
	{ "--size", 0, "N", 0, "one matrix size instead of 1000 and 2000 (at most 16384, and "
	    "its three matrices in half of MemAvailable)" },
	{ "--repeat", 0, "N", 0, "samples of each library, thread count and size (default 5, at "
	    "most 100): the median is shown with their spread" },
	{ "--format", 0, "text|yaml|html", ARGS_CHOICES, "the table (default), YAML, or one "
	    "self-contained HTML page (as armpy report makes)" },
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
	    "times cblas_dgemm at 1 thread and at N threads (default: all cores), each point\n"
	    "several times: the median, the spread (lowest-highest) and a recommendation, or\n"
	    "\"no clear winner\" when the best two are within each other's spread. Exit 1 when\n"
	    "nothing could be measured; 2 when the machine cannot do what the options ask.\n",
	.notes = "--progress prints, on stderr:\n"
	    "  progress 3/6 /usr/lib64/libopenblas.so.0 threads=2 N=1000,2000\n"
	    "  progress 6/6 done\n",
	.exec = cmd_gflops_exec,
};

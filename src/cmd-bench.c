/* cmd-bench.c — `armpy bench`: time cblas_dgemm of every BLAS on the system, each in its own process. */
#include "armpy.h"
#include "cmd.h"
#include "validate.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
cmd_bench_usage(FILE *f)
{
	fprintf(f,
	    "usage: armpy bench [--threads N] [--size N] [--format text|yaml] [--root DIR] [--quick]\n"
	    "                   [--progress]\n"
	    "\n"
	    "Finds every BLAS (the libblas.so.3-<triplet> alternatives plus libopenblas*.so* and\n"
	    "libblis*.so* in the library directories), dlopens each in its own child process and\n"
	    "times cblas_dgemm at 1 thread and at N threads (default: all cores).\n"
	    "\n"
	    "  --threads N   the multi-threaded count (default: online CPUs)\n"
	    "  --size N      one matrix size instead of 1000 and 2000\n"
	    "  --format FMT  text (default) or yaml\n"
	    "  --root DIR    chroot into DIR first (root; same arch, glibc no newer than the host's)\n"
	    "  --quick       N=256 only\n"
	    "  --progress    report on stderr, one line as each step starts (a step is one\n"
	    "                library at one thread count, all sizes in order; a size predicted\n"
	    "                to take over 8 s a call is skipped inside it), one when all ran:\n"
	    "                progress 3/6 /usr/lib64/libopenblas.so.0 threads=2 N=1000,2000\n"
	    "                progress 6/6 done\n"
	    "                stdout is the same with or without it.\n");
}

/* --progress: "progress K/M PATH threads=T N=SIZES" as step K starts, "progress M/M done". */
static void
cmd_bench_progress(void *arg, int step, int total, const char *path, int threads,
    const char *sizes)
{
	(void)arg;
	if (path == NULL)
		fprintf(stderr, "progress %d/%d done\n", step, total);
	else
		fprintf(stderr, "progress %d/%d %s threads=%d N=%s\n", step, total, path, threads,
		    sizes);
}

static int
positive(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v <= 0 || v > 100000)
		return -1;
	*out = (int)v;
	return 0;
}

static int
cmd_bench_exec(int argc, char **argv)
{
	struct bench_opts o;
	struct bench_report *b;
	const char *format = "text";
	char *cause = NULL, *out;
	int i;

	memset(&o, 0, sizeof o);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cmd_bench_usage(stdout);
			return EXIT_OK;
		}
		if (strcmp(a, "--quick") == 0) {
			o.quick = 1;
			continue;
		}
		if (strcmp(a, "--progress") == 0) {
			o.progress = cmd_bench_progress;
			continue;
		}
		if (strcmp(a, "--threads") != 0 && strcmp(a, "--size") != 0 &&
		    strcmp(a, "--format") != 0 && strcmp(a, "--root") != 0) {
			fprintf(stderr, "armpy bench: unknown argument '%s'\n", a);
			goto usage;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "armpy bench: %s needs an argument\n", a);
			goto usage;
		}
		i++;
		if ((strcmp(a, "--threads") == 0 && positive(argv[i], &o.threads) != 0) ||
		    (strcmp(a, "--size") == 0 && positive(argv[i], &o.size) != 0)) {
			fprintf(stderr, "armpy bench: %s takes a positive number, not '%s'\n", a,
			    argv[i]);
			goto usage;
		}
		if (strcmp(a, "--format") == 0) {
			if (strcmp(argv[i], "text") != 0 && strcmp(argv[i], "yaml") != 0) {
				fprintf(stderr, "armpy bench: --format takes text or yaml\n");
				goto usage;
			}
			format = argv[i];
		} else if (strcmp(a, "--root") == 0)
			o.root = argv[i];
	}
	if ((b = bench_run(&o, &cause)) == NULL) {
		fprintf(stderr, "armpy bench: %s\n", cause);
		free(cause);
		return EXIT_FAILED;
	}
	out = strcmp(format, "yaml") == 0 ? bench_to_yaml(b) : bench_to_text(b);
	fputs(out, stdout);
	free(out);
	i = b->nresults > 0 ? EXIT_OK : EXIT_FAILED;
	if (b->nresults == 0)
		fprintf(stderr, "armpy bench: no BLAS library found\n");
	bench_report_free(b);
	return fflush(stdout) == 0 ? i : EXIT_FAILED;
usage:
	cmd_bench_usage(stderr);
	return EXIT_USAGE;
}

const struct cmd_entry cmd_bench_entry = {
	.name = "bench",
	.usage = "armpy bench [--threads N] [--size N] [--format text|yaml] [--root DIR] "
	    "[--progress]",
	.summary = "time dgemm of every BLAS on the system (OpenBLAS vs BLIS), natively",
	.exec = cmd_bench_exec,
};

/* test-bench.c — unit tests for armpy gflops: the verdict from samples' spread, the machine's limits, the 80-column table. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armpy.h"
#include "validate.h"

#define assert_prefix(s, p) assert_true(strncmp((s), (p), strlen(p)) == 0)

/* A measured cell: kind, threading, the median and the samples' lowest and highest. */
static void
cell(struct bench_result *r, const char *kind, const char *threading, double med, double lo,
    double hi)
{
	memset(r, 0, sizeof *r);
	snprintf(r->id.kind, sizeof r->id.kind, "%s", kind);
	snprintf(r->id.threading, sizeof r->id.threading, "%s", threading);
	r->n = 1000;
	r->threads = 2;
	r->gflops = med;
	r->gflops_min = lo;
	r->gflops_max = hi;
	r->samples = 5;
}

static void
test_verdict_spread(void **state)
{
	struct bench_result r[2];
	char *s;
	(void)state;
	/* the case: under load the best two overlap; no winner is named */
	cell(&r[0], "blis", "pthreads", 11.6, 7.9, 13.7);
	cell(&r[1], "openblas", "pthreads", 10.0, 9.1, 12.0);
	s = bench_recommend(r, 2);
	assert_prefix(s, "no clear winner: BLIS (pthreads) 1.16x OpenBLAS (pthreads)");
	assert_non_null(strstr(s, "BLIS 7.90-13.70, OpenBLAS 9.10-12.00 GFLOPS"));
	free(s);
	/* apart: the higher median wins, with its ratio */
	r[0].gflops_min = 12.01;
	s = bench_recommend(r, 2);
	assert_string_equal(s, "BLIS (pthreads) 1.16x OpenBLAS at N=1000, 2 threads");
	free(s);
	/* touching as shown (2 decimals) is overlapping */
	r[0].gflops_min = 12.001;
	s = bench_recommend(r, 2);
	assert_prefix(s, "no clear winner:");
	free(s);
	/* the loser's spread reaching above the winner's median overlaps too */
	cell(&r[0], "openblas", "openmp", 40, 39, 41);
	cell(&r[1], "blis", "openmp", 35, 30, 45);
	s = bench_recommend(r, 2);
	assert_prefix(s, "no clear winner: OpenBLAS (openmp) 1.14x BLIS (openmp)");
	free(s);
}

static void
test_verdict_generic_first(void **state)
{
	struct bench_result r[3];
	char *s;
	(void)state;
	/* generic kernels lose whatever the spread says */
	cell(&r[0], "blis", "pthreads", 30, 10, 50);
	strcpy(r[0].id.kernels, "generic");
	cell(&r[1], "openblas", "pthreads", 29, 10, 50);
	strcpy(r[1].id.kernels, "Haswell");
	s = bench_recommend(r, 2);
	assert_prefix(s, "OpenBLAS (pthreads): BLIS runs reference kernels");
	free(s);
	/* failed cells (gflops < 0) never count, nor cells at other points */
	cell(&r[0], "blis", "pthreads", -1, 0, 0);
	cell(&r[2], "blis", "openmp", 90, 89, 91);
	r[2].threads = 1;
	s = bench_recommend(r, 3);
	assert_string_equal(s, "only OpenBLAS found: 29.0 GFLOPS at N=1000, 2 threads");
	free(s);
}

static void
test_limits(void **state)
{
	struct bench_opts o;
	char *cause = NULL;
	(void)state;
	memset(&o, 0, sizeof o);
	o.threads = 100000;
	assert_int_equal(bench_limits(&o, 2, 0, &cause), -1);
	assert_non_null(strstr(cause, "--threads 100000: at most 8 here"));
	free(cause);
	cause = NULL;
	o.threads = 8;
	assert_int_equal(bench_limits(&o, 2, 0, NULL), 0);
	o.threads = 1024;             /* CPUs unknown: the fixed bound */
	assert_int_equal(bench_limits(&o, -1, 0, NULL), 0);
	assert_int_equal(bench_limits(&o, 512, 0, NULL), 0);
	o.threads = 1025;
	assert_int_equal(bench_limits(&o, 512, 0, NULL), -1);
	o.threads = 0;
	o.size = 100000;
	assert_int_equal(bench_limits(&o, 2, 0, &cause), -1);
	assert_non_null(strstr(cause, "--size 100000: at most 16384"));
	free(cause);
	cause = NULL;
	o.size = 10000;               /* 2.2 GiB of matrices, 1 GiB available */
	assert_int_equal(bench_limits(&o, 2, 1LL << 30, &cause), -1);
	assert_non_null(strstr(cause, "do not fit in half of the memory available"));
	free(cause);
	cause = NULL;
	assert_int_equal(bench_limits(&o, 2, 8LL << 30, NULL), 0);
	assert_int_equal(bench_limits(&o, 2, 0, NULL), 0);      /* MemAvailable unknown */
	o.size = 0;                   /* the default sizes (2000 the largest): 92 MiB */
	assert_int_equal(bench_limits(&o, 2, 1LL << 30, NULL), 0);
	assert_int_equal(bench_limits(&o, 2, 150LL << 20, NULL), -1);
	o.repeat = BENCH_MAX_REPEAT + 1;
	assert_int_equal(bench_limits(&o, 2, 0, NULL), -1);
	o.repeat = BENCH_MAX_REPEAT;
	assert_int_equal(bench_limits(&o, 2, 0, NULL), 0);
}

static void
test_text(void **state)
{
	struct bench_report b;
	struct bench_result r[3];
	char *t, *line, *save = NULL;
	int rows = 0, libs = 0;
	(void)state;
	cell(&r[0], "openblas", "pthreads", 1234.56, 1000.01, 1999.99);
	strcpy(r[0].id.kernels, "NEOVERSEN1");
	cell(&r[1], "openblas", "pthreads", -1, 0, 0);
	r[1].threads = 1;
	r[1].n = 2000;
	r[1].error = xstrdup("the benchmark child was killed by signal 6 (Aborted), and this "
	    "reason is long enough to need more than one line");
	cell(&r[2], "reference", "serial", 1.5, 1.4, 1.6);
	r[0].path = r[1].path = "/usr/lib/aarch64-linux-gnu/openblas-pthread/libblas.so.3";
	r[2].path = "/usr/lib/aarch64-linux-gnu/blas/libblas.so.3";
	memset(&b, 0, sizeof b);
	b.results = r;
	b.nresults = 3;
	b.recommendation = bench_recommend(r, 3);
	t = bench_to_text(&b);
	for (line = strtok_r(t, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		assert_true(strlen(line) <= 80);
		rows += strstr(line, " pthreads ") != NULL || strstr(line, " serial ") != NULL;
		libs += strstr(line, "/libblas.so.3") != NULL;
		/* a failed cell keeps its size and shows no figure */
		if (strstr(line, " 2000 ") != NULL) {
			assert_null(strstr(line, "0.00"));
			assert_non_null(strstr(line, " -"));
		}
		assert_null(strstr(line, "      0 "));
	}
	assert_int_equal(rows, 3);
	assert_int_equal(libs, 2);
	free(t);
	free(r[1].error);
	free(b.recommendation);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_spread),
		cmocka_unit_test(test_verdict_generic_first),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

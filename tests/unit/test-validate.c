/* test-validate.c — unit tests for the probe parser, the verdicts and the bench recommendation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "armpy.h"
#include "facts.h"
#include "validate.h"
#include "ydoc.h"

#define FIX "tests/fixtures/probe/"

static struct validate_report *
load(const char *name, const char *expect, const struct facts *f, char **env)
{
	struct validate_opts o;
	struct validate_report *r;
	char *path = xasprintf(FIX "%s", name), *text, *cause = NULL;
	size_t len;

	text = file_read(path, 1 << 20, &len, &cause);
	if (text == NULL)
		fail_msg("%s", cause);
	memset(&o, 0, sizeof o);
	o.expect = expect;
	o.facts = f;
	o.env = env;
	r = validate_from_probe(text, len, &o, &cause);
	if (r == NULL)
		fail_msg("%s: %s", name, cause);
	free(text);
	free(path);
	return r;
}

static enum check_verdict
verdict(const struct validate_report *r, const char *name)
{
	const struct validate_check *c = validate_find(r, name);
	if (c == NULL)
		fail_msg("no check %s", name);
	return c->verdict;
}

static const char *
detail(const struct validate_report *r, const char *name)
{
	const struct validate_check *c = validate_find(r, name);
	if (c == NULL)
		fail_msg("no check %s", name);
	return c->detail;
}

static struct facts *
n1(void)
{
	struct facts *f = facts_new();
	f->arch = xstrdup("aarch64");
	f->cpu.implementer = xstrdup("0x41");
	f->cpu.part = xstrdup("0xd0c");
	f->cpu.name = xstrdup("Neoverse-N1");
	f->cpu.openblas_target = xstrdup("NEOVERSEN1");
	f->cpu.cores = 80;
	f->cpu.mhz = 3000;
	return f;
}

static void
test_debian_openblas(void **state)
{
	struct validate_report *r = load("debian-openblas.yaml", "openblas", NULL, NULL);
	(void)state;
	assert_true(validate_passed(r));
	assert_int_equal(verdict(r, "blas-library"), VERDICT_PASS);
	assert_string_equal(r->blas.kind, "openblas");
	assert_string_equal(r->blas.path,
	    "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3");
	assert_string_equal(r->blas.version, "0.3.21");
	assert_string_equal(r->blas.threading, "pthreads");
	assert_string_equal(r->lapack.kind, "openblas");
	assert_int_equal(verdict(r, "lapack-library"), VERDICT_PASS);
	assert_int_equal(verdict(r, "duplicate-blas"), VERDICT_PASS);
	assert_int_equal(verdict(r, "openblas-version"), VERDICT_PASS);
	assert_int_equal(verdict(r, "dgemm-correctness"), VERDICT_PASS);
	assert_true(r->dgemm_relerr > 0 && r->dgemm_relerr < 1e-12);
	assert_true(r->gflops_1 > 0 && r->gflops_all > 0);
	assert_int_equal(r->threads_all, 2);
	/* no facts: the peak is unknown, never guessed */
	assert_non_null(strstr(detail(r, "speed"), "peak unknown"));
	validate_report_free(r);
}

static void
test_debian_blis_expect(void **state)
{
	struct validate_report *r = load("debian-blis.yaml", "blis", NULL, NULL);
	(void)state;
	assert_string_equal(r->blas.kind, "blis");
	assert_string_equal(r->blas.version, "0.9.0");
	assert_int_equal(verdict(r, "blas-library"), VERDICT_PASS);
	/* LAPACK stays OpenBLAS: reported separately, not a failure, not a duplicate */
	assert_string_equal(r->lapack.kind, "openblas");
	assert_int_equal(verdict(r, "lapack-library"), VERDICT_INFO);
	assert_non_null(strstr(detail(r, "lapack-library"), "BLIS has no LAPACK"));
	assert_int_equal(verdict(r, "duplicate-blas"), VERDICT_PASS);
	/* the seed's warning: BLIS is single-threaded without BLIS_NUM_THREADS */
	assert_int_equal(verdict(r, "threads"), VERDICT_WARN);
	assert_non_null(strstr(detail(r, "threads"), "BLIS_NUM_THREADS"));
	assert_true(validate_passed(r));
	validate_report_free(r);

	r = load("debian-blis.yaml", "openblas", NULL, NULL);
	assert_false(validate_passed(r));
	assert_int_equal(verdict(r, "blas-library"), VERDICT_FAIL);
	assert_non_null(strstr(detail(r, "blas-library"), "expected OpenBLAS"));
	assert_non_null(strstr(detail(r, "blas-library"), "BLIS 0.9.0"));
	validate_report_free(r);

	r = load("debian-openblas.yaml", "blis", NULL, NULL);
	assert_int_equal(verdict(r, "blas-library"), VERDICT_FAIL);
	assert_non_null(strstr(detail(r, "blas-library"), "expected BLIS"));
	assert_non_null(strstr(detail(r, "blas-library"), "OpenBLAS 0.3.21"));
	validate_report_free(r);
}

static void
test_wheel_layout(void **state)
{
	struct facts *f = n1();
	struct validate_report *r = load("wheel-scipy-openblas64.yaml", "openblas", f, NULL);
	(void)state;
	assert_true(validate_passed(r));
	assert_string_equal(r->blas.symbol, "scipy_cblas_dgemm64_");
	assert_non_null(strstr(r->blas.path, "numpy.libs/libscipy_openblas64_"));
	assert_string_equal(r->lapack.symbol, "scipy_dgetrf_64_");
	assert_int_equal(verdict(r, "openblas-core"), VERDICT_PASS);   /* neoversen1 ~ NEOVERSEN1 */
	assert_int_equal(verdict(r, "scipy-version"), VERDICT_INFO);   /* not installed */
	/* N1: 80 cores x 3.0 GHz x 8 FLOPs/cycle = 1920 GFLOPS */
	assert_true(r->peak_gflops > 1919 && r->peak_gflops < 1921);
	assert_non_null(strstr(detail(r, "speed"), "% of the 80-thread peak 1920.0"));
	validate_report_free(r);
	f->emulated = 1;
	r = load("wheel-scipy-openblas64.yaml", NULL, f, NULL);
	assert_non_null(strstr(detail(r, "speed"), "emulated: timings are not machine speed"));
	validate_report_free(r);
	facts_free(f);
}

static void
test_duplicate(void **state)
{
	struct validate_report *r = load("duplicate-wheels.yaml", NULL, NULL, NULL);
	(void)state;
	assert_int_equal(verdict(r, "duplicate-blas"), VERDICT_WARN);
	assert_non_null(strstr(detail(r, "duplicate-blas"), "numpy.libs/libscipy_openblas64_"));
	assert_non_null(strstr(detail(r, "duplicate-blas"), "scipy.libs/libscipy_openblas-"));
	assert_true(validate_passed(r));   /* a warning, not a failure */
	validate_report_free(r);
}

static void
test_old_openblas(void **state)
{
	struct validate_report *r = load("old-openblas-0.3.13.yaml", NULL, NULL, NULL);
	(void)state;
	assert_false(validate_passed(r));
	assert_int_equal(verdict(r, "openblas-version"), VERDICT_FAIL);
	assert_non_null(strstr(detail(r, "openblas-version"), "0.3.13 is below 0.3.17"));
	assert_non_null(strstr(detail(r, "openblas-version"), "correctness on Arm64"));
	assert_int_equal(verdict(r, "numpy-version"), VERDICT_FAIL);
	assert_int_equal(verdict(r, "scipy-version"), VERDICT_FAIL);
	validate_report_free(r);
}

static void
test_generic_core(void **state)
{
	struct facts *f = n1();
	struct validate_report *r = load("generic-armv8-n1.yaml", "openblas", f, NULL);
	(void)state;
	assert_int_equal(verdict(r, "openblas-core"), VERDICT_WARN);
	assert_non_null(strstr(detail(r, "openblas-core"), "generic ARMV8"));
	assert_non_null(strstr(detail(r, "openblas-core"), "NEOVERSEN1"));
	assert_true(validate_passed(r));
	validate_report_free(r);
	facts_free(f);
}

static void
test_thread_lint(void **state)
{
	/* OpenBLAS with library defaults: nothing to lint */
	struct validate_report *r = load("debian-openblas.yaml", NULL, NULL, NULL);
	(void)state;
	assert_int_equal(verdict(r, "threads"), VERDICT_PASS);
	validate_report_free(r);
}

static struct validate_report *
with_env(const char *fixture, const char *envblock)
{
	char *path = xasprintf(FIX "%s", fixture), *text, *out, *cause = NULL, *p, *q;
	size_t len;
	struct validate_opts o;
	struct validate_report *r;
	text = file_read(path, 1 << 20, &len, NULL);
	assert_non_null(text);
	p = strstr(text, "env:\n");
	q = strstr(text, "numpy:\n");
	assert_true(p != NULL && q != NULL);
	*p = '\0';
	out = xasprintf("%senv:\n%s%s", text, envblock, q);
	memset(&o, 0, sizeof o);
	r = validate_from_probe(out, strlen(out), &o, &cause);
	if (r == NULL)
		fail_msg("%s", cause);
	free(out);
	free(text);
	free(path);
	return r;
}

static void
test_thread_env(void **state)
{
	struct validate_report *r;
	(void)state;
	r = with_env("debian-openblas.yaml", "  OMP_NUM_THREADS: \"4\"\n  OPENBLAS_NUM_THREADS: \"1\"\n");
	assert_int_equal(verdict(r, "threads"), VERDICT_WARN);
	assert_non_null(strstr(detail(r, "threads"), "disagree"));
	assert_non_null(strstr(detail(r, "threads"), "more threads than the 2 cores"));
	validate_report_free(r);
	r = with_env("debian-blis.yaml", "  BLIS_NUM_THREADS: \"2\"\n");
	assert_int_equal(verdict(r, "threads"), VERDICT_PASS);
	validate_report_free(r);
	r = with_env("debian-blis.yaml", "  OMP_NUM_THREADS: \"2\"\n");
	assert_int_equal(verdict(r, "threads"), VERDICT_PASS);
	validate_report_free(r);
}

static void
test_mixed_threading(void **state)
{
	char *path = xasprintf(FIX "debian-blis.yaml"), *text, *cause = NULL, *p;
	size_t len;
	struct validate_opts o;
	struct validate_report *r;
	(void)state;
	text = file_read(path, 1 << 20, &len, NULL);
	assert_non_null(text);
	/* make the BLIS an OpenMP build: OpenMP BLAS + pthreads OpenBLAS LAPACK */
	p = strstr(text, "threading: \"pthreads\"");
	assert_non_null(p);
	memcpy(p, "threading: \"openmp\"  ", strlen("threading: \"openmp\"  "));
	memset(&o, 0, sizeof o);
	r = validate_from_probe(text, len, &o, &cause);
	assert_non_null(r);
	assert_int_equal(verdict(r, "threads"), VERDICT_WARN);
	assert_non_null(strstr(detail(r, "threads"), "OpenMP and pthreads"));
	validate_report_free(r);
	free(text);
	free(path);
}

static void
test_bad_input(void **state)
{
	struct validate_opts o;
	char *cause = NULL;
	(void)state;
	memset(&o, 0, sizeof o);
	assert_null(validate_from_probe("a: [", 4, &o, &cause));
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_null(validate_from_probe("x: 1\n", 5, &o, &cause));
	assert_non_null(strstr(cause, "not a probe report"));
	free(cause);
	cause = NULL;
	/* a probe that found nothing: fails, does not crash */
	{
		struct validate_report *r = validate_from_probe("probe: 1\n", 9, &o, &cause);
		assert_non_null(r);
		assert_false(validate_passed(r));
		assert_int_equal(verdict(r, "blas-library"), VERDICT_FAIL);
		assert_int_equal(verdict(r, "dgemm-correctness"), VERDICT_FAIL);
		validate_report_free(r);
	}
}

static void
test_yaml_roundtrip(void **state)
{
	struct validate_report *r = load("debian-blis.yaml", "blis", NULL, NULL);
	char *y = validate_to_yaml(r), *t = validate_to_text(r), *cause = NULL;
	struct ynode *doc = ydoc_parse(y, strlen(y), "out", &cause);
	(void)state;
	assert_non_null(doc);
	assert_string_equal(ynode_get(ynode_get(doc, "blas"), "kind")->value, "blis");
	assert_string_equal(ynode_get(ynode_get(doc, "lapack"), "kind")->value, "openblas");
	assert_int_equal(ynode_get(doc, "checks")->type, YNODE_SEQ);
	assert_non_null(strstr(t, "PASS  blas-library"));
	ynode_free(doc);
	free(y);
	free(t);
	validate_report_free(r);
}

static void
test_peak(void **state)
{
	struct facts *f = n1();
	(void)state;
	assert_true(validate_core_peak(f) > 23.9 && validate_core_peak(f) < 24.1);
	free(f->cpu.part);
	f->cpu.part = xstrdup("0xd40");   /* V1: 2 x 256-bit SVE */
	assert_true(validate_core_peak(f) > 47.9 && validate_core_peak(f) < 48.1);
	free(f->cpu.part);
	f->cpu.part = xstrdup("0xd03");   /* Cortex-A53: not in the table, unknown */
	assert_true(validate_core_peak(f) < 0);
	f->cpu.mhz = 0;
	assert_true(validate_core_peak(f) < 0);
	facts_free(f);
}

static void
test_recommend(void **state)
{
	struct bench_result r[3];
	char *s;
	(void)state;
	memset(r, 0, sizeof r);
	strcpy(r[0].id.kind, "openblas");
	strcpy(r[0].id.threading, "pthreads");
	r[0].n = 2000, r[0].threads = 2, r[0].gflops = 50;
	strcpy(r[1].id.kind, "blis");
	strcpy(r[1].id.threading, "openmp");
	r[1].n = 2000, r[1].threads = 2, r[1].gflops = 56;
	strcpy(r[2].id.kind, "blis");
	r[2].n = 1000, r[2].threads = 1, r[2].gflops = 90;   /* not the largest point */
	s = bench_recommend(r, 3);
	assert_string_equal(s, "BLIS (openmp) 1.12x OpenBLAS at N=2000, 2 threads");
	free(s);
	s = bench_recommend(r, 1);
	assert_string_equal(s, "only OpenBLAS found: 50.0 GFLOPS at N=2000, 2 threads");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_openblas),
		cmocka_unit_test(test_debian_blis_expect),
		cmocka_unit_test(test_wheel_layout),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_old_openblas),
		cmocka_unit_test(test_generic_core),
		cmocka_unit_test(test_thread_lint),
		cmocka_unit_test(test_thread_env),
		cmocka_unit_test(test_mixed_threading),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_yaml_roundtrip),
		cmocka_unit_test(test_peak),
		cmocka_unit_test(test_recommend),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

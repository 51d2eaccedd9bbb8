/* test-validate.c — unit tests for the probe parser, the verdicts and the bench recommendation. */
/* SPDX-License-Identifier: MIT */
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
	assert_true(validate_core_peak(f, 0) > 23.9 && validate_core_peak(f, 0) < 24.1);
	free(f->cpu.part);
	f->cpu.part = xstrdup("0xd40");   /* V1: 2 x 256-bit SVE */
	assert_true(validate_core_peak(f, 0) > 47.9 && validate_core_peak(f, 0) < 48.1);
	free(f->cpu.part);
	f->cpu.part = xstrdup("0xd03");   /* Cortex-A53: not in the table, unknown */
	assert_true(validate_core_peak(f, 0) < 0);
	f->cpu.mhz = 0;
	assert_true(validate_core_peak(f, 0) < 0);
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

static struct facts *
zen(int family, long mhz)
{
	struct facts *f = facts_new();
	f->arch = xstrdup("x86_64");
	f->cpu.vendor = xstrdup("AuthenticAMD");
	f->cpu.name = xstrdup("AMD EPYC");
	f->cpu.openblas_target = xstrdup("ZEN");
	f->cpu.blis_config = xstrdup("zen3");
	f->cpu.x86_family = family;
	f->cpu.cores = 2;
	f->cpu.mhz = mhz;
	f->cpu.features = strv_new();
	f->cpu.features = strv_push(f->cpu.features, "avx2");
	f->cpu.features = strv_push(f->cpu.features, "fma");
	f->cpu.features = strv_push(f->cpu.features, "avx512f");
	return f;
}

static struct validate_report *load_edit_expect(const char *, const struct facts *,
    const char *, const char *const *, int);

/* A probe fixture with text replaced (each pair: old, new; old must be there). */
static struct validate_report *
load_edit(const char *fixture, const struct facts *f, const char *const *pairs, int npairs)
{
	return load_edit_expect(fixture, f, NULL, pairs, npairs);
}

/* The same, with an expectation; an empty new text keeps the old one and marks "replace every
 * occurrence of the pair before it" (old, new, "*", ""). */
static struct validate_report *
load_edit_expect(const char *fixture, const struct facts *f, const char *expect,
    const char *const *pairs, int npairs)
{
	char *path = xasprintf(FIX "%s", fixture), *text, *cause = NULL, *p, *t;
	struct validate_opts o;
	struct validate_report *r;
	int i;
	text = file_read(path, 1 << 20, NULL, NULL);
	assert_non_null(text);
	for (i = 0; i < npairs; i++) {
		int all = i + 1 < npairs && strcmp(pairs[2 * i + 2], "*") == 0;
		if ((p = strstr(text, pairs[2 * i])) == NULL)
			fail_msg("%s: no '%s'", fixture, pairs[2 * i]);
		for (size_t off = (size_t)(p - text); ; ) {
			size_t at = off + strlen(pairs[2 * i + 1]);
			text[off] = '\0';
			t = xasprintf("%s%s%s", text, pairs[2 * i + 1], text + off +
			    strlen(pairs[2 * i]));
			free(text);
			text = t;
			if (!all || (p = strstr(text + at, pairs[2 * i])) == NULL)
				break;
			off = (size_t)(p - text);
		}
		i += all;
	}
	memset(&o, 0, sizeof o);
	o.facts = f;
	o.expect = expect;
	r = validate_from_probe(text, strlen(text), &o, &cause);
	if (r == NULL)
		fail_msg("%s", cause);
	free(text);
	free(path);
	return r;
}

/* Every "NN%" in s is at most 100. */
static int
percent_ok(const char *s)
{
	const char *p;
	for (p = strchr(s, '%'); p != NULL; p = strchr(p + 1, '%')) {
		const char *q = p;
		while (q > s && q[-1] >= '0' && q[-1] <= '9')
			q--;
		if (q < p && atoi(q) > 100)
			return 0;
	}
	return 1;
}

static void
test_blis_generic(void **state)
{
	/* Zen 5 with Debian's BLIS 0.9.0: exact zero error, generic kernels */
	struct facts *f = zen(0x1a, 2596);
	struct validate_report *r = load("zen5-blis-generic.yaml", "blis", f, NULL);
	(void)state;
	assert_int_equal(verdict(r, "dgemm-correctness"), VERDICT_PASS);
	assert_true(r->dgemm_relerr == 0);
	assert_string_equal(r->blas.kernels, "generic");
	assert_int_equal(verdict(r, "blis-kernels"), VERDICT_WARN);
	assert_non_null(strstr(detail(r, "blis-kernels"), "BLIS runs its generic kernels"));
	assert_non_null(strstr(detail(r, "blis-kernels"), "OpenBLAS"));
	assert_non_null(strstr(detail(r, "blis-kernels"), "BLIS_ARCH_TYPE"));
	assert_non_null(strstr(detail(r, "blis-kernels"), "newer BLIS"));
	assert_true(validate_passed(r));       /* a warning, not a failure */
	validate_report_free(r);
	facts_free(f);
}

static void
test_blis_kernels(void **state)
{
	static const char *zen3[] = { "  corename: null\n  threading: \"pthreads\"\nlapack:",
	    "  corename: null\n  threading: \"pthreads\"\n  kernels: \"zen3\"\n"
	    "  kernels_evidence: \"x\"\nlapack:" };
	struct facts *f = zen(0x19, 3000);
	struct validate_report *r;
	(void)state;
	r = load_edit("debian-blis.yaml", f, zen3, 1);
	assert_int_equal(verdict(r, "blis-kernels"), VERDICT_PASS);
	assert_non_null(strstr(detail(r, "blis-kernels"), "BLIS runs its zen3 kernels"));
	validate_report_free(r);
	free(f->cpu.blis_config);
	f->cpu.blis_config = xstrdup("skx");
	r = load_edit("debian-blis.yaml", f, zen3, 1);
	assert_int_equal(verdict(r, "blis-kernels"), VERDICT_WARN);
	assert_non_null(strstr(detail(r, "blis-kernels"), "skx expected"));
	validate_report_free(r);
	f->emulated = 1;
	r = load_edit("debian-blis.yaml", f, zen3, 1);
	assert_int_equal(verdict(r, "blis-kernels"), VERDICT_INFO);
	validate_report_free(r);
	/* BLIS said nothing: a warning, never a guess */
	r = load_edit("debian-blis.yaml", f, NULL, 0);
	assert_int_equal(verdict(r, "blis-kernels"), VERDICT_WARN);
	assert_non_null(strstr(detail(r, "blis-kernels"), "did not say"));
	validate_report_free(r);
	/* OpenBLAS serving: no BLIS check */
	r = load("debian-openblas.yaml", NULL, f, NULL);
	assert_null(validate_find(r, "blis-kernels"));
	validate_report_free(r);
	facts_free(f);
}

static void
test_peak_bound(void **state)
{
	/* 2596 MHz x 32 = 83.1 GFLOPS, yet 97 measured: the old report said 117% */
	static const char *fast[] = { "    gflops: 18.873784387111336",
	    "    gflops: 97.0" };
	struct facts *f = zen(0x1a, 2596);
	struct validate_report *r;
	(void)state;
	r = load_edit("debian-blis.yaml", f, fast, 1);
	assert_true(percent_ok(detail(r, "speed")));
	assert_non_null(strstr(detail(r, "speed"), "peak unknown"));
	validate_report_free(r);
	/* a measured clock above cpuinfo's is used, and said */
	assert_true(validate_core_peak(f, 3700) > 118.3 && validate_core_peak(f, 3700) < 118.5);
	assert_true(validate_core_peak(f, 1000) > 83.0 && validate_core_peak(f, 1000) < 83.1);
	/* Zen 4 runs 512-bit FMA as two halves: 16, not 32 */
	f->cpu.x86_family = 0x19;
	assert_int_equal(validate_core_flops(f), 16);
	f->emulated = 1;
	assert_true(validate_core_peak(f, 3000) < 0);
	facts_free(f);
}

static void
test_env_report(void **state)
{
	static const char *haswell[] = { "corename: \"Zen\"", "corename: \"Haswell\"",
	    "corename: \"Zen\"", "corename: \"Haswell\"",
	    "  FLEXIBLAS: null\n", "  FLEXIBLAS: null\n  OPENBLAS_CORETYPE: \"Haswell\"\n"
	    "  OPENBLAS_L2_SIZE: \"1048576\"\n" };
	struct facts *f = zen(0x19, 3000);
	struct validate_report *r;
	(void)state;
	r = load_edit("debian-openblas.yaml", f, haswell, 3);
	assert_int_equal(verdict(r, "environment"), VERDICT_WARN);
	assert_non_null(strstr(detail(r, "environment"), "OPENBLAS_CORETYPE=Haswell"));
	assert_non_null(strstr(detail(r, "environment"), "runs its Haswell kernels"));
	assert_non_null(strstr(detail(r, "environment"), "AVX-512"));
	assert_non_null(strstr(detail(r, "environment"), "OPENBLAS_L2_SIZE=1048576"));
	assert_non_null(strstr(detail(r, "openblas-core"), "forced by OPENBLAS_CORETYPE"));
	validate_report_free(r);
	r = load("debian-openblas.yaml", NULL, f, NULL);
	assert_int_equal(verdict(r, "environment"), VERDICT_PASS);
	validate_report_free(r);
	assert_non_null(validate_env_effect("OPENBLAS_CORETYPE"));
	assert_non_null(validate_env_effect("BLIS_JC_NT"));
	assert_non_null(validate_env_effect("GOMP_SPINCOUNT"));
	assert_non_null(validate_env_effect("LD_PRELOAD"));
	assert_non_null(validate_env_effect("QEMU_CPU"));
	assert_null(validate_env_effect("HOME"));
	assert_null(validate_env_effect("LD_PRELOADX"));
	facts_free(f);
}

static void
test_login_env(void **state)
{
	char **e;
	(void)state;
	e = validate_login_env("# armpy: BLAS settings for blis (pthreads threading); written by "
	    "armpy\nexport BLIS_NUM_THREADS=80\nexport OMP_NUM_THREADS=80\n"
	    "export LD_PRELOAD=/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4"
	    "${LD_PRELOAD:+:$LD_PRELOAD}\nexport HOME=/x\nexport OMP_PLACES=$(reboot)\n"
	    "BLIS_JC_NT=2\nexport GOTO_NUM_THREADS='2'\n");
	assert_int_equal(strv_len(e), 3);
	assert_string_equal(e[0], "BLIS_NUM_THREADS=80");
	assert_string_equal(e[1], "OMP_NUM_THREADS=80");
	assert_string_equal(e[2], "LD_PRELOAD=/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4");
	strv_free(e);
	e = validate_login_env("");
	assert_int_equal(strv_len(e), 0);
	strv_free(e);
}

static void
test_scaling(void **state)
{
	static const char *again[] = { "    library_threads: null\nerrors",
	    "    library_threads: null\n  remeasured:\n    first_one: 18.0\n    first_all: 0.6\n"
	    "  cgroup_cpus: 1.0\n  loadavg: 3.5\nerrors" };
	struct validate_report *r;
	(void)state;
	/* BLIS pthreads: 18.9 GFLOPS on one thread, 2.6 on two */
	r = load_edit("debian-blis.yaml", NULL, again, 1);
	assert_int_equal(verdict(r, "thread-scaling"), VERDICT_WARN);
	assert_non_null(strstr(detail(r, "thread-scaling"), "measured a second time"));
	assert_non_null(strstr(detail(r, "thread-scaling"), "cpu.max allows 1 CPUs"));
	assert_non_null(strstr(detail(r, "thread-scaling"), "affinity"));
	assert_non_null(strstr(detail(r, "thread-scaling"), "busy-waiting"));
	assert_non_null(strstr(detail(r, "thread-scaling"), "load average 3.50"));
	validate_report_free(r);
	r = load("zen5-blis-generic.yaml", NULL, NULL, NULL);
	assert_int_equal(verdict(r, "thread-scaling"), VERDICT_PASS);
	validate_report_free(r);
}

static void
test_recommend_generic(void **state)
{
	struct bench_result r[2];
	char *s;
	(void)state;
	memset(r, 0, sizeof r);
	strcpy(r[0].id.kind, "openblas");
	strcpy(r[0].id.threading, "pthreads");
	strcpy(r[0].id.kernels, "SkylakeX");
	r[0].n = 256, r[0].threads = 1, r[0].gflops = 30;
	strcpy(r[1].id.kind, "blis");
	strcpy(r[1].id.threading, "pthreads");
	strcpy(r[1].id.kernels, "generic");
	r[1].n = 256, r[1].threads = 1, r[1].gflops = 40;   /* faster at one small size */
	s = bench_recommend(r, 2);
	assert_true(strncmp(s, "OpenBLAS (pthreads)", 19) == 0);
	assert_non_null(strstr(s, "BLIS runs reference kernels not tuned for this CPU (generic"));
	free(s);
	strcpy(r[1].id.kernels, "zen3");
	s = bench_recommend(r, 2);
	assert_true(strncmp(s, "BLIS (pthreads)", 15) == 0);
	free(s);
}

static void
test_expect_parse(void **state)
{
	static const char *bad[] = { "", "atlas", "mklx", "flexiblas", "OpenBLAS", "openblas:", "openblas:pthread",
	    "blis:openmp:x", "blisx", ":openmp", "openblas openmp", "openblas:OPENMP" };
	const char *lib, *thr;
	char *cause = NULL;
	size_t i;
	(void)state;
	assert_int_equal(validate_expect_parse("openblas", &lib, &thr, NULL), 0);
	assert_string_equal(lib, "openblas");
	assert_null(thr);
	assert_int_equal(validate_expect_parse("blis:openmp", &lib, &thr, NULL), 0);
	assert_string_equal(lib, "blis");
	assert_string_equal(thr, "openmp");
	assert_int_equal(validate_expect_parse("openblas:pthreads", &lib, &thr, NULL), 0);
	assert_string_equal(thr, "pthreads");
	assert_int_equal(validate_expect_parse("blis:serial", &lib, &thr, NULL), 0);
	assert_string_equal(thr, "serial");
	/* the vendors' libraries (loaded directly or as FlexiBLAS's backend) */
	assert_int_equal(validate_expect_parse("mkl", &lib, &thr, NULL), 0);
	assert_string_equal(lib, "mkl");
	assert_int_equal(validate_expect_parse("nvpl:openmp", &lib, &thr, NULL), 0);
	assert_string_equal(lib, "nvpl");
	assert_int_equal(validate_expect_parse("reference", &lib, &thr, NULL), 0);
	assert_string_equal(lib, "reference");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (validate_expect_parse(bad[i], &lib, &thr, &cause) != -1)
			fail_msg("'%s' was taken", bad[i]);
		assert_null(lib);
		assert_null(thr);
		assert_non_null(strstr(cause, bad[i]));
		free(cause);
		cause = NULL;
	}
	assert_int_equal(validate_expect_parse(NULL, &lib, &thr, NULL), -1);
}

static void
test_path_threading(void **state)
{
	(void)state;
	/* Debian names the core libopenblasp-r0.3.21.so in both threaded directories */
	assert_string_equal(validate_path_threading(
	    "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so"), "pthreads");
	assert_string_equal(validate_path_threading(
	    "/usr/lib/aarch64-linux-gnu/openblas-openmp/libopenblasp-r0.3.21.so"), "openmp");
	assert_string_equal(validate_path_threading(
	    "/usr/lib/x86_64-linux-gnu/openblas-serial/libopenblas-r0.3.21.so"), "serial");
	assert_string_equal(validate_path_threading(
	    "/usr/lib/aarch64-linux-gnu/blis-openmp/libblas.so.3"), "openmp");
	assert_string_equal(validate_path_threading("blis-serial/libblis.so.4"), "serial");
	assert_null(validate_path_threading("/usr/lib/x86_64-linux-gnu/libopenblas.so.0"));
	assert_null(validate_path_threading("/opt/openblas-openmpx/lib/libopenblas.so.0"));
	assert_null(validate_path_threading("/opt/openblas-openmp/lib/libopenblas.so.0"));
	assert_null(validate_path_threading("/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3"));
	assert_null(validate_path_threading("openblas-openmp"));
	assert_null(validate_path_threading("/x/myblas-openmp/libblas.so.3"));
	assert_null(validate_path_threading(NULL));
}

/* The OpenMP libblas.so.3 and liblapack.so.3 with libopenblas.so.0 left on the pthreads build
 * (what Debian's auto mode gives): a debian-openblas.yaml probe edited to that. */
static const char *omp_wrappers[] = {
	"  path: \"/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3",
	"  path: \"/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3", "*", "",
	"  path: \"/usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3",
	"  path: \"/usr/lib/x86_64-linux-gnu/openblas-openmp/liblapack.so.3", "*", "",
	"real: \"/usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3",
	"real: \"/usr/lib/x86_64-linux-gnu/openblas-openmp/liblapack.so.3",
	"real: \"/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3",
	"real: \"/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3",
};

static void
test_threading_openblas(void **state)
{
	static const char *all_omp[] = { "openblas-pthread", "openblas-openmp", "*", "",
	    "threading: \"pthreads\"", "threading: \"openmp\"", "*", "" };
	struct validate_report *r;
	const char *d;
	(void)state;
	r = load_edit_expect("debian-openblas.yaml", NULL, "openblas:openmp", omp_wrappers,
	    sizeof omp_wrappers / sizeof omp_wrappers[0] / 2);
	assert_int_equal(verdict(r, "blas-library"), VERDICT_PASS);
	assert_int_equal(verdict(r, "blas-threading"), VERDICT_FAIL);
	assert_false(validate_passed(r));
	d = detail(r, "blas-threading");
	assert_non_null(strstr(d, "libopenblas.so.0 points at the pthreads build"));
	assert_non_null(strstr(d, "update-alternatives --set libopenblas.so.0-x86_64-linux-gnu "
	    "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0"));
	assert_null(strstr(d, "libblas.so.3 points"));     /* that one is right */
	validate_report_free(r);

	r = load_edit_expect("debian-openblas.yaml", NULL, "openblas:openmp", all_omp, 4);
	assert_int_equal(verdict(r, "blas-threading"), VERDICT_PASS);
	assert_non_null(strstr(detail(r, "blas-threading"), "openblas-openmp/libopenblasp"));
	assert_true(validate_passed(r));
	validate_report_free(r);

	r = load("debian-openblas.yaml", "openblas:pthreads", NULL, NULL);
	assert_int_equal(verdict(r, "blas-threading"), VERDICT_PASS);
	validate_report_free(r);
	r = load("debian-openblas.yaml", "openblas", NULL, NULL);
	assert_null(validate_find(r, "blas-threading"));   /* no threading asked for */
	validate_report_free(r);
	/* a wheel's OpenBLAS in no Debian directory: the library's own word decides */
	r = load("wheel-scipy-openblas64.yaml", "openblas:openmp", NULL, NULL);
	assert_int_equal(verdict(r, "blas-threading"), VERDICT_FAIL);
	assert_non_null(strstr(detail(r, "blas-threading"), "is the pthreads build"));
	validate_report_free(r);
}

static void
test_threading_blis(void **state)
{
	static const char *blis_omp[] = { "blis-pthread", "blis-openmp", "*", "" };
	struct validate_report *r;
	const char *d;
	(void)state;
	/* BLIS's libblas.so.3 on OpenMP, LAPACK still OpenBLAS's pthreads build */
	r = load_edit_expect("debian-blis.yaml", NULL, "blis:openmp", blis_omp, 2);
	assert_int_equal(verdict(r, "blas-threading"), VERDICT_FAIL);
	d = detail(r, "blas-threading");
	assert_non_null(strstr(d, "libopenblas.so.0 points at the pthreads build"));
	assert_non_null(strstr(d, "liblapack.so.3 points at the pthreads build"));
	assert_non_null(strstr(d, "/usr/lib/x86_64-linux-gnu/openblas-openmp/liblapack.so.3"));
	assert_null(strstr(d, "libblas.so.3 points"));
	validate_report_free(r);

	r = load("debian-blis.yaml", "blis:openmp", NULL, NULL);
	d = detail(r, "blas-threading");
	assert_non_null(strstr(d, "update-alternatives --set libblas.so.3-x86_64-linux-gnu "
	    "/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3"));
	validate_report_free(r);

	r = load("debian-blis.yaml", "blis:pthreads", NULL, NULL);
	assert_int_equal(verdict(r, "blas-threading"), VERDICT_PASS);
	validate_report_free(r);
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
		cmocka_unit_test(test_blis_generic),
		cmocka_unit_test(test_blis_kernels),
		cmocka_unit_test(test_peak_bound),
		cmocka_unit_test(test_env_report),
		cmocka_unit_test(test_login_env),
		cmocka_unit_test(test_scaling),
		cmocka_unit_test(test_recommend_generic),
		cmocka_unit_test(test_expect_parse),
		cmocka_unit_test(test_path_threading),
		cmocka_unit_test(test_threading_openblas),
		cmocka_unit_test(test_threading_blis),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test-wizard.c — unit tests for the wizard model: kept answers, invalidation, EOL, refusals. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "armpy.h"
#include "facts.h"
#include "plan.h"
#include "profile.h"
#include "wizard.h"

/* A wizard on an os-release and a cpuinfo fixture, without probing this machine. */
static struct wizard *
wiz_cpu(const char *os, const char *cpuinfo, const char *arch)
{
	struct detect_opts o = { 0 };
	struct facts *f = facts_new();
	char *cause = NULL, *osr = xasprintf("tests/fixtures/os-release/%s", os);
	char *cpu = xasprintf("tests/fixtures/cpuinfo/%s", cpuinfo);

	o.os_release = osr;
	o.cpuinfo = cpu;
	o.arch = arch;
	o.no_probe = 1;
	if (facts_detect(f, &o, &cause) != 0) {
		print_error("facts_detect: %s\n", cause);
		fail();
	}
	free(osr);
	free(cpu);
	return wizard_new(f, NULL);
}

/* A wizard on the Neoverse-N1 fixture. */
static struct wizard *
wiz_any(const char *os)
{
	return wiz_cpu(os, "neoverse-n1-altra", "aarch64");
}

/* A wizard whose default answers plan. */
static struct wizard *
wiz(const char *os)
{
	struct wizard *w = wiz_any(os);

	assert_non_null(w->plan);
	return w;
}

static int
setup(void **state)
{
	(void)state;
	setenv("ARMPY_TODAY", "2026-11-25", 1);
	setenv("XDG_CONFIG_HOME", "/nonexistent-armpy-test", 1);
	return 0;
}

static const struct wizard_choice *
find(const struct wizard_list *l, const char *key)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return &l->v[i];
	return NULL;
}

/* Changing an answer that does not conflict keeps every later answer. */
static void
test_answers_kept(void **state)
{
	struct wizard *w = wiz("debian-12");
	char *cause = NULL;

	(void)state;
	assert_int_equal(wizard_set_library(w, BLAS_BLIS, &cause), 0);
	assert_int_equal(wizard_toggle_extra(w, EXTRA_PILLOW, &cause), 0);
	/* Going back and re-choosing the same Python and source changes nothing. */
	assert_int_equal(wizard_set_python(w, "system", 0, &cause), 0);
	assert_int_equal(wizard_set_source(w, SOURCE_SYSTEM, &cause), 0);
	assert_int_equal(w->profile->blas.library, BLAS_BLIS);
	assert_true(w->profile->extras & EXTRA_PILLOW);
	assert_null(w->notice);
	assert_non_null(w->plan);
	wizard_free(w);
}

/* conda refuses BLIS on aarch64: choosing conda resets the BLAS answer and says so. */
static void
test_invalidation(void **state)
{
	struct wizard *w = wiz("debian-12");
	char *cause = NULL;

	(void)state;
	assert_int_equal(wizard_set_library(w, BLAS_BLIS, &cause), 0);
	assert_int_equal(wizard_set_threading(w, THREADING_PTHREADS, &cause), 0);
	assert_int_equal(wizard_set_source(w, SOURCE_CONDA, &cause), 0);
	assert_int_equal(w->profile->source, SOURCE_CONDA);
	assert_int_equal(w->profile->blas.library, BLAS_OPENBLAS);
	assert_non_null(w->notice);
	assert_non_null(strstr(w->notice, "BLAS blis/pthreads/package -> BLAS openblas"));
	assert_non_null(w->plan);
	wizard_free(w);
}

/* An EOL Python needs a confirmation; 2.7 is never choosable. */
static void
test_eol_gating(void **state)
{
	struct wizard *w = wiz("debian-12");
	struct wizard_list l = { 0 };
	const struct wizard_choice *c;
	char *cause = NULL;

	(void)state;
	wizard_python_choices(w, &l);
	c = find(&l, "3.9");
	assert_non_null(c);
	assert_true(c->eol);
	assert_string_equal(c->eol_date, "2025-10-31");
	c = find(&l, "3.11");
	assert_non_null(c);
	assert_false(c->eol);
	c = find(&l, "2.7");
	assert_non_null(c);
	assert_true(c->disabled);
	assert_non_null(strstr(c->reason, "2020-01-01"));
	/* on Debian 12's system route, 3.15 is not installable: only conda installs it */
	c = find(&l, "3.15");
	assert_null(strstr(c->label, "installable"));
	assert_non_null(strstr(c->label, "via conda"));
	assert_non_null(strstr(find(&l, "3.11")->label, "installable"));
	wizard_list_free(&l);

	assert_int_equal(wizard_set_python(w, "3.9", 0, &cause), 1);
	assert_string_equal(w->profile->python, "system");     /* unchanged until confirmed */
	assert_int_equal(wizard_set_python(w, "3.9", 1, &cause), 0);
	assert_string_equal(w->profile->python, "3.9");
	assert_true(w->profile->allow_eol);
	assert_int_not_equal(w->profile->source, SOURCE_SYSTEM);  /* Debian 12 has no 3.9 */
	assert_non_null(w->plan);
	/* Back to a supported one: allow_eol goes with it. */
	assert_int_equal(wizard_set_python(w, "3.11", 0, &cause), 0);
	assert_false(w->profile->allow_eol);

	assert_int_equal(wizard_set_python(w, "2.7", 1, &cause), -1);
	assert_non_null(strstr(cause, "2.7"));
	free(cause);
	wizard_free(w);
}

/* Ubuntu 22.04's python3.10 is past upstream's date but maintained by Canonical: "system"
 * is chosen without a confirmation; "3.10" named explicitly keeps upstream's rule. */
static void
test_distro_python(void **state)
{
	struct wizard *w = wiz("ubuntu-22.04");
	struct wizard_list l = { 0 };
	const struct wizard_choice *c;
	char *cause = NULL;

	(void)state;
	wizard_python_choices(w, &l);
	c = find(&l, "system");
	assert_non_null(c);
	assert_false(c->eol);
	assert_false(c->disabled);
	assert_non_null(strstr(c->note, "maintained by Canonical"));
	assert_non_null(strstr(c->note, "2026-10-31"));
	assert_non_null(strstr(c->label, "3.10"));
	c = find(&l, "3.10");
	assert_non_null(c);
	assert_true(c->eol);
	wizard_list_free(&l);
	assert_int_equal(wizard_set_python(w, "system", 0, &cause), 0);
	assert_false(w->profile->allow_eol);
	assert_non_null(w->plan);
	assert_int_equal(wizard_set_python(w, "3.10", 0, &cause), 1);
	wizard_free(w);

	/* Debian 11 is past Debian LTS: its python3 asks first, and the note says why */
	w = wiz_any("debian-11");
	wizard_python_choices(w, &l);
	c = find(&l, "system");
	assert_true(c->eol);
	assert_non_null(strstr(c->note, "Debian 11 itself reached its end of life"));
	wizard_list_free(&l);
	assert_int_equal(wizard_set_python(w, "system", 0, &cause), 1);
	wizard_free(w);
}

/* Refused combinations come back with the planner's reason; accepted ones with NULL. */
static void
test_refusals(void **state)
{
	struct wizard *w = wiz("debian-12");
	char *cause = NULL, *r;

	(void)state;
	r = wizard_library_refusal(w, BLAS_BLIS);
	assert_null(r);
	assert_int_equal(wizard_set_source(w, SOURCE_CONDA, &cause), 0);
	r = wizard_library_refusal(w, BLAS_BLIS);
	assert_non_null(r);
	assert_non_null(strstr(r, "conda"));
	free(r);
	assert_int_equal(wizard_set_library(w, BLAS_BLIS, &cause), -1);
	assert_non_null(cause);
	free(cause);
	assert_int_equal(w->profile->blas.library, BLAS_OPENBLAS);
	wizard_free(w);
}

/* NVPL: offered beside OpenBLAS on conda on Arm64, NVIDIA's choice on a Grace (by MIDR), BLIS
 * still refused there; refused with the reason elsewhere. */
static void
test_nvpl(void **state)
{
	struct wizard *w = wiz_cpu("ubuntu-24.04", "neoverse-v2-grace", "aarch64");
	char *cause = NULL, *r;

	(void)state;
	assert_non_null(w->plan);
	assert_non_null(wizard_vendor_blas(w));
	assert_non_null(strstr(wizard_vendor_blas(w), "Grace"));
	r = wizard_library_refusal(w, BLAS_NVPL);            /* the system route: conda only */
	assert_non_null(r);
	assert_non_null(strstr(r, "nvpl with source: system"));
	free(r);
	assert_int_equal(wizard_set_source(w, SOURCE_CONDA, &cause), 0);
	assert_null(wizard_library_refusal(w, BLAS_OPENBLAS));
	assert_null(r = wizard_library_refusal(w, BLAS_NVPL));
	r = wizard_library_refusal(w, BLAS_BLIS);
	assert_non_null(r);
	assert_non_null(strstr(r, "no BLIS (its blas-feedstock)"));
	free(r);
	assert_int_equal(wizard_set_library(w, BLAS_NVPL, &cause), 0);
	assert_int_equal(w->profile->blas.library, BLAS_NVPL);
	assert_non_null(w->plan);
	r = wizard_threading_refusal(w, THREADING_PTHREADS);
	assert_non_null(r);
	assert_non_null(strstr(r, "sequential and OpenMP interfaces"));
	free(r);
	/* back to the system route: NVPL no longer fits and is reset */
	assert_int_equal(wizard_set_source(w, SOURCE_SYSTEM, &cause), 0);
	assert_int_not_equal(w->profile->blas.library, BLAS_NVPL);
	assert_non_null(w->plan);
	wizard_free(w);

	/* a Neoverse-N1 is not a Grace; x86_64 conda has no nvpl build */
	w = wiz("debian-12");
	assert_null(wizard_vendor_blas(w));
	wizard_free(w);
	w = wiz_cpu("debian-12", "x86-amd-epyc", "x86_64");
	assert_null(wizard_vendor_blas(w));
	assert_int_equal(wizard_set_source(w, SOURCE_CONDA, &cause), 0);
	r = wizard_library_refusal(w, BLAS_NVPL);
	assert_non_null(r);
	assert_non_null(strstr(r, "linux-aarch64 only"));
	free(r);
	wizard_free(w);
}

/* The distro override re-plans and can be undone. */
static void
test_distro_override(void **state)
{
	struct wizard *w = wiz("debian-12");
	struct wizard_list l = { 0 };
	char *cause = NULL;

	(void)state;
	wizard_distro_choices(w, &l);
	assert_string_equal(l.v[0].key, "detected");
	assert_null(find(&l, "debian 12"));      /* the detected one is not repeated */
	assert_non_null(find(&l, "rhel 8"));
	wizard_list_free(&l);
	assert_int_equal(wizard_set_distro(w, "ubuntu 22.04", &cause), 0);
	assert_string_equal(w->facts->distro_id, "ubuntu");
	assert_int_equal(w->facts->family, FAMILY_DEBIAN);
	assert_true(w->distro_overridden);
	assert_int_equal(wizard_set_distro(w, "detected", &cause), 0);
	assert_string_equal(w->facts->distro_id, "debian");
	assert_string_equal(w->facts->distro_version, "12");
	assert_false(w->distro_overridden);
	wizard_free(w);
}

/* The saved plan is plan_to_yaml of the profile's plan: replaying the profile gives it back. */
static void
test_save_replay(void **state)
{
	struct wizard *w = wiz("debian-12");
	char dir[] = "/tmp/armpy-wiz.XXXXXX", *cause = NULL, *pp, *pl, *a, *b;
	struct profile *p;
	struct plan *plan;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(wizard_set_library(w, BLAS_BLIS, &cause), 0);
	pp = xasprintf("%s/profiles/x.yaml", dir);
	pl = xasprintf("%s/plans/x.plan.yaml", dir);
	assert_int_equal(wizard_save_profile(w, pp, &cause), 0);
	assert_int_equal(wizard_save_plan(w, pl, &cause), 0);
	p = profile_load(pp, &cause);
	assert_non_null(p);
	plan = plan_make(w->facts, p, &cause);
	assert_non_null(plan);
	a = plan_to_yaml(plan);
	b = file_read(pl, 1 << 20, NULL, &cause);
	assert_non_null(b);
	assert_string_equal(a, b);
	free(a);
	free(b);
	plan_free(plan);
	profile_free(p);
	a = wizard_replay_command(w);
	assert_non_null(strstr(a, "armpy --profile "));
	assert_non_null(strstr(a, "x.yaml --yes"));
	free(a);
	unlink(pl);
	unlink(pp);
	free(pp);
	free(pl);
	wizard_free(w);
}

/* `armpy gflops --format yaml` output becomes rows and a table. */
static void
test_bench_parse(void **state)
{
	static const char yaml[] =
	    "triplet: aarch64-linux-gnu\n"
	    "recommendation: OpenBLAS (openmp) 1.10x BLIS at N=2000, 4 threads\n"
	    "results:\n"
	    "- {path: /usr/lib/aarch64-linux-gnu/blis-openmp/libblas.so.3, kind: BLIS,\n"
	    "   threading: openmp, threads: 4, gflops: 70.5, error: null}\n"
	    "- {path: /x/libopenblas.so.0, kind: OpenBLAS, threading: openmp, threads: 1,\n"
	    "   gflops: null, error: dlopen failed}\n";
	struct wizard *w = wiz("debian-12");
	char *cause = NULL, *t;

	(void)state;
	assert_int_equal(wizard_bench_parse(w, yaml, strlen(yaml), &cause), 0);
	assert_int_equal(w->bench.n, 2);
	assert_string_equal(w->bench.rows[0].kind, "BLIS");
	assert_int_equal(w->bench.rows[0].threads, 4);
	assert_true(w->bench.rows[0].gflops > 70.4 && w->bench.rows[0].gflops < 70.6);
	assert_true(w->bench.rows[1].gflops < 0);
	t = wizard_bench_table(w);
	assert_non_null(strstr(t, "70.50"));
	assert_non_null(strstr(t, "dlopen failed"));
	assert_non_null(strstr(t, "recommendation: OpenBLAS (openmp) 1.10x BLIS"));
	free(t);
	assert_int_equal(wizard_bench_parse(w, "no: results\n", 12, &cause), -1);
	assert_non_null(cause);
	free(cause);
	assert_int_equal(w->bench.n, 2);      /* a bad run keeps the last good one */
	wizard_free(w);
}

/* Speed rows say what ran, its threads and its size; a narrow label keeps "1t N=1000". */
static void
test_speed_labels(void **state)
{
	struct wizard_bench_row r = { .kind = "blis", .kernels = "zen3", .threads = 1, .n = 1000 };
	char *l;

	(void)state;
	l = wizard_bench_label(&r, 0);
	assert_string_equal(l, "BLIS zen3 1t N=1000");
	free(l);
	r.kind = "reference";
	r.kernels = "reference";
	r.threads = 2;
	r.n = 2000;
	l = wizard_bench_label(&r, 0);
	assert_string_equal(l, "reference 2t N=2000");     /* the kernels said once */
	free(l);
	r.kind = "openblas";
	r.kernels = NULL;
	l = wizard_bench_label(&r, 0);
	assert_string_equal(l, "OpenBLAS 2t N=2000");
	free(l);
	r.kernels = "THUNDERX3T110";
	r.threads = 12;
	l = wizard_bench_label(&r, 21);
	assert_string_equal(l, "OpenBLAS T 12t N=2000");
	free(l);
	l = wizard_bench_label(&r, 20);
	assert_string_equal(l, "OpenBLAS 12t N=2000");    /* no space left doubled */
	free(l);
	l = wizard_speed_label("NumPy", NULL, 4, 0, 16);
	assert_string_equal(l, "NumPy 4t");              /* size unknown: no N */
	free(l);
	l = wizard_speed_label("NumPy", NULL, 1, 1000, 16);
	assert_string_equal(l, "NumPy 1t N=1000");
	free(l);
}

/* The bench's kernels reach the rows, the table and the BLAS screen's BLIS line. */
static void
test_bench_kernels(void **state)
{
	static const char yaml[] =
	    "triplet: x86_64-linux-gnu\n"
	    "recommendation: 'OpenBLAS (pthreads): BLIS runs its generic generic kernels'\n"
	    "results:\n"
	    "- {path: /usr/lib/x86_64-linux-gnu/blis-pthread/libblas.so.3, kind: blis,\n"
	    "   kernels: generic, generic_kernels: true, threading: pthreads, threads: 1,\n"
	    "   n: 1000, gflops: 3.5, error: null}\n"
	    "- {path: /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3, kind: openblas,\n"
	    "   kernels: Zen, generic_kernels: false, threading: pthreads, threads: 1,\n"
	    "   n: 2000, gflops: 40.25, error: null}\n";
	static const char tuned[] =
	    "results:\n"
	    "- {path: /b/libblis.so.4, kind: blis, kernels: zen3, generic_kernels: false,\n"
	    "   threads: 2, n: 1000, gflops: 50}\n";
	static const char noblis[] =
	    "results:\n"
	    "- {path: /o/libopenblas.so.0, kind: openblas, kernels: Zen, threads: 2, n: 1000,\n"
	    "   gflops: 50}\n";
	struct wizard *w = wiz("debian-12");
	char *cause = NULL, *t;

	(void)state;
	t = wizard_blis_line(w);         /* before `b`: the fixture's build target, expected */
	assert_string_equal(t, "BLIS build target cortexa57 (expected; `b` checks what BLIS "
	    "really runs)");
	free(t);
	assert_int_equal(wizard_bench_parse(w, yaml, strlen(yaml), &cause), 0);
	assert_string_equal(w->bench.rows[0].kernels, "generic");
	assert_int_equal(w->bench.rows[0].generic, 1);
	assert_int_equal(w->bench.rows[1].generic, 0);
	t = wizard_bench_table(w);
	assert_non_null(strstr(t, "BLIS generic 1t N=1000"));
	assert_non_null(strstr(t, "OpenBLAS Zen 1t N=2000"));
	assert_non_null(strstr(t, "3.50*"));
	assert_non_null(strstr(t, "40.25 "));
	assert_non_null(strstr(t, "* generic kernels:"));
	free(t);
	t = wizard_blis_line(w);
	assert_string_equal(t, "BLIS runs its generic reference kernels here (armpy gflops)");
	free(t);
	assert_int_equal(wizard_bench_parse(w, tuned, strlen(tuned), &cause), 0);
	t = wizard_blis_line(w);
	assert_string_equal(t, "BLIS runs zen3 here (armpy gflops)");
	free(t);
	t = wizard_bench_table(w);
	assert_null(strstr(t, "generic"));
	free(t);
	assert_int_equal(wizard_bench_parse(w, noblis, strlen(noblis), &cause), 0);
	t = wizard_blis_line(w);
	assert_string_equal(t, "BLIS build target cortexa57 (expected; armpy gflops found no "
	    "BLIS)");
	free(t);
	wizard_free(w);
}

/* The password dialog's retry line and the message after the last refused try. */
static void
test_sudo_retry(void **state)
{
	char *t;

	(void)state;
	t = wizard_sudo_retry("sudo did not accept the password", 1);
	assert_string_equal(t, "sudo did not accept the password; 2 tries left");
	free(t);
	t = wizard_sudo_retry(NULL, 2);
	assert_string_equal(t, "sudo did not accept the password; 1 try left");
	free(t);
	t = wizard_sudo_retry("sudo refused (status 1): not in the sudoers file", 3);
	assert_non_null(strstr(t, "Not started, nothing was run: sudo refused (status 1): not in "
	    "the sudoers file (3 tries)"));
	assert_null(strstr(t, "left"));
	free(t);
}

/* Answers for another machine are planned and saved, never run here. */
static void
test_run_refusal(void **state)
{
	struct detect_opts here = { 0 }, there = { 0 }, qemu = { 0 }, rooted = { 0 };
	struct wizard *w = wiz("debian-12");
	char *cause = NULL;

	(void)state;
	there.os_release = "tests/fixtures/os-release/rhel-8";
	qemu.cpuinfo = "tests/fixtures/cpuinfo/neoverse-n1-altra";
	rooted.arch = "aarch64";
	rooted.root = "/srv/arm64-tree";
	assert_int_equal(detect_elsewhere(&here), 0);
	assert_int_equal(detect_elsewhere(&there), 1);
	there.os_release = NULL;
	there.arch = "aarch64";
	assert_int_equal(detect_elsewhere(&there), 1);
	assert_int_equal(detect_elsewhere(&qemu), 0);
	assert_int_equal(detect_elsewhere(&rooted), 0);

	assert_null(wizard_run_refusal(w));
	w->elsewhere = 1;
	assert_non_null(strstr(wizard_run_refusal(w), "another machine"));
	w->elsewhere = 0;
	assert_int_equal(wizard_set_distro(w, "ubuntu 22.04", &cause), 0);
	assert_non_null(wizard_run_refusal(w));
	assert_non_null(strstr(wizard_run_refusal(w), "Save the profile"));
	assert_int_equal(wizard_set_distro(w, "detected", &cause), 0);
	assert_null(wizard_run_refusal(w));
	wizard_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers_kept),
		cmocka_unit_test(test_invalidation),
		cmocka_unit_test(test_eol_gating),
		cmocka_unit_test(test_distro_python),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_nvpl),
		cmocka_unit_test(test_distro_override),
		cmocka_unit_test(test_save_replay),
		cmocka_unit_test(test_bench_parse),
		cmocka_unit_test(test_speed_labels),
		cmocka_unit_test(test_bench_kernels),
		cmocka_unit_test(test_sudo_retry),
		cmocka_unit_test(test_run_refusal),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}

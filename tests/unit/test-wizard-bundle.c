/* test-wizard-bundle.c — unit tests for the wizard opening a bundle: real bundles written by bundle_write, verified, their answers, refusals, the unpack. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "armpy.h"
#include "bundle.h"
#include "facts.h"
#include "plan.h"
#include "profile.h"
#include "wizard.h"

/* The facts the tui suite's wizard detects: Debian 12 on a Neoverse-N1, aarch64. */
static struct facts *
fixture_facts(const char *os, const char *arch)
{
	struct detect_opts o = { 0 };
	struct facts *f = facts_new();
	char *cause = NULL, *osr = xasprintf("tests/fixtures/os-release/%s", os);

	o.os_release = osr;
	o.cpuinfo = "tests/fixtures/cpuinfo/neoverse-n1-altra";
	o.arch = arch;
	o.no_probe = 1;
	if (facts_detect(f, &o, &cause) != 0) {
		print_error("facts_detect: %s\n", cause);
		fail();
	}
	free(osr);
	return f;
}

static struct profile *
blis_profile(void)
{
	struct profile *p = profile_new();

	free(p->name);
	p->name = xstrdup("bundle-blis");
	p->source = SOURCE_SYSTEM;
	p->blas.library = BLAS_BLIS;
	return p;
}

/* One text member written into dir (where bundle_write reads it) and added to m. */
static void
member(struct bundle_manifest *m, const char *dir, const char *name, char *text)
{
	char *path = xasprintf("%s/%s", dir, name), *cause = NULL, hex[65];
	long long size;

	assert_int_equal(file_write_atomic(path, text, strlen(text), 0644, &cause), 0);
	assert_int_equal(bundle_sha256_file(path, &size, hex, &cause), 0);
	bundle_manifest_add(m, name, size, hex);
	free(path);
	free(text);
}

/*
 * A real bundle at out, written by bundle_write as `armpy bundle` writes it, for the target t
 * (the manifest's) holding profile p and plan_for's plan of p (made with plan_make_bundle):
 * MANIFEST, plan.yaml, profile.yaml, facts.yaml. No .deb: the wizard's part reads only these.
 */
static void
write_bundle(const char *out, const struct facts *t, const struct facts *plan_for,
    const struct profile *p)
{
	struct bundle_manifest *m = xcalloc(1, sizeof *m);
	char dir[] = "/tmp/armpy-wb.XXXXXX", *cause = NULL, *cmd;
	struct plan *plan = plan_make_bundle(plan_for, p, BUNDLE_DIR, &cause);

	assert_non_null(plan);
	assert_non_null(mkdtemp(dir));
	m->armpy_version = xstrdup(ARMPY_VERSION);
	m->distro_id = xstrdup(t->distro_id);
	m->distro_version = xstrdup(t->distro_version);
	m->arch = xstrdup(t->arch);
	m->cpu = xstrdup(t->cpu.name != NULL ? t->cpu.name : "unknown");
	member(m, dir, "plan.yaml", plan_to_yaml(plan));
	member(m, dir, "profile.yaml", profile_to_yaml(p));
	member(m, dir, "facts.yaml", facts_to_yaml(plan_for));
	cause = NULL;
	if (bundle_write(out, dir, m, &cause) != 0) {
		print_error("bundle_write: %s\n", cause);
		fail();
	}
	cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	bundle_manifest_free(m);
	plan_free(plan);
}

static char *
tmp_path(const char *name)
{
	return xasprintf("%s/armpy-wb-%ld-%s", getenv("TMPDIR") != NULL ? getenv("TMPDIR") :
	    "/tmp", (long)getpid(), name);
}

/* The wizard on the bundle file: opened as tui_main opens it. */
static struct wizard *
wiz_bundle(const char *file, struct facts *f)
{
	struct profile *p = NULL;
	char *cause = NULL;
	struct wizard_bundle *b = wizard_bundle_open(file, f, &p, &cause);
	struct wizard *w;

	if (b == NULL) {
		print_error("wizard_bundle_open: %s\n", cause);
		fail();
	}
	w = wizard_new(f, p);
	w->bundle = b;
	wizard_replan(w);
	return w;
}

static const struct step *
step_of(const struct plan *p, const char *id)
{
	for (size_t i = 0; p != NULL && i < p->nsteps; i++)
		if (strcmp(p->steps[i].id, id) == 0)
			return &p->steps[i];
	return NULL;
}

/* The bundle's answers become the wizard's, and its plan is the one that installs from the
 * bundle, as `armpy --profile P --bundle FILE --dry-run` prints it. */
static void
test_open(void **state)
{
	char *file = tmp_path("good.bundle");
	struct facts *f = fixture_facts("debian-12", "aarch64");
	struct profile *p = blis_profile();
	struct wizard *w;
	const struct step *s;

	(void)state;
	write_bundle(file, f, f, p);
	w = wiz_bundle(file, f);
	assert_true(profile_equal(w->profile, p));
	assert_non_null(w->plan);
	assert_int_equal(bundle_plan_same(w->plan, w->bundle->plan, NULL), 0);
	s = step_of(w->plan, "bundle-sources");
	assert_non_null(s);
	assert_non_null(strstr(s->u.write.content, "file:" BUNDLE_DIR "/apt/debian bookworm"));
	assert_true(strv_contains(step_of(w->plan, "apt-install")->u.run.argv,
	    "Dir::State::Lists=" BUNDLE_DIR "/lists"));
	assert_non_null(strstr(w->bundle->target, "debian 12 aarch64"));
	assert_non_null(strstr(w->bundle->answers, "BLAS blis/"));
	wizard_free(w);
	profile_free(p);
	unlink(file);
	free(file);
}

/* Answers the bundle cannot install are refused, with the bundle named, and the bundle's
 * answers stay; the choices show them refused. */
static void
test_locked(void **state)
{
	char *file = tmp_path("lock.bundle"), *cause = NULL, *r;
	struct facts *f = fixture_facts("debian-12", "aarch64");
	struct profile *p = blis_profile();
	struct wizard *w;
	struct wizard_list l = { 0 };
	int found = 0;

	(void)state;
	write_bundle(file, f, f, p);
	w = wiz_bundle(file, f);
	assert_null(wizard_library_refusal(w, BLAS_BLIS));
	r = wizard_library_refusal(w, BLAS_OPENBLAS);
	assert_non_null(r);
	assert_non_null(strstr(r, "bundle"));
	free(r);
	assert_int_equal(wizard_set_library(w, BLAS_OPENBLAS, &cause), -1);
	assert_non_null(strstr(cause, "not what the bundle holds"));
	free(cause);
	cause = NULL;
	assert_int_equal(w->profile->blas.library, BLAS_BLIS);
	assert_int_equal(wizard_set_source(w, SOURCE_PIP, &cause), -1);
	assert_non_null(strstr(cause, "no test has run this"));
	free(cause);
	cause = NULL;
	assert_int_equal(wizard_set_distro(w, "debian 11", &cause), -1);
	assert_non_null(strstr(cause, "bundle"));
	free(cause);
	assert_int_equal(w->distro_overridden, 0);
	assert_int_equal(wizard_set_threads(w, 3), -1);
	assert_int_equal(w->profile->blas.threads, 0);
	assert_non_null(w->plan);
	assert_non_null(strstr(w->notice, "bundle"));
	wizard_source_choices(w, &l);
	for (int i = 0; i < l.n; i++) {
		if (strcmp(l.v[i].key, "system") == 0) {
			assert_int_equal(l.v[i].disabled, 0);
			found = 1;
		} else
			assert_int_equal(l.v[i].disabled, 1);
	}
	assert_true(found);
	wizard_python_choices(w, &l);
	assert_string_equal(l.v[0].key, "system");
	assert_int_equal(l.v[0].disabled, 0);
	wizard_distro_choices(w, &l);
	assert_string_equal(l.v[0].key, "detected");
	assert_null(l.v[0].reason);
	for (int i = 1; i < l.n; i++)
		assert_non_null(l.v[i].reason);
	wizard_list_free(&l);
	wizard_free(w);
	profile_free(p);
	unlink(file);
	free(file);
}

/* Each bad bundle is refused as headless refuses it, before a wizard exists. */
static void
refused_with(const char *file, struct facts *f, const char *want)
{
	struct profile *p = NULL;
	char *cause = NULL;

	assert_null(wizard_bundle_open(file, f, &p, &cause));
	assert_null(p);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL) {
		print_error("cause '%s' lacks '%s'\n", cause, want);
		fail();
	}
	free(cause);
}

static void
test_refused(void **state)
{
	char *file = tmp_path("bad.bundle"), *cmd;
	struct facts *f = fixture_facts("debian-12", "aarch64");
	struct facts *old = fixture_facts("debian-11", "aarch64");
	struct facts *x86 = fixture_facts("debian-12", "x86_64");
	struct profile *p = blis_profile();

	(void)state;
	write_bundle(file, old, f, p);           /* its manifest says Debian 11 */
	refused_with(file, f, "made for debian 11 aarch64");
	write_bundle(file, f, x86, p);           /* this machine's target, another plan */
	refused_with(file, f, "the bundle was made for other facts");
	p->source = SOURCE_PIP;
	write_bundle(file, f, f, p);
	refused_with(file, f, "no test has run this");
	p->source = SOURCE_SYSTEM;
	write_bundle(file, f, f, p);
	cmd = xasprintf("truncate -s -1 '%s'", file);   /* the end of the zstd frame gone */
	assert_int_equal(system(cmd), 0);
	free(cmd);
	refused_with(file, f, "refused: ");
	refused_with("/nonexistent/armpy.bundle", f, "No such file");
	facts_free(f);
	facts_free(old);
	facts_free(x86);
	profile_free(p);
	unlink(file);
	free(file);
}

/* Before the run the bundle lands in ROOT/var/lib/armpy/bundle; a bundle changed since it was
 * opened (another plan) is refused then. */
static void
test_unpack(void **state)
{
	char *file = tmp_path("unpack.bundle"), root[] = "/tmp/armpy-wbroot.XXXXXX";
	char *cause = NULL, *path, *cmd;
	struct facts *f = fixture_facts("debian-12", "aarch64");
	struct facts *x86 = fixture_facts("debian-12", "x86_64");
	struct profile *p = blis_profile();
	struct wizard *w;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(root));
	write_bundle(file, f, f, p);
	w = wiz_bundle(file, f);
	assert_int_equal(wizard_bundle_unpack(w->bundle, root, w->facts, w->plan, &cause), 0);
	path = xasprintf("%s" BUNDLE_DIR "/plan.yaml", root);
	assert_int_equal(stat(path, &st), 0);
	free(path);
	write_bundle(file, f, x86, p);
	assert_int_equal(wizard_bundle_unpack(w->bundle, root, w->facts, w->plan, &cause), -1);
	assert_non_null(strstr(cause, "differs from the bundle's"));
	free(cause);
	cmd = xasprintf("rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	facts_free(x86);
	wizard_free(w);
	profile_free(p);
	unlink(file);
	free(file);
}

/* The tui suite's bundle: ARMPY_TEST_BUNDLE_OUT=FILE keeps it there (tests/tui/run.sh). */
static void
test_tui_bundle(void **state)
{
	const char *keep = getenv("ARMPY_TEST_BUNDLE_OUT");
	char *file = keep != NULL ? xstrdup(keep) : tmp_path("tui.bundle");
	struct facts *f = fixture_facts("debian-12", "aarch64");
	struct profile *p = blis_profile();
	struct wizard *w;

	(void)state;
	write_bundle(file, f, f, p);
	w = wiz_bundle(file, f);
	assert_non_null(w->plan);
	wizard_free(w);
	profile_free(p);
	if (keep == NULL)
		unlink(file);
	free(file);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_locked),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_unpack),
		cmocka_unit_test(test_tui_bundle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

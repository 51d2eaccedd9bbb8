/* test-plan.c — the pure planner: routes, refusals, every profile combination, and the YAML round trip. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "armpy.h"
#include "facts.h"
#include "plan-int.h"
#include "plan.h"
#include "profile.h"
#include "ydoc.h"

/* Facts built by hand (string literals; never passed to facts_free). */
static struct facts
mkfacts(const char *id, const char *ver, enum distro_family fam, enum pkg_manager pm,
    const char *arch, int cores, long page)
{
	struct facts f;

	memset(&f, 0, sizeof f);
	f.distro_id = (char *)id;
	f.distro_version = (char *)ver;
	f.family = fam;
	f.package_manager = pm;
	f.arch = (char *)arch;
	f.multiarch = strcmp(arch, "aarch64") == 0 ? (char *)"aarch64-linux-gnu" :
	    strcmp(arch, "x86_64") == 0 ? (char *)"x86_64-linux-gnu" : NULL;
	f.cpu.name = (char *)"Neoverse-N1";
	f.cpu.openblas_target = (char *)"NEOVERSEN1";
	f.cpu.blis_config = (char *)"cortexa57";
	f.cpu.cores = cores;
	f.page_size = page;
	f.apt_mirror = (char *)"https://mirror.example.net/debian";
	return f;
}

static struct profile *
mkprofile(enum source src, enum blas_library lib, enum blas_threading thr)
{
	struct profile *p = profile_new();

	p->source = src;
	p->blas.library = lib;
	p->blas.threading = thr;
	p->blas.threads = 0;
	p->blas.build = BUILD_PACKAGE;
	p->scipy = 1;
	free(p->python);
	p->python = xstrdup("system");
	return p;
}

static void
setpy(struct profile *p, const char *v)
{
	free(p->python);
	p->python = xstrdup(v);
}

static int
argv_has(char *const *argv, const char *s)
{
	return strv_contains(argv, s);
}

static const struct step *
need(const struct plan *plan, const char *id)
{
	const struct step *s = plan_find(plan, id);

	if (s == NULL)
		fail_msg("no step '%s'", id);
	return s;
}

static int
count_apt_update(const struct plan *plan)
{
	int n = 0;

	for (size_t i = 0; i < plan->nsteps; i++) {
		const struct step *s = &plan->steps[i];

		if (s->kind == ACTION_RUN && strv_len(s->u.run.argv) >= 2 &&
		    strcmp(s->u.run.argv[0], "apt-get") == 0 &&
		    strcmp(s->u.run.argv[1], "update") == 0)
			n++;
	}
	return n;
}

static int
has_line(char *const *v, const char *part)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		if (strstr(v[i], part) != NULL)
			return 1;
	return 0;
}

static int
warned(const struct plan *plan, const char *part)
{
	return has_line(plan->warnings, part);
}

static int
noted(const struct plan *plan, const char *part)
{
	return has_line(plan->notes, part);
}

static void
setup_clock(void)
{
	setenv("ARMPY_TODAY", "2026-11-25", 1);
}

static void
test_debian_system_blis(void **state)
{
	struct facts f = mkfacts("debian", "12", FAMILY_DEBIAN, PM_APT, "aarch64", 80, 4096);
	struct profile *p = mkprofile(SOURCE_SYSTEM, BLAS_BLIS, THREADING_OPENMP);
	char *cause = NULL;
	struct plan *plan;
	const struct step *s;

	(void)state;
	f.system_python = (char *)"3.11.2";
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_int_equal(count_apt_update(plan), 1);
	assert_string_equal(plan->steps[0].id, "apt-update");
	s = need(plan, "apt-install");
	assert_true(argv_has(s->u.run.argv, "python3-numpy"));
	assert_true(argv_has(s->u.run.argv, "python3-scipy"));
	assert_true(argv_has(s->u.run.argv, "libblis4-openmp"));
	assert_true(argv_has(s->u.run.argv, "libopenblas0-openmp"));
	assert_true(argv_has(s->u.run.argv, "--no-install-recommends"));
	assert_int_equal(s->check.kind, CHECK_DPKG);
	assert_true(strv_contains(s->check.packages, "libblis4-openmp"));
	s = need(plan, "alt-blas");
	assert_int_equal(s->kind, ACTION_ALTERNATIVE);
	assert_string_equal(s->u.alternative.name, "libblas.so.3-aarch64-linux-gnu");
	assert_string_equal(s->u.alternative.path,
	    "/usr/lib/aarch64-linux-gnu/blis-openmp/libblas.so.3");
	assert_int_equal(s->check.kind, CHECK_ALTERNATIVE);
	s = need(plan, "alt-lapack");
	assert_string_equal(s->u.alternative.name, "liblapack.so.3-aarch64-linux-gnu");
	assert_string_equal(s->u.alternative.path,
	    "/usr/lib/aarch64-linux-gnu/openblas-openmp/liblapack.so.3");
	assert_non_null(strstr(s->why, "BLIS ships no LAPACK"));
	/* the wrappers find libopenblas.so.0 through $ORIGIN, the symlink's directory */
	s = need(plan, "alt-openblas");
	assert_string_equal(s->u.alternative.name, "libopenblas.so.0-aarch64-linux-gnu");
	assert_string_equal(s->u.alternative.path,
	    "/usr/lib/aarch64-linux-gnu/openblas-openmp/libopenblas.so.0");
	assert_int_equal(s->check.kind, CHECK_ALTERNATIVE);
	assert_non_null(strstr(s->why, "$ORIGIN"));
	s = need(plan, "alt-blis");
	assert_string_equal(s->u.alternative.name, "libblis.so.4-aarch64-linux-gnu");
	assert_string_equal(s->u.alternative.path,
	    "/usr/lib/aarch64-linux-gnu/blis-openmp/libblis.so.4");
	s = need(plan, "blas-env");
	assert_int_equal(s->kind, ACTION_WRITE);
	assert_string_equal(s->u.write.path, "/etc/profile.d/armpy-blas.sh");
	assert_non_null(strstr(s->u.write.content, "export BLIS_NUM_THREADS=80\n"));
	assert_non_null(strstr(s->u.write.content, "export OMP_NUM_THREADS=80\n"));
	s = &plan->steps[plan->nsteps - 1];
	assert_int_equal(s->kind, ACTION_VALIDATE);
	assert_string_equal(s->u.validate.expect, "blis:openmp");
	assert_string_equal(s->u.validate.python, "/usr/bin/python3");
	assert_string_equal(s->u.validate.numpy_min, FLOOR_NUMPY);
	assert_true(strv_contains(s->u.validate.env, "BLIS_NUM_THREADS=80"));
	plan_free(plan);
	profile_free(p);
}

static void
test_threading_variants(void **state)
{
	struct facts f = mkfacts("ubuntu", "22.04", FAMILY_DEBIAN, PM_APT, "aarch64", 80, 4096);
	struct profile *p = mkprofile(SOURCE_SYSTEM, BLAS_BLIS, THREADING_SERIAL);
	char *cause = NULL;
	struct plan *plan;
	const struct step *s;

	(void)state;
	p->allow_eol = 1;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	s = need(plan, "apt-install");
	assert_true(argv_has(s->u.run.argv, "libblis3-serial"));      /* jammy ships BLIS 0.8 */
	assert_true(argv_has(s->u.run.argv, "libopenblas0-serial"));
	assert_string_equal(need(plan, "alt-blas")->u.alternative.path,
	    "/usr/lib/aarch64-linux-gnu/blis-serial/libblas.so.3");
	assert_string_equal(need(plan, "alt-blis")->u.alternative.path,
	    "/usr/lib/aarch64-linux-gnu/blis-serial/libblis.so.3");
	assert_string_equal(need(plan, "alt-openblas")->u.alternative.path,
	    "/usr/lib/aarch64-linux-gnu/openblas-serial/libopenblas.so.0");
	assert_string_equal(plan->steps[plan->nsteps - 1].u.validate.expect, "blis:serial");
	assert_non_null(strstr(need(plan, "blas-env")->u.write.content, "BLIS_NUM_THREADS=1\n"));
	assert_null(strstr(need(plan, "blas-env")->u.write.content, "=80"));
	plan_free(plan);

	p->blas.threads = 4;            /* serial with >1 threads is refused */
	plan = plan_make(&f, p, &cause);
	assert_null(plan);
	assert_non_null(strstr(cause, "serial"));
	free(cause);
	cause = NULL;

	p->blas.threads = 0;
	p->blas.library = BLAS_OPENBLAS;
	p->blas.threading = THREADING_PTHREADS;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_string_equal(need(plan, "alt-blas")->u.alternative.path,
	    "/usr/lib/aarch64-linux-gnu/openblas-pthread/libblas.so.3");
	assert_true(argv_has(need(plan, "apt-install")->u.run.argv, "libopenblas0-pthread"));
	assert_string_equal(need(plan, "alt-openblas")->u.alternative.path,
	    "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0");
	assert_null(plan_find(plan, "alt-blis"));
	assert_string_equal(plan->steps[plan->nsteps - 1].u.validate.expect,
	    "openblas:pthreads");
	plan_free(plan);
	profile_free(p);
}

static void
test_eol(void **state)
{
	struct facts f = mkfacts("ubuntu", "22.04", FAMILY_DEBIAN, PM_APT, "aarch64", 8, 4096);
	struct profile *p = mkprofile(SOURCE_SYSTEM, BLAS_OPENBLAS, THREADING_OPENMP);
	char *cause = NULL;
	struct plan *plan;

	(void)state;
	/* jammy's 3.10 is past upstream's EOL on 2026-11-25, but Canonical maintains it */
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_null(plan->warnings);
	assert_true(strv_contains(plan->notes, "Python 3.10: upstream end of life 2026-10-31; "
	    "Ubuntu 22.04 maintains python3.10 until 2027-06-01 (Canonical's standard support; "
	    "Ubuntu's release cycle page (ubuntu.com/about/release-cycle) and Debian's "
	    "distro-info-data (ubuntu.csv))"));
	plan_free(plan);
	/* the same for the venv of the pip route */
	p->source = SOURCE_PIP;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_string_equal(need(plan, "venv")->u.run.argv[0], "/usr/bin/python3");
	plan_free(plan);
	p->source = SOURCE_SYSTEM;

	/* Ubuntu 20.04 is past its standard support: named, and its 3.8 needs allow_eol */
	f.distro_version = (char *)"20.04";
	plan = plan_make(&f, p, &cause);
	assert_null(plan);
	assert_non_null(strstr(cause, "3.8"));
	assert_non_null(strstr(cause, "Ubuntu 20.04 itself reached its end of life on 2025-05-29"));
	assert_non_null(strstr(cause, "allow_eol: true"));
	assert_non_null(strstr(cause, "conda"));
	free(cause);
	cause = NULL;
	p->allow_eol = 1;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_non_null(plan->warnings);
	assert_non_null(strstr(plan->warnings[0], "Ubuntu 20.04 reached its end of life on "
	    "2025-05-29"));
	assert_non_null(strstr(plan->warnings[0], "Ubuntu Pro ESM, until 2030-04-23"));
	assert_non_null(strstr(plan->warnings[1], "past end of life"));
	plan_free(plan);
	p->allow_eol = 0;
	f.distro_version = (char *)"22.04";

	setpy(p, "2.7");
	plan = plan_make(&f, p, &cause);
	assert_null(plan);
	assert_non_null(strstr(cause, "Python 2"));
	free(cause);
	cause = NULL;

	/* a version that is not the distro's on apt: refused with the reason */
	setpy(p, "3.12");
	plan = plan_make(&f, p, &cause);
	assert_null(plan);
	assert_non_null(strstr(cause, "3.10"));
	free(cause);
	cause = NULL;
	/* conda can install any version */
	p->source = SOURCE_CONDA;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_non_null(strstr(need(plan, "conda-envfile")->u.write.content, "  - python=3.12\n"));
	plan_free(plan);
	profile_free(p);
}

static void
test_rhel8_source(void **state)
{
	struct facts f = mkfacts("rhel", "8.8", FAMILY_RHEL, PM_DNF, "aarch64", 80, 65536);
	struct profile *p = mkprofile(SOURCE_SYSTEM, BLAS_BLIS, THREADING_OPENMP);
	char *cause = NULL;
	struct plan *plan;
	const struct step *s;

	(void)state;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_int_equal(count_apt_update(plan), 0);
	s = need(plan, "prereqs");
	assert_string_equal(s->u.run.argv[0], "dnf");
	assert_true(argv_has(s->u.run.argv, "@Development tools"));
	assert_true(argv_has(s->u.run.argv, "lapack-devel"));
	assert_true(argv_has(s->u.run.argv, "python3.11"));
	assert_true(argv_has(s->u.run.argv, "python3.11-devel"));
	assert_non_null(strstr(s->why, "Python 3.8 instead of the default"));
	assert_string_equal(need(plan, "venv")->u.run.argv[0], "/usr/bin/python3.11");
	s = need(plan, "blis-configure");
	assert_true(argv_has(s->u.run.argv, "--enable-threading=openmp"));
	assert_true(argv_has(s->u.run.argv, "--enable-cblas"));
	assert_true(argv_has(s->u.run.argv, "--prefix=/usr/local"));
	assert_true(argv_has(s->u.run.argv, "cortexa57"));
	assert_true(argv_has(need(plan, "openblas-build")->u.run.argv, "TARGET=NEOVERSEN1"));
	assert_true(argv_has(need(plan, "openblas-build")->u.run.argv, "USE_OPENMP=1"));
	assert_true(argv_has(need(plan, "openblas-build")->u.run.argv, "-j80"));
	assert_true(need(plan, "blis-install")->privileged);
	assert_false(need(plan, "blis-build")->privileged);
	s = need(plan, "blis-download");
	assert_int_equal(s->kind, ACTION_DOWNLOAD);
	assert_string_equal(s->u.download.url, "https://mirror.example.net/debian/pool/main/b/blis/"
	    "blis_0.9.0.orig.tar.gz");                   /* the apt sources' mirror, no other host */
	assert_int_equal(strlen(s->u.download.sha256), 64);
	s = need(plan, "pip-numpy");
	assert_true(argv_has(s->u.run.argv, "-Csetup-args=-Dblas=blis"));
	assert_true(argv_has(s->u.run.argv, "-Csetup-args=-Dlapack=openblas"));
	assert_true(argv_has(s->u.run.argv, "-Csetup-args=-Dallow-noblas=false"));
	assert_true(strv_contains(s->u.run.env,
	    "PKG_CONFIG_PATH=/usr/local/lib/pkgconfig:/usr/local/share/pkgconfig"));
	assert_false(argv_has(need(plan, "pip-scipy")->u.run.argv,
	    "-Csetup-args=-Dallow-noblas=false"));
	assert_string_equal(plan->steps[plan->nsteps - 1].u.validate.python,
	    "~/.venvs/armpy/bin/python");
	/* 64 KB pages warn */
	int w = 0;
	for (size_t i = 0; plan->warnings[i] != NULL; i++)
		w |= strstr(plan->warnings[i], "64 KB pages") != NULL;
	assert_true(w);
	plan_free(plan);
	/* no Debian mirror in the apt sources: refused, naming the way out */
	f.apt_mirror = NULL;
	assert_null(plan_make(&f, p, &cause));
	assert_non_null(strstr(cause, "no Debian mirror is in the apt sources"));
	assert_non_null(strstr(cause, "source_build.url"));
	free(cause);
	cause = NULL;
	f.apt_mirror = (char *)"https://mirror.example.net/debian";

	/* RHEL 8.6 has python39 and python38 only, both past upstream's EOL: without allow_eol
	 * the venv stays on Red Hat's python3.6, with the floor warning for pip on 3.6 */
	f.distro_version = (char *)"8.6";
	p->blas.library = BLAS_BLIS;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_string_equal(need(plan, "venv")->u.run.argv[0], "/usr/bin/python3");
	assert_true(warned(plan, "pip on Python 3.6 gets at most NumPy 1.19.5"));
	plan_free(plan);
	/* with allow_eol, python39 from AppStream (8.4+), with its -devel and -pip */
	p->allow_eol = 1;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_string_equal(need(plan, "venv")->u.run.argv[0], "/usr/bin/python3.9");
	assert_true(argv_has(need(plan, "prereqs")->u.run.argv, "python39-devel"));
	assert_true(argv_has(need(plan, "prereqs")->u.run.argv, "python39-pip"));
	plan_free(plan);
	p->allow_eol = 0;
	f.distro_version = (char *)"8.8";

	/* the distro route on RHEL 8 (python3-numpy): Red Hat maintains 3.6 until 2029-05-31 */
	p->blas.library = BLAS_OPENBLAS;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_true(noted(plan, "RHEL 8 maintains python3.6 until 2029-05-31"));
	assert_true(warned(plan, "NumPy 1.14 < 1.21.1"));
	assert_false(warned(plan, "64 KB"));      /* distro packages: built for its kernel */
	plan_free(plan);
	profile_free(p);
}

static void
test_pip_routes(void **state)
{
	struct facts f = mkfacts("debian", "12", FAMILY_DEBIAN, PM_APT, "aarch64", 80, 4096);
	struct profile *p = mkprofile(SOURCE_PIP, BLAS_OPENBLAS, THREADING_PTHREADS);
	char *cause = NULL;
	struct plan *plan;
	const struct step *s;

	(void)state;
	free(p->pip.index_url);
	p->pip.index_url = xstrdup("https://pypi.example.org/simple");
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_int_equal(count_apt_update(plan), 1);
	s = need(plan, "prereqs");
	assert_true(argv_has(s->u.run.argv, "build-essential"));
	assert_true(argv_has(s->u.run.argv, "python3-venv"));
	assert_true(argv_has(s->u.run.argv, "liblapack-dev"));
	s = need(plan, "pip-numpy");
	assert_true(argv_has(s->u.run.argv, "--index-url"));
	assert_true(argv_has(s->u.run.argv, "https://pypi.example.org/simple"));
	assert_false(argv_has(s->u.run.argv, "--user"));
	assert_non_null(strstr(s->why, "scipy-openblas"));
	assert_string_equal(need(plan, "blas-env")->u.write.path, "~/.venvs/armpy/bin/armpy-blas.sh");
	plan_free(plan);

	p->blas.library = BLAS_BLIS;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_int_equal(count_apt_update(plan), 1);
	s = need(plan, "prereqs");
	assert_true(argv_has(s->u.run.argv, "libblis-pthread-dev"));
	assert_true(argv_has(s->u.run.argv, "libopenblas-pthread-dev"));
	assert_true(argv_has(s->u.run.argv, "libblis4-pthread"));
	s = need(plan, "blis-pc");
	assert_non_null(strstr(s->u.write.content,
	    "libdir=/usr/lib/aarch64-linux-gnu/blis-pthread\n"));
	s = need(plan, "pip-numpy");
	assert_true(argv_has(s->u.run.argv, "--no-binary"));
	assert_true(strv_contains(s->u.run.env, "PKG_CONFIG_PATH=~/.cache/armpy/pkgconfig:"
	    "/usr/lib/aarch64-linux-gnu/openblas-pthread/pkgconfig"));
	plan_free(plan);

	/* pip with a Python that is not installed: refused */
	setpy(p, "3.13");
	plan = plan_make(&f, p, &cause);
	assert_null(plan);
	assert_non_null(strstr(cause, "3.13"));
	free(cause);
	cause = NULL;
	/* ... allowed when facts list that interpreter */
	struct python_install pi = { (char *)"/usr/local/bin/python3.13", (char *)"3.13.1", 0 };
	f.pythons = &pi;
	f.npythons = 1;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_string_equal(need(plan, "venv")->u.run.argv[0], "/usr/local/bin/python3.13");
	plan_free(plan);
	profile_free(p);
}

static void
test_conda(void **state)
{
	struct facts f = mkfacts("debian", "12", FAMILY_DEBIAN, PM_APT, "aarch64", 80, 4096);
	struct profile *p = mkprofile(SOURCE_CONDA, BLAS_BLIS, THREADING_OPENMP);
	char *cause = NULL;
	struct plan *plan;
	const struct step *s;

	(void)state;
	plan = plan_make(&f, p, &cause);
	assert_null(plan);
	assert_non_null(strstr(cause, "builds OpenBLAS and NVIDIA NVPL ones for linux-aarch64, no BLIS"));
	free(cause);
	cause = NULL;

	f = mkfacts("debian", "12", FAMILY_DEBIAN, PM_APT, "x86_64", 2, 4096);
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_non_null(strstr(need(plan, "conda-envfile")->u.write.content, "libblas=*=*blis"));
	plan_free(plan);

	f = mkfacts("debian", "12", FAMILY_DEBIAN, PM_APT, "aarch64", 80, 4096);
	p->blas.library = BLAS_OPENBLAS;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_int_equal(count_apt_update(plan), 0);
	s = need(plan, "conda-download");
	assert_true(str_startswith(s->u.download.url, "https://"));
	assert_int_equal(s->check.kind, CHECK_FILE);
	assert_string_equal(s->check.sha256, s->u.download.sha256);
	s = need(plan, "conda-install");
	assert_true(argv_has(s->u.run.argv, "-b"));
	assert_true(argv_has(s->u.run.argv, "~/miniforge3"));
	assert_non_null(strstr(need(plan, "conda-envfile")->u.write.content,
	    "libblas=*=*openblas"));
	assert_string_equal(need(plan, "conda-env")->u.run.argv[0], "~/miniforge3/bin/conda");
	assert_string_equal(plan->steps[plan->nsteps - 1].u.validate.python,
	    "~/miniforge3/envs/armpy/bin/python");
	plan_free(plan);

	p->conda.installer = CONDA_MINICONDA;
	plan = plan_make(&f, p, &cause);
	assert_null(plan);
	assert_non_null(strstr(cause, "armpy pins only Miniforge; give conda.installer_url and "
	    "conda.installer_sha256"));
	free(cause);
	profile_free(p);
}

static void
test_unsupported(void **state)
{
	struct facts f = mkfacts("freebsd", "13.2", FAMILY_UNKNOWN, PM_NONE, "aarch64", 4, 4096);
	struct profile *p = mkprofile(SOURCE_SYSTEM, BLAS_OPENBLAS, THREADING_OPENMP);
	char *cause = NULL;

	(void)state;
	assert_null(plan_make(&f, p, &cause));
	assert_non_null(strstr(cause, "Linux-only"));
	free(cause);
	cause = NULL;
	f = mkfacts("gentoo", "2.14", FAMILY_UNKNOWN, PM_NONE, "aarch64", 4, 4096);
	assert_null(plan_make(&f, p, &cause));
	assert_true(str_startswith(cause, "unsupported: "));
	assert_non_null(strstr(cause, "gentoo"));
	free(cause);
	cause = NULL;
	f = mkfacts("opensuse-leap", "15.5", FAMILY_SUSE, PM_ZYPPER, "aarch64", 4, 4096);
	p->blas.library = BLAS_BLIS;
	p->allow_eol = 1;
	assert_null(plan_make(&f, p, &cause));
	assert_non_null(strstr(cause, "BLIS on SUSE"));
	free(cause);
	profile_free(p);
}

static void
test_extras(void **state)
{
	struct facts f = mkfacts("debian", "12", FAMILY_DEBIAN, PM_APT, "aarch64", 0, 4096);
	struct profile *p = mkprofile(SOURCE_PIP, BLAS_OPENBLAS, THREADING_PTHREADS);
	char *cause = NULL;
	struct plan *plan;
	const struct step *s;

	(void)state;
	p->extras = EXTRA_MORFEUSZ;
	assert_null(plan_make(&f, p, &cause));
	assert_non_null(strstr(cause, "sha256"));
	free(cause);
	cause = NULL;

	/* cores unknown: no thread number written, a warning; sentencepiece still preloads */
	p->extras = EXTRA_PILLOW | EXTRA_PANDAS | EXTRA_PYTORCH | EXTRA_SENTENCEPIECE;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	s = need(plan, "pip-extras");
	assert_true(argv_has(s->u.run.argv, "torch"));
	assert_true(argv_has(s->u.run.argv, "torchvision"));     /* the guide installs both */
	assert_non_null(strstr(s->check.argv[2], "torchvision"));
	assert_true(argv_has(s->u.run.argv, "pillow"));
	assert_true(argv_has(need(plan, "prereqs")->u.run.argv, "libgoogle-perftools-dev"));
	s = need(plan, "blas-env");
	assert_null(strstr(s->u.write.content, "NUM_THREADS"));
	assert_non_null(strstr(s->u.write.content,
	    "LD_PRELOAD=/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4"));
	assert_non_null(plan->warnings);
	plan_free(plan);

	/* conda: torchvision too, and no LD_PRELOAD of a tcmalloc nothing installs */
	p->source = SOURCE_CONDA;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_non_null(strstr(need(plan, "conda-envfile")->u.write.content, "  - torchvision\n"));
	s = plan_find(plan, "blas-env");
	assert_true(s == NULL || strstr(s->u.write.content, "LD_PRELOAD") == NULL);
	assert_true(noted(plan, "no LD_PRELOAD is set"));
	plan_free(plan);

	p->source = SOURCE_SYSTEM;
	p->extras = EXTRA_PYTORCH;
	assert_null(plan_make(&f, p, &cause));
	assert_non_null(strstr(cause, "pytorch"));
	free(cause);
	profile_free(p);
}

/* AppStream Pythons by minor release, each with its -devel and -pip, upstream's dates. */
static void
test_appstream(void **state)
{
	static const struct {
		const char *id, *ver, *want, *pkg;
		int allow, ok;
	} cases[] = {
		{ "rocky", "8.1", "3.8", NULL, 1, 0 },
		{ "rocky", "8.2", "3.8", "python38", 1, 1 },
		{ "rocky", "8.3", "3.9", NULL, 1, 0 },
		{ "almalinux", "8.4", "3.9", "python39", 1, 1 },
		{ "rhel", "8.7", "3.11", NULL, 0, 0 },
		{ "rhel", "8.8", "3.11", "python3.11", 0, 1 },
		{ "rhel", "8.9", "3.12", NULL, 0, 0 },
		{ "rhel", "8.10", "3.12", "python3.12", 0, 1 },
		{ "rocky", "9.1", "3.11", NULL, 0, 0 },
		{ "rocky", "9.2", "3.11", "python3.11", 0, 1 },
		{ "rocky", "9.3", "3.12", NULL, 0, 0 },
		{ "rocky", "9.4", "3.12", "python3.12", 0, 1 },
		{ "rhel", "8.10", "3.9", "python39", 0, 0 },      /* EOL: allow_eol needed */
	};
	struct profile *p = mkprofile(SOURCE_PIP, BLAS_OPENBLAS, THREADING_OPENMP);
	char *cause = NULL, *dev;
	struct plan *plan;

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		struct facts f = mkfacts(cases[i].id, cases[i].ver, FAMILY_RHEL, PM_DNF, "aarch64",
		    4, 4096);

		setpy(p, cases[i].want);
		p->allow_eol = cases[i].allow;
		plan = plan_make(&f, p, &cause);
		if (!cases[i].ok) {
			if (plan != NULL)
				fail_msg("%s %s python %s planned", cases[i].id, cases[i].ver,
				    cases[i].want);
			free(cause);
			cause = NULL;
			continue;
		}
		if (plan == NULL)
			fail_msg("%s %s python %s: %s", cases[i].id, cases[i].ver, cases[i].want,
			    cause);
		dev = xasprintf("%s-devel", cases[i].pkg);
		assert_true(argv_has(need(plan, "prereqs")->u.run.argv, cases[i].pkg));
		assert_true(argv_has(need(plan, "prereqs")->u.run.argv, dev));
		free(dev);
		dev = xasprintf("/usr/bin/python%s", cases[i].want);
		assert_string_equal(need(plan, "venv")->u.run.argv[0], dev);
		free(dev);
		plan_free(plan);
	}
	profile_free(p);
}

/* Smaller gaps: floors on every distro, 64 KB pages, Alpine's build: source. */
static void
test_gaps(void **state)
{
	struct facts f = mkfacts("debian", "11", FAMILY_DEBIAN, PM_APT, "aarch64", 4, 4096);
	struct profile *p = mkprofile(SOURCE_SYSTEM, BLAS_OPENBLAS, THREADING_OPENMP);
	char *cause = NULL;
	struct plan *plan;

	(void)state;
	p->allow_eol = 1;              /* Debian 11 is past Debian LTS on 2026-11-25 */
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_true(warned(plan, "Debian 11 reached its end of life on 2026-08-31"));
	assert_true(warned(plan, "NumPy 1.19.5 < 1.21.1"));
	plan_free(plan);
	f.distro_version = (char *)"12";
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_false(warned(plan, "below the floors"));
	assert_null(plan->warnings);
	plan_free(plan);

	/* EL8 on aarch64 with the page size unknown: its kernel's 64 KB, for wheels */
	f = mkfacts("rocky", "8.9", FAMILY_RHEL, PM_DNF, "aarch64", 4, 0);
	p->source = SOURCE_PIP;
	p->allow_eol = 0;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_true(warned(plan, "EL8's aarch64 kernel uses 64 KB pages"));
	plan_free(plan);
	f.page_size = 4096;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_false(warned(plan, "64 KB"));
	plan_free(plan);

	/* Alpine and SUSE: build: source is refused, never a silent package install */
	f = mkfacts("alpine", "3.22", FAMILY_ALPINE, PM_APK, "aarch64", 4, 4096);
	p->source = SOURCE_SYSTEM;
	p->blas.build = BUILD_SOURCE;
	assert_null(plan_make(&f, p, &cause));
	assert_non_null(strstr(cause, "build: source"));
	free(cause);
	cause = NULL;
	p->blas.build = BUILD_PACKAGE;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	plan_free(plan);
	profile_free(p);
}

/* ---- YAML ---- */

static void
roundtrip(const struct plan *plan)
{
	char *y1 = plan_to_yaml(plan), *y2, *cause = NULL;
	struct ynode *root = ydoc_parse(y1, strlen(y1), "rt", &cause);
	struct plan *back;

	if (root == NULL)
		fail_msg("%s", cause);
	back = plan_from_node(root, "rt", &cause);
	if (back == NULL)
		fail_msg("%s\n%s", cause, y1);
	y2 = plan_to_yaml(back);
	assert_string_equal(y1, y2);
	ynode_free(root);
	plan_free(back);
	free(y1);
	free(y2);
}

static void
test_yaml_roundtrip(void **state)
{
	struct facts f = mkfacts("rhel", "8.8", FAMILY_RHEL, PM_DNF, "aarch64", 80, 65536);
	struct profile *p = mkprofile(SOURCE_PIP, BLAS_BLIS, THREADING_OPENMP);
	char *cause = NULL;
	struct plan *plan;

	(void)state;
	p->extras = EXTRA_SENTENCEPIECE | EXTRA_PILLOW;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	roundtrip(plan);
	plan_free(plan);
	f = mkfacts("debian", "12", FAMILY_DEBIAN, PM_APT, "aarch64", 80, 4096);
	p->source = SOURCE_CONDA;
	p->blas.library = BLAS_OPENBLAS;
	p->scipy = 0;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	roundtrip(plan);
	plan_free(plan);
	profile_free(p);
}

static void
parse_fails(const char *text, const char *want)
{
	char *cause = NULL;
	struct ynode *root = ydoc_parse(text, strlen(text), "P.yaml", &cause);
	struct plan *plan;

	assert_non_null(root);
	plan = plan_from_node(root, "P.yaml", &cause);
	if (plan != NULL)
		fail_msg("accepted: %s", text);
	if (strstr(cause, want) == NULL)
		fail_msg("cause '%s' lacks '%s'", cause, want);
	free(cause);
	ynode_free(root);
}

#define HEAD "armpy_plan: 1\nprofile: null\ntarget: t\nwarnings: []\nnotes: []\nsteps:\n"
#define STEP "- id: a\n  title: t\n  why: w\n  privileged: false\n  skippable: false\n" \
	"  est_seconds: 1\n"

static void
test_yaml_strict(void **state)
{
	(void)state;
	parse_fails(HEAD STEP "  run: {argv: [x]}\n  bogus: 1\n", "P.yaml:14:3: steps[0].bogus: "
	    "unknown key");
	parse_fails(HEAD STEP "  run: {argv: []}\n", "steps[0].run.argv: must not be empty");
	parse_fails(HEAD STEP "  run: {argv: [x]}\n  alternative: {name: a, path: b}\n",
	    "exactly one action");
	parse_fails(HEAD STEP, "needs one action");
	parse_fails(HEAD STEP "  run: {argv: [x], shell: yes}\n", "steps[0].run.shell: unknown");
	parse_fails(HEAD STEP "  download: {url: 'https://x/y', sha256: abc, dest: /tmp/x}\n",
	    "steps[0].download.sha256: not a sha256");
	parse_fails(HEAD STEP "  run: {argv: [x]}\n" STEP "  run: {argv: [y]}\n", "duplicate id");
	parse_fails(HEAD "- id: Bad_Id\n  title: t\n  why: w\n  privileged: false\n  skippable: "
	    "false\n  est_seconds: 1\n  run: {argv: [x]}\n", "is not [a-z0-9-]+");
	parse_fails(HEAD STEP "  run: {argv: [x]}\n  check: {kind: dpkg, path: /x}\n",
	    "steps[0].check.packages: missing");
	parse_fails(HEAD STEP "  run: {argv: [x]}\n  check: {kind: dpkg, packages: [a], path: /x}\n",
	    "not a key of a dpkg check");
	parse_fails(HEAD STEP "  write: {path: /x, mode: rw, content: c}\n", "octal mode");
	parse_fails(HEAD STEP "  run: {argv: [x], env: [NOEQUALS]}\n", "NAME=VALUE (NAME:");
	parse_fails(HEAD STEP "  run: {argv: [x], env: [\"1A=x\", \"A B=x\"]}\n", "env[0]: must be");
	parse_fails(HEAD STEP "  run: {argv: [x], env: [A=x, \"A-B=x\"]}\n", "env[1]: must be");
	parse_fails("armpy_plan: 2\ntarget: t\nsteps: []\n", "schema 2");
	parse_fails(HEAD STEP "  privileged2: true\n  run: {argv: [x]}\n", "unknown key");
	parse_fails(HEAD STEP "  run: {argv: [x]}\n  check: {kind: magic}\n", "'magic' is not one");
}

/* ---- every combination ---- */

static int
id_ok(const char *id)
{
	for (const char *p = id; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	}
	return *id != '\0';
}

static void
test_all_combinations(void **state)
{
	struct facts fs[] = {
		mkfacts("debian", "12", FAMILY_DEBIAN, PM_APT, "aarch64", 80, 4096),
		mkfacts("debian", "11", FAMILY_DEBIAN, PM_APT, "aarch64", 4, 4096),
		mkfacts("debian", "10", FAMILY_DEBIAN, PM_APT, "aarch64", 4, 4096),
		mkfacts("ubuntu", "22.04", FAMILY_DEBIAN, PM_APT, "aarch64", 80, 4096),
		mkfacts("ubuntu", "24.04", FAMILY_DEBIAN, PM_APT, "aarch64", 0, 4096),
		mkfacts("debian", "12", FAMILY_DEBIAN, PM_APT, "x86_64", 2, 4096),
		mkfacts("rhel", "8.8", FAMILY_RHEL, PM_DNF, "aarch64", 80, 65536),
		mkfacts("rocky", "9.3", FAMILY_RHEL, PM_DNF, "aarch64", 64, 65536),
		mkfacts("almalinux", "10.0", FAMILY_RHEL, PM_DNF, "aarch64", 64, 4096),
		mkfacts("fedora", "40", FAMILY_RHEL, PM_DNF, "aarch64", 64, 4096),
		mkfacts("amzn", "2", FAMILY_RHEL, PM_YUM, "aarch64", 64, 4096),
		mkfacts("sles", "15.5", FAMILY_SUSE, PM_ZYPPER, "aarch64", 64, 4096),
		mkfacts("alpine", "3.18.4", FAMILY_ALPINE, PM_APK, "aarch64", 8, 4096),
		mkfacts("gentoo", "2.14", FAMILY_UNKNOWN, PM_NONE, "aarch64", 8, 4096),
		mkfacts("freebsd", "13.2", FAMILY_UNKNOWN, PM_NONE, "aarch64", 8, 4096),
	};
	static const char *pythons[] = { "system", "3.11", "3.9" };
	struct profile *p = profile_new();
	size_t planned = 0, refused = 0;

	(void)state;
	for (size_t fi = 0; fi < nitems(fs); fi++)
	for (int src = SOURCE_SYSTEM; src <= SOURCE_CONDA; src++)
	for (int lib = BLAS_OPENBLAS; lib <= BLAS_NVPL; lib++)
	for (int thr = THREADING_OPENMP; thr <= THREADING_SERIAL; thr++)
	for (int build = BUILD_PACKAGE; build <= BUILD_SOURCE; build++)
	for (unsigned ex = 0; ex < (1u << EXTRA_COUNT); ex++)
	for (size_t pyi = 0; pyi < nitems(pythons); pyi++)
	for (int eol = 0; eol <= 1; eol++)
	for (int sc = 0; sc <= 1; sc++) {
		char *cause = NULL;
		struct plan *plan;

		if (sc == 0 && ex != 0)
			continue;       /* scipy off checked without extras */
		p->source = src;
		p->blas.library = lib;
		p->blas.threading = thr;
		p->blas.build = build;
		p->extras = ex;
		p->allow_eol = eol;
		p->scipy = sc;
		free(p->python);
		p->python = xstrdup(pythons[pyi]);
		plan = plan_make(&fs[fi], p, &cause);
		if (plan == NULL) {
			if (cause == NULL || !(str_startswith(cause, "refused: ") ||
			    str_startswith(cause, "unsupported: ")) || strlen(cause) < 24)
				fail_msg("no reason: %s", cause != NULL ? cause : "(null)");
			free(cause);
			refused++;
			continue;
		}
		assert_null(cause);
		assert_true(plan->nsteps >= 2);
		assert_true(count_apt_update(plan) <= 1);
		assert_int_equal(plan->steps[plan->nsteps - 1].kind, ACTION_VALIDATE);
		for (size_t i = 0; i < plan->nsteps; i++) {
			const struct step *s = &plan->steps[i];

			if (!id_ok(s->id) || s->title[0] == '\0' || s->why[0] == '\0')
				fail_msg("bad step %zu '%s'", i, s->id);
			if (s->kind == ACTION_RUN && strv_len(s->u.run.argv) == 0)
				fail_msg("empty argv in %s", s->id);
			if (s->kind == ACTION_DOWNLOAD && (!str_startswith(s->u.download.url,
			    "https://") || strlen(s->u.download.sha256) != 64))
				fail_msg("download without https+sha256 in %s", s->id);
			for (size_t j = 0; j < i; j++) {
				if (strcmp(plan->steps[j].id, s->id) == 0)
					fail_msg("duplicate id %s", s->id);
			}
			if (s->kind == ACTION_VALIDATE && i != plan->nsteps - 1)
				fail_msg("validate is not last");
		}
		if (thr == THREADING_SERIAL) {
			const struct step *v = &plan->steps[plan->nsteps - 1];

			for (size_t i = 0; v->u.validate.env != NULL && v->u.validate.env[i]; i++) {
				if (strstr(v->u.validate.env[i], "_THREADS=") != NULL &&
				    strcmp(strchr(v->u.validate.env[i], '=') + 1, "1") != 0)
					fail_msg("serial with %s", v->u.validate.env[i]);
			}
		}
		if (ex == 0 && pyi == 0 && eol == 1)
			roundtrip(plan);
		plan_free(plan);
		planned++;
	}
	profile_free(p);
	print_message("%zu planned, %zu refused with a reason\n", planned, refused);
	assert_true(planned > 1000);
	assert_true(refused > 1000);
}

/* NVIDIA's NVPL through conda-forge's libblas nvpl build: aarch64 and conda only. */
static void
test_conda_nvpl(void **state)
{
	struct facts f = mkfacts("ubuntu", "24.04", FAMILY_DEBIAN, PM_APT, "aarch64", 72, 4096);
	struct profile *p = mkprofile(SOURCE_CONDA, BLAS_NVPL, THREADING_OPENMP);
	char *cause = NULL;
	struct plan *plan;

	(void)state;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_non_null(strstr(need(plan, "conda-envfile")->u.write.content,
	    "  - libblas=*=*nvpl\n"));
	assert_null(strstr(need(plan, "conda-envfile")->u.write.content, "libopenblas"));
	assert_non_null(strstr(need(plan, "conda-envfile")->why, "blas-feedstock"));
	assert_true(noted(plan, "NVIDIA's NVPL BLAS documentation"));
	assert_string_equal(plan->steps[plan->nsteps - 1].u.validate.expect, "nvpl");
	plan_free(plan);

	p->blas.threading = THREADING_SERIAL;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_true(noted(plan, "conda-forge's NVPL (its OpenMP interface) is a threaded build"));
	plan_free(plan);

	f = mkfacts("ubuntu", "24.04", FAMILY_DEBIAN, PM_APT, "x86_64", 8, 4096);
	plan = plan_make(&f, p, &cause);
	assert_null(plan);
	assert_non_null(strstr(cause, "refused: library: nvpl on x86_64 -- conda-forge builds its "
	    "libblas nvpl variant for linux-aarch64 only"));
	free(cause);
	cause = NULL;

	f = mkfacts("ubuntu", "24.04", FAMILY_DEBIAN, PM_APT, "aarch64", 72, 4096);
	for (int src = SOURCE_SYSTEM; src <= SOURCE_PIP; src++) {
		p->source = src;
		plan = plan_make(&f, p, &cause);
		assert_null(plan);
		assert_non_null(strstr(cause, "refused: library: nvpl needs source: conda"));
		free(cause);
		cause = NULL;
	}
	profile_free(p);
}

/* The FlexiBLAS backend an EL/Fedora system plan selects and validates, or its refusal. */
static void
flexiblas_case(const char *id, const char *ver, enum blas_threading thr, const char *pkg,
    const char *expect)
{
	struct facts f = mkfacts(id, ver, FAMILY_RHEL, PM_DNF, "aarch64", 64, 4096);
	struct profile *p = mkprofile(SOURCE_SYSTEM, BLAS_OPENBLAS, thr);
	char *cause = NULL, *want;
	struct plan *plan = plan_make(&f, p, &cause);
	const struct step *s;

	if (plan == NULL)
		fail_msg("%s %s: %s", id, ver, cause);
	if (!argv_has(need(plan, "pkg-install")->u.run.argv, pkg))
		fail_msg("%s %s: no %s", id, ver, pkg);
	assert_string_equal(plan->steps[plan->nsteps - 1].u.validate.expect, expect);
	s = plan_find(plan, "flexiblas-default");
	if (strcmp(pkg, "openblas") == 0) {
		assert_null(s);
		assert_false(argv_has(need(plan, "pkg-install")->u.run.argv, "flexiblas-openblas-openmp"));
	} else {
		want = xasprintf("default = %s\n", pkg + strlen("flexiblas-"));
		assert_non_null(s);
		assert_int_equal(s->kind, ACTION_WRITE);
		assert_true(s->privileged);
		assert_string_equal(s->u.write.path, "/etc/flexiblasrc");
		assert_string_equal(s->u.write.content, want);
		assert_int_equal(s->check.kind, CHECK_COMMAND);
		assert_string_equal(s->check.argv[0], "grep");
		assert_true(plan_find(plan, "pkg-install") < s);
		free(want);
	}
	plan_free(plan);
	profile_free(p);
}

static void
test_el_flexiblas(void **state)
{
	struct facts f = mkfacts("rocky", "9.3", FAMILY_RHEL, PM_DNF, "aarch64", 64, 4096);
	struct profile *p = mkprofile(SOURCE_SYSTEM, BLAS_OPENBLAS, THREADING_PTHREADS);
	char *cause = NULL;

	(void)state;
	flexiblas_case("rocky", "9.3", THREADING_OPENMP, "flexiblas-openblas-openmp",
	    "openblas:openmp");
	/* EL9 has only the openmp backend: serial runs it on one thread, threading unchecked */
	flexiblas_case("rhel", "9.4", THREADING_SERIAL, "flexiblas-openblas-openmp", "openblas");
	flexiblas_case("almalinux", "10.0", THREADING_SERIAL, "flexiblas-openblas-serial",
	    "openblas:serial");
	flexiblas_case("rocky", "10.0", THREADING_PTHREADS, "flexiblas-openblas-threads",
	    "openblas:pthreads");
	/* the edges: Fedora 33 and EL9 are the first on FlexiBLAS; EL8, Fedora 32, Amazon not */
	flexiblas_case("fedora", "33", THREADING_PTHREADS, "flexiblas-openblas-threads",
	    "openblas:pthreads");
	flexiblas_case("fedora", "32", THREADING_OPENMP, "openblas", "openblas");
	flexiblas_case("rhel", "8.8", THREADING_OPENMP, "openblas", "openblas");
	flexiblas_case("amzn", "2023", THREADING_OPENMP, "openblas", "openblas");
	assert_null(plan_make(&f, p, &cause));
	assert_non_null(strstr(cause, "refused: threading: pthreads with source: system on EL9 -- "
	    "EL9's AppStream ships FlexiBLAS's OpenBLAS backend as flexiblas-openblas-openmp"));
	free(cause);
	profile_free(p);
}

/* The toolchain table: each package's lines follow each other, their GCC and Python floors never
 * go down, and each cites its source; what pip picks and the distros' GCC. */
static void
test_toolchain_table(void **state)
{
	const struct build_need *t;
	struct facts f = mkfacts("rhel", "8.8", FAMILY_RHEL, PM_DNF, "aarch64", 4, 4096);
	int n;

	(void)state;
	t = toolchain_needs(&n);
	for (int i = 0; i < n; i++) {
		assert_non_null(t[i].source);
		assert_true(t[i].py_max == NULL || version_cmp(t[i].py_min, t[i].py_max) <= 0);
		if (i + 1 < n && strcmp(t[i].pkg, t[i + 1].pkg) == 0) {
			assert_non_null(t[i].below);
			assert_string_equal(t[i].below, t[i + 1].from);
			assert_true(version_cmp(t[i].gcc, t[i + 1].gcc) <= 0);
			assert_true(version_cmp(t[i].py_min, t[i + 1].py_min) <= 0);
		} else
			assert_null(t[i].below);
	}
	assert_string_equal(toolchain_pick("numpy", "3.9", NULL)->from, "1.26");   /* 2.0.x */
	assert_string_equal(toolchain_pick("numpy", "3.11", NULL)->gcc, "9.3");
	assert_string_equal(toolchain_pick("numpy", "3.11", "8.5")->below, "2.3");
	assert_string_equal(toolchain_pick("numpy", "3.13", NULL)->gcc, "10.3");
	assert_string_equal(toolchain_pick("scipy", "3.11", NULL)->gcc, "9.1");
	assert_null(toolchain_pick("scipy", "3.13", "8.5"));
	assert_string_equal(toolchain_distro_gcc(&f), "8.5");
	f.distro_version = (char *)"8.2";
	assert_string_equal(toolchain_distro_gcc(&f), "8.3");
	f.distro_id = (char *)"rocky";
	f.distro_version = (char *)"8";                     /* no minor: the current one */
	assert_string_equal(toolchain_distro_gcc(&f), "8.5");
	f.distro_version = (char *)"80";
	assert_null(toolchain_distro_gcc(&f));
	f = mkfacts("ubuntu", "22.04", FAMILY_DEBIAN, PM_APT, "aarch64", 4, 4096);
	assert_string_equal(toolchain_distro_gcc(&f), "11.2");
	f.distro_id = (char *)"ubuntuish";
	assert_null(toolchain_distro_gcc(&f));
	assert_non_null(toolchain_blis_gcc("armsve"));
	assert_null(toolchain_blis_gcc("cortexa57"));
}

static struct plan *
toolchain_plan(struct facts *f, const char *py, const char *blis_cfg, char **cause)
{
	struct profile *p = mkprofile(SOURCE_PIP, BLAS_BLIS, THREADING_OPENMP);
	struct plan *plan;

	setpy(p, py);
	p->allow_eol = 1;
	if (blis_cfg != NULL)
		f->cpu.blis_config = (char *)blis_cfg;
	plan = plan_make(f, p, cause);
	profile_free(p);
	return plan;
}

static const char *
step_env_get(const struct step *s, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; s->u.run.env != NULL && s->u.run.env[i] != NULL; i++)
		if (strncmp(s->u.run.env[i], name, n) == 0 && s->u.run.env[i][n] == '=')
			return s->u.run.env[i] + n + 1;
	return NULL;
}

/* EL8 8.8: NumPy 2.3+ needs GCC 9.3 > 8.5, so gcc-toolset-12 is planned and every build step
 * runs with it; the releases stay unpinned. Debian 12's GCC builds it as is. */
static void
test_toolchain_toolset(void **state)
{
	struct facts f = mkfacts("rhel", "8.8", FAMILY_RHEL, PM_DNF, "aarch64", 4, 4096);
	const char *ids[] = { "blis-configure", "blis-build", "openblas-build", "pip-numpy",
	    "pip-scipy" };
	char *cause = NULL;
	struct plan *plan;
	const struct step *s;

	(void)state;
	setup_clock();
	plan = toolchain_plan(&f, "system", "armsve", &cause);
	assert_non_null(plan);
	s = need(plan, "toolchain");
	assert_true(argv_has(s->u.run.argv, "gcc-toolset-12"));
	assert_non_null(strstr(s->why, "GCC >= 10.1"));      /* armsve's arm_sve.h is the most */
	for (size_t i = 0; i < nitems(ids); i++) {
		s = need(plan, ids[i]);
		assert_true(str_startswith(step_env_get(s, "PATH"),
		    "/opt/rh/gcc-toolset-12/root/usr/bin:"));
		assert_string_equal(step_env_get(s, "CC"), "/opt/rh/gcc-toolset-12/root/usr/bin/gcc");
		assert_non_null(step_env_get(s, "FC"));
	}
	assert_true(argv_has(need(plan, "blis-configure")->u.run.argv, "armsve"));
	assert_true(argv_has(need(plan, "openblas-build")->u.run.argv,
	    "FC=/opt/rh/gcc-toolset-12/root/usr/bin/gfortran"));
	assert_true(argv_has(need(plan, "pip-numpy")->u.run.argv, "numpy"));
	assert_non_null(strstr(need(plan, "pip-numpy")->why, "NumPy 2.3.0 release notes"));
	assert_null(step_env_get(need(plan, "venv"), "PATH"));
	plan_free(plan);

	f = mkfacts("debian", "12", FAMILY_DEBIAN, PM_APT, "aarch64", 4, 4096);
	f.system_python = (char *)"3.11.2";
	plan = toolchain_plan(&f, "system", NULL, &cause);
	assert_non_null(plan);
	assert_null(plan_find(plan, "toolchain"));
	assert_null(step_env_get(need(plan, "pip-numpy"), "PATH"));
	assert_non_null(strstr(need(plan, "pip-numpy")->why, "Debian 12's GCC 12.2 builds it"));
	plan_free(plan);
}

/* EL8 8.2 has no gcc-toolset that new (gcc-toolset-10 comes with 8.3): a Python 3.11 found on
 * the machine gets NumPy and SciPy pinned to what GCC 8.3 builds; Python 3.13 has no such SciPy
 * and is refused with the missing piece; BLIS's armsve falls back to the guide's cortexa57. */
static void
test_toolchain_pins(void **state)
{
	struct facts f = mkfacts("rhel", "8.2", FAMILY_RHEL, PM_DNF, "aarch64", 4, 4096);
	struct python_install py = { (char *)"/usr/local/bin/python3.11", (char *)"3.11.4", 0 };
	char *cause = NULL;
	struct plan *plan;

	(void)state;
	setup_clock();
	f.pythons = &py;
	f.npythons = 1;
	plan = toolchain_plan(&f, "3.11", NULL, &cause);
	assert_non_null(plan);
	assert_null(plan_find(plan, "toolchain"));
	assert_true(argv_has(need(plan, "pip-numpy")->u.run.argv, "numpy<1.26"));     /* 1.25.2 */
	assert_true(argv_has(need(plan, "pip-scipy")->u.run.argv, "scipy<1.14"));
	assert_non_null(strstr(need(plan, "pip-scipy")->why, "pinned scipy<1.14: SciPy >=1.16 needs "
	    "GCC >= 9.1"));
	plan_free(plan);

	py.path = (char *)"/usr/local/bin/python3.13";
	py.version = (char *)"3.13.1";
	assert_null(toolchain_plan(&f, "3.13", NULL, &cause));
	assert_non_null(strstr(cause, "GCC >= 10.3"));
	assert_non_null(strstr(cause, "this plan's Python is 3.13"));
	free(cause);
	cause = NULL;

	f.npythons = 0;                                     /* python38 from AppStream */
	plan = toolchain_plan(&f, "3.8", "armsve", &cause);
	assert_non_null(plan);
	assert_true(argv_has(need(plan, "blis-configure")->u.run.argv, "cortexa57"));
	assert_true(warned(plan, "arm_sve.h"));
	assert_true(argv_has(need(plan, "pip-numpy")->u.run.argv, "numpy"));
	plan_free(plan);
}

/* The target's distro-info-data wins when its day is later: Debian 11's LTS ends 2026-08-31 in
 * armpy's table, so on 2026-11-25 it is past its end; a target whose debian.csv says
 * 2026-12-31 is within it, its python3 maintained, and the plan says where that came from. One
 * day earlier than the table's changes nothing. */
static void
test_distro_info_later(void **state)
{
	struct facts f = mkfacts("debian", "11", FAMILY_DEBIAN, PM_APT, "aarch64", 4, 4096);
	struct profile *p = mkprofile(SOURCE_SYSTEM, BLAS_OPENBLAS, THREADING_OPENMP);
	char *cause = NULL;
	struct plan *plan;

	(void)state;
	setup_clock();
	f.system_python = (char *)"3.9.2";
	f.distro_info.end = (char *)"2026-12-31";
	plan = plan_make(&f, p, &cause);
	if (plan == NULL)
		fail_msg("%s", cause);
	assert_true(noted(plan, "distro-info-data"));
	assert_true(noted(plan, "2026-12-31"));
	assert_false(warned(plan, "reached its end of life"));
	assert_true(noted(plan, "maintains python3.9 until 2026-12-31"));
	plan_free(plan);
	f.distro_info.end = (char *)"2026-08-30";
	p->allow_eol = 1;
	plan = plan_make(&f, p, &cause);
	assert_non_null(plan);
	assert_false(noted(plan, "distro-info-data"));
	assert_true(warned(plan, "Debian 11 reached its end of life on 2026-08-31"));
	plan_free(plan);
	profile_free(p);
}

/* An A64FX OpenBLAS from source (build: source, library openblas) with the GCC of ver. */
static struct plan *
a64fx_plan(const char *id, const char *ver, enum distro_family fam, enum pkg_manager pm)
{
	struct facts f = mkfacts(id, ver, fam, pm, "aarch64", 48, 65536);
	struct profile *p = mkprofile(SOURCE_SYSTEM, BLAS_OPENBLAS, THREADING_OPENMP);
	char *cause = NULL;
	struct plan *plan;

	f.cpu.name = (char *)"A64FX";
	f.cpu.openblas_target = (char *)"A64FX";
	f.cpu.blis_config = (char *)"a64fx";
	f.system_python = (char *)"3.11.2";
	p->blas.build = BUILD_SOURCE;
	p->allow_eol = 1;
	plan = plan_make(&f, p, &cause);
	if (plan == NULL)
		fail_msg("%s %s: %s", id, ver, cause);
	profile_free(p);
	return plan;
}

/* OpenBLAS 0.3.21 builds TARGET=A64FX's SVE kernels only with GCC >= 11 (Makefile.arm64): GCC
 * 10.2 (Debian 11, one below) gets the non-SVE ARMV8 with the reason, GCC 11.2 (Ubuntu 22.04,
 * equal major) and 12.2 (Debian 12, above) keep A64FX, and RHEL 8.8 (GCC 8.5) gets a
 * gcc-toolset (12, GCC 12.1) for it, its steps citing Makefile.arm64. */
static void
test_a64fx_gcc(void **state)
{
	struct plan *plan;

	(void)state;
	plan = a64fx_plan("debian", "11", FAMILY_DEBIAN, PM_APT);
	assert_true(argv_has(need(plan, "openblas-build")->u.run.argv, "TARGET=ARMV8"));
	assert_true(warned(plan, "TARGET=A64FX needs GCC >= 11"));
	assert_true(warned(plan, "Makefile.arm64"));
	assert_null(plan_find(plan, "toolchain"));
	plan_free(plan);
	plan = a64fx_plan("ubuntu", "22.04", FAMILY_DEBIAN, PM_APT);
	assert_true(argv_has(need(plan, "openblas-build")->u.run.argv, "TARGET=A64FX"));
	assert_false(warned(plan, "needs GCC >= 11"));
	plan_free(plan);
	plan = a64fx_plan("debian", "12", FAMILY_DEBIAN, PM_APT);
	assert_true(argv_has(need(plan, "openblas-build")->u.run.argv, "TARGET=A64FX"));
	plan_free(plan);
	plan = a64fx_plan("rhel", "8.8", FAMILY_RHEL, PM_DNF);
	assert_true(argv_has(need(plan, "toolchain")->u.run.argv, "gcc-toolset-12"));
	assert_non_null(strstr(need(plan, "toolchain")->why, "TARGET=A64FX needs GCC >= 11"));
	assert_true(argv_has(need(plan, "openblas-build")->u.run.argv, "TARGET=A64FX"));
	plan_free(plan);
}

/* The toolset table's boundary: gcc-toolset-11 (GCC 11.2) comes with EL 8.5. An A64FX OpenBLAS
 * needing GCC >= 11 on EL 8.4 (one below: only gcc-toolset-10) builds ARMV8; 8.5 (equal) and
 * 8.6 (above) get gcc-toolset-11 and TARGET=A64FX. */
static void
test_toolset_boundary(void **state)
{
	static const struct {
		const char *ver, *toolset, *target;
	} t[] = {
		{ "8.4", NULL, "TARGET=ARMV8" },
		{ "8.5", "gcc-toolset-11", "TARGET=A64FX" },
		{ "8.6", "gcc-toolset-11", "TARGET=A64FX" },
	};
	(void)state;
	for (size_t i = 0; i < nitems(t); i++) {
		struct plan *plan = a64fx_plan("rocky", t[i].ver, FAMILY_RHEL, PM_DNF);
		const struct step *s = plan_find(plan, "toolchain");

		if (t[i].toolset == NULL)
			assert_null(s);
		else if (s == NULL || !argv_has(s->u.run.argv, t[i].toolset))
			fail_msg("EL %s: no %s step", t[i].ver, t[i].toolset);
		if (!argv_has(need(plan, "openblas-build")->u.run.argv, t[i].target))
			fail_msg("EL %s: not %s", t[i].ver, t[i].target);
		plan_free(plan);
	}
}

/* The build-need and distro-GCC tables at their edges: a Python equal to a line's lowest or
 * highest, one below and above; a GCC equal to a line's need, one below; a VERSION_ID equal to
 * a row's, between rows and below the first. */
static void
test_table_edges(void **state)
{
	struct facts f = mkfacts("rhel", "8.3", FAMILY_RHEL, PM_DNF, "aarch64", 4, 4096);
	(void)state;

	assert_string_equal(toolchain_pick("numpy", "3.9", NULL)->from, "1.26");   /* py_min */
	assert_string_equal(toolchain_pick("numpy", "3.8", NULL)->from, "1.22");   /* below */
	assert_string_equal(toolchain_pick("numpy", "3.13", "8.5")->from, "2.1");  /* py_max */
	assert_null(toolchain_pick("numpy", "3.14", "8.5"));                      /* above */
	assert_string_equal(toolchain_pick("numpy", "3.15", NULL)->from, "2.5");   /* open */
	assert_string_equal(toolchain_pick("numpy", "3.11", "9.3")->from, "2.3");  /* equal GCC */
	assert_string_equal(toolchain_pick("numpy", "3.11", "9.2")->from, "2.1");  /* one below */
	assert_string_equal(toolchain_pick("numpy", "3.12", "10.3")->from, "2.5");
	assert_string_equal(toolchain_pick("numpy", "3.12", "10.2")->from, "2.3");
	assert_string_equal(toolchain_distro_gcc(&f), "8.3");                     /* 8.2's row */
	f.distro_version = (char *)"8.4";
	assert_string_equal(toolchain_distro_gcc(&f), "8.4");
	f.distro_version = (char *)"8.5";
	assert_string_equal(toolchain_distro_gcc(&f), "8.5");
	f.distro_version = (char *)"8.10";
	assert_string_equal(toolchain_distro_gcc(&f), "8.5");
	f = mkfacts("alpine", "3.20.3", FAMILY_ALPINE, PM_APK, "aarch64", 4, 4096);
	assert_string_equal(toolchain_distro_gcc(&f), "13.2");
	f.distro_version = (char *)"3.21.0";
	assert_string_equal(toolchain_distro_gcc(&f), "14.2");
	f.distro_version = (char *)"3.17.1";
	assert_null(toolchain_distro_gcc(&f));
}

/* A GCC exactly as new as the build needs builds it (>=, not >): EL 8.4's GCC 8.4 and NumPy
 * 2.1/2.2's "GCC >= 8.4" (Python 3.9, python39 from AppStream) need no gcc-toolset; one below
 * (EL 8.2, GCC 8.3) pins NumPy; one above (8.5) builds it too. */
static void
test_gcc_equal(void **state)
{
	const char *vers[] = { "8.2", "8.4", "8.5" };
	struct python_install py = { (char *)"/usr/bin/python3.9", (char *)"3.9.16", 0 };
	char *cause = NULL;

	(void)state;
	for (size_t i = 0; i < nitems(vers); i++) {
		struct facts f = mkfacts("almalinux", vers[i], FAMILY_RHEL, PM_DNF, "aarch64", 4,
		    65536);
		struct profile *p = mkprofile(SOURCE_PIP, BLAS_BLIS, THREADING_OPENMP);
		struct plan *plan;

		f.pythons = &py;
		f.npythons = 1;
		setpy(p, "3.9");
		p->scipy = 0;
		p->allow_eol = 1;
		plan = plan_make(&f, p, &cause);
		if (plan == NULL)
			fail_msg("%s: %s", vers[i], cause);
		assert_null(plan_find(plan, "toolchain"));
		if (i == 0)
			assert_true(argv_has(need(plan, "pip-numpy")->u.run.argv, "numpy<1.26"));
		else {
			assert_true(argv_has(need(plan, "pip-numpy")->u.run.argv, "numpy"));
			assert_non_null(strstr(need(plan, "pip-numpy")->why, "GCC 8."));
			assert_non_null(strstr(need(plan, "pip-numpy")->why, "builds it"));
		}
		plan_free(plan);
		profile_free(p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_system_blis),
		cmocka_unit_test(test_threading_variants),
		cmocka_unit_test(test_eol),
		cmocka_unit_test(test_rhel8_source),
		cmocka_unit_test(test_pip_routes),
		cmocka_unit_test(test_conda),
		cmocka_unit_test(test_conda_nvpl),
		cmocka_unit_test(test_el_flexiblas),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_extras),
		cmocka_unit_test(test_appstream),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_yaml_roundtrip),
		cmocka_unit_test(test_yaml_strict),
		cmocka_unit_test(test_all_combinations),
		cmocka_unit_test(test_toolchain_table),
		cmocka_unit_test(test_toolchain_toolset),
		cmocka_unit_test(test_toolchain_pins),
		cmocka_unit_test(test_distro_info_later),
		cmocka_unit_test(test_a64fx_gcc),
		cmocka_unit_test(test_gcc_equal),
		cmocka_unit_test(test_toolset_boundary),
		cmocka_unit_test(test_table_edges),
	};

	setup_clock();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

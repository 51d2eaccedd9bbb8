/* plan-venv.c — the venv and pip steps the pip and source routes share: prerequisites, PEP 668's venv, a build against the chosen BLAS, extras. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "plan-int.h"

const char *
plan_venv_dir(const struct pctx *c)
{
	return c->p->pip.venv != NULL ? c->p->pip.venv : "~/.venvs/armpy";
}

/* The guide's "Prerequisites for installing Python packages from source", per family. */
int
plan_venv_prereqs(struct pctx *c, char **extra, const char *why_extra)
{
	enum distro_family fam = c->f->family;
	char **argv = strv_new(), **pkgs = strv_new(), **check = strv_new();
	const char *pm = pc_pm(c);
	struct buf why;
	struct step *s;
	static const char *deb[] = { "build-essential", "python3-pip", "python3-dev",
	    "python3-venv", "libblas-dev", "gfortran", "liblapack-dev", NULL };
	static const char *rhel[] = { "@Development tools", "python3-pip", "python3-devel",
	    "blas-devel", "gcc-gfortran", "lapack-devel", NULL };
	static const char *suse[] = { "python3-pip", "python3-devel", "gcc", "gcc-c++",
	    "gcc-fortran", "make", "blas-devel", "lapack-devel", NULL };

	buf_init(&why);
	if (fam == FAMILY_DEBIAN) {
		pc_apt_update(c);
		pkgs = strv_append_new(pkgs, (char *const *)deb);
		buf_puts(&why, GUIDE_NAME ": 'sudo apt-get install build-essential python3-pip "
		    "python3-dev libblas-dev gfortran liblapack-dev' plus python3-venv for the "
		    "venv (PEP 668)");
		argv = strv_pushl(argv, "apt-get", "install", "-y", "--no-install-recommends", NULL);
	} else if (fam == FAMILY_RHEL) {
		pkgs = strv_append_new(pkgs, (char *const *)rhel);
		buf_printf(&why, GUIDE_NAME ": 'sudo yum install \"@Development tools\" "
		    "python3-pip python3-devel blas-devel gcc-gfortran lapack-devel' (with %s)",
		    pm);
		argv = strv_pushl(argv, pm, "install", "-y", NULL);
	} else if (fam == FAMILY_SUSE) {
		pkgs = strv_append_new(pkgs, (char *const *)suse);
		buf_puts(&why, "the build prerequisites of " GUIDE_NAME " (compilers, "
		    "python3-devel, BLAS and LAPACK headers) under their openSUSE/SLES names");
		argv = strv_pushl(argv, "zypper", "--non-interactive", "install", NULL);
	} else {
		strv_free(argv);
		strv_free(pkgs);
		strv_free(check);
		buf_free(&why);
		return pc_unsupported(c, "building Python packages on %s is not planned; use "
		    "source: system", c->plan->target);
	}
	if (c->py_pkgs != NULL) {
		pkgs = strv_append_new(pkgs, c->py_pkgs);
		buf_printf(&why, "; %s", c->pywhy);
	}
	pkgs = strv_append_new(pkgs, extra);
	if (why_extra != NULL)
		buf_printf(&why, "; %s", why_extra);
	for (size_t i = 0; pkgs[i] != NULL; i++) {
		argv = strv_push(argv, pkgs[i]);
		if (pkgs[i][0] != '@')
			check = strv_push(check, pkgs[i]);
	}
	if (fam == FAMILY_DEBIAN)
		argv = pc_apt_opts(c, argv);        /* from a bundle: its archive */
	s = pc_runv(c, "prereqs", "Install the build prerequisites", why.data, 1, 240, argv);
	buf_free(&why);
	if (fam == FAMILY_DEBIAN) {
		step_env(s, "DEBIAN_FRONTEND=noninteractive");
		step_check_dpkg(s, check);
	} else {
		/* the group itself has no rpm name: gcc and make stand for it */
		if (fam == FAMILY_RHEL) {
			check = strv_pushl(check, "gcc", "make", NULL);
		}
		step_check_rpm(s, check);
	}
	strv_free(pkgs);
	strv_free(check);
	return 0;
}

char **
plan_venv_pip_argv(const struct pctx *c)
{
	char **argv = strv_new();

	argv = strv_pushl(argv, c->pyuser, "-m", "pip", "install", NULL);
	if (c->bundle != NULL) {        /* the bundle's wheels and sdists only (bundle.h) */
		argv = strv_pushl(argv, "--no-index", "--find-links", NULL);
		return strv_pushf(argv, "%s/" BUNDLE_PIP_DIR, c->bundle);
	}
	if (c->p->pip.index_url != NULL)
		argv = strv_pushl(argv, "--index-url", c->p->pip.index_url, NULL);
	return argv;
}

/* The last NumPy and SciPy releases for the Pythons whose last ones are below the guide's
 * floors (NumPy 1.20 and SciPy 1.6 need Python 3.7, per their release notes). */
static const struct {
	const char *python, *numpy, *scipy;
} pip_last[] = {
	{ "3.6", "1.19.5", "1.5.4" },
};

static void
pip_floors(struct pctx *c)
{
	char *what;

	for (size_t i = 0; c->pyver != NULL && i < nitems(pip_last); i++) {
		if (strcmp(c->pyver, pip_last[i].python) != 0)
			continue;
		what = xasprintf("pip on Python %s gets at most NumPy %s and SciPy %s (the last "
		    "releases for it on PyPI)", c->pyver, pip_last[i].numpy, pip_last[i].scipy);
		pc_floor_warn(c, what, pip_last[i].numpy, pip_last[i].scipy, NULL, "choose a newer "
		    "python the distro packages (python3.11 in RHEL 8.8's AppStream), or source: "
		    "conda");
		free(what);
	}
}

/* Whether a NumPy/SciPy build with -Csetup-args follows (BLIS, or build: source), on a
 * Python that pip 23.1 supports (3.7 on; 3.6 gets NumPy 1.19's distutils build). */
static int
pip_builds_with_settings(const struct pctx *c)
{
	for (size_t i = 0; c->pyver != NULL && i < nitems(pip_last); i++) {
		if (strcmp(c->pyver, pip_last[i].python) == 0)
			return 0;
	}
	return c->p->blas.build == BUILD_SOURCE || strcmp(c->lib, "blis") == 0;
}

void
plan_venv(struct pctx *c)
{
	const char *venv = plan_venv_dir(c);
	char *py = xasprintf("%s/bin/python", venv), *why, **argv;
	struct step *s;
	const char *ver = c->pyver != NULL ? c->pyver : "unknown";
	int settings;

	why = xasprintf("PEP 668: pip into the system Python is refused on Debian 12 / Ubuntu "
	    "24.04 (EXTERNALLY-MANAGED), so armpy never runs pip on the system Python and never "
	    "uses --user as " GUIDE_NAME " does; the venv uses %s (Python %s: %s)", c->interp, ver,
	    c->pywhy);
	argv = strv_pushl(strv_new(), c->interp, "-m", "venv", venv, NULL);
	pip_floors(c);
	c->wheels = 1;
	s = pc_runv(c, "venv", "Create the virtual environment", why, 0, 10, argv);
	free(why);
	step_check_file(s, py, NULL);

	free(c->pyuser);
	c->pyuser = py;
	settings = pip_builds_with_settings(c);
	argv = strv_pushl(plan_venv_pip_argv(c), "--upgrade", settings ? "pip>=23.1" : "pip",
	    NULL);
	why = xasprintf(GUIDE_NAME ": 'python3 -m pip install --user --upgrade pip' -- inside the "
	    "venv, where --user does not apply (PEP 668)%s", settings ? "; at least pip 23.1, "
	    "the first to accept -C and to pass every repeated -Csetup-args to the build "
	    "(pip 23.0, Debian 12's, keeps only the last)" : "");
	pc_runv(c, "pip-upgrade", "Upgrade pip in the venv", why, 0, 30, argv);
	free(why);
	plan_note(c->plan, "activate the environment with: . %s/bin/activate", venv);
}

/* A check that passes when the module was built against `lib` (NumPy >= 1.26 / SciPy meson). */
static void
check_built_with(struct step *s, const char *python, const char *module, const char *lib)
{
	char *code = xasprintf("import sys, %s; d = %s.show_config(mode='dicts'); "
	    "sys.exit(0 if d['Build Dependencies']['blas']['name'] == '%s' else 1)", module,
	    module, lib);
	const char *argv[] = { python, "-c", code, NULL };

	step_check_command(s, argv);
	free(code);
}

/* NumPy (and SciPy) from source against the chosen BLAS with OpenBLAS's LAPACK. */
void
plan_venv_blas_build(struct pctx *c, const char *pkgconfig_path)
{
	static const char *mods[] = { "numpy", "scipy" };
	const char *spec[] = { c->numpy_spec, c->scipy_spec };
	struct step *s;
	char **argv, *why, *cc;

	for (int i = 0; i < 2; i++) {
		if (i == 1 && !c->p->scipy)
			break;
		argv = plan_venv_pip_argv(c);
		argv = strv_pushl(argv, "--no-binary", mods[i], "--force-reinstall", "--no-deps",
		    spec[i] != NULL ? spec[i] : mods[i], NULL);
		argv = strv_pushf(argv, "-Csetup-args=-Dblas=%s", c->lib);
		argv = strv_push(argv, "-Csetup-args=-Dlapack=openblas");
		if (i == 0)
			argv = strv_push(argv, "-Csetup-args=-Dallow-noblas=false");
		cc = toolchain_why(c, mods[i]);
		if (strcmp(c->lib, "blis") == 0)
			why = xasprintf(GUIDE_NAME ": 'When NumPy and SciPy detect the presence of "
			    "the BLIS library at build time, they will use BLIS' -- wheels bundle "
			    "their own OpenBLAS, so %s is built from source; current (meson) "
			    "builds take -Dblas=blis -Dlapack=openblas%s (" GUIDE_NAME ": "
			    "'OpenBLAS or LAPACK libraries need to be installed along BLIS to "
			    "provide LAPACK functionality'); older (distutils) builds read "
			    "NPY_BLAS_ORDER/NPY_LAPACK_ORDER, set too%s", mods[i], i == 0 ? " "
			    "-Dallow-noblas=false" : "", cc);
		else
			why = xasprintf("build: source -- %s is built against the OpenBLAS built "
			    "above (meson -Dblas=openblas -Dlapack=openblas%s; NPY_BLAS_ORDER/"
			    "NPY_LAPACK_ORDER for older distutils builds), not the wheel's bundled "
			    "copy%s", mods[i], i == 0 ? " -Dallow-noblas=false" : "", cc);
		free(cc);
		s = pc_runv(c, i == 0 ? "pip-numpy" : "pip-scipy", i == 0 ?
		    "Build and install NumPy from source against the BLAS" :
		    "Build and install SciPy from source against the BLAS", why, 0,
		    i == 0 ? 900 : 1800, argv);
		free(why);
		pc_toolchain_env(c, s);
		step_env(s, "NPY_BLAS_ORDER=%s", c->lib);
		step_env(s, "NPY_LAPACK_ORDER=openblas");
		if (pkgconfig_path != NULL)
			step_env(s, "PKG_CONFIG_PATH=%s", pkgconfig_path);
		check_built_with(s, c->pyuser, mods[i], c->lib);
	}
	plan_warn(c->plan, "NumPy%s built from source against %s: expect about 20 minutes or more ("
	    GUIDE_NAME ": large source builds 'may take up to 20 minutes')", c->p->scipy ? " and "
	    "SciPy are" : " is", c->lib);
}

/* The venv's BLAS settings script, and the note to source it. */
void
plan_venv_env_script(struct pctx *c)
{
	char *path = xasprintf("%s/bin/armpy-blas.sh", plan_venv_dir(c));

	pc_env_script(c, path, 0, GUIDE_NAME ": 'OMP_NUM_THREADS can be set to specify the maximum "
	    "number of threads' and 'set the environment variable BLIS_NUM_THREADS'; kept in the "
	    "venv, next to activate");
	if (c->env_script != NULL)
		plan_note(c->plan, "after activating, load the BLAS settings with: . %s", path);
	free(path);
}

/* The pip step for the extras, in the venv. */
int
plan_venv_extras(struct pctx *c)
{
	char **names = NULL, **pre = NULL, **argv;
	struct buf why;
	struct step *s;
	char *mods;

	if (extras_pip(c, &names, &pre) != 0)
		return -1;
	strv_free(pre);
	if (names == NULL)
		return 0;
	argv = strv_append(plan_venv_pip_argv(c), names);
	buf_init(&why);
	buf_puts(&why, "the extras chosen in the profile, into the venv (PEP 668)");
	if (c->p->extras & EXTRA_PILLOW)
		buf_puts(&why, "; " GUIDE_NAME ": 'Pillow 8.x or later have a binary wheel for all "
		    "Arm64 platforms, included OSes with 64kB pages'");
	if (c->p->extras & EXTRA_PANDAS)
		buf_puts(&why, "; " GUIDE_NAME ": pandas source builds 'may take up to 20 minutes'");
	if (c->p->extras & EXTRA_PYTORCH)
		buf_puts(&why, "; " GUIDE_NAME ": 'pip install --pre torch torchvision -f "
		    "https://download.pytorch.org/whl/nightly/cpu/torch_nightly.html' -- that "
		    "nightly index is historic; current aarch64 torch and torchvision wheels are on "
		    "PyPI");
	if (c->p->extras & EXTRA_SENTENCEPIECE)
		buf_puts(&why, "; " GUIDE_NAME ": sentencepiece is built with cmake and needs "
		    "libtcmalloc_minimal preloaded -- PyPI now has aarch64 wheels");
	s = pc_runv(c, "pip-extras", "Install the extras with pip", why.data, 0,
	    (c->p->extras & EXTRA_PANDAS) ? 1200 : 300, argv);
	buf_free(&why);
	mods = strv_join(names, ", ");
	/* import names differ from distribution names */
	{
		char **imp = NULL;

		for (size_t i = 0; names[i] != NULL; i++)
			imp = strv_push(imp, strcmp(names[i], "pillow") == 0 ? "PIL" : names[i]);
		free(mods);
		mods = strv_join(imp, ", ");
		strv_free(imp);
	}
	step_check_import(s, c->pyuser, mods);
	free(mods);
	strv_free(names);
	return 0;
}

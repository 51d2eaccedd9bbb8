/* plan-rhel.c — RHEL family system route: the distro's python3-numpy/python3-scipy, on FlexiBLAS's OpenBLAS backend from EL9 and Fedora 33. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "plan-int.h"

#define FLEXIBLASRC "/etc/flexiblasrc"

/* What the FlexiBLAS part of the plan rests on (docs/facts.md). */
static const struct blas_fact rhel_facts[] = {
	{ "the BLAS EL9's and Fedora's python3-numpy link",
	    "FlexiBLAS (libflexiblas.so.3) from Fedora 33 and EL9; OpenBLAS before",
	    "Fedora's numpy.spec (src.fedoraproject.org/rpms/numpy): 'blaslib flexiblas' when "
	    "fedora >= 33 or rhel >= 9, -Dblas=flexiblas; Fedora's change 'FlexiBLAS as "
	    "BLAS/LAPACK manager' (fedoraproject.org/wiki/Changes/FlexiBLAS_as_BLAS/"
	    "LAPACK_manager, Fedora 33)", "2026-12-06" },
	{ "FlexiBLAS's OpenBLAS backends in EL9",
	    "flexiblas-openblas-openmp (flexiblas 3.0.4-8.el9, AppStream; the default backend, "
	    "which flexiblas-netlib pulls in); no public listing of an EL9 -serial or -threads "
	    "package in BaseOS/AppStream was found, so armpy plans the openmp one only",
	    "Rocky Linux 9 and AlmaLinux 9 AppStream (dnf transcripts, x86_64: flexiblas, "
	    "flexiblas-netlib, flexiblas-openblas-openmp 3.0.4-8.el9); NWChem's Fedora spec: "
	    "openblas-serial "
	    "'unavailable on centos stream' (Red Hat bug 2182460)", "2026-12-06" },
	{ "FlexiBLAS's OpenBLAS backends in EL10 and Fedora",
	    "flexiblas-openblas-openmp, -serial and -threads",
	    "AlmaLinux 10.0 AppStream (flexiblas 3.4.2-3.el10 subpackages); Fedora's "
	    "flexiblas.spec (src.fedoraproject.org/rpms/flexiblas)", "2026-12-06" },
	{ "FlexiBLAS's BLIS backends in EL",
	    "none: flexiblas-blis-* are built only where rhel is undefined (Fedora)",
	    "Fedora's flexiblas.spec: '%bcond blis %[%{undefined rhel} && %{undefined "
	    "flatpak}]'", "2026-12-06" },
	{ "FlexiBLAS's default backend setting",
	    "'default = NAME' in the first section of /etc/flexiblasrc, read first; a later "
	    "file (~/.flexiblasrc, its per-host copy, FLEXIBLAS_CONFIG) or the FLEXIBLAS "
	    "variable overrides it",
	    "FlexiBLAS's README (configuration files) and flexiblas(1) 3.0.4 (Configuration "
	    "Priority), github.com/mpimd-csc/flexiblas; Fedora's flexiblas.spec writes "
	    "'default = openblas-openmp' there", "2026-12-06" },
};

const struct blas_fact *
plan_rhel_facts(int *n)
{
	*n = (int)nitems(rhel_facts);
	return rhel_facts;
}

/* Fedora from 33 and EL from 9 (not Amazon Linux) build python3-numpy on FlexiBLAS. */
static int
rhel_flexiblas(const struct facts *f)
{
	const char *id = f->distro_id != NULL ? f->distro_id : "";

	if (strcmp(id, "fedora") == 0)
		return distro_major(f) >= 33;
	return strcmp(id, "amzn") != 0 && distro_major(f) >= 9;
}

/*
 * The FlexiBLAS backend of the chosen threading: "openblas-openmp" and its package; EL9 has
 * only that one (rhel_facts), so serial runs it with one thread and pthreads is refused.
 * NULL with the refusal set.
 */
static const char *
rhel_backend(struct pctx *c)
{
	int el9 = strcmp(c->f->distro_id, "fedora") != 0 && distro_major(c->f) == 9;

	switch (c->p->blas.threading) {
	case THREADING_OPENMP:
		return "openblas-openmp";
	case THREADING_SERIAL:
		if (!el9)
			return "openblas-serial";
		plan_note(c->plan, "threading: serial -- EL9's AppStream ships FlexiBLAS's OpenBLAS "
		    "backend as flexiblas-openblas-openmp (armpy knows no EL9 -serial package); it "
		    "runs with one thread (the thread variables are set to 1)");
		return "openblas-openmp";
	case THREADING_PTHREADS:
		if (!el9)
			return "openblas-threads";
		break;
	}
	pc_refuse(c, "threading: pthreads with source: system on EL9 -- EL9's AppStream ships "
	    "FlexiBLAS's OpenBLAS backend as flexiblas-openblas-openmp (armpy knows no EL9 "
	    "-threads package); use threading: openmp or serial, or source: pip");
	return NULL;
}

/* Selects the backend with FlexiBLAS's own system-wide setting, then checks it is there. */
static void
rhel_flexiblas_default(struct pctx *c, const char *backend)
{
	struct step *s;
	char *re = xasprintf("^default[[:space:]]*=[[:space:]]*%s[[:space:]]*$", backend);
	const char *argv[] = { "grep", "-qiE", re, FLEXIBLASRC, NULL };

	s = plan_add(c->plan, "flexiblas-default", "Select the BLAS backend (FlexiBLAS)",
	    "EL9's and Fedora's NumPy calls BLAS through FlexiBLAS (Fedora's change 'FlexiBLAS "
	    "as BLAS/LAPACK manager'); FlexiBLAS's README: the first section of /etc/flexiblasrc "
	    "holds 'default = NAME', the system-wide default backend");
	s->kind = ACTION_WRITE;
	s->privileged = 1;
	s->est_seconds = 1;
	s->u.write.path = xstrdup(FLEXIBLASRC);
	s->u.write.mode = 0644;
	s->u.write.content = xasprintf("default = %s\n", backend);
	step_check_command(s, argv);
	free(re);
	/* validation holds FlexiBLAS's backend to the threading chosen (EL9's serial: none) */
	if (strcmp(backend, "openblas-threads") == 0)
		c->check_thr = "pthreads";
	else if (strcmp(backend, "openblas-openmp") == 0)
		c->check_thr = c->p->blas.threading == THREADING_OPENMP ? "openmp" : NULL;
	else
		c->check_thr = "serial";
	plan_note(c->plan, "FlexiBLAS backend: %s, set in " FLEXIBLASRC "; a user's "
	    "~/.flexiblasrc or the FLEXIBLAS variable overrides it (flexiblas(1)); 'flexiblas "
	    "list' shows the backends", backend);
}

static int
rhel_packages(struct pctx *c, const char *backend, char **extra)
{
	char **argv, **pkgs, *why;
	int rc;

	pkgs = strv_new();
	pkgs = strv_push(pkgs, "python3-numpy");
	if (c->p->scipy)
		pkgs = strv_push(pkgs, "python3-scipy");
	if (backend != NULL)
		pkgs = strv_pushf(pkgs, "flexiblas-%s", backend);
	else
		pkgs = strv_push(pkgs, "openblas");
	pkgs = strv_append(pkgs, extra);
	argv = strv_pushl(strv_new(), pc_pm(c), "install", "-y", NULL);
	why = xasprintf(GUIDE_NAME ": '`numpy` no longer publishes Python 3.6 wheels, but can be "
	    "installed from the package manager: `yum install python3-numpy`' (with %s, for the "
	    "distro's python3 %s)", pc_pm(c), c->pyver != NULL ? c->pyver : "");
	rc = plan_system_packages(c, argv, pkgs, why);
	free(why);
	strv_free(pkgs);
	return rc;
}

int
plan_rhel(struct pctx *c)
{
	char **extra = NULL;
	const char *backend = NULL;
	int rc;

	/* BLIS (or build: source) took the source route before we get here. */
	if (pc_resolve_python(c, 0) != 0)
		return -1;
	if (rhel_flexiblas(c->f) && (backend = rhel_backend(c)) == NULL)
		return -1;
	if (extras_system(c, &extra) != 0)
		return -1;
	if (distro_major(c->f) == 8 && strcmp(c->f->distro_id, "amzn") != 0)
		pc_floor_warn(c, "EL8's python3-numpy 1.14 and python3-scipy 1.0", "1.14", "1.0",
		    NULL, "source: pip gives current wheels (on python3.11 from AppStream, "
		    "8.8 or later)");
	else if (distro_major(c->f) == 9 && strcmp(c->f->distro_id, "amzn") != 0)
		pc_floor_warn(c, "EL9's python3-numpy 1.20", "1.20", NULL, NULL, "source: pip "
		    "gives current wheels");
	rc = rhel_packages(c, backend, extra);
	strv_free(extra);
	if (rc == 0 && backend != NULL)
		rhel_flexiblas_default(c, backend);
	else if (rc == 0 && c->p->blas.threading != THREADING_PTHREADS)
		plan_note(c->plan, "the distro's NumPy uses the distro's OpenBLAS build; the "
		    "threading choice (%s) is applied through the thread variables only", c->thr);
	return rc;
}

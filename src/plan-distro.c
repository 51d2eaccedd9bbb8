/* plan-distro.c — the distro-package helpers several routes share: Debian's BLAS packages and releases, one package transaction, OpenBLAS-only distros. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "plan-int.h"

/* BLIS runtime package soname per release (libblis3 in bullseye/focal/jammy, libblis4 from
 * bookworm/noble); 0 when the release predates libopenblas0-<threading>/libblis packages. */
int
plan_blis_soname(const struct facts *f)
{
	const char *id = f->distro_id != NULL ? f->distro_id : "";
	int major = distro_major(f);

	if (strcmp(id, "debian") == 0)
		return major >= 12 ? 4 : major == 11 ? 3 : 0;
	if (strcmp(id, "ubuntu") == 0)
		return major >= 24 ? 4 : major >= 20 ? 3 : 0;
	return 4;       /* derivatives: assume a current release */
}

/* The packages of the chosen BLAS (and the OpenBLAS that provides LAPACK for BLIS). */
char **
plan_debian_blas_packages(struct pctx *c, int dev)
{
	char **v = strv_new();

	/* the -dev names of the threading variant: libblis-dev/libopenblas-dev would let apt pick
	 * the pthread variant */
	if (strcmp(c->lib, "blis") == 0) {
		v = strv_pushf(v, "libblis%d-%s", plan_blis_soname(c->f), c->thr);
		if (dev)
			v = strv_pushf(v, "libblis-%s-dev", c->thr);
	}
	v = strv_pushf(v, "libopenblas0-%s", c->thr);
	if (dev)
		v = strv_pushf(v, "libopenblas-%s-dev", c->thr);
	return v;
}

int
plan_debian_release_ok(struct pctx *c)
{
	if (plan_blis_soname(c->f) == 0)
		return pc_unsupported(c, "%s predates Debian's libopenblas0-<threading> and "
		    "libblis packages (Debian 11 / Ubuntu 20.04 or later needed for source: "
		    "system); use source: conda", c->plan->target);
	if (c->triplet == NULL)
		return pc_unsupported(c, "no Debian multiarch triplet for arch %s", c->f->arch);
	return 0;
}

/* One package transaction, the /etc/profile.d thread settings, python3 as the interpreter. */
int
plan_system_packages(struct pctx *c, char **argv, char **pkgs, const char *why)
{
	struct step *s;

	argv = strv_append(argv, pkgs);
	s = pc_runv(c, "pkg-install", "Install NumPy, SciPy and OpenBLAS (distro packages)", why,
	    1, 180, argv);
	if (c->f->family == FAMILY_RHEL || c->f->family == FAMILY_SUSE)
		step_check_rpm(s, pkgs);
	else
		step_check_import(s, "/usr/bin/python3", c->p->scipy ? "numpy, scipy" : "numpy");
	free(c->pyuser);
	c->pyuser = xstrdup("/usr/bin/python3");
	pc_env_script(c, "/etc/profile.d/armpy-blas.sh", 1, GUIDE_NAME ": 'The environment "
	    "variable OMP_NUM_THREADS can be set to specify the maximum number of threads'; login "
	    "shells read /etc/profile.d");
	if (c->env_script != NULL)
		plan_note(c->plan, "log in again (or run '. %s') to get the thread settings",
		    c->env_script);
	return 0;
}

int
plan_openblas_only(struct pctx *c, const char *distro)
{
	if (strcmp(c->lib, "blis") == 0)
		return pc_refuse(c, "BLIS on %s: its NumPy/SciPy packages are built against "
		    "OpenBLAS and it has no update-alternatives BLAS switch; use library: openblas or "
		    "source: conda", distro);
	if (pc_resolve_python(c, 0) != 0)
		return -1;
	return 0;
}

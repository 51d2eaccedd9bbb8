/* plan-suse.c — SUSE (zypper) system route: distro NumPy/SciPy with OpenBLAS only. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "plan-int.h"

int
plan_suse(struct pctx *c)
{
	char **argv, **pkgs, **extra = NULL;
	int rc;

	if (plan_openblas_only(c, "SUSE") != 0 || extras_system(c, &extra) != 0)
		return -1;
	pkgs = strv_new();
	pkgs = strv_push(pkgs, "python3-numpy");
	if (c->p->scipy)
		pkgs = strv_push(pkgs, "python3-scipy");
	pkgs = strv_push(pkgs, "libopenblas_pthreads0");
	for (size_t i = 0; extra != NULL && extra[i] != NULL; i++)
		pkgs = strv_push(pkgs, extra[i]);
	strv_free(extra);
	argv = strv_new();
	argv = strv_push(argv, "zypper");
	argv = strv_push(argv, "--non-interactive");
	argv = strv_push(argv, "install");
	rc = plan_system_packages(c, argv, pkgs, GUIDE_NAME ": distro packages are the easy, tested "
	    "way ('apt install python3-numpy python3-scipy will install NumPy and SciPy with "
	    "BLAS and LAPACK libraries'); SUSE's equivalents, with OpenBLAS");
	strv_free(pkgs);
	return rc;
}

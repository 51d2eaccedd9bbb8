/* plan-rhel.c — RHEL family system route: the distro's python3-numpy/python3-scipy (OpenBLAS). */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "plan-int.h"

int
plan_rhel(struct pctx *c)
{
	char **argv, **pkgs, **extra = NULL, *why;
	int rc;

	/* BLIS (or build: source) took the source route before we get here. */
	if (pc_resolve_python(c, 0) != 0)
		return -1;
	if (extras_system(c, &extra) != 0)
		return -1;
	pkgs = strv_new();
	pkgs = strv_push(pkgs, "python3-numpy");
	if (c->p->scipy)
		pkgs = strv_push(pkgs, "python3-scipy");
	pkgs = strv_push(pkgs, "openblas");
	pkgs = strv_append(pkgs, extra);
	strv_free(extra);
	argv = strv_pushl(strv_new(), pc_pm(c), "install", "-y", NULL);
	why = xasprintf(GUIDE_NAME ": '`numpy` no longer publishes Python 3.6 wheels, but can be "
	    "installed from the package manager: `yum install python3-numpy`' (with %s, for the "
	    "distro's python3 %s)", pc_pm(c), c->pyver != NULL ? c->pyver : "");
	if (distro_major(c->f) == 8 && strcmp(c->f->distro_id, "amzn") != 0)
		pc_floor_warn(c, "EL8's python3-numpy 1.14 and python3-scipy 1.0", "1.14", "1.0",
		    NULL, "source: pip gives current wheels (on python3.11 from AppStream, "
		    "8.8 or later)");
	else if (distro_major(c->f) == 9 && strcmp(c->f->distro_id, "amzn") != 0)
		pc_floor_warn(c, "EL9's python3-numpy 1.20", "1.20", NULL, NULL, "source: pip "
		    "gives current wheels");
	rc = plan_system_packages(c, argv, pkgs, why);
	free(why);
	strv_free(pkgs);
	if (c->p->blas.threading != THREADING_PTHREADS)
		plan_note(c->plan, "the distro's NumPy uses the distro's OpenBLAS build; the "
		    "threading choice (%s) is applied through the thread variables only", c->thr);
	return rc;
}

/* plan-alpine.c — Alpine (apk) system route: distro NumPy/SciPy with OpenBLAS only. */
/* SPDX-License-Identifier: MIT */

#include "plan-int.h"

int
plan_alpine(struct pctx *c)
{
	char **argv, **pkgs, **extra = NULL;
	int rc;

	if (plan_openblas_only(c, "Alpine") != 0 || extras_system(c, &extra) != 0)
		return -1;
	pkgs = strv_new();
	pkgs = strv_push(pkgs, "py3-numpy");
	if (c->p->scipy)
		pkgs = strv_push(pkgs, "py3-scipy");
	pkgs = strv_push(pkgs, "openblas");
	for (size_t i = 0; extra != NULL && extra[i] != NULL; i++)
		pkgs = strv_push(pkgs, extra[i]);
	strv_free(extra);
	argv = strv_new();
	argv = strv_push(argv, "apk");
	argv = strv_push(argv, "add");
	rc = plan_system_packages(c, argv, pkgs, GUIDE_NAME ": distro packages are the easy, tested "
	    "way; Alpine's py3-numpy/py3-scipy are built against OpenBLAS");
	strv_free(pkgs);
	return rc;
}

/* validate-report.c — the report's shared pieces: checks appended, library labels, NAME=value lookup. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "validate.h"
#include "validate-int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *
vkind_label(const char *kind)
{
	static const struct { const char *kind, *label; } t[] = {
		{ "openblas", "OpenBLAS" }, { "blis", "BLIS" }, { "flexiblas", "FlexiBLAS" },
		{ "mkl", "MKL" }, { "armpl", "Arm Performance Libraries" }, { "nvpl", "NVPL" },
		{ "reference", "reference (netlib)" },
	};
	size_t i;
	if (kind == NULL)
		return "unknown";
	for (i = 0; i < nitems(t); i++)
		if (strcmp(kind, t[i].kind) == 0)
			return t[i].label;
	return kind;
}

void
vcheck_add(struct validate_report *r, const char *name, enum check_verdict v, const char *fmt, ...)
{
	struct validate_check *c;
	va_list ap;
	r->checks = xreallocarray(r->checks, r->nchecks + 1, sizeof *r->checks);
	c = &r->checks[r->nchecks++];
	c->name = xstrdup(name);
	c->verdict = v;
	va_start(ap, fmt);
	c->detail = xvasprintf(fmt, ap);
	va_end(ap);
}

const char *
venv_get(char *const *env, const char *name)
{
	size_t n = strlen(name);
	for (; env != NULL && *env != NULL; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

const char *
validate_kind_label(const char *kind)
{
	return vkind_label(kind);
}

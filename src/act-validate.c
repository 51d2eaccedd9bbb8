/* act-validate.c — validate steps: run the BLAS validation and show its report in the output. */
/* SPDX-License-Identifier: MIT */
#include "action.h"
#include "armpy.h"
#include "exec-int.h"
#include "plan.h"
#include "validate.h"
#include "ydoc.h"

#include <stdlib.h>
#include <string.h>

/* The report as YAML in the run directory (validation.yaml, 0600), for `armpy report`; a
 * failure to save is logged, and does not change the step's outcome. */
static void
act_validate_save(struct exec *e, const struct validate_report *r)
{
	char *yaml, *path, *cause = NULL;

	if (exec_run_dir(e) == NULL)
		return;
	yaml = validate_to_yaml(r);
	path = xasprintf("%s/validation.yaml", exec_run_dir(e));
	if (file_write_atomic(path, yaml, strlen(yaml), 0600, &cause) != 0) {
		exec_logf(e, "validation.yaml not saved: %s", cause);
		free(cause);
	}
	free(path);
	free(yaml);
}

static void vstep_describe(const struct step *, struct step_desc *);

/* The probe with the described python and environment, nothing else. */
static int
vstep_probe(struct exec *e, const struct desc_entry *x, const char *expect, char **cause)
{
	struct validate_opts vo;
	struct validate_report *r;
	char *python, *text, *line, *save = NULL, **env;
	char *const hooked[] = { x->path, NULL };
	struct spawn sp = { .argv = hooked, .env = x->env };
	int rc;

	if (spawn_hooked(&sp, &rc))
		return rc == 0 ? 0 : -1;
	python = exec_expand(e, x->path);
	env = strv_new();
	for (size_t i = 0; x->env != NULL && x->env[i] != NULL; i++) {
		char *v = exec_expand(e, x->env[i]);
		env = strv_push(env, v);
		free(v);
	}
	memset(&vo, 0, sizeof vo);
	vo.python = python;
	vo.root = exec_root(e);
	vo.expect = expect;
	vo.env = env;
	vo.facts = exec_options(e)->facts;      /* the plan's machine, not detected again */
	exec_progress(e, -1, "validating the BLAS behind NumPy");
	r = validate_run(&vo, cause);
	free(python);
	strv_free(env);
	if (r == NULL) {
		exec_validated(e, NULL);
		return -1;
	}
	act_validate_save(e, r);
	text = validate_to_text(r);
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		exec_line(e, line);
	free(text);
	rc = validate_passed(r) ? 0 : -1;
	if (rc != 0)
		cause_set(cause, "validation failed (see the report above)");
	exec_validated(e, r);
	return rc;
}

static int
act_validate(struct exec *e, const struct step *s, char **cause)
{
	struct step_desc d = { NULL, 0 };
	const struct desc_entry *x;
	int rc;

	vstep_describe(s, &d);
	x = step_desc_find(&d, DESC_PROBE, 0);
	rc = vstep_probe(e, x, s->u.validate.expect, cause);
	step_desc_free(&d);
	return rc;
}

/* python: absolute or under ~/; env: NAME=value, as a run step's. */
static int
vstep_parse(struct pparse *pp, const struct ynode *a, const char *where, struct step *s)
{
	static const char *const keys[] = { "expect", "python", "openblas_min", "numpy_min",
	    "scipy_min", "env", NULL };

	if (pp_keys(pp, a, keys, where) ||
	    pp_str(pp, a, "expect", where, 1, 0, &s->u.validate.expect) ||
	    pp_str(pp, a, "python", where, 1, 0, &s->u.validate.python) ||
	    pp_str(pp, a, "openblas_min", where, 0, 1, &s->u.validate.openblas_min) ||
	    pp_str(pp, a, "numpy_min", where, 0, 1, &s->u.validate.numpy_min) ||
	    pp_str(pp, a, "scipy_min", where, 0, 1, &s->u.validate.scipy_min) ||
	    pp_strv(pp, a, "env", where, 0, 0, &s->u.validate.env) ||
	    pp_file(pp, a, "python", where, s->u.validate.python, 0) ||
	    pp_env(pp, a, "env", where, s->u.validate.env))
		return -1;
	if (validate_expect_parse(s->u.validate.expect, &(const char *){ NULL },
	    &(const char *){ NULL }, NULL) != 0) {
		pp_at(pp, "%s.expect", where);
		return pp_error(pp, ynode_get(a, "expect"), "must be openblas, blis, reference, "
		    "mkl, nvpl or armpl, optionally followed by :openmp, :pthreads or :serial");
	}
	return 0;
}

static void
vstep_emit(struct yemit *y, const struct step *s)
{
	yemit_kv_str(y, "expect", s->u.validate.expect);
	yemit_kv_str(y, "python", s->u.validate.python);
	yemit_kv_str(y, "openblas_min", s->u.validate.openblas_min);
	yemit_kv_str(y, "numpy_min", s->u.validate.numpy_min);
	yemit_kv_str(y, "scipy_min", s->u.validate.scipy_min);
	yemit_kv_strv(y, "env", s->u.validate.env != NULL ? s->u.validate.env :
	    (char *const[]){ NULL }, 0);
}

static void
vstep_describe(const struct step *s, struct step_desc *d)
{
	struct desc_entry *x = step_desc_add(d, DESC_PROBE, 0);

	x->path = xstrdup(s->u.validate.python);
	x->env = s->u.validate.env != NULL && s->u.validate.env[0] != NULL ?
	    strv_dup(s->u.validate.env) : NULL;
	x->what = xasprintf("expect %s", s->u.validate.expect != NULL ? s->u.validate.expect :
	    "any");
}

static void
vstep_clear(struct step *s)
{
	free(s->u.validate.expect);
	free(s->u.validate.python);
	free(s->u.validate.openblas_min);
	free(s->u.validate.numpy_min);
	free(s->u.validate.scipy_min);
	strv_free(s->u.validate.env);
}

static int
vstep_equal(const struct step *a, const struct step *b)
{
	return str_same(a->u.validate.expect, b->u.validate.expect) &&
	    str_same(a->u.validate.python, b->u.validate.python) &&
	    str_same(a->u.validate.openblas_min, b->u.validate.openblas_min) &&
	    str_same(a->u.validate.numpy_min, b->u.validate.numpy_min) &&
	    str_same(a->u.validate.scipy_min, b->u.validate.scipy_min) &&
	    strv_eq(a->u.validate.env, b->u.validate.env);
}

const struct action_ops act_validate_ops = {
	.kind = ACTION_VALIDATE,
	.name = "validate",
	.parse = vstep_parse,
	.emit = vstep_emit,
	.describe = vstep_describe,
	.execute = act_validate,
	.clear = vstep_clear,
	.equal = vstep_equal,
};

/* act-validate.c — validate steps: run the BLAS validation and show its report in the output. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "exec-int.h"
#include "plan.h"
#include "validate.h"

#include <stdlib.h>
#include <string.h>

/* The report as YAML in the run directory (validation.yaml, 0600), for `armpy report`; a
 * failure to save is logged, and does not change the step's outcome. */
static void
act_validate_save(struct exec *e, const struct validate_report *r)
{
	char *yaml, *path, *cause = NULL;

	if (e->run_dir == NULL)
		return;
	yaml = validate_to_yaml(r);
	path = xasprintf("%s/validation.yaml", e->run_dir);
	if (file_write_atomic(path, yaml, strlen(yaml), 0600, &cause) != 0) {
		exec_logf(e, "validation.yaml not saved: %s", cause);
		free(cause);
	}
	free(path);
	free(yaml);
}

int
act_validate(struct exec *e, const struct step *s, char **cause)
{
	struct validate_opts vo;
	struct validate_report *r;
	char *python = exec_expand(e, s->u.validate.python), *text, *line, *save = NULL;
	char **env = strv_new();
	int rc;

	for (size_t i = 0; s->u.validate.env != NULL && s->u.validate.env[i] != NULL; i++) {
		char *v = exec_expand(e, s->u.validate.env[i]);
		env = strv_push(env, v);
		free(v);
	}
	memset(&vo, 0, sizeof vo);
	vo.python = python;
	vo.root = e->root;
	vo.expect = s->u.validate.expect;
	vo.env = env;
	exec_progress(e, -1, "validating the BLAS behind NumPy");
	r = validate_run(&vo, cause);
	free(python);
	strv_free(env);
	if (r == NULL)
		return -1;
	act_validate_save(e, r);
	text = validate_to_text(r);
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		exec_line(e, line);
	free(text);
	rc = validate_passed(r) ? 0 : -1;
	if (rc != 0)
		cause_set(cause, "validation failed (see the report above)");
	validate_report_free(r);
	return rc;
}

/* action.c — the action kinds' table; a plan's and a step's lifetime, description and equality through it. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "armpy.h"
#include "exec-int.h"
#include "plan.h"
#include "rootdir.h"

/* In enum action_kind's order. */
static const struct action_ops *const action_table[] = {
	&act_run_ops, &act_download_ops, &act_extract_ops, &act_write_ops, &act_alternative_ops,
	&act_validate_ops,
};

const struct action_ops *
action_ops_at(size_t i)
{
	return i < nitems(action_table) ? action_table[i] : NULL;
}

const struct action_ops *
action_ops_of(enum action_kind k)
{
	return (size_t)k < nitems(action_table) ? action_table[k] : NULL;
}

const char *
action_kind_name(enum action_kind k)
{
	const struct action_ops *ops = action_ops_of(k);

	return ops != NULL ? ops->name : "unknown";
}

const char *
check_kind_name(enum check_kind k)
{
	const struct check_ops *ops = check_ops_of(k);

	return k == CHECK_NONE ? "none" : ops != NULL ? ops->name : "unknown";
}

/* The model's lifetime is here, not in plan.c: freeing a step goes through the table, and
 * plan.c (the planner's entry, with its routes) stays out of the executor's files. */
struct plan *
plan_new(void)
{
	return xcalloc(1, sizeof(struct plan));
}

void
step_clear(struct step *s)
{
	const struct action_ops *ops;

	if (s == NULL)
		return;
	free(s->id);
	free(s->title);
	free(s->why);
	if ((ops = action_ops_of(s->kind)) != NULL)
		ops->clear(s);
	check_clear(&s->check);
	memset(s, 0, sizeof *s);
}

void
plan_free(struct plan *plan)
{
	if (plan == NULL)
		return;
	for (size_t i = 0; i < plan->nsteps; i++)
		step_clear(&plan->steps[i]);
	free(plan->steps);
	free(plan->profile_name);
	free(plan->target);
	strv_free(plan->warnings);
	strv_free(plan->notes);
	free(plan);
}

void
step_describe(const struct step *s, struct step_desc *d)
{
	const struct action_ops *ops = action_ops_of(s->kind);
	const struct check_ops *c = check_ops_of(s->check.kind);

	memset(d, 0, sizeof *d);
	if (ops != NULL)
		ops->describe(s, d);
	if (c != NULL)
		c->describe(&s->check, d);
}

int
step_equal(const struct step *a, const struct step *b)
{
	const struct action_ops *ops = action_ops_of(a->kind);
	const struct check_ops *c = check_ops_of(a->check.kind);

	if (!str_same(a->id, b->id) || !str_same(a->title, b->title) ||
	    !str_same(a->why, b->why) || a->privileged != b->privileged ||
	    a->skippable != b->skippable || a->est_seconds != b->est_seconds ||
	    a->kind != b->kind || a->check.kind != b->check.kind || ops == NULL)
		return 0;
	return ops->equal(a, b) && (c == NULL || c->equal(&a->check, &b->check));
}

/* Before anything runs: every file the description names (written, fetched, unpacked, read
 * by a check) is absolute after "~/" and has no ".." (rootdir_path_check). */
int
check_plan_paths(const struct exec *e, char **cause)
{
	struct step_desc d;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < exec_plan(e)->nsteps; i++) {
		const struct step *s = &exec_plan(e)->steps[i];

		step_describe(s, &d);
		for (size_t j = 0; rc == 0 && j < d.n; j++) {
			const char *paths[2] = { d.v[j].kind != DESC_COMMAND &&
			    d.v[j].kind != DESC_PROBE ? d.v[j].path : NULL, d.v[j].src };
			for (size_t k = 0; rc == 0 && k < 2; k++) {
				char *p = exec_expand(e, paths[k]), *why = NULL;
				if (p != NULL && rootdir_path_check(p, &why) != 0) {
					cause_set(cause, "step %s: %s", s->id, why);
					free(why);
					rc = -1;
				}
				free(p);
			}
		}
		step_desc_free(&d);
	}
	return rc;
}

/* The kind's own state decides (a download's sha256, always; a write's content and mode,
 * without a check), else the step's check. */
static int
step_own_done(const struct step *s, const struct action_ops *ops)
{
	return ops != NULL && ops->done != NULL && (ops->done_always ||
	    s->check.kind == CHECK_NONE);
}

int
check_defined(const struct step *s)
{
	return step_own_done(s, action_ops_of(s->kind)) || check_ops_of(s->check.kind) != NULL;
}

int
check_step(struct exec *e, const struct step *s, char **detail, char **cause)
{
	const struct action_ops *ops = action_ops_of(s->kind);
	const struct check_ops *c = check_ops_of(s->check.kind);

	*detail = NULL;
	if (step_own_done(s, ops))
		return ops->done(e, s, detail, cause);
	return c != NULL ? c->evaluate(e, s, detail, cause) : 0;
}

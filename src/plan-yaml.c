/* plan-yaml.c — plan ⇄ YAML: a canonical emitter and a strict, positioned parser (round trip is byte-identical). */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "armpy.h"
#include "plan.h"
#include "profile.h"
#include "ydoc.h"

#define PLAN_SCHEMA 1

/* ---- emit ---- */

static void
emit_check(struct yemit *y, const struct step_check *k)
{
	const struct check_ops *ops = check_ops_of(k->kind);

	if (ops == NULL)
		return;
	yemit_str(y, "check");
	yemit_map_start(y, 0);
	yemit_kv_str(y, "kind", ops->name);
	ops->emit(y, k);
	yemit_map_end(y);
}

static void
emit_step(struct yemit *y, const struct step *s)
{
	const struct action_ops *ops = action_ops_of(s->kind);

	yemit_map_start(y, 0);
	yemit_kv_str(y, "id", s->id);
	yemit_kv_str(y, "title", s->title);
	yemit_kv_str(y, "why", s->why);
	yemit_kv_bool(y, "privileged", s->privileged);
	yemit_kv_bool(y, "skippable", s->skippable);
	yemit_kv_long(y, "est_seconds", s->est_seconds);
	yemit_str(y, ops->name);
	yemit_map_start(y, 0);
	ops->emit(y, s);
	yemit_map_end(y);
	emit_check(y, &s->check);
	yemit_map_end(y);
}

/* The plan as YAML; strict: a value that is not UTF-8 fails instead of being replaced. */
static int
plan_emit(const struct plan *plan, int strict, char **text, size_t *len, char **cause)
{
	struct yemit *y = yemit_new();
	static char *const empty[] = { NULL };
	int rc;

	if (strict)
		yemit_set_strict(y);
	yemit_map_start(y, 0);
	yemit_kv_long(y, "armpy_plan", PLAN_SCHEMA);
	yemit_kv_str(y, "profile", plan->profile_name);
	yemit_kv_str(y, "target", plan->target);
	yemit_kv_strv(y, "warnings", plan->warnings != NULL ? plan->warnings : empty, 0);
	yemit_kv_strv(y, "notes", plan->notes != NULL ? plan->notes : empty, 0);
	yemit_str(y, "steps");
	yemit_seq_start(y, 0);
	for (size_t i = 0; i < plan->nsteps; i++)
		emit_step(y, &plan->steps[i]);
	yemit_seq_end(y);
	yemit_map_end(y);
	rc = yemit_end(y, text, len, cause);
	yemit_free(y);
	return rc;
}

char *
plan_to_yaml(const struct plan *plan)
{
	char *text, *cause = NULL;

	if (plan_emit(plan, 0, &text, NULL, &cause) != 0) {
		/* only unbalanced events get here: a bug, said, never a crash */
		fprintf(stderr, "armpy: %s\n", cause);
		free(cause);
		return xstrdup("");
	}
	return text;
}

/* ---- parse ---- */

static int
get_bool(struct pparse *pp, const struct ynode *map, const char *key, const char *where,
    int *out)
{
	const struct ynode *n = ynode_get(map, key);

	pp_at(pp, "%s.%s", where, key);
	if (n == NULL)
		return pp_error(pp, map, "missing");
	if (ynode_bool(n, out) != 0)
		return pp_error(pp, n, "must be true or false");
	return 0;
}

static int
step_id_ok(const char *id)
{
	if (id == NULL || *id == '\0' || strlen(id) > 64)
		return 0;
	for (const char *p = id; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	}
	return 1;
}

/* The names the check kinds' keys have, for "unknown key" versus "not a key of this kind". */
static int
check_key_known(const char *key)
{
	const struct check_ops *c;

	for (size_t i = 0; (c = check_ops_at(i)) != NULL; i++)
		for (size_t j = 0; c->keys[j] != NULL; j++)
			if (strcmp(key, c->keys[j]) == 0)
				return 1;
	return strcmp(key, "kind") == 0;
}

static int
parse_check(struct pparse *pp, const struct ynode *n, const char *where, struct step_check *k)
{
	const struct check_ops *ops = NULL, *c;
	char *kind = NULL;

	pp_at(pp, "%s", where);
	if (n->type != YNODE_MAP)
		return pp_error(pp, n, "must be a map");
	for (size_t i = 0; i < n->n; i++)
		if (!check_key_known(n->items[i]->value)) {
			pp_at(pp, "%s.%s", where, n->items[i]->value);
			return pp_error(pp, n->items[i], "unknown key");
		}
	if (pp_str(pp, n, "kind", where, 1, 0, &kind) != 0)
		return -1;
	for (size_t i = 0; ops == NULL && (c = check_ops_at(i)) != NULL; i++)
		if (strcmp(kind, c->name) == 0)
			ops = c;
	if (ops == NULL) {
		pp_at(pp, "%s.kind", where);
		pp_error(pp, ynode_get(n, "kind"), "'%s' is not one of dpkg, rpm, alternative, "
		    "file, command", kind);
		free(kind);
		return -1;
	}
	free(kind);
	k->kind = ops->kind;
	if (ops->parse(pp, n, where, k) != 0)
		return -1;
	/* keys that belong to another kind are refused too */
	for (size_t i = 0; i < n->n; i++) {
		const char *key = n->items[i]->value;
		int ok = strcmp(key, "kind") == 0;

		for (size_t j = 0; ops->keys[j] != NULL; j++)
			ok |= strcmp(key, ops->keys[j]) == 0;
		if (!ok) {
			pp_at(pp, "%s.%s", where, key);
			return pp_error(pp, n->items[i], "not a key of a %s check", ops->name);
		}
	}
	return 0;
}

/* A step's keys: its own, and one action's (the table's names). */
static int
step_keys(struct pparse *pp, const struct ynode *n, const char *where)
{
	static const char *const keys[] = { "id", "title", "why", "privileged", "skippable",
	    "est_seconds", "check", NULL };
	const struct action_ops *ops;

	for (size_t i = 0; i < n->n; i++) {
		const char *key = n->items[i]->value;
		int ok = 0;

		for (size_t j = 0; keys[j] != NULL; j++)
			ok |= strcmp(key, keys[j]) == 0;
		for (size_t k = 0; (ops = action_ops_at(k)) != NULL; k++)
			ok |= strcmp(key, ops->name) == 0;
		if (!ok) {
			pp_at(pp, "%s.%s", where, key);
			return pp_error(pp, n->items[i], "unknown key");
		}
	}
	return 0;
}

static int
parse_step(struct pparse *pp, const struct ynode *n, size_t idx, struct step *s)
{
	char where[64], sub[96];
	const struct ynode *action = NULL, *check;
	const struct action_ops *ops;
	long l;
	int nact = 0;

	snprintf(where, sizeof where, "steps[%zu]", idx);
	pp_at(pp, "%s", where);
	if (n->type != YNODE_MAP)
		return pp_error(pp, n, "must be a map");
	if (step_keys(pp, n, where) != 0)
		return -1;
	if (pp_str(pp, n, "id", where, 1, 0, &s->id) ||
	    pp_str(pp, n, "title", where, 1, 0, &s->title) ||
	    pp_str(pp, n, "why", where, 1, 0, &s->why) ||
	    get_bool(pp, n, "privileged", where, &s->privileged) ||
	    get_bool(pp, n, "skippable", where, &s->skippable) ||
	    pp_long(pp, n, "est_seconds", where, 1, 0, 7 * 86400, &l))
		return -1;
	s->est_seconds = (int)l;
	if (!step_id_ok(s->id)) {
		pp_at(pp, "%s.id", where);
		return pp_error(pp, ynode_get(n, "id"), "'%s' is not [a-z0-9-]+", s->id);
	}
	for (size_t k = 0; (ops = action_ops_at(k)) != NULL; k++) {
		const struct ynode *a = ynode_get(n, ops->name);

		if (a == NULL)
			continue;
		if (nact++ > 0) {
			pp_at(pp, "%s.%s", where, ops->name);
			return pp_error(pp, a, "a step has exactly one action (run, download, extract, "
			    "write, alternative, validate)");
		}
		s->kind = ops->kind;
		action = a;
	}
	if (action == NULL) {
		pp_at(pp, "%s", where);
		return pp_error(pp, n, "a step needs one action (run, download, extract, write, "
		    "alternative, validate)");
	}
	ops = action_ops_of(s->kind);
	snprintf(sub, sizeof sub, "%s.%s", where, ops->name);
	pp_at(pp, "%s", sub);
	if (action->type != YNODE_MAP)
		return pp_error(pp, action, "must be a map");
	if (ops->parse(pp, action, sub, s) != 0)
		return -1;
	if ((check = ynode_get(n, "check")) != NULL) {
		snprintf(sub, sizeof sub, "%s.check", where);
		if (parse_check(pp, check, sub, &s->check) != 0)
			return -1;
	}
	return 0;
}

static int
step_ref_cmp(const void *a, const void *b)
{
	const struct step *const *x = a, *const *y = b;
	int c = strcmp((*x)->id, (*y)->id);

	return c != 0 ? c : (*x > *y) - (*x < *y);
}

/* Refuses two steps with one id, naming the first repeat in plan order. Sorted, not pairwise:
 * a 1 MiB plan has some ten thousand steps. */
static int
plan_dup_ids(struct pparse *pp, const struct plan *plan, const struct ynode *steps)
{
	const struct step **ref;
	size_t dup = SIZE_MAX, first = 0;

	if (plan->nsteps < 2)
		return 0;
	ref = xreallocarray(NULL, plan->nsteps, sizeof *ref);
	for (size_t i = 0; i < plan->nsteps; i++)
		ref[i] = &plan->steps[i];
	qsort(ref, plan->nsteps, sizeof *ref, step_ref_cmp);
	for (size_t i = 1; i < plan->nsteps; i++) {
		size_t at = (size_t)(ref[i] - plan->steps);
		if (strcmp(ref[i - 1]->id, ref[i]->id) == 0 && at < dup) {
			dup = at;
			first = (size_t)(ref[i - 1] - plan->steps);
		}
	}
	free(ref);
	if (dup == SIZE_MAX)
		return 0;
	pp_at(pp, "steps[%zu].id", dup);
	return pp_error(pp, ynode_get(steps->items[dup], "id"), "duplicate id '%s' (also steps[%zu])",
	    plan->steps[dup].id, first);
}

struct plan *
plan_from_node(const struct ynode *root, const char *name, char **cause)
{
	static const char *keys[] = { "armpy_plan", "profile", "target", "warnings", "notes",
	    "steps", NULL };
	struct pparse pp = { .name = name != NULL ? name : "plan", .cause = cause };
	struct plan *plan = plan_new();
	const struct ynode *steps;
	long v;

	pp_at(&pp, "(document)");
	if (root == NULL || root->type != YNODE_MAP) {
		pp_error(&pp, root, "a plan is a map");
		goto fail;
	}
	if (pp_keys(&pp, root, keys, "") != 0)
		goto fail;
	if (pp_long(&pp, root, "armpy_plan", "", 1, 0, 1000, &v) != 0)
		goto fail;
	if (v != PLAN_SCHEMA) {
		pp_error(&pp, ynode_get(root, "armpy_plan"), "schema %ld is not supported (this armpy "
		    "reads %d)", v, PLAN_SCHEMA);
		goto fail;
	}
	if (pp_str(&pp, root, "profile", "", 0, 1, &plan->profile_name) ||
	    pp_str(&pp, root, "target", "", 1, 0, &plan->target) ||
	    pp_strv(&pp, root, "warnings", "", 0, 0, &plan->warnings) ||
	    pp_strv(&pp, root, "notes", "", 0, 0, &plan->notes))
		goto fail;
	steps = ynode_get(root, "steps");
	pp_at(&pp, "steps");
	if (steps == NULL) {
		pp_error(&pp, root, "missing");
		goto fail;
	}
	if (steps->type != YNODE_SEQ) {
		pp_error(&pp, steps, "must be a list of steps");
		goto fail;
	}
	plan->steps = xcalloc(steps->n > 0 ? steps->n : 1, sizeof *plan->steps);
	for (size_t i = 0; i < steps->n; i++) {
		plan->nsteps = i + 1;
		if (parse_step(&pp, steps->items[i], i, &plan->steps[i]) != 0)
			goto fail;
	}
	if (plan_dup_ids(&pp, plan, steps) != 0)
		goto fail;
	return plan;
fail:
	plan_free(plan);
	return NULL;
}

struct plan *
plan_load(const char *path, char **cause)
{
	struct ynode *root;
	struct plan *plan;

	if ((root = ydoc_load(path, cause)) == NULL)
		return NULL;
	plan = plan_from_node(root, path, cause);
	ynode_free(root);
	return plan;
}

/*
 * Only what armpy can load back is saved: the text is emitted strictly (a value that is not
 * UTF-8 is refused, not replaced), must fit the reader's YDOC_MAX_BYTES (block style can make
 * a 1 MiB flow-style plan larger) and must load as a plan. The file keeps the user's umask.
 */
int
plan_save(const struct plan *plan, const char *path, char **cause)
{
	struct ynode *root;
	struct plan *back;
	char *yaml, *why = NULL;
	size_t len;
	int rc;

	if (plan_emit(plan, 1, &yaml, &len, &why) != 0) {
		cause_set(cause, "%s: not saved: %s", path, why);
		free(why);
		return -1;
	}
	if (len > YDOC_MAX_BYTES) {
		cause_set(cause, "%s: not saved: the plan is %zu bytes as YAML, more than the %d "
		    "that armpy reads back", path, len, YDOC_MAX_BYTES);
		free(yaml);
		return -1;
	}
	root = ydoc_parse(yaml, len, path, &why);
	back = root != NULL ? plan_from_node(root, path, &why) : NULL;
	ynode_free(root);
	if (back == NULL) {
		cause_set(cause, "%s: not saved: it would not load back: %s", path, why);
		free(why);
		free(yaml);
		return -1;
	}
	plan_free(back);
	rc = file_save(path, yaml, len, cause);
	free(yaml);
	return rc;
}

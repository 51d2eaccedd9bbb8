/* plan-yaml.c — plan ⇄ YAML: a canonical emitter and a strict, positioned parser (round trip is byte-identical). */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armpy.h"
#include "plan.h"
#include "profile.h"
#include "validate.h"
#include "ydoc.h"

#define PLAN_SCHEMA 1

/* ---- emit ---- */

static void
emit_check(struct yemit *y, const struct step_check *k)
{
	if (k->kind == CHECK_NONE)
		return;
	yemit_str(y, "check");
	yemit_map_start(y, 0);
	yemit_kv_str(y, "kind", check_kind_name(k->kind));
	switch (k->kind) {
	case CHECK_DPKG:
	case CHECK_RPM:
		yemit_kv_strv(y, "packages", k->packages, 1);
		break;
	case CHECK_ALTERNATIVE:
		yemit_kv_str(y, "name", k->name);
		yemit_kv_str(y, "path", k->path);
		break;
	case CHECK_FILE:
		yemit_kv_str(y, "path", k->path);
		if (k->sha256 != NULL)
			yemit_kv_str(y, "sha256", k->sha256);
		break;
	case CHECK_COMMAND:
		yemit_kv_strv(y, "argv", k->argv, 1);
		break;
	case CHECK_NONE:
		break;
	}
	yemit_map_end(y);
}

static void
emit_step(struct yemit *y, const struct step *s)
{
	char mode[16];

	yemit_map_start(y, 0);
	yemit_kv_str(y, "id", s->id);
	yemit_kv_str(y, "title", s->title);
	yemit_kv_str(y, "why", s->why);
	yemit_kv_bool(y, "privileged", s->privileged);
	yemit_kv_bool(y, "skippable", s->skippable);
	yemit_kv_long(y, "est_seconds", s->est_seconds);
	yemit_str(y, action_kind_name(s->kind));
	yemit_map_start(y, 0);
	switch (s->kind) {
	case ACTION_RUN:
		yemit_kv_strv(y, "argv", s->u.run.argv, 1);
		if (s->u.run.env != NULL && s->u.run.env[0] != NULL)
			yemit_kv_strv(y, "env", s->u.run.env, 0);
		if (s->u.run.cwd != NULL)
			yemit_kv_str(y, "cwd", s->u.run.cwd);
		if (s->u.run.timeout != 0)
			yemit_kv_long(y, "timeout", s->u.run.timeout);
		break;
	case ACTION_DOWNLOAD:
		yemit_kv_str(y, "url", s->u.download.url);
		yemit_kv_str(y, "sha256", s->u.download.sha256);
		yemit_kv_str(y, "dest", s->u.download.dest);
		if (s->u.download.size != 0)
			yemit_kv_long(y, "size", (long)s->u.download.size);
		break;
	case ACTION_EXTRACT:
		yemit_kv_str(y, "archive", s->u.extract.archive);
		yemit_kv_str(y, "dest", s->u.extract.dest);
		yemit_kv_long(y, "strip", s->u.extract.strip);
		break;
	case ACTION_WRITE:
		yemit_kv_str(y, "path", s->u.write.path);
		snprintf(mode, sizeof mode, "%04o", (unsigned)s->u.write.mode);
		yemit_kv_str(y, "mode", mode);
		yemit_str(y, "content");
		yemit_literal(y, s->u.write.content);
		break;
	case ACTION_ALTERNATIVE:
		yemit_kv_str(y, "name", s->u.alternative.name);
		yemit_kv_str(y, "path", s->u.alternative.path);
		break;
	case ACTION_VALIDATE:
		yemit_kv_str(y, "expect", s->u.validate.expect);
		yemit_kv_str(y, "python", s->u.validate.python);
		yemit_kv_str(y, "openblas_min", s->u.validate.openblas_min);
		yemit_kv_str(y, "numpy_min", s->u.validate.numpy_min);
		yemit_kv_str(y, "scipy_min", s->u.validate.scipy_min);
		yemit_kv_strv(y, "env", s->u.validate.env != NULL ? s->u.validate.env :
		    (char *const[]){ NULL }, 0);
		break;
	}
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

struct pparse {
	const char *name;
	char **cause;
	char path[128];
};

static int
perr(struct pparse *pp, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ynode_verror(pp->cause, pp->name, n, pp->path, fmt, ap);
	va_end(ap);
	return -1;
}

static void
ppath(struct pparse *pp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pp->path, sizeof pp->path, fmt, ap);
	va_end(ap);
}

/* Every key of map must be in allowed (NULL-terminated). */
static int
only_keys(struct pparse *pp, const struct ynode *map, const char *const *allowed,
    const char *where)
{
	for (size_t i = 0; i < map->n; i++) {
		int ok = 0;

		for (size_t j = 0; allowed[j] != NULL; j++)
			ok |= strcmp(map->items[i]->value, allowed[j]) == 0;
		if (!ok) {
			ppath(pp, "%s.%s", where, map->items[i]->value);
			return perr(pp, map->items[i], "unknown key");
		}
	}
	return 0;
}

static int
get_str(struct pparse *pp, const struct ynode *map, const char *key, const char *where,
    int required, int nullable, char **out)
{
	const struct ynode *n = ynode_get(map, key);

	*out = NULL;
	ppath(pp, "%s.%s", where, key);
	if (n == NULL)
		return required ? perr(pp, map, "missing") : 0;
	if (n->type == YNODE_SCALAR && ynode_is_null(n) && !n->quoted) {
		if (nullable)
			return 0;
		return perr(pp, n, "must not be null");
	}
	if (n->type != YNODE_SCALAR)
		return perr(pp, n, "must be a string, not a %s", ynode_type_name(n));
	if (strchr(n->value, '\0') != n->value + strlen(n->value))
		return perr(pp, n, "bad string");
	*out = xstrdup(n->value);
	return 0;
}

/* A file path of a step (write, download, extract, file check): never a ".." component, so
 * that no path climbs out of --root; the executor checks again after ${VAR} expansion. */
static int
get_path(struct pparse *pp, const struct ynode *map, const char *key, const char *where,
    char **out)
{
	const char *p;
	size_t n;

	if (get_str(pp, map, key, where, 1, 0, out) != 0)
		return -1;
	for (p = *out; *p != '\0'; p += n + (p[n] == '/')) {
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			ppath(pp, "%s.%s", where, key);
			return perr(pp, ynode_get(map, key), "has a '..' component (a step's paths are "
			    "absolute and never climb)");
		}
	}
	return 0;
}

static int
get_bool(struct pparse *pp, const struct ynode *map, const char *key, const char *where,
    int *out)
{
	const struct ynode *n = ynode_get(map, key);

	ppath(pp, "%s.%s", where, key);
	if (n == NULL)
		return perr(pp, map, "missing");
	if (ynode_bool(n, out) != 0)
		return perr(pp, n, "must be true or false");
	return 0;
}

static int
get_long(struct pparse *pp, const struct ynode *map, const char *key, const char *where,
    int required, long min, long max, long *out)
{
	const struct ynode *n = ynode_get(map, key);

	*out = 0;
	ppath(pp, "%s.%s", where, key);
	if (n == NULL)
		return required ? perr(pp, map, "missing") : 0;
	if (ynode_long(n, out) != 0)
		return perr(pp, n, "must be an integer");
	if (*out < min || *out > max)
		return perr(pp, n, "must be between %ld and %ld", min, max);
	return 0;
}

static int
get_strv(struct pparse *pp, const struct ynode *map, const char *key, const char *where,
    int required, int nonempty, char ***out)
{
	const struct ynode *n = ynode_get(map, key);

	*out = NULL;
	ppath(pp, "%s.%s", where, key);
	if (n == NULL)
		return required ? perr(pp, map, "missing") : 0;
	if (n->type != YNODE_SEQ)
		return perr(pp, n, "must be a list of strings");
	if (nonempty && n->n == 0)
		return perr(pp, n, "must not be empty");
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *e = n->items[i];

		if (e->type != YNODE_SCALAR || (ynode_is_null(e) && !e->quoted)) {
			ppath(pp, "%s.%s[%zu]", where, key, i);
			return perr(pp, e, "must be a string");
		}
	}
	if (n->n == 0)
		return 0;
	/* filled in place: strv_push per item measures the list each time (quadratic) */
	*out = xreallocarray(NULL, n->n + 1, sizeof **out);
	for (size_t i = 0; i < n->n; i++)
		(*out)[i] = xstrdup(n->items[i]->value);
	(*out)[n->n] = NULL;
	return 0;
}

static int
is_hex64(const char *s)
{
	return s != NULL && valid_sha256(s);
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

static int
parse_check(struct pparse *pp, const struct ynode *n, const char *where, struct step_check *k)
{
	static const char *keys[] = { "kind", "packages", "name", "path", "sha256", "argv", NULL };
	char *kind = NULL;
	int rc = -1;

	ppath(pp, "%s", where);
	if (n->type != YNODE_MAP)
		return perr(pp, n, "must be a map");
	if (only_keys(pp, n, keys, where) != 0)
		return -1;
	if (get_str(pp, n, "kind", where, 1, 0, &kind) != 0)
		return -1;
	if (strcmp(kind, "dpkg") == 0 || strcmp(kind, "rpm") == 0) {
		k->kind = kind[0] == 'd' ? CHECK_DPKG : CHECK_RPM;
		rc = get_strv(pp, n, "packages", where, 1, 1, &k->packages);
	} else if (strcmp(kind, "alternative") == 0) {
		k->kind = CHECK_ALTERNATIVE;
		rc = get_str(pp, n, "name", where, 1, 0, &k->name) ||
		    get_str(pp, n, "path", where, 1, 0, &k->path) ? -1 : 0;
	} else if (strcmp(kind, "file") == 0) {
		k->kind = CHECK_FILE;
		rc = get_path(pp, n, "path", where, &k->path) ||
		    get_str(pp, n, "sha256", where, 0, 0, &k->sha256) ? -1 : 0;
		if (rc == 0 && k->sha256 != NULL && !is_hex64(k->sha256))
			rc = perr(pp, ynode_get(n, "sha256"), "not a sha256 (64 hex digits)");
	} else if (strcmp(kind, "command") == 0) {
		k->kind = CHECK_COMMAND;
		rc = get_strv(pp, n, "argv", where, 1, 1, &k->argv);
	} else {
		ppath(pp, "%s.kind", where);
		rc = perr(pp, ynode_get(n, "kind"), "'%s' is not one of dpkg, rpm, alternative, "
		    "file, command", kind);
	}
	free(kind);
	if (rc != 0)
		return -1;
	/* keys that belong to another kind are refused too */
	for (size_t i = 0; i < n->n; i++) {
		const char *key = n->items[i]->value;
		int ok = strcmp(key, "kind") == 0;

		switch (k->kind) {
		case CHECK_DPKG:
		case CHECK_RPM: ok |= strcmp(key, "packages") == 0; break;
		case CHECK_ALTERNATIVE: ok |= !strcmp(key, "name") || !strcmp(key, "path"); break;
		case CHECK_FILE: ok |= !strcmp(key, "path") || !strcmp(key, "sha256"); break;
		case CHECK_COMMAND: ok |= strcmp(key, "argv") == 0; break;
		case CHECK_NONE: break;
		}
		if (!ok) {
			ppath(pp, "%s.%s", where, key);
			return perr(pp, n->items[i], "not a key of a %s check",
			    check_kind_name(k->kind));
		}
	}
	return 0;
}

static int
parse_action(struct pparse *pp, const struct ynode *a, const char *where, struct step *s)
{
	long l;
	char *mode = NULL, *end;

	ppath(pp, "%s", where);
	if (a->type != YNODE_MAP)
		return perr(pp, a, "must be a map");
	switch (s->kind) {
	case ACTION_RUN: {
		static const char *keys[] = { "argv", "env", "cwd", "timeout", NULL };

		if (only_keys(pp, a, keys, where) ||
		    get_strv(pp, a, "argv", where, 1, 1, &s->u.run.argv) ||
		    get_strv(pp, a, "env", where, 0, 0, &s->u.run.env) ||
		    get_str(pp, a, "cwd", where, 0, 0, &s->u.run.cwd) ||
		    get_long(pp, a, "timeout", where, 0, 0, 7 * 86400, &l))
			return -1;
		s->u.run.timeout = (int)l;
		for (size_t i = 0; s->u.run.env != NULL && s->u.run.env[i] != NULL; i++) {
			const char *e = s->u.run.env[i], *eq = strchr(e, '=');

			if (eq == NULL || eq == e) {
				ppath(pp, "%s.env[%zu]", where, i);
				return perr(pp, ynode_get(a, "env")->items[i], "must be NAME=value");
			}
		}
		return 0;
	}
	case ACTION_DOWNLOAD: {
		static const char *keys[] = { "url", "sha256", "dest", "size", NULL };

		if (only_keys(pp, a, keys, where) ||
		    get_str(pp, a, "url", where, 1, 0, &s->u.download.url) ||
		    get_str(pp, a, "sha256", where, 1, 0, &s->u.download.sha256) ||
		    get_path(pp, a, "dest", where, &s->u.download.dest) ||
		    get_long(pp, a, "size", where, 0, 0, __LONG_MAX__, &l))
			return -1;
		s->u.download.size = l;
		if (!str_startswith(s->u.download.url, "https://") &&
		    !str_startswith(s->u.download.url, "http://")) {
			ppath(pp, "%s.url", where);
			return perr(pp, ynode_get(a, "url"), "must be an http(s) URL");
		}
		if (!is_hex64(s->u.download.sha256)) {
			ppath(pp, "%s.sha256", where);
			return perr(pp, ynode_get(a, "sha256"), "not a sha256 (64 hex digits)");
		}
		return 0;
	}
	case ACTION_EXTRACT: {
		static const char *keys[] = { "archive", "dest", "strip", NULL };

		if (only_keys(pp, a, keys, where) ||
		    get_path(pp, a, "archive", where, &s->u.extract.archive) ||
		    get_path(pp, a, "dest", where, &s->u.extract.dest) ||
		    get_long(pp, a, "strip", where, 0, 0, 16, &l))
			return -1;
		s->u.extract.strip = (int)l;
		return 0;
	}
	case ACTION_WRITE: {
		static const char *keys[] = { "path", "mode", "content", NULL };

		if (only_keys(pp, a, keys, where) ||
		    get_path(pp, a, "path", where, &s->u.write.path) ||
		    get_str(pp, a, "content", where, 1, 0, &s->u.write.content) ||
		    get_str(pp, a, "mode", where, 1, 0, &mode))
			return -1;   /* mode is the last: nothing of this function's is left to free */
		errno = 0;
		l = strtol(mode, &end, 8);
		if (*mode == '\0' || *end != '\0' || errno != 0 || l < 0 || l > 07777) {
			free(mode);
			ppath(pp, "%s.mode", where);
			return perr(pp, ynode_get(a, "mode"), "must be an octal mode such as \"0644\"");
		}
		free(mode);
		s->u.write.mode = (int)l;
		return 0;
	}
	case ACTION_ALTERNATIVE: {
		static const char *keys[] = { "name", "path", NULL };

		if (only_keys(pp, a, keys, where) ||
		    get_str(pp, a, "name", where, 1, 0, &s->u.alternative.name) ||
		    get_str(pp, a, "path", where, 1, 0, &s->u.alternative.path))
			return -1;
		return 0;
	}
	case ACTION_VALIDATE: {
		static const char *keys[] = { "expect", "python", "openblas_min", "numpy_min",
		    "scipy_min", "env", NULL };

		if (only_keys(pp, a, keys, where) ||
		    get_str(pp, a, "expect", where, 1, 0, &s->u.validate.expect) ||
		    get_str(pp, a, "python", where, 1, 0, &s->u.validate.python) ||
		    get_str(pp, a, "openblas_min", where, 0, 1, &s->u.validate.openblas_min) ||
		    get_str(pp, a, "numpy_min", where, 0, 1, &s->u.validate.numpy_min) ||
		    get_str(pp, a, "scipy_min", where, 0, 1, &s->u.validate.scipy_min) ||
		    get_strv(pp, a, "env", where, 0, 0, &s->u.validate.env))
			return -1;
		if (validate_expect_parse(s->u.validate.expect, &(const char *){ NULL },
		    &(const char *){ NULL }, NULL) != 0) {
			ppath(pp, "%s.expect", where);
			return perr(pp, ynode_get(a, "expect"), "must be openblas or blis, optionally "
			    "followed by :openmp, :pthreads or :serial");
		}
		return 0;
	}
	}
	return -1;
}

static int
parse_step(struct pparse *pp, const struct ynode *n, size_t idx, struct step *s)
{
	static const char *keys[] = { "id", "title", "why", "privileged", "skippable",
	    "est_seconds", "run", "download", "extract", "write", "alternative", "validate",
	    "check", NULL };
	char where[64], sub[96];
	const struct ynode *action = NULL, *check;
	long l;
	int nact = 0;

	snprintf(where, sizeof where, "steps[%zu]", idx);
	ppath(pp, "%s", where);
	if (n->type != YNODE_MAP)
		return perr(pp, n, "must be a map");
	if (only_keys(pp, n, keys, where) != 0)
		return -1;
	if (get_str(pp, n, "id", where, 1, 0, &s->id) ||
	    get_str(pp, n, "title", where, 1, 0, &s->title) ||
	    get_str(pp, n, "why", where, 1, 0, &s->why) ||
	    get_bool(pp, n, "privileged", where, &s->privileged) ||
	    get_bool(pp, n, "skippable", where, &s->skippable) ||
	    get_long(pp, n, "est_seconds", where, 1, 0, 7 * 86400, &l))
		return -1;
	s->est_seconds = (int)l;
	if (!step_id_ok(s->id)) {
		ppath(pp, "%s.id", where);
		return perr(pp, ynode_get(n, "id"), "'%s' is not [a-z0-9-]+", s->id);
	}
	for (int k = ACTION_RUN; k <= ACTION_VALIDATE; k++) {
		const struct ynode *a = ynode_get(n, action_kind_name(k));

		if (a == NULL)
			continue;
		if (nact++ > 0) {
			ppath(pp, "%s.%s", where, action_kind_name(k));
			return perr(pp, a, "a step has exactly one action (run, download, extract, "
			    "write, alternative, validate)");
		}
		s->kind = k;
		action = a;
	}
	if (action == NULL) {
		ppath(pp, "%s", where);
		return perr(pp, n, "a step needs one action (run, download, extract, write, "
		    "alternative, validate)");
	}
	snprintf(sub, sizeof sub, "%s.%s", where, action_kind_name(s->kind));
	if (parse_action(pp, action, sub, s) != 0)
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
	ppath(pp, "steps[%zu].id", dup);
	return perr(pp, ynode_get(steps->items[dup], "id"), "duplicate id '%s' (also steps[%zu])",
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

	ppath(&pp, "(document)");
	if (root == NULL || root->type != YNODE_MAP) {
		perr(&pp, root, "a plan is a map");
		goto fail;
	}
	if (only_keys(&pp, root, keys, "") != 0)
		goto fail;
	if (get_long(&pp, root, "armpy_plan", "", 1, 0, 1000, &v) != 0)
		goto fail;
	if (v != PLAN_SCHEMA) {
		perr(&pp, ynode_get(root, "armpy_plan"), "schema %ld is not supported (this armpy "
		    "reads %d)", v, PLAN_SCHEMA);
		goto fail;
	}
	if (get_str(&pp, root, "profile", "", 0, 1, &plan->profile_name) ||
	    get_str(&pp, root, "target", "", 1, 0, &plan->target) ||
	    get_strv(&pp, root, "warnings", "", 0, 0, &plan->warnings) ||
	    get_strv(&pp, root, "notes", "", 0, 0, &plan->notes))
		goto fail;
	steps = ynode_get(root, "steps");
	ppath(&pp, "steps");
	if (steps == NULL) {
		perr(&pp, root, "missing");
		goto fail;
	}
	if (steps->type != YNODE_SEQ) {
		perr(&pp, steps, "must be a list of steps");
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

/* undo-runs.c — which runs undo can pick, the reverse plan of one, and its undo as a run of its own (armpy undo and the wizard). */
/* SPDX-License-Identifier: MIT */
#include "action.h"
#include "armpy.h"
#include "plan.h"
#include "runs.h"
#include "undo.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *
undo_mark(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name), *text;
	size_t len;

	text = access(p, F_OK) == 0 ? file_read(p, 256, &len, NULL) : NULL;
	free(p);
	if (text != NULL)
		text[strcspn(text, "\n")] = '\0';
	return text;
}

int
undo_live(const struct run_info *ri)
{
	char *a = undo_mark(ri->dir, "undone"), *b = undo_mark(ri->dir, "undoes");
	int r = a == NULL && b == NULL && strcmp(ri->state, "running") != 0;

	free(a);
	free(b);
	return r;
}

/* A run's plan and records; -1 with *cause naming the run. */
static int
undo_read_run(const struct run_info *ri, struct plan **plan, struct undo_rec **recs, size_t *n,
    char **cause)
{
	char *path = xasprintf("%s/plan.yaml", ri->dir), *why = NULL;

	*plan = plan_load(path, &why);
	free(path);
	if (*plan != NULL && undo_load(ri->dir, *plan, recs, n, &why) == 0)
		return 0;
	cause_set(cause, "run %s: %s", ri->id, why);
	free(why);
	plan_free(*plan);
	*plan = NULL;
	return -1;
}

/* The packages the apt steps of the live runs after run i asked for (their dpkg checks). */
static char **
undo_wanted_later(const struct run_info *v, size_t n, size_t i, char **wanted)
{
	for (size_t j = i + 1; j < n; j++) {
		char *path = xasprintf("%s/plan.yaml", v[j].dir);
		struct plan *p = undo_live(&v[j]) && str_same(v[j].root, v[i].root) ?
		    plan_load(path, NULL) : NULL;

		for (size_t k = 0; p != NULL && k < p->nsteps; k++)
			if (p->steps[k].check.kind == CHECK_DPKG)
				wanted = strv_append_new(wanted, p->steps[k].check.packages);
		plan_free(p);
		free(path);
	}
	return wanted;
}

/* The newest live run after run i that recorded a change to what rec changed, or NULL. */
static const char *
undo_blame(const struct run_info *v, size_t n, size_t i, const struct undo_rec *rec)
{
	for (size_t j = n; j-- > i + 1;) {
		struct plan *p;
		struct undo_rec *r;
		size_t nr, k;
		int hit = 0;

		if (!undo_live(&v[j]) || !str_same(v[j].root, v[i].root) ||
		    undo_read_run(&v[j], &p, &r, &nr, NULL) != 0)
			continue;
		for (k = 0; k < nr && !hit; k++)
			hit = strcmp(r[k].what, rec->what) == 0 && str_same(r[k].name, rec->name) &&
			    str_same(r[k].path, rec->path);
		undo_recs_free(r, nr);
		plan_free(p);
		if (hit)
			return v[j].id;
	}
	return NULL;
}

/* Notes for the steps that ran but keep no record: they stay as they are. */
static void
undo_notes(struct plan *undo, const struct plan *run, const struct undo_rec *r, size_t n)
{
	for (size_t i = 0; i < run->nsteps; i++) {
		const struct step *s = &run->steps[i];
		size_t k = 0;

		while (k < n && strcmp(r[k].id, s->id) != 0)
			k++;
		if (k == n && s->kind != ACTION_VALIDATE)
			plan_note(undo, "step %s (%s) is not undone: it changed nothing armpy records, "
			    "or nothing at all", s->id, s->title != NULL ? s->title : "");
	}
}

/* The refusal of a conflict: the later run that changed it, or none armpy knows. */
static void
undo_refusal(const struct run_info *v, size_t n, size_t i, const struct undo_rec *r, size_t nr,
    const char *conflict, const char *why, char **later, char **cause)
{
	const char *by = NULL;

	for (size_t k = 0; k < nr && by == NULL; k++)
		if (strcmp(r[k].id, conflict) == 0)
			by = undo_blame(v, n, i, &r[k]);
	if (by != NULL) {
		*later = xstrdup(by);
		cause_set(cause, "run %s cannot be undone: %s, by run %s. Undo run %s first "
		    "(armpy undo %s), as dnf history undo asks for the later transaction", v[i].id,
		    why, by, by, by);
	} else
		cause_set(cause, "run %s cannot be undone: %s, by no run armpy knows (by hand, or "
		    "another tool). Put it back as the run left it first", v[i].id, why);
}

/* The reverse plan of the records r of run i (its plan run), or NULL with *cause. */
static struct plan *
undo_plan_built(const struct run_info *v, size_t n, size_t i, const struct plan *run,
    const struct undo_rec *r, size_t nr, int *conflicted, char **later, char **cause)
{
	struct undo_now *now = undo_now_open(v[i].root, cause);
	struct plan *plan;
	char *conflict = NULL, *why = NULL;

	if (now == NULL)
		return NULL;
	now->wanted = undo_wanted_later(v, n, i, now->wanted);
	plan = undo_build(v[i].id, run->target, r, nr, now, &conflict, &why);
	undo_now_free(now);
	if (plan == NULL && conflict != NULL) {
		*conflicted = 1;
		undo_refusal(v, n, i, r, nr, conflict, why, later, cause);
	} else if (plan == NULL)
		cause_set(cause, "run %s: %s", v[i].id, why);
	else
		undo_notes(plan, run, r, nr);
	free(conflict);
	free(why);
	return plan;
}

struct plan *
undo_plan_run(const struct run_info *v, size_t n, size_t i, int *conflicted, char **later,
    char **cause)
{
	struct plan *run = NULL, *plan = NULL;
	struct undo_rec *r = NULL;
	char *was = undo_mark(v[i].dir, "undone");
	size_t nr = 0;

	*conflicted = 0;
	*later = NULL;
	if (was != NULL)
		cause_set(cause, "run %s was undone already (by run %s)", v[i].id, was);
	else if (strcmp(v[i].state, "running") == 0)
		cause_set(cause, "run %s is still running", v[i].id);
	else if (v[i].root != NULL && v[i].root[0] != '/')
		cause_set(cause, "run %s names its --root as %s, relative to where it ran: armpy "
		    "cannot tell which directory to put back", v[i].id, quote_short(v[i].root));
	else if (undo_read_run(&v[i], &run, &r, &nr, cause) == 0)
		plan = undo_plan_built(v, n, i, run, r, nr, conflicted, later, cause);
	free(was);
	plan_free(run);
	undo_recs_free(r, nr);
	return plan;
}

char *
undo_run_dir(const struct run_info *ri, char **id, char **cause)
{
	char *dir = runs_create(id, cause), *p;
	int rc;

	if (dir == NULL)
		return NULL;
	p = xasprintf("%s/undoes", dir);
	rc = file_write_atomic(p, ri->id, strlen(ri->id), 0600, cause);
	free(p);
	if (rc == 0)
		return dir;
	free(dir);
	free(*id);
	*id = NULL;
	return NULL;
}

int
undo_mark_done(const struct run_info *ri, const char *id, char **cause)
{
	char *p = xasprintf("%s/undone", ri->dir);
	int rc = file_write_atomic(p, id, strlen(id), 0600, cause);

	free(p);
	return rc;
}

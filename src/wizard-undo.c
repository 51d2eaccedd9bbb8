/* wizard-undo.c — the wizard's Undo: past runs of its root, and one undone through armpy undo's own functions. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "plan.h"
#include "profile.h"
#include "runs.h"
#include "undo.h"
#include "wizard.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* 1 when a and b (NULL = /) are the same root directory. */
static int
same_root(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];
	const char *x = a != NULL ? a : "/", *y = b != NULL ? b : "/";

	if (realpath(x, ra) == NULL || realpath(y, rb) == NULL)
		return strcmp(x, y) == 0;
	return strcmp(ra, rb) == 0;
}

/* "profile-name, blis/pthreads" from the run's profile.yaml; what is known otherwise. */
static char *
run_what(const struct run_info *ri)
{
	char *path = xasprintf("%s/profile.yaml", ri->dir), *undoes = undo_mark(ri->dir, "undoes");
	struct profile *p = undoes == NULL ? profile_load(path, NULL) : NULL;
	char *t;

	if (p != NULL)
		t = xasprintf("%s, %s/%s", p->name != NULL ? p->name : ri->profile != NULL ?
		    ri->profile : "-", blas_library_name(p->blas.library),
		    blas_threading_name(p->blas.threading));
	else
		t = xstrdup(undoes != NULL ? "undo" : ri->profile != NULL ? ri->profile : "-");
	profile_free(p);
	free(path);
	free(undoes);
	return t;
}

/* What the list says of a run, and whether Undo is offered. */
static char *
run_status(const struct run_info *ri, int *undoable)
{
	char *undone = undo_mark(ri->dir, "undone"), *undoes = undo_mark(ri->dir, "undoes"), *t;

	*undoable = undo_live(ri) && strcmp(ri->state, "no-journal") != 0 &&
	    strcmp(ri->state, "corrupt") != 0 && strcmp(ri->state, "not-started") != 0;
	if (undone != NULL)
		t = xasprintf("undone by %s", undone);
	else if (undoes != NULL)
		t = xasprintf("undo of %s", undoes);
	else
		t = xstrdup(*undoable ? "undoable" : ri->state);
	free(undone);
	free(undoes);
	return t;
}

static void
run_fill(struct wizard_run *r, const struct run_info *ri)
{
	time_t t = ri->start;
	struct tm tm;
	char when[32] = "-";

	if (t > 0 && localtime_r(&t, &tm) != NULL)
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	r->id = xstrdup(ri->id);
	r->when = xstrdup(when);
	r->what = run_what(ri);
	r->status = run_status(ri, &r->undoable);
}

void
wizard_runs_load(const struct wizard *w, struct wizard_runs *l)
{
	size_t n;
	struct run_info *v = runs_list(&n);

	wizard_runs_clear(l);
	for (size_t i = n; i-- > 0;) {
		if (!same_root(v[i].root, w->root))
			continue;
		l->v = xreallocarray(l->v, (size_t)l->n + 1, sizeof *l->v);
		run_fill(&l->v[l->n++], &v[i]);
	}
	runs_list_free(v, n);
}

void
wizard_runs_clear(struct wizard_runs *l)
{
	for (int i = 0; i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].when);
		free(l->v[i].what);
		free(l->v[i].status);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
wizard_undo_free(struct wizard_undo *u)
{
	if (u == NULL)
		return;
	free(u->run_id);
	free(u->undo_id);
	free(u);
}

/* The index of run id in v, n when there is none. */
static size_t
run_index(const struct run_info *v, size_t n, const char *id)
{
	size_t i = 0;

	while (i < n && strcmp(v[i].id, id) != 0)
		i++;
	return i;
}

int
wizard_undo_choose(struct wizard *w, const char *id, int *conflicted, char **cause)
{
	size_t n, i;
	struct run_info *v = runs_list(&n);
	struct plan *plan = NULL;
	char *later = NULL;

	*conflicted = 0;
	if ((i = run_index(v, n, id)) == n)
		cause_set(cause, "no run '%s' (see armpy runs)", id);
	else if (!same_root(v[i].root, w->root))
		cause_set(cause, "run %s ran in another root (%s)", id, v[i].root != NULL ?
		    v[i].root : "/");
	else
		plan = undo_plan_run(v, n, i, conflicted, &later, cause);
	runs_list_free(v, n);
	free(later);
	if (plan == NULL)
		return -1;
	plan_free(w->plan);
	w->plan = plan;
	free(w->plan_cause);
	w->plan_cause = NULL;
	wizard_undo_free(w->undo);
	w->undo = xcalloc(1, sizeof *w->undo);
	w->undo->run_id = xstrdup(id);
	w->cursor[WS_REVIEW] = w->top[WS_REVIEW] = 0;
	return 0;
}

void
wizard_undo_cancel(struct wizard *w)
{
	if (w->undo == NULL)
		return;
	wizard_undo_free(w->undo);
	w->undo = NULL;
	w->cursor[WS_REVIEW] = w->top[WS_REVIEW] = 0;
	plan_free(w->plan);            /* the reverse plan: the caller replans the answers */
	w->plan = NULL;
}

int
wizard_next_screen(const struct wizard *w, int screen)
{
	if (w->undo == NULL)
		return screen + 1 < WS_COUNT ? screen + 1 : screen;
	switch (screen) {
	case WS_WELCOME: return WS_REVIEW;
	case WS_REVIEW: return WS_INSTALL;
	default: return WS_DONE;
	}
}

int
wizard_prev_screen(const struct wizard *w, int screen)
{
	if (w->undo == NULL)
		return screen > 0 ? screen - 1 : screen;
	switch (screen) {
	case WS_DONE: return WS_INSTALL;
	case WS_INSTALL: return WS_REVIEW;
	default: return WS_WELCOME;
	}
}

/* The undo's run in the list of runs (loaded again: the run may have changed meanwhile). */
static int
undo_with_run(struct wizard *w, char *(*fn)(struct wizard *, const struct run_info *, char **),
    char **out, char **cause)
{
	size_t n, i;
	struct run_info *v = runs_list(&n);

	*out = NULL;
	if (w->undo == NULL || (i = run_index(v, n, w->undo->run_id)) == n)
		cause_set(cause, "the run to undo is gone from the state directory");
	else
		*out = fn(w, &v[i], cause);
	runs_list_free(v, n);
	return *out != NULL ? 0 : -1;
}

static char *
begin_fn(struct wizard *w, const struct run_info *ri, char **cause)
{
	free(w->undo->undo_id);
	w->undo->undo_id = NULL;
	return undo_run_dir(ri, &w->undo->undo_id, cause);
}

char *
wizard_undo_begin(struct wizard *w, char **cause)
{
	char *dir;

	undo_with_run(w, begin_fn, &dir, cause);
	return dir;
}

static char *
end_fn(struct wizard *w, const struct run_info *ri, char **cause)
{
	return undo_mark_done(ri, w->undo->undo_id, cause) == 0 ? xstrdup("") : NULL;
}

int
wizard_undo_end(struct wizard *w, int result, char **cause)
{
	char *done;

	if (result != 0 || w->undo == NULL || w->undo->undo_id == NULL)
		return 0;
	if (undo_with_run(w, end_fn, &done, cause) != 0)
		return -1;
	free(done);
	return 0;
}

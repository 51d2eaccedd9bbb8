/* validate.c — screen 9: which BLAS/LAPACK serve NumPy, verdicts, versions, GFLOPS bars. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "plan.h"
#include "screen.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_W 28          /* "BLIS zen3 1t N=1000", "NumPy 2t N=2000" */
#define BAR_W (COLS - 48)

/* The state while shown. */
struct validate_screen {
	char *skipped;            /* why validation did not run, or a note above it */
	int started;              /* the start hook has run */
};

/* The options of the plan's validate step, or the profile's BLAS when it has none. */
static void
validate_options(const struct wizard *w, struct validate_opts *o)
{
	const struct step *vs = NULL;

	for (size_t i = 0; w->plan != NULL && i < w->plan->nsteps; i++)
		if (w->plan->steps[i].kind == ACTION_VALIDATE)
			vs = &w->plan->steps[i];
	memset(o, 0, sizeof *o);
	o->root = w->root;
	if (vs != NULL) {
		o->python = vs->u.validate.python;
		o->expect = vs->u.validate.expect;
		o->env = vs->u.validate.env;
	} else
		o->expect = blas_library_name(w->profile->blas.library);
	o->quick = w->facts->emulated;
	o->facts = w->facts;
}

/* Cheap: only says why validation will not run, or that the install did not finish. */
static void
validate_enter(struct wizard *w, void *state)
{
	struct validate_screen *v = state;

	if (w->validation != NULL)
		return;
	if (w->dry_run)
		v->skipped = xstrdup("The install was a dry run, so there is nothing to validate "
		    "yet. `armpy validate` checks any Python later.");
	else if (w->exec_status != 0)
		v->skipped = xasprintf("The install did not finish (status %d); validation runs "
		    "anyway below when a Python is there.", w->exec_status);
}

/* After the first draw: the report the plan's validate step made, or, when no validate step
 * ran (the plan has none, or the install stopped before it), the probe under a busy box
 * (once: the report stays in the wizard). */
static void
validate_start(struct wizard *w, void *state)
{
	struct validate_screen *v = state;
	struct validate_opts o;
	char *cause = NULL;

	v->started = 1;
	if (w->validation != NULL || w->dry_run)
		return;
	if (w->validate_ran) {
		free(v->skipped);
		v->skipped = xstrdup("The plan's validate step could not run the probe; the install "
		    "screen and the log say why. `armpy validate` runs it again.");
		return;
	}
	validate_options(w, &o);
	tui_busy("Validation", "Asking NumPy which BLAS and LAPACK serve it, and timing "
	    "dgemm...");
	w->validation = validate_run(&o, &cause);
	if (w->validation == NULL) {
		free(v->skipped);
		v->skipped = xasprintf("Validation could not run: %s", cause ? cause : "?");
	}
	free(cause);
}

static void
validate_leave(struct wizard *w, void *state)
{
	struct validate_screen *v = state;

	(void)w;
	free(v->skipped);
}

static void
lib_row(WINDOW *win, int y, const char *what, const struct validate_lib *l)
{
	char *t = xasprintf("%-8s %s %s%s%s%s  %s", what, l->kind ? l->kind : "unknown",
	    l->version ? l->version : "", l->corename ? " core " : "", l->corename ? l->corename :
	    "", l->threading ? "" : "", l->path ? l->path : "");
	tui_put(win, y, 1, COLS - 2, TUI_NORMAL, t);
	free(t);
}

static void
validate_draw(struct wizard *w, void *state, WINDOW *win)
{
	const struct validate_screen *v = state;
	const struct validate_report *r = w->validation;
	int y = TUI_TOP, maxrows;
	double max;
	char *t;

	if (r == NULL) {
		tui_wrap(win, y, 1, COLS - 2, 6, TUI_WARN, v->skipped ? v->skipped : v->started ?
		    "Not validated." : "Validating...");
		return;
	}
	t = xasprintf("%s   NumPy %s (floor %s)   SciPy %s (floor %s)", validate_passed(r) ?
	    "PASS" : "FAIL", r->numpy_version ? r->numpy_version : "-", FLOOR_NUMPY,
	    r->scipy_version ? r->scipy_version : "-", FLOOR_SCIPY);
	tui_put(win, y++, 1, COLS - 2, validate_passed(r) ? TUI_GOOD : TUI_BAD, t);
	free(t);
	lib_row(win, y++, "BLAS", &r->blas);
	lib_row(win, y++, "LAPACK", &r->lapack);
	maxrows = LINES - 3 - y - 5 - w->bench.n;
	if (maxrows < 2)
		maxrows = 2;
	for (int i = 0; i < r->nchecks && i < maxrows; i++) {
		const struct validate_check *c = &r->checks[i];
		enum tui_kind k = c->verdict == VERDICT_PASS ? TUI_GOOD : c->verdict ==
		    VERDICT_WARN ? TUI_WARN : c->verdict == VERDICT_FAIL ? TUI_BAD : TUI_NORMAL;
		tui_put(win, y, 2, 5, k, verdict_name(c->verdict));
		t = xasprintf("%-20s %s", c->name, c->detail ? c->detail : "");
		tui_put(win, y++, 8, COLS - 9, TUI_NORMAL, t);
		free(t);
	}
	y++;
	tui_put(win, y++, 1, COLS - 2, TUI_HEAD, "dgemm GFLOPS");
	max = r->gflops_1 > r->gflops_all ? r->gflops_1 : r->gflops_all;
	if (r->peak_gflops > max)
		max = r->peak_gflops;
	for (int i = 0; i < w->bench.n; i++)
		if (w->bench.rows[i].gflops > max)
			max = w->bench.rows[i].gflops;
	t = wizard_speed_label("NumPy", NULL, 1, r->n_1, LABEL_W);
	tui_barrow(win, y++, 2, t, LABEL_W, r->gflops_1, max, BAR_W, "GFLOPS");
	free(t);
	t = wizard_speed_label("NumPy", NULL, r->threads_all, r->n_all, LABEL_W);
	tui_barrow(win, y++, 2, t, LABEL_W, r->gflops_all, max, BAR_W, "GFLOPS");
	free(t);
	if (r->peak_gflops > 0)
		tui_barrow(win, y++, 2, "peak (est.)", LABEL_W, r->peak_gflops, max, BAR_W,
		    "GFLOPS");
	/* Each library, when `b` ran armpy gflops on the BLAS screen. */
	for (int i = 0; i < w->bench.n && y < LINES - 3; i++) {
		t = wizard_bench_label(&w->bench.rows[i], LABEL_W);
		tui_barrow(win, y++, 2, t, LABEL_W, w->bench.rows[i].gflops, max, BAR_W, "GFLOPS");
		free(t);
	}
	if (r->emulated)
		tui_put(win, y, 2, COLS - 3, TUI_WARN, "emulated: timings are not this CPU's speed");
}

static int
validate_key(struct wizard *w, void *state, int key)
{
	char *t;

	(void)state;
	if (key == 'v' && w->validation != NULL) {
		t = validate_to_text(w->validation);
		tui_pager("Validation report", t);
		free(t);
		return SCREEN_STAY;
	}
	return SCREEN_PASS;
}

const struct screen screen_validate = {
	.name = "validate",
	.title = "Validation",
	.state_size = sizeof(struct validate_screen),
	.enter = validate_enter,
	.start = validate_start,
	.draw = validate_draw,
	.key = validate_key,
	.leave = validate_leave,
	.help = "The probe asks NumPy's own modules which library serves cblas_dgemm and "
	    "dgetrf, checks versions against the floors of the DevKit guide (Python on Arm64): "
	    "OpenBLAS 0.3.17, NumPy 1.21.1, SciPy 1.7.2; and times dgemm with one thread and "
	    "with all. Each GFLOPS row names what ran, its threads (1t) and its matrix size N; "
	    "NumPy rows are the probe's, the others armpy gflops's (b on the BLAS screen).",
	.legend = "v full report  Enter next  ? help  q quit",
};

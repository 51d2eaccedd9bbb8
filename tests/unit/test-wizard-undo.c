/* test-wizard-undo.c — the wizard's Undo without curses: real runs in a temp state dir listed, a conflict refused naming the later run, an undo run as the install screen runs it. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "action.h"
#include "armpy.h"
#include "exec.h"
#include "facts.h"
#include "plan.h"
#include "profile.h"
#include "runs.h"
#include "undo.h"
#include "wizard.h"

static char statedir[] = "/tmp/armpy-test-wizard-undo.XXXXXX";
static char *conf;

/* A plan of one unprivileged write of content to conf, run for real (root /, as test-exec). */
static void
run_write(const char *name, const char *content)
{
	struct plan *p = plan_new();
	struct step *s;
	struct exec_opts o;
	struct exec *e;
	struct profile *prof = profile_new();
	char *cause = NULL, *yaml;

	prof->name = xstrdup(name);
	prof->blas.library = BLAS_BLIS;
	yaml = profile_to_yaml(prof);
	p->target = xstrdup("test");
	p->profile_name = xstrdup(name);
	s = plan_add(p, "conf", "Write the test configuration", "test");
	s->kind = ACTION_WRITE;
	s->u.write.path = xstrdup(conf);
	s->u.write.mode = 0644;
	s->u.write.content = xstrdup(content);
	memset(&o, 0, sizeof o);
	o.profile_yaml = yaml;
	e = exec_new(p, &o, NULL);
	if (exec_run(e, &cause) != EXEC_OK)
		fail_msg("run %s: %s", name, cause);   /* "the target root / is in use": run again */
	exec_free(e);
	plan_free(p);
	profile_free(prof);
	free(yaml);
}

static enum blas_threading
profile_new_threading(void)
{
	struct profile *p = profile_new();
	enum blas_threading t = p->blas.threading;

	profile_free(p);
	return t;
}

static char *
conf_text(void)
{
	size_t len;

	return file_read(conf, 100, &len, NULL);
}

/* The undo of w's chosen run, as the install screen runs it. */
static void
run_undo(struct wizard *w)
{
	struct exec_opts o;
	struct exec *e;
	char *cause = NULL, *dir = wizard_undo_begin(w, &cause);

	assert_non_null(dir);
	memset(&o, 0, sizeof o);
	o.run_dir = dir;
	e = exec_new(w->plan, &o, NULL);
	if (exec_run(e, &cause) != EXEC_OK)
		fail_msg("the undo: %s", cause);
	exec_free(e);
	assert_int_equal(wizard_undo_end(w, EXEC_OK, &cause), 0);
	free(dir);
}

static void
test_wizard_undo(void **state)
{
	struct wizard *w = wizard_new(facts_new(), NULL);
	struct wizard_runs l = { 0 };
	struct plan *answers = w->plan;
	char *cause = NULL, *t, *a, *b, *u, *mark;
	int conflicted;

	(void)state;
	run_write("undo-a", "a\n");
	run_write("undo-b", "b\n");
	wizard_runs_load(w, &l);
	assert_int_equal(l.n, 2);
	assert_true(l.v[0].undoable && l.v[1].undoable);
	assert_string_equal(l.v[0].status, "undoable");
	t = xasprintf("undo-b, blis/%s", blas_threading_name(profile_new_threading()));
	assert_string_equal(l.v[0].what, t);    /* newest first, its profile and BLAS */
	free(t);
	b = xstrdup(l.v[0].id);
	a = xstrdup(l.v[1].id);

	/* a later run rewrote the file: refused, naming it; nothing changes */
	assert_int_equal(wizard_undo_choose(w, a, &conflicted, &cause), -1);
	assert_true(conflicted);
	t = xasprintf("by run %s. Undo run %s first", b, b);
	assert_non_null(strstr(cause, t));
	free(t);
	free(cause);
	cause = NULL;
	assert_null(w->undo);
	assert_ptr_equal(w->plan, answers);
	assert_int_equal(wizard_next_screen(w, WS_WELCOME), WS_DISTRO);

	/* the later run: its reverse plan, the undo screens, run as a run of its own */
	assert_int_equal(wizard_undo_choose(w, b, &conflicted, &cause), 0);
	assert_non_null(w->undo);
	assert_int_equal(w->plan->nsteps, 1);
	assert_int_equal(w->plan->steps[0].kind, ACTION_WRITE);
	assert_string_equal(w->plan->steps[0].u.write.content, "a\n");
	assert_int_equal(wizard_next_screen(w, WS_WELCOME), WS_REVIEW);
	assert_int_equal(wizard_next_screen(w, WS_REVIEW), WS_INSTALL);
	assert_int_equal(wizard_next_screen(w, WS_INSTALL), WS_DONE);
	assert_int_equal(wizard_prev_screen(w, WS_REVIEW), WS_WELCOME);
	run_undo(w);
	t = conf_text();
	assert_string_equal(t, "a\n");
	free(t);
	u = xstrdup(w->undo->undo_id);
	t = runs_find(b);
	mark = undo_mark(t, "undone");
	assert_string_equal(mark, u);          /* the mark armpy undo reads */
	free(mark);
	free(t);
	wizard_runs_load(w, &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].id, u);
	t = xasprintf("undo of %s", b);
	assert_string_equal(l.v[0].status, t);
	free(t);
	t = xasprintf("undone by %s", u);
	assert_string_equal(l.v[1].status, t);
	free(t);
	assert_false(l.v[0].undoable || l.v[1].undoable);
	assert_true(l.v[2].undoable);
	wizard_undo_cancel(w);
	assert_null(w->undo);
	assert_null(w->plan);                  /* the reverse plan is gone: the caller replans */
	wizard_replan(w);
	assert_int_equal(wizard_prev_screen(w, WS_REVIEW), WS_EXTRAS);

	/* now the earlier one: the file as before both */
	assert_int_equal(wizard_undo_choose(w, a, &conflicted, &cause), 0);
	run_undo(w);
	t = conf_text();
	assert_string_equal(t, "before\n");
	free(t);
	wizard_runs_clear(&l);
	wizard_undo_free(w->undo);
	wizard_free(w);
	free(a);
	free(b);
	free(u);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

/* A run whose --root was a relative path is refused: from another directory it names another
 * tree. */
static void
test_relative_root(void **state)
{
	struct run_info ri = { .id = "20261206-000000-1", .dir = statedir, .root = "tree",
	    .state = "ok" };
	char *later = NULL, *cause = NULL;
	int conflicted;

	(void)state;
	assert_null(undo_plan_run(&ri, 1, 0, &conflicted, &later, &cause));
	assert_non_null(strstr(cause, "relative to where it ran"));
	assert_false(conflicted);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wizard_undo),
		cmocka_unit_test(test_relative_root),
	};
	int rc;

	if (mkdtemp(statedir) == NULL)
		return 1;
	setenv("ARMPY_STATE_DIR", statedir, 1);
	conf = xasprintf("%s/conf", statedir);
	file_write_atomic(conf, "before\n", 7, 0644, NULL);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (nftw(statedir, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		rc = 1;
	free(conf);
	return rc;
}

/* act-alternative.c — alternative steps: update-alternatives --set, previous value journaled. */
/* SPDX-License-Identifier: MIT */
#include "action.h"
#include "armpy.h"
#include "exec-int.h"
#include "journal.h"
#include "plan.h"
#include "rootdir.h"
#include "undo.h"
#include "ydoc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void alternative_describe(const struct step *, struct step_desc *);

/* Runs the described update-alternatives, the value it replaces journaled first. */
static int
act_alternative(struct exec *e, const struct step *s, char **cause)
{
	struct step_desc d = { NULL, 0 };
	char *prev, *id, *v;
	int status, rc;

	if (s->u.alternative.name == NULL || s->u.alternative.path == NULL) {
		cause_set(cause, "an alternative step needs name and path");
		return -1;
	}
	prev = undo_alt_link(exec_rootdir(e), s->u.alternative.name);
	id = journal_escape(s->id);
	v = journal_escape(prev);
	journal_append(exec_journal(e), 1, "prev %s %s", id, v);
	exec_logf(e, "alternative %s: was %s, setting %s", s->u.alternative.name,
	    prev != NULL ? prev : "(none)", s->u.alternative.path);
	free(id);
	free(v);
	free(prev);
	alternative_describe(s, &d);
	rc = spawn_described(e, &d, 0, 0, &status, cause);
	step_desc_free(&d);
	return rc;
}

static int
alternative_parse(struct pparse *pp, const struct ynode *a, const char *where, struct step *s)
{
	static const char *const keys[] = { "name", "path", NULL };

	return pp_keys(pp, a, keys, where) ||
	    pp_str(pp, a, "name", where, 1, 0, &s->u.alternative.name) ||
	    pp_str(pp, a, "path", where, 1, 0, &s->u.alternative.path) ||
	    pp_name(pp, a, "name", where, s->u.alternative.name) ||
	    pp_file(pp, a, "path", where, s->u.alternative.path, 1) ? -1 : 0;
}

static void
alternative_emit(struct yemit *y, const struct step *s)
{
	yemit_kv_str(y, "name", s->u.alternative.name);
	yemit_kv_str(y, "path", s->u.alternative.path);
}

/* update-alternatives --set NAME PATH, as root (chrooted with --root). */
static void
alternative_describe(const struct step *s, struct step_desc *d)
{
	struct desc_entry *x = step_desc_add(d, DESC_COMMAND, 0);

	x->argv = strv_pushl(strv_new(), "update-alternatives", "--set", s->u.alternative.name,
	    s->u.alternative.path, NULL);
	x->privileged = 1;
	x->timeout = 120;
}

static void
alternative_clear(struct step *s)
{
	free(s->u.alternative.name);
	free(s->u.alternative.path);
}

static int
alternative_equal(const struct step *a, const struct step *b)
{
	return str_same(a->u.alternative.name, b->u.alternative.name) &&
	    str_same(a->u.alternative.path, b->u.alternative.path);
}

/* The value and mode it replaces (the journal's prev record says the value too). */
static int
alternative_record(struct exec *e, const struct step *s, int after, char **cause)
{
	struct undo_rec r = { 0 };
	int rc;

	if (after)
		return 0;
	r.what = xstrdup("alternative");
	r.name = xstrdup(s->u.alternative.name);
	r.set = xstrdup(s->u.alternative.path);
	r.prev = undo_alt_link(exec_rootdir(e), s->u.alternative.name);
	r.was_auto = undo_alt_auto(exec_rootdir(e), s->u.alternative.name);
	rc = undo_save(e, s, &r, cause);
	undo_rec_clear(&r);
	return rc;
}

/* Back to auto, or --set to the previous path; refused when it points elsewhere now. */
static int
alternative_reverse(const struct undo_rec *r, const struct undo_now *now, struct plan *p,
    char **cause)
{
	int is_auto = 0, rc = 0;
	char *cur = now->alternative(now->arg, r->name, &is_auto);
	struct step *s;

	if (str_same(cur, r->prev) && is_auto == r->was_auto)
		undo_note(p, "the alternative %s is as it was before the run", r->name);
	else if (!str_same(cur, r->set)) {
		cause_set(cause, "the alternative %s points at %s, not at %s as the run set it",
		    r->name, cur != NULL ? cur : "nothing", r->set);
		rc = 1;
	} else if (r->was_auto)
		undo_add_run(p, r, NULL, "Put the alternative back in automatic mode", 1,
		    "update-alternatives", "--auto", r->name, NULL);
	else if (r->prev != NULL) {
		s = undo_add(p, r, NULL, "Point the alternative back where it pointed",
		    ACTION_ALTERNATIVE);
		s->privileged = 1;
		s->u.alternative.name = xstrdup(r->name);
		s->u.alternative.path = xstrdup(r->prev);
	} else
		undo_note(p, "the alternative %s did not exist before the run: it goes with the "
		    "packages that provide it", r->name);
	free(cur);
	return rc;
}

const struct action_ops act_alternative_ops = {
	.kind = ACTION_ALTERNATIVE,
	.name = "alternative",
	.uses_sudo = 1,
	.parse = alternative_parse,
	.emit = alternative_emit,
	.describe = alternative_describe,
	.execute = act_alternative,
	.clear = alternative_clear,
	.equal = alternative_equal,
	.record = alternative_record,
	.reverse = alternative_reverse,
};

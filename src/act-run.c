/* act-run.c — run steps: exactly the described command, through the step spawn (spawn.c). */
/* SPDX-License-Identifier: MIT */
#include "action.h"
#include "armpy.h"
#include "exec-int.h"
#include "journal.h"
#include "plan.h"
#include "undo.h"
#include "ydoc.h"

#include <stdlib.h>
#include <string.h>

/* An apt step an earlier run started and did not finish: a killed session can leave dpkg
 * interrupted (a package half unpacked), and then every apt-get stops with "dpkg was
 * interrupted, you must manually run 'dpkg --configure -a'". Run that first, as apt asks (a
 * no-op when nothing is pending); if it fails, the step's own apt-get says why. */
void
run_apt_repair(struct exec *e, const struct step *s)
{
	static char *const argv[] = { "dpkg", "--configure", "-a", NULL };
	static char *const env[] = { "DEBIAN_FRONTEND=noninteractive", NULL };
	struct spawn sp = { .argv = argv, .env = env, .privileged = s->privileged };
	char *cause = NULL;
	int status = -1;

	exec_logf(e, "step %s: an earlier run left it unfinished: dpkg --configure -a", s->id);
	exec_progress(e, -1, "finishing what dpkg left: dpkg --configure -a");
	if (spawn_step(e, &sp, &status, &cause) != 0 || status != 0)
		exec_logf(e, "step %s: dpkg --configure -a: %s", s->id,
		    cause != NULL ? cause : "failed");
	free(cause);
}

static void run_describe(const struct step *, struct step_desc *);

/* Exactly the described command: argv, env, cwd, timeout, privileged. */
static int
act_run(struct exec *e, const struct step *s, char **cause)
{
	struct step_desc d = { NULL, 0 };
	int status, rc;

	run_describe(s, &d);
	rc = spawn_described(e, &d, 0, 0, &status, cause);
	step_desc_free(&d);
	return rc;
}

static int
run_parse(struct pparse *pp, const struct ynode *a, const char *where, struct step *s)
{
	static const char *const keys[] = { "argv", "env", "cwd", "timeout", NULL };
	long l;

	if (pp_keys(pp, a, keys, where) ||
	    pp_strv(pp, a, "argv", where, 1, 1, &s->u.run.argv) ||
	    pp_strv(pp, a, "env", where, 0, 0, &s->u.run.env) ||
	    pp_str(pp, a, "cwd", where, 0, 0, &s->u.run.cwd) ||
	    (s->u.run.cwd != NULL && pp_abs_path(pp, a, "cwd", where, s->u.run.cwd)) ||
	    pp_long(pp, a, "timeout", where, 0, 0, 7 * 86400, &l) ||
	    pp_env(pp, a, "env", where, s->u.run.env))
		return -1;
	s->u.run.timeout = (int)l;
	return 0;
}

static void
run_yaml(struct yemit *y, const struct step *s)
{
	yemit_kv_strv(y, "argv", s->u.run.argv, 1);
	if (s->u.run.env != NULL && s->u.run.env[0] != NULL)
		yemit_kv_strv(y, "env", s->u.run.env, 0);
	if (s->u.run.cwd != NULL)
		yemit_kv_str(y, "cwd", s->u.run.cwd);
	if (s->u.run.timeout != 0)
		yemit_kv_long(y, "timeout", s->u.run.timeout);
}

static void
run_describe(const struct step *s, struct step_desc *d)
{
	struct desc_entry *x = step_desc_add(d, DESC_COMMAND, 0);

	x->argv = strv_dup(s->u.run.argv);
	x->env = s->u.run.env != NULL && s->u.run.env[0] != NULL ? strv_dup(s->u.run.env) : NULL;
	x->cwd = s->u.run.cwd != NULL ? xstrdup(s->u.run.cwd) : NULL;
	x->timeout = s->u.run.timeout;
	x->privileged = s->privileged;
}

static void
run_clear(struct step *s)
{
	strv_free(s->u.run.argv);
	strv_free(s->u.run.env);
	free(s->u.run.cwd);
}

static int
run_equal(const struct step *a, const struct step *b)
{
	return strv_eq(a->u.run.argv, b->u.run.argv) && strv_eq(a->u.run.env, b->u.run.env) &&
	    str_same(a->u.run.cwd, b->u.run.cwd) && a->u.run.timeout == b->u.run.timeout;
}

static int
run_is_install(const struct step *s)
{
	return apt_is_apt(s->u.run.argv) && strv_contains(s->u.run.argv, "install");
}

/* An apt install: the packages installed before it (and after it, once it succeeded); a
 * venv: its directory when there was none. Other commands: nothing (undo says so). */
static int
run_record(struct exec *e, const struct step *s, int after, char **cause)
{
	struct undo_rec r = { 0 };
	const char *venv = undo_venv_dir(s->u.run.argv);
	int rc;

	if (venv != NULL)
		return after ? 0 : undo_record_made(e, s, venv, cause);
	if (!run_is_install(s))
		return 0;
	if (after)
		return undo_save_after(e, s, cause);
	r.what = xstrdup("packages");
	r.before = undo_installed(exec_rootdir(e));
	rc = undo_save(e, s, &r, cause);
	undo_rec_clear(&r);
	return rc;
}

static int
run_reverse(const struct undo_rec *r, const struct undo_now *now, struct plan *p,
    char **cause)
{
	return strcmp(r->what, "packages") == 0 ? undo_reverse_packages(r, now, p, cause) :
	    undo_reverse_made(r, now, p, cause);
}

const struct action_ops act_run_ops = {
	.kind = ACTION_RUN,
	.name = "run",
	.uses_sudo = 1,
	.parse = run_parse,
	.emit = run_yaml,
	.describe = run_describe,
	.execute = act_run,
	.clear = run_clear,
	.equal = run_equal,
	.record = run_record,
	.reverse = run_reverse,
};

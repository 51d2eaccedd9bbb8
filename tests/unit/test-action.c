/* test-action.c — every action and check kind: round trip field by field, what runs is what is described, the listing. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "action.h"
#include "armpy.h"
#include "exec-int.h"
#include "progress.h"
#include "journal.h"
#include "plan.h"
#include "rootdir.h"
#include "ydoc.h"

#define SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* ---- steps with every field set to a value that is not its default ---- */

static void
fill_run(struct step *s)
{
	s->u.run.argv = strv_pushl(strv_new(), "/usr/bin/make", "-j2", "install", NULL);
	s->u.run.env = strv_pushl(strv_new(), "CC=gcc", "PKG_CONFIG_PATH=~/.cache/pc", NULL);
	s->u.run.cwd = xstrdup("~/src/x");
	s->u.run.timeout = 77;
}

static void
fill_download(struct step *s)
{
	s->u.download.url = xstrdup("https://127.0.0.1:1/x.tar.gz");
	s->u.download.sha256 = xstrdup(SHA);
	s->u.download.dest = xstrdup("~/.cache/armpy/x.tar.gz");
	s->u.download.size = 123456;
}

static void
fill_extract(struct step *s)
{
	s->u.extract.archive = xstrdup("~/.cache/armpy/missing.tar.gz");
	s->u.extract.dest = xstrdup("~/.cache/armpy/src/x");
	s->u.extract.strip = 2;
}

static void
fill_write(struct step *s)
{
	s->u.write.path = xstrdup("~/.config/armpy-test/x.conf");
	s->u.write.mode = 0640;
	s->u.write.content = xstrdup("a = 1\nb = 2\n");
}

static void
fill_alternative(struct step *s)
{
	s->u.alternative.name = xstrdup("libblas.so.3-aarch64-linux-gnu");
	s->u.alternative.path = xstrdup("/usr/lib/aarch64-linux-gnu/blis-openmp/libblas.so.3");
}

static void
fill_validate(struct step *s)
{
	s->u.validate.expect = xstrdup("blis");
	s->u.validate.python = xstrdup("~/.venvs/armpy/bin/python");
	s->u.validate.openblas_min = xstrdup("0.3.17");
	s->u.validate.numpy_min = xstrdup("1.21.1");
	s->u.validate.scipy_min = xstrdup("1.7.2");
	s->u.validate.env = strv_pushl(strv_new(), "OMP_NUM_THREADS=3", "BLIS_NUM_THREADS=3",
	    NULL);
}

static const struct {
	enum action_kind kind;
	void (*fill)(struct step *);
} fillers[] = {
	{ ACTION_RUN, fill_run }, { ACTION_DOWNLOAD, fill_download },
	{ ACTION_EXTRACT, fill_extract }, { ACTION_WRITE, fill_write },
	{ ACTION_ALTERNATIVE, fill_alternative }, { ACTION_VALIDATE, fill_validate },
};

static void
fill_check(struct step_check *c, enum check_kind k)
{
	c->kind = k;
	switch (k) {
	case CHECK_DPKG:
		c->packages = strv_pushl(strv_new(), "python3-numpy", "libblas3:arm64", NULL);
		break;
	case CHECK_RPM:
		c->packages = strv_pushl(strv_new(), "openblas", "python3-numpy", NULL);
		break;
	case CHECK_ALTERNATIVE:
		c->name = xstrdup("liblapack.so.3-aarch64-linux-gnu");
		c->path = xstrdup("/usr/lib/aarch64-linux-gnu/openblas-openmp/liblapack.so.3");
		break;
	case CHECK_FILE:
		c->path = xstrdup("~/.venvs/armpy/bin/python");
		c->sha256 = xstrdup(SHA);
		break;
	case CHECK_COMMAND:
		c->argv = strv_pushl(strv_new(), "~/.venvs/armpy/bin/python", "-c", "import numpy",
		    NULL);
		break;
	case CHECK_NONE:
		break;
	}
}

/* A step of kind k (its filler found in the table above: a new kind without one fails). */
static struct step *
add_step(struct plan *p, enum action_kind k, enum check_kind ck, const char *id)
{
	struct step *s = plan_add(p, id, "a title", "a reason");
	size_t i;

	for (i = 0; i < nitems(fillers) && fillers[i].kind != k; i++)
		;
	if (i == nitems(fillers))
		fail_msg("no filler for the action kind %s: add one here", action_kind_name(k));
	s->kind = k;
	s->privileged = 1;
	s->skippable = 1;
	s->est_seconds = 42;
	fillers[i].fill(s);
	fill_check(&s->check, ck);
	return s;
}

static struct plan *
reparse(const struct plan *p)
{
	char *yaml = plan_to_yaml(p), *cause = NULL;
	struct ynode *root = ydoc_parse(yaml, strlen(yaml), "P.yaml", &cause);
	struct plan *back;

	if (root == NULL)
		fail_msg("%s", cause);
	back = plan_from_node(root, "P.yaml", &cause);
	if (back == NULL)
		fail_msg("%s\n%s", cause, yaml);
	ynode_free(root);
	free(yaml);
	return back;
}

/* Every action kind with every check kind (and none): emit, parse, and the parsed step
 * equal to the original field by field (not emit against emit). */
static void
test_round_trip(void **state)
{
	const struct action_ops *ops;
	const struct check_ops *c;
	struct plan *p = plan_new(), *back;
	char id[32];

	(void)state;
	p->target = xstrdup("debian-12 aarch64");
	for (size_t i = 0; (ops = action_ops_at(i)) != NULL; i++) {
		snprintf(id, sizeof id, "a%zu", i);
		add_step(p, ops->kind, CHECK_NONE, id);
		for (size_t j = 0; (c = check_ops_at(j)) != NULL; j++) {
			snprintf(id, sizeof id, "a%zu-c%zu", i, j);
			add_step(p, ops->kind, c->kind, id);
		}
	}
	back = reparse(p);
	assert_int_equal(back->nsteps, p->nsteps);
	for (size_t i = 0; i < p->nsteps; i++)
		if (!step_equal(&p->steps[i], &back->steps[i]))
			fail_msg("step %s (%s, check %s) changed in the round trip", p->steps[i].id,
			    action_kind_name(p->steps[i].kind),
			    check_kind_name(p->steps[i].check.kind));
	plan_free(back);
	plan_free(p);
}

/* step_equal sees each field: one field changed makes two steps differ. */
static void m_run_argv(struct step *s) { s->u.run.argv = strv_push(s->u.run.argv, "x"); }
static void m_run_env(struct step *s) { s->u.run.env = strv_push(s->u.run.env, "X=1"); }
static void m_run_cwd(struct step *s) { free(s->u.run.cwd); s->u.run.cwd = NULL; }
static void m_run_timeout(struct step *s) { s->u.run.timeout = 0; }
static void m_dl_url(struct step *s) { s->u.download.url[8] = 'X'; }
static void m_dl_sha(struct step *s) { s->u.download.sha256[0] = 'f'; }
static void m_dl_dest(struct step *s) { s->u.download.dest[2] = 'X'; }
static void m_dl_size(struct step *s) { s->u.download.size = 0; }
static void m_ex_archive(struct step *s) { s->u.extract.archive[2] = 'X'; }
static void m_ex_dest(struct step *s) { s->u.extract.dest[2] = 'X'; }
static void m_ex_strip(struct step *s) { s->u.extract.strip = 0; }
static void m_wr_path(struct step *s) { s->u.write.path[2] = 'X'; }
static void m_wr_mode(struct step *s) { s->u.write.mode = 0644; }
static void m_wr_content(struct step *s) { s->u.write.content[0] = 'X'; }
static void m_alt_name(struct step *s) { s->u.alternative.name[0] = 'X'; }
static void m_alt_path(struct step *s) { s->u.alternative.path[1] = 'X'; }
static void m_va_expect(struct step *s) { s->u.validate.expect[0] = 'X'; }
static void m_va_python(struct step *s) { s->u.validate.python[2] = 'X'; }
static void m_va_ob(struct step *s) { s->u.validate.openblas_min[0] = '9'; }
static void m_va_np(struct step *s) { s->u.validate.numpy_min[0] = '9'; }
static void m_va_sp(struct step *s) { s->u.validate.scipy_min[0] = '9'; }
static void m_va_env(struct step *s) { s->u.validate.env[0][0] = 'X'; }
static void m_priv(struct step *s) { s->privileged = 0; }
static void m_skip(struct step *s) { s->skippable = 0; }
static void m_est(struct step *s) { s->est_seconds = 0; }
static void m_title(struct step *s) { s->title[0] = 'X'; }
static void m_why(struct step *s) { s->why[0] = 'X'; }

static const struct {
	enum action_kind kind;
	void (*change)(struct step *);
} mutators[] = {
	{ ACTION_RUN, m_run_argv }, { ACTION_RUN, m_run_env }, { ACTION_RUN, m_run_cwd },
	{ ACTION_RUN, m_run_timeout }, { ACTION_RUN, m_priv }, { ACTION_RUN, m_skip },
	{ ACTION_RUN, m_est }, { ACTION_RUN, m_title }, { ACTION_RUN, m_why },
	{ ACTION_DOWNLOAD, m_dl_url }, { ACTION_DOWNLOAD, m_dl_sha }, { ACTION_DOWNLOAD, m_dl_dest },
	{ ACTION_DOWNLOAD, m_dl_size }, { ACTION_EXTRACT, m_ex_archive },
	{ ACTION_EXTRACT, m_ex_dest }, { ACTION_EXTRACT, m_ex_strip }, { ACTION_WRITE, m_wr_path },
	{ ACTION_WRITE, m_wr_mode }, { ACTION_WRITE, m_wr_content },
	{ ACTION_ALTERNATIVE, m_alt_name }, { ACTION_ALTERNATIVE, m_alt_path },
	{ ACTION_VALIDATE, m_va_expect }, { ACTION_VALIDATE, m_va_python },
	{ ACTION_VALIDATE, m_va_ob }, { ACTION_VALIDATE, m_va_np }, { ACTION_VALIDATE, m_va_sp },
	{ ACTION_VALIDATE, m_va_env },
};

static void
test_equal_sees_every_field(void **state)
{
	(void)state;
	for (size_t i = 0; i < nitems(mutators); i++) {
		struct plan *p = plan_new();
		struct step *a = add_step(p, mutators[i].kind, CHECK_NONE, "a");
		struct step *b = add_step(p, mutators[i].kind, CHECK_NONE, "b");

		free(b->id);
		b->id = xstrdup("a");
		a = &p->steps[0];
		assert_true(step_equal(a, b));
		mutators[i].change(b);
		if (step_equal(a, b))
			fail_msg("mutator %zu (%s): the change is not seen", i,
			    action_kind_name(mutators[i].kind));
		plan_free(p);
	}
	for (size_t j = 0; check_ops_at(j) != NULL; j++) {
		struct plan *p = plan_new();
		struct step *b;

		add_step(p, ACTION_RUN, check_ops_at(j)->kind, "a");
		b = add_step(p, ACTION_RUN, check_ops_at(j)->kind, "a");
		assert_true(step_equal(&p->steps[0], b));
		if (b->check.packages != NULL)
			b->check.packages[0][0] = 'X';
		if (b->check.name != NULL)
			b->check.name[0] = 'X';
		if (b->check.argv != NULL)
			b->check.argv[0][0] = 'X';
		if (b->check.sha256 != NULL)
			b->check.sha256[0] = 'f';
		assert_false(step_equal(&p->steps[0], b));
		plan_free(p);
	}
}

/* ---- what runs is what is described ---- */

struct recorded {
	char **argv, **env, *cwd;
	int timeout, privileged;
};

static struct recorded rec[16];
static size_t nrec;

static int
record_spawn(void *arg, const struct spawn *sp)
{
	(void)arg;
	assert_true(nrec < nitems(rec));
	rec[nrec].argv = strv_dup(sp->argv);
	rec[nrec].env = sp->env != NULL ? strv_dup(sp->env) : NULL;
	rec[nrec].cwd = sp->cwd != NULL ? xstrdup(sp->cwd) : NULL;
	rec[nrec].timeout = sp->timeout;
	rec[nrec].privileged = sp->privileged;
	nrec++;
	return 1;           /* "not satisfied" for a check; a step then fails, which is fine */
}

static void
records_free(void)
{
	for (size_t i = 0; i < nrec; i++) {
		strv_free(rec[i].argv);
		strv_free(rec[i].env);
		free(rec[i].cwd);
	}
	nrec = 0;
}

/* rec[i] is a described command (argv, env, cwd, timeout; and sudo as described). */
static int
described(const struct step_desc *d, const struct recorded *r)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct desc_entry *x = &d->v[i];
		char *const *argv = x->argv;
		char *const probe[] = { x->path, NULL };

		if (x->kind == DESC_PROBE)
			argv = probe;
		else if (x->kind != DESC_COMMAND)
			continue;
		if (strv_eq(argv, r->argv) && strv_eq(x->env, r->env) && str_same(x->cwd, r->cwd) &&
		    (x->kind == DESC_PROBE || (x->timeout == r->timeout &&
		    x->privileged == r->privileged)))
			return 1;
	}
	return 0;
}

static char tmproot[] = "/tmp/armpy-test-action-XXXXXX";

static struct exec *
root_exec(const struct plan *p)
{
	struct exec_opts o = { .root = tmproot };
	struct exec *e = exec_new(p, &o, NULL);
	char *cause = NULL, *jpath = xasprintf("%s/journal", tmproot);

	assert_int_equal(exec_open_root(e, jpath, &cause), 0);
	free(jpath);
	return e;
}

/* Runs the step's action and its check with the recording hook; every recorded command must
 * be described, and every described command (and probe) recorded. */
static void
check_recorded(struct exec *e, const struct step *s)
{
	const struct action_ops *ops = action_ops_of(s->kind);
	struct step_desc d;
	char *cause = NULL, *detail = NULL;
	size_t want = 0;

	nrec = 0;
	exec_set_current(e, s);
	ops->execute(e, s, &cause);
	free(cause);
	cause = NULL;
	if (check_ops_of(s->check.kind) != NULL)
		check_ops_of(s->check.kind)->evaluate(e, s, &detail, &cause);
	free(detail);
	free(cause);
	step_describe(s, &d);
	for (size_t i = 0; i < nrec; i++)
		if (!described(&d, &rec[i]))
			fail_msg("step %s (%s, check %s): ran '%s', which is not described", s->id,
			    action_kind_name(s->kind), check_kind_name(s->check.kind),
			    rec[i].argv[0]);
	for (size_t i = 0; i < d.n; i++)
		want += d.v[i].kind == DESC_COMMAND || d.v[i].kind == DESC_PROBE;
	if (nrec != want)
		fail_msg("step %s (%s, check %s): %zu commands described, %zu ran", s->id,
		    action_kind_name(s->kind), check_kind_name(s->check.kind), want, nrec);
	step_desc_free(&d);
	records_free();
}

static void
test_runs_what_is_described(void **state)
{
	const struct action_ops *ops;
	const struct check_ops *c;
	struct plan *p = plan_new();
	struct exec *e;
	char id[32];

	(void)state;
	setenv("ARMPY_DOWNLOAD_RETRIES", "0", 1);     /* 127.0.0.1:1 refuses at once */
	assert_non_null(mkdtemp(tmproot));
	for (size_t i = 0; (ops = action_ops_at(i)) != NULL; i++)
		for (size_t j = 0; j == 0 || check_ops_at(j - 1) != NULL; j++) {
			c = j > 0 ? check_ops_at(j - 1) : NULL;
			if (j > 0 && c == NULL)
				break;
			snprintf(id, sizeof id, "a%zu-c%zu", i, j);
			/* a write through sudo (not root) runs write_sudo_argv's four: not here */
			add_step(p, ops->kind, c != NULL ? c->kind : CHECK_NONE, id)->privileged =
			    ops->kind != ACTION_WRITE;
		}
	e = root_exec(p);
	spawn_set_hook(record_spawn, NULL);
	for (size_t i = 0; i < p->nsteps; i++)
		check_recorded(e, &p->steps[i]);
	spawn_set_hook(NULL, NULL);
	exec_free(e);
	plan_free(p);
}

/* ---- the holes ---- */

static char *
listing(const struct plan *p)
{
	FILE *f = tmpfile();
	struct progress *h = progress_new(0, fileno(f));
	struct buf b;

	progress_print_plan(h, p, 1);
	progress_free(h);
	rewind(f);
	buf_init(&b);
	buf_read_fd(&b, fileno(f), 1 << 20);
	fclose(f);
	return buf_steal(&b);
}

/* The listing names a check's command (rpm's, with "--" before the names, and a check argv)
 * and a validate step's environment. */
static void
test_listing_complete(void **state)
{
	struct plan *p = plan_new();
	struct step *v;
	char *text;

	(void)state;
	add_step(p, ACTION_RUN, CHECK_RPM, "a");
	add_step(p, ACTION_RUN, CHECK_COMMAND, "b");
	v = add_step(p, ACTION_VALIDATE, CHECK_NONE, "c");
	v->u.validate.env = strv_push(v->u.validate.env, "LD_PRELOAD=/elsewhere.so");
	add_step(p, ACTION_WRITE, CHECK_NONE, "d")->u.write.mode = 0;
	text = listing(p);
	if (strstr(text, "check: rpm -q -- openblas python3-numpy   (timeout 120 s)\n") == NULL ||
	    strstr(text, "check: ~/.venvs/armpy/bin/python -c 'import numpy'") == NULL ||
	    strstr(text, "LD_PRELOAD=/elsewhere.so") == NULL ||
	    strstr(text, "OMP_NUM_THREADS=3") == NULL ||
	    strstr(text, "write ~/.config/armpy-test/x.conf (mode 0000, 12 bytes)") == NULL ||
	    strstr(text, "make -j2 install   (in ~/src/x)   (timeout 77 s)") == NULL)
		fail_msg("the listing misses a command, an env entry or a mode:\n%s", text);
	free(text);
	plan_free(p);
}

static void
parse_fails(const char *text, const char *want)
{
	char *cause = NULL;
	struct ynode *root = ydoc_parse(text, strlen(text), "P.yaml", &cause);
	struct plan *p;

	assert_non_null(root);
	p = plan_from_node(root, "P.yaml", &cause);
	ynode_free(root);
	if (p != NULL)
		fail_msg("accepted, wanted '%s':\n%s", want, text);
	if (strstr(cause, want) == NULL)
		fail_msg("'%s' does not say '%s'", cause, want);
	free(cause);
}

#define HEAD "armpy_plan: 1\nprofile: null\ntarget: t\nwarnings: []\nnotes: []\nsteps:\n"
#define STEP "- id: a\n  title: t\n  why: w\n  privileged: true\n  skippable: false\n" \
    "  est_seconds: 1\n"
#define VAL "  validate: {expect: blis, python: /usr/bin/python3, openblas_min: null, " \
    "numpy_min: null, scipy_min: null, env: "

static void
test_field_patterns(void **state)
{
	(void)state;
	parse_fails(HEAD STEP "  run: {argv: [x]}\n  check: {kind: rpm, packages: "
	    "['--eval=%(touch /x)']}\n", "steps[0].check.packages[0]: '--eval=%(touch /x)' is "
	    "not a package name");
	parse_fails(HEAD STEP "  run: {argv: [x]}\n  check: {kind: dpkg, packages: [a, -b]}\n",
	    "steps[0].check.packages[1]");
	parse_fails(HEAD STEP VAL "[LD_PRELOAD]}\n", "steps[0].validate.env[0]: must be "
	    "NAME=VALUE");
	parse_fails(HEAD STEP VAL "['=x']}\n", "steps[0].validate.env[0]");
	parse_fails(HEAD STEP "  run: {argv: [x], env: ['1A=b']}\n", "steps[0].run.env[0]");
	parse_fails(HEAD STEP "  validate: {expect: blis, python: python3, env: []}\n",
	    "steps[0].validate.python: 'python3' is not an acceptable path");
	parse_fails(HEAD STEP "  alternative: {name: --all, path: /x}\n",
	    "steps[0].alternative.name: '--all' is not a name");
	parse_fails(HEAD STEP "  alternative: {name: a, path: -x}\n",
	    "steps[0].alternative.path");
	parse_fails(HEAD STEP "  run: {argv: [x]}\n  check: {kind: alternative, name: a, path: "
	    "'~/x'}\n", "steps[0].check.path: '~/x' is not an acceptable path: must be absolute");
	parse_fails(HEAD STEP "  write: {path: /x, content: y}\n", "steps[0].write.mode: missing");
	parse_fails(HEAD STEP "  write: {path: /x, mode: '01777', content: y}\n",
	    "steps[0].write.mode: must be an octal mode from \"0000\" to \"0777\"");
	parse_fails(HEAD STEP "  write: {path: /x, mode: '-644', content: y}\n",
	    "steps[0].write.mode");
}

/* A write listed as mode 0000 is written 0000 (mode 0 is not "the default"), and one listed
 * 0600 is written 0600. */
static void
test_mode_written(void **state)
{
	struct plan *p = plan_new();
	struct step *s;
	struct exec *e;
	struct stat st;
	char *cause = NULL, *path;

	(void)state;
	s = add_step(p, ACTION_WRITE, CHECK_NONE, "w");
	s->privileged = 0;
	e = root_exec(p);
	path = xasprintf("%s/root/.config/armpy-test/x.conf", tmproot);
	for (int mode = 0; mode <= 0600; mode += 0600) {
		s->u.write.mode = mode;
		if (act_write_ops.execute(e, s, &cause) != 0)
			fail_msg("%s", cause);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 07777, mode);
		assert_int_equal(st.st_size, strlen(s->u.write.content));
	}
	free(path);
	exec_free(e);
	plan_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_equal_sees_every_field),
		cmocka_unit_test(test_runs_what_is_described),
		cmocka_unit_test(test_listing_complete),
		cmocka_unit_test(test_field_patterns),
		cmocka_unit_test(test_mode_written),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL), dfd;

	if (strcmp(tmproot + strlen(tmproot) - 6, "XXXXXX") != 0 &&
	    (dfd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		rootdir_rm_rf(dfd, tmproot + strlen("/tmp/"), tmproot, NULL);
		close(dfd);
	}
	return rc;
}

/* test-undo.c — unit tests for the reverse plan: undo records and the machine now in, a plan out, conflicts refused. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "action.h"
#include "armpy.h"
#include "rootdir.h"
#include "plan.h"
#include "runs.h"
#include "undo.h"

/* The machine now, faked: one alternative, one file, installed packages. */
struct fake {
	const char *alt, *file_sha;
	int alt_auto, exists;
};

static char *
fake_alt(void *arg, const char *name, int *is_auto)
{
	struct fake *f = arg;

	(void)name;
	*is_auto = f->alt_auto;
	return xstrdup(f->alt);
}

static char *
fake_sha(void *arg, const char *path)
{
	(void)path;
	return xstrdup(((struct fake *)arg)->file_sha);
}

static int
fake_exists(void *arg, const char *path)
{
	(void)path;
	return ((struct fake *)arg)->exists;
}

static void
now_init(struct undo_now *now, struct fake *f, char **installed)
{
	memset(now, 0, sizeof *now);
	now->alternative = fake_alt;
	now->file_sha = fake_sha;
	now->exists = fake_exists;
	now->installed = installed;
	now->arg = f;
}

static void
rec_alt(struct undo_rec *r, const char *prev, int was_auto)
{
	memset(r, 0, sizeof *r);
	r->id = xstrdup("alt-blas");
	r->kind = ACTION_ALTERNATIVE;
	r->privileged = 1;
	r->what = xstrdup("alternative");
	r->name = xstrdup("libblas.so.3-x86_64-linux-gnu");
	r->set = xstrdup("/usr/lib/blis/libblas.so.3");
	r->prev = xstrdup(prev);
	r->was_auto = was_auto;
}

static void
rec_pkgs(struct undo_rec *r, char **before, char **after)
{
	memset(r, 0, sizeof *r);
	r->id = xstrdup("apt-install");
	r->kind = ACTION_RUN;
	r->privileged = 1;
	r->what = xstrdup("packages");
	r->before = before;
	r->after = after;
}

static char **
v(const char *a, const char *b, const char *c)
{
	return strv_pushl(strv_new(), a, b, c, NULL);
}

/* Newest step first: the alternative goes back to auto before its packages are purged, and
 * only the packages the step added and that are installed now go; those before stay. */
static void
test_order_and_packages(void **state)
{
	struct undo_rec r[2];
	struct fake f = { "/usr/lib/blis/libblas.so.3", NULL, 0, 1 };
	char **installed = v("python3:amd64", "libblis4:amd64", "python3-numpy:amd64");
	struct undo_now now;
	char *conflict, *cause = NULL, *argv;
	struct plan *p;

	(void)state;
	rec_pkgs(&r[0], v("python3:amd64", NULL, NULL),
	    v("python3:amd64", "libblis4:amd64", "python3-numpy:amd64"));
	r[0].after = strv_push(r[0].after, "tzdata:all");    /* installed, gone since */
	rec_alt(&r[1], "/usr/lib/openblas/libblas.so.3", 1);
	now_init(&now, &f, installed);
	p = undo_build("20250101-000000-1", "t", r, 2, &now, &conflict, &cause);
	assert_non_null(p);
	assert_null(conflict);
	assert_int_equal(p->nsteps, 2);
	assert_string_equal(p->steps[0].id, "undo-alt-blas");
	argv = strv_join(p->steps[0].u.run.argv, " ");
	assert_string_equal(argv, "update-alternatives --auto libblas.so.3-x86_64-linux-gnu");
	free(argv);
	argv = strv_join(p->steps[1].u.run.argv, " ");
	assert_string_equal(argv, "dpkg --purge libblis4:amd64 python3-numpy:amd64");
	free(argv);
	assert_true(p->steps[1].privileged);
	plan_free(p);
	undo_recs_free(NULL, 0);
	undo_rec_clear(&r[0]);
	undo_rec_clear(&r[1]);
	strv_free(installed);
}

/* A package a later run asked for stays; a step that did not finish takes what is installed
 * now; a manual alternative goes back with --set (an alternative step). */
static void
test_wanted_and_unfinished(void **state)
{
	struct undo_rec r[2];
	struct fake f = { "/usr/lib/blis/libblas.so.3", NULL, 0, 1 };
	char **installed = v("python3:amd64", "libblis4:amd64", "python3-numpy:amd64");
	struct undo_now now;
	char *conflict, *cause = NULL, *argv;
	struct plan *p;

	(void)state;
	rec_pkgs(&r[0], v("python3:amd64", NULL, NULL), NULL);
	r[0].recorded = 1700000000;
	rec_alt(&r[1], "/usr/lib/openblas/libblas.so.3", 0);
	now_init(&now, &f, installed);
	now.wanted = v("python3-numpy", NULL, NULL);
	p = undo_build("20250101-000000-1", "t", r, 2, &now, &conflict, &cause);
	assert_non_null(p);
	assert_int_equal(p->steps[0].kind, ACTION_ALTERNATIVE);
	assert_string_equal(p->steps[0].u.alternative.path, "/usr/lib/openblas/libblas.so.3");
	argv = strv_join(p->steps[1].u.run.argv, " ");
	/* unfinished: a package killed mid-unpack is marked for reinstallation, purged anyway */
	assert_string_equal(argv, "dpkg --purge --force-remove-reinstreq libblis4:amd64");
	free(argv);
	/* and the files of the unpack it killed, made since the step started */
	assert_int_equal(p->nsteps, 3);
	argv = strv_join(p->steps[2].u.run.argv, " ");
	assert_string_equal(argv, "find /etc /usr /var -xdev -type f ( -name *.dpkg-new -o -name "
	    "*.dpkg-tmp ) -newerct @1700000000 -print -delete");
	free(argv);
	assert_true(p->steps[2].privileged);
	/* the listing says it may take another dpkg's unpack too */
	argv = strv_join(p->notes, "\n");
	assert_non_null(strstr(argv, "whichever dpkg left it"));
	free(argv);
	plan_free(p);
	undo_rec_clear(&r[0]);
	undo_rec_clear(&r[1]);
	strv_free(now.wanted);
	strv_free(installed);
}

/* The conflict rule: the alternative points elsewhere than the run set it (a later switch),
 * the file holds content the run did not write: refused, with the step named. The same
 * things as the run left them are not conflicts; as they were before, nothing to do. */
static void
test_conflict(void **state)
{
	struct undo_rec r;
	struct fake f = { "/usr/lib/openblas/libblas.so.3", NULL, 0, 1 };
	char **installed = strv_new();
	struct undo_now now;
	char *conflict = NULL, *cause = NULL, sha[65];
	struct plan *p;

	(void)state;
	rec_alt(&r, "/usr/lib/reference/libblas.so.3", 0);
	now_init(&now, &f, installed);
	p = undo_build("20250101-000000-1", "t", &r, 1, &now, &conflict, &cause);
	assert_null(p);
	assert_string_equal(conflict, "alt-blas");
	assert_non_null(strstr(cause, "points at /usr/lib/openblas/libblas.so.3"));
	free(conflict);
	free(cause);
	cause = NULL;
	f.alt = "/usr/lib/reference/libblas.so.3";   /* as before the run: nothing to do */
	p = undo_build("20250101-000000-1", "t", &r, 1, &now, &conflict, &cause);
	assert_non_null(p);
	assert_int_equal(p->nsteps, 0);
	plan_free(p);
	undo_rec_clear(&r);

	memset(&r, 0, sizeof r);
	r.id = xstrdup("blas-env");
	r.kind = ACTION_WRITE;
	r.what = xstrdup("file");
	r.path = xstrdup("/etc/profile.d/armpy-blas.sh");
	r.absent = 1;
	assert_int_equal(runs_sha256("run\n", 4, sha, NULL), 0);
	r.set = xstrdup(sha);
	f.file_sha = "0000";                         /* rewritten since */
	p = undo_build("20250101-000000-1", "t", &r, 1, &now, &conflict, &cause);
	assert_null(p);
	assert_string_equal(conflict, "blas-env");
	free(conflict);
	free(cause);
	cause = NULL;
	f.file_sha = sha;                            /* as the run wrote it: removed */
	p = undo_build("20250101-000000-1", "t", &r, 1, &now, &conflict, &cause);
	assert_non_null(p);
	assert_int_equal(p->nsteps, 1);
	assert_string_equal(p->steps[0].u.run.argv[0], "rm");
	plan_free(p);
	/* a privileged write by a user, who could not read what was there: left, and said */
	r.absent = 0;
	r.mode = UNDO_UNREADABLE;
	p = undo_build("20250101-000000-1", "t", &r, 1, &now, &conflict, &cause);
	assert_non_null(p);
	assert_int_equal(p->nsteps, 0);
	{
		int said = 0;
		for (size_t i = 0; p->notes != NULL && p->notes[i] != NULL; i++)
			said |= strstr(p->notes[i], "could not be read") != NULL;
		assert_true(said);
	}
	plan_free(p);
	undo_rec_clear(&r);
	strv_free(installed);
}

/* The pure readers the records are made from. */
static void
test_readers(void **state)
{
	char *const venv[] = { "/usr/bin/python3", "-m", "venv", "--clear", "/opt/v", NULL };
	char *const other[] = { "/usr/bin/python3", "-m", "pip", "install", "x", NULL };
	char **pk;

	(void)state;
	assert_string_equal(undo_venv_dir(venv), "/opt/v");
	assert_null(undo_venv_dir(other));
	pk = undo_dpkg_installed("Package: a\nStatus: install ok installed\nArchitecture: amd64\n"
	    "\nPackage: b\nStatus: deinstall ok config-files\nArchitecture: all\n\n"
	    "Package: c\nArchitecture: all\nStatus: install ok installed\n");
	assert_int_equal(strv_len(pk), 2);
	assert_string_equal(pk[0], "a:amd64");
	assert_string_equal(pk[1], "c:all");
	strv_free(pk);
}

/* What is installed in a root includes what dpkg's updates journal holds but its status file
 * does not yet: a dpkg killed mid-unpack leaves a half-installed package only there. */
static void
test_installed_updates(void **state)
{
	char tmpl[] = "/tmp/armpy-test-undo-XXXXXX", *root = mkdtemp(tmpl), *cmd;
	struct rootdir *rd;
	char **pk;
	FILE *f;

	(void)state;
	assert_non_null(root);
	cmd = xasprintf("mkdir -p %s/var/lib/dpkg/updates", root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	cmd = xasprintf("%s/var/lib/dpkg/status", root);
	f = fopen(cmd, "w");
	fputs("Package: a\nStatus: install ok installed\nArchitecture: amd64\n", f);
	fclose(f);
	free(cmd);
	cmd = xasprintf("%s/var/lib/dpkg/updates/0001", root);
	f = fopen(cmd, "w");
	fputs("Package: b\nStatus: install reinstreq half-installed\nArchitecture: all\n\n"
	    "Package: a\nStatus: install ok installed\nArchitecture: amd64\n", f);
	fclose(f);
	free(cmd);
	rd = rootdir_open(root, NULL);
	assert_non_null(rd);
	pk = undo_installed(rd);
	assert_int_equal(strv_len(pk), 2);
	assert_true(strv_contains(pk, "a:amd64"));
	assert_true(strv_contains(pk, "b:all"));
	strv_free(pk);
	rootdir_free(rd);
	cmd = xasprintf("rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* A record is loaded with its step's privilege: the undo of a step that ran through sudo runs
 * through sudo too (as a user, its rm or update-alternatives needs root). */
static void
test_load_privileged(void **state)
{
	char dir[] = "/tmp/armpy-test-undo-load.XXXXXX";
	struct plan *p = plan_new();
	struct undo_rec *r = NULL;
	char *sub, *rec, *cause = NULL, *text = "what alternative\nname armpy-t\nset /bin/true\n"
	    "prev /bin/false\nauto 0\n";
	size_t n = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	sub = xasprintf("%s/undo", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	rec = xasprintf("%s/alt.rec", sub);
	assert_int_equal(file_write_atomic(rec, text, strlen(text), 0600, NULL), 0);
	plan_add(p, "alt", "Alternative", "test")->kind = ACTION_ALTERNATIVE;
	p->steps[0].privileged = 1;
	assert_int_equal(undo_load(dir, p, &r, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].privileged, 1);
	assert_string_equal(r[0].prev, "/bin/false");
	undo_recs_free(r, n);
	unlink(rec);
	rmdir(sub);
	rmdir(dir);
	free(rec);
	free(sub);
	plan_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_packages),
		cmocka_unit_test(test_wanted_and_unfinished),
		cmocka_unit_test(test_conflict),
		cmocka_unit_test(test_readers),
		cmocka_unit_test(test_installed_updates),
		cmocka_unit_test(test_load_privileged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

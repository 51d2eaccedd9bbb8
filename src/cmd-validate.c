/* cmd-validate.c — `armpy validate`: which BLAS/LAPACK really serve NumPy, checked against the DevKit guide. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "cmd.h"
#include "report.h"
#include "validate.h"
#include "validate-int.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --expect LIB[:THREADING]: says why and returns 1 when it is not one. */
static int
o_expect_bad(const char *expect)
{
	const char *lib, *thr;
	char *cause = NULL;

	if (expect == NULL || validate_expect_parse(expect, &lib, &thr, &cause) == 0)
		return 0;
	fprintf(stderr, "armpy validate: option '--expect': %s\n", cause);
	free(cause);
	return 1;
}

/* The report as armpy report's page on stdout. */
static int
validate_html(const char *yaml, const char *root)
{
	char *cause = NULL, *html = report_of_yaml("validate", yaml, root, &cause);
	int rc = html != NULL ? report_save("-", html, &cause) : -1;

	if (rc != 0)
		fprintf(stderr, "armpy validate: %s\n", cause);
	free(cause);
	free(html);
	return rc == 0 ? EXIT_OK : EXIT_FAILED;
}

/* --thorough and the options that narrow it into o; 1 when one is bad (said why). */
static int
o_thorough_bad(struct args *a, struct thorough_opts *o, int *on)
{
	const char *k = args_get(a, "--thorough-k"), *t = args_get(a, "--thorough-timeout");
	char *cause = NULL;
	int bad;

	memset(o, 0, sizeof *o);
	*on = args_has(a, "--thorough") || args_has(a, "--thorough-suite") || k != NULL ||
	    t != NULL;
	o->suite = args_get(a, "--thorough-suite");
	o->keyword = k;
	o->progress = isatty(STDERR_FILENO);
	if (k != NULL && thorough_keyword_check(k, &cause) != 0)
		fprintf(stderr, "armpy validate: option '--thorough-k': %s\n", cause);
	else if (t != NULL && thorough_timeout_parse(t, &o->timeout, &cause) != 0)
		fprintf(stderr, "armpy validate: option '--thorough-timeout': %s\n", cause);
	bad = cause != NULL;
	free(cause);
	return bad;
}

/* Upstream's tests after the probe, under the same options: NULL when not asked for or when
 * they could not be set up (said why, and the report fails). */
static struct thorough_report *
validate_thorough(const struct thorough_opts *to, const struct validate_opts *o,
    struct validate_report *r)
{
	struct thorough_report *t;
	char *cause = NULL;

	if ((t = thorough_run(to, o, r, &cause)) == NULL) {
		vcheck_add(r, "upstream-tests", VERDICT_FAIL, "not run: %s", cause);
		free(cause);
		return NULL;
	}
	thorough_verdict(r, t);
	return t;
}

static int
cmd_validate_exec(struct args *a)
{
	struct validate_opts o;
	struct validate_report *r;
	struct thorough_opts to;
	struct thorough_report *t = NULL;
	int thorough;
	const char *format = args_get(a, "--format");
	char *cause = NULL, *out, **env = args_values(a, "--env");
	int rc;

	for (size_t i = 0; env[i] != NULL; i++)
		if (!env_assign_ok(env[i])) {
			fprintf(stderr, "armpy validate: option '--env' takes " ENV_ASSIGN_RULE
			    ", not '%s'\n", quote_short(env[i]));
			return EXIT_USAGE;
		}
	if (o_expect_bad(args_get(a, "--expect")) || o_thorough_bad(a, &to, &thorough))
		return EXIT_USAGE;
	memset(&o, 0, sizeof o);
	o.python = args_get(a, "--python");
	o.root = args_get(a, "--root");
	o.expect = args_get(a, "--expect");
	o.quick = args_has(a, "--quick");
	o.no_login_env = args_has(a, "--no-login-env");
	o.env = env;
	if ((r = validate_run(&o, &cause)) == NULL) {
		fprintf(stderr, "armpy validate: %s\n", cause);
		free(cause);
		return EXIT_FAILED;
	}
	if (thorough)
		t = validate_thorough(&to, &o, r);
	out = format != NULL && strcmp(format, "text") != 0 ? validate_to_yaml(r) :
	    validate_to_text(r);
	if (format != NULL && strcmp(format, "html") == 0)
		rc = validate_html(out, o.root);
	else
		rc = fputs(out, stdout) < 0 ? EXIT_FAILED : EXIT_OK;
	free(out);
	if (rc == EXIT_OK)
		rc = validate_passed(r) ? EXIT_OK : EXIT_FAILED;
	validate_report_free(r);
	if (t != NULL && t->signo != 0) {
		/* stopped by SIGINT/SIGTERM: the report is out, now die of it as asked */
		fflush(stdout);
		signal(t->signo, SIG_DFL);
		raise(t->signo);
	}
	thorough_free(t);
	if (rc != EXIT_OK)
		return rc;
	if (fflush(stdout) != 0)
		return EXIT_FAILED;
	return rc;
}

static const struct args_opt validate_opts[] = {
	{ "--python", 0, "PATH", 0, "interpreter to probe (default python3)" },
	{ "--root", 0, "DIR", 0, "chroot into DIR first (root only); PATH is inside DIR" },
	{ "--expect", 0, "LIB[:THREADING]", 0, "fail unless LIB (openblas, blis, reference, mkl, "
	    "nvpl or armpl; directly or as FlexiBLAS's backend) serves cblas_dgemm and, with "
	    ":openmp, :pthreads or :serial, that build is the one mapped" },
	{ "--format", 0, "text|yaml|html", ARGS_CHOICES, "the report for people (default), as "
	    "YAML, or as one self-contained HTML page\n(as armpy report makes)" },
	{ "--quick", 0, NULL, 0, "fixed small sizes (emulation, tests)" },
	{ "--env", 0, "NAME=VALUE", ARGS_MULTI, "extra environment for the probe (thread "
	    "settings)" },
	{ "--no-login-env", 0, NULL, 0, "with --root: do not apply the BLAS settings armpy wrote "
	    "there for logins (/etc/profile.d/armpy-blas.sh, or the\nvenv's armpy-blas.sh)" },
	{ "--thorough", 0, NULL, 0, "also run NumPy's and SciPy's own linalg test suites under "
	    "pytest in that Python (minutes; pytest must be there: armpy installs nothing)" },
	{ "--thorough-suite", 0, "numpy|scipy|all", ARGS_CHOICES, "--thorough with only "
	    "numpy.linalg's or scipy.linalg's suite (default all)" },
	{ "--thorough-k", 0, "EXPR", 0, "--thorough with only the tests pytest's -k EXPR selects "
	    "(letters, digits, spaces and _ . : [ ] ( ) + / -)" },
	{ "--thorough-timeout", 0, "SECONDS", 0, "--thorough killing the tests after SECONDS "
	    "(default 1800)" },
	{ NULL, 0, NULL, 0, NULL },
};

const struct cmd_entry cmd_validate_entry = {
	.args = { "validate", validate_opts, 0, NULL, 0, 0 },
	.summary = "tell which BLAS/LAPACK and kernels really serve NumPy, and check them",
	.help = "Runs a probe inside the target Python that resolves NumPy's cblas_dgemm and\n"
	    "numpy.linalg's dgetrf_ the way the dynamic linker does (dlsym through the extension\n"
	    "module, dladdr, realpath) and identifies the libraries by their exported symbols.\n"
	    "Names the kernels each library runs on this CPU (OpenBLAS's core, BLIS's\n"
	    "sub-configuration) and warns about generic reference kernels. Checks the version\n"
	    "floors of the DevKit guide (Python on Arm64), duplicate BLAS, thread settings,\n"
	    "dgemm/solve correctness, and measures dgemm GFLOPS at 1 and all threads.\n"
	    "\n"
	    "The probe runs with the variables of this environment that change which BLAS or\n"
	    "kernels load and how they run (OPENBLAS_*, GOTO*, BLIS_*, OMP_*, GOMP_*, KMP_*,\n"
	    "MKL_*, FLEXIBLAS*, LD_PRELOAD, LD_LIBRARY_PATH), and reports each one set.\n"
	    "\n"
	    "--thorough then runs NumPy's and SciPy's own linalg tests (pytest -p no:cacheprovider\n"
	    "--pyargs numpy.linalg, scipy.linalg) in the same Python, root and environment, each in\n"
	    "a process group of its own with a fresh private directory; it installs nothing.\n",
	.notes = "Exit: 0 every check passed, 1 a check failed (with --thorough also when an upstream\n"
	    "test failed, the time ran out, or the suites could not run: no pytest there), 2 bad\n"
	    "usage.\n",
	.exec = cmd_validate_exec,
};

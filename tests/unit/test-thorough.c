/* test-thorough.c — unit tests for validate --thorough: pytest's JUnit XML and summary read as hostile input, the option checks, the check and the YAML. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "armpy.h"
#include "report.h"
#include "validate.h"
#include "ydoc.h"

/* Three cases as pytest 7 writes them (one line), with a failure, an xfail and a skip. */
static const char junit_ok[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?><testsuites><testsuite name=\"pytest\" "
	"errors=\"0\" failures=\"1\" skipped=\"2\" tests=\"5\" time=\"1.5\">"
	"<testcase classname=\"tests.test_linalg.TestSolve\" name=\"test_sq_cases\" time=\"0.1\" />"
	"<testcase classname=\"tests.test_linalg.TestMultiDot\" name=\"test_three_arguments\" "
	"time=\"0.1\"><failure message=\"AssertionError: &lt;x&gt; a &gt; b\">Traceback"
	" &lt;testcase classname=&quot;fake&quot;&gt;</failure></testcase>"
	"<testcase classname=\"tests.test_linalg.TestCond\" name=\"test_nan\" time=\"0\">"
	"<skipped type=\"pytest.xfail\" message=\"x\" /></testcase>"
	"<testcase classname=\"tests.test_linalg\" name=\"test_blas64_dot\" time=\"0\">"
	"<skipped type=\"pytest.skip\" message=\"OOM\">s</skipped></testcase>"
	"<testcase classname=\"numpy.linalg.tests.test_regression\" name=\"test_x[a&amp;b]\" "
	"time=\"0\"><error message=\"teardown\">e</error></testcase>"
	"</testsuite></testsuites>\n";

static void
test_junit_counts(void **state)
{
	struct thorough_counts n;
	char **failing = NULL, *cause = NULL;

	(void)state;
	assert_int_equal(thorough_junit_parse(junit_ok, strlen(junit_ok), "numpy.linalg", &n,
	    &failing, &cause), 0);
	assert_int_equal(n.passed, 1);
	assert_int_equal(n.failed, 1);
	assert_int_equal(n.errors, 1);
	assert_int_equal(n.xfailed, 1);
	assert_int_equal(n.skipped, 1);
	assert_int_equal(strv_len(failing), 2);
	/* a relative classname gets the suite's name; an absolute one is kept */
	assert_string_equal(failing[0],
	    "numpy.linalg.tests.test_linalg.TestMultiDot.test_three_arguments");
	assert_string_equal(failing[1], "numpy.linalg.tests.test_regression.test_x[a&b]");
	strv_free(failing);
}

static void
test_junit_garbage(void **state)
{
	static const char *const bad[] = { "", "garbage", "<testcase name=\"x\"/>",
	    "<testsuites></testsuites>", "\x00\x01<testsui" };
	struct thorough_counts n;
	char **failing = NULL, *cause = NULL;

	(void)state;
	for (size_t i = 0; i < nitems(bad); i++) {
		assert_int_equal(thorough_junit_parse(bad[i], strlen(bad[i]) + (i == 4 ? 9 : 0),
		    "numpy.linalg", &n, &failing, &cause), -1);
		assert_non_null(cause);
		assert_int_equal(strv_len(failing), 0);
		free(cause);
		cause = NULL;
		strv_free(failing);
	}
}

/* Truncated anywhere, NUL bytes inside, ids far too long: never a crash, counts bounded by what
 * is there, ids bounded and printable. */
static void
test_junit_hostile(void **state)
{
	struct thorough_counts n;
	size_t len = strlen(junit_ok);
	char *copy = xmalloc(len), **failing = NULL, *cause = NULL;
	struct buf b;

	(void)state;
	for (size_t cut = 0; cut <= len; cut++) {
		memcpy(copy, junit_ok, len);
		if (cut < len)
			copy[cut] = '\0';       /* a NUL at cut, the rest still read */
		if (thorough_junit_parse(copy, cut % 2 ? len : cut, "numpy.linalg", &n, &failing,
		    &cause) == 0)
			assert_true(n.passed + n.failed + n.errors + n.skipped + n.xfailed <= 5);
		for (size_t i = 0; failing != NULL && failing[i] != NULL; i++)
			for (const char *p = failing[i]; *p != '\0'; p++)
				assert_true(*p >= 0x20 && *p < 0x7f);
		strv_free(failing);
		failing = NULL;
		free(cause);
		cause = NULL;
	}
	free(copy);
	/* a huge classname full of control bytes and an unterminated attribute */
	buf_init(&b);
	buf_puts(&b, "<testsuite><testcase classname=\"");
	for (int i = 0; i < 100000; i++)
		buf_add(&b, i % 7 ? "A" : "\x1b", 1);
	buf_puts(&b, "\" name=\"t\"><failure/></testcase><testcase name=\"u\" classname=\"x");
	assert_int_equal(thorough_junit_parse(b.data, b.len, "s", &n, &failing, &cause), 0);
	assert_int_equal(n.failed, 1);
	assert_int_equal(n.passed, 0);     /* a tag cut off is no test */
	assert_int_equal(strv_len(failing), 1);
	assert_true(strlen(failing[0]) <= 240);
	assert_null(strchr(failing[0], '\x1b'));
	strv_free(failing);
	buf_free(&b);
}

/* Only the first THOROUGH_MAX_FAILING ids are kept; every failure is counted. */
static void
test_junit_many_failures(void **state)
{
	struct thorough_counts n;
	char **failing = NULL;
	struct buf b;

	(void)state;
	buf_init(&b);
	buf_puts(&b, "<testsuite>");
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "<testcase classname=\"tests.t\" name=\"f%d\"><failure/></testcase>", i);
	assert_int_equal(thorough_junit_parse(b.data, b.len, "scipy.linalg", &n, &failing, NULL), 0);
	assert_int_equal(n.failed, 1000);
	assert_int_equal(strv_len(failing), THOROUGH_MAX_FAILING);
	assert_string_equal(failing[0], "scipy.linalg.tests.t.f0");
	strv_free(failing);
	buf_free(&b);
}

static void
test_summary(void **state)
{
	static const char out[] = "....F..sx [100%]\n=== FAILURES ===\nFAILED a::b - 3 passed, 1 "
	    "failed in 2s\n3 failed, 411 passed, 1 skipped, 2 xfailed, 1 xpassed, 7 warnings in 30.11s "
	    "(0:00:30)\n";
	struct thorough_counts n;

	(void)state;
	assert_int_equal(thorough_summary_parse(out, strlen(out), &n), 0);
	assert_int_equal(n.failed, 3);
	assert_int_equal(n.passed, 411);
	assert_int_equal(n.skipped, 1);
	assert_int_equal(n.xfailed, 2);
	assert_int_equal(n.xpassed, 1);
	assert_int_equal(thorough_summary_parse("==== 1 error in 0.5s ====", 25, &n), 0);
	assert_int_equal(n.errors, 1);
	assert_int_equal(thorough_summary_parse("=== 5 passed, 2 deselected in 1.0s ===", 38, &n),
	    0);
	assert_int_equal(n.passed, 5);
	/* not a summary: no counts, an unknown word, no " in ", a NUL inside, garbage */
	assert_int_equal(thorough_summary_parse("no tests ran in 0.01s", 21, &n), -1);
	assert_int_equal(thorough_summary_parse("3 bananas in 2s", 15, &n), -1);
	assert_int_equal(thorough_summary_parse("3 passed", 8, &n), -1);
	assert_int_equal(thorough_summary_parse("3 pas\0sed in 2s", 15, &n), -1);
	assert_int_equal(thorough_summary_parse("99999999999999999999 passed in 1s", 33, &n), -1);
	assert_int_equal(thorough_summary_parse(NULL, 0, &n), -1);
}

static void
test_missing_module(void **state)
{
	static const char a[] = "ImportError while loading conftest '/x/conftest.py'.\n"
	    "E   ModuleNotFoundError: No module named 'hypothesis'\n";
	static const char b[] = "No module named 'scipy.linalg._x'";
	char *m;

	(void)state;
	assert_non_null(m = thorough_missing_module(a, strlen(a)));
	assert_string_equal(m, "hypothesis");
	free(m);
	assert_non_null(m = thorough_missing_module(b, strlen(b)));
	assert_string_equal(m, "scipy");
	free(m);
	assert_null(thorough_missing_module("No module named '", 17));
	assert_null(thorough_missing_module("No module named '$(rm -rf /)'", 29));
	assert_null(thorough_missing_module("nothing", 7));
}

static void
test_progress(void **state)
{
	static const char a[] = "....s.F", b[] = "x. [ 10%]\n.E [100%]\n=== 2 failed ===\n..\n";
	int st = 0;

	(void)state;
	assert_int_equal(thorough_progress_count(a, strlen(a), &st) +
	    thorough_progress_count(b, strlen(b), &st), 11);
}

static void
test_options(void **state)
{
	static const char *const ok[] = { "TestSolve", "TestSolve and not test_0_size",
	    "(a or b) and test_x[1-2]", "tests/test_linalg.py::TestSolve" };
	static const char *const bad[] = { "", "-x", "--pdb", "a;b", "a\nb", "$(id)", "a'b",
	    "a=b", "x\x01" };
	char *cause = NULL, big[THOROUGH_MAX_KEYWORD + 2];
	int t;

	(void)state;
	for (size_t i = 0; i < nitems(ok); i++)
		assert_int_equal(thorough_keyword_check(ok[i], NULL), 0);
	for (size_t i = 0; i < nitems(bad); i++) {
		assert_int_equal(thorough_keyword_check(bad[i], &cause), -1);
		assert_non_null(cause);
		free(cause);
		cause = NULL;
	}
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(thorough_keyword_check(big, NULL), -1);
	assert_int_equal(thorough_timeout_parse("60", &t, NULL), 0);
	assert_int_equal(t, 60);
	assert_int_equal(thorough_timeout_parse("86400", &t, NULL), 0);
	assert_int_equal(thorough_timeout_parse("86401", &t, NULL), -1);
	assert_int_equal(thorough_timeout_parse("0", &t, NULL), -1);
	assert_int_equal(thorough_timeout_parse("-5", &t, NULL), -1);
	assert_int_equal(thorough_timeout_parse("5s", &t, NULL), -1);
	assert_int_equal(thorough_timeout_parse("99999999999999999999", &t, NULL), -1);
}

/* A report with one failed suite: the check fails naming the ids, and the YAML holds the
 * counts under upstream_tests. */
static void
test_verdict_yaml(void **state)
{
	struct validate_report *r = xcalloc(1, sizeof *r);
	struct thorough_report *t = xcalloc(1, sizeof *t);
	const struct validate_check *c;
	struct ynode *doc;
	char *y;

	(void)state;
	t->python = xstrdup("/usr/bin/python3");
	t->selection = xstrdup("numpy");
	t->timeout = 60;
	t->nsuites = 1;
	t->suites = xcalloc(1, sizeof *t->suites);
	t->suites[0].name = xstrdup("numpy.linalg");
	t->suites[0].status = t->status = THOROUGH_FAILED;
	t->suites[0].n.passed = 400;
	t->suites[0].n.failed = 7;
	t->suites[0].failing = strv_pushl(strv_new(), "numpy.linalg.tests.a.b", NULL);
	thorough_verdict(r, t);
	assert_ptr_equal(r->thorough, t);
	assert_non_null(c = validate_find(r, "upstream-tests"));
	assert_int_equal(c->verdict, VERDICT_FAIL);
	assert_false(validate_passed(r));
	assert_non_null(strstr(c->detail, "7 failed, 400 passed"));
	assert_non_null(strstr(c->detail, "numpy.linalg.tests.a.b and 6 more"));
	y = validate_to_yaml(r);
	assert_non_null(doc = ydoc_parse(y, strlen(y), "t", NULL));
	assert_string_equal(ynode_get(ynode_get(doc, "upstream_tests"), "status")->value, "failed");
	assert_string_equal(ynode_get(ynode_get(ynode_get(doc, "upstream_tests"), "suites")->items[0],
	    "failed")->value, "7");
	ynode_free(doc);
	free(y);
	r->thorough = NULL;
	validate_report_free(r);
	thorough_free(t);
}

/* The page's Upstream tests section: each figure is the YAML's own text, hostile text escaped. */
static void
test_html_section(void **state)
{
	static const char yaml[] = "passed: false\nupstream_tests:\n  status: failed\n"
	    "  python: /usr/bin/python3\n  pytest: \"7.2.1\"\n  blas: OpenBLAS 0.3.21\n"
	    "  suites:\n  - name: numpy.linalg\n    status: failed\n    passed: \"0414\"\n"
	    "    failed: 3\n    seconds: 27.5\n    reason: null\n    failing:\n"
	    "    - \"a.<script>alert(1)</script>\"\n";
	struct report_input in = { 0 };
	struct ynode *doc = ydoc_parse(yaml, strlen(yaml), "t", NULL);
	char *html;

	(void)state;
	assert_non_null(doc);
	in.validation = doc;
	html = report_html(&in);
	assert_non_null(strstr(html, "<section id=\"upstream\">"));
	assert_non_null(strstr(html, "<td class=\"num\">0414</td>"));
	assert_non_null(strstr(html, "<td class=\"num\">27.5</td>"));
	assert_non_null(strstr(html, "verdict fail\">failed"));
	assert_non_null(strstr(html, "a.&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_null(strstr(html, "<script>"));
	free(html);
	ynode_free(doc);
	/* no upstream_tests: no section */
	doc = ydoc_parse("passed: true\n", 13, "t", NULL);
	in.validation = doc;
	html = report_html(&in);
	assert_null(strstr(html, "id=\"upstream\""));
	free(html);
	ynode_free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_junit_counts),
		cmocka_unit_test(test_junit_garbage),
		cmocka_unit_test(test_junit_hostile),
		cmocka_unit_test(test_junit_many_failures),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_missing_module),
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_verdict_yaml),
		cmocka_unit_test(test_html_section),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

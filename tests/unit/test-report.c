/* test-report.c — the HTML report: every string escaped, no script, the YAML's figures shown, odd input drawn safely. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "armpy.h"
#include "journal.h"
#include "plan.h"
#include "report.h"
#include "ydoc.h"

#define EVIL "<script>alert('x')</script>&"

static struct ynode *
doc(const char *yaml)
{
	char *cause = NULL;
	struct ynode *n = ydoc_parse(yaml, strlen(yaml), "test", &cause);

	if (n == NULL)
		fail_msg("%s", cause);
	return n;
}

static void
test_esc(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	report_esc(&b, "a<b>&\"c'\x01\xff");
	assert_string_equal(b.data, "a&lt;b&gt;&amp;&quot;c&#39;\xef\xbf\xbd\xef\xbf\xbd");
	report_esc(&b, NULL);
	assert_int_equal(strlen(b.data), strlen("a&lt;b&gt;&amp;&quot;c&#39;") + 6);
	buf_free(&b);
}

/* Every field a page shows holds EVIL: the page never has it raw, and has no script at all. */
static void
test_hostile_everywhere(void **state)
{
	const char *y = "distro: {pretty_name: \"" EVIL "\"}\narch: \"" EVIL "\"\n"
	    "cpu: {name: \"" EVIL "\", vendor: \"" EVIL "\", openblas_target: \"" EVIL "\"}\n";
	const char *v = "passed: false\npython: \"" EVIL "\"\nnumpy: \"" EVIL "\"\n"
	    "blas: {kind: \"" EVIL "\", version: \"" EVIL "\", path: \"" EVIL "\", provider: x}\n"
	    "speed: {gflops_1: \"" EVIL "\", gflops_all: 12.5, threads_all: 4, peak_gflops: 50}\n"
	    "checks: [{name: \"" EVIL "\", verdict: \"" EVIL "\", detail: \"" EVIL "\"}]\n";
	const char *g = "recommendation: \"" EVIL "\"\nresults:\n"
	    "- {kind: \"" EVIL "\", threads: 1, n: 100, gflops: 3.5, path: p}\n"
	    "- {kind: blis, threads: 2, gflops: -1, error: \"" EVIL "\", path: \"" EVIL "\"}\n";
	struct ynode *f = doc(y), *vn = doc(v), *gn = doc(g);
	struct plan *p = plan_new();
	struct step *s = plan_add(p, "a", EVIL, EVIL);
	struct report_input in = { .title = EVIL, .profile = EVIL, .root = EVIL, .generated = EVIL,
	    .facts = f, .plan = p, .validation = vn, .bench = gn };
	char *html;

	(void)state;
	s->kind = ACTION_RUN;
	p->target = xstrdup(EVIL);
	plan_warn(p, "%s", EVIL);
	html = report_html(&in);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "alert('x')"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"));
	assert_non_null(strstr(html, "12.5"));
	free(html);
	plan_free(p);
	ynode_free(f);
	ynode_free(vn);
	ynode_free(gn);
}

/* A journal's text from its records, each framed as the journal writes it. */
static char *
journal_text(const char *const *records)
{
	struct buf b;
	char line[256];

	buf_init(&b);
	for (size_t i = 0; records[i] != NULL; i++) {
		size_t n = strlen(records[i]);
		memcpy(line, records[i], n);
		n = journal_frame(line, n);
		buf_add(&b, line, n);
	}
	return buf_steal(&b);
}

/* A figure is the YAML scalar's own text; the steps show the journal's outcome and time. */
static void
test_figures_and_steps(void **state)
{
	const char *v = "passed: true\nspeed: {gflops_1: 41.49, gflops_all: 80.10, threads_all: 2,"
	    " peak_gflops: 103.8}\nchecks: [{name: speed, verdict: INFO, detail: d}]\n";
	static const char *const records[] = {
		"begin 100 1 - - 0000000000000000000000000000000000000000000000000000000000000000",
		"start first-step 100", "end first-step ok 142", "finish ok 142", NULL,
	};
	struct ynode *vn = doc(v);
	struct plan *p = plan_new();
	struct jstate *js;
	struct report_input in = { .plan = p, .validation = vn };
	char *html, *cause = NULL, *text;

	(void)state;
	plan_add(p, "first-step", "First", "why")->kind = ACTION_RUN;
	text = journal_text(records);
	js = journal_parse(text, strlen(text), &cause);
	if (js == NULL)
		fail_msg("%s", cause);
	in.journal = js;
	html = report_html(&in);
	assert_non_null(strstr(html, "41.49"));
	assert_non_null(strstr(html, "80.10"));     /* as written, not 80.1 */
	assert_non_null(strstr(html, "42 s"));
	assert_non_null(strstr(html, ">ok<"));
	free(html);
	free(text);
	jstate_free(js);
	plan_free(p);
	ynode_free(vn);
}

/* Odd numbers, empty input and many results: a page, never a crash or an endless axis. */
static void
test_odd_input(void **state)
{
	struct buf b;
	struct buf big;
	struct report_input empty = { 0 };
	struct ynode *g;
	char *html;

	(void)state;
	html = report_html(&empty);
	assert_non_null(strstr(html, "</html>"));
	free(html);
	buf_init(&big);
	buf_puts(&big, "results:\n");
	for (int i = 0; i < 300; i++)
		buf_printf(&big, "- {kind: k%d, threads: %d, gflops: %s, path: p}\n", i % 9,
		    i % 3 ? 100000 : 1, i % 5 ? "1e300" : ".nan");
	g = doc(big.data);
	empty.bench = g;
	html = report_html(&empty);
	assert_non_null(strstr(html, "</html>"));
	assert_true(strlen(html) < 4 * 1024 * 1024);
	free(html);
	ynode_free(g);
	buf_free(&big);
	buf_init(&b);
	report_chart_bars(&b, "none", NULL, 0);
	assert_non_null(strstr(b.data, "</svg>"));
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_esc),
		cmocka_unit_test(test_hostile_everywhere),
		cmocka_unit_test(test_figures_and_steps),
		cmocka_unit_test(test_odd_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* report-html.c — the report page: machine, steps, validation checks and charts, from armpy's own YAML. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "journal.h"
#include "plan.h"
#include "report.h"
#include "validate.h"
#include "ydoc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_MAX_BARS 64

static const char report_css[] =
	"*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',"
	"Roboto,'DejaVu Sans',sans-serif;color:#1f2328;background:#f6f8fa}"
	"header{background:#24292f;color:#fff;padding:22px 32px}header h1{margin:0;font-size:24px}"
	"header p{margin:4px 0 0;color:#c9d1d9}main{max-width:1180px;margin:0 auto;padding:20px 32px}"
	"section{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:16px 20px;"
	"margin:0 0 18px}section.glance{background:none;border:0;padding:0}h2{margin:0 0 12px;font-size:18px}"
	".verdict{display:inline-block;padding:2px 12px;border-radius:12px;font-weight:600;"
	"font-size:14px;margin-left:10px;vertical-align:middle}"
	".pass{background:#dafbe1;color:#1a7f37}.warn{background:#fff8c5;color:#9a6700}"
	".fail{background:#ffebe9;color:#cf222e}.info{background:#ddf4ff;color:#0969da}"
	".none{background:#eaeef2;color:#57606a}"
	"dl.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:10px 18px;"
	"margin:0}dl.grid div{border-left:3px solid #0969da;padding-left:10px}"
	"dt{font-size:12px;color:#57606a;text-transform:uppercase;letter-spacing:.04em}"
	"dd{margin:0;font-weight:600;overflow-wrap:anywhere}"
	"table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;"
	"border-bottom:1px solid #eaeef2;vertical-align:top}th{font-size:12px;color:#57606a;"
	"text-transform:uppercase}td.num{text-align:right;font-variant-numeric:tabular-nums}"
	"td.detail{color:#424a53;overflow-wrap:anywhere}code{font-size:13px}"
	".tl{position:relative;height:12px;background:#eaeef2;border-radius:6px;min-width:160px}"
	".tl span{position:absolute;top:0;height:12px;border-radius:6px;background:#0969da}"
	".charts{display:grid;grid-template-columns:1fr;gap:14px}"
	"figure.chart{margin:0}figure.chart svg{width:100%;height:auto}"
	"figure.scaling{max-width:640px}"
	".glance{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px}"
	".glance div{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px 14px}"
	".glance b{display:block;font-size:19px;line-height:1.25;margin:2px 0}"
	".glance b.ok{color:#1a7f37}.glance b.bad{color:#cf222e}"
	".glance small{color:#57606a}"
	"figcaption{font-size:13px;color:#57606a;margin-top:4px}"
	".legend span{margin-left:14px;white-space:nowrap}.legend i{display:inline-block;width:14px;"
	"height:4px;margin-right:5px;vertical-align:middle}.legend i.dash{border-top:2px dashed #57606a;"
	"height:0}svg text{font:12px system-ui,'DejaVu Sans',sans-serif;fill:#1f2328}"
	"svg text.axis{fill:#57606a;font-size:11px}svg .grid{stroke:#eaeef2}"
	"svg .bar{fill:#0969da}svg .bar.generic{fill:#bf8700}svg .peak{fill:#ddf4ff;stroke:#54aeff;"
	"stroke-dasharray:3 3}svg .peakline{stroke:#0550ae;stroke-width:2}"
	"svg .ideal{stroke-dasharray:6 5;stroke-width:1.5;opacity:.6}"
	"footer{color:#57606a;font-size:12px;text-align:center;padding:8px 0 24px}";

/* ---- reading armpy's YAML by key ---- */

/* The scalar at a dotted path ("cpu.name"), NULL when absent, null or not a scalar. */
static const char *
yv(const struct ynode *n, const char *path)
{
	char key[64];
	const char *dot;

	while (n != NULL && (dot = strchr(path, '.')) != NULL) {
		snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
		n = ynode_get(n, key);
		path = dot + 1;
	}
	n = ynode_get(n, path);
	if (n == NULL || n->type != YNODE_SCALAR || ynode_is_null(n))
		return NULL;
	return n->value;
}

/* The number at path, or -1 when absent or not a finite number >= 0. */
static double
ynum(const struct ynode *n, const char *path)
{
	const char *v = yv(n, path);
	char *end;
	double d;

	if (v == NULL)
		return -1;
	d = strtod(v, &end);
	return *end == '\0' && end != v && isfinite(d) && d >= 0 ? d : -1;
}

/* ---- pieces ---- */

static void
esc_tag(struct buf *b, const char *tag, const char *cls, const char *s)
{
	buf_printf(b, "<%s%s%s%s>", tag, cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	report_esc(b, s);
	buf_printf(b, "</%s>", tag);
}

static void
field(struct buf *b, const char *label, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	buf_puts(b, "<div>");
	esc_tag(b, "dt", NULL, label);
	esc_tag(b, "dd", NULL, value);
	buf_puts(b, "</div>");
}

static const char *
verdict_class(const char *v)
{
	if (v == NULL)
		return "none";
	if (strcasecmp(v, "pass") == 0 || strcmp(v, "ok") == 0 || strcmp(v, "satisfied") == 0)
		return "pass";
	if (strcasecmp(v, "warn") == 0 || strcmp(v, "skipped") == 0)
		return "warn";
	if (strcasecmp(v, "fail") == 0 || strcmp(v, "failed") == 0 ||
	    strcmp(v, "interrupted") == 0)
		return "fail";
	return strcasecmp(v, "info") == 0 ? "info" : "none";
}

static void
pill(struct buf *b, const char *text)
{
	buf_printf(b, "<span class=\"verdict %s\">", verdict_class(text));
	report_esc(b, text != NULL ? text : "not run");
	buf_puts(b, "</span>");
}

/* "OpenBLAS 0.3.21 (pthreads)" for a library node (validation's blas, or a bench result). */
static char *
lib_label(const struct ynode *lib)
{
	const char *kind = yv(lib, "kind"), *ver = yv(lib, "version"), *thr = yv(lib, "threading");

	return xasprintf("%s%s%s%s%s%s", validate_kind_label(kind), ver ? " " : "", ver ? ver : "",
	    thr ? " (" : "", thr ? thr : "", thr ? ")" : "");
}

/* ---- sections ---- */

static void
glance(struct buf *b, const char *label, const char *big, const char *small)
{
	if (big == NULL)
		return;
	buf_puts(b, "<div>");
	esc_tag(b, "small", NULL, label);
	esc_tag(b, "b", strcmp(big, "PASS") == 0 ? "ok" : strcmp(big, "FAIL") == 0 ? "bad" : NULL,
	    big);
	if (small != NULL)
		esc_tag(b, "small", NULL, small);
	buf_puts(b, "</div>");
}

static void
glance_lib(struct buf *b, const char *label, const struct ynode *lib)
{
	char *name, *kern;

	if (lib == NULL || yv(lib, "kind") == NULL)
		return;
	name = lib_label(lib);
	kern = yv(lib, "kernels") != NULL ? xasprintf("kernels: %s", yv(lib, "kernels")) : NULL;
	glance(b, label, name, kern);
	free(name);
	free(kern);
}

static void
glance_steps(struct buf *b, const struct report_input *in)
{
	size_t ok = 0;
	char *big;

	if (in->plan == NULL || in->journal == NULL)
		return;
	for (size_t i = 0; i < in->plan->nsteps; i++) {
		const struct jstep *j = jstate_find(in->journal, in->plan->steps[i].id);
		ok += j != NULL && j->result != NULL && (strcmp(j->result, "ok") == 0 ||
		    strcmp(j->result, "satisfied") == 0);
	}
	big = xasprintf("%zu of %zu done", ok, in->plan->nsteps);
	glance(b, "Steps", big, in->journal->finish != NULL ? in->journal->finish :
	    "the run did not finish");
	free(big);
}

static void
section_glance(struct buf *b, const struct report_input *in)
{
	const struct ynode *v = in->validation;
	const char *passed = yv(v, "passed");
	char *g1 = NULL, *ga = NULL, *gal = NULL;

	if (yv(v, "speed.gflops_1") != NULL)
		g1 = xasprintf("%s GFLOPS", yv(v, "speed.gflops_1"));
	if (yv(v, "speed.gflops_all") != NULL) {
		ga = xasprintf("%s GFLOPS", yv(v, "speed.gflops_all"));
		gal = xasprintf("dgemm, %s threads", yv(v, "speed.threads_all") ?
		    yv(v, "speed.threads_all") : "all");
	}
	buf_puts(b, "<section id=\"glance\" class=\"glance\">");
	if (passed != NULL)
		glance(b, "Validation", strcmp(passed, "true") == 0 ? "PASS" : "FAIL",
		    "every check below");
	glance_lib(b, "BLAS behind NumPy", ynode_get(v, "blas"));
	glance_lib(b, "LAPACK behind NumPy", ynode_get(v, "lapack"));
	glance(b, "dgemm, 1 thread", g1, NULL);
	glance(b, gal != NULL ? gal : "dgemm", ga, NULL);
	glance_steps(b, in);
	buf_puts(b, "</section>\n");
	free(g1);
	free(ga);
	free(gal);
}

static void
section_machine(struct buf *b, const struct report_input *in)
{
	const struct ynode *f = in->facts, *v = in->validation;
	char *mem = NULL, *cores = NULL;
	double m = ynum(f, "memory_bytes");

	if (f == NULL)
		return;
	if (m > 0)
		mem = xasprintf("%.1f GiB", m / (1024.0 * 1024 * 1024));
	if (yv(f, "cpu.cores") != NULL)
		cores = xasprintf("%s", yv(f, "cpu.cores"));
	buf_puts(b, "<section id=\"machine\"><h2>The machine</h2><dl class=\"grid\">");
	field(b, "Distribution", yv(f, "distro.pretty_name") ? yv(f, "distro.pretty_name") :
	    yv(f, "distro.id"));
	field(b, "Architecture", yv(f, "arch"));
	field(b, "CPU", yv(f, "cpu.name"));
	field(b, "Vendor", yv(f, "cpu.vendor"));
	field(b, "Cores", cores);
	field(b, "OpenBLAS TARGET", yv(f, "cpu.openblas_target"));
	field(b, "BLIS config", yv(f, "cpu.blis_config"));
	field(b, "Memory", mem);
	field(b, "Peak FP64 (all threads), GFLOPS", yv(v, "speed.peak_gflops"));
	field(b, "Clock used for the peak, MHz", yv(v, "speed.clock_mhz"));
	if (yv(f, "emulated") != NULL && strcmp(yv(f, "emulated"), "true") == 0)
		field(b, "Emulated", "yes: timings are not this machine's speed");
	buf_puts(b, "</dl></section>\n");
	free(mem);
	free(cores);
}

static long
steps_span(const struct jstate *js, long *t0)
{
	long end = 0;

	*t0 = js != NULL ? js->begin_time : 0;
	for (size_t i = 0; js != NULL && i < js->nsteps; i++) {
		if (js->steps[i].start_time > 0 && (*t0 == 0 || js->steps[i].start_time < *t0))
			*t0 = js->steps[i].start_time;
		if (js->steps[i].end_time > end)
			end = js->steps[i].end_time;
	}
	return end > *t0 ? end - *t0 : 1;
}

static void
step_row(struct buf *b, size_t i, const struct step *s, const struct jstep *j, long t0,
    long span)
{
	long d = j != NULL && j->end_time >= j->start_time && j->start_time > 0 ?
	    j->end_time - j->start_time : -1;

	buf_printf(b, "<tr><td class=\"num\">%zu</td><td>", i + 1);
	report_esc(b, s->title != NULL ? s->title : s->id);
	buf_puts(b, "<br><code>");
	report_esc(b, s->id);
	buf_printf(b, "</code>%s</td><td>", s->privileged ? " <small>(root)</small>" : "");
	report_esc(b, action_kind_name(s->kind));
	buf_puts(b, "</td><td>");
	pill(b, j != NULL ? (j->result != NULL ? j->result : "unfinished") : NULL);
	if (d >= 0)
		buf_printf(b, "</td><td class=\"num\">%ld s</td><td><div class=\"tl\"><span "
		    "style=\"left:%.1f%%;width:%.1f%%\"></span></div></td></tr>\n", d,
		    100.0 * (j->start_time - t0) / span, fmax(1.0, 100.0 * d / span));
	else
		buf_puts(b, "</td><td class=\"num\">-</td><td></td></tr>\n");
}

static void
section_steps(struct buf *b, const struct report_input *in)
{
	const struct plan *p = in->plan;
	long t0, span = steps_span(in->journal, &t0);

	if (p == NULL)
		return;
	buf_printf(b, "<section id=\"steps\"><h2>The plan: %zu steps", p->nsteps);
	if (in->journal != NULL)
		pill(b, in->journal->finish != NULL ? in->journal->finish : "unfinished");
	buf_puts(b, "</h2>");
	if (p->target != NULL) {
		buf_puts(b, "<p>For ");
		report_esc(b, p->target);
		buf_puts(b, "</p>");
	}
	for (size_t i = 0; p->warnings != NULL && p->warnings[i] != NULL; i++)
		esc_tag(b, "p", "verdict warn", p->warnings[i]);
	buf_puts(b, "<table><thead><tr><th>#</th><th>Step</th><th>Action</th><th>Outcome</th>"
	    "<th>Time</th><th>When</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < p->nsteps; i++)
		step_row(b, i, &p->steps[i], in->journal != NULL ?
		    jstate_find(in->journal, p->steps[i].id) : NULL, t0, span);
	buf_puts(b, "</tbody></table></section>\n");
}

static void
lib_row(struct buf *b, const char *role, const struct ynode *lib)
{
	const char *kind = yv(lib, "kind");

	if (lib == NULL || kind == NULL)
		return;
	buf_puts(b, "<tr>");
	esc_tag(b, "td", NULL, role);
	esc_tag(b, "td", NULL, validate_kind_label(kind));
	esc_tag(b, "td", NULL, yv(lib, "version") ? yv(lib, "version") : "-");
	esc_tag(b, "td", NULL, yv(lib, "threading") ? yv(lib, "threading") : "-");
	esc_tag(b, "td", NULL, yv(lib, "kernels") ? yv(lib, "kernels") : "-");
	buf_puts(b, "<td class=\"detail\"><code>");
	report_esc(b, yv(lib, "path"));
	if (yv(lib, "provider") != NULL && yv(lib, "path") != NULL &&
	    strcmp(yv(lib, "provider"), yv(lib, "path")) != 0) {
		buf_puts(b, "</code> → <code>");
		report_esc(b, yv(lib, "provider"));
	}
	buf_puts(b, "</code></td></tr>\n");
}

static void
check_rows(struct buf *b, const struct ynode *checks)
{
	for (size_t i = 0; checks != NULL && checks->type == YNODE_SEQ && i < checks->n; i++) {
		const struct ynode *c = checks->items[i];
		buf_puts(b, "<tr>");
		esc_tag(b, "td", NULL, yv(c, "name"));
		buf_puts(b, "<td>");
		pill(b, yv(c, "verdict"));
		buf_puts(b, "</td>");
		esc_tag(b, "td", "detail", yv(c, "detail"));
		buf_puts(b, "</tr>\n");
	}
}

static void
section_validation(struct buf *b, const struct report_input *in)
{
	const struct ynode *v = in->validation;
	const char *passed;

	if (v == NULL)
		return;
	passed = yv(v, "passed");
	buf_puts(b, "<section id=\"validation\"><h2>Validation: the BLAS behind NumPy");
	pill(b, passed == NULL ? NULL : strcmp(passed, "true") == 0 ? "PASS" : "FAIL");
	buf_puts(b, "</h2><p>");
	report_esc(b, yv(v, "python"));
	buf_puts(b, ": NumPy ");
	report_esc(b, yv(v, "numpy") ? yv(v, "numpy") : "-");
	buf_puts(b, ", SciPy ");
	report_esc(b, yv(v, "scipy") ? yv(v, "scipy") : "-");
	buf_puts(b, "</p><table><thead><tr><th>Role</th><th>Library</th><th>Version</th>"
	    "<th>Threading</th><th>Kernels</th><th>File</th></tr></thead><tbody>\n");
	lib_row(b, "BLAS (cblas_dgemm)", ynode_get(v, "blas"));
	lib_row(b, "LAPACK (dgetrf_)", ynode_get(v, "lapack"));
	lib_row(b, "SciPy BLAS", ynode_get(v, "scipy_blas"));
	lib_row(b, "SciPy LAPACK", ynode_get(v, "scipy_lapack"));
	buf_puts(b, "</tbody></table><h2 style=\"margin-top:16px\">Checks</h2><table><thead><tr>"
	    "<th>Check</th><th>Verdict</th><th>Detail</th></tr></thead><tbody>\n");
	check_rows(b, ynode_get(v, "checks"));
	buf_puts(b, "</tbody></table></section>\n");
}

/* ---- upstream tests (validate --thorough) ---- */

static void
upstream_pill(struct buf *b, const char *status)
{
	const char *cls = status == NULL ? "none" : strcmp(status, "passed") == 0 ? "pass" :
	    strcmp(status, "not_run") == 0 || strcmp(status, "none_selected") == 0 ? "warn" : "fail";

	buf_printf(b, "<span class=\"verdict %s\">", cls);
	report_esc(b, status != NULL ? status : "unknown");
	buf_puts(b, "</span>");
}

/* One suite: its counts as the YAML writes them, its reason and first failing ids. */
static void
upstream_row(struct buf *b, const struct ynode *s)
{
	static const char *const counts[] = { "passed", "failed", "errors", "skipped", "xfailed",
	    "xpassed", "seconds" };
	const struct ynode *failing = ynode_get(s, "failing");

	buf_puts(b, "<tr>");
	esc_tag(b, "td", NULL, yv(s, "name"));
	buf_puts(b, "<td>");
	upstream_pill(b, yv(s, "status"));
	buf_puts(b, "</td>");
	for (size_t i = 0; i < nitems(counts); i++)
		esc_tag(b, "td", "num", yv(s, counts[i]) ? yv(s, counts[i]) : "-");
	buf_puts(b, "<td class=\"detail\">");
	report_esc(b, yv(s, "reason"));
	for (size_t i = 0; failing != NULL && failing->type == YNODE_SEQ && i < failing->n; i++)
		if (failing->items[i]->type == YNODE_SCALAR) {
			buf_puts(b, i == 0 ? "failing: <code>" : "</code>, <code>");
			report_esc(b, failing->items[i]->value);
			buf_puts(b, i + 1 == failing->n ? "</code>" : "");
		}
	buf_puts(b, "</td></tr>\n");
}

static void
section_upstream(struct buf *b, const struct report_input *in)
{
	const struct ynode *u = ynode_get(in->validation, "upstream_tests"), *suites;

	if (u == NULL || u->type != YNODE_MAP)
		return;
	buf_puts(b, "<section id=\"upstream\"><h2>Upstream tests: NumPy's and SciPy's own");
	upstream_pill(b, yv(u, "status"));
	buf_puts(b, "</h2><dl class=\"grid\">");
	field(b, "Python", yv(u, "python"));
	field(b, "pytest", yv(u, "pytest") ? yv(u, "pytest") : "does not import");
	field(b, "BLAS in use", yv(u, "blas"));
	field(b, "Library file", yv(u, "blas_path"));
	field(b, "Selection", yv(u, "selection"));
	field(b, "-k", yv(u, "keyword"));
	field(b, "Seconds", yv(u, "seconds"));
	field(b, "Time limit (s)", yv(u, "timeout"));
	buf_puts(b, "</dl><table><thead><tr><th>Suite</th><th>Status</th><th>Passed</th>"
	    "<th>Failed</th><th>Errors</th><th>Skipped</th><th>xfailed</th><th>xpassed</th>"
	    "<th>Seconds</th><th>Detail</th></tr></thead><tbody>\n");
	suites = ynode_get(u, "suites");
	for (size_t i = 0; suites != NULL && suites->type == YNODE_SEQ && i < suites->n; i++)
		upstream_row(b, suites->items[i]);
	buf_puts(b, "</tbody></table></section>\n");
}

/* ---- charts ---- */

/* The series for label in s[0..*n), added with a copy of label when new (at most `max`);
 * NULL when full. The caller frees the labels. */
static struct report_series *
series_for(struct report_series *s, size_t *n, size_t max, const char *label)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(s[i].label, label) == 0)
			return &s[i];
	if (*n == max)
		return NULL;
	memset(&s[*n], 0, sizeof *s);
	s[*n].label = xstrdup(label);
	return &s[(*n)++];
}

static void
series_add(struct report_series *s, double x, double y)
{
	int i;

	if (s == NULL || x < 1 || y < 0 || s->n == REPORT_MAX_POINTS)
		return;
	for (i = s->n; i > 0 && s->x[i - 1] > x; i--) {
		s->x[i] = s->x[i - 1];
		s->y[i] = s->y[i - 1];
	}
	s->x[i] = x;
	s->y[i] = y;
	s->n++;
}

static void
charts_validation(struct buf *b, const struct ynode *v)
{
	struct report_bar bars[2];
	struct report_series s;
	double t = ynum(v, "speed.threads_all"), peak = ynum(v, "speed.peak_gflops");
	char *label = lib_label(ynode_get(v, "blas")), *l1, *la;

	if (ynum(v, "speed.gflops_1") < 0 && ynum(v, "speed.gflops_all") < 0) {
		free(label);
		return;
	}
	l1 = xasprintf("%s, 1 thread", label);
	la = xasprintf("%s, %.0f threads", label, t);
	bars[0] = (struct report_bar){ l1, yv(v, "speed.gflops_1"), ynum(v, "speed.gflops_1"),
	    peak > 0 && t > 0 ? peak / t : -1, 0 };
	bars[1] = (struct report_bar){ la, yv(v, "speed.gflops_all"), ynum(v, "speed.gflops_all"),
	    peak, 0 };
	report_chart_bars(b, "dgemm GFLOPS through NumPy against the machine's FP64 peak "
	    "(outlined)", bars, 2);
	memset(&s, 0, sizeof s);
	s.label = label;
	series_add(&s, 1, ynum(v, "speed.gflops_1"));
	series_add(&s, t, ynum(v, "speed.gflops_all"));
	if (s.n > 1)
		report_chart_scaling(b, "Thread scaling through NumPy", &s, 1);
	free(l1);
	free(la);
	free(label);
}

static size_t
bench_bars(const struct ynode *res, double peak1, struct report_bar *bars, char **labels,
    struct report_series *ser, size_t *nser)
{
	size_t n = 0;

	for (size_t i = 0; res != NULL && res->type == YNODE_SEQ && i < res->n &&
	    n < REPORT_MAX_BARS; i++) {
		const struct ynode *r = res->items[i];
		double g = ynum(r, "gflops"), t = ynum(r, "threads");
		const char *gen = yv(r, "generic_kernels");
		char *lib = lib_label(r);

		if (g < 0 || t < 1) {
			free(lib);
			continue;
		}
		labels[n] = xasprintf("%s, %s thread%s, N=%s", lib, yv(r, "threads"), t == 1 ? "" :
		    "s", yv(r, "n") ? yv(r, "n") : "?");
		bars[n] = (struct report_bar){ labels[n], yv(r, "gflops"), g, peak1 > 0 ?
		    peak1 * t : -1, gen != NULL && strcmp(gen, "true") == 0 };
		n++;
		series_add(series_for(ser, nser, 6, lib), t, g);
		free(lib);
	}
	return n;
}

static void
bench_failures(struct buf *b, const struct ynode *res)
{
	int head = 0;

	for (size_t i = 0; res != NULL && res->type == YNODE_SEQ && i < res->n; i++) {
		const struct ynode *r = res->items[i];
		char *lib;
		if (yv(r, "error") == NULL)
			continue;
		if (!head++)
			buf_puts(b, "<h2>Not measured</h2><table><tbody>\n");
		lib = lib_label(r);
		buf_puts(b, "<tr>");
		esc_tag(b, "td", NULL, lib);
		esc_tag(b, "td", NULL, yv(r, "path"));
		esc_tag(b, "td", "detail", yv(r, "error"));
		buf_puts(b, "</tr>\n");
		free(lib);
	}
	if (head)
		buf_puts(b, "</tbody></table>\n");
}

static void
charts_bench(struct buf *b, const struct ynode *bench, const struct ynode *v)
{
	const struct ynode *res = ynode_get(bench, "results");
	struct report_bar bars[REPORT_MAX_BARS];
	char *labels[REPORT_MAX_BARS];
	struct report_series ser[6];
	double peak = ynum(v, "speed.peak_gflops"), t = ynum(v, "speed.threads_all");
	size_t nser = 0, n;

	n = bench_bars(res, peak > 0 && t > 0 ? peak / t : -1, bars, labels, ser, &nser);
	buf_puts(b, "<p>");
	report_esc(b, yv(bench, "recommendation"));
	buf_puts(b, "</p>");
	if (n > 0)
		report_chart_bars(b, "armpy gflops: every BLAS on the system, timed natively "
		    "(reference kernels in amber; the machine's peak outlined when known)", bars, n);
	if (nser > 0)
		report_chart_scaling(b, "Thread scaling of each BLAS (armpy gflops)", ser, nser);
	bench_failures(b, res);
	for (size_t i = 0; i < n; i++)
		free(labels[i]);
	for (size_t i = 0; i < nser; i++)
		free((char *)ser[i].label);
}

static void
section_charts(struct buf *b, const struct report_input *in)
{
	if (in->validation == NULL && in->bench == NULL)
		return;
	buf_puts(b, "<section id=\"speed\"><h2>Speed</h2><div class=\"charts\">");
	if (in->validation != NULL)
		charts_validation(b, in->validation);
	if (in->bench != NULL)
		charts_bench(b, in->bench, in->validation);
	buf_puts(b, "</div></section>\n");
}

/* ---- the page ---- */

static void
page_head(struct buf *b, const struct report_input *in)
{
	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src 'unsafe-inline'; img-src data:\"><title>");
	report_esc(b, in->title != NULL ? in->title : "armpy report");
	buf_printf(b, "</title><style>%s</style></head><body><header><h1>", report_css);
	report_esc(b, in->title != NULL ? in->title : "armpy report");
	buf_puts(b, "</h1><p>");
	if (in->profile != NULL) {
		buf_puts(b, "Profile ");
		report_esc(b, in->profile);
		buf_puts(b, " · ");
	}
	if (in->root != NULL) {
		buf_puts(b, "Root ");
		report_esc(b, in->root);
		buf_puts(b, " · ");
	}
	buf_puts(b, "armpy " ARMPY_VERSION);
	if (in->generated != NULL) {
		buf_puts(b, " · made ");
		report_esc(b, in->generated);
	}
	buf_puts(b, "</p></header><main>\n");
}

char *
report_html(const struct report_input *in)
{
	struct buf b;

	buf_init(&b);
	page_head(&b, in);
	section_glance(&b, in);
	section_machine(&b, in);
	section_validation(&b, in);
	section_upstream(&b, in);
	section_charts(&b, in);
	section_steps(&b, in);
	buf_puts(&b, "</main><footer>The BLAS truth comes from the library that really serves "
	    "NumPy's cblas_dgemm in the probe's process (armpy validate), not from "
	    "numpy.show_config().</footer></body></html>\n");
	return buf_steal(&b);
}

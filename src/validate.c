/* validate.c — the validation report: its model, the probe's YAML parsed and the verdicts decided (pure). */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "facts.h"
#include "plan.h"
#include "validate.h"
#include "validate-int.h"
#include "cpuclock.h"
#include "ydoc.h"
#include "rootdir.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


static const char *seed_reason = GUIDE_NAME " requires it: multiple fixes related to data "
    "precision and correctness on Arm64 went into OpenBLAS between v0.3.9 and v0.3.17";

const char *
verdict_name(enum check_verdict v)
{
	switch (v) {
	case VERDICT_PASS:
		return "PASS";
	case VERDICT_WARN:
		return "WARN";
	case VERDICT_FAIL:
		return "FAIL";
	case VERDICT_INFO:
		return "INFO";
	}
	return "?";
}

void
validate_lib_clear(struct validate_lib *l)
{
	free(l->path);
	free(l->kind);
	free(l->version);
	free(l->corename);
	free(l->threading);
	free(l->consumer);
	free(l->symbol);
	free(l->scope);
	free(l->provider);
	free(l->evidence);
	free(l->config);
	free(l->kernels);
	free(l->kernels_evidence);
	free(l->backend);
	free(l->backend_kind);
	free(l->backend_version);
	free(l->backend_path);
	memset(l, 0, sizeof *l);
}

void
validate_report_free(struct validate_report *r)
{
	int i;
	if (r == NULL)
		return;
	free(r->python);
	free(r->numpy_version);
	free(r->scipy_version);
	validate_lib_clear(&r->blas);
	validate_lib_clear(&r->lapack);
	validate_lib_clear(&r->scipy_blas);
	validate_lib_clear(&r->scipy_lapack);
	for (i = 0; i < r->nchecks; i++) {
		free(r->checks[i].name);
		free(r->checks[i].detail);
	}
	free(r->checks);
	strv_free(r->mapped);
	strv_free(r->errors);
	free(r->speed_method);
	free(r->clock_source);
	strv_free(r->env);
	strv_free(r->env_applied);
	free(r->env_applied_from);
	free(r->probe_yaml);
	free(r);
}

int
validate_passed(const struct validate_report *r)
{
	int i;
	if (r == NULL)
		return 0;
	for (i = 0; i < r->nchecks; i++)
		if (r->checks[i].verdict == VERDICT_FAIL)
			return 0;
	return 1;
}

const struct validate_check *
validate_find(const struct validate_report *r, const char *name)
{
	int i;
	for (i = 0; r != NULL && i < r->nchecks; i++)
		if (strcmp(r->checks[i].name, name) == 0)
			return &r->checks[i];
	return NULL;
}

int
validate_expect_parse(const char *expect, const char **lib, const char **threading,
    char **cause)
{
	static const char *libs[] = { "openblas", "blis", "reference", "mkl", "nvpl", "armpl" };
	static const char *thr[] = { "openmp", "pthreads", "serial" };
	const char *colon = expect != NULL ? strchr(expect, ':') : NULL;
	size_t n = colon != NULL ? (size_t)(colon - expect) : expect != NULL ? strlen(expect) : 0;
	size_t i;

	*lib = *threading = NULL;
	for (i = 0; i < nitems(libs); i++)
		if (strlen(libs[i]) == n && strncmp(expect, libs[i], n) == 0)
			*lib = libs[i];
	for (i = 0; colon != NULL && i < nitems(thr); i++)
		if (strcmp(colon + 1, thr[i]) == 0)
			*threading = thr[i];
	if (*lib != NULL && (colon == NULL || *threading != NULL))
		return 0;
	*lib = *threading = NULL;
	cause_set(cause, "'%s' is not openblas, blis, reference, mkl, nvpl or armpl, optionally "
	    "followed by :openmp, :pthreads or :serial (e.g. openblas:openmp)", quote_short(expect != NULL ? expect : ""));
	return -1;
}

/* ---- parsing the probe's YAML ---- */

static char *
get_str(const struct ynode *map, const char *key)
{
	const struct ynode *n = ynode_get(map, key);
	if (n == NULL || n->type != YNODE_SCALAR || ynode_is_null(n))
		return NULL;
	return xstrdup(n->value);
}

static double
get_num(const struct ynode *map, const char *key)
{
	const struct ynode *n = ynode_get(map, key);
	char *end;
	double v;
	if (n == NULL || n->type != YNODE_SCALAR || ynode_is_null(n) || n->value[0] == '\0')
		return -1;
	errno = 0;
	v = strtod(n->value, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v))
		return -1;
	return v;
}

static const char *
fact_str(const struct ynode *map, const char *key)
{
	const struct ynode *n = ynode_get(map, key);
	return n != NULL && n->type == YNODE_SCALAR && !ynode_is_null(n) ? n->value : NULL;
}

static char **strv_of(const struct ynode *seq, const char *key);

/* The probe's facts about one library (a map of armpy-probe.py's identify()) as blasid_decide
 * takes them; the strings stay the map's, the lists are f_free's. */
static void
facts_of(const struct ynode *fn, const char *path, const char *provider,
    struct blasid_facts *f)
{
	int plain = 0;
	const struct ynode *n = ynode_get(fn, "version_code");

	memset(f, 0, sizeof *f);
	f->path = path;
	f->provider = provider;
	f->symbols = strv_of(ynode_get(fn, "symbols"), NULL);
	f->markers = strv_of(ynode_get(fn, "markers"), NULL);
	f->mapped = strv_of(ynode_get(fn, "mapped"), NULL);
	f->config = fact_str(fn, "config");
	f->corename = fact_str(fn, "corename");
	f->parallel = (int)get_num(fn, "parallel");
	f->version = fact_str(fn, "version");
	f->blis_openmp = (int)get_num(fn, "blis_openmp");
	f->blis_pthreads = (int)get_num(fn, "blis_pthreads");
	f->blis_arch = fact_str(fn, "blis_arch");
	f->sibling = fact_str(fn, "sibling");
	f->sibling_version = fact_str(fn, "sibling_version");
	f->sibling_arch = fact_str(fn, "sibling_arch");
	f->sibling_openmp = (int)get_num(fn, "sibling_openmp");
	f->sibling_pthreads = (int)get_num(fn, "sibling_pthreads");
	f->arch_debug = fact_str(fn, "arch_debug");
	f->version_code = n != NULL && get_num(fn, "version_code") >= 0 &&
	    get_num(fn, "version_code") <= INT_MAX ? (int)get_num(fn, "version_code") : -1;
	f->backend = fact_str(fn, "backend");
	if (ynode_get(fn, "plain_api") != NULL && ynode_bool(ynode_get(fn, "plain_api"), &plain) != 0)
		plain = 0;
	f->plain_api = plain;
}

static void
f_free(struct blasid_facts *f)
{
	strv_free((char **)f->symbols);
	strv_free((char **)f->markers);
	strv_free((char **)f->mapped);
}

static char *
dup_nonempty(const char *s)
{
	return s != NULL && *s != '\0' ? xstrdup(s) : NULL;
}

/* The probe reports facts only (armpy-probe.py decides nothing): blasid_decide, the one that
 * also decides for armpy gflops, turns them into the library's kind, version, threading and
 * kernels; a FlexiBLAS's backend_facts are those of the file it loaded for its backend. */
static void
lib_decide(struct validate_lib *l, const struct ynode *fn)
{
	const struct ynode *bn = ynode_get(fn, "backend_facts");
	struct blasid_facts f, bf;
	struct blasid id;

	facts_of(fn, l->path, l->provider, &f);
	if (bn != NULL && bn->type == YNODE_MAP) {
		facts_of(bn, fact_str(fn, "backend_path"), fact_str(fn, "backend_provider"), &bf);
		f.backend_facts = &bf;
	}
	blasid_decide(&f, &id);
	l->kind = xstrdup(id.kind);
	l->threading = xstrdup(id.threading);
	l->version = dup_nonempty(id.version);
	l->corename = dup_nonempty(id.corename);
	l->config = dup_nonempty(id.config);
	l->evidence = dup_nonempty(id.evidence);
	l->kernels = dup_nonempty(id.kernels);
	l->kernels_evidence = dup_nonempty(id.kernels_evidence);
	l->backend = dup_nonempty(id.backend);
	l->backend_kind = dup_nonempty(id.backend_kind);
	l->backend_version = dup_nonempty(id.backend_version);
	l->backend_path = dup_nonempty(fact_str(fn, "backend_path"));
	if (f.backend_facts != NULL)
		f_free(&bf);
	f_free(&f);
}

void
vlib_parse(struct validate_lib *l, const struct ynode *n)
{
	const struct ynode *fn;

	if (n == NULL || n->type != YNODE_MAP)
		return;
	if ((fn = ynode_get(n, "facts")) != NULL && fn->type == YNODE_MAP) {
		l->path = get_str(n, "path");
		l->consumer = get_str(n, "consumer");
		l->symbol = get_str(n, "symbol");
		l->scope = get_str(n, "scope");
		l->provider = get_str(n, "provider");
		lib_decide(l, fn);
		return;
	}
	/* a probe report recorded before the probe gave facts (tests/fixtures/probe/) */
	l->path = get_str(n, "path");
	l->kind = get_str(n, "kind");
	l->version = get_str(n, "version");
	l->corename = get_str(n, "corename");
	l->threading = get_str(n, "threading");
	l->consumer = get_str(n, "consumer");
	l->symbol = get_str(n, "symbol");
	l->scope = get_str(n, "scope");
	l->provider = get_str(n, "provider");
	l->evidence = get_str(n, "evidence");
	l->config = get_str(n, "config");
	l->kernels = get_str(n, "kernels");
	l->kernels_evidence = get_str(n, "kernels_evidence");
	if (l->kind == NULL)
		l->kind = xstrdup("unknown");
	if (l->threading == NULL)
		l->threading = xstrdup("unknown");
}

static char **
strv_of(const struct ynode *seq, const char *key)
{
	char **v = strv_new();
	size_t i;
	if (seq == NULL || seq->type != YNODE_SEQ)
		return v;
	for (i = 0; i < seq->n; i++) {
		const struct ynode *it = seq->items[i];
		if (it->type == YNODE_SCALAR)
			v = strv_push(v, it->value);
		else if (key != NULL && it->type == YNODE_MAP) {
			const struct ynode *s = ynode_get(it, key);
			if (s != NULL && s->type == YNODE_SCALAR)
				v = strv_push(v, s->value);
		}
	}
	return v;
}

/* ---- verdicts ---- */

static char *
lib_describe(const struct validate_lib *l)
{
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "%s", vkind_label(l->kind));
	if (l->version != NULL)
		buf_printf(&b, " %s", l->version);
	if (l->backend_kind != NULL)
		buf_printf(&b, " \u2192 %s%s%s", vkind_label(l->backend_kind),
		    l->backend_version != NULL ? " " : "", l->backend_version != NULL ?
		    l->backend_version : "");
	if (l->threading != NULL && strcmp(l->threading, "unknown") != 0)
		buf_printf(&b, " (%s)", l->threading);
	buf_printf(&b, " %s", l->path != NULL ? l->path : "(no file)");
	if (l->provider != NULL && l->path != NULL && strcmp(l->provider, l->path) != 0)
		buf_printf(&b, " -> %s", l->provider);
	return buf_steal(&b);
}

static int
lib_known(const struct validate_lib *l)
{
	return l->path != NULL && l->kind != NULL && strcmp(l->kind, "unknown") != 0;
}

static const char *
lib_impl(const struct validate_lib *l)
{
	return l->provider != NULL ? l->provider : l->path;
}

static void
verdict_library(struct validate_report *r, const char *want)
{
	char *d;
	if (r->blas.path == NULL) {
		vcheck_add(r, "blas-library", VERDICT_FAIL,
		    "no library serves NumPy's cblas_dgemm (neither plain nor wheel-decorated names "
		    "resolve through _multiarray_umath)");
	} else {
		const char *scope = r->blas.scope && strcmp(r->blas.scope, "global") == 0 ?
		    "; bound from the global scope: LD_PRELOAD or RTLD_GLOBAL" : "";
		d = lib_describe(&r->blas);
		if (want != NULL && strcmp(want, r->blas.kind) != 0 &&
		    (r->blas.backend_kind == NULL || strcmp(want, r->blas.backend_kind) != 0))
			vcheck_add(r, "blas-library", VERDICT_FAIL,
			    "expected %s, but %s serves %s's %s (%s%s)", vkind_label(want), d,
			    r->blas.consumer ? r->blas.consumer : "numpy", r->blas.symbol,
			    r->blas.evidence ? r->blas.evidence : "unidentified", scope);
		else if (!lib_known(&r->blas))
			vcheck_add(r, "blas-library", VERDICT_WARN,
			    "%s serves %s but exports no identification symbol", d, r->blas.symbol);
		else
			vcheck_add(r, "blas-library", VERDICT_PASS, "%s serves %s (%s%s)", d,
			    r->blas.symbol, r->blas.evidence ? r->blas.evidence : "", scope);
		free(d);
	}
	if (r->lapack.path == NULL) {
		vcheck_add(r, "lapack-library", VERDICT_WARN,
		    "dgetrf_ does not resolve through numpy.linalg's module (bundled lapack_lite?)");
	} else {
		d = lib_describe(&r->lapack);
		if (!lib_known(&r->lapack))
			vcheck_add(r, "lapack-library", VERDICT_WARN, "%s serves %s (unidentified)",
			    d, r->lapack.symbol);
		else if (lib_known(&r->blas) && strcmp(r->blas.kind, r->lapack.kind) != 0)
			vcheck_add(r, "lapack-library", VERDICT_INFO,
			    "%s serves %s: LAPACK comes from a different library than BLAS%s", d,
			    r->lapack.symbol, strcmp(r->blas.kind, "blis") == 0 ?
			    " (expected: BLIS has no LAPACK)" : "");
		else
			vcheck_add(r, "lapack-library", VERDICT_PASS, "%s serves %s", d,
			    r->lapack.symbol);
		free(d);
	}
}

static void
verdict_duplicates(struct validate_report *r)
{
	const struct validate_lib *pairs[][2] = {
		{ &r->blas, &r->scipy_blas }, { &r->lapack, &r->scipy_lapack },
		{ &r->blas, &r->lapack },
	};
	struct buf b;
	size_t i;
	buf_init(&b);
	for (i = 0; i < nitems(pairs); i++) {
		const struct validate_lib *a = pairs[i][0], *c = pairs[i][1];
		if (a->path == NULL || c->path == NULL || strcmp(lib_impl(a), lib_impl(c)) == 0)
			continue;
		/* BLAS and LAPACK from different kinds is the BLIS setup, not a duplicate. */
		if (i == 2 && (a->kind == NULL || c->kind == NULL || strcmp(a->kind, c->kind) != 0))
			continue;
		if (strstr(b.data ? b.data : "", lib_impl(c)) != NULL)
			continue;
		buf_printf(&b, "%s%s (%s for %s) and %s (%s for %s)", b.len ? "; " : "",
		    lib_impl(a), vkind_label(a->kind), a->consumer ? a->consumer : "?",
		    lib_impl(c), vkind_label(c->kind), c->consumer ? c->consumer : "?");
	}
	if (b.len > 0)
		vcheck_add(r, "duplicate-blas", VERDICT_WARN,
		    "two BLAS implementations in one process, each with its own thread pool: %s",
		    b.data);
	else
		vcheck_add(r, "duplicate-blas", VERDICT_PASS, "one implementation per role (%d "
		    "BLAS-like files mapped)", (int)strv_len(r->mapped));
	buf_free(&b);
}

static void
verdict_floor(struct validate_report *r, const char *name, const char *what, const char *have,
    const char *floor)
{
	if (have == NULL)
		vcheck_add(r, name, VERDICT_WARN, "%s version unknown (floor %s)", what, floor);
	else if (version_cmp(have, floor) < 0)
		vcheck_add(r, name, VERDICT_FAIL, "%s %s is below %s: %s", what, have, floor,
		    seed_reason);
	else
		vcheck_add(r, name, VERDICT_PASS, "%s %s >= %s", what, have, floor);
}

static void
verdict_versions(struct validate_report *r)
{
	const struct validate_lib *libs[] = { &r->blas, &r->lapack, &r->scipy_blas,
	    &r->scipy_lapack };
	const char *ob = NULL, *v;
	int found = 0;
	size_t i;
	verdict_floor(r, "numpy-version", "NumPy", r->numpy_version, FLOOR_NUMPY);
	if (r->scipy_version == NULL)
		vcheck_add(r, "scipy-version", VERDICT_INFO, "SciPy is not installed");
	else
		verdict_floor(r, "scipy-version", "SciPy", r->scipy_version, FLOOR_SCIPY);
	/* The lowest OpenBLAS version among the libraries in use decides, FlexiBLAS's backend
	 * included. */
	for (i = 0; i < nitems(libs); i++) {
		if (libs[i]->kind != NULL && strcmp(libs[i]->kind, "openblas") == 0)
			v = libs[i]->version;
		else if (libs[i]->backend_kind != NULL && strcmp(libs[i]->backend_kind,
		    "openblas") == 0)
			v = libs[i]->backend_version;
		else
			continue;
		if (!found++ || ob == NULL || (v != NULL && version_cmp(v, ob) < 0))
			ob = v;
	}
	if (found)
		verdict_floor(r, "openblas-version", "OpenBLAS", ob, FLOOR_OPENBLAS);
	if (r->blas.kind != NULL && strcmp(r->blas.kind, "openblas") != 0 &&
	    strcmp(r->blas.kind, "unknown") != 0)
		vcheck_add(r, "blas-version", VERDICT_INFO, "%s %s%s%s%s%s",
		    vkind_label(r->blas.kind), r->blas.version ? r->blas.version : "version unknown",
		    r->blas.backend_kind != NULL ? " \u2192 " : "", r->blas.backend_kind != NULL ?
		    vkind_label(r->blas.backend_kind) : "", r->blas.backend_version != NULL ? " " : "",
		    r->blas.backend_version != NULL ? r->blas.backend_version : "");
}

static void
verdict_core(struct validate_report *r, const struct facts *f)
{
	const struct validate_lib *l = NULL;
	const char *target = f != NULL ? f->cpu.openblas_target : NULL;
	const char *cpu = f != NULL && f->cpu.name != NULL ? f->cpu.name : "this CPU";
	const char *forced = venv_get(r->env, "OPENBLAS_CORETYPE");
	if (r->blas.kind != NULL && strcmp(r->blas.kind, "openblas") == 0)
		l = &r->blas;
	else if (r->lapack.kind != NULL && strcmp(r->lapack.kind, "openblas") == 0)
		l = &r->lapack;
	else if (r->blas.backend_kind != NULL && strcmp(r->blas.backend_kind, "openblas") == 0)
		l = &r->blas;      /* FlexiBLAS's backend: its corename is the backend's */
	if (l == NULL || l->corename == NULL)
		return;
	if (forced != NULL && strcasecmp(forced, l->corename) != 0)
		forced = NULL;
	if (target == NULL || (f != NULL && f->emulated))
		vcheck_add(r, "openblas-core", VERDICT_INFO, "OpenBLAS runs the %s kernels (the "
		    "CPU's OpenBLAS target is unknown%s)%s%s", l->corename, f != NULL &&
		    f->emulated ? ": emulated" : "", forced ? ", forced by OPENBLAS_CORETYPE=" : "",
		    forced ? forced : "");
	else if (vcore_fits(l->corename, target, f))
		vcheck_add(r, "openblas-core", VERDICT_PASS, "OpenBLAS runs the %s kernels on %s",
		    l->corename, cpu);
	else if (forced != NULL)
		vcheck_add(r, "openblas-core", VERDICT_WARN, "OpenBLAS runs the %s kernels on %s "
		    "(%s expected), forced by OPENBLAS_CORETYPE=%s", l->corename, cpu, target,
		    forced);
	else if (blasid_kernels_generic("openblas", l->corename))
		vcheck_add(r, "openblas-core", VERDICT_WARN, "OpenBLAS runs the generic %s kernels "
		    "on %s (%s expected): this OpenBLAS does not know the CPU; use a newer one or "
		    "set OPENBLAS_CORETYPE=%s", l->corename, cpu, target, target);
	else
		vcheck_add(r, "openblas-core", VERDICT_WARN, "OpenBLAS runs the %s kernels on %s "
		    "(%s expected)", l->corename, cpu, target);
}

static long
env_num(char *const *env, const char *name)
{
	size_t n = strlen(name);
	for (; env != NULL && *env != NULL; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=') {
			char *end;
			long v = strtol(*env + n + 1, &end, 10);
			return (end != *env + n + 1 && v > 0) ? v : -1;
		}
	return 0;
}

static void
verdict_threads(struct validate_report *r, char *const *env)
{
	static const char *vars[] = { "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
	    "BLIS_NUM_THREADS" };
	const struct validate_lib *libs[] = { &r->blas, &r->lapack, &r->scipy_blas,
	    &r->scipy_lapack };
	struct buf warn;
	long v[nitems(vars)], first = 0;
	int disagree = 0, omp = 0, pth = 0;
	size_t i;

	buf_init(&warn);
	for (i = 0; i < nitems(vars); i++) {
		v[i] = env_num(env, vars[i]);
		if (v[i] > 0 && first == 0)
			first = v[i];
		else if (v[i] > 0 && v[i] != first)
			disagree = 1;
		if (v[i] > 0 && r->cpu_count > 0 && v[i] > r->cpu_count)
			buf_printf(&warn, "%s%s=%ld is more threads than the %d cores",
			    warn.len ? "; " : "", vars[i], v[i], r->cpu_count);
		if (v[i] < 0)
			buf_printf(&warn, "%s%s is not a positive number", warn.len ? "; " : "",
			    vars[i]);
	}
	if (disagree)
		buf_printf(&warn, "%sOMP_NUM_THREADS=%ld, OPENBLAS_NUM_THREADS=%ld and "
		    "BLIS_NUM_THREADS=%ld disagree (0 = unset)", warn.len ? "; " : "",
		    v[0] > 0 ? v[0] : 0, v[1] > 0 ? v[1] : 0, v[2] > 0 ? v[2] : 0);
	if (r->blas.kind != NULL && strcmp(r->blas.kind, "blis") == 0) {
		if (r->blas.threading != NULL && strcmp(r->blas.threading, "serial") == 0)
			buf_printf(&warn, "%sthis BLIS is built without threading: it always runs "
			    "one thread", warn.len ? "; " : "");
		else if (v[2] <= 0 && v[0] <= 0)
			buf_printf(&warn, "%sBLIS runs single-threaded unless BLIS_NUM_THREADS (or "
			    "OMP_NUM_THREADS) is set, as " GUIDE_NAME " warns; e.g. "
			    "BLIS_NUM_THREADS=%d", warn.len ? "; " : "", r->cpu_count > 0 ?
			    r->cpu_count : 1);
	}
	for (i = 0; i < nitems(libs); i++) {
		if (libs[i]->threading == NULL)
			continue;
		omp |= strcmp(libs[i]->threading, "openmp") == 0;
		pth |= strcmp(libs[i]->threading, "pthreads") == 0;
	}
	if (omp && pth)
		buf_printf(&warn, "%sOpenMP and pthreads builds are mixed in one process (BLAS %s, "
		    "LAPACK %s): their thread pools compete", warn.len ? "; " : "",
		    r->blas.threading, r->lapack.threading ? r->lapack.threading : "?");
	if (warn.len > 0)
		vcheck_add(r, "threads", VERDICT_WARN, "%s", warn.data);
	else
		vcheck_add(r, "threads", VERDICT_PASS, "thread settings are consistent (%s)",
		    first > 0 ? "explicit" : "library defaults");
	buf_free(&warn);
}

static void
verdict_correctness(struct validate_report *r)
{
	if (r->dgemm_relerr < 0)
		vcheck_add(r, "dgemm-correctness", VERDICT_FAIL, "dgemm was not checked");
	else
		vcheck_add(r, "dgemm-correctness", r->dgemm_relerr <= 1e-12 ? VERDICT_PASS :
		    VERDICT_FAIL, "256x256 dgemm vs a BLAS-free float64 reference: relative error "
		    "%.2e (limit 1e-12)", r->dgemm_relerr);
	if (r->solve_residual < 0)
		vcheck_add(r, "lapack-correctness", VERDICT_FAIL, "the LAPACK solve was not checked");
	else {
		int ok = r->solve_residual <= 16 && (r->scipy_solve_residual < 0 ||
		    r->scipy_solve_residual <= 16);
		struct buf b;
		buf_init(&b);
		buf_printf(&b, "256x256 solve, scaled residual |Ax-b|/(|A||x|n eps): numpy %.3g",
		    r->solve_residual);
		if (r->scipy_solve_residual >= 0)
			buf_printf(&b, ", scipy %.3g", r->scipy_solve_residual);
		buf_puts(&b, " (limit 16)");
		vcheck_add(r, "lapack-correctness", ok ? VERDICT_PASS : VERDICT_FAIL, "%s", b.data);
		buf_free(&b);
	}
}

int
validate_core_flops(const struct facts *f)
{
	/* FP64 FLOPs per cycle per core; docs/peak.md gives the source of each row. */
	static const struct { const char *part; int flops; } arm[] = {
		{ "0xd0c", 8 },    /* Neoverse-N1: 2 x 128-bit ASIMD FMA */
		{ "0xd49", 8 },    /* Neoverse-N2: 2 x 128-bit SVE2 FMA */
		{ "0xd40", 16 },   /* Neoverse-V1: 2 x 256-bit SVE FMA */
		{ "0xd4f", 16 },   /* Neoverse-V2: 4 x 128-bit SVE2 FMA */
		{ "0x001", 32 },   /* A64FX (implementer 0x46): 2 x 512-bit SVE FMA */
	};
	int flops = 0;
	size_t i;
	if (f == NULL || f->arch == NULL)
		return 0;
	if (strcmp(f->arch, "aarch64") == 0 && f->cpu.part != NULL) {
		for (i = 0; i < nitems(arm); i++)
			if (strcasecmp(f->cpu.part, arm[i].part) == 0)
				flops = arm[i].flops;
		if (flops == 32 && (f->cpu.implementer == NULL ||
		    strcasecmp(f->cpu.implementer, "0x46") != 0))
			flops = 0;
	} else if (strcmp(f->arch, "x86_64") == 0) {
		int zen4 = f->cpu.vendor != NULL && strcmp(f->cpu.vendor, "AuthenticAMD") == 0 &&
		    f->cpu.x86_family == 0x19;
		if (facts_has_feature(f, "avx512f"))
			flops = zen4 ? 16 : 32;   /* Zen 4 runs 512-bit FMA as two 256-bit halves */
		else if (facts_has_feature(f, "avx2") && facts_has_feature(f, "fma"))
			flops = 16;    /* 2 x 256-bit FMA */
	}
	return flops;
}

double
validate_core_peak(const struct facts *f, double clock_mhz)
{
	int flops = validate_core_flops(f);
	double mhz = f != NULL && f->cpu.mhz > clock_mhz ? (double)f->cpu.mhz : clock_mhz;
	if (flops == 0 || mhz <= 0 || (f != NULL && f->emulated))
		return -1;
	return mhz / 1000.0 * flops;
}

/* The clock the peak uses: the larger of cpuinfo's and the measured one. */
static void
speed_clock(struct validate_report *r, const struct facts *f, double measured)
{
	long nominal = f != NULL ? f->cpu.mhz : 0;
	r->peak_1 = validate_core_peak(f, measured);
	if (r->peak_1 <= 0)
		return;
	r->flops_per_cycle = validate_core_flops(f);
	if (measured > nominal) {
		r->clock_mhz = measured;
		r->clock_source = xstrdup(nominal > 0 ? "measured (cpuinfo says less)" :
		    "measured");
	} else {
		r->clock_mhz = (double)nominal;
		r->clock_source = xstrdup(measured > 0 ? "from cpuinfo (measured less)" :
		    "from cpuinfo");
	}
}

/* A measured GFLOPS over its peak means the peak is wrong here: no percentage then. */
static void
speed_peak(struct buf *b, const struct validate_report *r)
{
	const char *over = NULL;
	double peak_all = r->peak_gflops;
	if (r->gflops_1 > r->peak_1)
		over = "one thread";
	else if (r->gflops_all > peak_all)
		over = "all threads";
	if (over != NULL) {
		buf_printf(b, "; peak unknown: %s measured more than the computed peak %.1f GFLOPS "
		    "(%.0f MHz %s x %d FP64 FLOPs/cycle), so one of those is not what this CPU "
		    "does", over, r->peak_1, r->clock_mhz, r->clock_source, r->flops_per_cycle);
		return;
	}
	if (r->gflops_1 >= 0)
		buf_printf(b, "; %.0f%% of one core's peak %.1f", 100 * r->gflops_1 / r->peak_1,
		    r->peak_1);
	if (r->gflops_all >= 0)
		buf_printf(b, "; %.0f%% of the %d-thread peak %.1f GFLOPS",
		    100 * r->gflops_all / peak_all, r->threads_all, peak_all);
	buf_printf(b, " (peak = %.0f MHz %s x %d FP64 FLOPs/cycle per core)", r->clock_mhz,
	    r->clock_source, r->flops_per_cycle);
}

static void
verdict_speed(struct validate_report *r, const struct facts *f)
{
	struct buf b;
	buf_init(&b);
	if (r->gflops_1 < 0 && r->gflops_all < 0) {
		vcheck_add(r, "speed", VERDICT_WARN, "dgemm was not timed");
		buf_free(&b);
		return;
	}
	if (r->gflops_1 >= 0)
		buf_printf(&b, "dgemm 1 thread: %.1f GFLOPS (N=%d)", r->gflops_1, r->n_1);
	if (r->gflops_all >= 0)
		buf_printf(&b, "%s%d threads: %.1f GFLOPS (N=%d)", b.len ? "; " : "dgemm ",
		    r->threads_all, r->gflops_all, r->n_all);
	if (r->peak_1 > 0 && r->peak_gflops > 0 && r->clock_mhz > 0)
		speed_peak(&b, r);
	else
		buf_puts(&b, "; peak unknown");
	if (f != NULL && f->emulated)
		buf_puts(&b, "; emulated: timings are not machine speed");
	vcheck_add(r, "speed", VERDICT_INFO, "%s", b.data);
	buf_free(&b);
}

/* The thread environment the probe saw, as NAME=value. */
static char **
probe_seen_env(const struct ynode *n)
{
	char **env = strv_new();
	size_t i;
	for (i = 0; n != NULL && n->type == YNODE_MAP && i < n->n; i++) {
		if (ynode_is_null(n->values[i]) || n->values[i]->type != YNODE_SCALAR)
			continue;
		env = strv_pushf(env, "%s=%s", n->items[i]->value, n->values[i]->value);
	}
	return env;
}

struct validate_report *
validate_from_probe(const char *yaml, size_t len, const struct validate_opts *o, char **cause)
{
	struct validate_report *r;
	struct ynode *doc, *n, *s;
	char **env = NULL, *e;
	size_t i;
	const struct facts *f = o != NULL ? o->facts : NULL;
	const char *want = NULL, *want_thr = NULL;

	if (o != NULL && o->expect != NULL &&
	    validate_expect_parse(o->expect, &want, &want_thr, cause) != 0)
		return NULL;
	if ((doc = ydoc_parse(yaml, len, "probe", cause)) == NULL)
		return NULL;
	if (doc->type != YNODE_MAP || (n = ynode_get(doc, "probe")) == NULL) {
		cause_set(cause, "probe: not a probe report (no probe: key)");
		ynode_free(doc);
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->gflops_1 = r->gflops_all = r->peak_gflops = r->peak_1 = -1;
	r->dgemm_relerr = r->solve_residual = r->scipy_solve_residual = -1;
	r->first_1 = r->first_all = r->cgroup_cpus = r->loadavg = r->clock_mhz = -1;
	if ((n = ynode_get(doc, "python")) != NULL)
		r->python = get_str(n, "executable");
	if ((n = ynode_get(doc, "numpy")) != NULL)
		r->numpy_version = get_str(n, "version");
	if ((n = ynode_get(doc, "scipy")) != NULL && n->type == YNODE_MAP)
		r->scipy_version = get_str(n, "version");
	r->cpu_count = (int)get_num(doc, "cpu_count");
	vlib_parse(&r->blas, ynode_get(doc, "blas"));
	vlib_parse(&r->lapack, ynode_get(doc, "lapack"));
	vlib_parse(&r->scipy_blas, ynode_get(doc, "scipy_blas"));
	vlib_parse(&r->scipy_lapack, ynode_get(doc, "scipy_lapack"));
	r->mapped = strv_of(ynode_get(doc, "mapped"), "real");
	r->errors = strv_of(ynode_get(doc, "errors"), NULL);
	if ((n = ynode_get(doc, "correctness")) != NULL) {
		r->dgemm_relerr = get_num(n, "dgemm_relerr");
		r->solve_residual = get_num(n, "solve_residual");
		r->scipy_solve_residual = get_num(n, "scipy_solve_residual");
	}
	if ((n = ynode_get(doc, "speed")) != NULL) {
		r->speed_method = get_str(n, "method");
		if ((s = ynode_get(n, "one")) != NULL && s->type == YNODE_MAP) {
			r->gflops_1 = get_num(s, "gflops");
			r->n_1 = (int)get_num(s, "n");
		}
		if ((s = ynode_get(n, "all")) != NULL && s->type == YNODE_MAP) {
			r->gflops_all = get_num(s, "gflops");
			r->n_all = (int)get_num(s, "n");
			r->threads_all = (int)get_num(s, "threads");
		}
		if ((s = ynode_get(n, "remeasured")) != NULL && s->type == YNODE_MAP) {
			r->first_1 = get_num(s, "first_one");
			r->first_all = get_num(s, "first_all");
		}
		r->cgroup_cpus = get_num(n, "cgroup_cpus");
		r->loadavg = get_num(n, "loadavg");
	}
	env = probe_seen_env(ynode_get(doc, "env"));
	r->emulated = f != NULL && f->emulated;
	speed_clock(r, f, o != NULL ? o->clock_mhz : 0);
	if (r->peak_1 > 0 && r->threads_all > 0) {
		int cores = f->cpu.cores > 0 ? f->cpu.cores : r->cpu_count;
		r->peak_gflops = r->peak_1 * (r->threads_all < cores ? r->threads_all : cores);
	}
	ynode_free(doc);

	if (strv_len(r->errors) > 0) {
		e = strv_join(r->errors, "; ");
		vcheck_add(r, "probe", VERDICT_WARN, "the probe could not find out everything: %s", e);
		free(e);
	} else
		vcheck_add(r, "probe", VERDICT_PASS, "%s: NumPy %s%s%s", r->python ? r->python : "?",
		    r->numpy_version ? r->numpy_version : "?", r->scipy_version ? ", SciPy " : "",
		    r->scipy_version ? r->scipy_version : "");
	r->env = env;
	if (o != NULL && o->login_from != NULL) {
		r->env_applied = strv_new();
		for (i = 0; o->login_env != NULL && o->login_env[i] != NULL; i++)
			r->env_applied = strv_push(r->env_applied, o->login_env[i]);
		r->env_applied_from = xstrdup(o->login_from);
	}
	vverdict_environment(r, f);
	verdict_library(r, want);
	if (want_thr != NULL)
		vverdict_threading(r, want_thr);
	verdict_duplicates(r);
	verdict_versions(r);
	verdict_core(r, f);
	vverdict_blis_kernels(r, f);
	verdict_threads(r, env);
	verdict_correctness(r);
	verdict_speed(r, f);
	vverdict_scaling(r);
	return r;
}

/* ---- output ---- */


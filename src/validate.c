/* validate.c — run the probe inside the target Python (optionally chrooted), parse it, decide the verdicts. */
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

#define PROBE_TIMEOUT 300        /* seconds (ARMPY_PROBE_TIMEOUT); it sizes its work to ~0.3 s a call */
#define PROBE_GRACE_MS 500       /* after the probe exits: reading what its pipes still hold */
#define PROBE_MAX_OUT (1 << 20)

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
	static const char *libs[] = { "openblas", "blis" };
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
	cause_set(cause, "'%s' is not openblas or blis, optionally followed by :openmp, "
	    ":pthreads or :serial (e.g. openblas:openmp)", quote_short(expect != NULL ? expect : ""));
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

/* The probe reports facts only (armpy-probe.py decides nothing): blasid_decide, the one that
 * also decides for armpy gflops, turns them into the library's kind, version, threading and
 * kernels. */
static void
lib_decide(struct validate_lib *l, const struct ynode *fn)
{
	char **symbols = strv_of(ynode_get(fn, "symbols"), NULL);
	char **markers = strv_of(ynode_get(fn, "markers"), NULL);
	int plain = 0;
	struct blasid id;
	struct blasid_facts f = {
		.path = l->path, .symbols = symbols, .provider = l->provider, .markers = markers,
		.config = fact_str(fn, "config"), .corename = fact_str(fn, "corename"),
		.parallel = (int)get_num(fn, "parallel"), .version = fact_str(fn, "version"),
		.blis_openmp = (int)get_num(fn, "blis_openmp"),
		.blis_pthreads = (int)get_num(fn, "blis_pthreads"),
		.blis_arch = fact_str(fn, "blis_arch"), .sibling = fact_str(fn, "sibling"),
		.sibling_version = fact_str(fn, "sibling_version"),
		.sibling_arch = fact_str(fn, "sibling_arch"),
		.sibling_openmp = (int)get_num(fn, "sibling_openmp"),
		.sibling_pthreads = (int)get_num(fn, "sibling_pthreads"),
		.arch_debug = fact_str(fn, "arch_debug"),
	};

	if (ynode_get(fn, "plain_api") != NULL && ynode_bool(ynode_get(fn, "plain_api"), &plain) != 0)
		plain = 0;
	f.plain_api = plain;
	blasid_decide(&f, &id);
	l->kind = xstrdup(id.kind);
	l->threading = xstrdup(id.threading);
	l->version = id.version[0] ? xstrdup(id.version) : NULL;
	l->corename = id.corename[0] ? xstrdup(id.corename) : NULL;
	l->config = id.config[0] ? xstrdup(id.config) : NULL;
	l->evidence = id.evidence[0] ? xstrdup(id.evidence) : NULL;
	l->kernels = id.kernels[0] ? xstrdup(id.kernels) : NULL;
	l->kernels_evidence = id.kernels_evidence[0] ? xstrdup(id.kernels_evidence) : NULL;
	strv_free(symbols);
	strv_free(markers);
}

static void
lib_parse(struct validate_lib *l, const struct ynode *n)
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
		if (want != NULL && strcmp(want, r->blas.kind) != 0)
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
	const struct validate_lib *ob = NULL;
	size_t i;
	verdict_floor(r, "numpy-version", "NumPy", r->numpy_version, FLOOR_NUMPY);
	if (r->scipy_version == NULL)
		vcheck_add(r, "scipy-version", VERDICT_INFO, "SciPy is not installed");
	else
		verdict_floor(r, "scipy-version", "SciPy", r->scipy_version, FLOOR_SCIPY);
	/* The lowest OpenBLAS version among the libraries in use decides. */
	for (i = 0; i < nitems(libs); i++) {
		if (libs[i]->kind == NULL || strcmp(libs[i]->kind, "openblas") != 0)
			continue;
		if (ob == NULL || ob->version == NULL || (libs[i]->version != NULL &&
		    version_cmp(libs[i]->version, ob->version) < 0))
			ob = libs[i];
	}
	if (ob != NULL)
		verdict_floor(r, "openblas-version", "OpenBLAS", ob->version, FLOOR_OPENBLAS);
	if (r->blas.kind != NULL && strcmp(r->blas.kind, "openblas") != 0 &&
	    strcmp(r->blas.kind, "unknown") != 0)
		vcheck_add(r, "blas-version", VERDICT_INFO, "%s %s", vkind_label(r->blas.kind),
		    r->blas.version ? r->blas.version : "version unknown");
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
	lib_parse(&r->blas, ynode_get(doc, "blas"));
	lib_parse(&r->lapack, ynode_get(doc, "lapack"));
	lib_parse(&r->scipy_blas, ynode_get(doc, "scipy_blas"));
	lib_parse(&r->scipy_lapack, ynode_get(doc, "scipy_lapack"));
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

static void
emit_lib(struct yemit *y, const char *key, const struct validate_lib *l)
{
	yemit_str(y, key);
	if (l->path == NULL) {
		yemit_null(y);
		return;
	}
	yemit_map_start(y, 0);
	yemit_kv_str(y, "kind", l->kind);
	yemit_kv_str(y, "path", l->path);
	yemit_kv_str(y, "version", l->version);
	yemit_kv_str(y, "threading", l->threading);
	yemit_kv_str(y, "corename", l->corename);
	yemit_kv_str(y, "kernels", l->kernels);
	yemit_kv_str(y, "kernels_evidence", l->kernels_evidence);
	yemit_kv_str(y, "config", l->config);
	yemit_kv_str(y, "provider", l->provider);
	yemit_kv_str(y, "consumer", l->consumer);
	yemit_kv_str(y, "symbol", l->symbol);
	yemit_kv_str(y, "scope", l->scope);
	yemit_kv_str(y, "evidence", l->evidence);
	yemit_map_end(y);
}

static void
emit_num(struct yemit *y, const char *key, double v, int prec)
{
	yemit_str(y, key);
	if (v < 0)
		yemit_null(y);
	else
		yemit_double(y, v, prec);
}

void
validate_emit(const struct validate_report *r, struct yemit *y)
{
	char buf[32];
	int i;
	yemit_map_start(y, 0);
	yemit_kv_bool(y, "passed", validate_passed(r));
	yemit_kv_str(y, "python", r->python);
	yemit_kv_str(y, "numpy", r->numpy_version);
	yemit_kv_str(y, "scipy", r->scipy_version);
	emit_lib(y, "blas", &r->blas);
	emit_lib(y, "lapack", &r->lapack);
	emit_lib(y, "scipy_blas", &r->scipy_blas);
	emit_lib(y, "scipy_lapack", &r->scipy_lapack);
	yemit_kv_strv(y, "mapped", r->mapped, 0);
	yemit_kv_strv(y, "environment", r->env, 0);
	yemit_kv_str(y, "login_settings_from", r->env_applied_from);
	yemit_str(y, "correctness");
	yemit_map_start(y, 0);
	yemit_str(y, "dgemm_relerr");
	if (r->dgemm_relerr < 0)
		yemit_null(y);
	else {
		snprintf(buf, sizeof buf, "%.3e", r->dgemm_relerr);
		yemit_str(y, buf);
	}
	emit_num(y, "solve_residual", r->solve_residual, 4);
	emit_num(y, "scipy_solve_residual", r->scipy_solve_residual, 4);
	yemit_map_end(y);
	yemit_str(y, "speed");
	yemit_map_start(y, 0);
	emit_num(y, "gflops_1", r->gflops_1, 2);
	yemit_kv_long(y, "n_1", r->n_1);
	emit_num(y, "gflops_all", r->gflops_all, 2);
	yemit_kv_long(y, "threads_all", r->threads_all);
	yemit_kv_long(y, "n_all", r->n_all);
	emit_num(y, "peak_gflops", r->peak_gflops, 1);
	emit_num(y, "clock_mhz", r->clock_mhz, 0);
	yemit_kv_str(y, "clock_source", r->clock_source);
	emit_num(y, "first_gflops_1", r->first_1, 2);
	emit_num(y, "first_gflops_all", r->first_all, 2);
	emit_num(y, "cgroup_cpus", r->cgroup_cpus, 2);
	emit_num(y, "loadavg", r->loadavg, 2);
	yemit_kv_bool(y, "emulated", r->emulated);
	yemit_kv_str(y, "method", r->speed_method);
	yemit_map_end(y);
	yemit_str(y, "checks");
	yemit_seq_start(y, 0);
	for (i = 0; i < r->nchecks; i++) {
		yemit_map_start(y, 0);
		yemit_kv_str(y, "name", r->checks[i].name);
		yemit_kv_str(y, "verdict", verdict_name(r->checks[i].verdict));
		yemit_kv_str(y, "detail", r->checks[i].detail);
		yemit_map_end(y);
	}
	yemit_seq_end(y);
	yemit_map_end(y);
}

char *
validate_to_yaml(const struct validate_report *r)
{
	struct yemit *y = yemit_new();
	char *s;
	validate_emit(r, y);
	s = yemit_finish(y, NULL);
	yemit_free(y);
	return s;
}

char *
validate_to_text(const struct validate_report *r)
{
	struct buf b;
	int i, fails = 0, warns = 0;
	buf_init(&b);
	for (i = 0; i < r->nchecks; i++) {
		buf_printf(&b, "%-4s  %-18s %s\n", verdict_name(r->checks[i].verdict),
		    r->checks[i].name, r->checks[i].detail);
		fails += r->checks[i].verdict == VERDICT_FAIL;
		warns += r->checks[i].verdict == VERDICT_WARN;
	}
	buf_printf(&b, "%s: %d checks, %d failed, %d warnings\n", fails ? "FAILED" : "passed",
	    r->nchecks, fails, warns);
	return buf_steal(&b);
}

/* ---- running the probe ---- */

char *
validate_probe_text(char **cause)
{
	char exe[4096], *dir, *paths[3] = { NULL, NULL, NULL }, *text = NULL;
	ssize_t n;
	size_t i;
	const char *env = getenv("ARMPY_PROBE");

	if (env != NULL && *env != '\0')
		paths[0] = xstrdup(env);
	else {
		/* The source tree next to the binary wins over an installed copy, so a built
		 * but not installed armpy runs its own probe. */
		if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) > 0) {
			exe[n] = '\0';
			if ((dir = strrchr(exe, '/')) != NULL)
				*dir = '\0';
			paths[0] = xasprintf("%s/scripts/armpy-probe.py", exe);
		}
		paths[1] = xstrdup(ARMPY_DATADIR "/armpy-probe.py");
	}
	for (i = 0; i < nitems(paths) && text == NULL; i++) {
		if (paths[i] != NULL && access(paths[i], R_OK) == 0)
			text = file_read(paths[i], 1 << 20, NULL, cause);
	}
	if (text == NULL && (cause == NULL || *cause == NULL))
		cause_set(cause, "armpy-probe.py not found (looked in %s%s%s)",
		    paths[0] ? paths[0] : "", paths[1] ? " and " : "", paths[1] ? paths[1] : "");
	for (i = 0; i < nitems(paths); i++)
		free(paths[i]);
	return text;
}

/* NAME=value of ours to pass on: everything that changes which BLAS or kernels load and how
 * they run. With a root, not the library paths: they name this machine's files. */
static char **
env_passed(int rooted)
{
	extern char **environ;
	char **v = strv_new(), **e, *name;
	for (e = environ; e != NULL && *e != NULL; e++) {
		const char *eq = strchr(*e, '=');
		if (eq == NULL)
			continue;
		name = xstrndup(*e, eq - *e);
		if (validate_env_effect(name) != NULL && !(rooted &&
		    (strcmp(name, "LD_PRELOAD") == 0 || strcmp(name, "LD_LIBRARY_PATH") == 0)))
			v = strv_push(v, *e);
		free(name);
	}
	return v;
}

static char **
probe_env(const struct validate_opts *o, char *const *login)
{
	char **env = strv_new(), **mine, **e;
	const char *v;
	int rooted = o->root != NULL && *o->root != '\0';

	env = strv_push(env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	env = strv_push(env, "LC_ALL=C.UTF-8");
	env = strv_push(env, "PYTHONDONTWRITEBYTECODE=1");
	if (rooted)
		env = strv_push(env, "HOME=/root");
	else if ((v = getenv("HOME")) != NULL)
		env = strv_pushf(env, "HOME=%s", v);
	/* What a login there gets first; our own variables (this machine's, e.g.
	 * OPENBLAS_CORETYPE set for every process) over it; --env over both. */
	for (e = (char **)login; e != NULL && *e != NULL; e++)
		env = strv_setenv(env, *e);
	mine = env_passed(rooted);
	for (e = mine; *e != NULL; e++)
		env = strv_setenv(env, *e);
	strv_free(mine);
	for (e = o->env; e != NULL && *e != NULL; e++)
		env = strv_setenv(env, *e);
	return env;
}

/* Seconds the probe may take: ARMPY_PROBE_TIMEOUT, else PROBE_TIMEOUT. */
static int
probe_timeout(void)
{
	const char *v = getenv("ARMPY_PROBE_TIMEOUT");

	return v != NULL && atoi(v) > 0 ? atoi(v) : PROBE_TIMEOUT;
}

/* The probe's output pipes (fd[0] stdout, fd[1] stderr; -1 once at their end). */
struct probe_io {
	int fd[2];
	struct buf *b[2];
};

/* Reads what poll found ready; a pipe at its end (or failing) is closed. Returns 1 while a
 * pipe is open. */
static int
probe_read(struct probe_io *io, int wait_ms)
{
	struct pollfd pfd[2] = { { io->fd[0], POLLIN, 0 }, { io->fd[1], POLLIN, 0 } };
	char chunk[8192];
	ssize_t n;

	if (poll(pfd, 2, wait_ms) < 0 && errno != EINTR)
		wait_ms = -1;      /* poll itself failed: give up on the pipes */
	for (int i = 0; i < 2; i++) {
		if (io->fd[i] < 0 || (wait_ms >= 0 &&
		    !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR))))
			continue;
		n = wait_ms >= 0 ? read(io->fd[i], chunk, sizeof chunk) : -1;
		if (n > 0 && io->b[i]->len < PROBE_MAX_OUT)
			buf_add(io->b[i], chunk, n);
		else if (n == 0 || (n < 0 && errno != EINTR)) {
			close(io->fd[i]);
			io->fd[i] = -1;
		}
	}
	return io->fd[0] >= 0 || io->fd[1] >= 0;
}

/* 1 when the pipes are still held open by another process than the probe, which has exited:
 * its own ends closed before it became waitable, so only what it left behind holds them. */
static int
probe_pipes_held(const struct probe_io *io)
{
	struct pollfd pfd[2] = { { io->fd[0], 0, 0 }, { io->fd[1], 0, 0 } };

	if (poll(pfd, 2, 0) < 0)
		return 0;
	return (io->fd[0] >= 0 && !(pfd[0].revents & POLLHUP)) ||
	    (io->fd[1] >= 0 && !(pfd[1].revents & POLLHUP));
}

/* Reads until both pipes end, the probe times out, or it has exited: then its process group
 * is killed (what it left running goes with it) and what the pipes hold is read for
 * PROBE_GRACE_MS more. Returns 1 on a timeout; *held when something it left held its output. */
static int
probe_collect(pid_t pid, struct probe_io *io, int timeout, int *held)
{
	double deadline = now_seconds() + timeout, left;
	siginfo_t si;
	int exited = 0;

	*held = 0;
	while ((left = deadline - now_seconds()) > 0) {
		if (!probe_read(io, left < 0.2 ? (int)(left * 1000) + 1 : 200))
			return 0;
		memset(&si, 0, sizeof si);
		if (exited || waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 ||
		    si.si_pid != pid)
			continue;
		exited = 1;
		*held = probe_pipes_held(io);
		kill(-pid, SIGKILL);
		deadline = now_seconds() + PROBE_GRACE_MS / 1000.0;
	}
	kill(-pid, SIGKILL);
	return !exited;
}

/* Run argv with the probe environment, collecting stdout and stderr; returns the exit status
 * or -1 (cause set) when it could not run or timed out. The probe runs in its own group, in
 * the root when there is one (with a /proc of its own: it reads /proc/self/maps). Once it has
 * exited, nothing it started is waited for: the group is killed, and a probe that left a
 * process holding its output fails. */
static int
probe_spawn(const struct validate_opts *o, char *const *login, char **argv, struct buf *out,
    struct buf *err, char **cause)
{
	static const char *const dirs[] = { "/usr/local/bin", "/usr/bin", "/bin", NULL };
	char **env = probe_env(o, login);
	struct proc_opts po = { .io = { PROC_NULL, PROC_PIPE, PROC_PIPE }, .env = env,
	    .path = o->python != NULL ? o->python : "python3", .dirs = dirs, .root = o->root,
	    .root_proc = 1, .new_group = 1 };
	struct probe_io io = { { -1, -1 }, { out, err } };
	int status = 0, timeout = probe_timeout(), timed_out, held;
	pid_t pid = proc_start(argv, &po);

	strv_free(env);
	if (pid < 0) {
		cause_set(cause, "cannot start the probe: %s", strerror(errno));
		return -1;
	}
	io.fd[0] = po.fd[1];
	io.fd[1] = po.fd[2];
	timed_out = probe_collect(pid, &io, timeout, &held);
	for (int i = 0; i < 2; i++)
		if (io.fd[i] >= 0)
			close(io.fd[i]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (timed_out) {
		cause_set(cause, "the probe took longer than %d seconds (ARMPY_PROBE_TIMEOUT)",
		    timeout);
		return -1;
	}
	if (held) {
		cause_set(cause, "%s exited but left a process holding its output (its process "
		    "group was killed)", po.path);
		return -1;
	}
	if (WIFSIGNALED(status)) {
		cause_set(cause, "the probe was killed by signal %d", WTERMSIG(status));
		return -1;
	}
	return WEXITSTATUS(status);
}

static const char *
last_line(struct buf *b)
{
	char *p;
	if (b->data == NULL)
		return "";
	while (b->len > 0 && (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == ' '))
		b->data[--b->len] = '\0';
	p = strrchr(b->data, '\n');
	return p != NULL ? p + 1 : b->data;
}

static int
f_emulated(const struct facts *f)
{
	return f == NULL || f->emulated;
}

/* A regular file of at most 64 KiB under root, resolved inside it as the executor resolves
 * paths (rootdir.h: openat2, or the walk where openat2 is missing); NULL otherwise. */
static char *
root_file_read(const char *root, const char *path)
{
	struct rootdir *rd;
	struct stat st;
	struct buf b;
	int fd;

	if ((rd = rootdir_open(root, NULL)) == NULL)
		return NULL;
	fd = rootdir_openat(rd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, NULL);
	rootdir_free(rd);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > 65536) {
		close(fd);
		return NULL;
	}
	buf_init(&b);
	buf_read_fd(&b, fd, 65536);
	close(fd);
	if (b.data == NULL || memchr(b.data, '\0', b.len) != NULL) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* With a root: the BLAS settings armpy wrote there for logins (profile.d, or the venv's
 * armpy-blas.sh next to the interpreter), as NAME=value; *from names the file. */
static char **
login_settings(const struct validate_opts *o, char **from)
{
	char *paths[2] = { xstrdup("/etc/profile.d/armpy-blas.sh"), NULL }, *text, *slash;
	char **env = NULL;
	size_t i;
	if (o->root == NULL || *o->root == '\0' || o->no_login_env) {
		free(paths[0]);
		return NULL;
	}
	if (o->python != NULL && (slash = strrchr(o->python, '/')) != NULL)
		paths[1] = xasprintf("%.*s/armpy-blas.sh", (int)(slash - o->python), o->python);
	for (i = nitems(paths); i-- > 0 && env == NULL; ) {
		if (paths[i] == NULL || (text = root_file_read(o->root, paths[i])) == NULL)
			continue;
		env = validate_login_env(text);
		*from = xasprintf("%s%s", o->root, paths[i]);
		free(text);
	}
	free(paths[0]);
	free(paths[1]);
	return env;
}

struct validate_report *
validate_run(const struct validate_opts *o, char **cause)
{
	struct validate_report *r = NULL;
	struct validate_opts local = *o;
	struct facts *f = NULL;
	struct detect_opts dop = { 0 };
	struct buf out, err;
	char *text, **argv, *dcause = NULL, **login, *login_from = NULL, **tables;
	int rc;

	if (o->expect != NULL && validate_expect_parse(o->expect, &(const char *){ NULL },
	    &(const char *){ NULL }, cause) != 0)
		return NULL;
	if ((text = validate_probe_text(cause)) == NULL)
		return NULL;
	if (local.facts == NULL) {
		f = facts_new();
		dop.root = o->root;
		dop.cpuinfo = "/proc/cpuinfo";   /* the CPU is the host's, chroot or not */
		dop.no_probe = 1;
		if (facts_detect(f, &dop, &dcause) != 0) {
			facts_free(f);
			f = NULL;
		}
		free(dcause);
		local.facts = f;
	}
	argv = strv_new();
	argv = strv_push(argv, o->python != NULL ? o->python : "python3");
	argv = strv_push(argv, "-c");
	argv = strv_push(argv, text);
	if (o->quick)
		argv = strv_push(argv, "--quick");
	tables = blasid_probe_args();
	argv = strv_append(argv, tables);
	strv_free(tables);
	free(text);
	buf_init(&out);
	buf_init(&err);
	login = login_settings(o, &login_from);
	local.login_env = login;
	local.login_from = login_from;
	if (!f_emulated(local.facts))
		local.clock_mhz = cpuclock_measure_mhz(0.1);
	rc = probe_spawn(&local, login, argv, &out, &err, cause);
	strv_free(argv);
	if (rc > 0)
		cause_set(cause, "the probe failed under %s%s%s (exit %d): %s",
		    quote_short(o->python ? o->python : "python3"), o->root ? " in " : "",
		    o->root ? quote_short(o->root) : "", rc, last_line(&err));
	else if (rc == 0 && (r = validate_from_probe(out.data ? out.data : "", out.len, &local,
	    cause)) != NULL) {
		r->probe_yaml = buf_steal(&out);
	}
	strv_free(login);
	free(login_from);
	buf_free(&out);
	buf_free(&err);
	facts_free(f);
	return r;
}

int
validate_identify_file(const char *python, const char *path, struct validate_lib *l,
    char **cause)
{
	struct validate_opts o = { .python = python };
	struct buf out, err;
	struct ynode *doc;
	char *text, **argv, **tables;
	int rc;

	memset(l, 0, sizeof *l);
	if ((text = validate_probe_text(cause)) == NULL)
		return -1;
	argv = strv_pushl(strv_new(), python != NULL ? python : "python3", "-c", text,
	    "--identify", path, NULL);
	free(text);
	tables = blasid_probe_args();
	argv = strv_append(argv, tables);
	strv_free(tables);
	buf_init(&out);
	buf_init(&err);
	rc = probe_spawn(&o, NULL, argv, &out, &err, cause);
	strv_free(argv);
	if (rc > 0)
		cause_set(cause, "the probe failed (exit %d): %s", rc, last_line(&err));
	if (rc == 0 && (doc = ydoc_parse(out.data != NULL ? out.data : "", out.len, "probe",
	    cause)) != NULL) {
		lib_parse(l, ynode_get(doc, "identify"));
		ynode_free(doc);
		if (l->kind == NULL)
			cause_set(cause, "probe: no identify: facts");
	}
	buf_free(&out);
	buf_free(&err);
	return rc == 0 && l->kind != NULL ? 0 : -1;
}

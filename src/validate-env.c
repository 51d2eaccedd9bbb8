/* validate-env.c — verdicts on what really runs: variables that force kernels, BLIS's kernel set, the threading build, thread scaling. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "facts.h"
#include "validate-int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Variables that change which library or kernels load and how they run. A name ending in '*'
 * is a prefix. The first match wins, so exact names come before their prefix. */
static const struct {
	const char *name, *effect;
} env_effects[] = {
	{ "OPENBLAS_CORETYPE", "forces OpenBLAS's kernels for that core instead of the ones it "
	    "detects" },
	{ "OPENBLAS_L2_SIZE", "sets the L2 cache size (bytes) OpenBLAS plans its blocking for" },
	{ "OPENBLAS_NUM_THREADS", "sets OpenBLAS's thread count" },
	{ "OPENBLAS_VERBOSE", "makes OpenBLAS print the core it selects" },
	{ "OPENBLAS_*", "changes how OpenBLAS runs" },
	{ "GOTO_NUM_THREADS", "sets OpenBLAS's thread count (its GotoBLAS name)" },
	{ "GOTO*", "changes how OpenBLAS runs (a GotoBLAS name)" },
	{ "BLIS_ARCH_TYPE", "forces BLIS's kernels for that sub-configuration instead of the ones "
	    "it detects" },
	{ "BLIS_ARCH_DEBUG", "makes BLIS print the sub-configuration it selects" },
	{ "BLIS_NUM_THREADS", "sets BLIS's thread count" },
	{ "BLIS_*", "changes how BLIS splits its loops across threads" },
	{ "OMP_NUM_THREADS", "sets the OpenMP thread count (OpenMP builds of OpenBLAS and BLIS)" },
	{ "OMP_PROC_BIND", "binds OpenMP threads to CPUs" },
	{ "OMP_PLACES", "says which CPUs OpenMP threads run on" },
	{ "OMP_WAIT_POLICY", "decides whether idle OpenMP threads busy-wait" },
	{ "OMP_*", "changes how the OpenMP runtime runs" },
	{ "GOMP_SPINCOUNT", "sets how long idle GNU OpenMP threads busy-wait" },
	{ "GOMP_*", "changes how GNU OpenMP runs" },
	{ "KMP_*", "changes how the LLVM/Intel OpenMP runtime runs" },
	{ "MKL_*", "changes how MKL runs" },
	{ "FLEXIBLAS*", "selects FlexiBLAS's backend or configuration" },
	{ "QEMU_CPU", "selects the Arm CPU model qemu-user emulates: its ID registers decide "
	    "which kernels the libraries pick" },
	{ "LD_PRELOAD", "loads these libraries before any other: they can replace the BLAS" },
	{ "LD_LIBRARY_PATH", "is searched before the system's library directories: it can change "
	    "which BLAS loads" },
};

const char *
validate_env_effect(const char *name)
{
	size_t i, n;
	for (i = 0; i < nitems(env_effects); i++) {
		n = strlen(env_effects[i].name);
		if (env_effects[i].name[n - 1] == '*' ?
		    strncmp(name, env_effects[i].name, n - 1) == 0 :
		    strcmp(name, env_effects[i].name) == 0)
			return env_effects[i].effect;
	}
	return NULL;
}

/* A value armpy itself would write: no shell syntax at all. */
static int
plain_value(const char *v)
{
	if (*v == '\0')
		return 0;
	for (; *v != '\0'; v++)
		if (!(*v >= 'a' && *v <= 'z') && !(*v >= 'A' && *v <= 'Z') &&
		    !(*v >= '0' && *v <= '9') && strchr("_.,:/+-=", *v) == NULL)
			return 0;
	return 1;
}

char **
validate_login_env(const char *text)
{
	static const char keep_preload[] = "${LD_PRELOAD:+:$LD_PRELOAD}";
	char **env = strv_new(), *copy = xstrdup(text), *line, *save = NULL, *eq, *end;
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		line = str_trim(line);
		if (!str_startswith(line, "export "))
			continue;
		line = str_trim(line + 7);
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		if (validate_env_effect(line) == NULL)
			continue;
		end = eq + 1 + strlen(eq + 1);
		if ((size_t)(end - eq - 1) > strlen(keep_preload) &&
		    strcmp(end - strlen(keep_preload), keep_preload) == 0)
			end[-(int)strlen(keep_preload)] = '\0';
		if (plain_value(eq + 1))
			env = strv_pushf(env, "%s=%s", line, eq + 1);
	}
	free(copy);
	return env;
}

int
vcore_fits(const char *corename, const char *target, const struct facts *f)
{
	if (corename == NULL || target == NULL)
		return 0;
	if (strcasecmp(corename, target) == 0)
		return 1;
	/* OpenBLAS's DYNAMIC_ARCH picks its AVX-512 kernels on a Zen 4, whose build target
	 * (the one a source build names) is ZEN. */
	return strcasecmp(target, "ZEN") == 0 && f != NULL && facts_has_feature(f, "avx512f") &&
	    (strcasecmp(corename, "SkylakeX") == 0 || strcasecmp(corename, "Cooperlake") == 0);
}

static const char *
openblas_core_of(const struct validate_report *r)
{
	if (r->blas.kind != NULL && strcmp(r->blas.kind, "openblas") == 0 && r->blas.corename)
		return r->blas.corename;
	if (r->lapack.kind != NULL && strcmp(r->lapack.kind, "openblas") == 0)
		return r->lapack.corename;
	return NULL;
}

/* OPENBLAS_CORETYPE: what it forces, against what runs and what the CPU is. 1 = a warning. */
static int
env_coretype(struct buf *b, const struct validate_report *r, const struct facts *f,
    const char *want)
{
	const char *core = openblas_core_of(r);
	const char *target = f != NULL ? f->cpu.openblas_target : NULL;
	const char *cpu = f != NULL && f->cpu.name != NULL ? f->cpu.name : "this CPU";
	if (core == NULL) {
		buf_puts(b, ": OpenBLAS does not serve NumPy here, so it forces nothing");
		return 0;
	}
	if (strcasecmp(core, want) != 0) {
		buf_printf(b, ", but OpenBLAS runs %s: this OpenBLAS knows no core named %s and "
		    "fell back to the one it detects", core, want);
		return 1;
	}
	buf_printf(b, ": OpenBLAS runs its %s kernels on %s", core, cpu);
	if (target == NULL || vcore_fits(core, target, f))
		return 0;
	buf_printf(b, ", whose own OpenBLAS target is %s", target);
	if (facts_has_feature(f, "avx512f") && !vcore_fits(core, "SkylakeX", f) &&
	    strcasecmp(core, "Cooperlake") != 0)
		buf_puts(b, " (a CPU with AVX-512)");
	buf_puts(b, "; unset it to get the CPU's own kernels unless this machine needs it");
	return 1;
}

static int
env_one(struct buf *b, const struct validate_report *r, const struct facts *f, const char *kv)
{
	const char *eq = strchr(kv, '='), *effect;
	char *name = xstrndup(kv, eq != NULL ? (size_t)(eq - kv) : strlen(kv));
	int warn = 0;
	effect = validate_env_effect(name);
	buf_printf(b, "%s%.200s %s", b->len ? "; " : "", kv, effect ? effect : "is set");
	if (eq != NULL && strcmp(name, "OPENBLAS_CORETYPE") == 0 && eq[1] != '\0')
		warn = env_coretype(b, r, f, eq + 1);
	else if (strcmp(name, "BLIS_ARCH_TYPE") == 0) {
		buf_printf(b, " (BLIS runs %s)", r->blas.kernels ? r->blas.kernels : "?");
		warn = 1;
	} else if (strcmp(name, "LD_PRELOAD") == 0 && r->blas.scope != NULL &&
	    strcmp(r->blas.scope, "global") == 0)
		warn = 1;
	free(name);
	return warn;
}

void
vverdict_environment(struct validate_report *r, const struct facts *f)
{
	struct buf b;
	int warn = 0;
	char *const *e;
	buf_init(&b);
	for (e = r->env; e != NULL && *e != NULL; e++)
		warn |= env_one(&b, r, f, *e);
	if (r->env_applied_from != NULL && strv_len(r->env_applied) > 0) {
		char *j = strv_join(r->env_applied, " ");
		buf_printf(&b, "%sapplied the settings a login there gets, from %s: %s",
		    b.len ? "; " : "", r->env_applied_from, j);
		free(j);
	}
	if (b.len == 0)
		vcheck_add(r, "environment", VERDICT_PASS, "no variable that changes which BLAS "
		    "or kernels load is set");
	else
		vcheck_add(r, "environment", warn ? VERDICT_WARN : VERDICT_INFO, "%s", b.data);
	buf_free(&b);
}

/* What each BLIS sub-configuration is, for the report. */
static const char *
blis_kernels_about(const char *k)
{
	static const struct { const char *name, *about; } t[] = {
		{ "cortexa57", "ARMv8.0 NEON" }, { "cortexa53", "Cortex-A53 NEON" },
		{ "armsve", "SVE" }, { "a64fx", "A64FX SVE" },
		{ "thunderx2", "ThunderX2 NEON" }, { "firestorm", "Apple M1" },
		{ "skx", "AVX-512" }, { "haswell", "AVX2" },
		{ "zen", "Zen" }, { "zen2", "Zen 2" }, { "zen3", "Zen 3" }, { "zen4", "Zen 4" },
		{ "zen5", "Zen 5" },
	};
	size_t i;
	for (i = 0; i < nitems(t); i++)
		if (strcmp(k, t[i].name) == 0)
			return t[i].about;
	return NULL;
}

/* A BLIS config name armpy can expect, not a family ("x86_64", "arm64") or unknown. */
static const char *
blis_expected(const struct facts *f)
{
	const char *c = f != NULL && !f->emulated ? f->cpu.blis_config : NULL;
	if (c == NULL || strcmp(c, "x86_64") == 0 || strcmp(c, "arm64") == 0)
		return NULL;
	return c;
}

static void
blis_generic(struct validate_report *r, const char *cpu, const char *exp)
{
	const char *forced = venv_get(r->env, "BLIS_ARCH_TYPE");
	if (forced != NULL) {
		vcheck_add(r, "blis-kernels", VERDICT_WARN, "BLIS runs its generic kernels "
		    "(reference code, not tuned for any CPU) on %s: BLIS_ARCH_TYPE=%.40s forces "
		    "them. Remedies: unset it to let BLIS pick the CPU's own kernels, or use "
		    "OpenBLAS (armpy gflops compares the two) [%s]", cpu, forced,
		    r->blas.kernels_evidence ? r->blas.kernels_evidence : "");
		return;
	}
	vcheck_add(r, "blis-kernels", VERDICT_WARN, "BLIS runs its generic kernels (reference "
	    "code, not tuned for any CPU) on %s%s%s%s: BLIS %s does not know this CPU, and its "
	    "dgemm runs at a fraction of the CPU's speed. Remedies: OpenBLAS (armpy gflops "
	    "compares the two), a newer BLIS that knows the CPU, or BLIS_ARCH_TYPE set to a "
	    "sub-configuration this build has (BLIS 0.9.0 reads the number of the configuration, "
	    "not its name: a name reads as 0) [%s]", cpu, exp ? " (" : "", exp ? exp : "",
	    exp ? " expected)" : "", r->blas.version ? r->blas.version : "",
	    r->blas.kernels_evidence ? r->blas.kernels_evidence : "");
}

void
vverdict_blis_kernels(struct validate_report *r, const struct facts *f)
{
	const char *k = r->blas.kernels, *exp = blis_expected(f), *about;
	const char *cpu = f != NULL && f->cpu.name != NULL ? f->cpu.name : "this CPU";
	const char *ev = r->blas.kernels_evidence ? r->blas.kernels_evidence : "?";
	if (r->blas.kind == NULL || strcmp(r->blas.kind, "blis") != 0)
		return;
	if (k == NULL) {
		vcheck_add(r, "blis-kernels", VERDICT_WARN, "BLIS did not say which kernels it "
		    "runs: neither BLIS_ARCH_DEBUG=1 nor bli_arch_query_id() answered here");
		return;
	}
	if (blasid_kernels_generic("blis", k)) {
		blis_generic(r, cpu, exp);
		return;
	}
	about = blis_kernels_about(k);
	if (f != NULL && f->emulated)
		vcheck_add(r, "blis-kernels", VERDICT_INFO, "BLIS runs its %s kernels%s%s%s under "
		    "emulation: the emulated CPU decides [%s]", k, about ? " (" : "",
		    about ? about : "", about ? ")" : "", ev);
	else if (exp == NULL)
		vcheck_add(r, "blis-kernels", VERDICT_INFO, "BLIS runs its %s kernels%s%s%s on %s "
		    "(the CPU's BLIS config is unknown) [%s]", k, about ? " (" : "",
		    about ? about : "", about ? ")" : "", cpu, ev);
	else if (strcasecmp(k, exp) != 0)
		vcheck_add(r, "blis-kernels", VERDICT_WARN, "BLIS runs its %s kernels on %s (%s "
		    "expected for this core) [%s]", k, cpu, exp, ev);
	else
		vcheck_add(r, "blis-kernels", VERDICT_PASS, "BLIS runs its %s kernels%s%s%s on %s "
		    "[%s]", k, about ? " (" : "", about ? about : "", about ? ")" : "", cpu, ev);
}

static void
scaling_causes(struct buf *b, const struct validate_report *r)
{
	const char *wait = venv_get(r->env, "OMP_WAIT_POLICY");
	buf_puts(b, ". Likely causes: ");
	if (r->cgroup_cpus > 0)
		buf_printf(b, "the cgroup CPU quota (cpu.max allows %.2g CPUs for %d threads); ",
		    r->cgroup_cpus, r->threads_all);
	else
		buf_puts(b, "a cgroup CPU quota (cpu.max; none found here); ");
	buf_printf(b, "CPU affinity (this process may run on %d CPUs); ", r->cpu_count);
	buf_printf(b, "busy-waiting threads%s%s%s; ", wait ? " (OMP_WAIT_POLICY=" : "",
	    wait ? wait : "", wait ? ")" : "");
	if (r->loadavg >= 0)
		buf_printf(b, "other load (1-minute load average %.2f)", r->loadavg);
	else
		buf_puts(b, "other load on the machine");
}

void
vverdict_scaling(struct validate_report *r)
{
	struct buf b;
	if (r->gflops_1 <= 0 || r->gflops_all < 0 || r->threads_all <= 1)
		return;
	if (r->gflops_all >= r->gflops_1) {
		vcheck_add(r, "thread-scaling", VERDICT_PASS, "%d threads ran %.2fx one thread's "
		    "speed", r->threads_all, r->gflops_all / r->gflops_1);
		return;
	}
	buf_init(&b);
	buf_printf(&b, "all %d threads measured slower than one thread (%.1f vs %.1f GFLOPS)",
	    r->threads_all, r->gflops_all, r->gflops_1);
	if (r->first_1 >= 0)
		buf_printf(&b, ", and again when measured a second time (first %.1f vs %.1f)",
		    r->first_all, r->first_1);
	scaling_causes(&b, r);
	vcheck_add(r, "thread-scaling", VERDICT_WARN, "%s", b.data);
	buf_free(&b);
}

/* Debian's threading variants: /usr/lib/<triplet>/<openblas|blis>-<openmp|pthread|serial>/. */
static const struct {
	const char *debian, *word;
} variants[] = {
	{ "openmp", "openmp" }, { "pthread", "pthreads" }, { "serial", "serial" },
};

const char *
validate_path_threading(const char *path)
{
	static const char *libs[] = { "openblas-", "blis-" };
	const char *end, *dir;
	size_t i, n;

	if (path == NULL || (end = strrchr(path, '/')) == NULL)
		return NULL;
	for (dir = end; dir > path && dir[-1] != '/'; dir--)
		;
	for (i = 0; i < nitems(libs) && !str_startswith(dir, libs[i]); i++)
		;
	if (i == nitems(libs))
		return NULL;
	dir += strlen(libs[i]);
	n = (size_t)(end - dir);
	for (i = 0; i < nitems(variants); i++)
		if (strlen(variants[i].debian) == n && strncmp(dir, variants[i].debian, n) == 0)
			return variants[i].word;
	return NULL;
}

/* The alternative's link a variant file is reached through: the soname Debian's postinst
 * registers (libopenblasp-r0.3.21.so is libopenblas.so.0). NULL when it is none of them. */
static char *
variant_link(const char *base)
{
	static const char blis[] = "libblis.so.";
	if (str_startswith(base, "libopenblas"))
		return xstrdup("libopenblas.so.0");
	if (str_startswith(base, "libblas.so"))
		return xstrdup("libblas.so.3");
	if (str_startswith(base, "liblapack.so"))
		return xstrdup("liblapack.so.3");
	if (str_startswith(base, blis))    /* libblis.so.4(.0.0): the major soname */
		return xstrndup(base, sizeof blis - 1 + strcspn(base + sizeof blis - 1, "."));
	return NULL;
}

/* "libopenblas.so.0 points at the pthreads build (FILE is mapped): update-alternatives --set
 * libopenblas.so.0-TRIPLET LIBDIR/openblas-openmp/libopenblas.so.0". */
static void
threading_fix(struct buf *b, const char *path, const char *got, const char *want)
{
	const char *base = strrchr(path, '/') + 1, *dir = base - 1, *lib, *trip;
	const char *debian = want;
	char *link = variant_link(base);
	size_t i;

	while (dir > path && dir[-1] != '/')
		dir--;
	lib = str_startswith(dir, "blis-") ? "blis" : "openblas";
	for (trip = dir - 1; trip > path && trip[-1] != '/'; trip--)
		;
	for (i = 0; i < nitems(variants); i++)
		if (strcmp(variants[i].word, want) == 0)
			debian = variants[i].debian;
	buf_printf(b, "%s%s points at the %s build (%s is mapped)", b->len ? "; " : "",
	    link != NULL ? link : base, got, path);
	if (link != NULL && trip < dir - 1 && trip > path)
		buf_printf(b, ": update-alternatives --set %s-%.*s %.*s%s-%s/%s", link,
		    (int)(dir - 1 - trip), trip, (int)(dir - path), path, lib, debian, link);
	free(link);
}

void
vverdict_threading(struct validate_report *r, const char *want)
{
	const struct validate_lib *libs[] = { &r->blas, &r->lapack, &r->scipy_blas,
	    &r->scipy_lapack };
	struct buf bad, good;
	const char *t;
	size_t i;

	buf_init(&bad);
	buf_init(&good);
	for (i = 0; r->mapped != NULL && r->mapped[i] != NULL; i++) {
		if ((t = validate_path_threading(r->mapped[i])) == NULL)
			continue;
		if (strcmp(t, want) != 0 && r->blas.kind != NULL &&
		    strcmp(r->blas.kind, "flexiblas") == 0)
			/* the file FlexiBLAS loaded: its own setting chose it, not an alternative */
			buf_printf(&bad, "%sFlexiBLAS runs the %s build %s: choose the %s one with "
			    "FlexiBLAS's own setting (FLEXIBLAS=NAME, or its configuration's default)",
			    bad.len ? "; " : "", t, r->mapped[i], want);
		else if (strcmp(t, want) != 0)
			threading_fix(&bad, r->mapped[i], t, want);
		else
			buf_printf(&good, "%s%s", good.len ? ", " : "", r->mapped[i]);
	}
	for (i = 0; i < nitems(libs); i++) {
		const struct validate_lib *l = libs[i];
		const char *impl = l->provider != NULL ? l->provider : l->path;
		if (impl == NULL || l->threading == NULL || strcmp(l->threading, "unknown") == 0)
			continue;
		if (strcmp(l->threading, want) == 0) {
			if (strstr(good.data != NULL ? good.data : "", impl) == NULL)
				buf_printf(&good, "%s%s", good.len ? ", " : "", impl);
		} else if (strstr(bad.data != NULL ? bad.data : "", impl) == NULL)
			buf_printf(&bad, "%s%s %s (%s for %s) is the %s build", bad.len ? "; " : "",
			    vkind_label(l->kind), impl, l->symbol != NULL ? l->symbol : "?",
			    l->consumer != NULL ? l->consumer : "?", l->threading);
	}
	if (bad.len > 0)
		vcheck_add(r, "blas-threading", VERDICT_FAIL, "the %s build was chosen, but %s",
		    want, bad.data);
	else if (good.len > 0)
		vcheck_add(r, "blas-threading", VERDICT_PASS, "the %s builds run: %s", want,
		    good.data);
	else
		vcheck_add(r, "blas-threading", VERDICT_WARN, "the %s build was chosen, but no "
		    "mapped file or library tells which threading runs", want);
	buf_free(&bad);
	buf_free(&good);
}

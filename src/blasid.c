/* blasid.c — identify a loaded BLAS library by its exported symbols (and, failing that, its contents). */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "validate.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The one set of tables, for blasid_identify here and for the probe (blasid_probe_args).
 * Symbol decorations: plain, scipy-openblas64 wheels, openblas64_ builds, scipy-openblas32. */
static const char *decor[][2] = {
	{ "", "" }, { "scipy_", "64_" }, { "", "64_" }, { "scipy_", "" }, { "", "_64" },
};

/* Identification symbols, in the order they decide, and the kind each names. */
static const struct { const char *sym, *kind; } ids[] = {
	{ "openblas_get_config", "openblas" }, { "bli_info_get_version_str", "blis" },
	{ "flexiblas_get_version", "flexiblas" }, { "flexiblas_current_backend", "flexiblas" },
	{ "mkl_get_version_string", "mkl" }, { "MKL_Get_Version_String", "mkl" },
	{ "MKL_Get_Version", "mkl" }, { "armplversion", "armpl" },
};

/* Strings compiled into libraries that hide their own API; BLIS first: its libblas.so.3 may
 * name OpenBLAS in a message, never the other way round. */
static const struct { const char *mark, *kind; } marks[] = {
	{ "libblis: ", "blis" }, { "OpenBLAS", "openblas" }, { "FlexiBLAS", "flexiblas" },
	{ "Intel(R) Math Kernel Library", "mkl" }, { "Arm Performance Libraries", "armpl" },
};

char **
blasid_probe_args(void)
{
	char **v = strv_new();
	size_t i;
	for (i = 0; i < nitems(decor); i++)
		v = strv_pushf(v, "--decor=%s,%s", decor[i][0], decor[i][1]);
	for (i = 0; i < nitems(ids); i++)
		v = strv_pushf(v, "--id=%s", ids[i].sym);
	for (i = 0; i < nitems(marks); i++)
		v = strv_pushf(v, "--marker=%s:%s", marks[i].kind, marks[i].mark);
	return v;
}

static void *
sym_find(void *h, const char *base, char *name, size_t len)
{
	size_t i;
	void *p;
	for (i = 0; i < nitems(decor); i++) {
		snprintf(name, len, "%s%s%s", decor[i][0], base, decor[i][1]);
		if ((p = dlsym(h, name)) != NULL)
			return p;
	}
	return NULL;
}

/* The name base is found under in symbols (any decoration), or NULL. */
static const char *
sym_has(char *const *symbols, const char *base)
{
	char name[128];
	size_t i, j;
	for (i = 0; i < nitems(decor); i++) {
		snprintf(name, sizeof name, "%s%s%s", decor[i][0], base, decor[i][1]);
		for (j = 0; symbols != NULL && symbols[j] != NULL; j++)
			if (strcmp(symbols[j], name) == 0)
				return symbols[j];
	}
	return NULL;
}

static const char *
blis_threading(int omp, int pth)
{
	if (omp < 0 && pth < 0)
		return "unknown";
	return omp > 0 ? "openmp" : pth > 0 ? "pthreads" : "serial";
}

const char *
blasid_markers(const char *data, size_t len)
{
	size_t i;
	for (i = 0; data != NULL && i < nitems(marks); i++)
		if (memmem(data, len, marks[i].mark, strlen(marks[i].mark)) != NULL)
			return marks[i].kind;
	return NULL;
}

/* Every kind whose marker the file's contents hold. */
static char **
scan_markers(const char *path)
{
	char *data, **v = strv_new();
	size_t len, i;
	if ((data = file_read(path, 512u << 20, &len, NULL)) == NULL)
		return v;
	for (i = 0; i < nitems(marks); i++)
		if (memmem(data, len, marks[i].mark, strlen(marks[i].mark)) != NULL)
			v = strv_push(v, marks[i].kind);
	free(data);
	return v;
}

int
blasid_openblas_version(const char *config, char *out, size_t len)
{
	const char *v, *end;
	if (config == NULL || (v = strstr(config, "OpenBLAS ")) == NULL)
		return -1;
	v += strlen("OpenBLAS ");
	for (end = v; (*end >= '0' && *end <= '9') || *end == '.'; end++)
		;
	while (end > v && end[-1] == '.')      /* "0.3.27.dev": the number, not its dot */
		end--;
	if (end == v || *v == '.' || (size_t)(end - v) >= len)
		return -1;
	memcpy(out, v, end - v);
	out[end - v] = '\0';
	return 0;
}

const char *
blasid_openblas_threading(int parallel)
{
	/* openblas_get_parallel(): 0 serial, 1 pthreads, 2 OpenMP (OpenBLAS's common.h). */
	return parallel == 0 ? "serial" : parallel == 1 ? "pthreads" : parallel == 2 ?
	    "openmp" : "unknown";
}

int
blasid_kernels_generic(const char *kind, const char *kernels)
{
	/* OpenBLAS's cores that fit any CPU of the architecture; BLIS's reference config. */
	static const char *g[] = { "armv8", "armv8sve", "generic", "prescott", "core2",
	    "nehalem", "katmai" };
	size_t i;
	if (kind != NULL && strcmp(kind, "reference") == 0)
		return 1;
	if (kernels == NULL || *kernels == '\0')
		return 0;
	if (kind != NULL && strcmp(kind, "blis") == 0)
		return strcasecmp(kernels, "generic") == 0;
	for (i = 0; i < nitems(g); i++)
		if (strcasecmp(kernels, g[i]) == 0)
			return 1;
	return 0;
}

int
blasid_blis_debug_parse(const char *text, char *out, size_t len)
{
	static const char mark[] = "selecting sub-configuration '";
	const char *p, *q, *last = NULL;
	for (p = text; p != NULL && (p = strstr(p, mark)) != NULL; p += sizeof mark - 1)
		last = p + sizeof mark - 1;
	if (last == NULL || (q = strchr(last, '\'')) == NULL || q == last ||
	    (size_t)(q - last) >= len)
		return -1;
	for (p = last; p < q; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return -1;
	memcpy(out, last, q - last);
	out[q - last] = '\0';
	return 0;
}

/* ---- deciding: the one place, for the probe's facts and for blasid_identify's ---- */

static void
blis_kernels(const struct blasid_facts *f, struct blasid *id)
{
	const char *sib = f->sibling != NULL ? f->sibling : "";
	if (f->arch_debug != NULL) {
		snprintf(id->kernels, sizeof id->kernels, "%s", f->arch_debug);
		snprintf(id->kernels_evidence, sizeof id->kernels_evidence, "the library's own "
		    "BLIS_ARCH_DEBUG=1 message while NumPy ran a @ b in a fresh interpreter");
		if (f->sibling_arch != NULL) {
			size_t n = strlen(id->kernels_evidence);
			snprintf(id->kernels_evidence + n, sizeof id->kernels_evidence - n, "; %s's "
			    "bli_arch_query_id() (same build) says %s", sib, f->sibling_arch);
		}
	} else if (f->blis_arch != NULL) {
		snprintf(id->kernels, sizeof id->kernels, "%s", f->blis_arch);
		snprintf(id->kernels_evidence, sizeof id->kernels_evidence,
		    "bli_arch_string(bli_arch_query_id())");
	} else if (f->sibling_arch != NULL) {
		snprintf(id->kernels, sizeof id->kernels, "%s", f->sibling_arch);
		snprintf(id->kernels_evidence, sizeof id->kernels_evidence,
		    "bli_arch_string(bli_arch_query_id()) of %s", sib);
	}
}

static void
decide_details(const struct blasid_facts *f, struct blasid *id)
{
	const char *k = id->kind;
	size_t n;
	if (strcmp(k, "openblas") == 0) {
		snprintf(id->config, sizeof id->config, "%s", f->config ? f->config : "");
		blasid_openblas_version(id->config, id->version, sizeof id->version);
		snprintf(id->corename, sizeof id->corename, "%s", f->corename ? f->corename : "");
		strcpy(id->threading, blasid_openblas_threading(f->parallel));
		snprintf(id->kernels, sizeof id->kernels, "%s", id->corename);
		if (f->corename != NULL)
			strcpy(id->kernels_evidence, "openblas_get_corename()");
	} else if (strcmp(k, "blis") == 0) {
		if (f->version == NULL && f->sibling_version != NULL) {
			/* Debian's libblas.so.3 hides bli_*; its libblis.so.N is the same build */
			snprintf(id->version, sizeof id->version, "%s", f->sibling_version);
			strcpy(id->threading, blis_threading(f->sibling_openmp, f->sibling_pthreads));
			n = strlen(id->evidence);
			snprintf(id->evidence + n, sizeof id->evidence - n, "; version from sibling %s",
			    f->sibling);
		} else {
			snprintf(id->version, sizeof id->version, "%s", f->version ? f->version : "");
			strcpy(id->threading, blis_threading(f->blis_openmp, f->blis_pthreads));
		}
		blis_kernels(f, id);
	} else if (strcmp(k, "reference") == 0) {
		strcpy(id->threading, "serial");
		strcpy(id->kernels, "reference");
	} else
		snprintf(id->version, sizeof id->version, "%s", f->version ? f->version : "");
}

void
blasid_decide(const struct blasid_facts *f, struct blasid *id)
{
	const char *name = NULL, *kind = NULL;
	size_t i;

	memset(id, 0, sizeof *id);
	strcpy(id->kind, "unknown");
	strcpy(id->threading, "unknown");
	for (i = 0; i < nitems(ids) && kind == NULL; i++)
		if ((name = sym_has(f->symbols, ids[i].sym)) != NULL)
			kind = ids[i].kind;
	if (kind != NULL)
		snprintf(id->evidence, sizeof id->evidence, "exports %s", name);
	for (i = 0; i < nitems(marks) && kind == NULL; i++)
		if (strv_contains(f->markers, marks[i].kind)) {
			kind = marks[i].kind;
			snprintf(id->evidence, sizeof id->evidence, "exports only the BLAS API; binary "
			    "contains %s strings", kind);
		}
	if (kind == NULL && f->plain_api) {
		kind = "reference";
		snprintf(id->evidence, sizeof id->evidence, "exports only the plain BLAS API, no "
		    "vendor markers");
	}
	if (kind == NULL)
		return;
	snprintf(id->kind, sizeof id->kind, "%s", kind);
	decide_details(f, id);
}

/* ---- gathering here (a bench child): the same facts the probe gathers ---- */

struct gather {
	struct blasid_facts f;
	char **symbols, **markers;
	char *provider, *sibling;
	char version[64];
};

static const char *
call_str(void *h, const char *base)
{
	char name[128];
	const char *(*fn)(void) = (const char *(*)(void))sym_find(h, base, name, sizeof name);
	return fn != NULL ? fn() : NULL;
}

static int
call_int(void *h, const char *base)
{
	char name[128];
	int (*fn)(void) = (int (*)(void))sym_find(h, base, name, sizeof name);
	return fn != NULL ? fn() : -1;
}

/* bli_arch_string(bli_arch_query_id()) where the library exports it (libblis.so.N). */
static const char *
blis_arch(void *h)
{
	void (*init)(void) = (void (*)(void))dlsym(h, "bli_init");
	int (*query)(void) = (int (*)(void))dlsym(h, "bli_arch_query_id");
	const char *(*name)(int) = (const char *(*)(int))dlsym(h, "bli_arch_string");
	if (query == NULL || name == NULL)
		return NULL;
	if (init != NULL)
		init();      /* with BLIS_ARCH_TYPE set, a query before it aborts */
	return name(query());
}

static void
gather_versions(void *h, struct gather *g)
{
	void (*v3)(int *, int *, int *);
	int a = 0, b = 0, c = 0;
	char name[128];

	g->f.config = call_str(h, "openblas_get_config");
	g->f.corename = call_str(h, "openblas_get_corename");
	g->f.parallel = call_int(h, "openblas_get_parallel");
	g->f.version = call_str(h, "bli_info_get_version_str");
	g->f.blis_openmp = call_int(h, "bli_info_get_enable_openmp");
	g->f.blis_pthreads = call_int(h, "bli_info_get_enable_pthreads");
	g->f.blis_arch = blis_arch(h);
	if ((v3 = (void (*)(int *, int *, int *))sym_find(h, "flexiblas_get_version", name,
	    sizeof name)) == NULL)
		v3 = (void (*)(int *, int *, int *))dlsym(h, "armplversion");
	if (v3 != NULL) {
		v3(&a, &b, &c);
		snprintf(g->version, sizeof g->version, "%d.%d.%d", a, b, c);
		g->f.version = g->version;
	} else if (dlsym(h, "mkl_get_version_string") != NULL) {
		((void (*)(char *, int))dlsym(h, "mkl_get_version_string"))(g->version,
		    sizeof g->version);
		g->f.version = g->version;
	}
}

/* A library that exports no identification symbol: its contents, and the libblis.so.N that
 * Debian builds from the same source into the same directory. */
static void
gather_hidden(const char *path, struct gather *g)
{
	char *dir = xstrdup(path), *slash;
	DIR *d;
	struct dirent *de;
	void *h;

	g->markers = scan_markers(path);
	g->f.markers = g->markers;
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (str_startswith(de->d_name, "libblis.so") && g->sibling == NULL)
				g->sibling = xasprintf("%s/%s", dir, de->d_name);
		closedir(d);
	}
	free(dir);
	/* left open: the process is a throwaway benchmark child */
	if (g->sibling == NULL || (h = dlopen(g->sibling, RTLD_LAZY | RTLD_LOCAL)) == NULL)
		return;
	g->f.sibling = g->sibling;
	g->f.sibling_version = call_str(h, "bli_info_get_version_str");
	g->f.sibling_openmp = call_int(h, "bli_info_get_enable_openmp");
	g->f.sibling_pthreads = call_int(h, "bli_info_get_enable_pthreads");
	g->f.sibling_arch = blis_arch(h);
}

void
blasid_identify(void *h, const char *path, struct blasid *id)
{
	struct gather g;
	char name[128];
	Dl_info info;
	void *p;
	size_t i;

	memset(&g, 0, sizeof g);
	g.f.path = path;
	g.symbols = strv_new();
	for (i = 0; i < nitems(ids); i++) {
		if ((p = sym_find(h, ids[i].sym, name, sizeof name)) == NULL)
			continue;
		g.symbols = strv_push(g.symbols, name);
		if (g.provider == NULL && dladdr(p, &info) != 0 && info.dli_fname != NULL)
			g.provider = xstrdup(info.dli_fname);
	}
	g.f.symbols = g.symbols;
	g.f.provider = g.provider;
	g.f.sibling_openmp = g.f.sibling_pthreads = -1;
	gather_versions(h, &g);
	if (g.symbols[0] == NULL && path != NULL)
		gather_hidden(path, &g);
	g.f.plain_api = dlsym(h, "dgemm_") != NULL || dlsym(h, "cblas_dgemm") != NULL ||
	    dlsym(h, "dgetrf_") != NULL;
	blasid_decide(&g.f, id);
	strv_free(g.symbols);
	strv_free(g.markers);
	free(g.provider);
	free(g.sibling);
}

void *
blasid_dgemm(void *h, int *int64, const char **name)
{
	static const char *names[] = { "cblas_dgemm", "scipy_cblas_dgemm", "cblas_dgemm64_",
	    "scipy_cblas_dgemm64_", "cblas_dgemm_64" };
	size_t i;
	void *p;
	for (i = 0; i < nitems(names); i++) {
		if ((p = dlsym(h, names[i])) != NULL) {
			*int64 = strstr(names[i], "64") != NULL;
			if (name != NULL)
				*name = names[i];
			return p;
		}
	}
	return NULL;
}

int
blasid_threads(void *h)
{
	char name[128];
	int (*f)(void);
	if ((f = (int (*)(void))sym_find(h, "openblas_get_num_threads", name,
	    sizeof name)) != NULL)
		return f();
	if ((f = (int (*)(void))dlsym(h, "bli_thread_get_num_threads")) != NULL)
		return f();
	return -1;
}

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

#define NVPL_LINKING "NVIDIA NVPL BLAS documentation, Programming Model, Building and Linking " \
	"(interface libraries nvpl_blas_{lp64,ilp64}_{seq,gomp} over the core library)"
#define ARMPL_LIBS "Arm Performance Libraries 24.10's lib/: libarmpl_lp64.so.3, " \
	"libarmpl_lp64_mp.so.3 (OpenMP), the ilp64 pair alike (pkg-config armpl-dynamic-*-omp/-seq)"
#define MKL_LAYERS "oneMKL Developer Guide for Linux, Linking: threading layers mkl_gnu_thread, " \
	"mkl_intel_thread, mkl_sequential, mkl_tbb_thread, and mkl_rt the single dynamic library; " \
	"Debian 12's intel-mkl packages libmkl-rt, libmkl-gnu-thread, libmkl-sequential"

/* Identification symbols, in the order they decide, the kind each names, and where its name and
 * signature are documented (each is called as documented there; see gather_versions and the
 * probe's QUERIES). FlexiBLAS first: a dispatcher is the outer layer of whatever it loads, and
 * its API exports vendor names of its own (openblas_set_num_threads, mkl_set_num_threads). */
static const struct { const char *sym, *kind, *source; } ids[] = {
	{ "flexiblas_get_version", "flexiblas", "FlexiBLAS flexiblas_api.h, flexiblas_get_version(3): "
	    "void (int *major, int *minor, int *patchlevel)" },
	{ "flexiblas_current_backend", "flexiblas", "FlexiBLAS flexiblas_api.h, "
	    "flexiblas_current_backend(3): int (char *name, size_t len)" },
	{ "openblas_get_config", "openblas", "OpenBLAS cblas.h: char *openblas_get_config(void)" },
	{ "bli_info_get_version_str", "blis", "BLIS bli_info.h: "
	    "const char *bli_info_get_version_str(void)" },
	{ "mkl_get_version_string", "mkl", "oneMKL Developer Reference for C, Support Functions, "
	    "mkl_get_version_string: void (char *buf, int len)" },
	{ "MKL_Get_Version_String", "mkl", "oneMKL Developer Reference, mkl_get_version_string "
	    "(its upper-case alias in mkl_service.h)" },
	{ "MKL_Get_Version", "mkl", "oneMKL Developer Reference, mkl_get_version (MKLVersion *): "
	    "named only, never called" },
	{ "nvpl_blas_get_version", "nvpl", "NVIDIA NVPL BLAS documentation, API Reference, Service: "
	    "int nvpl_blas_get_version(void) = major * 10000 + minor * 100 + patch" },
	{ "armplversion", "armpl", "Arm Performance Libraries armpl.h: void armplversion("
	    "armpl_int_t *major, armpl_int_t *minor, armpl_int_t *patch, const char **tag)" },
};

/* Library files as they appear in /proc/self/maps (their names' beginnings), the kind each
 * belongs to and the threading its name says (NULL: the name does not say). A vendor ships one
 * interface library per threading; MKL's libmkl_rt loads its threading layer at run time. */
static const struct { const char *prefix, *kind, *threading, *source; } files[] = {
	{ "libflexiblas.so", "flexiblas", NULL, "FlexiBLAS README (libflexiblas.so.3)" },
	{ "libnvpl_blas_lp64_gomp", "nvpl", "openmp", NVPL_LINKING },
	{ "libnvpl_blas_ilp64_gomp", "nvpl", "openmp", NVPL_LINKING },
	{ "libnvpl_blas_lp64_seq", "nvpl", "serial", NVPL_LINKING },
	{ "libnvpl_blas_ilp64_seq", "nvpl", "serial", NVPL_LINKING },
	{ "libnvpl_blas_core", "nvpl", NULL, NVPL_LINKING },
	{ "libarmpl_lp64_mp", "armpl", "openmp", ARMPL_LIBS },
	{ "libarmpl_ilp64_mp", "armpl", "openmp", ARMPL_LIBS },
	{ "libarmpl_mp", "armpl", "openmp", ARMPL_LIBS },
	{ "libarmpl_lp64.", "armpl", "serial", ARMPL_LIBS },
	{ "libarmpl_ilp64.", "armpl", "serial", ARMPL_LIBS },
	{ "libarmpl.", "armpl", "serial", ARMPL_LIBS },
	{ "libmkl_rt.so", "mkl", NULL, MKL_LAYERS },
	{ "libmkl_gnu_thread", "mkl", "openmp", MKL_LAYERS },
	{ "libmkl_intel_thread", "mkl", "openmp", MKL_LAYERS },
	{ "libmkl_sequential", "mkl", "serial", MKL_LAYERS },
	{ "libmkl_tbb_thread", "mkl", "tbb", MKL_LAYERS },
};

/* Strings compiled into libraries that hide their own API; BLIS first: its libblas.so.3 may
 * name OpenBLAS in a message, never the other way round. */
static const struct { const char *mark, *kind; } marks[] = {
	{ "libblis: ", "blis" }, { "OpenBLAS", "openblas" }, { "FlexiBLAS", "flexiblas" },
	{ "Intel(R) Math Kernel Library", "mkl" }, { "Arm Performance Libraries", "armpl" },
};

/* Every row of the two tables above was checked against its source on this day. */
#define BLASID_CHECKED "2026-12-06"

const char *
blasid_fact(size_t i, const char **kind, const char **source, const char **checked)
{
	*checked = BLASID_CHECKED;
	if (i < nitems(ids)) {
		*kind = ids[i].kind;
		*source = ids[i].source;
		return ids[i].sym;
	}
	if ((i -= nitems(ids)) < nitems(files)) {
		*kind = files[i].kind;
		*source = files[i].source;
		return files[i].prefix;
	}
	*kind = *source = *checked = NULL;
	return NULL;
}

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
	for (i = 0; i < nitems(files); i++)
		v = strv_pushf(v, "--lib=%s:%s", files[i].kind, files[i].prefix);
	return v;
}

const char *
blasid_file_kind(const char *path, const char **threading)
{
	const char *base = path != NULL && strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	size_t i;
	*threading = NULL;
	for (i = 0; base != NULL && i < nitems(files); i++)
		if (str_startswith(base, files[i].prefix)) {
			*threading = files[i].threading;
			return files[i].kind;
		}
	return NULL;
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

/* The release number right after mark in text ("1.2.3", trailing dots left off). */
static int
number_after(const char *text, const char *mark, char *out, size_t len)
{
	const char *v, *end;
	if (text == NULL || (v = strstr(text, mark)) == NULL)
		return -1;
	v += strlen(mark);
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

int
blasid_openblas_version(const char *config, char *out, size_t len)
{
	return number_after(config, "OpenBLAS ", out, len);
}

int
blasid_mkl_version(const char *text, char *out, size_t len)
{
	if (text == NULL || strstr(text, "Math Kernel Library") == NULL)
		return -1;
	return number_after(text, "Version ", out, len);
}

int
blasid_nvpl_version(int code, char *out, size_t len)
{
	if (code < 0)
		return -1;
	snprintf(out, len, "%d.%d.%d", code / 10000, code / 100 % 100, code % 100);
	return 0;
}

const char *
blasid_backend_kind(const char *name, const char **threading)
{
	static const struct { const char *name, *kind; } t[] = {
		{ "openblas", "openblas" }, { "blis", "blis" }, { "netlib", "reference" },
		{ "mkl", "mkl" }, { "intelmkl", "mkl" }, { "nvpl", "nvpl" }, { "armpl", "armpl" },
	};
	static const struct { const char *word, *threading; } thr[] = {
		{ "openmp", "openmp" }, { "pthread", "pthreads" }, { "threads", "pthreads" },
		{ "serial", "serial" }, { "sequential", "serial" },
	};
	const char *b = name != NULL && strrchr(name, '/') != NULL ? strrchr(name, '/') + 1 : name;
	size_t i;

	*threading = NULL;
	if (b == NULL)
		return NULL;
	if (strncasecmp(b, "libflexiblas_", 13) == 0)     /* a path: FLEXIBLAS=/.../lib*.so */
		b += 13;
	else if (strncasecmp(b, "lib", 3) == 0)
		b += 3;
	for (i = 0; i < nitems(thr); i++)
		if (strcasestr(b, thr[i].word) != NULL && *threading == NULL)
			*threading = thr[i].threading;
	for (i = 0; i < nitems(t); i++)
		if (strncasecmp(b, t[i].name, strlen(t[i].name)) == 0)
			return t[i].kind;
	*threading = NULL;
	return NULL;
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
evidence_add(struct blasid *id, const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(id->evidence);
	snprintf(id->evidence + n, sizeof id->evidence - n, fmt, a, b);
}

/* The threading the files of kind k say (their names: the files table): the library, the file
 * defining its symbols, every mapped one (MKL's libmkl_rt loads its threading layer at the
 * first call). Unknown when none says, or two say differently. */
static void
files_threading(const struct blasid_facts *f, const char *k, struct blasid *id)
{
	const char *t, *kind, *said = NULL, *by = NULL;
	const char *own[] = { f->path, f->provider };
	size_t i, n = strv_len(f->mapped) + nitems(own);

	for (i = 0; i < n; i++) {
		const char *p = i < nitems(own) ? own[i] : f->mapped[i - nitems(own)];
		if ((kind = blasid_file_kind(p, &t)) == NULL || t == NULL || strcmp(kind, k) != 0)
			continue;
		if (said != NULL && strcmp(said, t) != 0) {
			evidence_add(id, "; %s and %s disagree on threading", by, p);
			return;
		}
		said = t;
		by = p;
	}
	if (said == NULL)
		return;
	snprintf(id->threading, sizeof id->threading, "%s", said);
	evidence_add(id, "; threading from the file name %s%s", strrchr(by, '/') != NULL ?
	    strrchr(by, '/') + 1 : by, "");
}

/* NVPL, ArmPL, MKL: the version from their own functions, the threading from their files. */
static void
decide_vendor(const struct blasid_facts *f, struct blasid *id)
{
	const char *k = id->kind;
	if (strcmp(k, "nvpl") == 0)
		blasid_nvpl_version(f->version_code, id->version, sizeof id->version);
	else if (strcmp(k, "mkl") == 0)
		blasid_mkl_version(f->version, id->version, sizeof id->version);
	else
		snprintf(id->version, sizeof id->version, "%s", f->version ? f->version : "");
	if (strcmp(k, "nvpl") == 0 || strcmp(k, "armpl") == 0 || strcmp(k, "mkl") == 0)
		files_threading(f, k, id);
}

/* FlexiBLAS: the backend it loaded, identified from that file's facts as if it were loaded
 * directly; failing that, from the name FlexiBLAS gives it. Its threading and kernels are the
 * ones that run. One level only: a backend is never a dispatcher here. */
static void
decide_backend(const struct blasid_facts *f, struct blasid *id)
{
	const struct blasid_facts *bf = f->backend_facts;
	const char *kind, *thr;
	struct blasid b;

	snprintf(id->backend, sizeof id->backend, "%s", f->backend != NULL ? f->backend : "");
	if (bf != NULL && bf->backend_facts == NULL && bf->backend == NULL) {
		blasid_decide(bf, &b);
		if (strcmp(b.kind, "unknown") != 0 && strcmp(b.kind, "flexiblas") != 0) {
			snprintf(id->backend_kind, sizeof id->backend_kind, "%s", b.kind);
			snprintf(id->backend_version, sizeof id->backend_version, "%s", b.version);
			snprintf(id->threading, sizeof id->threading, "%s", b.threading);
			snprintf(id->corename, sizeof id->corename, "%s", b.corename);
			snprintf(id->kernels, sizeof id->kernels, "%s", b.kernels);
			snprintf(id->kernels_evidence, sizeof id->kernels_evidence, "%s",
			    b.kernels_evidence);
			evidence_add(id, "; its backend %s %s", bf->path != NULL ? bf->path : "?",
			    b.evidence);
			return;
		}
	}
	if ((kind = blasid_backend_kind(f->backend, &thr)) == NULL)
		return;
	snprintf(id->backend_kind, sizeof id->backend_kind, "%s", kind);
	if (thr == NULL && strcmp(kind, "reference") == 0)
		thr = "serial";
	if (thr != NULL)
		snprintf(id->threading, sizeof id->threading, "%s", thr);
	evidence_add(id, "; its backend from flexiblas_current_backend(): %s%s", f->backend, "");
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
	} else if (strcmp(k, "flexiblas") == 0) {
		snprintf(id->version, sizeof id->version, "%s", f->version ? f->version : "");
		decide_backend(f, id);
	} else
		decide_vendor(f, id);
}

void
blasid_decide(const struct blasid_facts *f, struct blasid *id)
{
	const char *name = NULL, *kind = NULL, *thr;
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
	if (kind == NULL && (kind = blasid_file_kind(f->provider != NULL ? f->provider : f->path,
	    &thr)) != NULL)
		snprintf(id->evidence, sizeof id->evidence, "exports none of its vendor's functions; "
		    "named by its file name only");
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
	char **symbols, **markers, **mapped;
	char *provider, *sibling;
	char version[256], backend[64];
	struct gather *backend_g;
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

/* armplversion: armpl_int_t is 32 bits in the lp64 libraries and 64 in the ilp64 ones; each
 * writes its own width into a zeroed 64-bit slot, which reads right on a little-endian CPU. */
static void
gather_armpl(void *h, struct gather *g)
{
	void (*v)(int64_t *, int64_t *, int64_t *, const char **);
	int64_t a = 0, b = 0, c = 0;
	const char *tag = NULL;
	if ((v = (void (*)(int64_t *, int64_t *, int64_t *, const char **))dlsym(h,
	    "armplversion")) == NULL)
		return;
	v(&a, &b, &c, &tag);
	snprintf(g->version, sizeof g->version, "%lld.%lld.%lld", (long long)a, (long long)b,
	    (long long)c);
	g->f.version = g->version;
}

static void
gather_vendors(void *h, struct gather *g)
{
	void (*v3)(int *, int *, int *);
	void (*mkl)(char *, int);
	int (*nvpl)(void), (*backend)(char *, size_t);
	int a = 0, b = 0, c = 0;
	char name[128];

	if ((v3 = (void (*)(int *, int *, int *))sym_find(h, "flexiblas_get_version", name,
	    sizeof name)) != NULL) {
		v3(&a, &b, &c);
		snprintf(g->version, sizeof g->version, "%d.%d.%d", a, b, c);
		g->f.version = g->version;
	} else if ((mkl = (void (*)(char *, int))dlsym(h, "mkl_get_version_string")) != NULL) {
		mkl(g->version, (int)sizeof g->version);
		g->f.version = g->version;
	} else
		gather_armpl(h, g);
	if ((nvpl = (int (*)(void))dlsym(h, "nvpl_blas_get_version")) != NULL)
		g->f.version_code = nvpl();
	if ((backend = (int (*)(char *, size_t))dlsym(h, "flexiblas_current_backend")) != NULL &&
	    backend(g->backend, sizeof g->backend) > 0)
		g->f.backend = g->backend;
}

static void
gather_versions(void *h, struct gather *g)
{
	g->f.config = call_str(h, "openblas_get_config");
	g->f.corename = call_str(h, "openblas_get_corename");
	g->f.parallel = call_int(h, "openblas_get_parallel");
	g->f.version = call_str(h, "bli_info_get_version_str");
	g->f.blis_openmp = call_int(h, "bli_info_get_enable_openmp");
	g->f.blis_pthreads = call_int(h, "bli_info_get_enable_pthreads");
	g->f.blis_arch = blis_arch(h);
	g->f.version_code = -1;
	gather_vendors(h, g);
}

/* A library file whose name says BLAS or LAPACK (as the probe's LIBLIKE; "lib" first, so that
 * a program named like one, this test's test-blasid, is not taken for one). */
static int
blas_like(const char *path)
{
	static const char *w[] = { "blas", "blis", "lapack", "mkl_", "armpl", "nvpl", "atlas",
	    "libflame" };
	const char *base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	size_t i;
	if (strstr(base, ".cpython-") != NULL || strstr(base, ".abi3.") != NULL ||
	    strncmp(base, "lib", 3) != 0)
		return 0;
	for (i = 0; i < nitems(w); i++)
		if (strcasestr(base, w[i]) != NULL)
			return 1;
	return 0;
}

/* The BLAS-like library files mapped in this process (as the probe's mapped_libs). */
static char **
maps_read(void)
{
	char **v = strv_new(), *line = NULL, *p;
	const char *t;
	size_t cap = 0;
	FILE *fp = fopen("/proc/self/maps", "re");
	if (fp == NULL)
		return v;
	while (getline(&line, &cap, fp) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if ((p = strchr(line, '/')) == NULL || strv_contains(v, p))
			continue;
		if (blasid_file_kind(p, &t) != NULL || blas_like(p))
			v = strv_push(v, p);
	}
	free(line);
	fclose(fp);
	return v;
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

const char *
blasid_backend_file(const char *name, char *const *mapped)
{
	const char *base, *found;
	size_t i, n;
	char want[80];

	if (name == NULL || *name == '\0')
		return NULL;
	for (i = 0; mapped != NULL && mapped[i] != NULL; i++)
		if (strchr(name, '/') != NULL && strcmp(mapped[i], name) == 0)
			return mapped[i];      /* FLEXIBLAS=/path/lib.so: the file itself */
	n = (size_t)snprintf(want, sizeof want, "libflexiblas_%s.", name);
	if (n >= sizeof want || strcasecmp(want, "libflexiblas_api.") == 0)
		return NULL;
	for (i = 0; mapped != NULL && mapped[i] != NULL; i++) {
		base = strrchr(mapped[i], '/') != NULL ? strrchr(mapped[i], '/') + 1 : mapped[i];
		if (strncasecmp(base, want, n) == 0)
			return mapped[i];
	}
	/* a configured library= of its own (/etc/flexiblasrc.d, ~/.flexiblasrc): the one mapped
	 * BLAS-like file that is not FlexiBLAS's */
	for (i = 0, found = NULL; mapped != NULL && mapped[i] != NULL; i++) {
		base = strrchr(mapped[i], '/') != NULL ? strrchr(mapped[i], '/') + 1 : mapped[i];
		if (strncasecmp(base, "libflexiblas", 12) == 0)
			continue;
		if (found != NULL)
			return NULL;
		found = mapped[i];
	}
	return found;
}

static void gather_free(struct gather *);

/* The facts of the library at path through its handle h (dispatcher: 1 for FlexiBLAS's own
 * file, whose backend is gathered too; 0 for that backend). */
static void
gather(void *h, const char *path, struct gather *g, int dispatcher)
{
	char name[128];
	const char *bp;
	Dl_info info;
	void *p, *bh;
	size_t i;

	memset(g, 0, sizeof *g);
	g->f.path = path;
	g->symbols = strv_new();
	for (i = 0; i < nitems(ids); i++) {
		if ((p = sym_find(h, ids[i].sym, name, sizeof name)) == NULL)
			continue;
		g->symbols = strv_push(g->symbols, name);
		if (g->provider == NULL && dladdr(p, &info) != 0 && info.dli_fname != NULL)
			g->provider = xstrdup(info.dli_fname);
	}
	g->f.symbols = g->symbols;
	g->f.provider = g->provider;
	g->f.sibling_openmp = g->f.sibling_pthreads = -1;
	gather_versions(h, g);
	if (!dispatcher)
		g->f.backend = NULL;
	g->mapped = maps_read();
	g->f.mapped = g->mapped;
	if (g->symbols[0] == NULL && path != NULL)
		gather_hidden(path, g);
	g->f.plain_api = dlsym(h, "dgemm_") != NULL || dlsym(h, "cblas_dgemm") != NULL ||
	    dlsym(h, "dgetrf_") != NULL;
	/* left open, like every library here: the process is a throwaway benchmark child */
	if (dispatcher && (bp = blasid_backend_file(g->f.backend, g->mapped)) != NULL &&
	    (bh = dlopen(bp, RTLD_LAZY | RTLD_NOLOAD)) != NULL) {
		g->backend_g = xmalloc(sizeof *g->backend_g);
		gather(bh, bp, g->backend_g, 0);
		g->f.backend_facts = &g->backend_g->f;
	}
}

static void
gather_free(struct gather *g)
{
	strv_free(g->symbols);
	strv_free(g->markers);
	strv_free(g->mapped);
	free(g->provider);
	free(g->sibling);
	if (g->backend_g != NULL)
		gather_free(g->backend_g);
	free(g->backend_g);
}

void
blasid_identify(void *h, const char *path, struct blasid *id)
{
	struct gather g;
	gather(h, path, &g, 1);
	blasid_decide(&g.f, id);
	gather_free(&g);
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

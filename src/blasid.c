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

/* Symbol decorations: plain, scipy-openblas64 wheels, openblas64_ builds, scipy-openblas32. */
static const char *decor[][2] = {
	{ "", "" }, { "scipy_", "64_" }, { "", "64_" }, { "scipy_", "" }, { "", "_64" },
};

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

static void
provider_note(struct blasid *id, const char *what, void *addr, const char *path)
{
	Dl_info info;
	if (dladdr(addr, &info) != 0 && info.dli_fname != NULL && path != NULL &&
	    strcmp(info.dli_fname, path) != 0)
		snprintf(id->evidence, sizeof id->evidence, "exports %s (from %s)", what,
		    info.dli_fname);
	else
		snprintf(id->evidence, sizeof id->evidence, "exports %s", what);
}

static void
blis_info(void *h, struct blasid *id)
{
	const char *(*ver)(void) = (const char *(*)(void))dlsym(h, "bli_info_get_version_str");
	int (*omp)(void) = (int (*)(void))dlsym(h, "bli_info_get_enable_openmp");
	int (*pth)(void) = (int (*)(void))dlsym(h, "bli_info_get_enable_pthreads");
	if (ver != NULL && ver() != NULL)
		snprintf(id->version, sizeof id->version, "%s", ver());
	if (omp != NULL && omp())
		strcpy(id->threading, "openmp");
	else if (pth != NULL && pth())
		strcpy(id->threading, "pthreads");
	else if (omp != NULL && pth != NULL)
		strcpy(id->threading, "serial");
}

const char *
blasid_markers(const char *data, size_t len)
{
	/* Strings compiled into libraries that hide their own API; BLIS first: its libblas.so.3
	 * may name OpenBLAS in a message, never the other way round. */
	static const struct { const char *mark, *kind; } m[] = {
		{ "libblis: ", "blis" }, { "OpenBLAS", "openblas" }, { "FlexiBLAS", "flexiblas" },
		{ "Intel(R) Math Kernel Library", "mkl" }, { "Arm Performance Libraries", "armpl" },
	};
	size_t i;
	for (i = 0; data != NULL && i < nitems(m); i++)
		if (memmem(data, len, m[i].mark, strlen(m[i].mark)) != NULL)
			return m[i].kind;
	return NULL;
}

static const char *
scan_markers(const char *path)
{
	char *data;
	size_t len;
	const char *kind;
	if ((data = file_read(path, 512u << 20, &len, NULL)) == NULL)
		return NULL;
	kind = blasid_markers(data, len);
	free(data);
	return kind;
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

/* Debian builds libblas.so.3 and libblis.so.N from one source into one directory. */
static void
blis_sibling(const char *path, struct blasid *id)
{
	char *dir = xstrdup(path), *slash, *sib = NULL;
	DIR *d;
	struct dirent *de;
	void *h;
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (str_startswith(de->d_name, "libblis.so") && sib == NULL)
				sib = xasprintf("%s/%s", dir, de->d_name);
		closedir(d);
	}
	if (sib != NULL && (h = dlopen(sib, RTLD_LAZY | RTLD_LOCAL)) != NULL) {
		blis_info(h, id);
		size_t n = strlen(id->evidence);
		snprintf(id->evidence + n, sizeof id->evidence - n, "; version from sibling %s",
		    sib);
		/* left open: the process is a throwaway benchmark child */
	}
	free(sib);
	free(dir);
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

/* BLIS's own query, where the library exports it (libblis.so.N; not Debian's libblas.so.3). */
static void
blis_arch(void *h, struct blasid *id)
{
	void (*init)(void) = (void (*)(void))dlsym(h, "bli_init");
	int (*query)(void) = (int (*)(void))dlsym(h, "bli_arch_query_id");
	const char *(*name)(int) = (const char *(*)(int))dlsym(h, "bli_arch_string");
	const char *s;
	size_t n;
	if (query == NULL || name == NULL)
		return;
	if (init != NULL)
		init();      /* with BLIS_ARCH_TYPE set, a query before it aborts */
	if ((s = name(query())) == NULL)
		return;
	snprintf(id->kernels, sizeof id->kernels, "%s", s);
	n = strlen(id->evidence);
	snprintf(id->evidence + n, sizeof id->evidence - n, "; kernels from "
	    "bli_arch_string(bli_arch_query_id())");
}

void
blasid_identify(void *h, const char *path, struct blasid *id)
{
	char name[128], name2[128];
	const char *kind;
	void *p;

	memset(id, 0, sizeof *id);
	strcpy(id->kind, "unknown");
	strcpy(id->threading, "unknown");
	if ((p = sym_find(h, "openblas_get_config", name, sizeof name)) != NULL) {
		char *(*cfg)(void) = (char *(*)(void))p;
		char *(*core)(void);
		int (*par)(void);
		strcpy(id->kind, "openblas");
		provider_note(id, name, p, path);
		snprintf(id->config, sizeof id->config, "%s", cfg() ? cfg() : "");
		blasid_openblas_version(id->config, id->version, sizeof id->version);
		if ((core = (char *(*)(void))sym_find(h, "openblas_get_corename", name2,
		    sizeof name2)) != NULL && core() != NULL)
			snprintf(id->corename, sizeof id->corename, "%s", core());
		if ((par = (int (*)(void))sym_find(h, "openblas_get_parallel", name2,
		    sizeof name2)) != NULL)
			strcpy(id->threading, blasid_openblas_threading(par()));
		snprintf(id->kernels, sizeof id->kernels, "%s", id->corename);
		return;
	}
	if ((p = dlsym(h, "bli_info_get_version_str")) != NULL) {
		strcpy(id->kind, "blis");
		provider_note(id, "bli_info_get_version_str", p, path);
		blis_info(h, id);
		blis_arch(h, id);
		return;
	}
	if ((p = dlsym(h, "flexiblas_get_version")) != NULL ||
	    (p = dlsym(h, "flexiblas_current_backend")) != NULL) {
		void (*ver)(int *, int *, int *) =
		    (void (*)(int *, int *, int *))dlsym(h, "flexiblas_get_version");
		int a = 0, b = 0, c = 0;
		strcpy(id->kind, "flexiblas");
		provider_note(id, "flexiblas_*", p, path);
		if (ver != NULL) {
			ver(&a, &b, &c);
			snprintf(id->version, sizeof id->version, "%d.%d.%d", a, b, c);
		}
		return;
	}
	if ((p = dlsym(h, "mkl_get_version_string")) != NULL ||
	    (p = dlsym(h, "MKL_Get_Version_String")) != NULL ||
	    (p = dlsym(h, "MKL_Get_Version")) != NULL) {
		void (*ver)(char *, int) = (void (*)(char *, int))dlsym(h,
		    "mkl_get_version_string");
		strcpy(id->kind, "mkl");
		provider_note(id, "mkl_get_version_string", p, path);
		if (ver != NULL)
			ver(id->version, sizeof id->version);
		return;
	}
	if ((p = dlsym(h, "armplversion")) != NULL) {
		void (*ver)(int *, int *, int *) = (void (*)(int *, int *, int *))p;
		int a = 0, b = 0, c = 0;
		strcpy(id->kind, "armpl");
		provider_note(id, "armplversion", p, path);
		ver(&a, &b, &c);
		snprintf(id->version, sizeof id->version, "%d.%d.%d", a, b, c);
		return;
	}
	if (path != NULL && (kind = scan_markers(path)) != NULL) {
		snprintf(id->kind, sizeof id->kind, "%s", kind);
		snprintf(id->evidence, sizeof id->evidence, "exports only the BLAS API; binary "
		    "contains %s strings", kind);
		if (strcmp(kind, "blis") == 0)
			blis_sibling(path, id);
		return;
	}
	if (dlsym(h, "dgemm_") != NULL || dlsym(h, "cblas_dgemm") != NULL) {
		strcpy(id->kind, "reference");
		snprintf(id->evidence, sizeof id->evidence, "exports only the plain BLAS API, no "
		    "vendor markers");
		strcpy(id->threading, "serial");
		strcpy(id->kernels, "reference");
	}
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

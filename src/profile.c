/* profile.c — the user's answers: schema v1 names, defaults, copies, checks needing no machine. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "profile.h"
#include "profile-int.h"
#include "pyeol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const profile_source_names[3] = { "system", "pip", "conda" };
const char *const profile_library_names[3] = { "openblas", "blis", "nvpl" };
const char *const profile_threading_names[3] = { "openmp", "pthreads", "serial" };
const char *const profile_build_names[2] = { "package", "source" };
const char *const profile_installer_names[3] = { "miniforge", "miniconda", "anaconda" };
const char *const profile_extra_names[EXTRA_COUNT] = {
	"pillow", "pandas", "pytorch", "dgl", "sentencepiece", "morfeusz",
};
static const char *const installer_prefixes[] = { "~/miniforge3", "~/miniconda3", "~/anaconda3" };

/* --- names --- */

static const char *
name_of(const char *const *names, size_t n, unsigned v, const char *unknown)
{
	return v < n ? names[v] : unknown;
}

const char *
source_name(enum source v)
{
	return name_of(profile_source_names, nitems(profile_source_names), v, "?");
}

const char *
blas_library_name(enum blas_library v)
{
	return name_of(profile_library_names, nitems(profile_library_names), v, "?");
}

const char *
blas_threading_name(enum blas_threading v)
{
	return name_of(profile_threading_names, nitems(profile_threading_names), v, "?");
}

const char *
blas_build_name(enum blas_build v)
{
	return name_of(profile_build_names, nitems(profile_build_names), v, "?");
}

const char *
conda_installer_name(enum conda_installer v)
{
	return name_of(profile_installer_names, nitems(profile_installer_names), v, "?");
}

const char *
conda_installer_prefix(enum conda_installer v)
{
	return name_of(installer_prefixes, nitems(installer_prefixes), v, "~/miniforge3");
}

const char *
extra_name(enum extra e)
{
	for (int i = 0; i < EXTRA_COUNT; i++)
		if ((unsigned)e == (1u << i))
			return profile_extra_names[i];
	return "?";
}

int
extra_from_name(const char *s)
{
	for (int i = 0; i < EXTRA_COUNT; i++)
		if (s != NULL && strcmp(s, profile_extra_names[i]) == 0)
			return 1 << i;
	return 0;
}

/* The extras the schema names but no plan can install: why, for the message. */
const char *
extra_refusal(enum extra e)
{
	if (e == EXTRA_DGL)
		return "armpy cannot install DGL: the DevKit guide (Python on Arm64) builds it "
		    "from source ('follow the install from source instructions', "
		    "github.com/dmlc/dgl) and armpy has no pinned, sha256-verified DGL source; "
		    "drop dgl and install it by hand after armpy";
	if (e == EXTRA_MORFEUSZ)
		return "armpy cannot install Morfeusz: the source tarball the DevKit guide "
		    "(Python on Arm64) gives, http://download.sgjp.pl/morfeusz/20200913/"
		    "morfeusz-src-20200913.tar.gz, is plain http with no published sha256, and "
		    "armpy downloads nothing it cannot verify; drop morfeusz and build it by hand "
		    "(cmake .. && make install)";
	return NULL;
}

/* --- objects --- */

struct profile *
profile_new(void)
{
	struct profile *p = xcalloc(1, sizeof *p);

	p->version = 1;
	p->python = xstrdup("system");
	p->source = SOURCE_SYSTEM;
	p->blas.library = BLAS_OPENBLAS;
	p->blas.threading = THREADING_OPENMP;
	p->blas.threads = 0;
	p->blas.build = BUILD_PACKAGE;
	p->scipy = 1;
	p->pip.venv = xstrdup("~/.venvs/armpy");
	p->conda.installer = CONDA_MINIFORGE;
	p->conda.prefix = xstrdup(conda_installer_prefix(CONDA_MINIFORGE));
	p->conda.environment = xstrdup("armpy");
	p->source_build.prefix = xstrdup("/usr/local");
	return p;
}

void
profile_free(struct profile *p)
{
	if (p == NULL)
		return;
	free(p->name);
	free(p->python);
	free(p->pip.venv);
	free(p->pip.index_url);
	free(p->conda.prefix);
	free(p->conda.environment);
	free(p->conda.installer_url);
	free(p->conda.installer_sha256);
	free(p->source_build.url);
	free(p->source_build.sha256);
	free(p->source_build.prefix);
	strv_free(p->mirrors);
	free(p);
}

struct profile *
profile_dup(const struct profile *src)
{
	struct profile *p = xmalloc(sizeof *p);

	*p = *src;
	p->name = xstrdup(src->name);
	p->python = xstrdup(src->python);
	p->pip.venv = xstrdup(src->pip.venv);
	p->pip.index_url = xstrdup(src->pip.index_url);
	p->conda.prefix = xstrdup(src->conda.prefix);
	p->conda.environment = xstrdup(src->conda.environment);
	p->conda.installer_url = xstrdup(src->conda.installer_url);
	p->conda.installer_sha256 = xstrdup(src->conda.installer_sha256);
	p->source_build.url = xstrdup(src->source_build.url);
	p->source_build.sha256 = xstrdup(src->source_build.sha256);
	p->source_build.prefix = xstrdup(src->source_build.prefix);
	p->mirrors = src->mirrors != NULL ? strv_dup(src->mirrors) : NULL;
	return p;
}

static int
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
profile_equal(const struct profile *a, const struct profile *b)
{
	size_t na = strv_len(a->mirrors), nb = strv_len(b->mirrors);

	if (a->version != b->version || !str_eq(a->name, b->name) ||
	    !str_eq(a->python, b->python) || a->allow_eol != b->allow_eol ||
	    a->source != b->source || a->blas.library != b->blas.library ||
	    a->blas.threading != b->blas.threading || a->blas.threads != b->blas.threads ||
	    a->blas.build != b->blas.build || a->extras != b->extras || a->scipy != b->scipy)
		return 0;
	if (!str_eq(a->pip.venv, b->pip.venv) || !str_eq(a->pip.index_url, b->pip.index_url))
		return 0;
	if (a->conda.installer != b->conda.installer ||
	    !str_eq(a->conda.prefix, b->conda.prefix) ||
	    !str_eq(a->conda.environment, b->conda.environment) ||
	    !str_eq(a->conda.installer_url, b->conda.installer_url) ||
	    !str_eq(a->conda.installer_sha256, b->conda.installer_sha256))
		return 0;
	if (!str_eq(a->source_build.url, b->source_build.url) ||
	    !str_eq(a->source_build.sha256, b->source_build.sha256) ||
	    !str_eq(a->source_build.prefix, b->source_build.prefix))
		return 0;
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a->mirrors[i], b->mirrors[i]) != 0)
			return 0;
	return 1;
}

/* --- semantic checks --- */

/*
 * The entry of mirrors that names host h, or NULL: the same host (names without case,
 * addresses by value) and the same port; with any_port, a mirror without a port matches
 * every port of its host.
 */
const char *
profile_mirror_find(char *const *mirrors, const struct url_host *h, int any_port)
{
	struct url_host m;

	for (size_t i = 0; mirrors != NULL && mirrors[i] != NULL; i++) {
		if (host_parse(mirrors[i], strlen(mirrors[i]), &m) != NULL || !host_same(&m, h))
			continue;
		if (m.port == h->port || (any_port && m.port == 0))
			return mirrors[i];
	}
	return NULL;
}

/* http:// (not https) is allowed to loopback and to hosts listed in mirrors only. */
static int
check_http(const struct profile *p, const char *url, const char *key, const char **keyp,
    char **cause)
{
	struct url_host h;
	char *auth;
	int https;

	if (url == NULL)
		return 0;
	*keyp = key;
	if (url_parse(url, &h, &https) != NULL) {
		cause_set(cause, "'%s' is not an acceptable URL", quote_short(url));
		return -1;
	}
	if (https || host_loopback(&h) || profile_mirror_find(p->mirrors, &h, 1) != NULL)
		return 0;
	auth = h.port != 0 ? xasprintf("%s:%ld", h.host, h.port) : xstrdup(h.host);
	cause_set(cause, "plain http to %s is refused; use https, or list '%s' in mirrors if "
	    "this is a trusted local mirror", quote_short(auth), quote_short(auth));
	free(auth);
	return -1;
}

/*
 * NVPL comes from conda-forge's libblas nvpl build (blas-feedstock, linux-aarch64), which
 * links NVPL's OpenMP interface (libnvpl_blas_lp64_gomp); NVIDIA's NVPL BLAS has sequential
 * and OpenMP interfaces, no pthreads one.
 */
static int
profile_nvpl_key(const struct profile *p, const char **keyp, char **cause)
{
	if (p->source != SOURCE_CONDA) {
		*keyp = "blas.library";
		cause_set(cause, "nvpl with source: %s -- NVIDIA's NVPL is offered through "
		    "conda-forge's libblas nvpl build (conda-forge's blas-feedstock, linux-aarch64); "
		    "use source: conda, or library: openblas or blis", source_name(p->source));
		return -1;
	}
	if (p->blas.threading == THREADING_PTHREADS) {
		*keyp = "blas.threading";
		cause_set(cause, "pthreads with library: nvpl -- NVIDIA's NVPL BLAS has sequential "
		    "and OpenMP interfaces (its Building and Linking page), and conda-forge's nvpl "
		    "build links the OpenMP one; use threading: openmp (or serial: one thread)");
		return -1;
	}
	return 0;
}

/* Like profile_check, but says which key is at fault and leaves the key out of *cause. */
int
profile_check_key(const struct profile *p, const char **keyp, char **cause)
{
	const struct python_eol *e;
	int past;

	*keyp = "python";
	if (p->python == NULL) {
		cause_set(cause, "missing");
		return -1;
	}
	if (strcmp(p->python, "system") != 0) {
		if (!valid_python_version(p->python)) {
			cause_set(cause, "'%s' is not system or a version like \"3.11\"",
			    quote_short(p->python));
			return -1;
		}
		if (strcmp(p->python, "2.7") == 0) {
			cause_set(cause, "Python 2.7 is refused: NumPy supported it only up to "
			    "1.16, below the DevKit guide's floor (NumPy >= 1.21.1), and it is EOL since "
			    "2020-01-01; choose a Python 3 version");
			return -1;
		}
		e = pyeol_lookup(p->python);
		past = pyeol_is_past(p->python, pyeol_now());
		if (e == NULL || past < 0) {
			int n;
			const struct python_eol *t = pyeol_table(&n);
			cause_set(cause, "unknown Python version %s (armpy knows %s to %s)",
			    p->python, t[1].version, t[n - 1].version);
			return -1;
		}
		if (past && !p->allow_eol) {
			cause_set(cause, "Python %s reached end of life on %s and gets no security "
			    "fixes; choose a newer Python, or set allow_eol: true to install it "
			    "anyway", p->python, e->eol);
			return -1;
		}
	}
	if (p->blas.threading == THREADING_SERIAL && p->blas.threads > 1) {
		*keyp = "blas.threads";
		cause_set(cause, "%d threads contradict threading: serial (use auto or 1, or "
		    "choose openmp or pthreads)", p->blas.threads);
		return -1;
	}
	if (p->blas.library == BLAS_NVPL && profile_nvpl_key(p, keyp, cause) != 0)
		return -1;
	if (p->source == SOURCE_CONDA && p->blas.build == BUILD_SOURCE) {
		*keyp = "blas.build";
		cause_set(cause, "source builds are for source: system or pip; with conda the "
		    "BLAS comes from conda-forge (use build: package)");
		return -1;
	}
	for (int i = 0; i < EXTRA_COUNT; i++) {
		if ((p->extras & (1u << i)) && extra_refusal((enum extra)(1u << i)) != NULL) {
			*keyp = "extras";
			cause_set(cause, "%s", extra_refusal((enum extra)(1u << i)));
			return -1;
		}
	}
	if (check_http(p, p->pip.index_url, "pip.index_url", keyp, cause) != 0 ||
	    check_http(p, p->conda.installer_url, "conda.installer_url", keyp, cause) != 0 ||
	    check_http(p, p->source_build.url, "source_build.url", keyp, cause) != 0)
		return -1;
	return 0;
}

int
profile_check(const struct profile *p, char **cause)
{
	const char *key;
	char *msg = NULL;

	if (profile_check_key(p, &key, &msg) == 0)
		return 0;
	cause_set(cause, "%s: %s", key, msg);
	free(msg);
	return -1;
}

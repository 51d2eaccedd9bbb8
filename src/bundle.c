/* bundle.c — a bundle's manifest (emitted, parsed strictly), its member names, and what can be bundled. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "armpy.h"
#include "bundle.h"
#include "facts.h"
#include "plan.h"
#include "profile.h"
#include "ydoc.h"

void
bundle_manifest_free(struct bundle_manifest *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nfiles; i++)
		free(m->files[i].path);
	free(m->files);
	free(m->armpy_version);
	free(m->distro_id);
	free(m->distro_version);
	free(m->arch);
	free(m->cpu);
	free(m);
}

void
bundle_manifest_add(struct bundle_manifest *m, const char *path, long long size,
    const char *sha256)
{
	struct bundle_file *bf;

	m->files = xreallocarray(m->files, m->nfiles + 1, sizeof *m->files);
	bf = &m->files[m->nfiles++];
	bf->path = xstrdup(path);
	bf->size = size;
	snprintf(bf->sha256, sizeof bf->sha256, "%s", sha256);
}

char *
bundle_manifest_yaml(const struct bundle_manifest *m)
{
	struct yemit *y = yemit_new();
	char *text;

	yemit_map_start(y, 0);
	yemit_kv_long(y, "armpy_bundle", 1);
	yemit_kv_str(y, "armpy_version", m->armpy_version);
	yemit_str(y, "target");
	yemit_map_start(y, 1);
	yemit_kv_str(y, "distro_id", m->distro_id);
	yemit_kv_str(y, "distro_version", m->distro_version);
	yemit_kv_str(y, "arch", m->arch);
	yemit_kv_str(y, "cpu", m->cpu);
	yemit_map_end(y);
	yemit_str(y, "files");
	yemit_seq_start(y, 0);
	for (size_t i = 0; i < m->nfiles; i++) {
		yemit_map_start(y, 1);
		yemit_kv_str(y, "path", m->files[i].path);
		yemit_kv_long(y, "size", (long)m->files[i].size);
		yemit_kv_str(y, "sha256", m->files[i].sha256);
		yemit_map_end(y);
	}
	yemit_seq_end(y);
	yemit_map_end(y);
	text = yemit_finish(y, NULL);
	yemit_free(y);
	return text;
}

/* One manifest entry {path, size, sha256}. */
static int
manifest_file(struct bundle_manifest *m, const struct ynode *n, size_t i, char **cause)
{
	const struct ynode *path = ynode_get(n, "path"), *sha = ynode_get(n, "sha256");
	const struct ynode *size = ynode_get(n, "size");
	char *why = NULL;
	long sz;

	if (n->type != YNODE_MAP || n->n != 3 || path == NULL || path->type != YNODE_SCALAR ||
	    sha == NULL || sha->type != YNODE_SCALAR || size == NULL || ynode_long(size, &sz) != 0 ||
	    sz < 0)
		return ynode_error(cause, "MANIFEST", n, "files", "entry %zu is not {path, size, "
		    "sha256}", i + 1);
	if (bundle_path_ok(path->value, &why) != 0) {
		ynode_error(cause, "MANIFEST", path, "files", "%s", why);
		free(why);
		return -1;
	}
	if (strlen(sha->value) != 64 || strspn(sha->value, "0123456789abcdef") != 64)
		return ynode_error(cause, "MANIFEST", sha, "files", "sha256 is not 64 hex digits");
	for (size_t j = 0; j < m->nfiles; j++)
		if (strcmp(m->files[j].path, path->value) == 0)
			return ynode_error(cause, "MANIFEST", path, "files", "'%s' twice",
			    quote_short(path->value));
	bundle_manifest_add(m, path->value, sz, sha->value);
	return 0;
}

static int
manifest_str(const struct ynode *map, const char *key, char **out, char **cause)
{
	const struct ynode *n = ynode_get(map, key);

	if (n == NULL || n->type != YNODE_SCALAR || *n->value == '\0' ||
	    utf8_check(n->value, strlen(n->value)) != strlen(n->value))
		return ynode_error(cause, "MANIFEST", n != NULL ? n : map, key, "a text is needed");
	*out = xstrdup(n->value);
	return 0;
}

static int
manifest_fill(struct bundle_manifest *m, const struct ynode *root, char **cause)
{
	const struct ynode *v = ynode_get(root, "armpy_bundle"), *t = ynode_get(root, "target");
	const struct ynode *files = ynode_get(root, "files");
	long ver;
	long long total = 0;

	if (root->type != YNODE_MAP || root->n != 4 || v == NULL || ynode_long(v, &ver) != 0 ||
	    ver != 1)
		return ynode_error(cause, "MANIFEST", root, "armpy_bundle", "not a bundle manifest "
		    "of format 1 (armpy_bundle, armpy_version, target, files)");
	if (manifest_str(root, "armpy_version", &m->armpy_version, cause) != 0 || t == NULL ||
	    t->type != YNODE_MAP || t->n != 4 ||
	    manifest_str(t, "distro_id", &m->distro_id, cause) != 0 ||
	    manifest_str(t, "distro_version", &m->distro_version, cause) != 0 ||
	    manifest_str(t, "arch", &m->arch, cause) != 0 ||
	    manifest_str(t, "cpu", &m->cpu, cause) != 0)
		return *cause != NULL ? -1 : ynode_error(cause, "MANIFEST", t, "target", "not "
		    "{distro_id, distro_version, arch, cpu}");
	if (files == NULL || files->type != YNODE_SEQ || files->n == 0 ||
	    files->n > BUNDLE_FILES_MAX)
		return ynode_error(cause, "MANIFEST", files, "files", "1 to %d files are needed",
		    BUNDLE_FILES_MAX);
	for (size_t i = 0; i < files->n; i++) {
		if (manifest_file(m, files->items[i], i, cause) != 0)
			return -1;
		total += m->files[i].size;
		if (total > BUNDLE_BYTES_MAX)
			return ynode_error(cause, "MANIFEST", files, "files", "more than %lld bytes",
			    BUNDLE_BYTES_MAX);
	}
	return 0;
}

struct bundle_manifest *
bundle_manifest_parse(const char *data, size_t len, char **cause)
{
	struct ynode *root = ydoc_parse(data, len, "MANIFEST", cause);
	struct bundle_manifest *m;

	if (root == NULL)
		return NULL;
	m = xcalloc(1, sizeof *m);
	if (manifest_fill(m, root, cause) != 0) {
		bundle_manifest_free(m);
		m = NULL;
	}
	ynode_free(root);
	return m;
}

int
bundle_target_ok(const struct bundle_manifest *m, const struct facts *f, char **cause)
{
	const char *id = f->distro_id != NULL ? f->distro_id : "unknown";
	const char *ver = f->distro_version != NULL ? f->distro_version : "unknown";
	const char *arch = f->arch != NULL ? f->arch : "unknown";

	if (strcmp(m->distro_id, id) == 0 && strcmp(m->distro_version, ver) == 0 &&
	    strcmp(m->arch, arch) == 0)
		return 0;
	cause_set(cause, "refused: the bundle was made for %s %s %s and this machine is %s %s %s",
	    quote_short(m->distro_id), quote_short(m->distro_version), quote_short(m->arch), id,
	    ver, arch);
	return -1;
}

const struct bundle_archive *
bundle_archives(size_t *n)
{
	static const struct bundle_archive v[] = {
		{ "debian", "" }, { "debian", "-updates" }, { "debian-security", "-security" },
	};

	*n = nitems(v);
	return v;
}

/* The releases a bundle has been installed on by a test (tests/bundle). */
const char *
bundle_suite(const struct facts *f)
{
	if (f->distro_id != NULL && strcmp(f->distro_id, "debian") == 0 &&
	    f->distro_version != NULL && strcmp(f->distro_version, "12") == 0)
		return "bookworm";
	return NULL;
}

/* Why a source: pip profile is not bundled, or NULL: what tests/bundle installs offline is
 * NumPy built from its sdist against Debian's BLIS, or its OpenMP OpenBLAS, on the distro's
 * python3. */
static const char *
bundle_pip_untested(const struct profile *p)
{
	if (p->blas.library != BLAS_BLIS && p->blas.library != BLAS_OPENBLAS)
		return "source: pip only with library: blis or openblas (NumPy built from its "
		    "sdist; the wheel-or-sdist choice of the other libraries has not been tested)";
	if (p->blas.library == BLAS_OPENBLAS && p->blas.threading != THREADING_OPENMP)
		return "source: pip with library: openblas only with threading: openmp (Debian's "
		    "libopenblas-openmp-dev; the other flavours have not been installed from a bundle)";
	if (p->scipy)
		return "source: pip only with scipy: false (SciPy's sdist and its build "
		    "requirements have not been tested)";
	if (p->extras != 0)
		return "source: pip only without extras (their wheels have not been tested)";
	if (p->python != NULL && strcmp(p->python, "system") != 0)
		return "source: pip only with python: system (the distro's python3)";
	return NULL;
}

const char *
bundle_glibc(const struct facts *f)
{
	/* Debian 12's libc6 is glibc 2.36 (bookworm's 2.36-9+deb12u*) */
	return bundle_suite(f) != NULL ? "2_36" : NULL;
}

int
bundle_supported(const struct profile *p, const struct facts *f, char **cause)
{
	const char *why = NULL;

	if (bundle_suite(f) == NULL)
		why = "only Debian 12 (bookworm)";
	else if (f->arch == NULL || (strcmp(f->arch, "x86_64") != 0 &&
	    strcmp(f->arch, "aarch64") != 0))
		why = "only the aarch64 and x86_64 architectures";
	else if (p->source == SOURCE_CONDA)
		why = "not source: conda (no local channel has been tested)";
	else if (p->blas.build == BUILD_SOURCE)
		why = "not build: source (a bundle would carry its source tarballs, but no build "
		    "from them has run offline: a BLIS build also builds OpenBLAS from its upstream "
		    "release, for LAPACK, as the DevKit guide (Python on Arm64) does)";
	else if (p->source == SOURCE_PIP)
		why = bundle_pip_untested(p);
	if (why == NULL)
		return 0;
	cause_set(cause, "refused: a bundle for this profile on %s %s %s is not made: no test has "
	    "run this; bundles install %s", f->distro_id != NULL ? f->distro_id : "unknown",
	    f->distro_version != NULL ? f->distro_version : "unknown",
	    f->arch != NULL ? f->arch : "unknown", why);
	return -1;
}

int
bundle_plan_same(const struct plan *a, const struct plan *b, char **cause)
{
	size_t n = a->nsteps < b->nsteps ? a->nsteps : b->nsteps;

	for (size_t i = 0; i < n; i++) {
		if (step_equal(&a->steps[i], &b->steps[i]))
			continue;
		cause_set(cause, "refused: this machine's plan differs from the bundle's at step "
		    "%zu ('%s' here, '%s' in the bundle): the bundle was made for other facts; "
		    "make it again from this machine's (armpy detect)", i + 1,
		    quote_short(a->steps[i].id), quote_short(b->steps[i].id));
		return -1;
	}
	if (a->nsteps == b->nsteps)
		return 0;
	cause_set(cause, "refused: this machine's plan has %zu steps and the bundle's %zu: the "
	    "bundle was made for other facts; make it again from this machine's (armpy detect)",
	    a->nsteps, b->nsteps);
	return -1;
}

/* facts-yaml.c — facts as YAML: the emitter (`armpy detect`) and the strict loader (--facts). */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "facts.h"
#include "facts-int.h"
#include "distrolife.h"
#include "ydoc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- YAML out ---- */

void
facts_emit(const struct facts *f, struct yemit *y)
{
	yemit_map_start(y, 0);

	yemit_str(y, "distro");
	yemit_map_start(y, 0);
	yemit_kv_str(y, "id", f->distro_id);
	yemit_kv_str(y, "version", f->distro_version);
	yemit_kv_str(y, "like", f->distro_like);
	yemit_kv_str(y, "family", family_name(f->family));
	yemit_kv_str(y, "package_manager",
	    f->package_manager == PM_NONE ? NULL : pkg_manager_name(f->package_manager));
	yemit_kv_str(y, "pretty_name", f->pretty_name);
	yemit_map_end(y);

	yemit_kv_str(y, "arch", f->arch);
	yemit_kv_str(y, "multiarch", f->multiarch);

	yemit_str(y, "cpu");
	yemit_map_start(y, 0);
	yemit_kv_str(y, "vendor", f->cpu.vendor);
	yemit_kv_str(y, "implementer", f->cpu.implementer);
	yemit_kv_str(y, "part", f->cpu.part);
	yemit_kv_str(y, "name", f->cpu.name != NULL ? f->cpu.name : "unknown");
	yemit_kv_str(y, "openblas_target", f->cpu.openblas_target);
	yemit_kv_str(y, "blis_config", f->cpu.blis_config);
	yemit_kv_long(y, "cores", f->cpu.cores);
	yemit_kv_long(y, "mhz", f->cpu.mhz);
	yemit_kv_long(y, "sve_bits", f->cpu.sve_bits);
	yemit_str(y, "features");
	yemit_seq_start(y, 1);
	for (char **p = f->cpu.features; p != NULL && *p != NULL; p++)
		yemit_str(y, *p);
	yemit_seq_end(y);
	yemit_map_end(y);

	yemit_kv_long(y, "page_size", f->page_size);
	yemit_str(y, "memory_bytes");
	{
		/* yemit_long takes a long; memory fits on LP64 */
		yemit_long(y, (long)f->mem_bytes);
	}
	yemit_kv_bool(y, "emulated", f->emulated);

	yemit_str(y, "python");
	yemit_map_start(y, 0);
	yemit_kv_str(y, "system", f->system_python);
	yemit_kv_bool(y, "pep668", f->pep668);
	yemit_str(y, "found");
	yemit_seq_start(y, 0);
	for (int i = 0; i < f->npythons; i++) {
		yemit_map_start(y, 1);
		yemit_kv_str(y, "path", f->pythons[i].path);
		yemit_kv_str(y, "version", f->pythons[i].version);
		yemit_kv_bool(y, "pep668", f->pythons[i].pep668);
		yemit_map_end(y);
	}
	yemit_seq_end(y);
	yemit_map_end(y);

	yemit_kv_str(y, "conda", f->conda);
	if (f->apt_mirror != NULL)
		yemit_kv_str(y, "apt_mirror", f->apt_mirror);
	if (f->distro_info.version != NULL) {
		yemit_str(y, "distro_info");
		yemit_map_start(y, 1);
		yemit_kv_str(y, "version", f->distro_info.version);
		yemit_kv_str(y, "released", f->distro_info.released);
		yemit_kv_str(y, "end", f->distro_info.end);
		yemit_kv_str(y, "extended", f->distro_info.extended);
		yemit_map_end(y);
	}
	if (f->notes != NULL && f->notes[0] != NULL)
		yemit_kv_strv(y, "notes", f->notes, 0);
	yemit_map_end(y);
}

char *
facts_to_yaml(const struct facts *f)
{
	struct yemit *y = yemit_new();
	char *s;

	facts_emit(f, y);
	s = yemit_finish(y, NULL);
	yemit_free(y);
	return s;
}

/* ---- YAML in ---- */

struct fload {
	const char *name;
	char **cause;
};

static int
fload_error(struct fload *l, const struct ynode *n, const char *key, const char *fmt, ...)
    ARMPY_PRINTF(4, 5);

static int
fload_error(struct fload *l, const struct ynode *at, const char *key, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ynode_verror(l->cause, l->name, at, key, fmt, ap);
	va_end(ap);
	return r;
}

/* Refuses keys outside allowed[] (a NULL-terminated list). */
static int
fload_keys(struct fload *l, const struct ynode *map, const char *path, const char *const *allowed)
{
	for (size_t i = 0; i < map->n; i++) {
		int ok = 0;
		for (const char *const *a = allowed; *a != NULL; a++)
			if (strcmp(map->items[i]->value, *a) == 0)
				ok = 1;
		if (!ok) {
			char *k = *path != '\0' ? xasprintf("%s.%s", path, map->items[i]->value) :
			    xstrdup(map->items[i]->value);
			fload_error(l, map->items[i], k, "unknown key");
			free(k);
			return -1;
		}
	}
	return 0;
}

static int
fload_map(struct fload *l, const struct ynode *n, const char *key)
{
	if (n->type != YNODE_MAP)
		return fload_error(l, n, key, "expected a mapping, found %s", ynode_type_name(n));
	return 0;
}

/*
 * A string field. pattern: NULL for free text (one line), "id" for [A-Za-z0-9._+-] names
 * that may reach commands, "path" for absolute paths. nullable: null allowed.
 */
static int
fload_str(struct fload *l, const struct ynode *n, const char *key, const char *pattern,
    int nullable, char **out)
{
	int b;
	if (n == NULL)
		return 0;
	if (ynode_is_null(n)) {
		if (!nullable)
			return fload_error(l, n, key, "must not be null");
		free(*out);
		*out = NULL;
		return 0;
	}
	if (n->type != YNODE_SCALAR || ynode_bool(n, &b) == 0)
		return fload_error(l, n, key, "expected a string, found %s", ynode_type_name(n));
	if (!facts_is_text(n->value))
		return fload_error(l, n, key, "must be a single line of at most %d bytes",
		    FACT_MAX_TEXT);
	if (pattern != NULL && strcmp(pattern, "id") == 0 && !facts_is_id(n->value))
		return fload_error(l, n, key, "'%s' is not a valid name", n->value);
	if (pattern != NULL && strcmp(pattern, "path") == 0 && !facts_is_path(n->value))
		return fload_error(l, n, key, "'%s' is not an absolute path", n->value);
	free(*out);
	*out = xstrdup(n->value);
	return 0;
}

static int
fload_long(struct fload *l, const struct ynode *n, const char *key, long *out)
{
	long v;
	if (n == NULL)
		return 0;
	if (ynode_long(n, &v) != 0 || v < 0)
		return fload_error(l, n, key, "expected a non-negative integer, found %s",
		    ynode_type_name(n));
	*out = v;
	return 0;
}

static int
fload_bool(struct fload *l, const struct ynode *n, const char *key, int *out)
{
	if (n == NULL)
		return 0;
	if (ynode_bool(n, out) != 0)
		return fload_error(l, n, key, "expected true or false, found %s", ynode_type_name(n));
	return 0;
}

static int
fload_distro(struct fload *l, struct facts *f, const struct ynode *d)
{
	static const char *const keys[] = { "id", "version", "like", "family", "package_manager",
	    "pretty_name", NULL };
	const struct ynode *n;
	char *s = NULL;

	if (fload_map(l, d, "distro") != 0 || fload_keys(l, d, "distro", keys) != 0)
		return -1;
	if ((n = ynode_get(d, "id")) == NULL)
		return fload_error(l, d, "distro.id", "missing");
	if (fload_str(l, n, "distro.id", "id", 0, &f->distro_id) != 0 ||
	    fload_str(l, ynode_get(d, "version"), "distro.version", "id", 1,
	    &f->distro_version) != 0 ||
	    fload_str(l, ynode_get(d, "like"), "distro.like", NULL, 1, &f->distro_like) != 0 ||
	    fload_str(l, ynode_get(d, "pretty_name"), "distro.pretty_name", NULL, 1,
	    &f->pretty_name) != 0)
		return -1;
	osrelease_classify(f);   /* defaults; explicit values below override */
	if ((n = ynode_get(d, "family")) != NULL) {
		static const enum distro_family fams[] = { FAMILY_DEBIAN, FAMILY_RHEL, FAMILY_SUSE,
		    FAMILY_ALPINE, FAMILY_UNKNOWN };
		size_t i;
		if (fload_str(l, n, "distro.family", "id", 0, &s) != 0)
			return -1;
		for (i = 0; i < nitems(fams); i++)
			if (strcmp(s, family_name(fams[i])) == 0)
				break;
		if (i == nitems(fams)) {
			fload_error(l, n, "distro.family", "'%s' is not one of debian, rhel, suse, "
			    "alpine, unknown", s);
			free(s);
			return -1;
		}
		f->family = fams[i];
		free(s);
		s = NULL;
	}
	if ((n = ynode_get(d, "package_manager")) != NULL) {
		static const enum pkg_manager pms[] = { PM_APT, PM_DNF, PM_YUM, PM_ZYPPER, PM_APK };
		size_t i;
		if (fload_str(l, n, "distro.package_manager", "id", 1, &s) != 0)
			return -1;
		if (s == NULL) {
			f->package_manager = PM_NONE;
			return 0;
		}
		for (i = 0; i < nitems(pms); i++)
			if (strcmp(s, pkg_manager_name(pms[i])) == 0)
				break;
		if (i == nitems(pms)) {
			fload_error(l, n, "distro.package_manager", "'%s' is not one of apt, dnf, "
			    "yum, zypper, apk", s);
			free(s);
			return -1;
		}
		f->package_manager = pms[i];
		free(s);
	}
	return 0;
}

static int
fload_cpu(struct fload *l, struct facts *f, const struct ynode *c)
{
	static const char *const keys[] = { "vendor", "implementer", "part", "name",
	    "openblas_target", "blis_config", "cores", "mhz", "sve_bits", "features", NULL };
	const struct ynode *n;
	long v;

	if (fload_map(l, c, "cpu") != 0 || fload_keys(l, c, "cpu", keys) != 0)
		return -1;
	if (fload_str(l, ynode_get(c, "vendor"), "cpu.vendor", NULL, 1, &f->cpu.vendor) != 0 ||
	    fload_str(l, ynode_get(c, "implementer"), "cpu.implementer", "id", 1,
	    &f->cpu.implementer) != 0 ||
	    fload_str(l, ynode_get(c, "part"), "cpu.part", "id", 1, &f->cpu.part) != 0 ||
	    fload_str(l, ynode_get(c, "name"), "cpu.name", NULL, 1, &f->cpu.name) != 0 ||
	    fload_str(l, ynode_get(c, "openblas_target"), "cpu.openblas_target", "id", 1,
	    &f->cpu.openblas_target) != 0 ||
	    fload_str(l, ynode_get(c, "blis_config"), "cpu.blis_config", "id", 1,
	    &f->cpu.blis_config) != 0)
		return -1;
	v = 0;
	if (fload_long(l, ynode_get(c, "cores"), "cpu.cores", &v) != 0)
		return -1;
	f->cpu.cores = (int)(v > 1 << 20 ? 1 << 20 : v);
	if (fload_long(l, ynode_get(c, "mhz"), "cpu.mhz", &f->cpu.mhz) != 0)
		return -1;
	v = 0;
	if (fload_long(l, ynode_get(c, "sve_bits"), "cpu.sve_bits", &v) != 0)
		return -1;
	if (v > 2048)
		return fload_error(l, ynode_get(c, "sve_bits"), "cpu.sve_bits", "at most 2048");
	f->cpu.sve_bits = (int)v;
	if ((n = ynode_get(c, "features")) != NULL && !ynode_is_null(n)) {
		if (n->type != YNODE_SEQ)
			return fload_error(l, n, "cpu.features", "expected a list, found %s",
			    ynode_type_name(n));
		for (size_t i = 0; i < n->n; i++) {
			char *s = NULL;
			if (fload_str(l, n->items[i], "cpu.features", "id", 0, &s) != 0)
				return -1;
			cpu_add_features(&f->cpu, s);
			free(s);
		}
	}
	if (f->cpu.name == NULL)
		f->cpu.name = xstrdup("unknown");
	return 0;
}

static int
fload_python(struct fload *l, struct facts *f, const struct ynode *p)
{
	static const char *const keys[] = { "system", "pep668", "found", NULL };
	static const char *const fkeys[] = { "path", "version", "pep668", NULL };
	const struct ynode *n;

	if (fload_map(l, p, "python") != 0 || fload_keys(l, p, "python", keys) != 0)
		return -1;
	if (fload_str(l, ynode_get(p, "system"), "python.system", "id", 1,
	    &f->system_python) != 0 ||
	    fload_bool(l, ynode_get(p, "pep668"), "python.pep668", &f->pep668) != 0)
		return -1;
	if ((n = ynode_get(p, "found")) == NULL || ynode_is_null(n))
		return 0;
	if (n->type != YNODE_SEQ)
		return fload_error(l, n, "python.found", "expected a list, found %s",
		    ynode_type_name(n));
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *e = n->items[i];
		char *path = NULL, *version = NULL;
		int pep668 = 0;
		if (fload_map(l, e, "python.found") != 0 ||
		    fload_keys(l, e, "python.found", fkeys) != 0)
			return -1;
		if (ynode_get(e, "path") == NULL || ynode_get(e, "version") == NULL)
			return fload_error(l, e, "python.found", "each entry needs path and version");
		if (fload_str(l, ynode_get(e, "path"), "python.found.path", "path", 0, &path) != 0 ||
		    fload_str(l, ynode_get(e, "version"), "python.found.version", "id", 0,
		    &version) != 0 ||
		    fload_bool(l, ynode_get(e, "pep668"), "python.found.pep668", &pep668) != 0) {
			free(path);
			free(version);
			return -1;
		}
		facts_add_python(f, path, version, pep668);
		free(path);
		free(version);
	}
	return 0;
}

static int
fload_notes(struct fload *l, struct facts *f, const struct ynode *n)
{
	if (n == NULL || ynode_is_null(n))
		return 0;
	if (n->type != YNODE_SEQ)
		return fload_error(l, n, "notes", "expected a list, found %s", ynode_type_name(n));
	for (size_t i = 0; i < n->n; i++) {
		char *s = NULL;
		if (fload_str(l, n->items[i], "notes", NULL, 0, &s) != 0)
			return -1;
		free(s);
	}
	/* filled in place: strv_push per item measures the list each time (quadratic) */
	strv_free(f->notes);
	f->notes = xreallocarray(NULL, n->n + 1, sizeof *f->notes);
	for (size_t i = 0; i < n->n; i++)
		f->notes[i] = xstrdup(n->items[i]->value);
	f->notes[n->n] = NULL;
	return 0;
}

/* A day of distro-info-data: YYYY-MM-DD or null. */
static int
fload_day(struct fload *l, const struct ynode *n, const char *key, char **out)
{
	if (fload_str(l, n, key, NULL, 1, out) != 0)
		return -1;
	if (*out != NULL && (strlen(*out) != 10 || strspn(*out, "0123456789-") != 10 ||
	    (*out)[4] != '-' || (*out)[7] != '-'))
		return fload_error(l, n, key, "'%s' is not a day (YYYY-MM-DD)", *out);
	return 0;
}

static int
fload_distro_info(struct fload *l, struct facts *f, const struct ynode *n)
{
	static const char *const keys[] = { "version", "released", "end", "extended", NULL };
	struct distro_info *d = &f->distro_info;

	if (fload_map(l, n, "distro_info") != 0 || fload_keys(l, n, "distro_info", keys) != 0)
		return -1;
	if (ynode_get(n, "version") == NULL)
		return fload_error(l, n, "distro_info.version", "missing");
	return fload_str(l, ynode_get(n, "version"), "distro_info.version", NULL, 0,
	    &d->version) != 0 ||
	    fload_day(l, ynode_get(n, "released"), "distro_info.released", &d->released) != 0 ||
	    fload_day(l, ynode_get(n, "end"), "distro_info.end", &d->end) != 0 ||
	    fload_day(l, ynode_get(n, "extended"), "distro_info.extended", &d->extended) != 0 ?
	    -1 : 0;
}

struct facts *
facts_from_yaml(const struct ynode *root, const char *name, char **cause)
{
	static const char *const keys[] = { "distro", "arch", "multiarch", "cpu", "page_size",
	    "memory_bytes", "emulated", "python", "conda", "apt_mirror", "distro_info", "notes", NULL };
	struct fload l = { name != NULL ? name : "facts", cause };
	struct facts *f = facts_new();
	const struct ynode *n;
	long v;

	if (root == NULL || fload_map(&l, root, "(top)") != 0 || fload_keys(&l, root, "", keys) != 0)
		goto fail;
	if ((n = ynode_get(root, "distro")) == NULL) {
		fload_error(&l, root, "distro", "missing");
		goto fail;
	}
	if (fload_distro(&l, f, n) != 0)
		goto fail;
	if ((n = ynode_get(root, "arch")) == NULL) {
		fload_error(&l, root, "arch", "missing");
		goto fail;
	}
	if (fload_str(&l, n, "arch", "id", 0, &f->arch) != 0)
		goto fail;
	{
		char *a = xstrdup(arch_normalise(f->arch));
		free(f->arch);
		f->arch = a;
	}
	if ((n = ynode_get(root, "multiarch")) != NULL) {
		if (fload_str(&l, n, "multiarch", "id", 1, &f->multiarch) != 0)
			goto fail;
	} else
		f->multiarch = xstrdup(arch_multiarch(f->arch));
	if ((n = ynode_get(root, "cpu")) != NULL && !ynode_is_null(n)) {
		if (fload_cpu(&l, f, n) != 0)
			goto fail;
	} else
		f->cpu.name = xstrdup("unknown");
	if (fload_long(&l, ynode_get(root, "page_size"), "page_size", &f->page_size) != 0)
		goto fail;
	if ((n = ynode_get(root, "page_size")) != NULL && f->page_size != 0 &&
	    (f->page_size & (f->page_size - 1)) != 0) {
		fload_error(&l, n, "page_size", "must be a power of two");
		goto fail;
	}
	v = 0;
	if (fload_long(&l, ynode_get(root, "memory_bytes"), "memory_bytes", &v) != 0)
		goto fail;
	f->mem_bytes = (uint64_t)v;
	if (fload_bool(&l, ynode_get(root, "emulated"), "emulated", &f->emulated) != 0)
		goto fail;
	if ((n = ynode_get(root, "python")) != NULL && !ynode_is_null(n) &&
	    fload_python(&l, f, n) != 0)
		goto fail;
	if (fload_str(&l, ynode_get(root, "conda"), "conda", "path", 1, &f->conda) != 0 ||
	    fload_notes(&l, f, ynode_get(root, "notes")) != 0)
		goto fail;
	if (fload_str(&l, ynode_get(root, "apt_mirror"), "apt_mirror", NULL, 1, &f->apt_mirror))
		goto fail;
	if (f->apt_mirror != NULL && !facts_mirror_ok(f->apt_mirror)) {
		fload_error(&l, ynode_get(root, "apt_mirror"), "apt_mirror", "'%s' is not an https:// "
		    "mirror URL", quote_short(f->apt_mirror));
		goto fail;
	}
	if ((n = ynode_get(root, "distro_info")) != NULL && !ynode_is_null(n) &&
	    fload_distro_info(&l, f, n) != 0)
		goto fail;
	return f;
fail:
	facts_free(f);
	return NULL;
}

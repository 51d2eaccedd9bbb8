/* profile-yaml.c — profiles as YAML: strict positioned loading, and saving what loads back. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "profile.h"
#include "profile-int.h"
#include "ydoc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PROFILE_MAX_THREADS 4096

/* --- loading --- */

/* The extras a profile may list, in schema order; returns how many. */
static size_t
extras_installable(const char *names[EXTRA_COUNT])
{
	size_t n = 0;

	for (int i = 0; i < EXTRA_COUNT; i++)
		if (extra_refusal((enum extra)(1u << i)) == NULL)
			names[n++] = profile_extra_names[i];
	return n;
}

struct pload {
	const char *name;       /* file name for messages */
	char **cause;
	struct profile *p;
};

static int
pload_error(struct pload *pl, const struct ynode *at, const char *key, const char *fmt, ...)
    ARMPY_PRINTF(4, 5);

static int
pload_error(struct pload *pl, const struct ynode *at, const char *key, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ynode_verror(pl->cause, pl->name, at, key, fmt, ap);
	va_end(ap);
	return r;
}

/* Levenshtein distance, for "did you mean" on short keys. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			cur[j] = del < ins ? del : ins;
			if (sub < cur[j])
				cur[j] = sub;
		}
		memcpy(prev, cur, (lb + 1) * sizeof *prev);
	}
	return prev[lb];
}

/* The closest of names to s when close enough to be a typo, else NULL. */
static const char *
closest(const char *s, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t bestd = 3;

	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(s, names[i]);
		if (d < bestd && d < strlen(names[i])) {
			best = names[i];
			bestd = d;
		}
	}
	return best;
}

static char *
join_names(const char *const *names, size_t n)
{
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i == 0 ? "" : ", ", names[i]);
	return buf_steal(&b);
}

static int
unknown_key(struct pload *pl, const struct ynode *key, const char *section,
    const char *const *names, size_t n)
{
	const char *near = closest(key->value, names, n);
	char *path = section != NULL ? xasprintf("%s.%s", section, key->value) :
	    xstrdup(key->value);
	char *all = join_names(names, n);
	int r;

	if (near != NULL)
		r = pload_error(pl, key, path, "unknown key (did you mean '%s'?)", near);
	else
		r = pload_error(pl, key, path, "unknown key (known keys: %s)", all);
	free(all);
	free(path);
	return r;
}

/* A scalar that is not a boolean; null gives *out = NULL when nullable. */
static int
get_string(struct pload *pl, const struct ynode *v, const char *key, int nullable, char **out)
{
	int b;

	if (v->type == YNODE_SCALAR && ynode_is_null(v)) {
		if (!nullable)
			return pload_error(pl, v, key, "a value is required (got null)");
		free(*out);
		*out = NULL;
		return 0;
	}
	if (v->type != YNODE_SCALAR || ynode_bool(v, &b) == 0)
		return pload_error(pl, v, key, "expected a string, got %s", ynode_type_name(v));
	free(*out);
	*out = xstrdup(v->value);
	return 0;
}

static int
get_bool(struct pload *pl, const struct ynode *v, const char *key, int *out)
{
	if (ynode_bool(v, out) != 0)
		return pload_error(pl, v, key, "expected a boolean (true or false), got %s",
		    ynode_type_name(v));
	return 0;
}

static int
get_enum(struct pload *pl, const struct ynode *v, const char *key, const char *const *names,
    size_t n, int *out)
{
	char *s = NULL, *all;
	const char *near;
	int r;

	if (get_string(pl, v, key, 0, &s) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (int)i;
			free(s);
			return 0;
		}
	}
	all = join_names(names, n);
	near = closest(s, names, n);
	if (near != NULL)
		r = pload_error(pl, v, key, "'%s' is not one of %s (did you mean '%s'?)", s, all,
		    near);
	else
		r = pload_error(pl, v, key, "'%s' is not one of %s", s, all);
	free(all);
	free(s);
	return r;
}

static int
get_path(struct pload *pl, const struct ynode *v, const char *key, unsigned flags, char **out)
{
	const char *why;
	char buf[256];

	if (get_string(pl, v, key, 0, out) != 0)
		return -1;
	if ((why = path_problem(*out, flags, buf, sizeof buf)) != NULL)
		return pload_error(pl, v, key, "'%s' is not an acceptable path: %s", *out, why);
	return 0;
}

static int
get_url(struct pload *pl, const struct ynode *v, const char *key, char **out)
{
	struct url_host h;
	const char *why;
	int https;

	if (get_string(pl, v, key, 1, out) != 0)
		return -1;
	if (*out == NULL)
		return 0;
	if ((why = url_parse(*out, &h, &https)) != NULL)
		return pload_error(pl, v, key, "'%s' is not an acceptable URL: %s", *out, why);
	return 0;
}

static int
get_sha256(struct pload *pl, const struct ynode *v, const char *key, char **out)
{
	if (get_string(pl, v, key, 1, out) != 0)
		return -1;
	if (*out == NULL)
		return 0;
	if (!valid_sha256(*out)) {
		size_t n = strlen(*out), bad = strspn(*out, "0123456789abcdefABCDEF");
		if (bad < n)
			return pload_error(pl, v, key, "expected 64 hex digits, found '%c'",
			    (*out)[bad]);
		return pload_error(pl, v, key, "expected 64 hex digits, got %zu", n);
	}
	for (char *c = *out; *c != '\0'; c++)
		if (*c >= 'A' && *c <= 'F')
			*c = (char)(*c - 'A' + 'a');
	return 0;
}

/* A section: a mapping, or null for "all defaults". Returns 1 for null, 0 map, -1 error. */
static int
get_section(struct pload *pl, const struct ynode *v, const char *key)
{
	if (v->type == YNODE_SCALAR && ynode_is_null(v))
		return 1;
	if (v->type != YNODE_MAP)
		return pload_error(pl, v, key, "expected a mapping, got %s", ynode_type_name(v));
	return 0;
}

/* A list, or null for an empty one. Returns 1 for null, 0 list, -1 error. */
static int
get_list(struct pload *pl, const struct ynode *v, const char *key)
{
	if (v->type == YNODE_SCALAR && ynode_is_null(v))
		return 1;
	if (v->type != YNODE_SEQ)
		return pload_error(pl, v, key, "expected a list, got %s", ynode_type_name(v));
	return 0;
}

static int
load_python(struct pload *pl, const struct ynode *v)
{
	struct profile *p = pl->p;

	if (v->type == YNODE_SCALAR && !ynode_is_null(v) && v->value[0] != '\0') {
		free(p->python);
		p->python = xstrdup(v->value);
		if (strcmp(p->python, "system") == 0 || valid_python_version(p->python))
			return 0;
		return pload_error(pl, v, "python", "'%s' is not system or a version like \"3.11\"",
		    quote_short(p->python));
	}
	return pload_error(pl, v, "python", "expected system or a version like \"3.11\", got %s",
	    ynode_type_name(v));
}

static int
load_threads(struct pload *pl, const struct ynode *v)
{
	long n;

	if (v->type == YNODE_SCALAR && strcmp(v->value, "auto") == 0) {
		pl->p->blas.threads = 0;
		return 0;
	}
	if (ynode_long(v, &n) != 0)
		return pload_error(pl, v, "blas.threads",
		    "expected auto or a number from 1 to %d, got %s", PROFILE_MAX_THREADS,
		    ynode_type_name(v));
	if (n < 1 || n > PROFILE_MAX_THREADS)
		return pload_error(pl, v, "blas.threads",
		    "%ld is out of range (auto, or 1 to %d)", n, PROFILE_MAX_THREADS);
	pl->p->blas.threads = (int)n;
	return 0;
}

static int
load_blas(struct pload *pl, const struct ynode *m)
{
	static const char *const keys[] = { "library", "threading", "threads", "build" };
	struct profile *p = pl->p;
	int r, e;

	if ((r = get_section(pl, m, "blas")) != 0)
		return r < 0 ? -1 : 0;
	for (size_t i = 0; i < m->n; i++) {
		const char *k = m->items[i]->value;
		const struct ynode *v = m->values[i];
		if (strcmp(k, "library") == 0) {
			if (get_enum(pl, v, "blas.library", profile_library_names, nitems(profile_library_names),
			    &e) != 0)
				return -1;
			p->blas.library = (enum blas_library)e;
		} else if (strcmp(k, "threading") == 0) {
			if (get_enum(pl, v, "blas.threading", profile_threading_names,
			    nitems(profile_threading_names), &e) != 0)
				return -1;
			p->blas.threading = (enum blas_threading)e;
		} else if (strcmp(k, "threads") == 0) {
			if (load_threads(pl, v) != 0)
				return -1;
		} else if (strcmp(k, "build") == 0) {
			if (get_enum(pl, v, "blas.build", profile_build_names, nitems(profile_build_names), &e) != 0)
				return -1;
			p->blas.build = (enum blas_build)e;
		} else
			return unknown_key(pl, m->items[i], "blas", keys, nitems(keys));
	}
	return 0;
}

/* The name s of extras[i]: a bit, or an error at v. */
static int
extra_bit(struct pload *pl, const struct ynode *v, const char *key, const char *s)
{
	const char *ok[EXTRA_COUNT], *near;
	size_t n = extras_installable(ok);
	int bit = extra_from_name(s);
	char *all;

	if (bit != 0 && extra_refusal((enum extra)bit) != NULL)
		return pload_error(pl, v, key, "%s", extra_refusal((enum extra)bit));
	if (bit != 0)
		return bit;
	all = join_names(ok, n);
	if ((near = closest(s, ok, n)) != NULL)
		pload_error(pl, v, key, "'%s' is not one of %s (did you mean '%s'?)", s, all, near);
	else
		pload_error(pl, v, key, "'%s' is not one of %s", s, all);
	free(all);
	return -1;
}

static int
load_extras(struct pload *pl, const struct ynode *l)
{
	int r;

	if ((r = get_list(pl, l, "extras")) != 0)
		return r < 0 ? -1 : 0;
	pl->p->extras = 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct ynode *v = l->items[i];
		char *key = xasprintf("extras[%zu]", i), *s = NULL;
		int bit = -1;

		if (get_string(pl, v, key, 0, &s) == 0)
			bit = extra_bit(pl, v, key, s);
		if (bit > 0 && (pl->p->extras & (unsigned)bit))
			bit = pload_error(pl, v, key, "'%s' is listed twice", s);
		if (bit > 0)
			pl->p->extras |= (unsigned)bit;
		free(s);
		free(key);
		if (bit < 0)
			return -1;
	}
	return 0;
}

static int
load_pip(struct pload *pl, const struct ynode *m)
{
	static const char *const keys[] = { "venv", "index_url" };
	struct profile *p = pl->p;
	int r;

	if ((r = get_section(pl, m, "pip")) != 0)
		return r < 0 ? -1 : 0;
	for (size_t i = 0; i < m->n; i++) {
		const char *k = m->items[i]->value;
		const struct ynode *v = m->values[i];
		if (strcmp(k, "venv") == 0)
			r = get_path(pl, v, "pip.venv", 0, &p->pip.venv);
		else if (strcmp(k, "index_url") == 0)
			r = get_url(pl, v, "pip.index_url", &p->pip.index_url);
		else
			r = unknown_key(pl, m->items[i], "pip", keys, nitems(keys));
		if (r != 0)
			return -1;
	}
	return 0;
}

/* Both or neither of a download URL and its digest; keys are "url" and "sha256" in m. */
static int
check_pair(struct pload *pl, const struct ynode *m, const char *section, const char *url_key,
    const char *url, const char *sha_key, const char *sha)
{
	char *k;
	int r = 0;

	if (url != NULL && sha == NULL) {
		k = xasprintf("%s.%s", section, url_key);
		r = pload_error(pl, ynode_get(m, url_key), k, "set without %s.%s (every download "
		    "is checked against its sha256)", section, sha_key);
		free(k);
	} else if (url == NULL && sha != NULL) {
		k = xasprintf("%s.%s", section, sha_key);
		r = pload_error(pl, ynode_get(m, sha_key), k, "set without %s.%s (a digest "
		    "needs the URL it belongs to)", section, url_key);
		free(k);
	}
	return r;
}

static int
load_conda(struct pload *pl, const struct ynode *m)
{
	static const char *const keys[] = {
		"installer", "prefix", "environment", "installer_url", "installer_sha256",
	};
	struct profile *p = pl->p;
	int r, e, have_prefix = 0;

	if ((r = get_section(pl, m, "conda")) != 0)
		return r < 0 ? -1 : 0;
	for (size_t i = 0; i < m->n; i++) {
		const char *k = m->items[i]->value;
		const struct ynode *v = m->values[i];
		r = 0;
		if (strcmp(k, "installer") == 0) {
			r = get_enum(pl, v, "conda.installer", profile_installer_names,
			    nitems(profile_installer_names), &e);
			p->conda.installer = (enum conda_installer)e;
		} else if (strcmp(k, "prefix") == 0) {
			r = get_path(pl, v, "conda.prefix", 0, &p->conda.prefix);
			have_prefix = 1;
		} else if (strcmp(k, "environment") == 0) {
			if ((r = get_string(pl, v, "conda.environment", 0,
			    &p->conda.environment)) != 0)
				return -1;
			if (!valid_name(p->conda.environment))
				r = pload_error(pl, v, "conda.environment",
				    "'%s' is not a valid name (letters, digits, . _ -; starting "
				    "with a letter or digit; at most 64)", p->conda.environment);
			else if (strcmp(p->conda.environment, "base") == 0)
				r = pload_error(pl, v, "conda.environment",
				    "'base' is conda's own environment; choose another name");
		} else if (strcmp(k, "installer_url") == 0)
			r = get_url(pl, v, "conda.installer_url", &p->conda.installer_url);
		else if (strcmp(k, "installer_sha256") == 0)
			r = get_sha256(pl, v, "conda.installer_sha256", &p->conda.installer_sha256);
		else
			r = unknown_key(pl, m->items[i], "conda", keys, nitems(keys));
		if (r != 0)
			return -1;
	}
	if (!have_prefix) {
		free(p->conda.prefix);
		p->conda.prefix = xstrdup(conda_installer_prefix(p->conda.installer));
	}
	return check_pair(pl, m, "conda", "installer_url", p->conda.installer_url,
	    "installer_sha256", p->conda.installer_sha256);
}

static int
load_source_build(struct pload *pl, const struct ynode *m)
{
	static const char *const keys[] = { "url", "sha256", "prefix" };
	struct profile *p = pl->p;
	int r;

	if ((r = get_section(pl, m, "source_build")) != 0)
		return r < 0 ? -1 : 0;
	for (size_t i = 0; i < m->n; i++) {
		const char *k = m->items[i]->value;
		const struct ynode *v = m->values[i];
		if (strcmp(k, "url") == 0)
			r = get_url(pl, v, "source_build.url", &p->source_build.url);
		else if (strcmp(k, "sha256") == 0)
			r = get_sha256(pl, v, "source_build.sha256", &p->source_build.sha256);
		else if (strcmp(k, "prefix") == 0)
			r = get_path(pl, v, "source_build.prefix", PATH_INSTALL_PREFIX,
			    &p->source_build.prefix);
		else
			r = unknown_key(pl, m->items[i], "source_build", keys, nitems(keys));
		if (r != 0)
			return -1;
	}
	return check_pair(pl, m, "source_build", "url", p->source_build.url, "sha256",
	    p->source_build.sha256);
}

static int
load_mirror(struct pload *pl, const struct ynode *v, const char *key)
{
	struct url_host h;
	const char *why, *twin;
	char *s = NULL;
	int r;

	if ((r = get_string(pl, v, key, 0, &s)) != 0)
		return r;
	if ((why = host_parse(s, strlen(s), &h)) != NULL)
		r = pload_error(pl, v, key, "'%s' is not a host or host:port: %s", s, why);
	else if ((twin = profile_mirror_find(pl->p->mirrors, &h, 0)) != NULL && strcmp(twin, s) == 0)
		r = pload_error(pl, v, key, "'%s' is listed twice", s);
	else if (twin != NULL)
		r = pload_error(pl, v, key, "'%s' is listed twice, as '%s' (host names compare "
		    "without case, addresses by value)", s, twin);
	else
		pl->p->mirrors = strv_push(pl->p->mirrors, s);
	free(s);
	return r;
}

static int
load_mirrors(struct pload *pl, const struct ynode *l)
{
	int r;

	if ((r = get_list(pl, l, "mirrors")) != 0)
		return r < 0 ? -1 : 0;
	/* Each mirror is compared with those before it: a bound keeps loading linear. */
	if (l->n > PROFILE_MAX_MIRRORS)
		return pload_error(pl, l->items[PROFILE_MAX_MIRRORS], "mirrors", "at most %d "
		    "mirrors (a site has a few: its package, PyPI and conda mirrors)",
		    PROFILE_MAX_MIRRORS);
	strv_free(pl->p->mirrors);
	pl->p->mirrors = NULL;
	for (size_t i = 0; i < l->n; i++) {
		char *key = xasprintf("mirrors[%zu]", i);

		r = load_mirror(pl, l->items[i], key);
		free(key);
		if (r != 0)
			return -1;
	}
	return 0;
}

static int
load_version(struct pload *pl, const struct ynode *root)
{
	const struct ynode *v = ynode_get(root, "version");
	long n;

	if (v == NULL)
		return pload_error(pl, root, "version",
		    "required (an armpy profile starts with \"version: 1\")");
	if (ynode_long(v, &n) != 0)
		return pload_error(pl, v, "version", "expected the number 1, got %s",
		    ynode_type_name(v));
	if (n != 1)
		return pload_error(pl, v, "version",
		    "schema version %ld is not supported (this armpy reads version 1)", n);
	pl->p->version = 1;
	return 0;
}

static const char *const root_keys[] = {
	"version", "name", "python", "allow_eol", "source", "blas", "extras", "scipy", "pip",
	"conda", "source_build", "mirrors",
};

static int
load_root(struct pload *pl, const struct ynode *root)
{
	struct profile *p = pl->p;
	int r, e;

	if (root->type != YNODE_MAP)
		return pload_error(pl, root, "profile", "expected a mapping of settings, got %s",
		    ynode_type_name(root));
	if (load_version(pl, root) != 0)
		return -1;
	for (size_t i = 0; i < root->n; i++) {
		const char *k = root->items[i]->value;
		const struct ynode *v = root->values[i];
		r = 0;
		if (strcmp(k, "version") == 0)
			continue;
		if (strcmp(k, "name") == 0) {
			r = get_string(pl, v, "name", 1, &p->name);
			if (r == 0 && p->name != NULL && !valid_name(p->name))
				r = pload_error(pl, v, "name", "'%s' is not a valid name (letters, "
				    "digits, . _ -; starting with a letter or digit; at most 64)",
				    p->name);
		} else if (strcmp(k, "python") == 0)
			r = load_python(pl, v);
		else if (strcmp(k, "allow_eol") == 0)
			r = get_bool(pl, v, "allow_eol", &p->allow_eol);
		else if (strcmp(k, "source") == 0) {
			r = get_enum(pl, v, "source", profile_source_names, nitems(profile_source_names), &e);
			p->source = (enum source)e;
		} else if (strcmp(k, "blas") == 0)
			r = load_blas(pl, v);
		else if (strcmp(k, "extras") == 0)
			r = load_extras(pl, v);
		else if (strcmp(k, "scipy") == 0)
			r = get_bool(pl, v, "scipy", &p->scipy);
		else if (strcmp(k, "pip") == 0)
			r = load_pip(pl, v);
		else if (strcmp(k, "conda") == 0)
			r = load_conda(pl, v);
		else if (strcmp(k, "source_build") == 0)
			r = load_source_build(pl, v);
		else if (strcmp(k, "mirrors") == 0)
			r = load_mirrors(pl, v);
		else
			r = unknown_key(pl, root->items[i], NULL, root_keys, nitems(root_keys));
		if (r != 0)
			return -1;
	}
	return 0;
}

/* Finds the node for "a.b" in the tree, for positioning a semantic error. */
static const struct ynode *
node_at(const struct ynode *root, const char *key)
{
	const char *dot = strchr(key, '.');
	const struct ynode *n;
	char *head;

	if (dot == NULL)
		return ynode_get(root, key);
	head = xstrndup(key, (size_t)(dot - key));
	n = ynode_get(root, head);
	free(head);
	return n != NULL ? node_at(n, dot + 1) : NULL;
}

struct profile *
profile_from_node(const struct ynode *root, const char *name, char **cause)
{
	struct pload pl;
	const char *key;
	char *msg = NULL;

	pl.name = name;
	pl.cause = cause;
	pl.p = profile_new();
	if (load_root(&pl, root) != 0)
		goto fail;
	if (profile_check_key(pl.p, &key, &msg) != 0) {
		const struct ynode *at = node_at(root, key);
		/* A key left at its default is reported at the section or the document. */
		if (at == NULL && strchr(key, '.') != NULL) {
			char *head = xstrndup(key, strcspn(key, "."));
			at = ynode_get(root, head);
			free(head);
		}
		pload_error(&pl, at != NULL ? at : root, key, "%s", msg);
		free(msg);
		goto fail;
	}
	return pl.p;
fail:
	profile_free(pl.p);
	return NULL;
}

struct profile *
profile_parse(const char *text, size_t len, const char *name, char **cause)
{
	struct ynode *root = ydoc_parse(text, len, name, cause);
	struct profile *p;

	if (root == NULL)
		return NULL;
	p = profile_from_node(root, name, cause);
	ynode_free(root);
	return p;
}

struct profile *
profile_load(const char *path, char **cause)
{
	struct ynode *root;
	struct profile *p;
	struct stat sb;

	/* Say "too large" with a position, like every other profile error. */
	if (strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_size > YDOC_MAX_BYTES) {
		cause_set(cause, "%s:1:1: profile: the file is larger than %d bytes; a profile "
		    "is a few lines of YAML", quote_short(path), YDOC_MAX_BYTES);
		return NULL;
	}
	root = ydoc_load(path, cause);
	if (root == NULL)
		return NULL;
	p = profile_from_node(root, path, cause);
	ynode_free(root);
	return p;
}

/* --- saving --- */

char *
profile_to_yaml(const struct profile *p)
{
	struct yemit *y = yemit_new();
	struct buf b;
	char *text;

	yemit_map_start(y, 0);
	yemit_kv_long(y, "version", p->version);
	if (p->name != NULL)
		yemit_kv_str(y, "name", p->name);
	yemit_kv_str(y, "python", p->python);
	yemit_kv_bool(y, "allow_eol", p->allow_eol);
	yemit_kv_str(y, "source", source_name(p->source));

	yemit_str(y, "blas");
	yemit_map_start(y, 0);
	yemit_kv_str(y, "library", blas_library_name(p->blas.library));
	yemit_kv_str(y, "threading", blas_threading_name(p->blas.threading));
	if (p->blas.threads == 0)
		yemit_kv_str(y, "threads", "auto");
	else
		yemit_kv_long(y, "threads", p->blas.threads);
	yemit_kv_str(y, "build", blas_build_name(p->blas.build));
	yemit_map_end(y);

	yemit_str(y, "extras");
	yemit_seq_start(y, 1);
	for (int i = 0; i < EXTRA_COUNT; i++)
		if (p->extras & (1u << i))
			yemit_str(y, profile_extra_names[i]);
	yemit_seq_end(y);
	yemit_kv_bool(y, "scipy", p->scipy);

	yemit_str(y, "pip");
	yemit_map_start(y, 0);
	yemit_kv_str(y, "venv", p->pip.venv);
	yemit_kv_str(y, "index_url", p->pip.index_url);
	yemit_map_end(y);

	yemit_str(y, "conda");
	yemit_map_start(y, 0);
	yemit_kv_str(y, "installer", conda_installer_name(p->conda.installer));
	yemit_kv_str(y, "prefix", p->conda.prefix);
	yemit_kv_str(y, "environment", p->conda.environment);
	yemit_kv_str(y, "installer_url", p->conda.installer_url);
	yemit_kv_str(y, "installer_sha256", p->conda.installer_sha256);
	yemit_map_end(y);

	yemit_str(y, "source_build");
	yemit_map_start(y, 0);
	yemit_kv_str(y, "url", p->source_build.url);
	yemit_kv_str(y, "sha256", p->source_build.sha256);
	yemit_kv_str(y, "prefix", p->source_build.prefix);
	yemit_map_end(y);

	yemit_str(y, "mirrors");
	yemit_seq_start(y, 1);
	for (size_t i = 0; p->mirrors != NULL && p->mirrors[i] != NULL; i++)
		yemit_str(y, p->mirrors[i]);
	yemit_seq_end(y);
	yemit_map_end(y);

	text = yemit_finish(y, NULL);
	yemit_free(y);
	buf_init(&b);
	buf_puts(&b, "# armpy profile, schema v1: the answers only, never commands.\n"
	    "# Reference: docs/profile.md\n");
	buf_puts(&b, text);
	free(text);
	return buf_steal(&b);
}

int
profile_save(const struct profile *p, const char *path, char **cause)
{
	struct profile *back;
	char *text, *dir, *slash, *msg = NULL;
	int r;

	/* Only what loads back, equal, is written: the file is the contract. */
	text = profile_to_yaml(p);
	back = profile_parse(text, strlen(text), path, &msg);
	if (back == NULL || !profile_equal(p, back)) {
		cause_set(cause, "%s: not saved: %s", quote_short(path),
		    msg != NULL ? msg : "the answers do not read back the same");
		free(msg);
		profile_free(back);
		free(text);
		return -1;
	}
	profile_free(back);
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir_p(dir, 0755, cause) != 0) {
			free(dir);
			free(text);
			return -1;
		}
	}
	free(dir);
	r = file_save(path, text, strlen(text), cause);
	free(text);
	return r;
}

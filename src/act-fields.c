/* act-fields.c — what every kind's ops share: strict YAML field readers, field patterns, the step description. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "armpy.h"
#include "profile.h"
#include "vis.h"
#include "ydoc.h"

/* ---- the description ---- */

struct desc_entry *
step_desc_add(struct step_desc *d, enum desc_kind kind, int check)
{
	struct desc_entry *x;

	d->v = xreallocarray(d->v, d->n + 1, sizeof *d->v);
	x = &d->v[d->n++];
	memset(x, 0, sizeof *x);
	x->kind = kind;
	x->check = check;
	return x;
}

void
step_desc_free(struct step_desc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		struct desc_entry *x = &d->v[i];

		strv_free(x->argv);
		strv_free(x->env);
		free(x->cwd);
		free(x->path);
		free(x->src);
		free(x->url);
		free(x->sha256);
		free(x->what);
	}
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

const struct desc_entry *
step_desc_find(const struct step_desc *d, enum desc_kind k, int check)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].kind == k && d->v[i].check == check)
			return &d->v[i];
	return NULL;
}

/* A word as the shell would need it. A word with a control, an invisible or bad UTF-8 in it
 * is shown in bash's $'...' form, every such byte escaped: what is shown is exactly what
 * runs, and nothing in it reaches the terminal raw. */
void
desc_quote(struct buf *b, const char *w)
{
	if (*w != '\0' && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_./=:,+@%~") == strlen(w)) {
		buf_puts(b, w);
		return;
	}
	if (!vis_clean(w, VIS_KEEPBS)) {
		buf_puts(b, "$'");
		vis_buf(b, w, strlen(w), VIS_SQUOTE);
		buf_add(b, "'", 1);
		return;
	}
	buf_add(b, "'", 1);
	for (; *w != '\0'; w++) {
		if (*w == '\'')
			buf_puts(b, "'\\''");
		else
			buf_add(b, w, 1);
	}
	buf_add(b, "'", 1);
}

static void
desc_words(struct buf *b, char *const *v, const char *sep)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++) {
		desc_quote(b, v[i]);
		buf_puts(b, sep);
	}
}

/* ENV... ARGV   (in CWD) (timeout N s) */
static void
desc_command(struct buf *b, const struct desc_entry *x)
{
	desc_words(b, x->env, " ");
	for (size_t i = 0; x->argv != NULL && x->argv[i] != NULL; i++) {
		if (i > 0)
			buf_add(b, " ", 1);
		desc_quote(b, x->argv[i]);
	}
	if (x->cwd != NULL) {
		buf_puts(b, "   (in ");
		desc_quote(b, x->cwd);
		buf_add(b, ")", 1);
	}
	if (x->timeout > 0)
		buf_printf(b, "   (timeout %d s)", x->timeout);
}

/* The line of an entry that is not a command, escaped. */
static void
desc_other(struct buf *b, const struct desc_entry *x)
{
	char *s = NULL;

	switch (x->kind) {
	case DESC_WRITE:
		s = xasprintf("write %s (mode %04o, %lld bytes)", x->path, (unsigned)x->mode, x->size);
		break;
	case DESC_DOWNLOAD:
		s = xasprintf("download %s -> %s (sha256 %s)", x->url, x->path, x->sha256);
		break;
	case DESC_EXTRACT:
		s = xasprintf("extract %s -> %s (strip %d)", x->src, x->path, x->strip);
		break;
	case DESC_PROBE:
		s = xasprintf("validate %s (%s)%s", x->path, x->what, x->env != NULL &&
		    x->env[0] != NULL ? " with " : "");
		break;
	case DESC_READ:
		s = xasprintf("reads %s%s%s%s%s%s", x->path, x->sha256 != NULL ? " (sha256 " : "",
		    x->sha256 != NULL ? x->sha256 : "", x->sha256 != NULL ? ")" : "",
		    x->what != NULL ? ": " : "", x->what != NULL ? x->what : "");
		break;
	case DESC_COMMAND:
		break;
	}
	vis_buf(b, s, strlen(s), 0);
	free(s);
	if (x->kind == DESC_PROBE)
		for (size_t i = 0; x->env != NULL && x->env[i] != NULL; i++) {
			buf_puts(b, i > 0 ? " " : "");
			desc_quote(b, x->env[i]);
		}
}

void
step_desc_text(struct buf *b, const struct step_desc *d, const char *indent)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct desc_entry *x = &d->v[i];

		buf_puts(b, indent);
		if (x->check)
			buf_puts(b, "check: ");
		if (x->kind == DESC_COMMAND)
			desc_command(b, x);
		else
			desc_other(b, x);
		buf_add(b, "\n", 1);
	}
}

int
str_same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

int
strv_eq(char *const *a, char *const *b)
{
	size_t n = strv_len(a);

	if (n != strv_len(b))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

/* ---- the YAML readers ---- */

int
pp_error(struct pparse *pp, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ynode_verror(pp->cause, pp->name, n, pp->path, fmt, ap);
	va_end(ap);
	return -1;
}

void
pp_at(struct pparse *pp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pp->path, sizeof pp->path, fmt, ap);
	va_end(ap);
	if (pp->path[0] == '.')         /* a top-level key: "armpy_plan", not ".armpy_plan" */
		memmove(pp->path, pp->path + 1, strlen(pp->path));
}

int
pp_keys(struct pparse *pp, const struct ynode *map, const char *const *allowed,
    const char *where)
{
	for (size_t i = 0; i < map->n; i++) {
		int ok = 0;

		for (size_t j = 0; allowed[j] != NULL; j++)
			ok |= strcmp(map->items[i]->value, allowed[j]) == 0;
		if (!ok) {
			pp_at(pp, "%s.%s", where, quote_short(map->items[i]->value));
			return pp_error(pp, map->items[i], "unknown key");
		}
	}
	return 0;
}

int
pp_str(struct pparse *pp, const struct ynode *map, const char *key, const char *where,
    int required, int nullable, char **out)
{
	const struct ynode *n = ynode_get(map, key);

	*out = NULL;
	pp_at(pp, "%s.%s", where, key);
	if (n == NULL)
		return required ? pp_error(pp, map, "missing") : 0;
	if (n->type == YNODE_SCALAR && ynode_is_null(n) && !n->quoted) {
		if (nullable)
			return 0;
		return pp_error(pp, n, "must not be null");
	}
	if (n->type != YNODE_SCALAR)
		return pp_error(pp, n, "must be a string, not a %s", ynode_type_name(n));
	if (strchr(n->value, '\0') != n->value + strlen(n->value))
		return pp_error(pp, n, "bad string");
	*out = xstrdup(n->value);
	return 0;
}

/* A file path of a step (write, download, extract, file check): never a ".." component, so
 * that no path climbs out of --root; the executor checks again after "~/" expansion. */
int
pp_path(struct pparse *pp, const struct ynode *map, const char *key, const char *where,
    char **out)
{
	if (pp_str(pp, map, key, where, 1, 0, out) != 0)
		return -1;
	return pp_abs_path(pp, map, key, where, *out);
}

int
pp_abs_path(struct pparse *pp, const struct ynode *map, const char *key, const char *where,
    const char *path)
{
	const char *p;
	size_t n;

	if (*path != '/' && strcmp(path, "~") != 0 && strncmp(path, "~/", 2) != 0) {
		pp_at(pp, "%s.%s", where, key);
		return pp_error(pp, ynode_get(map, key), "must be an absolute path (start with / "
		    "or ~/)");
	}
	for (p = path; *p != '\0'; p += n + (p[n] == '/')) {
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			pp_at(pp, "%s.%s", where, key);
			return pp_error(pp, ynode_get(map, key), "has a '..' component (a step's paths "
			    "are absolute and never climb)");
		}
	}
	return 0;
}

int
pp_long(struct pparse *pp, const struct ynode *map, const char *key, const char *where,
    int required, long min, long max, long *out)
{
	const struct ynode *n = ynode_get(map, key);

	*out = 0;
	pp_at(pp, "%s.%s", where, key);
	if (n == NULL)
		return required ? pp_error(pp, map, "missing") : 0;
	if (ynode_long(n, out) != 0)
		return pp_error(pp, n, "must be an integer");
	if (*out < min || *out > max)
		return pp_error(pp, n, "must be between %ld and %ld", min, max);
	return 0;
}

int
pp_strv(struct pparse *pp, const struct ynode *map, const char *key, const char *where,
    int required, int nonempty, char ***out)
{
	const struct ynode *n = ynode_get(map, key);

	*out = NULL;
	pp_at(pp, "%s.%s", where, key);
	if (n == NULL)
		return required ? pp_error(pp, map, "missing") : 0;
	if (n->type != YNODE_SEQ)
		return pp_error(pp, n, "must be a list of strings");
	if (nonempty && n->n == 0)
		return pp_error(pp, n, "must not be empty");
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *e = n->items[i];

		if (e->type != YNODE_SCALAR || (ynode_is_null(e) && !e->quoted)) {
			pp_at(pp, "%s.%s[%zu]", where, key, i);
			return pp_error(pp, e, "must be a string");
		}
	}
	if (n->n == 0)
		return 0;
	/* filled in place: strv_push per item measures the list each time (quadratic) */
	*out = xreallocarray(NULL, n->n + 1, sizeof **out);
	for (size_t i = 0; i < n->n; i++)
		(*out)[i] = xstrdup(n->items[i]->value);
	(*out)[n->n] = NULL;
	return 0;
}

/* ---- field patterns ---- */

/* The item i of list key, for an error's position. */
static int
pp_item_error(struct pparse *pp, const struct ynode *map, const char *key, const char *where,
    size_t i, const char *what, const char *value)
{
	pp_at(pp, "%s.%s[%zu]", where, key, i);
	return pp_error(pp, ynode_get(map, key)->items[i], "'%s' %s", value, what);
}


int
pp_env(struct pparse *pp, const struct ynode *map, const char *key, const char *where,
    char *const *env)
{
	for (size_t i = 0; env != NULL && env[i] != NULL; i++)
		if (!env_assign_ok(env[i])) {
			pp_at(pp, "%s.%s[%zu]", where, key, i);
			return pp_error(pp, ynode_get(map, key)->items[i], "must be "
			    ENV_ASSIGN_RULE);
		}
	return 0;
}

/* NAME, or NAME:ARCH when arch (dpkg's name:arch), ARCH [a-z0-9-]+. */
static int
package_ok(const char *p, int arch)
{
	const char *colon = arch ? strchr(p, ':') : NULL;
	char *name;
	int ok;

	if (colon == NULL)
		return valid_package_name(p);
	name = xstrndup(p, (size_t)(colon - p));
	ok = valid_package_name(name) && colon[1] != '\0' &&
	    strspn(colon + 1, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(colon + 1);
	free(name);
	return ok;
}

int
pp_packages(struct pparse *pp, const struct ynode *map, const char *key, const char *where,
    char *const *pkgs, int arch)
{
	for (size_t i = 0; pkgs != NULL && pkgs[i] != NULL; i++)
		if (!package_ok(pkgs[i], arch))
			return pp_item_error(pp, map, key, where, i, arch ? "is not a package name "
			    "(NAME or NAME:ARCH; a letter or digit first)" : "is not a package name "
			    "(a letter or digit first)", pkgs[i]);
	return 0;
}

int
pp_file(struct pparse *pp, const struct ynode *map, const char *key, const char *where,
    const char *path, int abs)
{
	const char *why = path_chars_problem(path);

	if (why == NULL && abs && path[0] != '/')
		why = "must be absolute (start with /)";
	if (why == NULL)
		return 0;
	pp_at(pp, "%s.%s", where, key);
	return pp_error(pp, ynode_get(map, key), "'%s' is not an acceptable path: %s", path, why);
}

int
pp_name(struct pparse *pp, const struct ynode *map, const char *key, const char *where,
    const char *name)
{
	if (valid_name(name))
		return 0;
	pp_at(pp, "%s.%s", where, key);
	return pp_error(pp, ynode_get(map, key), "'%s' is not a name (letters, digits, . _ -; a "
	    "letter or digit first; at most 64)", name);
}

/* check.c — the check kinds' ops and table: is a step already satisfied (dpkg, rpm, alternative, file, command)? */
/* SPDX-License-Identifier: MIT */
#include "action.h"
#include "armpy.h"
#include "exec-int.h"
#include "plan.h"
#include "profile.h"
#include "rootdir.h"
#include "undo.h"
#include "ydoc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* One paragraph field value ("Package: x" -> "x"), or NULL. */
static char *
dpkg_field(const char *para, size_t len, const char *name)
{
	size_t n = strlen(name);
	const char *p = para, *end = para + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		if (nl == NULL)
			nl = end;
		if ((size_t)(nl - p) > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			while (v < nl && (*v == ' ' || *v == '\t'))
				v++;
			return xstrndup(v, nl - v);
		}
		p = nl + 1;
	}
	return NULL;
}

int
dpkg_status_installed(const char *status, char *const *packages, char **missing)
{
	size_t n = strv_len(packages);
	int *found = xcalloc(n + 1, sizeof *found), all = 1;
	const char *p = status;

	while (*p != '\0') {
		const char *end = strstr(p, "\n\n");
		size_t len = end != NULL ? (size_t)(end - p) + 1 : strlen(p);
		char *pkg = dpkg_field(p, len, "Package");
		char *st = dpkg_field(p, len, "Status");
		char *arch = dpkg_field(p, len, "Architecture");

		if (pkg != NULL && st != NULL && strcmp(st, "install ok installed") == 0) {
			for (size_t i = 0; i < n; i++) {
				const char *want = packages[i], *colon = strchr(want, ':');
				if (colon == NULL ? strcmp(want, pkg) == 0 :
				    (strlen(pkg) == (size_t)(colon - want) &&
				    strncmp(want, pkg, colon - want) == 0 && arch != NULL &&
				    strcmp(colon + 1, arch) == 0))
					found[i] = 1;
			}
		}
		free(pkg);
		free(st);
		free(arch);
		p += len;
		while (*p == '\n')
			p++;
	}
	if (missing != NULL)
		*missing = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!found[i]) {
			if (all && missing != NULL)
				*missing = xstrdup(packages[i]);
			all = 0;
		}
	}
	free(found);
	return all;
}

/* Reads a file of the root (inside it, symlinks resolved there) up to max bytes (new). */
static char *
check_read(struct exec *e, const char *path, int flags, size_t max, size_t *len, char **cause)
{
	int fd = rootdir_openat(exec_rootdir(e), path, O_RDONLY | O_NONBLOCK | flags, 0, cause);
	struct stat st;
	struct buf b;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		cause_set(cause, "%s: not a regular file", quote_short(path));
		close(fd);
		return NULL;
	}
	buf_init(&b);
	buf_read_fd(&b, fd, max);
	close(fd);
	*len = b.len;
	return buf_steal(&b);
}

#define CHECK_TIMEOUT 120            /* seconds for a check's command */

void
check_clear(struct step_check *c)
{
	strv_free(c->packages);
	free(c->name);
	free(c->path);
	free(c->sha256);
	strv_free(c->argv);
	memset(c, 0, sizeof *c);
}

/* ---- dpkg and rpm: packages ---- */

static const char *const packages_keys[] = { "packages", NULL };

static int
packages_parse(struct pparse *pp, const struct ynode *n, const char *where, struct step_check *c)
{
	return pp_strv(pp, n, "packages", where, 1, 1, &c->packages) ||
	    pp_packages(pp, n, "packages", where, c->packages, c->kind == CHECK_DPKG) ? -1 : 0;
}

static void
packages_emit(struct yemit *y, const struct step_check *c)
{
	yemit_kv_strv(y, "packages", c->packages, 1);
}

static int
packages_equal(const struct step_check *a, const struct step_check *b)
{
	return strv_eq(a->packages, b->packages);
}

static void
dpkg_describe(const struct step_check *c, struct step_desc *d)
{
	struct desc_entry *x = step_desc_add(d, DESC_READ, 1);
	char *list = strv_join(c->packages, " ");

	x->path = xstrdup("/var/lib/dpkg/status");
	x->what = xasprintf("installed: %s", list);
	free(list);
}

static int
dpkg_evaluate(struct exec *e, const struct step *s, char **detail, char **cause)
{
	char *text, *missing = NULL;
	size_t len;
	int r;

	text = check_read(e, "/var/lib/dpkg/status", 0, 256 * 1024 * 1024, &len, cause);
	if (text == NULL)
		return -1;
	r = dpkg_status_installed(text, s->check.packages, &missing);
	free(text);
	if (r)
		*detail = xstrdup("already satisfied (packages installed)");
	else
		exec_logf(e, "check: %s is not installed", missing);
	free(missing);
	return r;
}

const struct check_ops check_dpkg_ops = {
	.kind = CHECK_DPKG, .name = "dpkg", .keys = packages_keys,
	.parse = packages_parse, .emit = packages_emit, .describe = dpkg_describe,
	.evaluate = dpkg_evaluate, .equal = packages_equal,
};

/* rpm -q -- PKG...: the names after "--", never options. */
static void
rpm_describe(const struct step_check *c, struct step_desc *d)
{
	struct desc_entry *x = step_desc_add(d, DESC_COMMAND, 1);

	x->argv = strv_append(strv_pushl(strv_new(), "rpm", "-q", "--", NULL), c->packages);
	x->timeout = CHECK_TIMEOUT;
}

/* The check's own described command, quietly (its output goes to the log only). */
static int
check_command_run(struct exec *e, const struct step_check *c, char **cause)
{
	const struct check_ops *ops = check_ops_of(c->kind);
	struct step_desc d = { NULL, 0 };
	int status, r;

	ops->describe(c, &d);
	r = spawn_described(e, &d, 1, 1, &status, cause) != 0 ? -1 : status == 0;
	step_desc_free(&d);
	return r;
}

static int
rpm_evaluate(struct exec *e, const struct step *s, char **detail, char **cause)
{
	int r = check_command_run(e, &s->check, cause);

	if (r == 1)
		*detail = xstrdup("already satisfied (packages installed)");
	return r;
}

const struct check_ops check_rpm_ops = {
	.kind = CHECK_RPM, .name = "rpm", .keys = packages_keys,
	.parse = packages_parse, .emit = packages_emit, .describe = rpm_describe,
	.evaluate = rpm_evaluate, .equal = packages_equal,
};

/* ---- alternative ---- */

static const char *const alternative_keys[] = { "name", "path", NULL };

static int
alternative_parse(struct pparse *pp, const struct ynode *n, const char *where,
    struct step_check *c)
{
	return pp_str(pp, n, "name", where, 1, 0, &c->name) ||
	    pp_str(pp, n, "path", where, 1, 0, &c->path) ||
	    pp_name(pp, n, "name", where, c->name) ||
	    pp_file(pp, n, "path", where, c->path, 1) ? -1 : 0;
}

static void
alternative_emit(struct yemit *y, const struct step_check *c)
{
	yemit_kv_str(y, "name", c->name);
	yemit_kv_str(y, "path", c->path);
}

static void
alternative_describe(const struct step_check *c, struct step_desc *d)
{
	struct desc_entry *x = step_desc_add(d, DESC_READ, 1);

	x->path = xasprintf("/etc/alternatives/%s", c->name);
	x->what = xasprintf("points at %s", c->path);
}

static int
alternative_evaluate(struct exec *e, const struct step *s, char **detail, char **cause)
{
	const struct step_check *c = &s->check;
	char *cur = undo_alt_link(exec_rootdir(e), c->name);
	int r = cur != NULL && c->path != NULL && strcmp(cur, c->path) == 0;

	(void)cause;
	if (r)
		*detail = xasprintf("already satisfied (%s -> %s)", c->name, cur);
	free(cur);
	return r;
}

static int
alternative_equal(const struct step_check *a, const struct step_check *b)
{
	return str_same(a->name, b->name) && str_same(a->path, b->path);
}

const struct check_ops check_alternative_ops = {
	.kind = CHECK_ALTERNATIVE, .name = "alternative", .keys = alternative_keys,
	.parse = alternative_parse, .emit = alternative_emit, .describe = alternative_describe,
	.evaluate = alternative_evaluate, .equal = alternative_equal,
};

/* ---- file ---- */

static const char *const file_keys[] = { "path", "sha256", NULL };

static int
file_parse(struct pparse *pp, const struct ynode *n, const char *where, struct step_check *c)
{
	if (pp_path(pp, n, "path", where, &c->path) ||
	    pp_file(pp, n, "path", where, c->path, 0) ||
	    pp_str(pp, n, "sha256", where, 0, 0, &c->sha256))
		return -1;
	if (c->sha256 != NULL && !valid_sha256(c->sha256))
		return pp_error(pp, ynode_get(n, "sha256"), "not a sha256 (64 hex digits)");
	return 0;
}

static void
file_emit(struct yemit *y, const struct step_check *c)
{
	yemit_kv_str(y, "path", c->path);
	if (c->sha256 != NULL)
		yemit_kv_str(y, "sha256", c->sha256);
}

static void
file_describe(const struct step_check *c, struct step_desc *d)
{
	struct desc_entry *x = step_desc_add(d, DESC_READ, 1);

	x->path = xstrdup(c->path);
	x->sha256 = c->sha256 != NULL ? xstrdup(c->sha256) : NULL;
}

static int
file_evaluate(struct exec *e, const struct step *s, char **detail, char **cause)
{
	return exec_check_file(e, s->check.path, s->check.sha256, 1, detail, cause);
}

static int
file_equal(const struct step_check *a, const struct step_check *b)
{
	return str_same(a->path, b->path) && str_same(a->sha256, b->sha256);
}

const struct check_ops check_file_ops = {
	.kind = CHECK_FILE, .name = "file", .keys = file_keys,
	.parse = file_parse, .emit = file_emit, .describe = file_describe,
	.evaluate = file_evaluate, .equal = file_equal,
};

/* ---- command ---- */

static const char *const command_keys[] = { "argv", NULL };

static int
command_parse(struct pparse *pp, const struct ynode *n, const char *where,
    struct step_check *c)
{
	return pp_strv(pp, n, "argv", where, 1, 1, &c->argv);
}

static void
command_emit(struct yemit *y, const struct step_check *c)
{
	yemit_kv_strv(y, "argv", c->argv, 1);
}

static void
command_describe(const struct step_check *c, struct step_desc *d)
{
	struct desc_entry *x = step_desc_add(d, DESC_COMMAND, 1);

	x->argv = strv_dup(c->argv);
	x->timeout = CHECK_TIMEOUT;
}

static int
command_evaluate(struct exec *e, const struct step *s, char **detail, char **cause)
{
	int r = check_command_run(e, &s->check, cause);

	if (r == 1)
		*detail = xstrdup("already satisfied (check command succeeded)");
	return r;
}

static int
command_equal(const struct step_check *a, const struct step_check *b)
{
	return strv_eq(a->argv, b->argv);
}

const struct check_ops check_command_ops = {
	.kind = CHECK_COMMAND, .name = "command", .keys = command_keys,
	.parse = command_parse, .emit = command_emit, .describe = command_describe,
	.evaluate = command_evaluate, .equal = command_equal,
};

/* In enum check_kind's order, from CHECK_DPKG. */
static const struct check_ops *const check_table[] = {
	&check_dpkg_ops, &check_rpm_ops, &check_alternative_ops, &check_file_ops,
	&check_command_ops,
};

const struct check_ops *
check_ops_at(size_t i)
{
	return i < nitems(check_table) ? check_table[i] : NULL;
}

const struct check_ops *
check_ops_of(enum check_kind k)
{
	return k == CHECK_NONE ? NULL : check_ops_at((size_t)k - 1);
}

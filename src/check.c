/* check.c — step checks: is a step already satisfied (dpkg, rpm, alternative, file, command)? */
#include "armpy.h"
#include "exec-int.h"
#include "plan.h"

#include <errno.h>
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

static int
check_dpkg(struct exec *e, const struct step_check *c, char **detail, char **cause)
{
	char *path = xasprintf("%s/var/lib/dpkg/status", e->root != NULL ? e->root : "");
	char *text, *missing = NULL;
	size_t len;
	int r;

	text = file_read(path, 256 * 1024 * 1024, &len, cause);
	free(path);
	if (text == NULL)
		return -1;
	r = dpkg_status_installed(text, c->packages, &missing);
	free(text);
	if (r)
		*detail = xstrdup("already satisfied (packages installed)");
	else
		exec_logf(e, "check: %s is not installed", missing);
	free(missing);
	return r;
}

static int
check_spawn(struct exec *e, char **argv, char **cause)
{
	struct spawn sp = { .argv = argv, .quiet = 1, .timeout = 120 };
	int status;

	if (act_spawn(e, &sp, &status, cause) != 0)
		return -1;
	return status == 0;
}

static int
check_file(struct exec *e, const struct step_check *c, const char *path, const char *sha,
    char **detail, char **cause)
{
	char *p = exec_path(e, path), hex[65];
	struct stat st;
	int r = 0;

	if (stat(p, &st) != 0)
		r = 0;
	else if (sha == NULL)
		r = 1;
	else if (!S_ISREG(st.st_mode))
		r = 0;
	else if (sha256_file(p, hex, cause) != 0)
		r = -1;
	else
		r = strcasecmp(hex, sha) == 0;
	(void)c;
	if (r == 1)
		*detail = xstrdup(sha != NULL ? "already satisfied (file present, sha256 matches)" :
		    "already satisfied (file present)");
	free(p);
	return r;
}

/* A write step is done when the file already holds exactly its content, with its mode. */
static int
check_written(struct exec *e, const struct step *s, char **detail)
{
	const char *content = s->u.write.content != NULL ? s->u.write.content : "";
	int mode = s->u.write.mode != 0 ? s->u.write.mode : 0644;
	char *p = exec_path(e, s->u.write.path), *have;
	size_t len, want = strlen(content);
	struct stat st;
	int r = 0;

	if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && (int)(st.st_mode & 07777) == mode &&
	    (size_t)st.st_size == want &&
	    (have = file_read(p, want + 1, &len, NULL)) != NULL) {
		r = len == want && memcmp(have, content, want) == 0;
		free(have);
	}
	if (r)
		*detail = xstrdup("already satisfied (same content and mode)");
	free(p);
	return r;
}

int
check_step(struct exec *e, const struct step *s, char **detail, char **cause)
{
	const struct step_check *c = &s->check;
	char **argv, *cur;
	int r;

	*detail = NULL;
	switch (c->kind) {
	case CHECK_NONE:
		if (s->kind == ACTION_WRITE && s->u.write.path != NULL)
			return check_written(e, s, detail);
		/* a verified download already in place needs no network */
		if (s->kind == ACTION_DOWNLOAD && s->u.download.dest != NULL &&
		    s->u.download.sha256 != NULL)
			return check_file(e, c, s->u.download.dest, s->u.download.sha256, detail,
			    cause);
		return 0;
	case CHECK_DPKG:
		return check_dpkg(e, c, detail, cause);
	case CHECK_RPM:
		argv = strv_new();
		argv = strv_push(argv, "rpm");
		argv = strv_push(argv, "-q");
		for (size_t i = 0; c->packages != NULL && c->packages[i] != NULL; i++)
			argv = strv_push(argv, c->packages[i]);
		r = check_spawn(e, argv, cause);
		strv_free(argv);
		if (r == 1)
			*detail = xstrdup("already satisfied (packages installed)");
		return r;
	case CHECK_ALTERNATIVE:
		cur = alternative_current(e, c->name);
		r = cur != NULL && c->path != NULL && strcmp(cur, c->path) == 0;
		if (r)
			*detail = xasprintf("already satisfied (%s -> %s)", c->name, cur);
		free(cur);
		return r;
	case CHECK_FILE:
		return check_file(e, c, c->path, c->sha256, detail, cause);
	case CHECK_COMMAND:
		if (c->argv == NULL || c->argv[0] == NULL)
			return 0;
		r = check_spawn(e, c->argv, cause);
		if (r == 1)
			*detail = xstrdup("already satisfied (check command succeeded)");
		return r;
	}
	return 0;
}

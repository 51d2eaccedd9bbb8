/* check.c — step checks: is a step already satisfied (dpkg, rpm, alternative, file, command)? */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "exec-int.h"
#include "plan.h"
#include "rootdir.h"

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
	int fd = rootdir_openat(e->rd, path, O_RDONLY | O_NONBLOCK | flags, 0, cause);
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

static int
check_dpkg(struct exec *e, const struct step_check *c, char **detail, char **cause)
{
	char *text, *missing = NULL;
	size_t len;
	int r;

	text = check_read(e, "/var/lib/dpkg/status", 0, 256 * 1024 * 1024, &len, cause);
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

/* path exists inside the root (with sha: a regular file with that sha256). A download's
 * DEST is never followed: the download renames over it, so a symlink there is not its file. */
static int
check_file(struct exec *e, const char *path, const char *sha, int follow, char **detail,
    char **cause)
{
	char *p = exec_expand(e, path), hex[65];
	int nofollow = follow ? 0 : O_NOFOLLOW, r = 0, fd;
	struct stat st;

	fd = rootdir_openat(e->rd, p, (sha == NULL ? O_PATH : O_RDONLY | O_NONBLOCK) | nofollow,
	    0, NULL);
	if (fd < 0 || fstat(fd, &st) != 0)
		r = 0;
	else if (sha == NULL)
		r = 1;
	else if (!S_ISREG(st.st_mode))
		r = 0;
	else if (sha256_fd(fd, p, hex, cause) != 0)
		r = -1;
	else
		r = strcasecmp(hex, sha) == 0;
	if (fd >= 0)
		close(fd);
	if (r == 1)
		*detail = xstrdup(sha != NULL ? "already satisfied (file present, sha256 matches)" :
		    "already satisfied (file present)");
	else if (r == 0 && sha != NULL && fd >= 0)
		exec_logf(e, "check: %s does not have sha256 %s: fetching it again", p, sha);
	free(p);
	return r;
}

/* A write step is done when the file (not a symlink) already holds exactly its content,
 * with its mode. */
static int
check_written(struct exec *e, const struct step *s, char **detail)
{
	const char *content = s->u.write.content != NULL ? s->u.write.content : "";
	int mode = s->u.write.mode != 0 ? s->u.write.mode : 0644, fd;
	char *p = exec_expand(e, s->u.write.path), *have;
	size_t want = strlen(content), got;
	struct stat st;
	struct buf b;
	int r = 0;

	fd = rootdir_openat(e->rd, p, O_RDONLY | O_NONBLOCK | O_NOFOLLOW, 0, NULL);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (int)(st.st_mode & 07777) == mode && (size_t)st.st_size == want) {
		buf_init(&b);
		buf_read_fd(&b, fd, want + 1);
		got = b.len;
		have = buf_steal(&b);
		r = got == want && memcmp(have, content, want) == 0;
		free(have);
	}
	if (fd >= 0)
		close(fd);
	if (r)
		*detail = xstrdup("already satisfied (same content and mode)");
	free(p);
	return r;
}

/* Before anything runs: the file paths of every step (see exec-int.h). */
int
check_plan_paths(const struct exec *e, char **cause)
{
	for (size_t i = 0; i < e->plan->nsteps; i++) {
		const struct step *s = &e->plan->steps[i];
		const char *paths[3] = { NULL, NULL, NULL };
		if (s->kind == ACTION_WRITE)
			paths[0] = s->u.write.path;
		else if (s->kind == ACTION_DOWNLOAD)
			paths[0] = s->u.download.dest;
		else if (s->kind == ACTION_EXTRACT) {
			paths[0] = s->u.extract.archive;
			paths[1] = s->u.extract.dest;
		}
		if (s->check.kind == CHECK_FILE)
			paths[2] = s->check.path;
		for (size_t j = 0; j < 3; j++) {
			char *p = exec_expand(e, paths[j]), *why = NULL;
			int bad = p != NULL && rootdir_path_check(p, &why) != 0;
			free(p);
			if (bad) {
				cause_set(cause, "step %s: %s", s->id, why);
				free(why);
				return -1;
			}
		}
	}
	return 0;
}

int
check_defined(const struct step *s)
{
	if (s->kind == ACTION_DOWNLOAD)
		return s->u.download.dest != NULL && s->u.download.sha256 != NULL;
	if (s->check.kind == CHECK_COMMAND)
		return s->check.argv != NULL && s->check.argv[0] != NULL;
	return s->check.kind != CHECK_NONE || (s->kind == ACTION_WRITE && s->u.write.path != NULL);
}

int
check_step(struct exec *e, const struct step *s, char **detail, char **cause)
{
	const struct step_check *c = &s->check;
	char **argv, *cur;
	int r;

	*detail = NULL;
	/* A download is done only when DEST holds its sha256, whatever its check says: a
	 * stale or planted file there is fetched again, never trusted (run and resume). */
	if (s->kind == ACTION_DOWNLOAD)
		return s->u.download.dest != NULL && s->u.download.sha256 != NULL ?
		    check_file(e, s->u.download.dest, s->u.download.sha256, 0, detail, cause) : 0;
	switch (c->kind) {
	case CHECK_NONE:
		if (s->kind == ACTION_WRITE && s->u.write.path != NULL)
			return check_written(e, s, detail);
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
		return check_file(e, c->path, c->sha256, 1, detail, cause);
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

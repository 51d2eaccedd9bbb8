/* act-extract.c — extract steps: libarchive into a temp dir next to dest, refusing escapes. */
/* SPDX-License-Identifier: MIT */
#include "action.h"
#include "armpy.h"
#include "exec-int.h"
#include "plan.h"
#include "undo.h"
#include "rootdir.h"
#include "ydoc.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lazy.h"

#define EXTRACT_MAX_BYTES (16LL * 1024 * 1024 * 1024)
#define EXTRACT_MAX_ENTRIES 2000000LL

static long long
ex_env(const char *name, long long def)
{
	const char *v = getenv(name);

	return v != NULL && atoll(v) > 0 ? atoll(v) : def;
}

/* A relative path with no "..", no empty prefix; strip the first n components. NULL when
 * nothing is left; *bad set when the path is absolute or climbs. */
static char *
ex_strip(const char *path, int strip, int *bad)
{
	const char *p = path;
	char *copy, *save = NULL, *tok;
	struct buf b;
	int skip = strip;

	*bad = 0;
	if (*p == '/') {
		*bad = 1;
		return NULL;
	}
	copy = xstrdup(p);
	buf_init(&b);
	for (tok = strtok_r(copy, "/", &save); tok != NULL; tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			*bad = 1;
			break;
		}
		if (skip > 0) {
			skip--;
			continue;
		}
		if (b.len > 0)
			buf_add(&b, "/", 1);
		buf_puts(&b, tok);
	}
	free(copy);
	if (*bad || b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

#define EX_MAX_LINKS 40

/* The first component of *rest (new, NULL at the end); *rest moves past it. */
static char *
ex_next(const char **rest)
{
	const char *p = *rest + strspn(*rest, "/");
	size_t n = strcspn(p, "/");

	*rest = p + n;
	return n > 0 ? xstrndup(p, n) : NULL;
}

/*
 * 1 when the symlink at linkpath (a path in the tree tfd) to target, followed the way the
 * kernel follows it from the host, leads out of the tree: an absolute target, or a ".." that
 * climbs above the tree's top once every link the archive has made so far is expanded (as
 * RESOLVE_IN_ROOT would, but refusing instead of clamping). A component that does not exist
 * (yet) counts as a directory; more than EX_MAX_LINKS links count as leading out. The walk
 * never follows anything itself: it reads links with readlinkat on paths whose directories
 * are all real directories of the tree (a link met is expanded, never gone through).
 */
static int
ex_link_leaves(int tfd, const char *linkpath, const char *target)
{
	char *at = xstrdup(linkpath), *name, *slash, *todo, *next, text[4096];
	const char *rest;
	int links = 0, out = *target == '/';
	ssize_t n;

	*((slash = strrchr(at, '/')) != NULL ? slash : at) = '\0';     /* the link's directory */
	todo = xstrdup(target);
	rest = todo;
	while (!out && (name = ex_next(&rest)) != NULL) {
		if (strcmp(name, "..") == 0 && *at == '\0')
			out = 1;                          /* above the top */
		else if (strcmp(name, "..") == 0)
			*((slash = strrchr(at, '/')) != NULL ? slash : at) = '\0';
		else if (strcmp(name, ".") != 0) {
			char *path = *at != '\0' ? xasprintf("%s/%s", at, name) : xstrdup(name);
			if ((n = readlinkat(tfd, path, text, sizeof text - 1)) >= 0) {
				text[n] = '\0';
				out = ++links > EX_MAX_LINKS || text[0] == '/';
				next = xasprintf("%s/%s", text, rest);   /* from the link's directory */
				free(todo);
				rest = todo = next;
				free(path);
			} else {
				free(at);
				at = path;                    /* a directory, a file or nothing yet */
			}
		}
		free(name);
	}
	free(todo);
	free(at);
	return out;
}

/* 0 when no directory on the way to path in the tree is a symlink: a hard link is made only
 * through real directories of the tree (RESOLVE_NO_SYMLINKS); -1 otherwise. */
static int
ex_no_links_above(int tfd, const char *path)
{
	const char *slash = path;
	struct stat st;
	int rc = 0;

	while (rc == 0 && (slash = strchr(slash + 1, '/')) != NULL) {
		char *dir = xstrndup(path, (size_t)(slash - path));
		if (fstatat(tfd, dir, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			rc = -1;
		free(dir);
	}
	return rc;
}

/* The symlink at path in the tree, looked at again: -1 with *cause when it leads out. */
static int
ex_link_check(int tfd, const char *path, char **cause)
{
	char text[4096];
	ssize_t n = readlinkat(tfd, path, text, sizeof text - 1);

	if (n < 0) {
		cause_set(cause, "%s: %s", quote_short(path), strerror(errno));
		return -1;
	}
	text[n] = '\0';
	if (!ex_link_leaves(tfd, path, text))
		return 0;
	cause_set(cause, "refused: symbolic link '%s' points outside the destination ('%s') "
	    "through the links the archive made", quote_short(path), quote_short(text));
	return -1;
}

/* Every symlink in the extracted tree, looked at again once all is written (a link made later
 * can change where an earlier one leads: y -> x/x/../.. made before x -> .; a hard link to a
 * symlink puts its text in another directory). rel is a directory of the tree ("" its top);
 * -1 with *cause naming the first link that leads out. */
static int
ex_links_inside(int tfd, const char *rel, char **cause)
{
	int fd = openat(tfd, *rel != '\0' ? rel : ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC), rc = 0;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	struct stat st;

	if (d == NULL) {
		cause_set(cause, "%s: %s", quote_short(*rel != '\0' ? rel : "."), strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char *path;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		path = *rel != '\0' ? xasprintf("%s/%s", rel, de->d_name) : xstrdup(de->d_name);
		if (fstatat(tfd, path, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			cause_set(cause, "%s: %s", quote_short(path), strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode))
			rc = ex_links_inside(tfd, path, cause);
		else if (S_ISLNK(st.st_mode))
			rc = ex_link_check(tfd, path, cause);
		free(path);
	}
	closedir(d);
	return rc;
}

/* The links of an entry (its stripped path in the tree tmp), decided against what the archive
 * has made so far: a hard link's target is stripped like a path and reached through real
 * directories only; a symlink must not lead out (ex_link_leaves). 0, or -1 with *cause. */
static int
ex_entry_links(struct archive_entry *ent, const char *name, const char *path, int strip,
    int tmp, char **cause)
{
	const char *hl = archive_entry_hardlink(ent), *sl = archive_entry_symlink(ent);
	char *hpath;
	int bad, rc = -1;

	if (hl != NULL) {
		hpath = ex_strip(hl, strip, &bad);
		if (bad || hpath == NULL)
			cause_set(cause, "refused: hard link '%s' points outside the destination "
			    "('%s')", quote_short(name), quote_short(hl));
		else if (ex_no_links_above(tmp, hpath) != 0 || ex_no_links_above(tmp, path) != 0)
			cause_set(cause, "refused: hard link '%s' would be made through a symbolic "
			    "link ('%s')", quote_short(name), quote_short(hl));
		else {
			archive_entry_set_hardlink(ent, hpath);     /* (hl is not used after this) */
			rc = 0;
		}
		free(hpath);
		return rc;
	}
	if (archive_entry_filetype(ent) == AE_IFLNK && sl != NULL && ex_link_leaves(tmp, path, sl)) {
		cause_set(cause, "refused: symbolic link '%s' points outside the destination ('%s')",
		    quote_short(name), quote_short(sl));
		return -1;
	}
	return 0;
}

int
extract_archive(int fd, const char *archive, int tmp, int strip, char **cause)
{
	struct archive *a, *w;
	struct archive_entry *ent;
	long long max_bytes = ex_env("ARMPY_EXTRACT_MAX_BYTES", EXTRACT_MAX_BYTES);
	long long max_entries = ex_env("ARMPY_EXTRACT_MAX_ENTRIES", EXTRACT_MAX_ENTRIES);
	long long total = 0, entries = 0;
	int flags, r, rc = -1, cwd;

	if (lazy_archive_load(cause) != 0)
		return -1;
	a = archive_read_new();
	w = archive_write_disk_new();
	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
	    ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;
	archive_write_disk_set_options(w, flags);
	archive_write_disk_set_standard_lookup(w);
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	if (archive_read_open_fd(a, fd, 1 << 16) != ARCHIVE_OK) {
		cause_set(cause, "%s: %s", quote_short(archive), archive_error_string(a));
		goto out;
	}
	/* libarchive works from the cwd: the temp dir's fd, resolved inside the root */
	if (cwd < 0 || fchdir(tmp) != 0) {
		cause_set(cause, "%s: %s", quote_short(archive), strerror(errno));
		goto out;
	}
	while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(ent), *hl;
		mode_t type = archive_entry_filetype(ent);
		char *path;
		int bad;

		if (++entries > max_entries) {
			cause_set(cause, "refused: %s has more than %lld entries (an archive bomb?)",
			    archive, max_entries);
			goto out;
		}
		if (name == NULL)
			continue;
		path = ex_strip(name, strip, &bad);
		if (bad) {
			cause_set(cause, "refused: entry '%s' is absolute or climbs out of the "
			    "destination", quote_short(name));
			goto out;
		}
		if (path == NULL)
			continue;                 /* stripped away */
		hl = archive_entry_hardlink(ent);
		if (hl == NULL && type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) {
			cause_set(cause, "refused: entry '%s' is a device node, fifo or socket",
			    quote_short(name));
			free(path);
			goto out;
		}
		if (ex_entry_links(ent, name, path, strip, tmp, cause) != 0) {
			free(path);
			goto out;
		}
		if (archive_entry_size_is_set(ent) && type == AE_IFREG &&
		    total + archive_entry_size(ent) > max_bytes) {
			cause_set(cause, "refused: %s expands beyond %lld bytes (an archive bomb?)",
			    archive, max_bytes);
			free(path);
			goto out;
		}
		archive_entry_set_pathname(ent, path);
		free(path);
		archive_entry_set_mode(ent, archive_entry_mode(ent) & ~(S_ISUID | S_ISGID));
		if (archive_write_header(w, ent) != ARCHIVE_OK) {
			cause_set(cause, "refused: %s: %s", quote_short(name),
			    archive_error_string(w));
			goto out;
		}
		if (type == AE_IFREG && hl == NULL) {
			const void *buf;
			size_t len;
			la_int64_t off;
			while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
				total += len;
				if (total > max_bytes) {
					cause_set(cause, "refused: %s expands beyond %lld bytes (an archive "
					    "bomb?)", archive, max_bytes);
					goto out;
				}
				if (archive_write_data_block(w, buf, len, off) != ARCHIVE_OK) {
					cause_set(cause, "%s: %s", quote_short(name),
					    archive_error_string(w));
					goto out;
				}
			}
			if (r != ARCHIVE_EOF) {
				cause_set(cause, "%s: %s", archive, archive_error_string(a));
				goto out;
			}
		}
		if (archive_write_finish_entry(w) != ARCHIVE_OK) {
			cause_set(cause, "%s: %s", quote_short(name), archive_error_string(w));
			goto out;
		}
	}
	if (r != ARCHIVE_EOF) {
		cause_set(cause, "%s: %s", archive, archive_error_string(a));
		goto out;
	}
	if (archive_write_close(w) != ARCHIVE_OK) {
		cause_set(cause, "%s", archive_error_string(w));
		goto out;
	}
	if (ex_links_inside(tmp, "", cause) != 0)
		goto out;
	rc = 0;
out:
	if (cwd >= 0) {
		if (fchdir(cwd) != 0)
			rc = -1;
		close(cwd);
	}
	archive_read_free(a);
	archive_write_free(w);
	return rc;
}

/* The archive, opened inside the root: a regular file only. */
static int
ex_open_archive(struct exec *e, const char *path, char **cause)
{
	struct stat st;
	int fd = rootdir_openat(exec_rootdir(e), path, O_RDONLY | O_NONBLOCK, 0, cause);

	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		cause_set(cause, "%s: not a regular file", quote_short(path));
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Puts the extracted tmp in place of base, as a whole: whatever was there (an earlier, maybe
 * partial extraction, a file, a symlink) is swapped out and removed, never followed, and
 * never across a mount point (rootdir_rm_rf: the step fails, naming it). */
static int
ex_replace(int dfd, const char *tmp, const char *base, const char *shown, char **cause)
{
	char *old;
	int rc;

	if (renameat2(dfd, tmp, dfd, base, RENAME_EXCHANGE) == 0) {
		/* the tree that was at base, now at tmp next to it */
		old = xasprintf("%.*s%s", (int)(strrchr(shown, '/') != NULL ?
		    strrchr(shown, '/') + 1 - shown : 0), shown, tmp);
		rc = rootdir_rm_rf(dfd, tmp, old, cause);
		free(old);
		return rc;
	}
	if (errno == ENOENT && renameat(dfd, tmp, dfd, base) == 0)
		return 0;
	cause_set(cause, "rename %s: %s", shown, strerror(errno));
	return -1;
}

int
act_extract(struct exec *e, const struct step *s, char **cause)
{
	char *archive, *dest, *shown, *base = NULL, *prefix, *tmp = NULL;
	int afd, dfd = -1, tfd = -1, rc = -1;

	if (s->u.extract.archive == NULL || s->u.extract.dest == NULL) {
		cause_set(cause, "an extract step needs archive and dest");
		return -1;
	}
	archive = exec_expand(e, s->u.extract.archive);
	dest = exec_expand(e, s->u.extract.dest);
	shown = rootdir_display(exec_rootdir(e), dest);
	if ((afd = ex_open_archive(e, archive, cause)) < 0 ||
	    (dfd = rootdir_parent(exec_rootdir(e), dest, 1, &base, cause)) < 0 ||
	    rootdir_mounts_below(dfd, base, shown, cause) != 0)
		goto out;
	prefix = xasprintf("%s.armpy-tmp-", base);
	tmp = rootdir_mkdtemp(dfd, prefix, cause);
	free(prefix);
	if (tmp == NULL)
		goto out;
	if ((tfd = openat(dfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		cause_set(cause, "%s: %s", quote_short(shown), strerror(errno));
		goto out;
	}
	exec_logf(e, "extract %s -> %s (strip %d)", archive, shown, s->u.extract.strip);
	exec_progress(e, -1, "extracting");
	if (extract_archive(afd, archive, tfd, s->u.extract.strip, cause) == 0 &&
	    fchmod(tfd, 0755) == 0 && ex_replace(dfd, tmp, base, shown, cause) == 0)
		rc = 0;
out:
	if (rc != 0 && tmp != NULL)
		rootdir_rm_rf(dfd, tmp, tmp, NULL);
	if (tfd >= 0)
		close(tfd);
	if (dfd >= 0)
		close(dfd);
	if (afd >= 0)
		close(afd);
	free(tmp);
	free(base);
	free(shown);
	free(archive);
	free(dest);
	return rc;
}

static int
extract_parse(struct pparse *pp, const struct ynode *a, const char *where, struct step *s)
{
	static const char *const keys[] = { "archive", "dest", "strip", NULL };
	long l;

	if (pp_keys(pp, a, keys, where) ||
	    pp_path(pp, a, "archive", where, &s->u.extract.archive) ||
	    pp_file(pp, a, "archive", where, s->u.extract.archive, 0) ||
	    pp_path(pp, a, "dest", where, &s->u.extract.dest) ||
	    pp_file(pp, a, "dest", where, s->u.extract.dest, 0) ||
	    pp_long(pp, a, "strip", where, 0, 0, 16, &l))
		return -1;
	s->u.extract.strip = (int)l;
	return 0;
}

static void
extract_emit(struct yemit *y, const struct step *s)
{
	yemit_kv_str(y, "archive", s->u.extract.archive);
	yemit_kv_str(y, "dest", s->u.extract.dest);
	yemit_kv_long(y, "strip", s->u.extract.strip);
}

static void
extract_describe(const struct step *s, struct step_desc *d)
{
	struct desc_entry *x = step_desc_add(d, DESC_EXTRACT, 0);

	x->src = xstrdup(s->u.extract.archive);
	x->path = xstrdup(s->u.extract.dest);
	x->strip = s->u.extract.strip;
}

static void
extract_clear(struct step *s)
{
	free(s->u.extract.archive);
	free(s->u.extract.dest);
}

static int
extract_equal(const struct step *a, const struct step *b)
{
	return str_same(a->u.extract.archive, b->u.extract.archive) &&
	    str_same(a->u.extract.dest, b->u.extract.dest) &&
	    a->u.extract.strip == b->u.extract.strip;
}

/* Its dest, when nothing was there before. */
static int
extract_record(struct exec *e, const struct step *s, int after, char **cause)
{
	return after ? 0 : undo_record_made(e, s, s->u.extract.dest, cause);
}

const struct action_ops act_extract_ops = {
	.kind = ACTION_EXTRACT,
	.name = "extract",
	.parse = extract_parse,
	.emit = extract_emit,
	.describe = extract_describe,
	.execute = act_extract,
	.clear = extract_clear,
	.equal = extract_equal,
	.record = extract_record,
	.reverse = undo_reverse_made,
};

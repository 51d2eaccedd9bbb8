/* undo.c — a step's undo record saved before it changes anything, loaded back, and the machine now. */
/* SPDX-License-Identifier: MIT */
#include "undo.h"
#include "armpy.h"
#include "exec-int.h"
#include "journal.h"
#include "rootdir.h"
#include "runs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define UNDO_STATUS_MAX (256 * 1024 * 1024)
#define UNDO_REC_MAX (64 * 1024 * 1024)

void
undo_rec_clear(struct undo_rec *r)
{
	free(r->id);
	free(r->what);
	free(r->name);
	free(r->set);
	free(r->prev);
	free(r->path);
	free(r->content);
	strv_free(r->before);
	strv_free(r->after);
	memset(r, 0, sizeof *r);
}

void
undo_recs_free(struct undo_rec *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		undo_rec_clear(&v[i]);
	free(v);
}

/* A regular file inside the root, whole (at most max bytes); NULL when it is not there. */
static char *
undo_read(const struct rootdir *rd, const char *path, size_t max, size_t *len, int *mode)
{
	int fd = rootdir_openat(rd, path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW, 0, NULL);
	struct stat st;
	struct buf b;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	if (mode != NULL)
		*mode = (int)(st.st_mode & 07777);
	buf_init(&b);
	buf_read_fd(&b, fd, max);
	close(fd);
	*len = b.len;
	return buf_steal(&b);
}

/* A dpkg Status whose files are (partly) on disk: installed, unpacked, half-configured... (a
 * step killed in the middle of apt leaves those); not "not-installed" nor "config-files". */
static int
undo_status_present(const char *st)
{
	const char *last = strrchr(st, ' ');

	last = last != NULL ? last + 1 : st;
	return strcmp(last, "not-installed") != 0 && strcmp(last, "config-files") != 0;
}

char **
undo_dpkg_installed(const char *status)
{
	char **v = strv_new();
	const char *p = status;

	while (p != NULL && *p != '\0') {
		const char *end = strstr(p, "\n\n");
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		char *para = xstrndup(p, len), *pkg = NULL, *arch = NULL, *line, *save = NULL;
		int ok = 0;

		for (line = strtok_r(para, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
			if (str_startswith(line, "Package: "))
				pkg = str_trim(line + 9);
			else if (str_startswith(line, "Architecture: "))
				arch = str_trim(line + 14);
			else if (str_startswith(line, "Status: "))
				ok = undo_status_present(str_trim(line + 8));
		}
		if (ok && pkg != NULL && arch != NULL)
			v = strv_pushf(v, "%s:%s", pkg, arch);
		free(para);
		p = end != NULL ? end + 2 : NULL;
	}
	return v;
}

static int
undo_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* dpkg's journal of status changes not yet folded into its status file (/var/lib/dpkg/updates/,
 * files named by number, in order): a dpkg killed in the middle of an apt step leaves the
 * packages it was unpacking there only, until the next dpkg run folds them in. */
static void
undo_dpkg_updates(const struct rootdir *rd, struct buf *b)
{
	int fd = rootdir_openat(rd, "/var/lib/dpkg/updates", O_RDONLY | O_DIRECTORY | O_NOFOLLOW,
	    0, NULL);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	char **names = strv_new(), *path, *text;
	struct dirent *de;
	size_t len, n;

	if (d == NULL && fd >= 0)
		close(fd);
	while (d != NULL && (de = readdir(d)) != NULL && strv_len(names) < 10000)
		if (de->d_name[0] != '\0' && strspn(de->d_name, "0123456789") == strlen(de->d_name))
			names = strv_push(names, de->d_name);
	if (d != NULL)
		closedir(d);
	n = strv_len(names);
	qsort(names, n, sizeof *names, undo_name_cmp);
	for (size_t i = 0; i < n; i++) {
		path = xasprintf("/var/lib/dpkg/updates/%s", names[i]);
		if ((text = undo_read(rd, path, UNDO_STATUS_MAX, &len, NULL)) != NULL) {
			buf_puts(b, "\n\n");
			buf_puts(b, text);
		}
		free(text);
		free(path);
	}
	strv_free(names);
}

char **
undo_installed(const struct rootdir *rd)
{
	size_t len;
	char *text = undo_read(rd, "/var/lib/dpkg/status", UNDO_STATUS_MAX, &len, NULL), **v, **all;
	struct buf b;

	buf_init(&b);
	buf_puts(&b, text != NULL ? text : "");
	undo_dpkg_updates(rd, &b);
	all = undo_dpkg_installed(b.data);
	v = strv_new();
	for (size_t i = 0; all[i] != NULL; i++)
		if (!strv_contains(v, all[i]))
			v = strv_push(v, all[i]);
	strv_free(all);
	buf_free(&b);
	free(text);
	return v;
}

int
undo_alt_auto(const struct rootdir *rd, const char *name)
{
	char *path = xasprintf("/var/lib/dpkg/alternatives/%s", name), *text;
	size_t len;
	int r;

	text = strchr(name, '/') != NULL ? NULL : undo_read(rd, path, 1 << 20, &len, NULL);
	r = text != NULL && str_startswith(text, "auto\n");
	free(text);
	free(path);
	return r;
}

const char *
undo_venv_dir(char *const *argv)
{
	size_t n = strv_len(argv), i;

	for (i = 0; i + 1 < n; i++)
		if (strcmp(argv[i], "-m") == 0 && strcmp(argv[i + 1], "venv") == 0)
			break;
	if (i + 2 >= n || argv[n - 1][0] == '-')
		return NULL;
	return argv[n - 1];
}

/* RUN_DIR/undo/ID.SUFFIX (new); the directory made 0700 when mk. */
static char *
undo_file(struct exec *e, const char *id, const char *suffix, int mk, char **cause)
{
	char *dir = xasprintf("%s/undo", exec_run_dir(e)), *p;

	if (mk && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		cause_set(cause, "%s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	p = xasprintf("%s/%s.%s", dir, id, suffix);
	free(dir);
	return p;
}

int
undo_recorded(struct exec *e, const struct step *s)
{
	char *p = undo_file(e, s->id, "rec", 0, NULL);
	int r = access(p, F_OK) == 0;

	free(p);
	return r;
}

static void
undo_kv(struct buf *b, const char *key, const char *value)
{
	char *v = journal_escape(value);

	buf_printf(b, "%s %s\n", key, v);
	free(v);
}

/* The record's lines (the format undo.h gives). */
static char *
undo_text(const struct undo_rec *r)
{
	struct buf b;

	buf_init(&b);
	undo_kv(&b, "what", r->what);
	if (r->name != NULL)
		undo_kv(&b, "name", r->name);
	if (r->set != NULL)
		undo_kv(&b, "set", r->set);
	if (r->name != NULL) {
		undo_kv(&b, "prev", r->prev);
		buf_printf(&b, "auto %d\n", r->was_auto);
	}
	if (r->path != NULL)
		undo_kv(&b, "path", r->path);
	if (strcmp(r->what, "file") == 0)
		buf_printf(&b, "absent %d\nmode %s%04o\n", r->absent, r->mode < 0 ? "-" : "",
		    (unsigned)(r->mode < 0 ? -r->mode : r->mode));
	for (size_t i = 0; r->before != NULL && r->before[i] != NULL; i++)
		undo_kv(&b, "pkg", r->before[i]);
	return buf_steal(&b);
}

int
undo_save(struct exec *e, const struct step *s, const struct undo_rec *r, char **cause)
{
	char *p, *old, *text;
	int rc = 0;

	if (undo_recorded(e, s))
		return 0;             /* the first record is what the run replaced */
	if ((p = undo_file(e, s->id, "rec", 1, cause)) == NULL)
		return -1;
	if (r->content != NULL) {
		old = undo_file(e, s->id, "old", 0, cause);
		rc = file_write_atomic(old, r->content, strlen(r->content), 0600, cause);
		free(old);
	}
	text = undo_text(r);
	if (rc == 0)
		rc = file_write_atomic(p, text, strlen(text), 0600, cause);
	if (rc == 0)
		exec_logf(e, "step %s: recorded what it replaces (%s)", s->id, p);
	free(text);
	free(p);
	return rc;
}

int
undo_save_after(struct exec *e, const struct step *s, char **cause)
{
	char **now = undo_installed(exec_rootdir(e)), *text, *p;
	int rc = -1;

	if ((p = undo_file(e, s->id, "after", 1, cause)) != NULL) {
		text = strv_join(now, "\n");
		rc = file_write_atomic(p, text, strlen(text), 0600, cause);
		free(text);
	}
	free(p);
	strv_free(now);
	return rc;
}

/* One "KEY VALUE" line into r; -1 on a bad line. */
static int
undo_line(struct undo_rec *r, const char *key, const char *val)
{
	char *v = NULL;

	if (journal_unescape(val, &v) != 0)
		return -1;
	if (strcmp(key, "pkg") == 0 && v != NULL) {
		r->before = strv_push(r->before, v);
		free(v);
		return 0;
	}
	if (strcmp(key, "auto") == 0 || strcmp(key, "absent") == 0 || strcmp(key, "mode") == 0) {
		long l = strtol(v != NULL ? v : "", NULL, 8);
		*(key[0] == 'a' ? (key[1] == 'u' ? &r->was_auto : &r->absent) : &r->mode) = (int)l;
		free(v);
		return 0;
	}
	char **slot = strcmp(key, "what") == 0 ? &r->what : strcmp(key, "name") == 0 ? &r->name :
	    strcmp(key, "set") == 0 ? &r->set : strcmp(key, "prev") == 0 ? &r->prev :
	    strcmp(key, "path") == 0 ? &r->path : NULL;
	if (slot == NULL || *slot != NULL) {
		free(v);
		return -1;
	}
	*slot = v;
	return 0;
}

static int
undo_parse(struct undo_rec *r, char *text, const char *shown, char **cause)
{
	char *save = NULL, *line, *sp;
	int n = 0;

	r->before = strv_new();
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		n++;
		if ((sp = strchr(line, ' ')) == NULL || (*sp = '\0', undo_line(r, line, sp + 1)) != 0) {
			cause_set(cause, "%s line %d: not an undo record", shown, n);
			return -1;
		}
	}
	if (r->what == NULL || (r->path != NULL && rootdir_path_check(r->path, NULL) != 0)) {
		cause_set(cause, "%s: not an undo record", shown);
		return -1;
	}
	return 0;
}

/* RUN_DIR/undo/ID.SUFFIX's text (NULL when absent, *err set when unreadable). */
static char *
undo_slurp(const char *run_dir, const char *id, const char *suffix, int *err, char **cause)
{
	char *p = xasprintf("%s/undo/%s.%s", run_dir, id, suffix), *text;
	size_t len;

	*err = 0;
	if (access(p, F_OK) != 0) {
		free(p);
		return NULL;
	}
	if ((text = file_read(p, UNDO_REC_MAX, &len, cause)) == NULL)
		*err = 1;
	free(p);
	return text;
}

static int
undo_load_one(const char *run_dir, const struct step *s, struct undo_rec *r, char **cause)
{
	int err;
	char *text = undo_slurp(run_dir, s->id, "rec", &err, cause), *after;
	struct stat st;
	char *shown = xasprintf("%s/undo/%s.rec", run_dir, s->id);

	r->id = xstrdup(s->id);
	r->kind = s->kind;
	r->privileged = s->privileged;   /* its undo runs as it ran: through sudo when it did */
	if (text == NULL || undo_parse(r, text, shown, cause) != 0)
		err = -1;
	free(text);
	if (err == 0 && stat(shown, &st) == 0)
		r->recorded = (long long)st.st_mtime;
	free(shown);
	if (err != 0)
		return -1;
	if ((r->content = undo_slurp(run_dir, s->id, "old", &err, cause)) == NULL && err)
		return -1;
	if ((after = undo_slurp(run_dir, s->id, "after", &err, cause)) != NULL) {
		char *save = NULL, *l;
		r->after = strv_new();
		for (l = strtok_r(after, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save))
			r->after = strv_push(r->after, l);
		free(after);
	}
	return err ? -1 : 0;
}

int
undo_load(const char *run_dir, const struct plan *plan, struct undo_rec **out, size_t *n,
    char **cause)
{
	*out = xcalloc(plan->nsteps + 1, sizeof **out);
	*n = 0;
	for (size_t i = 0; i < plan->nsteps; i++) {
		char *p = xasprintf("%s/undo/%s.rec", run_dir, plan->steps[i].id);
		int have = access(p, F_OK) == 0;
		free(p);
		if (!have)
			continue;
		if (undo_load_one(run_dir, &plan->steps[i], &(*out)[(*n)++], cause) != 0) {
			undo_recs_free(*out, *n);
			*out = NULL;
			return -1;
		}
	}
	return 0;
}

/* ---- the machine now, read in a target root ---- */

char *
undo_alt_link(const struct rootdir *rd, const char *name)
{
	char *path, *base, buf[PATH_MAX];
	ssize_t n = -1;
	int dfd;

	if (name == NULL || strchr(name, '/') != NULL || strcmp(name, "..") == 0 ||
	    strcmp(name, ".") == 0)
		return NULL;
	path = xasprintf("/etc/alternatives/%s", name);
	if ((dfd = rootdir_parent(rd, path, 0, &base, NULL)) >= 0) {
		n = readlinkat(dfd, base, buf, sizeof buf - 1);
		close(dfd);
		free(base);
	}
	free(path);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

static char *
now_alternative(void *arg, const char *name, int *is_auto)
{
	char *cur = undo_alt_link(arg, name);

	*is_auto = cur != NULL && undo_alt_auto(arg, name);
	return cur;
}

static char *
now_file_sha(void *arg, const char *path)
{
	size_t len;
	char *text = undo_read(arg, path, UNDO_REC_MAX, &len, NULL), sha[65];

	if (text == NULL)
		return NULL;
	if (runs_sha256(text, len, sha, NULL) != 0)
		sha[0] = '\0';
	free(text);
	return xstrdup(sha);
}

static int
now_exists(void *arg, const char *path)
{
	int fd = rootdir_openat(arg, path, O_PATH | O_NOFOLLOW, 0, NULL);

	if (fd >= 0)
		close(fd);
	return fd >= 0 || errno == ELOOP;
}

struct undo_now *
undo_now_open(const char *root, char **cause)
{
	struct rootdir *rd = rootdir_open(root, cause);
	struct undo_now *now;

	if (rd == NULL)
		return NULL;
	now = xcalloc(1, sizeof *now);
	now->alternative = now_alternative;
	now->file_sha = now_file_sha;
	now->exists = now_exists;
	now->installed = undo_installed(rd);
	now->wanted = strv_new();
	now->arg = rd;
	return now;
}

void
undo_now_free(struct undo_now *now)
{
	if (now == NULL)
		return;
	rootdir_free(now->arg);
	strv_free(now->installed);
	strv_free(now->wanted);
	free(now);
}

int
undo_file_prev(const struct rootdir *rd, const char *path, struct undo_rec *r, char **cause)
{
	int fd = rootdir_openat(rd, path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW, 0, NULL);
	struct stat st;
	struct buf b;

	r->what = xstrdup("file");
	r->path = xstrdup(path);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR)) {
		r->absent = 1;
		return 0;
	}
	if (fd < 0 && (errno == EACCES || errno == EPERM) && geteuid() != 0) {
		r->mode = UNDO_UNREADABLE;   /* a privileged write as a user: undo leaves it, says so */
		return 0;
	}
	if (fd < 0 && errno != ELOOP) {
		cause_set(cause, "cannot record %s before it is written: %s", quote_short(path),
		    strerror(errno));
		return -1;
	}
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		r->mode = -1;         /* a symlink or another kind of file: left as it is */
		if (fd >= 0)
			close(fd);
		return 0;
	}
	r->mode = (int)(st.st_mode & 07777);
	buf_init(&b);
	buf_read_fd(&b, fd, UNDO_REC_MAX);
	close(fd);
	r->content = buf_steal(&b);
	return 0;
}

int
undo_absent_dir(struct exec *e, const char *path, struct undo_rec *r)
{
	char *p = exec_expand(e, path);
	int fd = rootdir_openat(exec_rootdir(e), p, O_PATH | O_NOFOLLOW, 0, NULL);

	if (fd >= 0 || (errno != ENOENT && errno != ENOTDIR)) {
		if (fd >= 0)
			close(fd);
		free(p);
		return 0;
	}
	r->what = xstrdup("dir");
	r->path = p;
	return 1;
}

int
undo_record_made(struct exec *e, const struct step *s, const char *path, char **cause)
{
	struct undo_rec r = { 0 };
	int rc = 0;

	if (undo_absent_dir(e, path, &r))
		rc = undo_save(e, s, &r, cause);
	undo_rec_clear(&r);
	return rc;
}

int
undo_reverse_made(const struct undo_rec *r, const struct undo_now *now, struct plan *p,
    char **cause)
{
	(void)cause;
	if (!now->exists(now->arg, r->path))
		undo_note(p, "%s, which the run made, is gone already", r->path);
	else
		undo_add_run(p, r, NULL, "Remove what the run made (absent before it)",
		    r->privileged, "rm", "-rf", "--one-file-system", "--", r->path, NULL);
	return 0;
}

/* 1 when a later run's apt step asked for pkg (NAME:ARCH): by that or by NAME alone. */
static int
undo_wanted(char *const *wanted, const char *pkg)
{
	size_t n = strcspn(pkg, ":");

	for (; wanted != NULL && *wanted != NULL; wanted++)
		if (strcmp(*wanted, pkg) == 0 || (strlen(*wanted) == n &&
		    strncmp(*wanted, pkg, n) == 0))
			return 1;
	return 0;
}

/* dpkg's NAME:ARCH as a word for dpkg --purge (NAME alone for :all); NULL when it is not a
 * package name. */
static char *
undo_pkg_word(const char *pkg)
{
	const char *c = strchr(pkg, ':');
	size_t n = c != NULL ? (size_t)(c - pkg) : strlen(pkg);

	if (n == 0 || !((pkg[0] >= 'a' && pkg[0] <= 'z') || (pkg[0] >= '0' && pkg[0] <= '9')) ||
	    strspn(pkg, "abcdefghijklmnopqrstuvwxyz0123456789+-.:") != strlen(pkg) ||
	    (c != NULL && strchr(c + 1, ':') != NULL))
		return NULL;
	return c != NULL && strcmp(c, ":all") == 0 ? xstrndup(pkg, n) : xstrdup(pkg);
}

/* A dpkg killed while it unpacked a package leaves that package's files as NAME.dpkg-new (and
 * NAME.dpkg-tmp), in no file list, so its purge cannot remove them: those made since the step
 * started are removed (a .dpkg-new outlives only an unpack that was killed). */
static void
undo_dpkg_debris(struct plan *p, const struct undo_rec *r)
{
	struct step *s = undo_add_run(p, r, "debris", "Remove the files dpkg was unpacking when "
	    "the run was killed (NAME.dpkg-new, in no package's file list)", 1, "find", "/etc",
	    "/usr", "/var", "-xdev", "-type", "f", "(", "-name", "*.dpkg-new", "-o",
	    "-name", "*.dpkg-tmp", ")", "-newerct", NULL);

	s->u.run.argv = strv_pushf(s->u.run.argv, "@%lld", r->recorded);
	s->u.run.argv = strv_pushl(s->u.run.argv, "-print", "-delete", NULL);
	s->est_seconds = 5;
	undo_note(p, "every NAME.dpkg-new and NAME.dpkg-tmp under /etc, /usr and /var made since "
	    "step %s started is removed, whichever dpkg left it: if another package manager was "
	    "killed while unpacking since then, its unpack goes as well (reinstall that package)",
	    r->id);
}

int
undo_reverse_packages(const struct undo_rec *r, const struct undo_now *now, struct plan *p,
    char **cause)
{
	char *const *base = r->after != NULL ? r->after : now->installed;
	char **purge = strv_new(), *w;
	size_t gone = 0;
	struct step *s;

	(void)cause;
	for (size_t i = 0; base != NULL && base[i] != NULL; i++) {
		if (strv_contains(r->before, base[i]))
			continue;
		if (!strv_contains(now->installed, base[i]))
			gone++;
		else if (undo_wanted(now->wanted, base[i]))
			undo_note(p, "%s stays: a later run asked for it", base[i]);
		else if ((w = undo_pkg_word(base[i])) == NULL)
			undo_note(p, "%s stays: not a package name", quote_short(base[i]));
		else {
			purge = strv_push(purge, w);
			free(w);
		}
	}
	undo_note(p, "the %zu packages installed before the run stay", strv_len(r->before));
	if (r->after == NULL)
		undo_note(p, "step %s did not finish: every package installed since it started is "
		    "taken as its (unless a later run asked for it), and one dpkg was unpacking is "
		    "marked for reinstallation: it was not there before, so it is removed all the "
		    "same (dpkg --force-remove-reinstreq)", r->id);
	if (gone > 0)
		undo_note(p, "%zu packages the run installed are not installed any more", gone);
	if (purge[0] != NULL) {
		s = undo_add_run(p, r, NULL, "Remove the packages the run installed (dpkg refuses if "
		    "another package needs one)", 1, "dpkg", "--purge", NULL);
		if (r->after == NULL)      /* killed mid-unpack: dpkg refuses to purge it otherwise */
			s->u.run.argv = strv_push(s->u.run.argv, "--force-remove-reinstreq");
		s->u.run.argv = strv_append(s->u.run.argv, purge);
		s->u.run.env = strv_push(strv_new(), "DEBIAN_FRONTEND=noninteractive");
		s->est_seconds = 60;
		if (r->after == NULL && r->recorded > 0)
			undo_dpkg_debris(p, r);
	}
	strv_free(purge);
	return 0;
}

void
undo_note(struct plan *p, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	p->notes = strv_push(p->notes != NULL ? p->notes : strv_new(), line);
	free(line);
}

struct step *
undo_add(struct plan *p, const struct undo_rec *r, const char *suffix, const char *title,
    enum action_kind kind)
{
	struct step *s;

	p->steps = xreallocarray(p->steps, p->nsteps + 1, sizeof *p->steps);
	s = &p->steps[p->nsteps++];
	memset(s, 0, sizeof *s);
	s->id = xasprintf("undo-%s%s%s", r->id, suffix != NULL ? "-" : "",
	    suffix != NULL ? suffix : "");
	s->title = xstrdup(title);
	s->why = xstrdup("undo: what the run's step replaced, as it recorded it before the change");
	s->kind = kind;
	s->privileged = r->privileged;
	return s;
}

struct step *
undo_add_run(struct plan *p, const struct undo_rec *r, const char *suffix, const char *title,
    int privileged, ...)
{
	struct step *s = undo_add(p, r, suffix, title, ACTION_RUN);
	const char *a;
	va_list ap;

	s->privileged = privileged;
	s->u.run.argv = strv_new();
	va_start(ap, privileged);
	while ((a = va_arg(ap, const char *)) != NULL)
		s->u.run.argv = strv_push(s->u.run.argv, a);
	va_end(ap);
	return s;
}

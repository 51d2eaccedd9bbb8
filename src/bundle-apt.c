/* bundle-apt.c — the .debs a plan's apt steps need, resolved for the target's release and architecture with a private apt configuration, laid out as an archive. */
/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "armpy.h"
#include "bundle.h"
#include "facts.h"

#define APT_OUT_MAX (16 << 20)

#define BA_SRC_MAX 4

struct bapt {
	const char *work, *suite, *arch;            /* arch: Debian's spelling */
	struct {
		char *url;                          /* no trailing '/' */
		char *suite;                        /* "bookworm-security" */
		const char *dir;                    /* apt/DIR in the bundle */
	} src[BA_SRC_MAX];
	size_t nsrc;
	char *dir;                                  /* work/aptwork: apt's private state */
	char **cause;
};

static const char *
deb_arch(const char *uname_arch)
{
	if (uname_arch == NULL)
		return NULL;
	return strcmp(uname_arch, "x86_64") == 0 ? "amd64" :
	    strcmp(uname_arch, "aarch64") == 0 ? "arm64" : NULL;
}

/* apt-get with the private configuration: nothing of the host's apt state is read or written
 * (its sources, preferences, lists, caches, dpkg status). */
static char **
ba_argv(const struct bapt *b)
{
	char **v = strv_pushl(strv_new(), "/usr/bin/apt-get", "-q", NULL);
	const char *const opts[] = { "Dir::Etc::sourcelist=%s/sources.list",
	    "Dir::State::Lists=%s/lists", "Dir::State::status=%s/status", "Dir::Cache=%s/cache",
	    "Dir::Cache::archives=%s/cache/archives", "Dir::State=%s/state",
	    "Dir::Etc::preferences=%s/preferences", "Dir::Etc::sourceparts=%s/empty",
	    "Dir::Etc::preferencesparts=%s/empty", NULL };

	for (size_t i = 0; opts[i] != NULL; i++) {
		v = strv_push(v, "-o");
		v = strv_pushf(v, opts[i], b->dir);
	}
	v = strv_pushl(v, "-o", "Acquire::GzipIndexes=false", "-o", "Acquire::Languages=none", "-o",
	    "APT::Install-Recommends=false", "-o", "APT::Sandbox::User=root", NULL);
	v = strv_push(v, "-o");
	v = strv_pushf(v, "APT::Architecture=%s", b->arch);
	v = strv_push(v, "-o");
	return strv_pushf(v, "APT::Architectures=%s", b->arch);
}

/* Why apt failed, in its own words: its "E:" lines (one line, ' / ' between), else the end of
 * its output (new). */
static char *
ba_why(const char *text)
{
	struct buf w;
	const char *p = text;

	buf_init(&w);
	for (; p != NULL && *p != '\0'; p = strchr(p, '\n') != NULL ? strchr(p, '\n') + 1 : NULL)
		if (str_startswith(p, "E: ")) {
			buf_puts(&w, w.len > 0 ? " / " : "");
			buf_add(&w, p + 3, strcspn(p + 3, "\n"));
		}
	if (w.len == 0)
		buf_puts(&w, strlen(text) > 2000 ? text + strlen(text) - 2000 : text);
	return buf_steal(&w);
}

/* Runs argv (freed), its output (stdout and stderr) in *out when out is not NULL; what names
 * it in errors. */
static int
ba_run(struct bapt *b, const char *what, char **argv, char **out)
{
	char *text;
	int st = proc_capture(argv, PROC_MERGE_STDERR, 1800, APT_OUT_MAX, &text);

	strv_free(argv);
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char *why = st < 0 ? xstrdup(strerror(errno)) : ba_why(text);
		cause_set(b->cause, "apt-get %s (private configuration in %s) failed: %s", what,
		    b->dir, why);
		free(why);
		free(text);
		return -1;
	}
	if (out != NULL)
		*out = text;
	else
		free(text);
	return 0;
}

static int
ba_write(struct bapt *b, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", b->dir, name);
	int rc = file_write_atomic(path, text, strlen(text), 0644, b->cause);

	free(path);
	return rc;
}

/* The private tree and its sources list: the target's suite from mirror, main, its arch. */
static int
ba_setup(struct bapt *b)
{
	const char *const dirs[] = { "lists/partial", "cache/archives/partial", "state", "empty",
	    NULL };
	struct buf lines;
	char *line;
	int rc;

	for (size_t i = 0; dirs[i] != NULL; i++) {
		char *d = xasprintf("%s/%s", b->dir, dirs[i]);
		rc = mkdir_p(d, 0755, b->cause);
		free(d);
		if (rc != 0)
			return -1;
	}
	buf_init(&lines);
	for (size_t i = 0; i < b->nsrc; i++)
		buf_printf(&lines, "deb [signed-by=%s arch=%s] %s %s main\n", BUNDLE_KEYRING,
		    b->arch, b->src[i].url, b->src[i].suite);
	line = buf_steal(&lines);
	rc = ba_write(b, "sources.list", line);
	free(line);
	if (rc != 0 || ba_write(b, "status", "") != 0 || ba_write(b, "preferences", "") != 0)
		return -1;
	return 0;
}

/* The file in lists/ whose name ends with suffix (apt names them after the URI), new. */
static char *
ba_list(struct bapt *b, const char *suffix)
{
	char *lists = xasprintf("%s/lists", b->dir), *found = NULL;
	DIR *d = opendir(lists);
	struct dirent *e;

	while (d != NULL && found == NULL && (e = readdir(d)) != NULL)
		if (str_endswith(e->d_name, suffix))
			found = xasprintf("%s/%s", lists, e->d_name);
	if (d != NULL)
		closedir(d);
	if (found == NULL)
		cause_set(b->cause, "apt-get update left no file *%s in %s", suffix, lists);
	free(lists);
	return found;
}

static int
ba_required(const char *stanza)
{
	static const char key[] = "\nPriority: required";
	const char *f = strstr(stanza, key);

	return f != NULL && (f[sizeof key - 1] == '\n' || f[sizeof key - 1] == '\0');
}

/* The names of the Priority: required packages of the Packages text. */
static char **
ba_required_names(char *text)
{
	char **v = strv_new(), *p, *next;

	for (p = text; p != NULL && *p != '\0'; p = next) {
		next = strstr(p, "\n\n");
		if (next != NULL)
			*next = '\0';          /* the stanza alone; put back below */
		if (ba_required(p) && str_startswith(p, "Package: "))
			v = strv_pushf(v, "%.*s", (int)strcspn(p + 9, "\n"), p + 9);
		if (next != NULL)
			*next = '\n', next += 2;
	}
	return v;
}

/* The stanzas whose "NAME VERSION" is in set, marked installed, as a dpkg status (new). */
static char *
ba_status_text(char *text, char *const *set)
{
	struct buf st;
	char *p, *next, *key;
	const char *ver;

	buf_init(&st);
	for (p = text; p != NULL && *p != '\0'; p = next) {
		next = strstr(p, "\n\n");
		if (next != NULL)
			*next = '\0', next += 2;
		if (!str_startswith(p, "Package: ") || (ver = strstr(p, "\nVersion: ")) == NULL)
			continue;
		key = xasprintf("%.*s %.*s", (int)strcspn(p + 9, "\n"), p + 9,
		    (int)strcspn(ver + 10, "\n"), ver + 10);
		if (strv_contains(set, key)) {
			buf_puts(&st, p);
			buf_puts(&st, "\nStatus: install ok installed\n\n");
		}
		free(key);
	}
	return buf_steal(&st);
}

/* What apt would install for names on an empty system: "NAME VERSION" of each "Inst NAME
 * (VERSION ..." line of -s (new). */
static char **
ba_closure(struct bapt *b, char *const *names)
{
	char **argv = strv_append(strv_pushl(ba_argv(b), "install", "-s", "-y", NULL), names);
	char *out = NULL, *line, *save = NULL, **v, *ver;

	if (ba_run(b, "install -s (the minimal installation)", argv, &out) != 0)
		return NULL;
	v = strv_new();
	for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		if (str_startswith(line, "Inst ") && (ver = strstr(line, " (")) != NULL)
			v = strv_pushf(v, "%.*s %.*s", (int)strcspn(line + 5, " :"), line + 5,
			    (int)strcspn(ver + 2, " )"), ver + 2);
	free(out);
	return v;
}

static char *ba_packages(struct bapt *, size_t i);

/* Every suite's Packages, one text (new), or NULL. */
static char *
ba_all_packages(struct bapt *b)
{
	struct buf all;
	char *pk, *text;

	buf_init(&all);
	for (size_t i = 0; i < b->nsrc; i++) {
		if ((pk = ba_packages(b, i)) == NULL ||
		    (text = file_read(pk, 1u << 30, NULL, b->cause)) == NULL) {
			free(pk);
			buf_free(&all);
			return NULL;
		}
		buf_puts(&all, text);
		buf_puts(&all, "\n\n");
		free(text);
		free(pk);
	}
	return buf_steal(&all);
}

/* A minimal installation of the release, as debootstrap makes it: the Priority: required
 * packages, apt, usr-is-merged, and what they depend on, marked installed in apt's private
 * dpkg status (the versions apt picks from all the suites, as a debootstrap and an upgrade
 * leave them). */
static int
ba_minimal(struct bapt *b)
{
	char *text = ba_all_packages(b), *st;
	char **names, **set;
	int rc = -1;

	if (text == NULL)
		return -1;
	/* usr-is-merged, as debootstrap installs it (merged /usr): else apt satisfies
	 * init-system-helpers' "usrmerge | usr-is-merged" with usrmerge, which pulls perl, and a
	 * bundle would lack perl for what needs it (build-essential's dpkg-dev) */
	names = strv_pushl(ba_required_names(text), "apt", "usr-is-merged", NULL);
	if ((set = ba_closure(b, names)) != NULL) {
		st = ba_status_text(text, set);
		rc = ba_write(b, "status", st);
		free(st);
	}
	strv_free(set);
	strv_free(names);
	free(text);
	return rc;
}

/* Moves src (absolute) to work/rel and adds it to the manifest with its size and sha256. */
static int
ba_take(struct bapt *b, const char *src, const char *rel, struct bundle_manifest *m)
{
	char *dst = xasprintf("%s/%s", b->work, rel), *dir = xstrdup(dst), hex[65];
	long long size;
	int rc = -1;

	*strrchr(dir, '/') = '\0';
	if (bundle_path_ok(rel, b->cause) != 0 || mkdir_p(dir, 0755, b->cause) != 0)
		goto out;
	if (rename(src, dst) != 0) {
		cause_set(b->cause, "%s: %s", dst, strerror(errno));
		goto out;
	}
	if (bundle_sha256_file(dst, &size, hex, b->cause) != 0)
		goto out;
	bundle_manifest_add(m, rel, size, hex);
	rc = 0;
out:
	free(dir);
	free(dst);
	return rc;
}

/* The list file of source i's Packages (new), or NULL. */
static char *
ba_packages(struct bapt *b, size_t i)
{
	char *suffix = xasprintf("_dists_%s_main_binary-%s_Packages", b->src[i].suite, b->arch);
	char *pk = ba_list(b, suffix);

	free(suffix);
	return pk;
}

/* Each archive's signed index as the mirror serves it: InRelease and the Packages it vouches
 * for (apt verified both when it read them). */
static int
ba_index(struct bapt *b, struct bundle_manifest *m)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < b->nsrc; i++) {
		char *suffix = xasprintf("_dists_%s_InRelease", b->src[i].suite);
		char *pk = ba_packages(b, i), *inrel = ba_list(b, suffix), *rel;
		rc = -1;
		if (pk != NULL && inrel != NULL) {
			rel = xasprintf("apt/%s/dists/%s/main/binary-%s/Packages", b->src[i].dir,
			    b->src[i].suite, b->arch);
			rc = ba_take(b, pk, rel, m);
			free(rel);
			rel = xasprintf("apt/%s/dists/%s/InRelease", b->src[i].dir, b->src[i].suite);
			if (rc == 0)
				rc = ba_take(b, inrel, rel, m);
			free(rel);
		}
		free(suffix);
		free(pk);
		free(inrel);
	}
	return rc;
}

/* apt's URIs are percent-encoded ('+' is %2b); the pool path is the decoded one. In place. */
static void
ba_unescape(char *s)
{
	char *w = s;
	unsigned v;

	for (; *s != '\0'; s++, w++) {
		if (*s == '%' && sscanf(s + 1, "%2x", &v) == 1 && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2]) && v > 0x20 && v < 0x7f) {
			*w = (char)v;
			s += 2;
		} else
			*w = *s;
	}
	*w = '\0';
}

/* One line of --print-uris: 'URI' FILE SIZE SHA256:HEX; the .deb moved to its pool path. */
static int
ba_uri(struct bapt *b, char *line, struct bundle_manifest *m)
{
	char *uri = line + 1, *end = strchr(uri, '\''), *file, *src, *rel;
	size_t ml = 0, i;
	int rc;

	for (i = 0; i < b->nsrc; i++) {
		ml = strlen(b->src[i].url);
		if (strncmp(uri, b->src[i].url, ml) == 0 && uri[ml] == '/')
			break;
	}
	if (end == NULL || i == b->nsrc)
		goto bad;
	*end = '\0';
	file = end + 2;
	if (end[1] != ' ' || (end = strchr(file, ' ')) == NULL)
		goto bad;
	*end = '\0';
	if (strchr(file, '/') != NULL || *file == '.')
		goto bad;
	src = xasprintf("%s/cache/archives/%s", b->dir, file);
	rel = xasprintf("apt/%s/%s", b->src[i].dir, uri + ml + 1);
	ba_unescape(rel);
	rc = ba_take(b, src, rel, m);
	free(src);
	free(rel);
	return rc;
bad:
	cause_set(b->cause, "apt-get --print-uris: a line that is not a package of the bundle's "
	    "archives: '%s'", quote_short(line));
	return -1;
}

static char **
ba_install(const struct bapt *b, const char *how, char *const *packages)
{
	char **v = strv_pushl(ba_argv(b), "install", "-y", how, NULL);

	return strv_append(v, packages);
}

/* The packages and every dependency a minimal installation lacks: their URIs, then the files. */
static int
ba_debs(struct bapt *b, char *const *packages, struct bundle_manifest *m)
{
	char *out = NULL, *line, *save = NULL;
	int rc = 0, n = 0;

	if (ba_run(b, "install --print-uris", ba_install(b, "--print-uris", packages), &out) != 0 ||
	    ba_run(b, "install --download-only", ba_install(b, "--download-only", packages), NULL) != 0) {
		free(out);
		return -1;
	}
	for (line = strtok_r(out, "\n", &save); rc == 0 && line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (*line == '\'' && (rc = ba_uri(b, line, m)) == 0)
			n++;
	free(out);
	if (rc == 0 && n == 0) {
		cause_set(b->cause, "apt resolved no package to download for %s", b->suite);
		rc = -1;
	}
	return rc;
}

/* The archives of the bundle (bundle_archives): Debian's from mirror, its security
 * archive from security. */
static void
ba_sources(struct bapt *b, const char *mirror, const char *security)
{
	size_t n;
	const struct bundle_archive *a = bundle_archives(&n);

	for (size_t i = 0; i < n && i < BA_SRC_MAX; i++) {
		char *url = xstrdup(strcmp(a[i].dir, "debian") == 0 ? mirror : security);
		while (*url != '\0' && url[strlen(url) - 1] == '/')
			url[strlen(url) - 1] = '\0';
		b->src[i].url = url;
		b->src[i].suite = xasprintf("%s%s", b->suite, a[i].suffix);
		b->src[i].dir = a[i].dir;
		b->nsrc++;
	}
}

int
bundle_apt_fetch(const struct facts *f, const char *mirror, const char *security,
    char *const *packages, const char *work, struct bundle_manifest *m, char **cause)
{
	struct bapt b;
	int rc = -1;

	memset(&b, 0, sizeof b);
	b.work = work;
	b.suite = bundle_suite(f);
	b.arch = deb_arch(f->arch);
	b.cause = cause;
	b.dir = xasprintf("%s/aptwork", work);
	if (b.suite == NULL || b.arch == NULL)
		cause_set(cause, "no Debian suite or architecture for %s %s",
		    f->distro_version != NULL ? f->distro_version : "unknown",
		    f->arch != NULL ? f->arch : "unknown");
	else {
		ba_sources(&b, mirror, security);
		if (ba_setup(&b) == 0 &&
		    ba_run(&b, "update", strv_push(ba_argv(&b), "update"), NULL) == 0 &&
		    ba_minimal(&b) == 0 && ba_debs(&b, packages, m) == 0 && ba_index(&b, m) == 0)
			rc = 0;
	}
	for (size_t i = 0; i < b.nsrc; i++) {
		free(b.src[i].url);
		free(b.src[i].suite);
	}
	free(b.dir);
	return rc;
}

/* bundle-read.c — a bundle verified member by member (manifest, names, sizes, sha256) and unpacked into the root only when all of it matched. */
/* SPDX-License-Identifier: MIT */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "armpy.h"
#include "bundle.h"
#include "plan.h"
#include "profile.h"
#include "rootdir.h"
#include "vis.h"
#include "ydoc.h"
#include "lazy.h"

#define BUNDLE_PARENT "/var/lib/armpy"     /* BUNDLE_DIR's parent */
#define BUNDLE_NAME "bundle"

struct bread {
	const char *file;
	struct archive *a;
	struct bundle_manifest *m;
	char *seen;                 /* per manifest file */
	struct rootdir *rd;         /* NULL: verification only */
	int fd;                     /* the bundle file */
	int dfd;                    /* BUNDLE_PARENT in the root */
	char *tmp;                  /* the new directory's name in dfd */
	char *plan, *profile;       /* plan.yaml, profile.yaml */
	char **cause;
};

static int
br_fail(struct bread *b, const char *fmt, const char *name)
{
	char *shown = vis_str(name);      /* a member's name is the bundle maker's bytes */

	cause_set(b->cause, fmt, quote_short(b->file), quote_short(shown));
	free(shown);
	return -1;
}

/* libarchive's reason, or a reason when it gives none. */
static const char *
br_error(struct bread *b)
{
	const char *e = archive_error_string(b->a);

	return e != NULL ? e : "not a tar file, zstd-compressed or not";
}

/* The whole data of the current member, at most max bytes (new). */
static char *
br_slurp(struct bread *b, size_t max, size_t *len)
{
	struct buf out;
	const void *data;
	size_t n;
	la_int64_t off;
	int r;

	buf_init(&out);
	while ((r = archive_read_data_block(b->a, &data, &n, &off)) == ARCHIVE_OK) {
		if (out.len + n > max)
			break;
		buf_add(&out, data, n);
	}
	if (r != ARCHIVE_EOF) {
		cause_set(b->cause, "refused: %s: MANIFEST is unreadable or larger than %zu bytes",
		    quote_short(b->file), max);
		buf_free(&out);
		return NULL;
	}
	*len = out.len;
	return buf_steal(&out);
}

static void
bundle_hex(const unsigned char *d, unsigned int n, char hex[65])
{
	for (unsigned int i = 0; i < n && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	hex[64] = '\0';
}

int
bundle_sha256_file(const char *path, long long *size, char hex[65], char **cause)
{
	EVP_MD_CTX *md;
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dn = 0;
	static char blk[1 << 16];
	ssize_t n;
	int fd;

	if (lazy_crypto_load(cause) != 0)
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		cause_set(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	*size = 0;
	while ((n = read(fd, blk, sizeof blk)) > 0) {
		EVP_DigestUpdate(md, blk, (size_t)n);
		*size += n;
	}
	EVP_DigestFinal_ex(md, d, &dn);
	EVP_MD_CTX_free(md);
	close(fd);
	if (n < 0) {
		cause_set(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	bundle_hex(d, dn, hex);
	return 0;
}

/* The first member: the manifest, whose target must be this machine. */
static int
br_manifest(struct bread *b, const struct facts *f)
{
	struct archive_entry *ent;
	char *text;
	size_t len;

	if (archive_read_next_header(b->a, &ent) != ARCHIVE_OK)
		return br_fail(b, "refused: %s is not a bundle (%s)", br_error(b));
	if (archive_entry_pathname(ent) == NULL ||
	    strcmp(archive_entry_pathname(ent), "MANIFEST") != 0 ||
	    archive_entry_filetype(ent) != AE_IFREG)
		return br_fail(b, "refused: %s is not a bundle: its first member is not the file "
		    "MANIFEST but '%s'", archive_entry_pathname(ent) != NULL ?
		    archive_entry_pathname(ent) : "");
	if ((text = br_slurp(b, BUNDLE_MANIFEST_MAX, &len)) == NULL)
		return -1;
	b->m = bundle_manifest_parse(text, len, b->cause);
	free(text);
	if (b->m == NULL)
		return -1;
	b->seen = xcalloc(b->m->nfiles + 1, 1);
	return bundle_target_ok(b->m, f, b->cause);
}

static ssize_t
br_find(const struct bread *b, const char *name)
{
	for (size_t i = 0; i < b->m->nfiles; i++)
		if (strcmp(b->m->files[i].path, name) == 0)
			return (ssize_t)i;
	return -1;
}

/* A new file for member name in the new directory; -1 with *cause. */
static int
br_create(struct bread *b, const char *name)
{
	char *path = xasprintf("%s/%s/%s", BUNDLE_PARENT, b->tmp, name), *base = NULL;
	int dfd = rootdir_parent(b->rd, path, 1, &base, b->cause), fd = -1;

	if (dfd >= 0) {
		fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0)
			cause_set(b->cause, "%s: %s", path, strerror(errno));
		close(dfd);
	}
	free(base);
	free(path);
	return fd;
}

/* Streams the member's data through sha256 (and into fd when >= 0): its size and sha256 must
 * be the manifest's. */
static int
br_data(struct bread *b, const struct bundle_file *bf, int fd, struct buf *keep)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dn = 0;
	char hex[65];
	const void *data;
	size_t n;
	la_int64_t off;
	long long total = 0;
	int r, rc = -1;

	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	while ((r = archive_read_data_block(b->a, &data, &n, &off)) == ARCHIVE_OK) {
		if (off != total || total + (long long)n > bf->size)
			break;
		total += n;
		EVP_DigestUpdate(md, data, n);
		if (keep != NULL)
			buf_add(keep, data, n);
		if (fd >= 0 && write_all(fd, data, n) != 0) {
			cause_set(b->cause, "writing %s: %s", bf->path, strerror(errno));
			goto out;
		}
	}
	EVP_DigestFinal_ex(md, d, &dn);
	bundle_hex(d, dn, hex);
	if (r != ARCHIVE_EOF || total != bf->size)
		br_fail(b, "refused: %s: member '%s' is not the size the manifest says (or is "
		    "unreadable)", bf->path);
	else if (strcmp(hex, bf->sha256) != 0)
		br_fail(b, "refused: %s: member '%s' does not have the sha256 the manifest says",
		    bf->path);
	else
		rc = 0;
out:
	EVP_MD_CTX_free(md);
	return rc;
}

/* plan.yaml and profile.yaml are kept: the install compares with and plans from them. */
static char **
br_slot(struct bread *b, const struct bundle_file *bf)
{
	if (bf->size > YDOC_MAX_BYTES)
		return NULL;
	return strcmp(bf->path, "plan.yaml") == 0 ? &b->plan :
	    strcmp(bf->path, "profile.yaml") == 0 ? &b->profile : NULL;
}

static int
br_member(struct bread *b, struct archive_entry *ent)
{
	const char *name = archive_entry_pathname(ent);
	const struct bundle_file *bf;
	struct buf keep;
	char **slot;
	ssize_t i;
	int fd = -1, rc;

	if (name == NULL || bundle_path_ok(name, b->cause) != 0)
		return br_fail(b, "refused: %s: a member's name is not allowed ('%s')",
		    name != NULL ? name : "");
	if ((i = br_find(b, name)) < 0 || b->seen[i])
		return br_fail(b, i < 0 ? "refused: %s: member '%s' is not in the manifest" :
		    "refused: %s: member '%s' comes twice", name);
	bf = &b->m->files[i];
	b->seen[i] = 1;
	if (archive_entry_filetype(ent) != AE_IFREG || archive_entry_hardlink(ent) != NULL)
		return br_fail(b, "refused: %s: member '%s' is not a regular file", name);
	if (b->rd != NULL && (fd = br_create(b, name)) < 0)
		return -1;
	buf_init(&keep);
	slot = br_slot(b, bf);
	rc = br_data(b, bf, fd, slot != NULL ? &keep : NULL);
	if (fd >= 0 && close(fd) != 0 && rc == 0) {
		cause_set(b->cause, "writing %s: %s", name, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && slot != NULL)
		*slot = buf_steal(&keep);
	buf_free(&keep);
	return rc;
}

/* Every manifest file was there. */
static int
br_complete(struct bread *b)
{
	for (size_t i = 0; i < b->m->nfiles; i++)
		if (!b->seen[i])
			return br_fail(b, "refused: %s: member '%s' of the manifest is missing",
			    b->m->files[i].path);
	if (b->plan == NULL || b->profile == NULL)
		return br_fail(b, "refused: %s: %s is missing", b->plan == NULL ? "plan.yaml" :
		    "profile.yaml");
	return 0;
}

/* The new directory: under BUNDLE_PARENT in the root, readable by apt's own user. */
static int
br_open_root(struct bread *b, const char *root)
{
	if ((b->rd = rootdir_open(root, b->cause)) == NULL)
		return -1;
	if ((b->dfd = rootdir_mkdirs(b->rd, BUNDLE_PARENT, 0755, b->cause)) < 0)
		return -1;
	if ((b->tmp = rootdir_mkdtemp(b->dfd, ".bundle-", b->cause)) == NULL)
		return -1;
	if (fchmodat(b->dfd, b->tmp, 0755, 0) != 0) {
		cause_set(b->cause, "%s/%s: %s", BUNDLE_PARENT, b->tmp, strerror(errno));
		return -1;
	}
	return 0;
}

/* All of it matched: apt's lists directory made, then the new directory replaces the old. */
static int
br_commit(struct bread *b)
{
	char *lists = xasprintf("%s/%s/lists/partial", BUNDLE_PARENT, b->tmp);
	int fd = rootdir_mkdirs(b->rd, lists, 0755, b->cause);

	free(lists);
	if (fd < 0)
		return -1;
	close(fd);
	if (rootdir_rm_rf(b->dfd, BUNDLE_NAME, BUNDLE_DIR, b->cause) != 0 && errno != ENOENT)
		return -1;
	if (renameat(b->dfd, b->tmp, b->dfd, BUNDLE_NAME) != 0) {
		cause_set(b->cause, "%s: %s", BUNDLE_DIR, strerror(errno));
		return -1;
	}
	free(b->tmp);
	b->tmp = NULL;
	return 0;
}

static int
br_run(struct bread *b, const char *root, const struct facts *f)
{
	struct archive_entry *ent;
	int r;

	struct stat st;

	/* O_NONBLOCK: a FIFO given as the bundle is refused below, not waited on. */
	if ((b->fd = open(b->file, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		cause_set(b->cause, "%s: %s", quote_short(b->file), strerror(errno));
		return -1;
	}
	if (fstat(b->fd, &st) != 0 || !S_ISREG(st.st_mode))
		return br_fail(b, "refused: %s is not a bundle: %s", "not a regular file");
	b->a = archive_read_new();         /* what bundle_write makes: a tar, zstd or not */
	archive_read_support_filter_zstd(b->a);
	archive_read_support_format_tar(b->a);
	if (archive_read_open_fd(b->a, b->fd, 1 << 16) != ARCHIVE_OK)
		return br_fail(b, "refused: %s is not a bundle (%s)", br_error(b));
	if (br_manifest(b, f) != 0 || (root != NULL && br_open_root(b, root) != 0))
		return -1;
	while ((r = archive_read_next_header(b->a, &ent)) == ARCHIVE_OK)
		if (br_member(b, ent) != 0)
			return -1;
	if (r != ARCHIVE_EOF)
		return br_fail(b, "refused: %s: %s", br_error(b));
	if (br_complete(b) != 0)
		return -1;
	return b->rd != NULL ? br_commit(b) : 0;
}

struct bundle_manifest *
bundle_read(const char *file, const char *root, const struct facts *f, char **plan_yaml,
    char **profile_yaml, char **cause)
{
	struct bread b;
	int rc;

	memset(&b, 0, sizeof b);
	b.file = file;
	b.cause = cause;
	b.dfd = b.fd = -1;
	*plan_yaml = *profile_yaml = NULL;
	if (lazy_archive_load(cause) != 0 || lazy_crypto_load(cause) != 0)
		return NULL;
	rc = br_run(&b, root, f);
	if (b.tmp != NULL)
		rootdir_rm_rf(b.dfd, b.tmp, b.tmp, NULL);
	if (b.a != NULL)
		archive_read_free(b.a);
	if (b.fd >= 0)
		close(b.fd);
	if (b.dfd >= 0)
		close(b.dfd);
	rootdir_free(b.rd);
	free(b.tmp);
	free(b.seen);
	if (rc != 0) {
		bundle_manifest_free(b.m);
		free(b.plan);
		free(b.profile);
		return NULL;
	}
	*plan_yaml = b.plan;
	*profile_yaml = b.profile;
	return b.m;
}

int
bundle_read_plan(const char *file, const char *root, const struct facts *f, struct plan **plan,
    struct profile **profile, char **cause)
{
	char *plan_yaml = NULL, *profile_yaml = NULL;
	struct bundle_manifest *m = bundle_read(file, root, f, &plan_yaml, &profile_yaml, cause);
	struct ynode *n;

	*plan = NULL;
	if (profile != NULL)
		*profile = NULL;
	if (m != NULL && (n = ydoc_parse(plan_yaml, strlen(plan_yaml), "plan.yaml", cause)) != NULL) {
		*plan = plan_from_node(n, "plan.yaml", cause);
		ynode_free(n);
	}
	if (*plan != NULL && profile != NULL &&
	    (*profile = profile_parse(profile_yaml, strlen(profile_yaml), "profile.yaml",
	    cause)) == NULL) {
		plan_free(*plan);
		*plan = NULL;
	}
	bundle_manifest_free(m);
	free(plan_yaml);
	free(profile_yaml);
	return *plan != NULL ? 0 : -1;
}

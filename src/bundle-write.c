/* bundle-write.c — the bundle file written: MANIFEST first, then each file it lists, as one zstd-compressed tar, atomically. */
/* SPDX-License-Identifier: MIT */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "armpy.h"
#include "bundle.h"
#include "lazy.h"

/* libarchive's reason for a failed write, with the system's (a full disk says so). */
static void
bw_error(struct archive *a, const char *name, char **cause)
{
	const char *what = archive_error_string(a) != NULL ? archive_error_string(a) : "failed";

	if (archive_errno(a) > 0)
		cause_set(cause, "%s: %s (%s)", name, what, strerror(archive_errno(a)));
	else
		cause_set(cause, "%s: %s", name, what);
}

/* One member from data (len bytes) or, with data NULL, from the file fd. */
static int
bw_member(struct archive *a, const char *name, const char *data, long long len, int fd,
    char **cause)
{
	struct archive_entry *e = archive_entry_new();
	static char blk[1 << 16];
	long long done = 0;
	ssize_t n;
	int rc = -1;

	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, len);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		goto out;
	if (data != NULL && archive_write_data(a, data, (size_t)len) != (la_ssize_t)len)
		goto out;
	while (data == NULL && done < len && (n = read(fd, blk, sizeof blk)) > 0) {
		if (archive_write_data(a, blk, (size_t)n) != n)
			goto out;
		done += n;
	}
	rc = data != NULL || done == len ? 0 : -1;
out:
	if (rc != 0 && archive_error_string(a) == NULL)
		cause_set(cause, "%s: the file changed while it was read", name);
	else if (rc != 0)
		bw_error(a, name, cause);
	archive_entry_free(e);
	return rc;
}

/* Every file of the manifest from dir, with a progress line on stderr (a terminal) per file. */
static int
bw_files(struct archive *a, const char *dir, const struct bundle_manifest *m, char **cause)
{
	long long all = 0, done = 0;
	int tty = isatty(STDERR_FILENO);

	for (size_t i = 0; i < m->nfiles; i++)
		all += m->files[i].size;
	for (size_t i = 0; i < m->nfiles; i++) {
		const struct bundle_file *bf = &m->files[i];
		char *path = xasprintf("%s/%s", dir, bf->path);
		int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), rc;

		free(path);
		if (proc_interrupted) {           /* SIGINT...: the partial file is removed */
			if (fd >= 0)
				close(fd);
			cause_set(cause, "interrupted");
			return -1;
		}
		if (fd < 0) {
			cause_set(cause, "%s: %s", bf->path, strerror(errno));
			return -1;
		}
		rc = bw_member(a, bf->path, NULL, bf->size, fd, cause);
		close(fd);
		if (rc != 0)
			return -1;
		done += bf->size;
		if (tty)
			fprintf(stderr, "\r  writing the bundle: %3d%% (%zu of %zu files)",
			    all > 0 ? (int)(100 * done / all) : 100, i + 1, m->nfiles);
	}
	if (tty)
		fputc('\n', stderr);
	return 0;
}

static int
bw_archive(int fd, const char *dir, const struct bundle_manifest *m, char **cause)
{
	struct archive *a = archive_write_new();
	char *text = bundle_manifest_yaml(m);
	int rc = -1;

	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_add_filter_zstd(a) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK)
		bw_error(a, "the bundle", cause);
	else if (bw_member(a, "MANIFEST", text, (long long)strlen(text), -1, cause) == 0 &&
	    bw_files(a, dir, m, cause) == 0) {
		rc = archive_write_close(a) == ARCHIVE_OK ? 0 : -1;
		if (rc != 0)
			bw_error(a, "the bundle's end", cause);
	}
	archive_write_free(a);
	free(text);
	return rc;
}

int
bundle_write(const char *out, const char *dir, const struct bundle_manifest *m, char **cause)
{
	char *tmp = xasprintf("%s.XXXXXX", out), *why = NULL;
	int fd, rc = -1;

	if (lazy_archive_load(cause) != 0) {
		free(tmp);
		return -1;
	}
	if ((fd = mkstemp(tmp)) < 0) {
		cause_set(cause, "%s: %s", out, strerror(errno));
		free(tmp);
		return -1;
	}
	if (bw_archive(fd, dir, m, &why) != 0)
		cause_set(cause, "writing %s: %s", out, why != NULL ? why : "failed");
	else if (fchmod(fd, 0644) != 0 || fsync(fd) != 0 || rename(tmp, out) != 0)
		cause_set(cause, "%s: %s", out, strerror(errno));
	else
		rc = 0;
	close(fd);
	if (rc != 0)
		unlink(tmp);
	free(why);
	free(tmp);
	return rc;
}

/* act-download.c — download steps: libcurl to DEST.part, Range resume, sha256 (EVP), URL policy; from a bundle, its file copied inside the root. */
/* SPDX-License-Identifier: MIT */
#include "action.h"
#include "armpy.h"
#include "bundle.h"
#include "exec-int.h"
#include "plan.h"
#include "undo.h"
#include "profile.h"
#include "rootdir.h"
#include "ydoc.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "lazy.h"

#define DL_MAX_REDIRECTS 10
#define DL_MAX_BYTES (4LL * 1024 * 1024 * 1024)   /* a download without a size: 4 GiB */

static int
dl_env_int(const char *name, int def)
{
	const char *v = getenv(name);

	return v != NULL && *v >= '0' && *v <= '9' ? atoi(v) : def;
}

/* A signal stops the download: the run's (exec_signalled), or armpy bundle's (proc_interrupt). */
static int
dl_stopped(void)
{
	return exec_signalled || proc_interrupted;
}

/* A line of the download's log: the run's (e), else stderr (armpy bundle has no run). */
static void ARMPY_PRINTF(2, 3)
dl_logf(struct exec *e, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	if (e != NULL)
		exec_logf(e, "%s", line);
	else
		fprintf(stderr, "armpy: %s\n", line);
	free(line);
}

/* The scheme, the parsed host (profile.h: names without case, addresses by value) and the
 * port (the scheme's default when none is written) of a URL; -1 when curl refuses it, 1 when
 * the host is not one the profile's parser accepts (then only https may reach it). */
static int
dl_url_parts(const char *url, char **scheme, struct url_host *host, long *port)
{
	CURLU *u;
	char *s = NULL, *h = NULL, *p = NULL;
	int rc = -1;

	if (lazy_curl_load(NULL) != 0)
		return -1;
	u = curl_url();
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		*scheme = xstrdup(s);
		*port = strtol(p, NULL, 10);
		rc = host_parse(h, strlen(h), host) == NULL ? 0 : 1;
	}
	curl_free(s);
	curl_free(h);
	curl_free(p);
	curl_url_cleanup(u);
	return rc;
}

/* A mirror (host or host:port, as profile-value.c accepts them) names this host and port:
 * the same host by value, and the same port when the mirror has one. */
static int
dl_host_mirror(const struct url_host *host, long port, char *const *mirrors)
{
	struct url_host m;

	for (size_t i = 0; mirrors != NULL && mirrors[i] != NULL; i++) {
		if (host_parse(mirrors[i], strlen(mirrors[i]), &m) != NULL)
			continue;
		if (host_same(&m, host) && (m.port == 0 || m.port == port))
			return 1;
	}
	return 0;
}

int
download_url_allowed(const char *url, char *const *mirrors, char **cause)
{
	struct url_host host;
	char *scheme = NULL;
	long port = 0;
	int rc = -1, parsed;

	if ((parsed = dl_url_parts(url, &scheme, &host, &port)) < 0) {
		cause_set(cause, "refused: '%s' is not a valid URL", quote_short(url));
		return -1;
	}
	if (strcasecmp(scheme, "https") == 0)
		rc = 0;
	else if (strcasecmp(scheme, "http") != 0)
		cause_set(cause, "refused: %s: only https (or http to loopback or a listed mirror) "
		    "is allowed", quote_short(url));
	else if (parsed == 0 && (host_loopback(&host) || dl_host_mirror(&host, port, mirrors)))
		rc = 0;
	else
		cause_set(cause, "refused: %s: plain http is allowed only to loopback or to a "
		    "mirror the profile names (mirrors:)", quote_short(url));
	free(scheme);
	return rc;
}

int
download_redirect_allowed(const char *from, const char *to, char *const *mirrors, char **cause)
{
	if (str_startswith(from, "https:") && !str_startswith(to, "https:")) {
		cause_set(cause, "refused: redirect from %s to %s downgrades https",
		    quote_short(from), quote_short(to));
		return -1;
	}
	return download_url_allowed(to, mirrors, cause);
}

/*
 * Bytes go from curl's buffer straight to the .part with write(2) (no stdio copy) and are
 * hashed on the way. The file is not fsync'd: its durability is its sha256, which the step's
 * check verifies again before any run or resume trusts it (exec.c never takes a download's
 * "ok" from the journal), so a file torn by a power loss is fetched again. Waiting for 256 MiB
 * to reach the disk would halve the throughput and buy nothing.
 */

struct dl {
	struct exec *e;
	CURL *curl;
	int fd;                /* the .part, O_APPEND */
	EVP_MD_CTX *md;
	long long pos;         /* bytes in the .part */
	long long offset;      /* bytes already in .part when the request started */
	long long got;         /* bytes written by this request */
	long long size;        /* expected size from the plan, 0 unknown */
	int checked;           /* response code looked at */
	int discard;           /* body of a redirect or error: not ours */
	enum { DL_FITS, DL_SENT_MORE, DL_ANNOUNCED_MORE, DL_NO_SPACE } over;
	long long announced;   /* the response's Content-Length added to offset, -1 none */
	long long room;        /* DL_NO_SPACE: bytes free where the .part is */
	double last;
};

/* The most bytes the .part may hold: the plan's size, else ARMPY_DOWNLOAD_MAX_BYTES (4 GiB). */
static long long
dl_cap(const struct dl *d)
{
	const char *v = getenv("ARMPY_DOWNLOAD_MAX_BYTES");

	if (d->size > 0)
		return d->size;
	return v != NULL && atoll(v) > 0 ? atoll(v) : DL_MAX_BYTES;
}

/* Before the first byte of a body: a Content-Length over the cap, or over the free space of
 * the .part's file system, is refused (d->over says which). 0 when the body may come. */
static int
dl_admit(struct dl *d)
{
	curl_off_t len = -1;
	struct statvfs sv;

	d->announced = -1;
	if (curl_easy_getinfo(d->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len) != CURLE_OK ||
	    len < 0)
		return 0;
	d->announced = d->offset + (long long)len;
	if (d->announced > dl_cap(d))
		d->over = DL_ANNOUNCED_MORE;
	else if (fstatvfs(d->fd, &sv) == 0 &&
	    (long long)len > (d->room = (long long)sv.f_bavail * (long long)sv.f_frsize))
		d->over = DL_NO_SPACE;
	return d->over == DL_FITS ? 0 : -1;
}

/* Why dl_write refused the body. */
static void
dl_over_cause(const struct dl *d, const char *url, char **cause)
{
	long long cap = dl_cap(d);
	const char *whose = d->size > 0 ? "the plan's" : "the download cap of";
	const char *knob = d->size > 0 ? "" : " (ARMPY_DOWNLOAD_MAX_BYTES)";

	if (d->over == DL_SENT_MORE)
		cause_set(cause, "%s: the server sent more than %s %lld bytes%s", url, whose, cap,
		    knob);
	else if (d->over == DL_ANNOUNCED_MORE)
		cause_set(cause, "%s: the server announces %lld bytes, more than %s %lld bytes%s",
		    url, d->announced, whose, cap, knob);
	else
		cause_set(cause, "%s: %lld more bytes do not fit in the %lld bytes free", url,
		    d->announced - d->offset, d->room);
}

static size_t
dl_write(char *data, size_t sz, size_t nmemb, void *arg)
{
	struct dl *d = arg;
	size_t n = sz * nmemb;

	if (!d->checked) {
		long code = 0;
		curl_easy_getinfo(d->curl, CURLINFO_RESPONSE_CODE, &code);
		d->checked = 1;
		d->discard = code < 200 || code >= 300;
		if (code == 200 && d->offset > 0) {
			/* the server ignored Range: start over */
			if (ftruncate(d->fd, 0) != 0)
				return 0;
			EVP_DigestInit_ex(d->md, EVP_sha256(), NULL);
			d->offset = d->pos = 0;
		}
		if (!d->discard && dl_admit(d) != 0)
			return 0;
	}
	if (d->discard)
		return n;
	if (d->pos + (long long)n > dl_cap(d)) {
		d->over = DL_SENT_MORE;     /* nothing past the cap reaches the disk */
		return 0;
	}
	if (write_all(d->fd, data, n) != 0)
		return 0;
	EVP_DigestUpdate(d->md, data, n);
	d->got += n;
	d->pos += n;
	return n;
}

static void
dl_human(char *out, size_t len, double b)
{
	if (b >= 1024.0 * 1024 * 1024)
		snprintf(out, len, "%.1f GiB", b / (1024.0 * 1024 * 1024));
	else if (b >= 1024.0 * 1024)
		snprintf(out, len, "%.1f MiB", b / (1024.0 * 1024));
	else
		snprintf(out, len, "%.0f KiB", b / 1024.0);
}

static int
dl_xfer(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ult, curl_off_t uln)
{
	struct dl *d = arg;
	double now, total, have;
	char a[32], b[32], detail[80];

	(void)ult;
	(void)uln;
	if (dl_stopped())
		return 1;
	if (d->discard || d->e == NULL)
		return 0;
	now = now_seconds();
	if (now - d->last < 0.1)
		return 0;
	d->last = now;
	have = (double)(d->offset + dlnow);
	total = dltotal > 0 ? (double)(d->offset + dltotal) : (double)d->size;
	dl_human(a, sizeof a, have);
	if (total > 0) {
		dl_human(b, sizeof b, total);
		snprintf(detail, sizeof detail, "%s of %s", a, b);
		exec_progress(d->e, have / total, detail);
	} else {
		snprintf(detail, sizeof detail, "%s", a);
		exec_progress(d->e, -1, detail);
	}
	return 0;
}

enum dl_outcome { DL_DONE, DL_RETRY, DL_FATAL, DL_REDIRECT };

/* One HTTP request for url, appending to the open .part. */
static enum dl_outcome
dl_request(struct dl *d, const char *url, char **redirect, char **cause)
{
	CURL *c = d->curl;
	char errbuf[CURL_ERROR_SIZE] = "";
	long code = 0;
	CURLcode rc;
	char *loc = NULL;

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);     /* redirects checked one by one */
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "armpy/" ARMPY_VERSION);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)dl_env_int("ARMPY_DOWNLOAD_CONNECT_TIMEOUT", 30));
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)dl_env_int("ARMPY_DOWNLOAD_STALL_SECONDS", 60));
	curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 256L * 1024);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, dl_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, d);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, dl_xfer);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, d);
	if (getenv("CURL_CA_BUNDLE") != NULL && *getenv("CURL_CA_BUNDLE") != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, getenv("CURL_CA_BUNDLE"));
	if (d->offset > 0)
		curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)d->offset);
	d->checked = d->discard = 0;
	d->over = DL_FITS;
	d->got = 0;
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_ABORTED_BY_CALLBACK && dl_stopped()) {
		cause_set(cause, "interrupted");
		return DL_FATAL;
	}
	if (rc == CURLE_WRITE_ERROR && d->over != DL_FITS) {
		dl_over_cause(d, url, cause);
		return DL_FATAL;
	}
	if (rc == CURLE_WRITE_ERROR) {
		cause_set(cause, "writing the download: %s", strerror(errno));
		return DL_FATAL;
	}
	if (code >= 300 && code < 400 &&
	    curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc != NULL) {
		*redirect = xstrdup(loc);
		return DL_REDIRECT;
	}
	if (rc == CURLE_OK && (code == 200 || code == 206))
		return DL_DONE;
	if (code == 416 && d->offset > 0)
		return DL_DONE;             /* the .part is already whole; the hash decides */
	if (rc == CURLE_OK || rc == CURLE_HTTP_RETURNED_ERROR) {
		cause_set(cause, "%s: HTTP %ld", quote_short(url), code);
		if (code >= 500 || code == 408 || code == 429)
			return DL_RETRY;
		return DL_FATAL;
	}
	cause_set(cause, "%s: %s", quote_short(url),
	    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
	if (rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT ||
	    rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE)
		return DL_FATAL;
	return DL_RETRY;
}

static void
dl_sleep(double seconds)
{
	double end = now_seconds() + seconds;

	while (!dl_stopped() && now_seconds() < end)
		usleep(20 * 1000);
}

/* A .part worth resuming: a regular file of the user armpy runs as, with one link. A hard
 * link to a file elsewhere (outside the root, a system file) or someone else's file is never
 * appended to, truncated or renamed into place. */
static int
dl_part_ours(const struct stat *st)
{
	return S_ISREG(st->st_mode) && st->st_uid == geteuid() && st->st_nlink == 1;
}

/* Why a .part found in place is not resumed (for the log). */
static const char *
dl_part_why(const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return S_ISLNK(st->st_mode) ? "a symbolic link" : "not a regular file";
	if (st->st_uid != geteuid())
		return "owned by another user";
	return "a file with more than one link (a hard link)";
}

/* An existing .part, reopened for appending when dl_part_ours: looked at without following
 * it, opened with O_NOFOLLOW, and looked at again through the fd (the same file). -1 when
 * there is none or it is not to be resumed (then *why says so, or is NULL). */
static int
dl_reopen_part(int dfd, const char *part, const char **why)
{
	struct stat st, fst;
	int fd;

	*why = NULL;
	if (fstatat(dfd, part, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return -1;
	if (!dl_part_ours(&st)) {
		*why = dl_part_why(&st);
		return -1;
	}
	fd = openat(dfd, part, O_RDWR | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &fst) == 0 && dl_part_ours(&fst) && fst.st_dev == st.st_dev &&
	    fst.st_ino == st.st_ino)
		return fd;
	*why = "changed while it was opened";
	if (fd >= 0)
		close(fd);
	return -1;
}

/* The .part in dfd for appending: an earlier one of ours (dl_reopen_part), else a new one
 * (O_EXCL, never through a symlink) after removing whatever was there; the log says so. */
static int
dl_open_part(struct exec *e, int dfd, const char *part, const char *shown, char **cause)
{
	const char *why;
	int fd = dl_reopen_part(dfd, part, &why);

	if (fd >= 0)
		return fd;
	if (why != NULL) {
		dl_logf(e, "%s.part: not resumed (%s): removed; downloading afresh", shown, why);
		if (unlinkat(dfd, part, 0) != 0 && errno == EISDIR)
			unlinkat(dfd, part, AT_REMOVEDIR);
	}
	fd = openat(dfd, part, O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_NONBLOCK |
	    O_NOCTTY | O_CLOEXEC, 0644);
	if (fd < 0)
		cause_set(cause, "%s.part: %s", shown, strerror(errno));
	return fd;
}

/* The whole download into BASE.part in dfd; verified and renamed onto BASE (shown names it).
 * e is the run (its log and progress), or NULL (log lines on stderr). */
static int
dl_fetch(struct exec *e, const struct step *s, int dfd, const char *base, const char *shown,
    char *const *mirrors, char **cause)
{
	static int inited;
	struct dl d;
	char *url = xstrdup(s->u.download.url), *c = NULL, hex[65];
	int attempts = dl_env_int("ARMPY_DOWNLOAD_RETRIES", 5) + 1, redirects = 0, rc = -1;
	int backoff = dl_env_int("ARMPY_DOWNLOAD_BACKOFF_MS", 1000), hash_restarts = 0;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdn;
	struct stat st;
	char *part = xasprintf("%s.part", base);

	if (!inited) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		inited = 1;
	}
	memset(&d, 0, sizeof d);
	d.fd = -1;
	d.e = e;
	d.size = s->u.download.size;
	d.md = EVP_MD_CTX_new();
	d.curl = curl_easy_init();
	if ((d.fd = dl_open_part(e, dfd, part, shown, cause)) < 0)
		goto out;
	for (int attempt = 1;;) {
		enum dl_outcome o;
		char *redir = NULL;

		/* the digest covers what the .part already holds */
		EVP_DigestInit_ex(d.md, EVP_sha256(), NULL);
		if (fstat(d.fd, &st) != 0 || sha256_update_fd(d.md, d.fd, cause) != 0)
			goto out;
		d.offset = d.pos = st.st_size;
		if (d.offset > 0)
			dl_logf(e, "resuming %s.part at byte %lld", shown, d.offset);
		if (d.size > 0 && d.offset == d.size)
			o = DL_DONE;
		else {
			free(c);
			c = NULL;
			o = dl_request(&d, url, &redir, &c);
		}
		if (o == DL_REDIRECT) {
			dl_logf(e, "redirect: %s -> %s", url, redir);
			if (++redirects > DL_MAX_REDIRECTS) {
				cause_set(cause, "too many redirects from %s",
				    quote_short(s->u.download.url));
				free(redir);
				goto out;
			}
			if (download_redirect_allowed(url, redir, mirrors, cause) != 0) {
				free(redir);
				unlinkat(dfd, part, 0);
				goto out;
			}
			free(url);
			url = redir;
			continue;
		}
		if (o == DL_DONE) {
			EVP_DigestFinal_ex(d.md, md, &mdn);
			sha256_hex(md, mdn, hex);
			if (strcasecmp(hex, s->u.download.sha256) == 0)
				break;
			close(d.fd);
			d.fd = -1;
			unlinkat(dfd, part, 0);
			if (d.offset > 0 && hash_restarts++ == 0) {
				/* a stale .part from someone else: start from zero once */
				dl_logf(e, "%s.part: resumed file did not verify; downloading again",
				    shown);
				if ((d.fd = dl_open_part(e, dfd, part, shown, cause)) < 0)
					goto out;
				continue;
			}
			cause_set(cause, "sha256 mismatch for %s: expected %s, got %s (file deleted)",
			    quote_short(s->u.download.url), s->u.download.sha256, hex);
			goto out;
		}
		dl_logf(e, "download attempt %d/%d: %s", attempt, attempts, c);
		if (o == DL_FATAL || ++attempt > attempts) {
			*cause = c;
			c = NULL;
			if (o == DL_FATAL && !dl_stopped()) {
				close(d.fd);
				d.fd = -1;
				unlinkat(dfd, part, 0);
			}
			goto out;
		}
		dl_sleep(backoff * (double)(1 << (attempt - 2 < 5 ? attempt - 2 : 5)) / 1000);
		if (dl_stopped()) {
			cause_set(cause, "interrupted");
			goto out;
		}
	}
	close(d.fd);
	d.fd = -1;
	/* a symlink (or anything) at BASE is replaced, never followed */
	if (renameat(dfd, part, dfd, base) != 0) {
		cause_set(cause, "rename %s: %s", shown, strerror(errno));
		goto out;
	}
	fsync(dfd);
	if (e != NULL)
		exec_progress(e, 1.0, "verified");
	rc = 0;
out:
	if (d.fd >= 0) {
		if (fstat(d.fd, &st) == 0 && st.st_size == 0)
			unlinkat(dfd, part, 0);    /* nothing worth resuming */
		close(d.fd);
	}
	free(part);
	curl_easy_cleanup(d.curl);
	EVP_MD_CTX_free(d.md);
	free(url);
	free(c);
	return rc;
}

/* From a bundle (bundle.h): the file its url names, BUNDLE_DIR/downloads/NAME inside the root
 * (not followed if a symlink), copied to BASE.part in dfd with the same sha256 check as a
 * download, and renamed onto BASE. */
static int
dl_local(struct exec *e, const struct step *s, int dfd, const char *base, const char *shown,
    char **cause)
{
	char *part = xasprintf("%s.part", base), hex[65], chunk[65536];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dn;
	int in = rootdir_openat(exec_rootdir(e), s->u.download.url, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY, 0, cause), out = -1, rc = -1;
	struct stat st;
	ssize_t n = 0;

	if (in < 0)
		goto done;
	if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
		cause_set(cause, "%s: not a regular file", quote_short(s->u.download.url));
		goto done;
	}
	unlinkat(dfd, part, 0);
	if ((out = openat(dfd, part, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0644)) < 0) {
		cause_set(cause, "%s.part: %s", shown, strerror(errno));
		goto done;
	}
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	while ((n = read(in, chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR)) {
		if (n > 0 && (EVP_DigestUpdate(md, chunk, (size_t)n) != 1 ||
		    write_all(out, chunk, (size_t)n) != 0))
			break;
	}
	EVP_DigestFinal_ex(md, d, &dn);
	sha256_hex(d, dn, hex);
	if (n != 0 || fsync(out) != 0)
		cause_set(cause, "copying %s to %s: %s", s->u.download.url, shown, strerror(errno));
	else if (strcasecmp(hex, s->u.download.sha256) != 0)
		cause_set(cause, "sha256 mismatch for %s: expected %s, got %s (file deleted)",
		    quote_short(s->u.download.url), s->u.download.sha256, hex);
	else if (renameat(dfd, part, dfd, base) != 0)
		cause_set(cause, "rename %s: %s", shown, strerror(errno));
	else {
		exec_progress(e, 1.0, "verified");
		rc = 0;
	}
	if (rc != 0)
		unlinkat(dfd, part, 0);
done:
	if (out >= 0)
		close(out);
	if (in >= 0)
		close(in);
	EVP_MD_CTX_free(md);
	free(part);
	return rc;
}

/* The step has what a download needs: a url, a sha256 and (with dest) a dest. */
static int
dl_step_ok(const struct step *s, int dest, char **cause)
{
	if (s->u.download.url != NULL && (!dest || s->u.download.dest != NULL) &&
	    s->u.download.sha256 != NULL && strlen(s->u.download.sha256) == 64)
		return 0;
	cause_set(cause, "a download needs %s", dest ? "url, dest and a sha256" :
	    "url and a sha256");
	return -1;
}

int
act_download(struct exec *e, const struct step *s, char **cause)
{
	char *dest, *base, *shown;
	int rc = -1, dfd, local;

	if (dl_step_ok(s, 1, cause) != 0 || lazy_crypto_load(cause) != 0)
		return -1;
	local = s->u.download.url[0] == '/';      /* from a bundle */
	if (local ? bundle_download_path_ok(s->u.download.url, cause) != 0 :
	    lazy_curl_load(cause) != 0 ||
	    download_url_allowed(s->u.download.url, exec_options(e)->mirrors, cause) != 0)
		return -1;
	dest = exec_expand(e, s->u.download.dest);
	shown = rootdir_display(exec_rootdir(e), dest);
	if ((dfd = rootdir_parent(exec_rootdir(e), dest, 1, &base, cause)) >= 0) {
		exec_logf(e, "download %s -> %s", s->u.download.url, shown);
		rc = local ? dl_local(e, s, dfd, base, shown, cause) :
		    dl_fetch(e, s, dfd, base, shown, exec_options(e)->mirrors, cause);
		close(dfd);
		free(base);
	}
	free(shown);
	free(dest);
	return rc;
}

int
download_file(const struct step *s, int dfd, const char *name, char *const *mirrors,
    char **cause)
{
	if (dl_step_ok(s, 0, cause) != 0 || lazy_crypto_load(cause) != 0 ||
	    lazy_curl_load(cause) != 0 ||
	    download_url_allowed(s->u.download.url, mirrors, cause) != 0)
		return -1;
	return dl_fetch(NULL, s, dfd, name, name, mirrors, cause);
}

/* A download is done only when DEST holds its sha256, whatever its check says: a stale or
 * planted file there is fetched again, never trusted (run and resume). */
static int
download_done(struct exec *e, const struct step *s, char **detail, char **cause)
{
	return s->u.download.dest != NULL && s->u.download.sha256 != NULL ?
	    exec_check_file(e, s->u.download.dest, s->u.download.sha256, 0, detail, cause) : 0;
}

static int
download_parse(struct pparse *pp, const struct ynode *a, const char *where, struct step *s)
{
	static const char *const keys[] = { "url", "sha256", "dest", "size", NULL };
	long l;

	if (pp_keys(pp, a, keys, where) ||
	    pp_str(pp, a, "url", where, 1, 0, &s->u.download.url) ||
	    pp_str(pp, a, "sha256", where, 1, 0, &s->u.download.sha256) ||
	    pp_path(pp, a, "dest", where, &s->u.download.dest) ||
	    pp_file(pp, a, "dest", where, s->u.download.dest, 0) ||
	    pp_long(pp, a, "size", where, 0, 0, __LONG_MAX__, &l))
		return -1;
	s->u.download.size = l;
	if (!str_startswith(s->u.download.url, "https://") &&
	    !str_startswith(s->u.download.url, "http://") &&
	    bundle_download_path_ok(s->u.download.url, NULL) != 0) {
		pp_at(pp, "%s.url", where);
		return pp_error(pp, ynode_get(a, "url"), "must be an http(s) URL, or a file of the "
		    "bundle (" BUNDLE_DIR "/" BUNDLE_DOWNLOADS_DIR "/NAME)");
	}
	if (!valid_sha256(s->u.download.sha256)) {
		pp_at(pp, "%s.sha256", where);
		return pp_error(pp, ynode_get(a, "sha256"), "not a sha256 (64 hex digits)");
	}
	return 0;
}

static void
download_emit(struct yemit *y, const struct step *s)
{
	yemit_kv_str(y, "url", s->u.download.url);
	yemit_kv_str(y, "sha256", s->u.download.sha256);
	yemit_kv_str(y, "dest", s->u.download.dest);
	if (s->u.download.size != 0)
		yemit_kv_long(y, "size", (long)s->u.download.size);
}

static void
download_describe(const struct step *s, struct step_desc *d)
{
	struct desc_entry *x = step_desc_add(d, DESC_DOWNLOAD, 0);

	x->url = xstrdup(s->u.download.url);
	x->path = xstrdup(s->u.download.dest);
	x->sha256 = xstrdup(s->u.download.sha256);
	x->size = s->u.download.size;
}

static void
download_clear(struct step *s)
{
	free(s->u.download.url);
	free(s->u.download.sha256);
	free(s->u.download.dest);
}

static int
download_equal(const struct step *a, const struct step *b)
{
	return str_same(a->u.download.url, b->u.download.url) &&
	    str_same(a->u.download.sha256, b->u.download.sha256) &&
	    str_same(a->u.download.dest, b->u.download.dest) &&
	    a->u.download.size == b->u.download.size;
}

/* Its dest, when nothing was there before. */
static int
download_record(struct exec *e, const struct step *s, int after, char **cause)
{
	return after ? 0 : undo_record_made(e, s, s->u.download.dest, cause);
}

const struct action_ops act_download_ops = {
	.kind = ACTION_DOWNLOAD,
	.name = "download",
	.parse = download_parse,
	.emit = download_emit,
	.describe = download_describe,
	.execute = act_download,
	.done = download_done,
	.done_always = 1,
	.clear = download_clear,
	.equal = download_equal,
	.record = download_record,
	.reverse = undo_reverse_made,
};

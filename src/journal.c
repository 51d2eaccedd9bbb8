/* journal.c — append-only, group-committed run journal and its parser (the basis of resume). */
/* SPDX-License-Identifier: MIT */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * Durability rule (also in docs/progress-json.md):
 * - Every record goes to the file with one write(2) at once, so it survives armpy being killed
 *   (kill -9, a lost SSH session): only a power loss or a kernel crash can lose it.
 * - fdatasync is a group commit, not per record: a record older than JOURNAL_COMMIT_AGE that
 *   is still unsynced is synced by the next journal_append() or journal_tick() (the executor
 *   ticks while it waits on a child or a download), and the executor forces a sync for begin,
 *   interrupted and finish, before a privileged step or a non-run action starts, and after a
 *   step that ran longer than JOURNAL_COMMIT_AGE.
 * - Losing unsynced records to a power loss is safe: resume re-checks every step whose end
 *   record is missing, and a step without a check must be safe to re-run (plans give
 *   non-idempotent steps a check). The exposure is bounded to about JOURNAL_COMMIT_AGE of
 *   quick, unprivileged run steps.
 */
#define JOURNAL_COMMIT_AGE 0.1     /* seconds */

struct journal {
	int fd;
	int dirty;                 /* records written but not yet fdatasync'd */
	double dirty_since;        /* when the oldest of them was written */
	int fresh_line;            /* the file ended in a torn record: start a new line first */
	int err;                   /* the first failed write's errno: no more appends */
	char *path;
};

static unsigned int journal_crc_table[256];

static void
journal_crc_init(void)
{
	for (unsigned int i = 0; i < 256; i++) {
		unsigned int c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		journal_crc_table[i] = c;
	}
}

/* CRC-32 (IEEE). The table is filled by the first journal_open or journal_parse, so a child
 * (which may not call anything that writes memory it shares) finds it ready. */
static unsigned int
journal_crc(const char *p, size_t len)
{
	unsigned int c = 0xffffffffu;

	if (journal_crc_table[1] == 0)
		journal_crc_init();
	for (size_t i = 0; i < len; i++)
		c = journal_crc_table[(c ^ (unsigned char)p[i]) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

size_t
journal_frame(char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned int c = journal_crc(buf, len);

	buf[len++] = ' ';
	buf[len++] = '#';
	for (int i = 7; i >= 0; i--)
		buf[len++] = hex[(c >> (4 * i)) & 0xf];
	buf[len++] = '\n';
	return len;
}

static double
journal_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct journal *
journal_open(const char *path, char **cause)
{
	struct journal *j;
	struct stat st;
	char last = '\n';
	int fd;

	journal_crc(NULL, 0);
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0 && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode))
		errno = EINVAL;           /* "Invalid argument": not a regular file */
	else if (fd >= 0 && fstat(fd, &st) == 0 &&
	    (st.st_size == 0 || pread(fd, &last, 1, st.st_size - 1) == 1))
		errno = 0;
	if (fd < 0 || errno != 0) {
		cause_set(cause, "%s: %s", quote_short(path), strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	j = xcalloc(1, sizeof *j);
	j->fd = fd;
	j->fresh_line = last != '\n';
	j->path = xstrdup(path);
	return j;
}

void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	close(j->fd);
	free(j->path);
	free(j);
}

int
journal_error(const struct journal *j)
{
	return j != NULL ? j->err : 0;
}

void
journal_fail(struct journal *j, int err)
{
	if (j != NULL && j->err == 0)
		j->err = err != 0 ? err : EIO;
}

const char *
journal_path(const struct journal *j)
{
	return j != NULL ? j->path : "journal";
}

int
journal_sync(struct journal *j)
{
	if (j == NULL || !j->dirty)
		return 0;
	j->dirty = 0;
	if (fdatasync(j->fd) != 0) {
		journal_fail(j, errno);
		return -1;
	}
	return 0;
}

int
journal_tick(struct journal *j)
{
	if (j == NULL || !j->dirty || journal_now() - j->dirty_since < JOURNAL_COMMIT_AGE)
		return 0;
	return journal_sync(j);
}

int
journal_fd(const struct journal *j)
{
	return j != NULL ? j->fd : -1;
}

void
journal_written(struct journal *j)
{
	if (j == NULL || j->dirty)
		return;
	j->dirty = 1;
	j->dirty_since = journal_now();
}

/* Writes all of rec; a short write goes on where it stopped (O_APPEND keeps it contiguous). */
static int
journal_write(struct journal *j, const char *rec, size_t len)
{
	if (write_all(j->fd, rec, len) != 0) {
		journal_fail(j, errno);
		errno = j->err;
		return -1;
	}
	return 0;
}

int
journal_append(struct journal *j, int sync, const char *fmt, ...)
{
	va_list ap;
	char small[512], *full = small, *rec;
	int len, rc;

	if (j->err != 0) {
		errno = j->err;
		return -1;
	}
	va_start(ap, fmt);
	len = vsnprintf(small + 1, sizeof small - 1 - JOURNAL_FRAME, fmt, ap);
	va_end(ap);
	if (len < 0)
		return -1;
	if ((size_t)len >= sizeof small - 1 - JOURNAL_FRAME) {
		va_start(ap, fmt);
		full = xvasprintf(fmt, ap);
		va_end(ap);
		full = xrealloc(full, len + 1 + JOURNAL_FRAME + 1);
		memmove(full + 1, full, len + 1);
	}
	full[0] = '\n';                   /* used only after a torn tail */
	len = (int)journal_frame(full + 1, len);
	rec = j->fresh_line ? full : full + 1;
	rc = journal_write(j, rec, len + (j->fresh_line ? 1 : 0));
	if (rc == 0)
		j->fresh_line = 0;
	if (full != small)
		free(full);
	journal_written(j);
	if (rc == 0 && (sync ? journal_sync(j) : journal_tick(j)) != 0)
		rc = -1;
	return rc;
}

char *
journal_escape(const char *s)
{
	struct buf b;

	if (s == NULL)
		return xstrdup("-");
	if (*s == '\0')
		return xstrdup("%");      /* "%" alone: the empty string */
	buf_init(&b);
	for (; *s != '\0'; s++) {
		unsigned char c = *s;
		if (c <= ' ' || c == '%' || c == 0x7f || (c == '-' && b.len == 0 && s[1] == '\0'))
			buf_printf(&b, "%%%02X", c);
		else
			buf_add(&b, s, 1);
	}
	return buf_steal(&b);
}

static int
journal_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The value of one field: NULL for "-", "" for "%"; -1 on a bad escape. */
int
journal_unescape(const char *s, char **out)
{
	struct buf b;

	*out = NULL;
	if (strcmp(s, "-") == 0)
		return 0;
	buf_init(&b);
	if (strcmp(s, "%") == 0)
		s = "";
	for (; *s != '\0'; s++) {
		if (*s == '%') {
			int hi = journal_hexval(s[1]), lo = hi < 0 ? -1 : journal_hexval(s[2]);
			char c = (char)(hi * 16 + lo);
			if (lo < 0 || c == '\0') {
				buf_free(&b);
				return -1;
			}
			buf_add(&b, &c, 1);
			s += 2;
		} else
			buf_add(&b, s, 1);
	}
	*out = buf_steal(&b);
	return 0;
}

#define JOURNAL_SLOTS (2 * JOURNAL_MAX_STEPS)    /* a power of two */

static size_t
journal_hash(const char *id)
{
	size_t h = 2166136261u;

	for (; *id != '\0'; id++)
		h = (h ^ (unsigned char)*id) * 16777619u;
	return h & (JOURNAL_SLOTS - 1);
}

/* The slot of id in the step index: holding its step (index + 1), or the free slot for it. */
static size_t
jstate_slot(const struct jstate *js, const char *id)
{
	size_t h = journal_hash(id);

	while (js->slots[h] != 0 && strcmp(js->steps[js->slots[h] - 1].id, id) != 0)
		h = (h + 1) & (JOURNAL_SLOTS - 1);
	return h;
}

struct jstep *
jstate_find(const struct jstate *js, const char *id)
{
	size_t h;

	if (js->slots == NULL)
		return NULL;
	h = jstate_slot(js, id);
	return js->slots[h] != 0 ? &js->steps[js->slots[h] - 1] : NULL;
}

/* The step of id, added when new; NULL past JOURNAL_MAX_STEPS. */
static struct jstep *
jstate_step(struct jstate *js, const char *id)
{
	struct jstep *s;
	size_t h;

	if (js->slots == NULL)
		js->slots = xcalloc(JOURNAL_SLOTS, sizeof *js->slots);
	h = jstate_slot(js, id);
	if (js->slots[h] != 0)
		return &js->steps[js->slots[h] - 1];
	if (js->nsteps >= JOURNAL_MAX_STEPS)
		return NULL;
	js->steps = xreallocarray(js->steps, js->nsteps + 1, sizeof *js->steps);
	s = &js->steps[js->nsteps++];
	memset(s, 0, sizeof *s);
	s->id = xstrdup(id);
	js->slots[h] = js->nsteps;
	return s;
}

void
jstate_free(struct jstate *js)
{
	if (js == NULL)
		return;
	for (size_t i = 0; i < js->nsteps; i++) {
		free(js->steps[i].id);
		free(js->steps[i].result);
		free(js->steps[i].previous);
	}
	free(js->steps);
	free(js->slots);
	free(js->root);
	free(js->profile);
	free(js->plan_sha256);
	free(js->finish);
	free(js);
}

static const char *const journal_results[] = {
	"ok", "satisfied", "failed", "skipped", "interrupted", NULL
};
static const char *const journal_finishes[] = { "ok", "failed", "interrupted", NULL };

static int
journal_oneof(const char *s, const char *const *v)
{
	for (; *v != NULL; v++)
		if (strcmp(s, *v) == 0)
			return 1;
	return 0;
}

/* The payload length of a framed line (without its newline), -1 when the frame fails. */
static long
journal_framed(const char *line, size_t len)
{
	unsigned int want = 0;

	if (len < JOURNAL_FRAME || line[len - 10] != ' ' || line[len - 9] != '#')
		return -1;
	for (size_t i = len - 8; i < len; i++) {
		int v = journal_hexval(line[i]);
		if (v < 0 || (line[i] >= 'A' && line[i] <= 'F'))
			return -1;
		want = want << 4 | (unsigned int)v;
	}
	return journal_crc(line, len - 10) == want ? (long)(len - 10) : -1;
}

/* Splits a payload on single spaces into at most 6 fields; -1 on an empty field, a control
 * byte or a seventh field. */
static int
journal_fields(char *line, char *f[6])
{
	int nf = 0;
	char *p = line;

	for (;;) {
		char *sp = strchr(p, ' ');
		if (nf == 6 || (sp == p) || *p == '\0')
			return -1;
		f[nf++] = p;
		if (sp == NULL)
			break;
		*sp = '\0';
		p = sp + 1;
	}
	for (p = line; p < f[nf - 1] + strlen(f[nf - 1]); p++)
		if ((*p != '\0' && (unsigned char)*p < 0x20) || *p == 0x7f)
			return -1;
	return nf;
}

/* A decimal number of 1 to 18 digits. */
static int
journal_number(const char *s, long *out)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || n > 18 || s[n] != '\0')
		return -1;
	*out = strtol(s, NULL, 10);
	return 0;
}

static int
journal_sha256(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static int
journal_begin(struct jstate *js, char **f, int nf)
{
	long t, pid;
	char *root, *prof;

	if (nf != 6 || journal_number(f[1], &t) != 0 || journal_number(f[2], &pid) != 0 ||
	    !journal_sha256(f[5]))
		return -1;
	if (journal_unescape(f[3], &root) != 0)
		return -1;
	if (journal_unescape(f[4], &prof) != 0) {
		free(root);
		return -1;
	}
	if (js->nbegin++ == 0)
		js->begin_time = t;
	js->pid = (pid_t)pid;
	free(js->root);
	js->root = root;
	free(js->profile);
	js->profile = prof;
	free(js->plan_sha256);
	js->plan_sha256 = xstrdup(f[5]);
	free(js->finish);
	js->finish = NULL;
	js->finish_time = 0;
	js->interrupted = 0;
	return 0;
}

/* A step record (start, child, prev, end): f[1] is the step id. */
static int
journal_step_record(struct jstate *js, char **f, int nf)
{
	struct jstep *s;
	char *id, *v;
	long n = 0;

	if (nf != (strcmp(f[0], "end") == 0 ? 4 : 3) || journal_unescape(f[1], &id) != 0 ||
	    id == NULL)
		return -1;
	s = jstate_step(js, id);
	free(id);
	if (s == NULL)
		return -1;
	if (strcmp(f[0], "prev") == 0) {
		if (journal_unescape(f[2], &v) != 0)
			return -1;
		if (s->previous == NULL)
			s->previous = v;
		else
			free(v);
		return 0;
	}
	if (journal_number(f[nf - 1], &n) != 0)
		return -1;
	if (strcmp(f[0], "start") == 0) {
		s->started = 1;
		s->ended = 0;
		s->child = 0;
		s->start_time = n;
		s->end_time = 0;
		free(s->result);
		s->result = NULL;
	} else if (strcmp(f[0], "child") == 0) {
		if (n <= 0 || n != (pid_t)n)
			return -1;
		s->child = (pid_t)n;
	} else {
		if (!journal_oneof(f[2], journal_results))
			return -1;
		s->ended = 1;
		s->end_time = n;
		free(s->result);
		s->result = xstrdup(f[2]);
	}
	return 0;
}

/* One record's payload (a NUL-terminated copy the function may cut up). */
static int
journal_record(struct jstate *js, char *line, char **cause, int lineno)
{
	char *f[6];
	long t;
	int nf = journal_fields(line, f), rc = -1;

	if (nf < 1)
		;
	else if (strcmp(f[0], "begin") == 0)
		rc = journal_begin(js, f, nf);
	else if (js->nbegin == 0) {
		cause_set(cause, "journal line %d: a '%.16s' record before the first begin",
		    lineno, f[0]);
		return -1;
	} else if (strcmp(f[0], "start") == 0 || strcmp(f[0], "child") == 0 ||
	    strcmp(f[0], "prev") == 0 || strcmp(f[0], "end") == 0)
		rc = journal_step_record(js, f, nf);
	else if (strcmp(f[0], "interrupted") == 0 && nf == 2 && journal_number(f[1], &t) == 0) {
		js->interrupted = 1;
		rc = 0;
	} else if (strcmp(f[0], "finish") == 0 && nf == 3 &&
	    journal_oneof(f[1], journal_finishes) && journal_number(f[2], &t) == 0) {
		free(js->finish);
		js->finish = xstrdup(f[1]);
		js->finish_time = t;
		rc = 0;
	}
	if (rc != 0)
		cause_set(cause, "journal line %d: not a valid record%s", lineno,
		    js->nsteps >= JOURNAL_MAX_STEPS ? " (or more steps than a plan has)" : "");
	return rc;
}

struct jstate *
journal_parse(const char *text, size_t len, char **cause)
{
	struct jstate *js = xcalloc(1, sizeof *js);
	const char *p = text, *end = text + len;
	int lineno = 0, damaged = 0;        /* the line of a damaged record not yet excused */

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		long plen;
		char *line;
		int rc;

		if (nl == NULL) {
			js->torn++;             /* a torn last record without its newline */
			break;
		}
		lineno++;
		plen = journal_framed(p, nl - p);
		if (plen >= 0 && damaged > 0 && (plen < 6 || memcmp(p, "begin ", 6) != 0))
			plen = -1;               /* a damaged record is followed by a begin or nothing */
		if (plen < 0 && damaged > 0) {
			cause_set(cause, "journal line %d: a damaged record (its checksum fails) "
			    "that is not the torn end of a run", damaged);
			jstate_free(js);
			return NULL;
		}
		if (plen < 0) {
			damaged = lineno;
			p = nl + 1;
			continue;
		}
		js->torn += damaged > 0;
		damaged = 0;
		line = xstrndup(p, plen);
		p = nl + 1;
		rc = journal_record(js, line, cause, lineno);
		free(line);
		if (rc != 0) {
			jstate_free(js);
			return NULL;
		}
	}
	js->torn += damaged > 0;
	return js;
}

struct jstate *
journal_load(const char *path, char **cause)
{
	struct jstate *js;
	size_t len;
	char *text, *c = NULL;

	text = file_read(path, 64 * 1024 * 1024, &len, cause);
	if (text == NULL)
		return NULL;
	js = journal_parse(text, len, &c);
	free(text);
	if (js == NULL) {
		cause_set(cause, "%s: %s", quote_short(path), c);
		free(c);
	}
	return js;
}

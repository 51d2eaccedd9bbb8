/* journal.c — append-only, group-committed run journal and its parser (the basis of resume). */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
};

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
	int fd;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		cause_set(cause, "%s: %s", path, strerror(errno));
		return NULL;
	}
	j = xcalloc(1, sizeof *j);
	j->fd = fd;
	return j;
}

void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	close(j->fd);
	free(j);
}

int
journal_sync(struct journal *j)
{
	if (j == NULL || !j->dirty)
		return 0;
	j->dirty = 0;
	return fdatasync(j->fd);
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

int
journal_append(struct journal *j, int sync, const char *fmt, ...)
{
	va_list ap;
	char small[512], *full = small;
	size_t off = 0;
	ssize_t n;
	int len, rc = 0;

	va_start(ap, fmt);
	len = vsnprintf(small, sizeof small - 1, fmt, ap);
	va_end(ap);
	if (len < 0)
		return -1;
	if ((size_t)len >= sizeof small - 1) {
		va_start(ap, fmt);
		full = xvasprintf(fmt, ap);
		va_end(ap);
		full = xrealloc(full, len + 2);
	}
	full[len++] = '\n';
	while (off < (size_t)len) {       /* one write() per record: O_APPEND keeps records whole */
		n = write(j->fd, full + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		off += n;
	}
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

static char *
journal_unescape(const char *s)
{
	struct buf b;

	if (strcmp(s, "-") == 0)
		return NULL;
	if (strcmp(s, "%") == 0)
		return xstrdup("");
	buf_init(&b);
	for (; *s != '\0'; s++) {
		unsigned int v;
		if (*s == '%' && sscanf(s + 1, "%2x", &v) == 1 && s[1] != '\0' && s[2] != '\0') {
			char c = (char)v;
			buf_add(&b, &c, 1);
			s += 2;
		} else
			buf_add(&b, s, 1);
	}
	return buf_steal(&b);
}

struct jstep *
jstate_find(const struct jstate *js, const char *id)
{
	for (size_t i = 0; i < js->nsteps; i++)
		if (strcmp(js->steps[i].id, id) == 0)
			return &js->steps[i];
	return NULL;
}

static struct jstep *
jstate_step(struct jstate *js, const char *id)
{
	struct jstep *s = jstate_find(js, id);

	if (s != NULL)
		return s;
	js->steps = xreallocarray(js->steps, js->nsteps + 1, sizeof *js->steps);
	s = &js->steps[js->nsteps++];
	memset(s, 0, sizeof *s);
	s->id = xstrdup(id);
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
	free(js->root);
	free(js->profile);
	free(js->finish);
	free(js);
}

static const char *const journal_results[] = {
	"ok", "satisfied", "failed", "skipped", "interrupted", NULL
};

struct jstate *
journal_parse(const char *text, size_t len, char **cause)
{
	struct jstate *js = xcalloc(1, sizeof *js);
	const char *p = text, *end = text + len;
	int lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		char *line, *f[6], *save = NULL, *tok;
		int nf = 0;

		if (nl == NULL)
			break;                 /* torn last record */
		lineno++;
		line = xstrndup(p, nl - p);
		p = nl + 1;
		for (tok = strtok_r(line, " ", &save); tok != NULL && nf < 6;
		    tok = strtok_r(NULL, " ", &save))
			f[nf++] = tok;
		if (nf == 0) {
			free(line);
			continue;
		}
		if (strcmp(f[0], "begin") == 0 && nf >= 5) {
			if (js->nbegin++ == 0)
				js->begin_time = atol(f[1]);
			js->pid = (pid_t)atol(f[2]);
			free(js->root);
			js->root = journal_unescape(f[3]);
			free(js->profile);
			js->profile = journal_unescape(f[4]);
			free(js->finish);
			js->finish = NULL;
			js->interrupted = 0;
		} else if (strcmp(f[0], "start") == 0 && nf >= 3) {
			char *id = journal_unescape(f[1]);
			struct jstep *s = jstate_step(js, id != NULL ? id : "-");
			s->started = 1;
			s->ended = 0;
			s->child = 0;
			free(s->result);
			s->result = NULL;
			free(id);
		} else if (strcmp(f[0], "child") == 0 && nf >= 3) {
			char *id = journal_unescape(f[1]);
			jstate_step(js, id != NULL ? id : "-")->child = (pid_t)atol(f[2]);
			free(id);
		} else if (strcmp(f[0], "prev") == 0 && nf >= 3) {
			char *id = journal_unescape(f[1]);
			struct jstep *s = jstate_step(js, id != NULL ? id : "-");
			if (s->previous == NULL)
				s->previous = journal_unescape(f[2]);
			free(id);
		} else if (strcmp(f[0], "end") == 0 && nf >= 3) {
			char *id = journal_unescape(f[1]);
			struct jstep *s = jstate_step(js, id != NULL ? id : "-");
			int ok = 0;
			for (int i = 0; journal_results[i] != NULL; i++)
				ok |= strcmp(f[2], journal_results[i]) == 0;
			free(id);
			if (!ok) {
				cause_set(cause, "journal line %d: unknown result '%s'", lineno, f[2]);
				free(line);
				jstate_free(js);
				return NULL;
			}
			s->ended = 1;
			free(s->result);
			s->result = xstrdup(f[2]);
		} else if (strcmp(f[0], "interrupted") == 0) {
			js->interrupted = 1;
		} else if (strcmp(f[0], "finish") == 0 && nf >= 2) {
			free(js->finish);
			js->finish = xstrdup(f[1]);
		} else {
			cause_set(cause, "journal line %d: unknown record '%s'", lineno, f[0]);
			free(line);
			jstate_free(js);
			return NULL;
		}
		free(line);
	}
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
		cause_set(cause, "%s: %s", path, c);
		free(c);
	}
	return js;
}

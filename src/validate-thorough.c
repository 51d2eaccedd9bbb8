/* validate-thorough.c — armpy validate --thorough: NumPy's and SciPy's own linalg tests under pytest in the probe's Python, bounded in time, their output read as hostile input. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "validate.h"
#include "validate-int.h"
#include "rootdir.h"
#include "ydoc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TH_TAIL (256 << 10)      /* the end of pytest's output kept (its summary is there) */
#define TH_CHECK_TIMEOUT 120     /* seconds for the import check */
#define TH_GRACE_MS 500          /* reading what the pipes hold after pytest exits */
#define TH_ID_MAX 240            /* bytes of a failing test id */

/* ---- parsing pytest's output (pure) ---- */

/* Bounded search for a string in [p, end). */
static const char *
mem_find(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	for (; p != NULL && p + n <= end; p++) {
		if ((p = memchr(p, s[0], end - p)) == NULL || p + n > end)
			return NULL;
		if (memcmp(p, s, n) == 0)
			return p;
	}
	return NULL;
}

/* The next element named tag ("<testcase") in [p, end): not one whose name only starts so. */
static const char *
tag_find(const char *p, const char *end, const char *tag)
{
	size_t n = strlen(tag);

	while ((p = mem_find(p, end, tag)) != NULL) {
		if (p + n < end && (p[n] == ' ' || p[n] == '>' || p[n] == '/' || p[n] == '\n'))
			return p;
		p += n;
	}
	return NULL;
}

/* The end of the tag starting at p ('<'): the '>' outside quotes, or NULL. */
static const char *
tag_end(const char *p, const char *end)
{
	char quote = 0;

	for (; p < end; p++) {
		if (quote != 0 && *p == quote)
			quote = 0;
		else if (quote == 0 && (*p == '"' || *p == '\''))
			quote = *p;
		else if (quote == 0 && *p == '>')
			return p;
	}
	return NULL;
}

/* XML text with the five entities decoded; other bytes kept when printable (else '?'). */
static void
xml_text(struct buf *b, const char *p, const char *end)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' },
		{ "&apos;", '\'' },
	};
	size_t i;

	while (p < end && b->len < TH_ID_MAX) {
		for (i = 0; *p == '&' && i < nitems(ents); i++)
			if ((size_t)(end - p) >= strlen(ents[i].ent) &&
			    memcmp(p, ents[i].ent, strlen(ents[i].ent)) == 0)
				break;
		if (*p == '&' && i < nitems(ents)) {
			buf_add(b, &ents[i].c, 1);
			p += strlen(ents[i].ent);
			continue;
		}
		buf_add(b, (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f ? p : "?", 1);
		p++;
	}
}

/* The value of attribute name in the start tag [p, end), decoded, or NULL. */
static char *
xml_attr(const char *p, const char *end, const char *name)
{
	char key[32];
	const char *v, *q;
	struct buf b;

	snprintf(key, sizeof key, " %s=\"", name);
	if ((v = mem_find(p, end, key)) == NULL)
		return NULL;
	v += strlen(key);
	if ((q = memchr(v, '"', end - v)) == NULL)
		return NULL;
	buf_init(&b);
	xml_text(&b, v, q);
	return buf_steal(&b);
}

/* "suite.classname.name", or "classname.name" when classname already starts with suite. */
static char *
junit_id(const char *tag, const char *tend, const char *suite)
{
	char *cls = xml_attr(tag, tend, "classname"), *name = xml_attr(tag, tend, "name"), *id;
	size_t sl = suite != NULL ? strlen(suite) : 0;
	int prefix = suite != NULL && cls != NULL && *cls != '\0' &&
	    !(strncmp(cls, suite, sl) == 0 && (cls[sl] == '.' || cls[sl] == '\0'));

	id = xasprintf("%s%s%s%s%s", prefix ? suite : "", prefix ? "." : "", cls ? cls : "",
	    cls != NULL && *cls != '\0' ? "." : "", name ? name : "?");
	free(cls);
	free(name);
	if (strlen(id) > TH_ID_MAX)
		id[TH_ID_MAX] = '\0';
	return id;
}

/* One <testcase>: its outcome counted, its id kept when it failed. Returns where the scan goes
 * on. */
static const char *
junit_case(const char *p, const char *end, const char *suite, struct thorough_counts *n,
    char ***failing)
{
	const char *te = tag_end(p, end), *body, *close;
	int failed, error, xfail;

	if (te == NULL)
		return end;
	body = te + 1;
	close = te[-1] == '/' ? body : mem_find(body, end, "</testcase>");
	if (close == NULL)
		close = end;
	failed = mem_find(body, close, "<failure") != NULL;
	error = !failed && mem_find(body, close, "<error") != NULL;
	xfail = mem_find(body, close, "<skipped type=\"pytest.xfail\"") != NULL;
	if (failed || error) {
		failed ? n->failed++ : n->errors++;
		if (strv_len(*failing) < THOROUGH_MAX_FAILING) {
			char *id = junit_id(p, te, suite);
			*failing = strv_push(*failing, id);
			free(id);
		}
	} else if (xfail)
		n->xfailed++;
	else if (mem_find(body, close, "<skipped") != NULL)
		n->skipped++;
	else
		n->passed++;
	return close;
}

int
thorough_junit_parse(const char *xml, size_t len, const char *suite, struct thorough_counts *n,
    char ***failing, char **cause)
{
	const char *end = xml + len, *p = xml;

	memset(n, 0, sizeof *n);
	*failing = strv_new();
	if (xml == NULL || (p = tag_find(xml, end, "<testsuite")) == NULL) {
		cause_set(cause, "not pytest's JUnit XML (no <testsuite>)");
		return -1;
	}
	while ((p = tag_find(p, end, "<testcase")) != NULL)
		p = junit_case(p, end, suite, n, failing);
	return 0;
}

/* One "N word" of a summary line into n; 1 when it was a count. */
static int
summary_word(const char *w, long v, struct thorough_counts *n)
{
	static const struct { const char *word; size_t off; } t[] = {
		{ "passed", offsetof(struct thorough_counts, passed) },
		{ "failed", offsetof(struct thorough_counts, failed) },
		{ "error", offsetof(struct thorough_counts, errors) },
		{ "errors", offsetof(struct thorough_counts, errors) },
		{ "skipped", offsetof(struct thorough_counts, skipped) },
		{ "xfailed", offsetof(struct thorough_counts, xfailed) },
		{ "xpassed", offsetof(struct thorough_counts, xpassed) },
		{ "deselected", (size_t)-1 }, { "warning", (size_t)-1 }, { "warnings", (size_t)-1 },
	};

	for (size_t i = 0; i < nitems(t); i++) {
		if (strcmp(w, t[i].word) != 0)
			continue;
		if (t[i].off != (size_t)-1)
			*(long *)((char *)n + t[i].off) = v;
		return 1;
	}
	return 0;
}

/* A summary line ("== 3 failed, 411 passed in 2.1s ==") into n; 0 when it is one. */
static int
summary_line(const char *line, struct thorough_counts *n)
{
	struct thorough_counts c = { 0 };
	const char *p = line;
	char word[16];
	int found = 0, used;
	long v;

	while (*p == '=' || *p == ' ')
		p++;
	while (isdigit((unsigned char)*p)) {
		if (sscanf(p, "%9ld %15[a-z]%n", &v, word, &used) != 2 || !summary_word(word, v, &c))
			return -1;
		found = 1;
		p += used;
		if (strncmp(p, ", ", 2) != 0)
			break;
		p += 2;
	}
	if (!found || strncmp(p, " in ", 4) != 0)
		return -1;
	*n = c;
	return 0;
}

int
thorough_summary_parse(const char *text, size_t len, struct thorough_counts *n)
{
	char line[512];
	size_t i = 0, start = 0;
	int rc = -1;

	for (i = 0; text != NULL && i <= len; i++) {
		if (i < len && text[i] != '\n')
			continue;
		if (i - start < sizeof line && i > start) {
			memcpy(line, text + start, i - start);
			line[i - start] = '\0';
			if (strlen(line) == i - start && summary_line(line, n) == 0)
				rc = 0;
		}
		start = i + 1;
	}
	return rc;
}

char *
thorough_missing_module(const char *text, size_t len)
{
	static const char key[] = "No module named '";
	const char *end = text + len, *p = text, *last = NULL, *q;

	while (text != NULL && (p = mem_find(p, end, key)) != NULL)
		last = p += sizeof key - 1;
	if (last == NULL)
		return NULL;
	for (q = last; q < end && q - last < 64 && (isalnum((unsigned char)*q) || *q == '_'); q++)
		;
	if (q == last || q >= end || (*q != '\'' && *q != '.'))
		return NULL;
	return xstrndup(last, q - last);
}

long
thorough_progress_count(const char *chunk, size_t len, int *state)
{
	long n = 0;

	/* state: 0 line start, 1 in a progress line, 2 in another line, 3 past the summary */
	for (size_t i = 0; i < len; i++) {
		char c = chunk[i];
		if (*state == 3)
			break;
		if (c == '\n') {
			*state = 0;
			continue;
		}
		if (*state == 0 && (c == '=' || c == '_'))
			*state = 3;
		else if (*state <= 1 && strchr(".sFExX", c) != NULL && c != '\0')
			*state = 1, n++;
		else
			*state = 2;
	}
	return n;
}

/* ---- options ---- */

int
thorough_keyword_check(const char *expr, char **cause)
{
	size_t n = expr != NULL ? strlen(expr) : 0;

	if (n == 0 || n > THOROUGH_MAX_KEYWORD) {
		cause_set(cause, "a pytest -k expression of 1 to %d bytes", THOROUGH_MAX_KEYWORD);
		return -1;
	}
	if (expr[0] == '-') {
		cause_set(cause, "'%s' starts with '-' (it would read as a pytest option)",
		    quote_short(expr));
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)expr[i]) && strchr(" _.:[]()+/-", expr[i]) == NULL) {
			cause_set(cause, "'%s' holds '%c' (a -k expression has letters, digits, "
			    "spaces and _ . : [ ] ( ) + / - only)", quote_short(expr),
			    isprint((unsigned char)expr[i]) ? expr[i] : '?');
			return -1;
		}
	return 0;
}

int
thorough_timeout_parse(const char *s, int *out, char **cause)
{
	char *end;
	long v;

	errno = 0;
	v = s != NULL && isdigit((unsigned char)*s) ? strtol(s, &end, 10) : -1;
	if (v < 1 || v > THOROUGH_MAX_TIMEOUT || errno != 0 || *end != '\0') {
		cause_set(cause, "whole seconds from 1 to %d, not '%s'", THOROUGH_MAX_TIMEOUT,
		    quote_short(s != NULL ? s : ""));
		return -1;
	}
	*out = (int)v;
	return 0;
}

const char *
thorough_status_name(enum thorough_status s)
{
	static const char *const names[] = { "passed", "failed", "not_run", "none_selected",
	    "timeout", "interrupted", "error" };

	return (size_t)s < nitems(names) ? names[s] : "error";
}

/* ---- signals ---- */

static volatile sig_atomic_t th_signal;

static void
th_on_signal(int sig)
{
	th_signal = sig;
}

/* SIGINT/SIGTERM caught (not restarting calls) while the tests run, unless ignored (nohup, a
 * background job); old keeps what was there. */
static void
th_signals(int on, struct sigaction old[2])
{
	static const int sigs[2] = { SIGINT, SIGTERM };
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = th_on_signal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 2; i++) {
		if (on && sigaction(sigs[i], NULL, &old[i]) == 0 && old[i].sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
		else if (!on)
			sigaction(sigs[i], &old[i], NULL);
	}
}

/* ---- running pytest ---- */

/* One process run: its pipes, the end of its output, what the progress shows. */
struct th_proc {
	int fd[2];
	struct buf out;         /* stdout and stderr, the last TH_TAIL..2*TH_TAIL bytes */
	int pstate;
	long done;
	double started;
};

static void
tail_add(struct buf *b, const char *data, size_t n)
{
	buf_add(b, data, n);
	if (b->len > 2 * TH_TAIL) {
		memmove(b->data, b->data + b->len - TH_TAIL, TH_TAIL);
		b->len = TH_TAIL;
		b->data[b->len] = '\0';
	}
}

/* Reads what is ready on the pipes for up to wait_ms; 1 while one is open. */
static int
th_read(struct th_proc *p, int wait_ms)
{
	struct pollfd pfd[2] = { { p->fd[0], POLLIN, 0 }, { p->fd[1], POLLIN, 0 } };
	char chunk[8192];
	ssize_t n;

	if (poll(pfd, 2, wait_ms) < 0)
		return errno == EINTR ? 1 : 0;
	for (int i = 0; i < 2; i++) {
		if (p->fd[i] < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if ((n = read(p->fd[i], chunk, sizeof chunk)) > 0) {
			tail_add(&p->out, chunk, n);
			if (i == 0)
				p->done += thorough_progress_count(chunk, n, &p->pstate);
		} else if (n == 0 || errno != EINTR) {
			close(p->fd[i]);
			p->fd[i] = -1;
		}
	}
	return p->fd[0] >= 0 || p->fd[1] >= 0;
}

/* One terminal line, rewritten in place: written to fd 2 itself, since stderr escapes the CR and
 * ESC it needs (the text is ours: a suite's name and numbers). */
static void
th_progress(const char *what, const struct th_proc *p, int end)
{
	int s = (int)(now_seconds() - p->started), n;
	char line[160];

	if (end)
		n = snprintf(line, sizeof line, "\r\033[K");
	else
		n = snprintf(line, sizeof line, "\r\033[K%s: %ld tests done, %d:%02d elapsed", what,
		    p->done, s / 60, s % 60);
	if (n > 0)
		(void)!write_all(STDERR_FILENO, line, (size_t)n < sizeof line ? (size_t)n :
		    sizeof line - 1);
}

/* Whether pid has exited, left waitable (not reaped) so its process group id stays its own. */
static int
th_exited(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof si);
	return waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid;
}

/* Waits for pid, reading its output, until it exits, the deadline passes or a signal comes;
 * then its process group is killed. Returns the exit status, or -1 with *why (the status). */
static int
th_wait(pid_t pid, struct th_proc *p, double deadline, const char *progress,
    enum thorough_status *why)
{
	double last = 0, grace = 0;
	int status = 0, exited = 0;

	*why = THOROUGH_ERROR;
	while (!exited || (grace > now_seconds() && (p->fd[0] >= 0 || p->fd[1] >= 0))) {
		if (!th_read(p, 200) && exited)
			break;
		if (!exited && th_exited(pid)) {
			exited = 1;
			kill(-pid, SIGKILL);    /* what it left running goes with it, */
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;                /* and only then is pid free to be reused */
			grace = now_seconds() + TH_GRACE_MS / 1000.0;
		}
		if (!exited && (th_signal != 0 || now_seconds() > deadline)) {
			*why = th_signal != 0 ? THOROUGH_INTERRUPTED : THOROUGH_TIMEOUT_HIT;
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			break;
		}
		if (progress != NULL && now_seconds() - last >= 1) {
			th_progress(progress, p, 0);
			last = now_seconds();
		}
	}
	if (progress != NULL)
		th_progress(progress, p, 1);
	for (int i = 0; i < 2; i++)
		if (p->fd[i] >= 0)
			close(p->fd[i]);
	if (!exited)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Where the runs happen: the probe's options, a private directory inside the root. */
struct th_ctx {
	const struct validate_opts *vo;
	struct rootdir *rd;
	int tmpfd;             /* the root's /tmp */
	char *name;            /* our directory in it */
	char *dir;             /* its path inside the root: /tmp/armpy-thorough.XXXXXX */
	char **env;
	double deadline;
	int timeout;
	int progress;
	int keyword;           /* a -k expression narrows the suites */
};

/* Runs argv (python first) in the private directory with the probe's environment. */
static int
th_spawn(struct th_ctx *c, char **argv, struct th_proc *p, double deadline, const char *progress,
    enum thorough_status *why)
{
	static const char *const dirs[] = { "/usr/local/bin", "/usr/bin", "/bin", NULL };
	struct proc_opts po = { .io = { PROC_NULL, PROC_PIPE, PROC_PIPE }, .env = c->env,
	    .path = argv[0], .dirs = dirs, .root = c->vo->root, .root_proc = 1, .cwd = c->dir,
	    .new_group = 1 };
	pid_t pid;

	memset(p, 0, sizeof *p);
	buf_init(&p->out);
	p->started = now_seconds();
	if ((pid = proc_start(argv, &po)) < 0) {
		*why = THOROUGH_ERROR;
		tail_add(&p->out, "cannot start ", 13);
		tail_add(&p->out, argv[0], strlen(argv[0]));
		return -1;
	}
	p->fd[0] = po.fd[1];
	p->fd[1] = po.fd[2];
	return th_wait(pid, p, deadline, progress, why);
}

static const char th_check_py[] =
	"import sys\n"
	"def v(m):\n"
	"    try:\n"
	"        __import__(m)\n"
	"        return str(getattr(sys.modules[m.split('.')[0]], '__version__', '?'))\n"
	"    except BaseException as e:\n"
	"        return '-'\n"
	"for m in sys.argv[1:]:\n"
	"    print(m, v(m).replace(' ', '_')[:40])\n";

/* The version the import check printed for module (a plain word), or NULL when it does not
 * import. */
static char *
check_version(const char *out, const char *module)
{
	size_t n = strlen(module);

	for (const char *l = out; l != NULL && *l != '\0'; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		size_t len = strcspn(l, "\n");
		if (len > n + 1 && strncmp(l, module, n) == 0 && l[n] == ' ' && l[n + 1] != '-') {
			char *v = xstrndup(l + n + 1, len - n - 1);
			for (char *q = v; *q != '\0'; q++)
				if (!isgraph((unsigned char)*q))
					*q = '?';
			return v;
		}
	}
	return NULL;
}

/* The private directory: the root's /tmp/armpy-thorough.XXXXXX (mode 0700), resolved inside the
 * root; the environment is the probe's with TMPDIR there, so a test's temporary files go too. */
static int
th_ctx_open(struct th_ctx *c, const struct validate_opts *vo, char **cause)
{
	char *tmp;

	memset(c, 0, sizeof *c);
	c->vo = vo;
	c->tmpfd = -1;
	if ((c->rd = rootdir_open(vo->root, cause)) == NULL ||
	    (c->tmpfd = rootdir_mkdirs(c->rd, "/tmp", 01777, cause)) < 0 ||
	    (c->name = rootdir_mkdtemp(c->tmpfd, "armpy-thorough.", cause)) == NULL)
		return -1;
	c->dir = xasprintf("/tmp/%s", c->name);
	c->env = validate_probe_environ(vo);
	tmp = xasprintf("TMPDIR=%s", c->dir);
	c->env = strv_setenv(c->env, tmp);
	free(tmp);
	return 0;
}

static void
th_ctx_close(struct th_ctx *c)
{
	char *cause = NULL;

	if (c->name != NULL && rootdir_rm_rf(c->tmpfd, c->name, c->dir, &cause) != 0) {
		fprintf(stderr, "armpy validate: %s\n", cause);
		free(cause);
	}
	if (c->tmpfd >= 0)
		close(c->tmpfd);
	rootdir_free(c->rd);
	free(c->name);
	free(c->dir);
	strv_free(c->env);
}

/* The JUnit file pytest wrote in the private directory (regular, not a symlink, bounded). */
static char *
th_junit_read(struct th_ctx *c, const char *base, size_t *len)
{
	struct stat st;
	struct buf b;
	int dfd, fd;

	if ((dfd = openat(c->tmpfd, c->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return NULL;
	fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	close(dfd);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > THOROUGH_MAX_JUNIT) {
		close(fd);
		return NULL;
	}
	buf_init(&b);
	buf_read_fd(&b, fd, THOROUGH_MAX_JUNIT);
	close(fd);
	*len = b.len;
	return buf_steal(&b);
}

/* The last line of text with something in it, for a reason (new, bounded, printable). */
static char *
last_words(const char *text, size_t len)
{
	size_t end = len, start;
	struct buf b;

	while (end > 0 && isspace((unsigned char)text[end - 1]))
		end--;
	for (start = end; start > 0 && text[start - 1] != '\n'; start--)
		;
	buf_init(&b);
	xml_text(&b, text + start, text + end);
	return buf_steal(&b);
}

/* What pytest's run says: counts from its JUnit file, else from its summary line. */
static void
suite_result(struct th_ctx *c, struct thorough_suite *s, const struct th_proc *p, int rc,
    const char *junit)
{
	size_t len = 0;
	char *xml = th_junit_read(c, junit, &len), *mod;

	struct thorough_counts sum;
	int have_sum = thorough_summary_parse(p->out.data, p->out.len, &sum) == 0;

	s->exit_code = rc;
	if (xml != NULL && thorough_junit_parse(xml, len, s->name, &s->n, &s->failing, NULL) == 0) {
		s->source = xstrdup("junit");
		/* JUnit has no xpassed: pytest writes a test that passed unexpectedly as passed */
		if (have_sum && sum.xpassed > 0 && s->n.passed >= sum.xpassed) {
			s->n.passed -= sum.xpassed;
			s->n.xpassed = sum.xpassed;
		}
	} else if (have_sum) {
		s->n = sum;
		s->source = xstrdup("summary");
	}
	free(xml);
	if (rc == 5 && c->keyword)
		s->status = THOROUGH_NONE;
	else if (rc == 5) {
		s->status = THOROUGH_NOT_RUN;
		s->reason = xasprintf("pytest collected no tests: this %s was installed without its "
		    "tests", s->name);
	}
	else if (s->n.failed > 0 || s->n.errors > 0 || (rc == 1 && s->source != NULL))
		s->status = THOROUGH_FAILED;
	else if (rc == 0 && s->source != NULL)
		s->status = THOROUGH_PASSED;
	else if ((mod = thorough_missing_module(p->out.data, p->out.len)) != NULL) {
		s->status = THOROUGH_NOT_RUN;
		s->reason = xasprintf("its test configuration needs the Python module %s, which "
		    "does not import there (Debian package python3-%s, or pip install %s in the "
		    "venv)", mod, mod, mod);
		free(mod);
	} else
		s->status = THOROUGH_ERROR;
	if (s->status == THOROUGH_ERROR) {
		char *last = last_words(p->out.data != NULL ? p->out.data : "", p->out.len);
		s->reason = xasprintf("pytest exited %d without results: %s", rc, last);
		free(last);
	}
}

/* Runs one suite: python -m pytest ... --pyargs NAME, its JUnit file in the private directory. */
static void
suite_run(struct th_ctx *c, const struct thorough_opts *o, struct thorough_suite *s,
    const char *python)
{
	char junit[64], *arg, **argv;
	struct th_proc p;
	enum thorough_status why;
	int rc;

	snprintf(junit, sizeof junit, "%s.xml", s->name);
	arg = xasprintf("--junitxml=%s/%s", c->dir, junit);
	argv = strv_pushl(strv_new(), python, "-m", "pytest", "-q", "-p", "no:cacheprovider",
	    "-rfE", arg, NULL);
	if (o->keyword != NULL)
		argv = strv_pushl(argv, "-k", o->keyword, NULL);
	argv = strv_pushl(argv, "--pyargs", s->name, NULL);
	free(arg);
	rc = th_spawn(c, argv, &p, c->deadline, c->progress ? s->name : NULL, &why);
	strv_free(argv);
	s->seconds = now_seconds() - p.started;
	s->done = p.done;
	if (rc < 0) {
		s->status = why;
		s->exit_code = -1;
		s->reason = why == THOROUGH_TIMEOUT_HIT ? xasprintf("killed at the deadline "
		    "(--thorough-timeout %d) with %ld tests done", c->timeout, p.done) :
		    why == THOROUGH_INTERRUPTED ? xasprintf("interrupted (signal %d) with %ld tests "
		    "done; its process group was killed", (int)th_signal, p.done) :
		    last_words(p.out.data != NULL ? p.out.data : "", p.out.len);
	} else
		suite_result(c, s, &p, rc, junit);
	buf_free(&p.out);
}

/* The import check: which of pytest and the suites' packages import under python. */
static char *
th_check(struct th_ctx *c, const char *python)
{
	char **argv = strv_pushl(strv_new(), python, "-c", th_check_py, "pytest", "numpy.linalg",
	    "scipy.linalg", NULL);
	double deadline = now_seconds() + TH_CHECK_TIMEOUT;
	struct th_proc p;
	enum thorough_status why;
	int rc = th_spawn(c, argv, &p, deadline < c->deadline ? deadline : c->deadline, NULL, &why);

	strv_free(argv);
	if (rc != 0) {
		buf_free(&p.out);
		return NULL;
	}
	return buf_steal(&p.out);
}

static void
suite_add(struct thorough_report *t, const char *name, int optional)
{
	struct thorough_suite *s;

	t->suites = xreallocarray(t->suites, t->nsuites + 1, sizeof *t->suites);
	s = &t->suites[t->nsuites++];
	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	s->status = THOROUGH_NOT_RUN;
	s->seconds = -1;
	s->exit_code = -1;
	s->optional = optional;
}

/* How bad a status is for the whole: the worst suite decides. */
static int
status_rank(const struct thorough_suite *s)
{
	static const int rank[] = { [THOROUGH_PASSED] = 1, [THOROUGH_NONE] = 0,
	    [THOROUGH_NOT_RUN] = 2, [THOROUGH_FAILED] = 3, [THOROUGH_ERROR] = 4,
	    [THOROUGH_TIMEOUT_HIT] = 5, [THOROUGH_INTERRUPTED] = 6 };

	return s->status == THOROUGH_NOT_RUN && s->optional ? -1 : rank[s->status];
}

static enum thorough_status
overall(const struct thorough_report *t)
{
	enum thorough_status st = THOROUGH_NONE;
	int worst = 0;

	for (int i = 0; i < t->nsuites; i++)
		if (status_rank(&t->suites[i]) > worst) {
			worst = status_rank(&t->suites[i]);
			st = t->suites[i].status;
		}
	return st;
}

/* Every suite asked for, its package checked, run in turn until time or a signal stops it. */
static void
th_suites(struct th_ctx *c, const struct thorough_opts *o, struct thorough_report *t,
    const char *check)
{
	for (int i = 0; i < t->nsuites; i++) {
		struct thorough_suite *s = &t->suites[i];
		char *pkg = check != NULL ? check_version(check, s->name) : NULL;
		if (th_signal != 0 || now_seconds() > c->deadline) {
			s->status = th_signal != 0 ? THOROUGH_INTERRUPTED : THOROUGH_TIMEOUT_HIT;
			s->reason = xstrdup("not started: the run was interrupted or out of time");
		} else if (check == NULL)
			s->reason = xasprintf("could not check what imports under %s (it failed, or "
			    "took over %d seconds)", quote_short(t->python), TH_CHECK_TIMEOUT);
		else if (t->pytest_version == NULL)
			s->reason = xasprintf("pytest does not import under %s (Debian package "
			    "python3-pytest, or pip install pytest in the venv); armpy installs "
			    "nothing", quote_short(t->python));
		else if (pkg == NULL)
			s->reason = xasprintf("%s does not import under %s", s->name,
			    quote_short(t->python));
		else
			suite_run(c, o, s, t->python);
		free(pkg);
	}
}

struct thorough_report *
thorough_run(const struct thorough_opts *o, const struct validate_opts *vo,
    const struct validate_report *probe, char **cause)
{
	struct thorough_report *t;
	struct sigaction old[2];
	struct th_ctx c;
	const char *sel = o->suite != NULL ? o->suite : "all";
	char *check;
	double t0 = now_seconds();

	if (th_ctx_open(&c, vo, cause) != 0) {
		th_ctx_close(&c);
		return NULL;
	}
	t = xcalloc(1, sizeof *t);
	t->python = xstrdup(vo->python != NULL ? vo->python : "python3");
	t->selection = xstrdup(sel);
	t->keyword = o->keyword != NULL ? xstrdup(o->keyword) : NULL;
	t->timeout = c.timeout = o->timeout > 0 ? o->timeout : THOROUGH_TIMEOUT;
	c.deadline = t0 + t->timeout;
	c.progress = o->progress;
	c.keyword = o->keyword != NULL;
	if (probe != NULL && probe->blas.path != NULL) {
		t->blas = xasprintf("%s%s%s", vkind_label(probe->blas.kind),
		    probe->blas.version ? " " : "", probe->blas.version ? probe->blas.version : "");
		t->blas_path = xstrdup(probe->blas.path);
	}
	if (strcmp(sel, "scipy") != 0)
		suite_add(t, "numpy.linalg", 0);
	if (strcmp(sel, "numpy") != 0)
		suite_add(t, "scipy.linalg", strcmp(sel, "all") == 0);
	th_signal = 0;
	th_signals(1, old);
	check = th_check(&c, t->python);
	t->pytest_version = check != NULL ? check_version(check, "pytest") : NULL;
	th_suites(&c, o, t, check);
	th_signals(0, old);
	t->signo = th_signal;
	free(check);
	th_ctx_close(&c);
	t->seconds = now_seconds() - t0;
	t->status = overall(t);
	return t;
}

void
thorough_free(struct thorough_report *t)
{
	if (t == NULL)
		return;
	for (int i = 0; i < t->nsuites; i++) {
		free(t->suites[i].name);
		strv_free(t->suites[i].failing);
		free(t->suites[i].source);
		free(t->suites[i].reason);
	}
	free(t->suites);
	free(t->python);
	free(t->pytest_version);
	free(t->selection);
	free(t->keyword);
	free(t->blas);
	free(t->blas_path);
	free(t);
}

/* ---- the report ---- */

/* "414 passed, 1 skipped, 2 xfailed" (the counts that are not 0). */
static void
counts_text(struct buf *b, const struct thorough_counts *n)
{
	const struct { const char *w; long v; } t[] = { { "failed", n->failed },
	    { "errors", n->errors }, { "passed", n->passed }, { "skipped", n->skipped },
	    { "xfailed", n->xfailed }, { "xpassed", n->xpassed } };
	int first = 1;

	for (size_t i = 0; i < nitems(t); i++)
		if (t[i].v > 0) {
			buf_printf(b, "%s%ld %s", first ? "" : ", ", t[i].v, t[i].w);
			first = 0;
		}
	if (first)
		buf_puts(b, "no tests");
}

static void
suite_text(struct buf *b, const struct thorough_suite *s)
{
	buf_printf(b, "%s ", s->name);
	if (s->status == THOROUGH_PASSED || s->status == THOROUGH_FAILED) {
		counts_text(b, &s->n);
		buf_printf(b, " in %.0f s", s->seconds);
	} else
		buf_printf(b, "%s", thorough_status_name(s->status));
	if (s->reason != NULL)
		buf_printf(b, " (%s)", s->reason);
	for (size_t i = 0; s->failing != NULL && s->failing[i] != NULL; i++)
		buf_printf(b, "%s%s", i == 0 ? "; failing: " : ", ", s->failing[i]);
	if (s->failing != NULL && s->failing[0] != NULL && s->n.failed + s->n.errors >
	    (long)strv_len(s->failing))
		buf_printf(b, " and %ld more", s->n.failed + s->n.errors -
		    (long)strv_len(s->failing));
}

void
thorough_verdict(struct validate_report *r, struct thorough_report *t)
{
	struct buf b;
	enum check_verdict v = t->status == THOROUGH_PASSED ? VERDICT_PASS : VERDICT_FAIL;

	buf_init(&b);
	for (int i = 0; i < t->nsuites; i++) {
		buf_puts(&b, i > 0 ? "; " : "");
		suite_text(&b, &t->suites[i]);
	}
	if (t->status == THOROUGH_NONE)
		buf_printf(&b, "; -k %s selected no test", t->keyword ? t->keyword : "");
	if (t->blas != NULL)
		buf_printf(&b, "; BLAS %s (%s)", t->blas, t->blas_path);
	vcheck_add(r, "upstream-tests", v, "%s", b.data != NULL ? b.data : "");
	buf_free(&b);
	r->thorough = t;
}

static void
emit_suite(struct yemit *y, const struct thorough_suite *s)
{
	yemit_map_start(y, 0);
	yemit_kv_str(y, "name", s->name);
	yemit_kv_str(y, "status", thorough_status_name(s->status));
	yemit_kv_long(y, "passed", s->n.passed);
	yemit_kv_long(y, "failed", s->n.failed);
	yemit_kv_long(y, "errors", s->n.errors);
	yemit_kv_long(y, "skipped", s->n.skipped);
	yemit_kv_long(y, "xfailed", s->n.xfailed);
	yemit_kv_long(y, "xpassed", s->n.xpassed);
	yemit_str(y, "seconds");
	if (s->seconds < 0)
		yemit_null(y);
	else
		yemit_double(y, s->seconds, 1);
	yemit_str(y, "exit_code");
	if (s->exit_code < 0)
		yemit_null(y);
	else
		yemit_long(y, s->exit_code);
	yemit_kv_str(y, "counted_from", s->source);
	yemit_kv_long(y, "tests_done", s->done);
	yemit_kv_strv(y, "failing", s->failing, 0);
	yemit_kv_str(y, "reason", s->reason);
	yemit_map_end(y);
}

void
thorough_emit(const struct thorough_report *t, struct yemit *y)
{
	yemit_str(y, "upstream_tests");
	yemit_map_start(y, 0);
	yemit_kv_str(y, "status", thorough_status_name(t->status));
	yemit_kv_str(y, "python", t->python);
	yemit_kv_str(y, "pytest", t->pytest_version);
	yemit_kv_str(y, "selection", t->selection);
	yemit_kv_str(y, "keyword", t->keyword);
	yemit_kv_str(y, "blas", t->blas);
	yemit_kv_str(y, "blas_path", t->blas_path);
	yemit_kv_long(y, "timeout", t->timeout);
	yemit_str(y, "seconds");
	yemit_double(y, t->seconds, 1);
	yemit_str(y, "suites");
	yemit_seq_start(y, 0);
	for (int i = 0; i < t->nsuites; i++)
		emit_suite(y, &t->suites[i]);
	yemit_seq_end(y);
	yemit_map_end(y);
}

/* progress.c — text and JSON-lines observers for runs without the wizard, throttled, hang-up safe. */
/* SPDX-License-Identifier: MIT */
#include "action.h"
#include "armpy.h"
#include "progress.h"
#include "report.h"
#include "plan.h"
#include "sudo.h"
#include "vis.h"
#include "ydoc.h"

#include <errno.h>
#include <jansson.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define THROTTLE_INTERVAL 0.25     /* at most 4 updates a second */

struct progress {
	int json;
	int fd;
	int index, total;
	double t0;
	struct throttle th;
	char *report;       /* the run's page (report.html in its directory), NULL none */
};

int
throttle_should_emit(struct throttle *t, double now, int percent, const char *detail)
{
	int same_detail = (detail == NULL && t->last_detail == NULL) ||
	    (detail != NULL && t->last_detail != NULL && strcmp(detail, t->last_detail) == 0);

	if (percent == t->last_percent && (percent >= 0 || same_detail))
		return 0;                       /* nothing changed */
	if (t->last_time > 0 && now - t->last_time < THROTTLE_INTERVAL)
		return 0;
	t->last_time = now;
	t->last_percent = percent;
	free(t->last_detail);
	t->last_detail = xstrdup(detail);
	return 1;
}

void
throttle_reset(struct throttle *t)
{
	free(t->last_detail);
	memset(t, 0, sizeof *t);
	t->last_percent = -2;
}

void
progress_print(struct progress *h, const char *text)
{
	/* A failure is EIO/EPIPE: the terminal is gone, and the log has it all. */
	write_all(h->fd, text, strlen(text));
}

/* One line for a person: s with every control escaped (a title or a command's output must not
 * move the cursor or hide what runs), then a line feed. */
static void
progress_vline(struct buf *b, const char *s)
{
	vis_buf(b, s, strlen(s), 0);
	buf_add(b, "\n", 1);
}

static void ARMPY_PRINTF(2, 3)
progress_line(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	progress_vline(b, s);
	free(s);
}

/* progress_line, printed at once. */
static void ARMPY_PRINTF(2, 3)
progress_printl(struct progress *h, const char *fmt, ...)
{
	va_list ap;
	struct buf b;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_init(&b);
	progress_vline(&b, s);
	progress_print(h, b.data);
	buf_free(&b);
	free(s);
}

/* A JSON string for text that may not be UTF-8 (a step's output, a title): jansson refuses
 * bytes that are not, and the key would be lost; they become U+FFFD. NULL is null. */
static json_t *
progress_jstr(const char *s)
{
	json_t *j;
	char *fixed;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) != NULL)
		return j;
	fixed = utf8_fix(s, 0, NULL);
	j = json_string(fixed);
	free(fixed);
	return j != NULL ? j : json_null();
}

static void
progress_json(struct progress *h, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(6));
	char *line = xasprintf("%s\n", s);

	progress_print(h, line);
	free(line);
	free(s);
	json_decref(o);
}

static json_t *
progress_event(const char *event, const struct step *s, struct progress *h)
{
	json_t *o = json_object();

	json_object_set_new(o, "event", json_string(event));
	if (s != NULL) {
		json_object_set_new(o, "index", json_integer(h->index));
		json_object_set_new(o, "total", json_integer(h->total));
		json_object_set_new(o, "id", progress_jstr(s->id));
	}
	return o;
}

static void
progress_step_start(void *arg, const struct step *s, int index, int total)
{
	struct progress *h = arg;
	json_t *o;

	h->index = index;
	h->total = total;
	h->t0 = now_seconds();
	throttle_reset(&h->th);
	if (h->json) {
		o = progress_event("step_start", s, h);
		json_object_set_new(o, "title", progress_jstr(s->title != NULL ? s->title : s->id));
		json_object_set_new(o, "kind", json_string(action_kind_name(s->kind)));
		progress_json(h, o);
		return;
	}
	progress_printl(h, "[%d/%d] %s", index, total, s->title != NULL ? s->title : s->id);
}

static void
progress_progress(void *arg, const struct step *s, double fraction, const char *detail)
{
	struct progress *h = arg;
	int pct = fraction < 0 ? -1 : (int)(fraction * 100 + 1e-9);
	json_t *o;

	if (pct > 100)
		pct = 100;
	if (!throttle_should_emit(&h->th, now_seconds(), pct, detail))
		return;
	if (h->json) {
		o = progress_event("progress", s, h);
		json_object_set_new(o, "percent", pct < 0 ? json_null() : json_integer(pct));
		json_object_set_new(o, "detail", progress_jstr(detail));
		progress_json(h, o);
		return;
	}
	if (pct >= 0)
		progress_printl(h, "[%d/%d] %s … %d%%%s%s%s", h->index, h->total,
		    s->title != NULL ? s->title : s->id, pct, detail != NULL ? " (" : "",
		    detail != NULL ? detail : "", detail != NULL ? ")" : "");
	else
		progress_printl(h, "[%d/%d] %s … %s", h->index, h->total,
		    s->title != NULL ? s->title : s->id, detail != NULL ? detail : "working");
}

static void
progress_step_end(void *arg, const struct step *s, enum step_result r, const char *cause)
{
	struct progress *h = arg;
	double secs = now_seconds() - h->t0;
	const char *title = s->title != NULL ? s->title : s->id;
	char *line;
	json_t *o;

	if (h->json) {
		o = progress_event("step_end", s, h);
		json_object_set_new(o, "result", json_string(step_result_name(r)));
		json_object_set_new(o, "cause", progress_jstr(cause));
		json_object_set_new(o, "seconds", json_real(secs));
		progress_json(h, o);
		return;
	}
	switch (r) {
	case STEP_OK:
		line = xasprintf("[%d/%d] %s: done (%.1f s)", h->index, h->total, title, secs);
		break;
	case STEP_SATISFIED:
		line = xasprintf("[%d/%d] %s: %s", h->index, h->total, title,
		    cause != NULL && !str_startswith(cause, "already satisfied") &&
		    strcmp(cause, "done in an earlier run") != 0 ? "already satisfied" :
		    cause != NULL ? cause : "already satisfied");
		break;
	case STEP_SKIPPED:
		line = xasprintf("[%d/%d] %s: skipped", h->index, h->total, title);
		break;
	case STEP_INTERRUPTED:
		line = xasprintf("[%d/%d] %s: interrupted", h->index, h->total, title);
		break;
	default:
		line = xasprintf("[%d/%d] %s: FAILED: %s", h->index, h->total, title,
		    cause != NULL ? cause : "failed");
		break;
	}
	progress_printl(h, "%s", line);
	free(line);
}

struct progress *
progress_new(int json, int fd)
{
	struct progress *h = xcalloc(1, sizeof *h);

	h->json = json;
	h->fd = fd;
	throttle_reset(&h->th);
	return h;
}

void
progress_free(struct progress *h)
{
	if (h == NULL)
		return;
	free(h->th.last_detail);
	free(h->report);
	free(h);
}

void
progress_observer(struct progress *h, struct exec_observer *obs)
{
	memset(obs, 0, sizeof *obs);
	obs->step_start = progress_step_start;
	obs->progress = progress_progress;
	obs->step_end = progress_step_end;
	obs->arg = h;
}

void
progress_run_end(struct progress *h, const char *result, int exit_code, const char *run_id,
    const char *run_dir, const char *log_path)
{
	json_t *o;

	if (!h->json)
		return;
	o = progress_event("run_end", NULL, h);
	json_object_set_new(o, "result", json_string(result));
	json_object_set_new(o, "exit", json_integer(exit_code));
	json_object_set_new(o, "run_id", progress_jstr(run_id));
	json_object_set_new(o, "run_dir", progress_jstr(run_dir));
	json_object_set_new(o, "log", progress_jstr(log_path));
	json_object_set_new(o, "report", progress_jstr(h->report));
	progress_json(h, o);
}

/* Every command of one step, its check's included, and every file, download, extraction and
 * probe with its environment: the step's description (action.h), escaped. */
static void
progress_command(struct buf *b, const struct step *s)
{
	struct step_desc d;

	step_describe(s, &d);
	step_desc_text(b, &d, "      ");
	step_desc_free(&d);
}

/* Every field of the plan a person reads here is escaped (see vis.h): a title or an argv word
 * with CR and "erase line" in it cannot hide the command that runs. */
void
progress_print_plan(struct progress *h, const struct plan *p, int show_commands)
{
	struct buf b;

	buf_init(&b);
	progress_line(&b, "Plan%s%s%s%s: %zu steps", p->profile_name != NULL ? " for " : "",
	    p->profile_name != NULL ? p->profile_name : "", p->target != NULL ? " on " : "",
	    p->target != NULL ? p->target : "", p->nsteps);
	for (size_t i = 0; p->warnings != NULL && p->warnings[i] != NULL; i++)
		progress_line(&b, "  warning: %s", p->warnings[i]);
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct step *s = &p->steps[i];
		progress_line(&b, "  %2zu. %s%s", i + 1, s->title != NULL ? s->title : s->id,
		    s->privileged ? " [root]" : "");
		if (show_commands)
			progress_command(&b, s);
	}
	/* JSON faces keep stdout for events: the plan goes to stderr */
	if (h->json) {
		int fd = h->fd;
		h->fd = STDERR_FILENO;
		progress_print(h, b.data);
		h->fd = fd;
	} else
		progress_print(h, b.data);
	buf_free(&b);
}

static void progress_not_started(struct progress *, const char *, int, const struct exec *);

/* The run as a page (armpy report), report.html in its directory; a page that cannot be made
 * is said on stderr and changes nothing of the run's outcome. */
static void
progress_report(struct progress *h, const struct exec *e)
{
	char *cause = NULL, *html, *path;

	if (exec_run_dir(e) == NULL)
		return;
	path = xasprintf("%s/report.html", exec_run_dir(e));
	html = report_run(exec_run_dir(e), NULL, &cause);
	if (html == NULL || report_save(path, html, &cause) != 0) {
		fprintf(stderr, "armpy: the run's page was not written: %s\n", cause);
		free(path);
		path = NULL;
	}
	free(html);
	free(cause);
	free(h->report);
	h->report = path;
}

int
progress_confirm(struct progress *h, int yes)
{
	char line[64];
	const char *why;

	if (yes)
		return 0;
	if (!isatty(STDIN_FILENO))
		why = "nothing runs unconfirmed, and stdin is not a terminal to ask on: review "
		    "the plan above, then run again with --yes to approve it";
	else {
		fputs("Proceed? [y/N] ", stderr);
		fflush(stderr);
		if (fgets(line, sizeof line, stdin) != NULL && (line[0] == 'y' || line[0] == 'Y'))
			return 0;
		why = "not confirmed (answer y on the terminal, or approve with --yes)";
	}
	progress_refuse(h, why);
	return EXIT_USAGE;
}

/* Text that is not progress (questions, refusals): on stderr, whatever the face. */
static void
progress_print_err(struct progress *h, const char *text)
{
	int fd = h->fd;

	h->fd = STDERR_FILENO;
	progress_print(h, text);
	h->fd = fd;
}

/* sudo keeps no timestamp: before each step that uses sudo, the password on the terminal. */
static int
progress_ask_sudo(void *arg, const struct step *s, const char *note, char *pw, size_t size)
{
	struct passwd *u = getpwuid(getuid());
	char *prompt = xasprintf("%s%sarmpy: step %s runs as root through sudo; password for %s: ",
	    note != NULL ? note : "", note != NULL ? "\n" : "", s->id, u != NULL ? u->pw_name : "you");
	int r = sudo_read_password(prompt, pw, size, NULL);

	(void)arg;
	free(prompt);
	return r == 1;
}

/* Before a run that needs sudo and would not get it without asking: on a terminal, sudo asks
 * for the password there, once; without one, the refusal and the three ways forward. When
 * sudo then keeps no timestamp (timestamp_timeout=0), armpy says so and asks before each step
 * that uses sudo (o->sudo_each_step). */
static int
progress_sudo(struct progress *h, const struct plan *p, struct exec_opts *o, char **cause)
{
	size_t n = sudo_steps(p);
	char *line;

	if ((o->root != NULL && *o->root != '\0' && strcmp(o->root, "/") != 0) ||
	    !sudo_needed(p) || sudo_ready())
		return 0;
	if (!sudo_has_terminal()) {
		*cause = sudo_refusal(p);
		return -1;
	}
	line = xasprintf("armpy: %zu step%s of this plan run%s as root through sudo, which wants "
	    "your password: sudo asks for it here, once (armpy never sees it, and keeps sudo "
	    "alive until the last of them).\n", n, n == 1 ? "" : "s", n == 1 ? "s" : "");
	progress_print_err(h, line);
	free(line);
	if (sudo_validate_tty(cause) != 0)
		return -1;
	if (!(o->sudo_each_step = sudo_keeps_no_timestamp()))
		return 0;
	line = xasprintf("armpy: sudo accepted the password but keeps no timestamp here (its "
	    "timestamp_timeout is 0): it wants the password for every command. armpy asks for it "
	    "here before each of the %zu step%s that run%s as root, gives it to sudo through a pipe "
	    "and forgets it after the step.\n", n, n == 1 ? "" : "s", n == 1 ? "s" : "");
	progress_print_err(h, line);
	free(line);
	return 0;
}

/* The run never started: say so and why (never "done" or "finished"). */
static void
progress_not_started(struct progress *h, const char *cause, int rc, const struct exec *e)
{
	struct buf b;

	buf_init(&b);
	progress_line(&b, "armpy: not started: %s", cause);
	progress_print_err(h, b.data);
	buf_free(&b);
	progress_run_end(h, "not_started", rc, e != NULL ? exec_run_id(e) : NULL,
	    e != NULL ? exec_run_dir(e) : NULL, e != NULL ? exec_log_path(e) : NULL);
}

void
progress_refuse(struct progress *h, const char *why)
{
	progress_not_started(h, why, EXIT_USAGE, NULL);
}

int
progress_execute(struct progress *h, const struct plan *p, struct exec_opts *o)
{
	struct exec_observer obs;
	struct exec *e;
	char *cause = NULL, **tail;
	struct buf b;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);          /* a dropped ssh session must not stop the run */
	o->headless = 1;
	if (progress_sudo(h, p, o, &cause) != 0) {
		progress_not_started(h, cause, EXIT_USAGE, NULL);
		free(cause);
		return EXIT_USAGE;
	}
	progress_observer(h, &obs);
	if (o->sudo_each_step)
		obs.ask_sudo = progress_ask_sudo;
	e = exec_new(p, o, &obs);
	rc = exec_run(e, &cause);
	if (rc == EXEC_NOT_STARTED) {
		progress_not_started(h, cause, EXIT_FAILED, e);
		free(cause);
		exec_free(e);
		return EXIT_FAILED;
	}
	progress_report(h, e);
	buf_init(&b);
	if (rc == EXEC_FAILED) {
		const struct step *s = exec_failed_step(e);
		buf_add(&b, "\n", 1);
		progress_line(&b, "armpy: step %s failed: %s", s != NULL ? s->id : "?",
		    exec_failed_cause(e) != NULL ? exec_failed_cause(e) : "failed");
		if (s != NULL)
			progress_line(&b, "  step:        %s", s->title != NULL ? s->title : s->id);
		if (exec_failed_status(e) >= 0)
			buf_printf(&b, "  exit status: %d\n", exec_failed_status(e));
		tail = exec_tail(e);
		if (tail[0] != NULL) {
			buf_printf(&b, "  last %zu lines of output:\n", strv_len(tail));
			for (size_t i = 0; tail[i] != NULL; i++)
				progress_line(&b, "    | %s", tail[i]);
		}
		strv_free(tail);
		buf_printf(&b, "  log:         %s\n", exec_log_path(e));
		if (h->report != NULL)
			progress_line(&b, "  report:      %s", h->report);
		if (exec_failed_sudo(e))
			buf_printf(&b, "  to continue: armpy resume %s (on a terminal, where sudo asks "
			    "for the password again)\n", exec_run_id(e));
		else
			buf_printf(&b, "  to continue after fixing it: armpy resume %s\n",
			    exec_run_id(e));
	} else if (rc == EXIT_INTERRUPTED) {
		buf_printf(&b, "\narmpy: interrupted; log: %s\n  to continue: armpy resume %s\n",
		    exec_log_path(e), exec_run_id(e));
	} else if (!h->json) {
		buf_printf(&b, "armpy: all %zu steps done (run %s, log %s)\n", p->nsteps,
		    exec_run_id(e), exec_log_path(e));
		if (h->report != NULL)
			progress_line(&b, "armpy: the run as a page: %s", h->report);
	}
	if (b.len > 0) {
		int fd = h->fd;
		h->fd = rc == 0 ? h->fd : STDERR_FILENO;
		progress_print(h, b.data);
		h->fd = fd;
	}
	buf_free(&b);
	progress_run_end(h, rc == 0 ? "ok" : rc == EXIT_INTERRUPTED ? "interrupted" : "failed", rc,
	    exec_run_id(e), exec_run_dir(e), exec_log_path(e));
	exec_free(e);
	return rc;
}

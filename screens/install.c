/* install.c — screen 8: runs the plan through the executor, step states, progress, output tail. */
#include "armpy.h"
#include "exec.h"
#include "plan.h"
#include "screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define TAIL 64

enum { ST_PENDING = -1, ST_RUNNING = -2 };

static int *state;            /* enum step_result, or ST_* */
static int current = -1;
static double fraction = -1;
static char *detail;
static char *tail[TAIL];
static int ntail;
static time_t started, finished;
static struct timespec last_draw;
static struct wizard *iw;
static struct exec *ie;       /* while running: for the log path */
static char *outcome;         /* the last line once the run ended */
static int not_started;       /* exec_run refused before any step: outcome says why */

/* The plan index of a step (the observer's index is 1-based; match by pointer or id). */
static int
step_index(const struct step *s)
{
	for (size_t i = 0; i < iw->plan->nsteps; i++)
		if (&iw->plan->steps[i] == s || strcmp(iw->plan->steps[i].id, s->id) == 0)
			return (int)i;
	return -1;
}

static void
log_note(void)
{
	if (iw->log_path == NULL && ie != NULL && exec_log_path(ie) != NULL)
		iw->log_path = xstrdup(exec_log_path(ie));
}

static void
install_paint(int force)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && (now.tv_sec - last_draw.tv_sec) * 1000 +
	    (now.tv_nsec - last_draw.tv_nsec) / 1000000 < 100)
		return;
	last_draw = now;
	/* No getch while steps run, so no KEY_RESIZE: follow the window size here. */
	{
		struct winsize ws;
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
		    (ws.ws_row != LINES || ws.ws_col != COLS))
			resizeterm(ws.ws_row, ws.ws_col);
	}
	if (tui_redraw != NULL)
		tui_redraw();
	refresh();
}

static void
obs_start(void *arg, const struct step *s, int index, int total)
{
	(void)arg;
	(void)index;
	(void)total;
	log_note();
	current = step_index(s);
	if (current >= 0)
		state[current] = ST_RUNNING;
	fraction = -1;
	free(detail);
	detail = NULL;
	install_paint(1);
}

static void
obs_progress(void *arg, const struct step *s, double f, const char *d)
{
	(void)arg;
	(void)s;
	fraction = f;
	free(detail);
	detail = xstrdup(d);
	install_paint(0);
}

static void
obs_output(void *arg, const struct step *s, const char *line)
{
	(void)arg;
	(void)s;
	if (ntail == TAIL) {
		free(tail[0]);
		memmove(tail, tail + 1, (TAIL - 1) * sizeof *tail);
		ntail--;
	}
	tail[ntail++] = xstrdup(line);
	install_paint(0);
}

static void
obs_end(void *arg, const struct step *s, enum step_result r, const char *cause)
{
	int k = step_index(s);

	(void)arg;
	if (k >= 0)
		state[k] = (int)r;
	if (cause != NULL && r == STEP_FAILED)
		obs_output(arg, s, cause);
	install_paint(1);
}

static int
obs_ask(void *arg, const struct step *s, const char *cause)
{
	static const char *const with_skip[] = { "Retry", "Skip", "Abort" };
	static const char *const no_skip[] = { "Retry", "Abort" };
	char *t;
	int r;

	(void)arg;
	log_note();
	if (step_index(s) >= 0)
		state[step_index(s)] = STEP_FAILED;
	t = xasprintf("%s failed:\n%s\n\nLog: %s%s", s->title ? s->title : s->id, cause ? cause :
	    "(no reason)", iw->log_path ? iw->log_path : "(none)", s->skippable ? "" :
	    "\nThis step cannot be skipped.");
	r = tui_choose("Step failed", t, s->skippable ? with_skip : no_skip, s->skippable ? 3 : 2);
	free(t);
	if (r == 0)
		return 'r';
	if (s->skippable && r == 1)
		return 's';
	return 'a';
}

static const char *
state_text(int st)
{
	switch (st) {
	case ST_PENDING: return "pending";
	case ST_RUNNING: return "running";
	case STEP_OK: return "done";
	case STEP_SATISFIED: return "satisfied";
	case STEP_FAILED: return "FAILED";
	case STEP_SKIPPED: return "skipped";
	case STEP_INTERRUPTED: return "stopped";
	}
	return "?";
}

static void
install_enter(struct wizard *w)
{
	struct exec_observer ob = {
		.step_start = obs_start, .progress = obs_progress, .output = obs_output,
		.step_end = obs_end, .ask_failure = obs_ask, .arg = w,
	};
	struct exec_opts eo;
	struct exec *e;
	char *cause = NULL;

	iw = w;
	if (w->ran)
		return;       /* ran already: keep the states */
	free(state);
	current = -1;
	finished = 0;
	not_started = 0;
	state = xreallocarray(NULL, w->plan->nsteps + 1, sizeof *state);
	for (size_t i = 0; i < w->plan->nsteps; i++)
		state[i] = ST_PENDING;
	memset(&eo, 0, sizeof eo);
	eo.root = w->root;
	eo.log_path = w->log_opt;
	/* A hang-up of the terminal interrupts the run cleanly (journal, unmounts) like a
	 * headless SIGHUP would, instead of killing the wizard mid-step. */
	eo.headless = 1;
	started = time(NULL);
	e = exec_new(w->plan, &eo, &ob);
	if (e == NULL) {
		w->dry_run = 1;
		finished = started;
		screen_message(TUI_WARN, "The executor is not available in this build: this was a "
		    "dry run, nothing changed.");
		return;
	}
	if (exec_log_path(e) != NULL)
		w->log_path = xstrdup(exec_log_path(e));
	w->ran = 1;
	ie = e;
	install_paint(1);
	cbreak();          /* ^C is SIGINT while steps run: the executor stops cleanly */
	w->exec_status = exec_run(e, &cause);
	raw();
	flushinp();        /* keys typed while it ran must not skip the next screens */
	ie = NULL;
	finished = time(NULL);
	if (w->log_path == NULL && exec_log_path(e) != NULL)
		w->log_path = xstrdup(exec_log_path(e));
	free(outcome);
	if (w->exec_status < 0) {
		/* Nothing ran: the steps stay pending, and going back to the review is possible. */
		not_started = 1;
		w->ran = 0;
		outcome = xstrdup(cause != NULL ? cause : "(no reason given)");
	} else if (w->exec_status == 0)
		outcome = xstrdup("All steps done. Enter: validation.");
	else
		outcome = xasprintf("The run %s. Log: %s", w->exec_status == 130 ?
		    "was interrupted" : "failed", w->log_path ? w->log_path : "?");
	free(cause);
	exec_free(e);
}

/* "Running the plan", "Finished" (only for a run that started), "Not started" or "Dry run",
 * the elapsed time and "log: " when there is a log path to show after it. */
static char *
heading(const struct wizard *w)
{
	time_t end = finished ? finished : time(NULL);

	if (not_started)
		return xasprintf("Not started: nothing was run%s", w->log_path ? "   log: " : "");
	return xasprintf("%s   elapsed %ld:%02ld%s", w->dry_run ? "Dry run: nothing was executed" :
	    finished ? "Finished" : "Running the plan", (long)(end - started) / 60,
	    (long)(end - started) % 60, w->log_path ? "   log: " : "");
}

static void
install_draw(struct wizard *w, WINDOW *win)
{
	const struct plan *p = w->plan;
	int y = TUI_TOP, h, first;
	char *t;

	t = heading(w);
	tui_put(win, y, 1, COLS - 2, TUI_HEAD, t);
	if (w->log_path)
		tui_put(win, y, 1 + (int)strlen(t), COLS - 2 - (int)strlen(t), TUI_NORMAL,
		    w->log_path);
	y++;
	free(t);
	h = LINES - 3 - y - 8;
	first = current - h / 2;
	if (first > (int)p->nsteps - h)
		first = (int)p->nsteps - h;
	if (first < 0)
		first = 0;
	for (int i = 0; i < h && first + i < (int)p->nsteps; i++) {
		int k = first + i, st = state ? state[k] : ST_PENDING;
		enum tui_kind kind = st == STEP_FAILED ? TUI_BAD : st == STEP_OK ||
		    st == STEP_SATISFIED ? TUI_GOOD : st == ST_RUNNING ? TUI_HEAD : TUI_NORMAL;
		t = xasprintf("%2d %c %-10s %s", k + 1, p->steps[k].privileged ? '#' : ' ',
		    state_text(st), p->steps[k].title ? p->steps[k].title : p->steps[k].id);
		tui_put(win, y + i, 1, COLS - 2, kind, t);
		free(t);
	}
	y += h;
	if (current >= 0 && !finished) {
		tui_bar(win, y, 1, 40, fraction);
		tui_put(win, y, 43, COLS - 44, TUI_NORMAL, detail ? detail : "");
	}
	y++;
	if (not_started) {
		tui_put(win, y++, 1, COLS - 2, TUI_DIM, "Why:");
		tui_wrap(win, y, 2, COLS - 3, 6, TUI_BAD, outcome);
		tui_status(win, TUI_BAD, "The run did not start. Esc: back to the review.");
		return;
	}
	tui_put(win, y++, 1, COLS - 2, TUI_DIM, "Output:");
	if (outcome != NULL)
		tui_status(win, w->exec_status == 0 ? TUI_GOOD : TUI_BAD, "%s", outcome);
	for (int i = 0; i < 6; i++) {
		int k = ntail - 6 + i;
		if (k >= 0)
			tui_put(win, y + i, 2, COLS - 3, TUI_NORMAL, tail[k]);
	}
}

static int
install_key(struct wizard *w, int key)
{
	(void)w;
	(void)key;
	return SCREEN_PASS;
}

const struct screen screen_install = {
	.name = "install",
	.title = "Install",
	.enter = install_enter,
	.draw = install_draw,
	.key = install_key,
	.help = "The plan runs step by step; satisfied steps are skipped. On a failure you "
	    "choose Retry, Skip (only for steps marked skippable) or Abort. The journal lets "
	    "`armpy resume` continue later.",
	.legend = "Enter next (validation)  ? help  q quit",
};

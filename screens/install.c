/* install.c — screen 8: runs the plan through the executor, step states, progress, output tail. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "bundle.h"
#include "exec.h"
#include "plan.h"
#include "screen.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define TAIL 64

enum { ST_PENDING = -1, ST_RUNNING = -2 };

/* The state while shown; the executor's observer gets it as its arg. */
struct install {
	struct wizard *w;
	struct exec *e;           /* while running: for the log path */
	int *state;               /* per step: enum step_result, or ST_* */
	int current;              /* the running (or last) step, -1 before the first */
	double fraction;          /* its progress, < 0 unknown */
	char *detail;
	char *tail[TAIL];         /* the last lines of output */
	int ntail;
	time_t started, finished;
	struct timespec last_draw;
	char *outcome;            /* the last line once the run ended */
	int not_started;          /* exec_run refused before any step: outcome says why */
};

/* The plan index of a step (the observer's index is 1-based; match by pointer or id). */
static int
step_index(const struct install *in, const struct step *s)
{
	const struct plan *p = in->w->plan;

	for (size_t i = 0; i < p->nsteps; i++)
		if (&p->steps[i] == s || strcmp(p->steps[i].id, s->id) == 0)
			return (int)i;
	return -1;
}

static void
log_note(struct install *in)
{
	if (in->w->log_path == NULL && in->e != NULL && exec_log_path(in->e) != NULL)
		in->w->log_path = xstrdup(exec_log_path(in->e));
	if (in->w->run_dir == NULL && in->e != NULL && exec_run_dir(in->e) != NULL)
		in->w->run_dir = xstrdup(exec_run_dir(in->e));
}

/* Redraw the screen (at most every 100 ms unless forced), following the window's size. */
static void
install_paint(struct install *in, int force)
{
	struct timespec now;
	struct winsize ws;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && (now.tv_sec - in->last_draw.tv_sec) * 1000 +
	    (now.tv_nsec - in->last_draw.tv_nsec) / 1000000 < 100)
		return;
	in->last_draw = now;
	/* No getch while steps run, so no KEY_RESIZE: follow the window size here. */
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    (ws.ws_row != LINES || ws.ws_col != COLS))
		resizeterm(ws.ws_row, ws.ws_col);
	if (tui_redraw != NULL)
		tui_redraw();
	refresh();
}

static void
obs_start(void *arg, const struct step *s, int index, int total)
{
	struct install *in = arg;

	(void)index;
	(void)total;
	log_note(in);
	in->current = step_index(in, s);
	if (in->current >= 0)
		in->state[in->current] = ST_RUNNING;
	in->fraction = -1;
	free(in->detail);
	in->detail = NULL;
	install_paint(in, 1);
}

static void
obs_progress(void *arg, const struct step *s, double f, const char *d)
{
	struct install *in = arg;

	(void)s;
	in->fraction = f;
	free(in->detail);
	in->detail = xstrdup(d);
	install_paint(in, 0);
}

static void
obs_output(void *arg, const struct step *s, const char *line)
{
	struct install *in = arg;

	(void)s;
	if (in->ntail == TAIL) {
		free(in->tail[0]);
		memmove(in->tail, in->tail + 1, (TAIL - 1) * sizeof *in->tail);
		in->ntail--;
	}
	in->tail[in->ntail++] = xstrdup(line);
	install_paint(in, 0);
}

static void
obs_end(void *arg, const struct step *s, enum step_result r, const char *cause)
{
	struct install *in = arg;
	int k = step_index(in, s);

	if (k >= 0)
		in->state[k] = (int)r;
	if (cause != NULL && r == STEP_FAILED)
		obs_output(arg, s, cause);
	install_paint(in, 1);
}

static int
obs_ask(void *arg, const struct step *s, const char *cause)
{
	static const char *const with_skip[] = { "Retry", "Skip", "Abort" };
	static const char *const no_skip[] = { "Retry", "Abort" };
	struct install *in = arg;
	char *t;
	int r;

	log_note(in);
	if (step_index(in, s) >= 0)
		in->state[step_index(in, s)] = STEP_FAILED;
	t = xasprintf("%s failed:\n%s\n\nLog: %s%s", s->title ? s->title : s->id, cause ? cause :
	    "(no reason)", in->w->log_path ? in->w->log_path : "(none)", s->skippable ? "" :
	    "\nThis step cannot be skipped.");
	r = tui_choose("Step failed", t, s->skippable ? with_skip : no_skip, s->skippable ? 3 : 2);
	free(t);
	if (r == 0)
		return 'r';
	if (s->skippable && r == 1)
		return 's';
	return 'a';
}

/* sudo keeps no timestamp: the password before each step that uses sudo (1 given, 0 Esc). */
static int
obs_ask_sudo(void *arg, const struct step *s, const char *note, char *pw, size_t size)
{
	char *t = xasprintf("Step %s runs as root through sudo, which keeps no timestamp here "
	    "(timestamp_timeout is 0) and wants the password again. armpy gives it to sudo through "
	    "a pipe and forgets it after the step. Enter: go on; Esc: stop the run here.", s->id);
	int r = tui_password("Password for sudo", t, note, pw, size);

	(void)arg;
	free(t);
	if (r == 1)
		tui_busy("Password for sudo", "sudo is checking the password...");
	return r == 1;
}

/* The validate step's report: the validation screen shows it, and runs no probe again. */
static void
obs_validated(void *arg, const struct step *s, struct validate_report *r)
{
	struct install *in = arg;

	(void)s;
	validate_report_free(in->w->validation);
	in->w->validation = r;
	in->w->validate_ran = 1;
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

/* Cheap: every step pending, the clock started; the run itself waits for install_start. */
static void
install_enter(struct wizard *w, void *state)
{
	struct install *in = state;

	in->w = w;
	in->current = -1;
	in->fraction = -1;
	in->state = xreallocarray(NULL, w->plan->nsteps + 1, sizeof *in->state);
	for (size_t i = 0; i < w->plan->nsteps; i++)
		in->state[i] = ST_PENDING;
	in->started = time(NULL);
}

/* The last line once exec_run returned status (cause: why it did not start). */
static void
install_outcome(struct install *in, int status, const char *cause)
{
	struct wizard *w = in->w;

	free(in->outcome);
	if (status < 0) {
		/* Nothing ran: the steps stay pending, and going back to the review is possible. */
		in->not_started = 1;
		w->ran = 0;
		in->outcome = xstrdup(cause != NULL ? cause : "(no reason given)");
	} else if (status == 0)
		in->outcome = xstrdup(w->undo != NULL ? "All steps done: the run is undone. Enter: "
		    "done." : "All steps done. Enter: validation.");
	else
		in->outcome = xasprintf("The run %s. Log: %s", status == 130 ? "was interrupted" :
		    "failed", w->log_path ? w->log_path : "?");
}

/* exec_run with ^C as SIGINT (the executor stops cleanly), then the keys typed meanwhile
 * dropped: they must not skip the next screens. */
static void
install_run(struct install *in)
{
	struct wizard *w = in->w;
	char *cause = NULL;

	w->ran = 1;
	install_paint(in, 1);
	cbreak();
	w->exec_status = exec_run(in->e, &cause);
	raw();
	flushinp();
	in->finished = time(NULL);
	log_note(in);
	install_outcome(in, w->exec_status, cause);
	free(cause);
}

/* Called by the main loop after the first draw: the whole run, drawn through the observer. */
static void
install_start(struct wizard *w, void *state)
{
	struct exec_observer ob = {
		.step_start = obs_start, .progress = obs_progress, .output = obs_output,
		.step_end = obs_end, .ask_failure = obs_ask, .ask_sudo = obs_ask_sudo,
		.validated = obs_validated, .arg = state,
	};
	struct install *in = state;
	struct exec_opts eo;
	char *undo_dir = NULL, *cause = NULL;

	if (w->ran)
		return;       /* ran already (the wizard never comes back here then) */
	/* an undo is a run of its own, marked as the undo of its run (as armpy undo makes it) */
	if (w->undo != NULL && (undo_dir = wizard_undo_begin(w, &cause)) == NULL) {
		install_outcome(in, EXEC_NOT_STARTED, cause);
		free(cause);
		return;
	}
	/* a bundle is read once more, verified again as it is written into the root */
	if (w->bundle != NULL) {
		tui_busy("Bundle", "Verifying the bundle again as it is written into "
		    BUNDLE_DIR "...");
		if (wizard_bundle_unpack(w->bundle, w->root, w->facts, w->plan, &cause) != 0) {
			install_outcome(in, EXEC_NOT_STARTED, cause);
			free(cause);
			return;
		}
	}
	memset(&eo, 0, sizeof eo);
	eo.root = w->root;
	eo.log_path = w->log_opt;
	eo.sudo_each_step = w->sudo_each_step;
	eo.facts = w->facts;
	eo.run_dir = undo_dir;
	/* A hang-up of the terminal interrupts the run cleanly (journal, unmounts) like a
	 * headless SIGHUP would, instead of killing the wizard mid-step. */
	eo.headless = 1;
	in->started = time(NULL);
	if ((in->e = exec_new(w->plan, &eo, &ob)) == NULL) {
		w->dry_run = 1;
		in->finished = in->started;
		screen_message(TUI_WARN, "The executor is not available in this build: this was a "
		    "dry run, nothing changed.");
		free(undo_dir);
		return;
	}
	log_note(in);
	install_run(in);
	exec_free(in->e);
	in->e = NULL;
	if (wizard_undo_end(w, w->exec_status, &cause) != 0) {
		screen_message(TUI_BAD, "%s", cause);
		free(cause);
	}
	free(undo_dir);
}

static void
install_leave(struct wizard *w, void *state)
{
	struct install *in = state;

	(void)w;
	free(in->state);
	free(in->detail);
	for (int i = 0; i < in->ntail; i++)
		free(in->tail[i]);
	free(in->outcome);
}

/* "Running the plan", "Finished" (only for a run that started), "Not started" or "Dry run",
 * the elapsed time and "log: " when there is a log path to show after it. */
static char *
heading(const struct wizard *w, const struct install *in)
{
	time_t end = in->finished ? in->finished : time(NULL);

	if (in->not_started)
		return xasprintf("Not started: nothing was run%s", w->log_path ? "   log: " : "");
	return xasprintf("%s   elapsed %ld:%02ld%s", w->dry_run ? "Dry run: nothing was executed" :
	    in->finished ? "Finished" : "Running the plan", (long)(end - in->started) / 60,
	    (long)(end - in->started) % 60, w->log_path ? "   log: " : "");
}

static void
install_draw(struct wizard *w, void *state, WINDOW *win)
{
	const struct install *in = state;
	const struct plan *p = w->plan;
	int y = TUI_TOP, h, first;
	char *t;

	t = heading(w, in);
	tui_put(win, y, 1, COLS - 2, TUI_HEAD, t);
	if (w->log_path)
		tui_put(win, y, 1 + (int)strlen(t), COLS - 2 - (int)strlen(t), TUI_NORMAL,
		    w->log_path);
	y++;
	free(t);
	h = LINES - 3 - y - 8;
	first = in->current - h / 2;
	if (first > (int)p->nsteps - h)
		first = (int)p->nsteps - h;
	if (first < 0)
		first = 0;
	for (int i = 0; i < h && first + i < (int)p->nsteps; i++) {
		int k = first + i, st = in->state[k];
		enum tui_kind kind = st == STEP_FAILED ? TUI_BAD : st == STEP_OK ||
		    st == STEP_SATISFIED ? TUI_GOOD : st == ST_RUNNING ? TUI_HEAD : TUI_NORMAL;
		t = xasprintf("%2d %c %-10s %s", k + 1, p->steps[k].privileged ? '#' : ' ',
		    state_text(st), p->steps[k].title ? p->steps[k].title : p->steps[k].id);
		tui_put(win, y + i, 1, COLS - 2, kind, t);
		free(t);
	}
	y += h;
	if (in->current >= 0 && !in->finished) {
		tui_bar(win, y, 1, 40, in->fraction);
		tui_put(win, y, 43, COLS - 44, TUI_NORMAL, in->detail ? in->detail : "");
	}
	y++;
	if (in->not_started) {
		tui_put(win, y++, 1, COLS - 2, TUI_DIM, "Why:");
		tui_wrap(win, y, 2, COLS - 3, 6, TUI_BAD, in->outcome);
		tui_status(win, TUI_BAD, "The run did not start. Esc: back to the review.");
		return;
	}
	tui_put(win, y++, 1, COLS - 2, TUI_DIM, "Output:");
	if (in->outcome != NULL)
		tui_status(win, w->exec_status == 0 ? TUI_GOOD : TUI_BAD, "%s", in->outcome);
	for (int i = 0; i < 6; i++) {
		int k = in->ntail - 6 + i;
		if (k >= 0)
			tui_put(win, y + i, 2, COLS - 3, TUI_NORMAL, in->tail[k]);
	}
}

const struct screen screen_install = {
	.name = "install",
	.title = "Install",
	.state_size = sizeof(struct install),
	.enter = install_enter,
	.start = install_start,
	.draw = install_draw,
	.leave = install_leave,
	.help = "The plan runs step by step; satisfied steps are skipped. On a failure you "
	    "choose Retry, Skip (only for steps marked skippable) or Abort. The journal lets "
	    "`armpy resume` continue later.",
	.legend = "Enter next (validation)  ? help  q quit",
};

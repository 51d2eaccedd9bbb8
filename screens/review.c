/* review.c — screen 7: the plan's steps, sizes and time; view YAML, save profile/plan, run. */
/* SPDX-License-Identifier: MIT */
#include "action.h"
#include "armpy.h"
#include "bundle.h"
#include "plan.h"
#include "screen.h"
#include "sudo.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
review_enter(struct wizard *w, void *state)
{
	(void)state;
	if (w->undo == NULL)
		wizard_replan(w);
}

static void
human_size(char *out, size_t len, long long n)
{
	if (n <= 0)
		*out = (len > 0) ? 0 : *out;
	else if (n >= 1024 * 1024)
		snprintf(out, len, "%.0f MiB", (double)n / (1024 * 1024));
	else
		snprintf(out, len, "%.0f KiB", (double)n / 1024);
}

static void
human_time(char *out, size_t len, int s)
{
	if (s <= 0)
		*out = (len > 0) ? 0 : *out;
	else if (s < 90)
		snprintf(out, len, "~%ds", s);
	else
		snprintf(out, len, "~%dm", (s + 30) / 60);
}

/* The bytes a step downloads, from its description. */
static long long
step_bytes(const struct step *s)
{
	struct step_desc d;
	long long n = 0;

	step_describe(s, &d);
	for (size_t i = 0; i < d.n; i++)
		if (d.v[i].kind == DESC_DOWNLOAD)
			n += d.v[i].size;
	step_desc_free(&d);
	return n;
}

/* Everything the step runs, writes, fetches and reads, its check's included, in the pager:
 * the same description the executor runs and the headless listing prints. */
static void
review_describe(const struct step *s)
{
	struct step_desc d;
	struct buf b;
	char *title;

	buf_init(&b);
	step_describe(s, &d);
	step_desc_text(&b, &d, "");
	step_desc_free(&d);
	if (s->privileged)
		buf_puts(&b, "\n(as root: through sudo when you are not root)\n");
	title = xasprintf("Step %s", s->id);
	tui_pager(title, b.data);
	free(title);
	buf_free(&b);
}

static void
review_draw(struct wizard *w, void *state, WINDOW *win)
{
	const struct plan *p = w->plan;
	int y = TUI_TOP, priv = 0, secs = 0, h;
	long long bytes = 0;
	char *t, *title, sz[32], tm[32], ex[128] = "";

	(void)state;
	for (int i = 0; i < EXTRA_COUNT && w->undo == NULL; i++)
		if (w->profile->extras & (1u << i))
			snprintf(ex + strlen(ex), sizeof ex - strlen(ex), "%s%s", *ex ? "," : "",
			    wizard_extra_label(1u << i));
	t = xasprintf("Python %s, %s, %s/%s, threads %d%s%s", wizard_python_shown(w),
	    source_name(w->profile->source), blas_library_name(w->profile->blas.library),
	    blas_threading_name(w->profile->blas.threading), w->profile->blas.threads ?
	    w->profile->blas.threads : wizard_cores(w), *ex ? ", " : "", ex);
	if (w->undo != NULL) {
		free(t);
		t = xasprintf("Undo of run %s: what it changed, put back", w->undo->run_id);
	}
	tui_put(win, y++, 1, COLS - 2, TUI_HEAD, t);
	free(t);
	if (p == NULL) {
		y++;
		t = xasprintf("armpy cannot plan these answers: %s", w->plan_cause);
		y += tui_wrap(win, y, 1, COLS - 2, 6, TUI_BAD, t);
		free(t);
		tui_wrap(win, y + 1, 1, COLS - 2, 2, TUI_NORMAL, "Go back (Esc) and change an "
		    "answer; nothing can run with these.");
		return;
	}
	for (size_t i = 0; i < p->nsteps; i++) {
		priv += p->steps[i].privileged;
		secs += p->steps[i].est_seconds;
		bytes += step_bytes(&p->steps[i]);
	}
	human_size(sz, sizeof sz, bytes);
	t = xasprintf("Plan for %s: %zu steps, %d need root (#)%s%s, about %d min", p->target ?
	    p->target : "?", p->nsteps, priv, *sz ? ", downloads " : "", sz, (secs + 59) / 60);
	tui_put(win, y++, 1, COLS - 2, TUI_NORMAL, t);
	free(t);
	if (w->bundle != NULL && w->undo == NULL)
		tui_put(win, y++, 1, COLS - 2, TUI_NORMAL, "From the bundle: apt reads file:"
		    BUNDLE_DIR "/apt, no network (v: its sources, apt's options)");
	for (size_t i = 0; p->warnings != NULL && p->warnings[i] != NULL && i < 2; i++) {
		t = xasprintf("! %s", p->warnings[i]);
		tui_put(win, y++, 1, COLS - 2, TUI_WARN, t);
		free(t);
	}
	y++;
	h = LINES - 3 - y;
	tui_scroll(w->cursor[WS_REVIEW], (int)p->nsteps, h, &w->top[WS_REVIEW]);
	for (int i = 0; i < h && w->top[WS_REVIEW] + i < (int)p->nsteps; i++) {
		int k = w->top[WS_REVIEW] + i;
		const struct step *s = &p->steps[k];
		human_size(sz, sizeof sz, step_bytes(s));
		human_time(tm, sizeof tm, s->est_seconds);
		/* escaped before it is cut to the column: a control shows as \r, \x1b, ... */
		title = vis_strf(s->title ? s->title : s->id, TUI_VIS);
		t = xasprintf("%2d %c %-*.*s %8s %5s", k + 1, s->privileged ? '#' : ' ',
		    COLS - 27, COLS - 27, title, sz, tm);
		tui_line(win, y + i, 1, COLS - 2, k == w->cursor[WS_REVIEW], 0, t);
		free(title);
		free(t);
	}
	if (w->top[WS_REVIEW] > 0)
		mvwaddstr(win, y, COLS - 1, "^");
	if (w->top[WS_REVIEW] + h < (int)p->nsteps)
		mvwaddstr(win, y + h - 1, COLS - 1, "v");
}

static void
review_save(struct wizard *w, int plan)
{
	char *def, *path, *cause = NULL;
	int r;

	def = plan ? wizard_default_plan_path(w, NULL) : wizard_default_profile_path(w, NULL);
	path = tui_prompt(plan ? "Save the plan" : "Save the profile", plan ?
	    "The plan as YAML (exactly what `armpy --profile ... --dry-run` prints):" :
	    "Your answers, to replay with `armpy --profile FILE` or `armpy --load FILE`:", def);
	free(def);
	if (path == NULL)
		return;
	if (*path == '\0') {
		free(path);
		return;
	}
	if (!plan && strchr(path, '/') == NULL) {
		/* A bare name goes into the profiles directory. */
		char *full = wizard_default_profile_path(w, path);
		if (!str_endswith(path, ".yaml")) {
			free(path);
			path = full;
		} else
			free(full);
	}
	r = plan ? wizard_save_plan(w, path, &cause) : wizard_save_profile(w, path, &cause);
	if (r != 0) {
		screen_message(TUI_BAD, "Not saved: %s", cause);
		free(cause);
	} else
		screen_message(TUI_GOOD, "%s saved to %s", plan ? "Plan" : "Profile", path);
	free(path);
}

static int
review_key(struct wizard *w, void *state, int key)
{
	char *yaml;
	int n = w->plan ? (int)w->plan->nsteps : 0;

	(void)state;
	if (screen_list_key(key, &w->cursor[WS_REVIEW], n))
		return SCREEN_STAY;
	switch (key) {
	case 'd':
		if (w->plan != NULL && w->cursor[WS_REVIEW] < n)
			review_describe(&w->plan->steps[w->cursor[WS_REVIEW]]);
		return SCREEN_STAY;
	case 'v':
		if (w->plan == NULL) {
			screen_message(TUI_BAD, "No plan: %s", w->plan_cause);
			return SCREEN_STAY;
		}
		yaml = plan_to_yaml(w->plan);
		tui_pager("Plan (YAML)", yaml);
		free(yaml);
		return SCREEN_STAY;
	case 's':
		review_save(w, 0);
		return SCREEN_STAY;
	case 'p':
		if (w->plan == NULL)
			screen_message(TUI_BAD, "No plan: %s", w->plan_cause);
		else
			review_save(w, 1);
		return SCREEN_STAY;
	}
	return SCREEN_PASS;
}

/* One password, asked in a masked dialog and given to `sudo -S -v` through a pipe, then
 * wiped: 1 accepted, 0 Esc, -1 refused with *why. */
static int
sudo_try(const char *text, const char *note, char **why)
{
	char pw[SUDO_PASSWORD_MAX + 1];
	int r = 0;

	if (tui_password("Password for sudo", text, note, pw, sizeof pw) == 1) {
		tui_busy("Password for sudo", "sudo is checking the password...");
		r = sudo_validate_password(pw, why) == 0 ? 1 : -1;
	}
	explicit_bzero(pw, sizeof pw);
	return r;
}

/* What the password dialog says above its field. */
static char *
sudo_ask_text(const struct plan *p)
{
	struct passwd *pwd = getpwuid(getuid());
	size_t n = sudo_steps(p);

	return xasprintf("%zu step%s of this plan run%s as root through sudo, and sudo wants the "
	    "password of %s. armpy gives it to `sudo -v` through a pipe and forgets it; sudo stays "
	    "valid for the whole run. Enter: go on; Esc: back to the review.", n, n == 1 ? "" : "s",
	    n == 1 ? "s" : "", pwd != NULL ? pwd->pw_name : "this user");
}

/* Not root, the plan has steps that use sudo and sudo wants a password: ask for it, at most
 * WIZARD_SUDO_TRIES times. 0 when sudo is ready; -1 with *cause (nothing run) on Esc, after
 * the last refused try, or when sudo is not installed. */
static int
review_sudo(struct wizard *w, char **cause)
{
	char *text, *note = NULL, *why = NULL;
	int r = 0, fails = 0;

	w->sudo_each_step = 0;
	if (w->root != NULL || !sudo_needed(w->plan) || sudo_ready())
		return 0;
	if (access(SUDO_PATH, X_OK) != 0) {
		why = sudo_refusal(w->plan);
		cause_set(cause, "Not started: %s", why);
		free(why);
		return -1;
	}
	text = sudo_ask_text(w->plan);
	while (fails < WIZARD_SUDO_TRIES && (r = sudo_try(text, note, &why)) < 0) {
		free(note);
		note = wizard_sudo_retry(why, ++fails);
		free(why);
		why = NULL;
	}
	if (r == 0)
		cause_set(cause, "Not started, nothing was run: no password was given to sudo");
	else if (r < 0)
		cause_set(cause, "%s", note);
	free(note);
	free(text);
	if (r > 0 && (w->sudo_each_step = sudo_keeps_no_timestamp()))
		tui_choose("Password for sudo", "sudo accepted the password but keeps no timestamp "
		    "here (its timestamp_timeout is 0): it wants the password for every command. "
		    "armpy asks for it in this dialog before each step that runs as root, and forgets "
		    "it after the step.", (const char *const[]){ "OK" }, 1);
	return r > 0 ? 0 : -1;
}

/* Undo mode: asked once, sudo as for a plan; no profile or plan to save. */
static int
review_apply_undo(struct wizard *w, char **cause)
{
	char *q = xasprintf("Undo run %s now? These %zu steps put back what it changed, newest "
	    "first; %zu of them need root. The undo is journaled as a run of its own.",
	    w->undo->run_id, w->plan->nsteps, sudo_steps(w->plan));
	int yes = tui_confirm("Undo the run", q);

	free(q);
	if (!yes) {
		cause_set(cause, "Not started; nothing was changed");
		return -1;
	}
	return review_sudo(w, cause);
}

static int
review_apply(struct wizard *w, void *state, char **cause)
{
	char *q, *path;
	int priv = 0;

	(void)state;
	if (w->plan == NULL) {
		cause_set(cause, "Nothing to run: %s", w->plan_cause);
		return -1;
	}
	if (w->undo != NULL)
		return review_apply_undo(w, cause);
	if (wizard_run_refusal(w) != NULL) {
		cause_set(cause, "%s", wizard_run_refusal(w));
		return -1;
	}
	for (size_t i = 0; i < w->plan->nsteps; i++)
		priv += w->plan->steps[i].privileged;
	q = xasprintf("Run these %zu steps now? %d of them need root (through sudo when you are "
	    "not root: armpy asks for the password first if sudo needs it). The profile and the "
	    "plan are saved first.", w->plan->nsteps, priv);
	if (!tui_confirm("Run the plan", q)) {
		free(q);
		cause_set(cause, "Not started; nothing was changed");
		return -1;
	}
	free(q);
	if (review_sudo(w, cause) != 0)
		return -1;
	if (w->profile_path == NULL) {
		path = wizard_default_profile_path(w, NULL);
		if (wizard_save_profile(w, path, cause) != 0) {
			free(path);
			return -1;
		}
		free(path);
	}
	path = wizard_default_plan_path(w, NULL);
	if (w->plan_path == NULL && wizard_save_plan(w, path, cause) != 0) {
		free(path);
		return -1;
	}
	free(path);
	return 0;
}

const struct screen screen_review = {
	.name = "review",
	.title = "Review the plan",
	.enter = review_enter,
	.draw = review_draw,
	.key = review_key,
	.apply = review_apply,
	.help = "Every step of the plan, in order. # marks steps that need root. d shows what the "
	    "step under the cursor runs, writes, downloads and checks, every command with its "
	    "environment (the list --dry-run prints). v shows the whole plan as YAML (the same "
	    "text `armpy --profile FILE --dry-run` prints); s saves your answers as a profile "
	    "($XDG_CONFIG_HOME/armpy/profiles/NAME.yaml); p saves the plan. Enter asks once more, "
	    "then runs it.",
	.legend = "Up/Down scroll  v view YAML  s save profile  p save plan  Enter run  Esc back",
};

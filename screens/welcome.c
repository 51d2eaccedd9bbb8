/* welcome.c — screen 1: what this machine is (distro, CPU, memory, Pythons, conda, PEP 668). */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per visit: the past runs of this root (loaded after the first draw), the highlighted one. */
struct welcome {
	struct wizard_runs runs;
	int cursor, top;
};

static void
row(WINDOW *win, int y, const char *label, const char *fmt, ...) ARMPY_PRINTF(4, 5);
static void
row(WINDOW *win, int y, const char *label, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	tui_put(win, y, 2, 14, TUI_HEAD, label);
	tui_put(win, y, 17, COLS - 18, TUI_NORMAL, s);
	free(s);
}

/* Arriving back from an undo's review: the answers' plan again. */
static void
welcome_enter(struct wizard *w, void *state)
{
	(void)state;
	if (w->undo != NULL && !w->ran) {
		wizard_undo_cancel(w);
		wizard_replan(w);
	}
}

static void
welcome_start(struct wizard *w, void *state)
{
	struct welcome *s = state;

	wizard_runs_load(w, &s->runs);
}

/* The past runs from row y: id, date, profile and BLAS, status, and Undo beside each that
 * can be undone; the highlighted one is what u undoes. */
static void
runs_draw(struct welcome *s, WINDOW *win, int y)
{
	int h = LINES - 4 - y - 1;
	char *t;

	if (s->runs.n == 0 || h < 1)
		return;
	tui_put(win, y++, 1, COLS - 2, TUI_HEAD, "Past runs here (u: undo the highlighted one)");
	tui_scroll(s->cursor, s->runs.n, h, &s->top);
	for (int i = 0; i < h && s->top + i < s->runs.n; i++) {
		const struct wizard_run *r = &s->runs.v[s->top + i];
		char *right = xasprintf("%s%s", r->status, r->undoable ? "  [Undo]" : "");
		char *left = xasprintf("%s  %s  %s", r->id, r->when, r->what);
		int lw = COLS - 5 - (int)strlen(right);

		t = xasprintf("%-*.*s %s", lw > 0 ? lw : 0, lw > 0 ? lw : 0, left, right);
		free(left);
		tui_line(win, y + i, 1, COLS - 2, s->top + i == s->cursor, !r->undoable, t);
		free(right);
		free(t);
	}
}

static void
welcome_draw(struct wizard *w, void *state, WINDOW *win)
{
	struct welcome *s = state;
	const struct facts *f = w->facts;
	const struct cpu_info *c = &f->cpu;
	char **v = NULL, *t;
	int y = TUI_TOP;

	y += tui_wrap(win, y, 1, COLS - 2, 2, TUI_NORMAL, "armpy installs NumPy and SciPy on the "
	    "BLAS you choose (OpenBLAS or BLIS) and proves which one serves them. Nothing "
	    "changes before the review screen.");
	y++;
	row(win, y++, "Distribution", "%s  (%s %s, %s, %s)", f->pretty_name ? f->pretty_name :
	    "unknown", f->distro_id ? f->distro_id : "?", f->distro_version ? f->distro_version :
	    "?", family_name(f->family), pkg_manager_name(f->package_manager));
	row(win, y++, "Architecture", "%s%s%s%s", f->arch ? f->arch : "unknown",
	    f->multiarch ? " (" : "", f->multiarch ? f->multiarch : "", f->multiarch ? ")" : "");
	{
		struct buf b;
		buf_init(&b);
		buf_puts(&b, c->name ? c->name : "unknown");
		if (c->vendor != NULL || c->part != NULL)
			buf_printf(&b, " (%s%s%s)", c->vendor ? c->vendor : "", c->vendor &&
			    c->part ? " " : "", c->part ? c->part : "");
		buf_printf(&b, ", %d cores", c->cores);
		if (c->mhz > 0)
			buf_printf(&b, ", %ld MHz", c->mhz);
		if (c->sve_bits > 0)
			buf_printf(&b, ", SVE %d bits", c->sve_bits);
		row(win, y++, "CPU", "%s", b.data);
		buf_free(&b);
	}
	t = strv_join(c->features, " ");
	row(win, y++, "Features", "%s", *t ? t : "unknown");
	free(t);
	row(win, y++, "Memory", "%.1f GiB    page size %ld KB", (double)f->mem_bytes /
	    (1024.0 * 1024 * 1024), f->page_size / 1024);
	for (int i = 0; i < f->npythons; i++)
		v = strv_pushf(v, "%s (%s)", f->pythons[i].path, f->pythons[i].version ?
		    f->pythons[i].version : "?");
	t = v ? strv_join(v, ", ") : xstrdup("none found");
	row(win, y++, "Pythons", "%s", t);
	free(t);
	strv_free(v);
	row(win, y++, "conda", "%s", f->conda ? f->conda : "not found");
	row(win, y++, "PEP 668", "%s", f->pep668 ? "the system python3 is externally managed: "
	    "pip goes into a venv" : "not marked (pip may install next to the distro)");
	y++;
	if (w->bundle != NULL) {
		char *file = vis_strf(w->bundle->file, TUI_VIS);
		t = xasprintf("From the bundle %s, for %s: its answers are set (%s); an answer "
		    "it cannot install is refused.", file, w->bundle->target, w->bundle->answers);
		free(file);
		y += tui_wrap(win, y, 1, COLS - 2, 3, TUI_HEAD, t);
		free(t);
	}
	if (f->arch == NULL || strcmp(f->arch, "aarch64") != 0)
		y += tui_wrap(win, y, 1, COLS - 2, 2, TUI_WARN, "Notice: this machine is not "
		    "Arm64. armpy still plans for it (useful for testing), but the advice it "
		    "follows is written for Arm64 servers.");
	if (f->emulated)
		y += tui_wrap(win, y, 1, COLS - 2, 2, TUI_WARN, "Notice: running under "
		    "emulation (qemu-user): benchmark timings are not this CPU's speed.");
	if (f->page_size > 4096)
		y += tui_wrap(win, y, 1, COLS - 2, 2, TUI_WARN, "Notice: 64 KB pages. Pillow "
		    "wheels work; some other wheels may not.");
	runs_draw(s, win, y);
	tui_put(win, LINES - 3, 1, COLS - 2, TUI_NORMAL, s->runs.n > 0 ? "Press Enter to start "
	    "a new setup, or u to undo the highlighted past run." : "Press Enter to start.");
}

/* u: the highlighted run's reverse plan, to the review screen; a conflict names the run to
 * undo first, in a dialog, and nothing runs. */
static int
welcome_undo(struct wizard *w, struct welcome *s)
{
	const struct wizard_run *r;
	char *cause = NULL, *title;
	int conflicted;

	if (s->runs.n == 0)
		return SCREEN_STAY;
	r = &s->runs.v[s->cursor];
	if (!r->undoable) {
		screen_message(TUI_WARN, "Run %s cannot be undone: %s", r->id, r->status);
		return SCREEN_STAY;
	}
	if (wizard_undo_choose(w, r->id, &conflicted, &cause) == 0)
		return SCREEN_NEXT;
	if (conflicted) {
		title = xasprintf("Cannot undo run %s", r->id);
		tui_choose(title, cause, (const char *const[]){ "OK" }, 1);
		free(title);
	} else
		screen_message(TUI_BAD, "%s", cause);
	free(cause);
	return SCREEN_STAY;
}

static int
welcome_key(struct wizard *w, void *state, int key)
{
	struct welcome *s = state;

	if (s->runs.n > 0 && screen_list_key(key, &s->cursor, s->runs.n))
		return SCREEN_STAY;
	if (key == 'u' || key == 'U')
		return welcome_undo(w, s);
	return SCREEN_PASS;
}

static void
welcome_leave(struct wizard *w, void *state)
{
	struct welcome *s = state;

	(void)w;
	wizard_runs_clear(&s->runs);
}

const struct screen screen_welcome = {
	.name = "welcome",
	.title = "Welcome: this machine",
	.state_size = sizeof(struct welcome),
	.enter = welcome_enter,
	.start = welcome_start,
	.draw = welcome_draw,
	.key = welcome_key,
	.leave = welcome_leave,
	.help = "What armpy detected on this machine. Detection can be overridden with "
	    "--os-release, --cpuinfo, --arch and --root; the distribution also on the next "
	    "screen. Past runs on this machine (or --root) are listed below it, newest first, as "
	    "`armpy runs` lists them: Up/Down highlights one, and u undoes it, as `armpy undo ID` "
	    "does: its reverse plan on the review screen (d shows a step), run on the install "
	    "screen as a run of its own. A run a later run changed again is refused, naming the "
	    "run to undo first.",
	.legend = "Enter next  ? help  q quit",
};

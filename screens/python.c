/* python.c — screen 3: the Python version, with end-of-life dates and refusals. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "screen.h"

#include <stdlib.h>
#include <string.h>

/* The state while shown: the list of versions (struct wizard_list). */

/* The marked (*) line: the answer in the profile; -1 when the list lacks it. */
static int
python_marked(const struct wizard *w, const struct wizard_list *py_list)
{
	const char *cur = w->profile->python ? w->profile->python : "system";

	for (int i = 0; i < py_list->n; i++)
		if (strcmp(py_list->v[i].key, cur) == 0)
			return i;
	return -1;
}

static void
python_enter(struct wizard *w, void *state)
{
	int m;

	wizard_python_choices(w, state);
	if ((m = python_marked(w, state)) >= 0)
		w->cursor[WS_PYTHON] = m;
}

static void
python_draw(struct wizard *w, void *state, WINDOW *win)
{
	int y = TUI_TOP;
	char *t;

	t = xasprintf("Chosen: Python %s%s   (source: %s)", wizard_python_shown(w),
	    w->profile->allow_eol ? ", end of life accepted" : "",
	    source_name(w->profile->source));
	tui_put(win, y++, 1, COLS - 2, TUI_HEAD, t);
	free(t);
	y += tui_wrap(win, y, 1, COLS - 2, 2, TUI_NORMAL, "Versions found here or installable "
	    "with this distro and source. The DevKit guide (Python on Arm64) asks for a "
	    "supported Python 3; an EOL one asks first. The distro's own python3 is maintained "
	    "by its vendor until the release's end of support, past upstream's date.");
	y++;
	screen_list_draw(win, state, y, LINES - 3 - y - 3, &w->cursor[WS_PYTHON],
	    &w->top[WS_PYTHON], w->profile->python ? w->profile->python : "system", 2);
}

static int
python_choose(struct wizard *w, struct wizard_list *py_list)
{
	const struct wizard_choice *c = &py_list->v[w->cursor[WS_PYTHON]];
	char *cause = NULL, *q;
	int r;

	if (c->disabled) {
		screen_message(TUI_BAD, "Python %s cannot be chosen: %s", c->key,
		    c->reason ? c->reason : "not available");
		return -1;
	}
	r = wizard_set_python(w, c->key, 0, &cause);
	if (r == 1) {
		q = xasprintf("Python %s reached its end of life on %s. It gets no security "
		    "fixes any more, and NumPy/SciPy stop publishing wheels for it; the DevKit "
		    "guide (Python on Arm64) recommends a supported Python 3. Use Python %s "
		    "anyway?", c->key, c->eol_date ? c->eol_date : "an unknown date", c->key);
		if (!tui_confirm("End-of-life Python", q)) {
			free(q);
			screen_message(TUI_WARN, "Kept Python %s", wizard_python_shown(w));
			return -1;
		}
		free(q);
		r = wizard_set_python(w, c->key, 1, &cause);
		if (r == 0)
			screen_message(TUI_WARN, "Python %s chosen past its end of life "
			    "(allow_eol: true)", c->key);
	}
	if (r != 0) {
		if (cause != NULL)
			screen_message(TUI_BAD, "%s", cause);
		free(cause);
		return -1;
	}
	python_enter(w, py_list);
	return 0;
}

/* Space marks the line under the cursor (an EOL one asks first); Enter is the main loop's. */
static int
python_key(struct wizard *w, void *state, int key)
{
	struct wizard_list *py_list = state;

	if (screen_list_key(key, &w->cursor[WS_PYTHON], py_list->n))
		return SCREEN_STAY;
	if (key == ' ') {
		python_choose(w, py_list);
		return SCREEN_STAY;
	}
	return SCREEN_PASS;
}

/* Enter goes on with the marked version, never the one under the cursor. */
static int
python_apply(struct wizard *w, void *state, char **cause)
{
	const struct wizard_list *py_list = state;
	int m = python_marked(w, py_list);

	if (m < 0 || !py_list->v[m].disabled)
		return 0;        /* (one the list lacks, from --load: the plan judges it) */
	cause_set(cause, "Python %s cannot be chosen: %s", wizard_python_shown(w),
	    py_list->v[m].reason ? py_list->v[m].reason : "not available");
	return -1;
}

const struct screen screen_python = {
	.name = "python",
	.title = "Python version",
	.state_size = sizeof(struct wizard_list),
	.enter = python_enter,
	.draw = python_draw,
	.key = python_key,
	.apply = python_apply,
	.leave = screen_list_leave,
	.help = "\"system\" is the distribution's python3. Other versions come from the "
	    "distro's packages, pip on a found interpreter, or conda. End-of-life dates come "
	    "from armpy's table (ARMPY_TODAY overrides today). \"system\" on a release its "
	    "vendor still supports is maintained by the vendor (\"maintained by Canonical ... "
	    "until\", from the vendor's lifecycle page) and needs no confirmation; a version "
	    "named here keeps upstream's date. Python 2.7 is EOL since 2020-01-01 (NumPy "
	    "supported it only up to 1.16) and cannot be chosen.\nSpace marks the version under the cursor (an "
	    "end-of-life one asks first); Enter goes on with the marked (*) one.",
};

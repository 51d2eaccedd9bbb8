/* python.c — screen 3: the Python version, with end-of-life dates and refusals. */
#include "armpy.h"
#include "screen.h"

#include <stdlib.h>
#include <string.h>

static struct wizard_list py_list;

static void
python_enter(struct wizard *w)
{
	const char *cur = w->profile->python ? w->profile->python : "system";

	wizard_python_choices(w, &py_list);
	for (int i = 0; i < py_list.n; i++)
		if (strcmp(py_list.v[i].key, cur) == 0)
			w->cursor[WS_PYTHON] = i;
}

static void
python_draw(struct wizard *w, WINDOW *win)
{
	int y = TUI_TOP;
	char *t;

	t = xasprintf("Chosen: Python %s%s   (source: %s)", wizard_python_shown(w),
	    w->profile->allow_eol ? ", end of life accepted" : "",
	    source_name(w->profile->source));
	tui_put(win, y++, 1, COLS - 2, TUI_HEAD, t);
	free(t);
	y += tui_wrap(win, y, 1, COLS - 2, 2, TUI_NORMAL, "Versions found on this machine and "
	    "installable for this distro and source. The seed: target at least a supported "
	    "Python 3; EOL versions need a confirmation.");
	y++;
	screen_list_draw(win, &py_list, y, LINES - 3 - y - 3, &w->cursor[WS_PYTHON],
	    &w->top[WS_PYTHON], w->profile->python ? w->profile->python : "system", 2);
}

static int
python_choose(struct wizard *w)
{
	const struct wizard_choice *c = &py_list.v[w->cursor[WS_PYTHON]];
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
		    "fixes any more, and NumPy/SciPy stop publishing wheels for it (the seed "
		    "recommends a supported Python 3). Use Python %s anyway?", c->key,
		    c->eol_date ? c->eol_date : "an unknown date", c->key);
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
	python_enter(w);
	return 0;
}

static int
python_key(struct wizard *w, int key)
{
	if (screen_list_key(key, &w->cursor[WS_PYTHON], py_list.n))
		return SCREEN_STAY;
	if (key == ' ') {
		python_choose(w);
		return SCREEN_STAY;
	}
	if (key == '\n' || key == '\r' || key == KEY_ENTER)
		return python_choose(w) == 0 ? SCREEN_NEXT : SCREEN_STAY;
	return SCREEN_PASS;
}

const struct screen screen_python = {
	.name = "python",
	.title = "Python version",
	.enter = python_enter,
	.draw = python_draw,
	.key = python_key,
	.help = "\"system\" is the distribution's python3. Other versions come from the "
	    "distro's packages, pip on a found interpreter, or conda. End-of-life dates come "
	    "from armpy's table (ARMPY_TODAY overrides today). Python 2.7 is EOL since "
	    "2020-01-01 and cannot be chosen.",
};

/* source.c — screen 4: where NumPy/SciPy come from (system, pip venv, conda), with consequences. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "screen.h"

#include <stdlib.h>
#include <string.h>

/* The state while shown: the list of sources (struct wizard_list). */

static void
source_enter(struct wizard *w, void *state)
{
	wizard_source_choices(w, state);
	w->cursor[WS_SOURCE] = (int)w->profile->source;
}

static void
source_draw(struct wizard *w, void *state, WINDOW *win)
{
	const struct wizard_list *src_list = state;
	int y = TUI_TOP, *cur = &w->cursor[WS_SOURCE];
	char *t;

	t = xasprintf("Python %s; choose where NumPy and SciPy come from:",
	    wizard_python_shown(w));
	tui_put(win, y++, 1, COLS - 2, TUI_HEAD, t);
	free(t);
	y++;
	if (*cur >= src_list->n)
		*cur = src_list->n - 1;
	for (int i = 0; i < src_list->n; i++) {
		const struct wizard_choice *c = &src_list->v[i];
		t = xasprintf("%s %s%s", tui_mark(0, (int)w->profile->source == i, c->disabled),
		    c->label, c->disabled ? "  (not available)" : "");
		tui_line(win, y++, 2, COLS - 4, i == *cur, c->disabled, t);
		free(t);
		tui_put(win, y++, 7, COLS - 8, c->disabled ? TUI_DIM : TUI_NORMAL,
		    wizard_source_consequences((enum source)i, 0));
		tui_put(win, y++, 7, COLS - 8, c->disabled ? TUI_DIM : TUI_NORMAL,
		    wizard_source_consequences((enum source)i, 1));
		y++;
	}
	if (src_list->n > 0 && src_list->v[*cur].reason != NULL) {
		t = xasprintf("Not available: %s", src_list->v[*cur].reason);
		tui_wrap(win, y, 2, COLS - 4, 3, TUI_WARN, t);
		free(t);
	}
}

static int
source_choose(struct wizard *w, struct wizard_list *src_list)
{
	const struct wizard_choice *c = &src_list->v[w->cursor[WS_SOURCE]];
	char *cause = NULL;

	if (c->disabled) {
		screen_message(TUI_BAD, "%s is not available: %s", c->key, c->reason);
		return -1;
	}
	if (wizard_set_source(w, (enum source)w->cursor[WS_SOURCE], &cause) != 0) {
		screen_message(TUI_BAD, "%s", cause);
		free(cause);
		return -1;
	}
	wizard_source_choices(w, src_list);
	return 0;
}

/* Space marks the line under the cursor; Enter (the main loop's) goes on with the marked one. */
static int
source_key(struct wizard *w, void *state, int key)
{
	struct wizard_list *src_list = state;

	if (screen_list_key(key, &w->cursor[WS_SOURCE], src_list->n))
		return SCREEN_STAY;
	if (key == ' ') {
		source_choose(w, src_list);
		return SCREEN_STAY;
	}
	return SCREEN_PASS;
}

/* The marked source must still be available (an earlier answer may have changed). */
static int
source_apply(struct wizard *w, void *state, char **cause)
{
	const struct wizard_list *src_list = state;
	int m = (int)w->profile->source;

	if (m >= src_list->n || !src_list->v[m].disabled)
		return 0;
	cause_set(cause, "%s is not available: %s", src_list->v[m].key, src_list->v[m].reason ?
	    src_list->v[m].reason : "refused");
	return -1;
}

const struct screen screen_source = {
	.name = "source",
	.title = "Package source",
	.state_size = sizeof(struct wizard_list),
	.enter = source_enter,
	.draw = source_draw,
	.key = source_key,
	.apply = source_apply,
	.leave = screen_list_leave,
	.help = "system: the distro's python3-numpy/python3-scipy, BLAS chosen with "
	    "update-alternatives (Debian/Ubuntu) - needs root.\npip: a venv; wheels carry "
	    "their own OpenBLAS, BLIS means building NumPy from source.\nconda: Miniforge in "
	    "your home; conda-forge builds OpenBLAS and NVIDIA NVPL for linux-aarch64, not "
	    "BLIS.\nSpace marks the line "
	    "under the cursor; Enter goes on with the marked (*) one.",
};

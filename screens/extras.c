/* extras.c — screen 6: optional packages (Pillow, pandas, PyTorch, DGL, ...) with the guide's notes. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "screen.h"

#include <stdlib.h>

static const unsigned extra_bits[EXTRA_COUNT] = {
	EXTRA_PILLOW, EXTRA_PANDAS, EXTRA_PYTORCH, EXTRA_DGL, EXTRA_SENTENCEPIECE, EXTRA_MORFEUSZ,
};
/* The state while shown: why ticking each extra would be refused (NULL: it would not). */
struct extras {
	char *refusal[EXTRA_COUNT];
};

static void
extras_refresh(struct wizard *w, void *state)
{
	char **refusal = ((struct extras *)state)->refusal;

	for (int i = 0; i < EXTRA_COUNT; i++) {
		free(refusal[i]);
		/* Only adding can be refused here; removing is judged on Space. */
		refusal[i] = (w->profile->extras & extra_bits[i]) ? NULL :
		    wizard_extra_refusal(w, extra_bits[i]);
	}
}

static void
extras_leave(struct wizard *w, void *state)
{
	struct extras *x = state;

	(void)w;
	for (int i = 0; i < EXTRA_COUNT; i++)
		free(x->refusal[i]);
}

static void
extras_draw(struct wizard *w, void *state, WINDOW *win)
{
	char *const *refusal = ((struct extras *)state)->refusal;
	int y = TUI_TOP, cur = w->cursor[WS_EXTRAS];
	char *t;

	tui_put(win, y++, 1, COLS - 2, TUI_HEAD, "Optional packages (Space toggles):");
	y++;
	for (int i = 0; i < EXTRA_COUNT; i++) {
		unsigned bit = extra_bits[i];
		t = xasprintf("%s %s%s", tui_mark(1, (w->profile->extras & bit) != 0,
		    refusal[i] != NULL), wizard_extra_label(bit), refusal[i] ? "  (refused)" : "");
		tui_line(win, y++, 2, COLS - 4, i == cur, refusal[i] != NULL, t);
		free(t);
		tui_put(win, y++, 8, COLS - 9, TUI_NORMAL, wizard_extra_note(bit));
	}
	y++;
	if (refusal[cur] != NULL) {
		t = xasprintf("Refused: %s", refusal[cur]);
		tui_wrap(win, y, 2, COLS - 4, LINES - 3 - y, TUI_WARN, t);
		free(t);
	}
}

static int
extras_key(struct wizard *w, void *state, int key)
{
	int *cur = &w->cursor[WS_EXTRAS];
	char *cause = NULL;

	if (screen_list_key(key, cur, EXTRA_COUNT))
		return SCREEN_STAY;
	if (key == ' ') {
		if (wizard_toggle_extra(w, extra_bits[*cur], &cause) != 0) {
			screen_message(TUI_BAD, "%s", cause);
			free(cause);
		}
		extras_refresh(w, state);
		return SCREEN_STAY;
	}
	return SCREEN_PASS;
}

const struct screen screen_extras = {
	.name = "extras",
	.title = "Extras",
	.state_size = sizeof(struct extras),
	.enter = extras_refresh,
	.draw = extras_draw,
	.key = extras_key,
	.leave = extras_leave,
	.help = "Each extra follows the DevKit guide (Python on Arm64). DGL and sentencepiece "
	    "are installed after PyTorch. Extras built from source need the compilers the plan "
	    "installs.\nSpace ticks or unticks the line under the cursor; Enter goes on with the "
	    "ticked [x] ones.",
	.legend = "Up/Down move  Space toggle  Enter next  Esc back  ? help  q quit",
};

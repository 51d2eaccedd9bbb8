/* done.c — screen 10: where things were saved, the headless replay command, how to activate. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "plan.h"
#include "screen.h"

#include <stdlib.h>

static void
done_draw(struct wizard *w, void *state, WINDOW *win)
{
	int y = TUI_TOP;
	char *t;

	(void)state;
	tui_put(win, y++, 1, COLS - 2, w->exec_status > 0 ? TUI_BAD : TUI_GOOD, w->dry_run ?
	    "Done (dry run: nothing was changed)." : w->exec_status == 0 ? "Done." :
	    "Finished with problems; see the log.");
	y++;
	tui_put(win, y, 2, 10, TUI_HEAD, "Log");
	tui_put(win, y++, 13, COLS - 14, TUI_NORMAL, w->log_path ? w->log_path : "(none)");
	tui_put(win, y, 2, 10, TUI_HEAD, "Profile");
	tui_put(win, y++, 13, COLS - 14, TUI_NORMAL, w->profile_path ? w->profile_path :
	    "(not saved)");
	tui_put(win, y, 2, 10, TUI_HEAD, "Plan");
	tui_put(win, y++, 13, COLS - 14, TUI_NORMAL, w->plan_path ? w->plan_path : "(not saved)");
	y++;
	tui_put(win, y++, 1, COLS - 2, TUI_HEAD, "Replay this setup headless on other machines:");
	t = wizard_replay_command(w);
	y += tui_wrap(win, y, 3, COLS - 4, 3, TUI_NORMAL, t);
	free(t);
	y++;
	tui_put(win, y++, 1, COLS - 2, TUI_HEAD, "Use the environment:");
	for (size_t i = 0; w->plan && w->plan->notes && w->plan->notes[i] && y < LINES - 3; i++)
		y += tui_wrap(win, y, 3, COLS - 4, LINES - 3 - y, TUI_NORMAL, w->plan->notes[i]);
}

const struct screen screen_done = {
	.name = "done",
	.title = "Done",
	.draw = done_draw,
	.help = "armpy --profile FILE --yes replays the saved answers without questions; "
	    "--dry-run prints the plan first.",
	.legend = "Enter quit  ? help  q quit",
};

/* done.c — screen 10: where things were saved, the headless replay command, how to activate. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "plan.h"
#include "report.h"
#include "screen.h"

#include <stdlib.h>
#include <string.h>

/* After an undo: which run was undone, by which run, its log, and what it left. */
static void
done_undo_draw(struct wizard *w, WINDOW *win)
{
	int y = TUI_TOP;
	char *t = w->exec_status == 0 ? xasprintf("Done: run %s is undone (by run %s).",
	    w->undo->run_id, w->undo->undo_id != NULL ? w->undo->undo_id : "?") :
	    xasprintf("The undo of run %s finished with problems; see the log. armpy resume "
	    "continues it.", w->undo->run_id);

	y += tui_wrap(win, y, 1, COLS - 2, 2, w->exec_status == 0 ? TUI_GOOD : TUI_BAD, t);
	free(t);
	y++;
	tui_put(win, y, 2, 10, TUI_HEAD, "Log");
	tui_put(win, y++, 13, COLS - 14, TUI_NORMAL, w->log_path ? w->log_path : "(none)");
	y++;
	tui_put(win, y++, 1, COLS - 2, TUI_HEAD, "What stays, and why:");
	for (size_t i = 0; w->plan && w->plan->notes && w->plan->notes[i] && y < LINES - 3; i++)
		y += tui_wrap(win, y, 3, COLS - 4, LINES - 3 - y, TUI_NORMAL, w->plan->notes[i]);
}

static void
done_draw(struct wizard *w, void *state, WINDOW *win)
{
	int y = TUI_TOP;
	char *t;

	(void)state;
	if (w->undo != NULL) {
		done_undo_draw(w, win);
		return;
	}
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
	if (w->run_dir != NULL) {
		tui_put(win, y, 2, 10, TUI_HEAD, "Report");
		tui_put(win, y++, 13, COLS - 14, TUI_NORMAL, "press h to write the run as one HTML "
		    "page (machine, steps, checks, GFLOPS charts)");
	}
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

/* The run as a page (armpy report), where the user says: by default in the home directory,
 * to open in a browser or mail as it is. */
static void
done_report(struct wizard *w)
{
	char *def, *path, *html, *cause = NULL;
	const char *id = strrchr(w->run_dir, '/');
	const char *home = getenv("HOME");

	def = xasprintf("%s%sarmpy-report-%s.html", home != NULL && *home == '/' ? home : "",
	    home != NULL && *home == '/' ? "/" : "", id != NULL ? id + 1 : "run");
	path = tui_prompt("Write the run's report", "One self-contained HTML page (no script, "
	    "nothing fetched), as `armpy report` writes it:", def);
	free(def);
	if (path == NULL || *path == '\0') {
		free(path);
		return;
	}
	html = report_run(w->run_dir, NULL, &cause);
	if (html == NULL || report_save(path, html, &cause) != 0)
		screen_message(TUI_BAD, "Not written: %s", cause);
	else
		screen_message(TUI_GOOD, "Report written to %s", path);
	free(cause);
	free(html);
	free(path);
}

static int
done_key(struct wizard *w, void *state, int key)
{
	(void)state;
	if ((key == 'h' || key == 'H') && w->run_dir != NULL) {
		done_report(w);
		return SCREEN_STAY;
	}
	return SCREEN_PASS;
}

const struct screen screen_done = {
	.name = "done",
	.title = "Done",
	.draw = done_draw,
	.key = done_key,
	.help = "armpy --profile FILE --yes replays the saved answers without questions; "
	    "--dry-run prints the plan first.",
	.legend = "h HTML report  Enter quit  ? help  q quit",
};

/* screen.h — one wizard screen: named callbacks over the wizard model, in one const table. */
#ifndef SCREEN_H
#define SCREEN_H

#include <curses.h>

#include "tui.h"
#include "wizard.h"

/* What a key did, like cdebconf's go-back: the main loop moves between screens. */
enum screen_action {
	SCREEN_STAY,       /* handled, redraw */
	SCREEN_NEXT,       /* apply this screen's answers and go on */
	SCREEN_BACK,       /* previous screen, answers kept */
	SCREEN_QUIT,       /* leave the wizard (asks first once anything ran) */
	SCREEN_PASS,       /* not handled: the main loop applies the common keys */
};

struct screen {
	const char *name;
	const char *title;
	void (*enter)(struct wizard *);                 /* on arrival (forward or back) */
	void (*draw)(struct wizard *, WINDOW *);        /* rows TUI_TOP..LINES-3 */
	int (*key)(struct wizard *, int key);           /* enum screen_action */
	int (*apply)(struct wizard *, char **cause);    /* before going on; -1 stays with cause */
	const char *help;
	const char *legend;                             /* bottom line; NULL = the default */
};

extern const struct screen *const screen_table[WS_COUNT];
extern const struct screen screen_welcome, screen_distro, screen_python, screen_source,
    screen_blas, screen_extras, screen_review, screen_install, screen_validate, screen_done;

/* A one-shot message on the status line (set by screens, drawn by the main loop). */
void screen_message(enum tui_kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The main loop takes it (NULL when none); the caller frees. */
char *screen_message_take(enum tui_kind *);
/* Cursor movement for lists (arrows, j/k, Home/End, PgUp/PgDn, Tab); 1 when handled. */
int screen_list_key(int key, int *cursor, int n);
/* A choice list with marks: the current answer is marked, the cursor line highlighted, the
 * highlighted line's note (or refusal) shown below in up to noterows rows. */
void screen_list_draw(WINDOW *, const struct wizard_list *, int y, int height, int *cursor,
    int *top, const char *current, int noterows);
/* Run argv (a child in its own process group, no shell): its stdout into *out, and each line
 * of its stderr, as it comes, to line(arg, text), which returns 1 when it took the line; the
 * lines it did not take (all of them when line is NULL) go into *err. line(arg, NULL) asks for
 * a redraw after a resize. Returns the exit status, -1, or SCREEN_RUN_CANCELLED when the user
 * pressed Esc/q meanwhile (its group got SIGTERM, then SIGKILL, and it was reaped). */
#define SCREEN_RUN_CANCELLED 1000
int screen_run_capture(char *const argv[], char **out, char **err,
    int (*line)(void *arg, const char *text), void *arg);

#endif

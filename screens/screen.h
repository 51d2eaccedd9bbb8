/* screen.h — one wizard screen: named callbacks over the wizard model, in one const table. */
/* SPDX-License-Identifier: MIT */
#ifndef SCREEN_H
#define SCREEN_H

#include <curses.h>
#include <stddef.h>

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

/* A screen's hooks get its per-instance state: a zeroed block of state_size bytes (NULL when
 * state_size is 0) that the main loop allocates on each arrival, before enter, and frees after
 * leave, when the wizard goes to another screen or ends. Nothing a screen draws or remembers
 * lives in a static; what must outlast a visit (answers, cursors, results) is in the wizard. */
struct screen {
	const char *name;
	const char *title;
	size_t state_size;
	void (*enter)(struct wizard *, void *state);            /* on arrival: cheap, no waiting */
	/* After enter and the screen's first draw, once per arrival: long work (the install
	 * run), drawing as it goes through tui_redraw. NULL: none. */
	void (*start)(struct wizard *, void *state);
	void (*draw)(struct wizard *, void *state, WINDOW *);  /* rows TUI_TOP..LINES-3 */
	int (*key)(struct wizard *, void *state, int key);     /* enum screen_action; NULL: PASS */
	/* Before going on; -1 stays with *cause. */
	int (*apply)(struct wizard *, void *state, char **cause);
	/* On departure (forward, back, or the wizard's end): frees what state owns, not state. */
	void (*leave)(struct wizard *, void *state);
	const char *help;
	const char *legend;                             /* bottom line; NULL = the default */
};

extern const struct screen *const screen_table[WS_COUNT];
extern const struct screen screen_welcome, screen_distro, screen_python, screen_source,
    screen_blas, screen_extras, screen_review, screen_install, screen_validate, screen_done;

/* The leave hook of a screen whose state begins with a struct wizard_list: frees the list. */
void screen_list_leave(struct wizard *, void *state);
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

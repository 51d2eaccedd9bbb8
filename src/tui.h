/* tui.h — curses drawing helpers for the wizard screens (only src/tui*.c and screens/ use it). */
/* SPDX-License-Identifier: MIT */
#ifndef TUI_H
#define TUI_H

#include <curses.h>

#include "vis.h"

#define TUI_MIN_W 80
#define TUI_MIN_H 24
#define TUI_TOP 2             /* first content row */
#define TUI_STATUS_ROW (LINES - 2)
#define TUI_LEGEND_ROW (LINES - 1)

enum tui_kind { TUI_NORMAL, TUI_TITLE, TUI_WARN, TUI_BAD, TUI_GOOD, TUI_DIM, TUI_SEL, TUI_HEAD };

struct tui_style {
	int ascii;            /* C locale or a terminal without line drawing: plain ASCII */
	int color;            /* has_colors() and no NO_COLOR */
};
extern struct tui_style tui_style;

/* 0 when curses can draw here: stdout is a terminal, TERM is set, has a terminfo entry and
 * can move the cursor; else -1 and *cause says which and what to do (exit 2 before curses). */
int tui_term_check(char **cause);
/* Set-up (-1 with *cause when the terminal cannot be used) and tear-down; tui_end is safe to
 * call twice and from signal handlers. */
int tui_start(char **cause);
void tui_end(void);
/* The redraw callback dialogs use after a resize (the current screen). */
extern void (*tui_redraw)(void);

attr_t tui_attr(enum tui_kind);
/* Title bar (row 0) and rule (row 1); legend on the bottom row; a status line above it. */
void tui_frame(WINDOW *, const char *title, int index, int total);
void tui_legend(WINDOW *, const char *legend);
void tui_status(WINDOW *, enum tui_kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A one-shot message for the status line: a screen sets it, the main loop (tui.c) takes it
 * (NULL when none; the caller frees) and draws it with tui_status. */
void screen_message(enum tui_kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *screen_message_take(enum tui_kind *);
/* Text is untrusted: every helper that draws text shows controls, bidi overrides, invisibles and
 * bad UTF-8 escaped (vis.h, backslashes kept, so text escaped once comes out the same). */
#define TUI_VIS VIS_KEEPBS
/* At most n bytes of text at y, x, escaped. */
void tui_text(WINDOW *, int y, int x, const char *text, int n);
/* Text helpers: clipped print and word wrap; return the rows used. */
void tui_put(WINDOW *, int y, int x, int width, enum tui_kind, const char *text);
int tui_wrap(WINDOW *, int y, int x, int width, int maxrows, enum tui_kind, const char *text);
/* Marks: "(*)"/"( )" for radio, "[x]"/"[ ]" for checkboxes, "-" when disabled. */
const char *tui_mark(int checkbox, int on, int disabled);
/* A highlighted list line: cursor bar, mark, text, dim when disabled. */
void tui_line(WINDOW *, int y, int x, int width, int selected, int disabled, const char *text);
/* Keep *top such that cursor is visible in height rows. */
void tui_scroll(int cursor, int n, int height, int *top);
/* Progress bar [#####     ] 42% and horizontal bar chart rows. */
void tui_bar(WINDOW *, int y, int x, int width, double fraction);
void tui_barrow(WINDOW *, int y, int x, const char *label, int labelw, double value,
    double max, int barw, const char *unit);

/* Modal dialogs drawn over the current screen. */
/* getch that redraws on KEY_RESIZE; ERR only once the terminal has hung up (then always). */
int tui_getkey(void);
/* 1 once tui_getkey has seen the terminal hang up: every loop that waits for a key stops. */
int tui_hung_up(void);
void tui_pager(const char *title, const char *text);
int tui_confirm(const char *title, const char *text);   /* 1 yes, 0 no */
/* Buttons like "Retry", "Skip", "Abort": returns the index chosen, -1 on Esc. */
int tui_choose(const char *title, const char *text, const char *const *buttons, int n);
/* One-line input with a default; NULL when cancelled. */
char *tui_prompt(const char *title, const char *label, const char *def);
/* A masked one-line input (a '*' per character) into buf, at most len - 1 bytes, text above
 * it and note (or NULL) under it: 1 on Enter, 0 on Esc (buf wiped). Nothing is copied
 * elsewhere; the caller wipes buf (explicit_bzero) once it has used it. */
int tui_password(const char *title, const char *text, const char *note, char *buf, size_t len);
/* A message in a box, shown until the next refresh (for "Running ..."). */
void tui_busy(const char *title, const char *text);
/* tui_busy with a progress bar under the text: done of total ("working..." when total <= 0). */
void tui_progress(const char *title, const char *text, int done, int total);

#endif

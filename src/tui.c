/* tui.c — the wizard's main loop: terminal set-up, screen dispatch, resize, help, quit, signals. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "cmd.h"
#include "facts.h"
#include "profile.h"
#include "screen.h"
#include "tui.h"
#include "vis.h"
#include "wizard.h"

#include <langinfo.h>
#include <stdarg.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <unistd.h>

static struct wizard *tui_w;
static void *tui_state;            /* the current screen's per-instance state */
static int tui_starting;           /* its start hook is due after the next draw */
static int tui_active;
static char *tui_notice_shown;     /* a copy of the notice last drawn */

#define DEFAULT_LEGEND "Up/Down move  Space select  Enter next  Esc back  ? help  q quit"
#define TOO_SMALL "Terminal too small: need 80%s24, have %d%s%d"

static const char *general_help =
    "Keys on every screen:\n"
    "  Up/Down, j/k, Tab   move\n"
    "  Space               mark the line under the cursor ((*) radio, [x] toggle)\n"
    "  Enter               go on to the next screen with what is marked, whatever line\n"
    "                      the cursor is on\n"
    "  Esc, Backspace      back to the previous screen (answers are kept)\n"
    "  F1, ?               this help\n"
    "  q                   quit (asks first once anything has run)\n"
    "\n"
    "Changing an early answer resets later answers that no longer fit; the status line\n"
    "says which.\n";

void
tui_end(void)
{
	if (tui_active) {
		tui_active = 0;
		endwin();
	}
}

static void
tui_signal(int sig)
{
	tui_end();
	signal(sig, SIG_DFL);
	raise(sig);
}

#define TUI_HEADLESS "; or run armpy without the wizard: armpy --profile FILE"

int
tui_term_check(char **cause)
{
	const char *term = getenv("TERM");
	char *cup;
	int err = 0;

	if (!isatty(STDOUT_FILENO)) {
		cause_set(cause, "the wizard draws on a terminal, and standard output is not "
		    "one%s", TUI_HEADLESS);
		return -1;
	}
	if (term == NULL || *term == '\0') {
		cause_set(cause, "TERM is not set, so the wizard cannot know how to draw on this "
		    "terminal: set it to your terminal's type (for example TERM=xterm-256color)%s",
		    TUI_HEADLESS);
		return -1;
	}
	if (setupterm(term, STDOUT_FILENO, &err) != OK) {
		cause_set(cause, "TERM=%.64s: this system has no terminfo entry for that terminal "
		    "type: set TERM to one it has (for example xterm-256color or vt100; more are "
		    "in Debian's ncurses-term)%s", term, TUI_HEADLESS);
		return -1;
	}
	cup = tigetstr("cup");
	del_curterm(cur_term);
	cur_term = NULL;
	if (cup == NULL || cup == (char *)-1) {
		cause_set(cause, "TERM=%.64s cannot move the cursor (a dumb terminal, such as an "
		    "editor's shell buffer), and the wizard needs to: use a full terminal%s",
		    term, TUI_HEADLESS);
		return -1;
	}
	return 0;
}

int
tui_start(char **cause)
{
	const char *cs;
	struct sigaction sa;

	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	tui_style.ascii = cs == NULL || (strcmp(cs, "UTF-8") != 0 && strcmp(cs, "utf8") != 0);
	if (tui_term_check(cause) != 0)
		return -1;
	fflush(stdout);
	/* curses draws through the unescaped stdout: its own escapes are the drawing */
	if (newterm(NULL, vis_stdout_raw != NULL ? vis_stdout_raw : stdout, stdin) == NULL) {
		cause_set(cause, "TERM=%.64s: curses cannot start on this terminal%s",
		    getenv("TERM"), TUI_HEADLESS);
		return -1;
	}
	tui_active = 1;
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	tui_style.color = has_colors() && getenv("NO_COLOR") == NULL;
	if (tui_style.color) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_WHITE, COLOR_BLUE);
		init_pair(2, COLOR_YELLOW, -1);
		init_pair(3, COLOR_RED, -1);
		init_pair(4, COLOR_GREEN, -1);
		init_pair(5, COLOR_CYAN, -1);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tui_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	return 0;
}

static int
too_small(void)
{
	return COLS < TUI_MIN_W || LINES < TUI_MIN_H;
}

static void
draw_current(void)
{
	struct wizard *w = tui_w;
	const struct screen *s = screen_table[w->screen];
	const char *x = tui_style.ascii ? "x" : "\xc3\x97";

	erase();
	if (too_small()) {
		char *t = xasprintf(TOO_SMALL, x, COLS, x, LINES);
		mvaddnstr(LINES / 2, 0, t, COLS);
		mvaddnstr(LINES / 2 + 1, 0, "Enlarge the window, or press q to quit.", COLS);
		free(t);
		return;
	}
	tui_frame(stdscr, s->title, w->screen + 1, WS_COUNT);
	s->draw(w, tui_state, stdscr);
	if (w->notice != NULL) {
		/* A long notice takes the row above the status line too. */
		if ((int)strlen(w->notice) > COLS - 2) {
			move(TUI_STATUS_ROW - 1, 0);
			clrtoeol();
			move(TUI_STATUS_ROW, 0);
			clrtoeol();
			tui_wrap(stdscr, TUI_STATUS_ROW - 1, 1, COLS - 2, 2, TUI_WARN, w->notice);
		} else
			tui_status(stdscr, TUI_WARN, "%s", w->notice);
		free(tui_notice_shown);
		tui_notice_shown = xstrdup(w->notice);
	}
	tui_legend(stdscr, s->legend != NULL ? s->legend : DEFAULT_LEGEND);
}

static void
show_help(void)
{
	const struct screen *s = screen_table[tui_w->screen];
	char *t = xasprintf("%s\n\n%s", s->help ? s->help : "", general_help);

	tui_pager("Help", t);
	free(t);
}

/* The current screen's leave hook, then its state freed (on departure and at the end). */
static void
leave_current(struct wizard *w)
{
	const struct screen *s = screen_table[w->screen];

	if (s->leave != NULL)
		s->leave(w, tui_state);
	free(tui_state);
	tui_state = NULL;
	tui_starting = 0;
}

/* Arrival on screen: a fresh zeroed state of its size, enter, and its start hook due after
 * the first draw. */
static void
go_to(struct wizard *w, int screen)
{
	const struct screen *s = screen_table[screen];

	/* A notice stays until it has been seen on one screen. */
	if (w->notice != NULL && tui_notice_shown != NULL &&
	    strcmp(w->notice, tui_notice_shown) == 0) {
		free(w->notice);
		w->notice = NULL;
	}
	w->screen = screen;
	tui_state = s->state_size > 0 ? xcalloc(1, s->state_size) : NULL;
	tui_starting = s->start != NULL;
	if (s->enter != NULL)
		s->enter(w, tui_state);
}

/* The start hook, once, after the arrival's first draw; 1 when it ran. */
static int
start_current(struct wizard *w)
{
	if (!tui_starting)
		return 0;
	tui_starting = 0;
	screen_table[w->screen]->start(w, tui_state);
	return 1;
}

/* Returns 1 when the user really wants to leave. */
static int
quit_confirmed(struct wizard *w)
{
	if (!w->ran || w->screen == WS_DONE)
		return 1;
	return tui_confirm("Quit", "Something has already run. Quit armpy now? The log and "
	    "the journal stay; `armpy resume` continues a run.");
}

/* The current screen, then screen_message's message on the status line (the notice, when
 * there is one, moves up above it). */
static void
draw_all(struct wizard *w)
{
	enum tui_kind mk;
	char *msg;

	draw_current();
	msg = screen_message_take(&mk);
	if (msg != NULL && !too_small()) {
		if (w->notice != NULL) {
			move(TUI_STATUS_ROW - 2, 0);
			clrtoeol();
			move(TUI_STATUS_ROW - 1, 0);
			clrtoeol();
			tui_wrap(stdscr, TUI_STATUS_ROW - 2, 1, COLS - 2, 2, TUI_WARN, w->notice);
		}
		tui_status(stdscr, mk, "%s", msg);
	}
	free(msg);
	refresh();
}

/* The screen's answer to key c (its PASS turned into the common keys' meaning). */
static int
loop_key(struct wizard *w, int c)
{
	const struct screen *s = screen_table[w->screen];
	int r = s->key != NULL ? s->key(w, tui_state, c) : SCREEN_PASS;

	if (r != SCREEN_PASS)
		return r;
	if (c == '\n' || c == '\r' || c == KEY_ENTER)
		return SCREEN_NEXT;
	if (c == 27 || c == KEY_BACKSPACE || c == 127 || c == 8)
		return SCREEN_BACK;
	return SCREEN_STAY;
}

/* Moves as the screen's action r says; returns the wizard's exit status when it ends, else -1. */
static int
loop_act(struct wizard *w, int r)
{
	const struct screen *s = screen_table[w->screen];
	char *cause = NULL;

	switch (r) {
	case SCREEN_NEXT:
		if (s->apply != NULL && s->apply(w, tui_state, &cause) != 0) {
			screen_message(TUI_BAD, "%s", cause ? cause : "cannot go on");
			free(cause);
			break;
		}
		if (w->screen == WS_DONE)
			return w->exec_status > 0 ? EXIT_FAILED : EXIT_OK;
		leave_current(w);
		go_to(w, wizard_next_screen(w, w->screen));
		break;
	case SCREEN_BACK:
		if (w->screen >= WS_INSTALL && w->ran)
			screen_message(TUI_WARN, "The plan has run; going back is not possible now");
		else if (w->screen > 0) {
			leave_current(w);
			go_to(w, wizard_prev_screen(w, w->screen));
		}
		break;
	case SCREEN_QUIT:
		if (quit_confirmed(w))
			return w->exec_status > 0 ? EXIT_FAILED : EXIT_OK;
		break;
	}
	return -1;
}

/* Draw, run a due start hook, read a key, act; until the wizard ends (its exit status). */
static int
wizard_loop(struct wizard *w)
{
	int c, rc;

	go_to(w, WS_WELCOME);
	for (;;) {
		draw_all(w);
		if (start_current(w))
			continue;
		if (w->exec_status == EXIT_INTERRUPTED)
			return EXIT_INTERRUPTED;
		c = tui_getkey();
		if (c == ERR || tui_hung_up())
			return EXIT_INTERRUPTED;    /* the terminal hung up: nobody is there */
		if (c == KEY_RESIZE)
			continue;
		if (too_small()) {
			if (c == 'q' && quit_confirmed(w))
				return 0;
			continue;
		}
		if (c == KEY_F(1) || c == '?') {
			show_help();
			continue;
		}
		if (c == 'q' || c == 3) {
			if (quit_confirmed(w))
				return 0;
			continue;
		}
		if ((rc = loop_act(w, loop_key(w, c))) >= 0)
			return rc;
	}
}

int
tui_main(const struct main_opts *o)
{
	struct detect_opts d = o->detect;
	struct profile *p = NULL;
	struct facts *f;
	struct wizard_bundle *b = NULL;
	char *cause = NULL;
	enum tui_kind mk;
	int rc;

	/* before anything else: a terminal curses cannot draw on is refused, exit 2 */
	if (tui_term_check(&cause) != 0) {
		fprintf(stderr, "armpy: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (o->load != NULL) {
		p = profile_load(o->load, &cause);
		if (p == NULL || profile_check(p, &cause) != 0) {
			fprintf(stderr, "armpy: %s\n", cause ? cause : quote_short(o->load));
			free(cause);
			profile_free(p);
			return EXIT_USAGE;
		}
	}
	f = facts_new();
	if (o->bundle != NULL)       /* every member's sha256, before the screen is taken over */
		fprintf(stderr, "armpy: verifying the bundle %s\n", quote_short(o->bundle));
	if (facts_detect(f, &d, &cause) != 0 ||
	    (o->bundle != NULL && (b = wizard_bundle_open(o->bundle, f, &p, &cause)) == NULL)) {
		fprintf(stderr, "armpy: %s\n", cause);
		free(cause);
		facts_free(f);
		profile_free(p);
		return EXIT_USAGE;
	}
	tui_w = wizard_new(f, p);
	if (b != NULL) {
		tui_w->bundle = b;
		wizard_replan(tui_w);
	}
	tui_w->root = d.root;
	tui_w->elsewhere = detect_elsewhere(&d);
	tui_w->log_opt = o->log;
	tui_redraw = draw_current;
	if (tui_start(&cause) != 0) {
		fprintf(stderr, "armpy: %s\n", cause);
		free(cause);
		rc = EXIT_USAGE;
	} else {
		rc = wizard_loop(tui_w);
		leave_current(tui_w);
	}
	tui_end();
	if (tui_w->profile_path != NULL)
		printf("armpy: profile saved to %s\n", tui_w->profile_path);
	if (tui_w->log_path != NULL)
		printf("armpy: log in %s\n", tui_w->log_path);
	wizard_undo_free(tui_w->undo);
	wizard_free(tui_w);
	tui_w = NULL;
	free(tui_notice_shown);
	tui_notice_shown = NULL;
	free(screen_message_take(&mk));     /* one left unshown */
	return rc;
}

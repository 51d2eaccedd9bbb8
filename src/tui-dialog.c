/* tui-dialog.c — modal dialogs over the screen: pager, confirm, buttons, prompt, password, busy. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "tui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void (*tui_redraw)(void);

static int tui_gone;      /* the terminal hung up: no key will ever come */

int
tui_hung_up(void)
{
	return tui_gone;
}

int
tui_getkey(void)
{
	int c;

	if (tui_gone)
		return ERR;
	/* getch blocks, so ERR means the terminal went away (a hang-up while SIGHUP is ignored,
	 * as during a run, or a terminal that is gone without one): a few tries, then ERR for
	 * good, which every dialog takes as Esc and the main loop as the end. */
	c = getch();
	for (int i = 0; c == ERR && i < 100; i++)
		c = getch();
	if (c == ERR)
		tui_gone = 1;
	if (c == KEY_RESIZE) {
		/* ncurses already updated LINES and COLS; the caller redraws. */
		erase();
	}
	return c;
}

static void
background(void)
{
	erase();
	if (tui_redraw != NULL)
		tui_redraw();
}

static int
text_rows(const char *text, int width)
{
	int rows = 0;
	const char *p = text;

	while (p != NULL && *p != '\0') {
		const char *nl = strchr(p, '\n');
		int len = nl != NULL ? (int)(nl - p) : (int)strlen(p);
		rows += len == 0 ? 1 : (len + width - 1) / width;
		p = nl != NULL ? nl + 1 : NULL;
	}
	return rows + 1;
}

/* Draws a centred box with a title and wrapped text; returns the box geometry. */
static void
box_draw(const char *title, const char *raw, int extra, int *by, int *bx, int *bw, int *bh)
{
	int w = COLS - 8 < 70 ? COLS - 8 : 70, h, y, x;
	char *text = vis_strf(raw, TUI_VIS | VIS_NL), *t = vis_strf(title, TUI_VIS);

	if (w < 20)
		w = COLS;
	h = text_rows(text, w - 4) + 2 + extra;
	if (h > LINES - 2)
		h = LINES - 2;
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	for (int i = 0; i < h; i++)
		mvhline(y + i, x, ' ', w);
	if (tui_style.ascii) {
		mvhline(y, x, '-', w);
		mvhline(y + h - 1, x, '-', w);
		mvvline(y, x, '|', h);
		mvvline(y, x + w - 1, '|', h);
		mvaddch(y, x, '+');
		mvaddch(y, x + w - 1, '+');
		mvaddch(y + h - 1, x, '+');
		mvaddch(y + h - 1, x + w - 1, '+');
	} else {
		mvhline(y, x, ACS_HLINE, w);
		mvhline(y + h - 1, x, ACS_HLINE, w);
		mvvline(y, x, ACS_VLINE, h);
		mvvline(y, x + w - 1, ACS_VLINE, h);
		mvaddch(y, x, ACS_ULCORNER);
		mvaddch(y, x + w - 1, ACS_URCORNER);
		mvaddch(y + h - 1, x, ACS_LLCORNER);
		mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	}
	attrset(A_BOLD);
	mvprintw(y, x + 2, " %.*s ", w - 6, t);
	attrset(A_NORMAL);
	tui_wrap(stdscr, y + 1, x + 2, w - 4, h - 2 - extra, TUI_NORMAL, text);
	free(text);
	free(t);
	*by = y;
	*bx = x;
	*bw = w;
	*bh = h;
}

static int
choose(const char *title, const char *text, const char *const *buttons, int n, int sel)
{
	int y, x, w, h, c;

	for (;;) {
		background();
		box_draw(title, text, 1, &y, &x, &w, &h);
		int bx = x + 2;
		for (int i = 0; i < n; i++) {
			attrset(i == sel ? A_REVERSE : A_NORMAL);
			mvprintw(y + h - 2, bx, "<%s>", buttons[i]);
			attrset(A_NORMAL);
			bx += (int)strlen(buttons[i]) + 4;
		}
		refresh();
		c = tui_getkey();
		switch (c) {
		case KEY_LEFT: case KEY_BTAB: case 'h':
			sel = (sel + n - 1) % n;
			break;
		case KEY_RIGHT: case '\t': case 'l':
			sel = (sel + 1) % n;
			break;
		case '\n': case '\r': case KEY_ENTER:
			return sel;
		case 27: case ERR:
			return -1;
		default:
			/* First letter of a button chooses it. */
			for (int i = 0; i < n; i++)
				if (c < 256 && (c | 0x20) == (buttons[i][0] | 0x20))
					return i;
		}
	}
}

int
tui_choose(const char *title, const char *text, const char *const *buttons, int n)
{
	return choose(title, text, buttons, n, 0);
}

int
tui_confirm(const char *title, const char *text)
{
	static const char *const yn[] = { "Yes", "No" };
	int r;
	char *t = xasprintf("%s\n\n(y: yes, n or Esc: no)", text);

	r = choose(title, t, yn, 2, 1);     /* No is the default */
	free(t);
	return r == 0;
}

void
tui_busy(const char *title, const char *text)
{
	int y, x, w, h;

	background();
	box_draw(title, text, 0, &y, &x, &w, &h);
	refresh();
}

void
tui_progress(const char *title, const char *text, int done, int total)
{
	int y, x, w, h;

	background();
	box_draw(title, text, 1, &y, &x, &w, &h);
	tui_bar(stdscr, y + h - 2, x + 2, w - 4, total > 0 ? (double)done / total : -1);
	refresh();
}

char *
tui_prompt(const char *title, const char *label, const char *def)
{
	struct buf b;
	int y, x, w, h, c;

	buf_init(&b);
	buf_puts(&b, def ? def : "");
	curs_set(1);
	for (;;) {
		background();
		box_draw(title, label, 2, &y, &x, &w, &h);
		int fw = w - 4, off = (int)b.len > fw - 1 ? (int)b.len - (fw - 1) : 0;
		attrset(A_UNDERLINE);
		mvhline(y + h - 2, x + 2, ' ', fw);
		mvaddnstr(y + h - 2, x + 2, b.data + off, fw);
		attrset(A_NORMAL);
		move(y + h - 2, x + 2 + (int)b.len - off);
		refresh();
		c = tui_getkey();
		if (c == '\n' || c == '\r' || c == KEY_ENTER) {
			curs_set(0);
			return buf_steal(&b);
		}
		if (c == 27 || c == ERR) {
			curs_set(0);
			buf_free(&b);
			return NULL;
		}
		if (c == KEY_BACKSPACE || c == 127 || c == 8) {
			if (b.len > 0)
				b.data[--b.len] = '\0';
		} else if (c == 21) {           /* ^U */
			b.len = 0;
			b.data[0] = '\0';
		} else if (c >= 32 && c < 127 && b.len < 4096) {
			char ch = (char)c;
			buf_add(&b, &ch, 1);
		}
	}
}

/* One key into the password buffer: 1 Enter, 0 Esc, -1 go on. Bytes of a UTF-8 character
 * go in one by one; Backspace takes the whole character. */
static int
password_key(int c, char *buf, size_t len, size_t *n)
{
	if (c == '\n' || c == '\r' || c == KEY_ENTER)
		return 1;
	if (c == 27 || c == ERR)
		return 0;
	if (c == KEY_BACKSPACE || c == 127 || c == 8) {
		while (*n > 0 && ((unsigned char)buf[*n - 1] & 0xC0) == 0x80)
			buf[--*n] = '\0';
		if (*n > 0)
			buf[--*n] = '\0';
	} else if (c == 21) {                   /* ^U */
		explicit_bzero(buf, len);
		*n = 0;
	} else if (c >= 32 && c < 256 && c != 127 && *n + 1 < len) {
		buf[(*n)++] = (char)c;
		buf[*n] = '\0';
	}
	return -1;
}

/* Characters typed so far (UTF-8 continuation bytes not counted). */
static int
password_chars(const char *buf, size_t n)
{
	int k = 0;

	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)buf[i] & 0xC0) != 0x80;
	return k;
}

static void
password_draw(const char *title, const char *text, const char *note, int stars)
{
	int y, x, w, h, fw;

	background();
	box_draw(title, text, 2, &y, &x, &w, &h);
	fw = w - 4;
	if (stars > fw - 1)
		stars = fw - 1;
	attrset(A_UNDERLINE);
	mvhline(y + h - 3, x + 2, ' ', fw);
	mvhline(y + h - 3, x + 2, '*', stars);
	attrset(A_NORMAL);
	if (note != NULL)
		tui_put(stdscr, y + h - 2, x + 2, fw, TUI_BAD, note);
	move(y + h - 3, x + 2 + stars);
	refresh();
}

int
tui_password(const char *title, const char *text, const char *note, char *buf, size_t len)
{
	size_t n = 0;
	int r;

	explicit_bzero(buf, len);
	curs_set(1);
	do {
		password_draw(title, text, note, password_chars(buf, n));
		r = password_key(tui_getkey(), buf, len, &n);
	} while (r < 0);
	curs_set(0);
	if (r == 0)
		explicit_bzero(buf, len);
	return r;
}

void
tui_pager(const char *title, const char *text)
{
	char **lines = NULL;
	const char *p = text ? text : "";
	int n, top = 0, left = 0, c, h;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		struct buf l;

		buf_init(&l);
		vis_buf(&l, p, len, TUI_VIS);     /* the text as shown: nothing raw */
		lines = strv_push(lines, l.data);
		buf_free(&l);
		p += len + (nl ? 1 : 0);
	}
	n = (int)strv_len(lines);
	for (;;) {
		erase();
		h = LINES - 3;
		tui_frame(stdscr, title, 0, 0);
		mvhline(0, COLS - 14 > 0 ? COLS - 14 : 0, ' ', 14);
		attrset(tui_attr(TUI_TITLE));
		mvprintw(0, COLS - 14 > 0 ? COLS - 14 : 0, "%5d/%-5d ", top + 1 < n ? top + 1 : n, n);
		attrset(A_NORMAL);
		for (int i = 0; i < h && top + i < n; i++)
			if ((int)strlen(lines[top + i]) > left)
				mvaddnstr(2 + i, 0, lines[top + i] + left, COLS);
		tui_legend(stdscr, "Up/Down j/k scroll  Left/Right  PgUp/PgDn page  Home/End  "
		    "q/Esc close");
		refresh();
		c = tui_getkey();
		switch (c) {
		case KEY_UP: case 'k':
			top--;
			break;
		case KEY_DOWN: case 'j': case '\n': case '\r':
			top++;
			break;
		case KEY_PPAGE: case 'b':
			top -= h;
			break;
		case KEY_NPAGE: case ' ':
			top += h;
			break;
		case KEY_HOME: case 'g':
			top = 0;
			left = 0;
			break;
		case KEY_LEFT: case 'h':
			left = left > 10 ? left - 10 : 0;
			break;
		case KEY_RIGHT: case 'l':
			left += 10;
			break;
		case KEY_END: case 'G':
			top = n - h;
			break;
		case 'q': case 27: case KEY_BACKSPACE: case 127: case ERR:
			strv_free(lines);
			return;
		}
		if (top > n - h)
			top = n - h;
		if (top < 0)
			top = 0;
	}
}

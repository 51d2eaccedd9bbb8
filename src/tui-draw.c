/* tui-draw.c — the wizard's drawing helpers: frame, legend, status, lists, marks, bars. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "tui.h"
#include "vis.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tui_style tui_style;

attr_t
tui_attr(enum tui_kind k)
{
	int c = tui_style.color;

	switch (k) {
	case TUI_NORMAL:
		return A_NORMAL;
	case TUI_TITLE:
		return c ? COLOR_PAIR(1) | A_BOLD : A_REVERSE;
	case TUI_WARN:
		return c ? COLOR_PAIR(2) | A_BOLD : A_BOLD;
	case TUI_BAD:
		return c ? COLOR_PAIR(3) | A_BOLD : A_BOLD;
	case TUI_GOOD:
		return c ? COLOR_PAIR(4) : A_NORMAL;
	case TUI_DIM:
		return A_DIM;
	case TUI_SEL:
		return A_REVERSE;
	case TUI_HEAD:
		return c ? COLOR_PAIR(5) | A_BOLD : A_BOLD;
	}
	return A_NORMAL;
}

void
tui_text(WINDOW *win, int y, int x, const char *text, int n)
{
	char *v = vis_strf(text, TUI_VIS);

	mvwaddnstr(win, y, x, v, n);
	free(v);
}

void
tui_put(WINDOW *win, int y, int x, int width, enum tui_kind k, const char *text)
{
	if (width <= 0 || y < 0 || y >= getmaxy(win))
		return;
	wattrset(win, tui_attr(k));
	tui_text(win, y, x, text, width);
	wattrset(win, A_NORMAL);
}

static void
hrule(WINDOW *win, int y)
{
	if (tui_style.ascii)
		mvwhline(win, y, 0, '-', COLS);
	else
		mvwhline(win, y, 0, ACS_HLINE, COLS);
}

void
tui_frame(WINDOW *win, const char *title, int index, int total)
{
	char left[128], right[64];

	snprintf(left, sizeof left, " armpy - %s", title);
	snprintf(right, sizeof right, "step %d of %d ", index, total);
	wattrset(win, tui_attr(TUI_TITLE));
	mvwhline(win, 0, 0, ' ', COLS);
	mvwaddnstr(win, 0, 0, left, COLS);
	if ((int)(strlen(left) + strlen(right)) < COLS)
		mvwaddstr(win, 0, COLS - (int)strlen(right), right);
	wattrset(win, A_NORMAL);
	hrule(win, 1);
}

void
tui_legend(WINDOW *win, const char *legend)
{
	wattrset(win, A_REVERSE);
	mvwhline(win, TUI_LEGEND_ROW, 0, ' ', COLS);
	mvwaddnstr(win, TUI_LEGEND_ROW, 1, legend, COLS - 2);
	wattrset(win, A_NORMAL);
}

static char *tui_message;          /* screen_message's, until the loop takes it */
static enum tui_kind tui_message_kind;

void
screen_message(enum tui_kind k, const char *fmt, ...)
{
	va_list ap;

	free(tui_message);
	va_start(ap, fmt);
	tui_message = xvasprintf(fmt, ap);
	va_end(ap);
	tui_message_kind = k;
}

char *
screen_message_take(enum tui_kind *k)
{
	char *m = tui_message;

	*k = tui_message_kind;
	tui_message = NULL;
	return m;
}

void
tui_status(WINDOW *win, enum tui_kind k, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	wmove(win, TUI_STATUS_ROW, 0);
	wclrtoeol(win);
	tui_put(win, TUI_STATUS_ROW, 1, COLS - 2, k, s);
	free(s);
}

int
tui_wrap(WINDOW *win, int y, int x, int width, int maxrows, enum tui_kind k, const char *text)
{
	int rows = 0;
	char *v;
	const char *p;

	if (text == NULL || width <= 0)
		return 0;
	p = v = vis_strf(text, TUI_VIS | VIS_NL);
	while (*p != '\0' && rows < maxrows) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		size_t cut = len;
		if ((int)len > width) {
			cut = width;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = width;
		}
		wattrset(win, tui_attr(k));
		mvwaddnstr(win, y + rows, x, p, (int)cut);
		wattrset(win, A_NORMAL);
		rows++;
		p += cut;
		while (*p == ' ')
			p++;
		if (*p == '\n')
			p++;
	}
	free(v);
	return rows;
}

const char *
tui_mark(int checkbox, int on, int disabled)
{
	if (disabled)
		return checkbox ? "[-]" : "(-)";
	if (checkbox)
		return on ? "[x]" : "[ ]";
	return on ? "(*)" : "( )";
}

void
tui_line(WINDOW *win, int y, int x, int width, int selected, int disabled, const char *text)
{
	attr_t a = selected ? A_REVERSE : A_NORMAL;

	if (disabled)
		a |= A_DIM;
	wattrset(win, a);
	mvwhline(win, y, x, ' ', width);
	mvwaddstr(win, y, x, selected ? ">" : " ");
	tui_text(win, y, x + 1, text, width - 1);
	wattrset(win, A_NORMAL);
}

void
tui_scroll(int cursor, int n, int height, int *top)
{
	if (*top > cursor)
		*top = cursor;
	if (cursor >= *top + height)
		*top = cursor - height + 1;
	if (*top > n - height)
		*top = n - height;
	if (*top < 0)
		*top = 0;
}

static void
bar_fill(WINDOW *win, int y, int x, int n)
{
	for (int i = 0; i < n; i++)
		mvwaddch(win, y, x + i, tui_style.ascii ? '#' : ACS_CKBOARD);
}

void
tui_bar(WINDOW *win, int y, int x, int width, double fraction)
{
	int inner = width - 7, fill;
	char pct[8];

	if (inner < 1)
		return;
	mvwaddch(win, y, x, '[');
	mvwhline(win, y, x + 1, ' ', inner);
	if (fraction < 0) {
		mvwaddnstr(win, y, x + 1, "working...", inner);
		mvwaddstr(win, y, x + 1 + inner, "]");
		return;
	}
	if (fraction > 1)
		fraction = 1;
	fill = (int)(fraction * inner + 0.5);
	wattrset(win, tui_attr(TUI_GOOD));
	bar_fill(win, y, x + 1, fill);
	wattrset(win, A_NORMAL);
	snprintf(pct, sizeof pct, "] %3d%%", (int)(fraction * 100 + 0.5));
	mvwaddstr(win, y, x + 1 + inner, pct);
}

void
tui_barrow(WINDOW *win, int y, int x, const char *label, int labelw, double value, double max,
    int barw, const char *unit)
{
	char num[32];
	int fill;

	tui_text(win, y, x, label, labelw);
	if (value < 0) {
		mvwaddstr(win, y, x + labelw + 1, "not measured");
		return;
	}
	fill = max > 0 ? (int)(value / max * barw + 0.5) : 0;
	if (fill > barw)
		fill = barw;
	if (fill < 1 && value > 0)
		fill = 1;
	wattrset(win, tui_attr(TUI_HEAD));
	bar_fill(win, y, x + labelw + 1, fill);
	wattrset(win, A_NORMAL);
	snprintf(num, sizeof num, " %.1f %s", value, unit);
	mvwaddstr(win, y, x + labelw + 1 + fill, num);
}

/* report-chart.c — the report's charts as inline SVG: GFLOPS against peak, and thread scaling. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "report.h"

#include <math.h>
#include <stdio.h>

#define BAR_H 22
#define BAR_GAP 10
#define LABEL_W 330
#define PLOT_W 480

static const char *const series_colours[] = {
	"#0969da", "#8250df", "#1a7f37", "#bc4c00", "#bf3989", "#57606a",
};

/* An axis from 0 to a round number at or above v (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a
 * power of ten, so that it ends near the largest value), and how many equal steps between
 * its ticks make round labels. */
static double
chart_nice(double v, int *ticks)
{
	static const struct { double top; int ticks; } steps[] = {
		{ 1, 4 }, { 1.5, 3 }, { 2, 4 }, { 2.5, 5 }, { 3, 3 }, { 4, 4 }, { 5, 5 }, { 6, 3 },
		{ 8, 4 }, { 10, 5 },
	};
	double p;
	size_t i = 0;

	*ticks = 4;
	if (!(v > 0) || !isfinite(v))
		return 1;
	p = pow(10, floor(log10(v)));
	while (i + 1 < sizeof steps / sizeof *steps && steps[i].top * p < v)
		i++;
	*ticks = steps[i].ticks;
	return steps[i].top * p;
}

static double
bars_max(const struct report_bar *b, size_t n, int *ticks)
{
	double m = 0;

	for (size_t i = 0; i < n; i++) {
		if (b[i].value > m)
			m = b[i].value;
		if (b[i].peak > m)
			m = b[i].peak;
	}
	return chart_nice(m, ticks);
}

static void
chart_text(struct buf *b, double x, double y, const char *anchor, const char *cls,
    const char *text)
{
	buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">", x, y,
	    anchor, cls);
	report_esc(b, text);
	buf_puts(b, "</text>");
}

static void
bar_one(struct buf *b, const struct report_bar *r, double y, double max)
{
	double w = r->value > 0 ? r->value / max * PLOT_W : 0, pw = 0;
	char pct[48] = "";

	chart_text(b, LABEL_W - 8, y + BAR_H * 0.7, "end", "lbl", r->label);
	if (r->peak > 0) {
		pw = r->peak / max * PLOT_W;
		buf_printf(b, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" class=\"peak\">"
		    "<title>peak %.1f GFLOPS</title></rect>", LABEL_W, y, pw, BAR_H, r->peak);
		buf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"peakline\"/>",
		    LABEL_W + pw, LABEL_W + pw, y - 2, y + BAR_H + 2);
		if (r->value >= 0)
			snprintf(pct, sizeof pct, " (%.0f%% of peak)", 100 * r->value / r->peak);
	}
	buf_printf(b, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" class=\"%s\"/>",
	    LABEL_W, y + 3, w, BAR_H - 6, r->generic ? "bar generic" : "bar");
	buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" class=\"val\">", LABEL_W + fmax(w, pw) + 6,
	    y + BAR_H * 0.7);
	report_esc(b, r->shown);
	buf_printf(b, "%s</text>", pct);
}

void
report_chart_bars(struct buf *b, const char *title, const struct report_bar *r, size_t n)
{
	int ticks;
	double max = bars_max(r, n, &ticks), h = n * (BAR_H + BAR_GAP) + 40;

	buf_printf(b, "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %.0f\" role=\"img\" aria-label=\"", LABEL_W + PLOT_W + 140, h);
	report_esc(b, title);
	buf_puts(b, "\">");
	for (int t = 0; t <= ticks; t++) {
		double x = LABEL_W + PLOT_W * t / (double)ticks;
		char v[32];
		buf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"%.0f\" class=\"grid\"/>",
		    x, x, h - 22);
		snprintf(v, sizeof v, "%g", max * t / ticks);
		chart_text(b, x, h - 6, "middle", "axis", v);
	}
	for (size_t i = 0; i < n; i++)
		bar_one(b, &r[i], 4 + i * (BAR_H + BAR_GAP), max);
	buf_puts(b, "</svg><figcaption>");
	report_esc(b, title);
	buf_puts(b, "</figcaption></figure>\n");
}

static void
scaling_xtick(struct buf *b, int t, double xmax, int w, int h)
{
	double x = 60 + (w - 80) * (t - 1) / (xmax > 1 ? xmax - 1 : 1);
	char v[16];

	snprintf(v, sizeof v, "%d", t);
	chart_text(b, x, h - 12, "middle", "axis", v);
}

static void
scaling_axes(struct buf *b, double xmax, double ymax, int ticks, int w, int h)
{
	for (int t = 0; t <= ticks; t++) {
		double y = h - 30 - (h - 50) * t / (double)ticks;
		char v[32];
		buf_printf(b, "<line x1=\"60\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>",
		    w - 20, y, y);
		snprintf(v, sizeof v, "%g", ymax * t / ticks);
		chart_text(b, 54, y + 4, "end", "axis", v);
	}
	for (int t = 1; t < (int)xmax; t = xmax <= 16 ? t + 1 : t * 2)
		scaling_xtick(b, t, xmax, w, h);
	scaling_xtick(b, (int)xmax, xmax, w, h);
	chart_text(b, 60 + (w - 80) / 2.0, h, "middle", "axis", "threads");
}

static void
scaling_series(struct buf *b, const struct report_series *s, const char *colour, double xmax,
    double ymax, int w, int h)
{
#define SX(v) (60 + (w - 80) * ((v) - 1) / (xmax > 1 ? xmax - 1 : 1))
#define SY(v) (h - 30 - (h - 50) * (v) / ymax)
	if (s->n > 0 && s->y[0] > 0)
		buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		    "class=\"ideal\"/>", SX(s->x[0]), SY(s->y[0]), SX(xmax),
		    SY(fmin(ymax, s->y[0] * xmax / s->x[0])), colour);
	buf_printf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" points=\"", colour);
	for (int i = 0; i < s->n; i++)
		buf_printf(b, "%s%.1f,%.1f", i ? " " : "", SX(s->x[i]), SY(s->y[i]));
	buf_puts(b, "\"/>");
	for (int i = 0; i < s->n; i++)
		buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>", SX(s->x[i]),
		    SY(s->y[i]), colour);
#undef SX
#undef SY
}

static void
scaling_range(const struct report_series *s, size_t n, double *xmax, double *ymax, int *ticks)
{
	*xmax = 1;
	*ymax = 0;
	for (size_t k = 0; k < n; k++)
		for (int i = 0; i < s[k].n; i++) {
			*xmax = fmax(*xmax, s[k].x[i]);
			*ymax = fmax(*ymax, s[k].y[i]);
		}
	*ymax = chart_nice(*ymax * 1.1, ticks);
}

void
report_chart_scaling(struct buf *b, const char *title, const struct report_series *s, size_t n)
{
	const int w = 560, h = 280, nc = sizeof series_colours / sizeof *series_colours;
	double xmax, ymax;
	int ticks;

	scaling_range(s, n, &xmax, &ymax, &ticks);
	buf_printf(b, "<figure class=\"chart scaling\"><svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", w, h + 4);
	report_esc(b, title);
	buf_puts(b, "\">");
	scaling_axes(b, xmax, ymax, ticks, w, h);
	for (size_t k = 0; k < n; k++)
		scaling_series(b, &s[k], series_colours[k % nc], xmax, ymax, w, h);
	buf_puts(b, "</svg><figcaption>");
	report_esc(b, title);
	buf_puts(b, "<span class=\"legend\">");
	for (size_t k = 0; k < n; k++) {
		buf_printf(b, "<span><i style=\"background:%s\"></i>", series_colours[k % nc]);
		report_esc(b, s[k].label);
		buf_puts(b, "</span>");
	}
	buf_puts(b, "<span><i class=\"dash\"></i>linear scaling from one thread</span></span>"
	    "</figcaption></figure>\n");
}

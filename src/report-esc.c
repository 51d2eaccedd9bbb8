/* report-esc.c — text made safe for the report's HTML and SVG: entities, bad bytes and controls replaced. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "report.h"
#include "ydoc.h"

#include <stdlib.h>

void
report_esc(struct buf *b, const char *s)
{
	char *fixed;

	if (s == NULL)
		return;
	fixed = utf8_fix(s, 1, NULL);
	for (const char *p = fixed; *p != '\0'; p++) {
		switch (*p) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default: buf_add(b, p, 1);
		}
	}
	free(fixed);
}

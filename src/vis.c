/* vis.c — untrusted text made safe to show a person: controls, bidi, invisibles, bad UTF-8 escaped. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "vis.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes) with its code point in *cp, or 0:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t
vis_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF;

	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3;
		lo = s[0] == 0xE0 ? 0xA0 : 0x80;
		hi = s[0] == 0xED ? 0x9F : 0xBF;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4;
		lo = s[0] == 0xF0 ? 0x90 : 0x80;
		hi = s[0] == 0xF4 ? 0x8F : 0xBF;
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	*cp = s[0] & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3F);
	}
	return len;
}

/* Code points above U+007F that a terminal draws as nothing, or that reorder the text. */
static int
vis_invisible(uint32_t c)
{
	static const uint32_t ranges[][2] = {
		{ 0x80, 0x9F }, { 0xAD, 0xAD }, { 0x600, 0x605 }, { 0x61C, 0x61C },
		{ 0x6DD, 0x6DD }, { 0x70F, 0x70F }, { 0x890, 0x891 }, { 0x8E2, 0x8E2 },
		{ 0x115F, 0x1160 }, { 0x180E, 0x180E }, { 0x200B, 0x200F }, { 0x2028, 0x202E },
		{ 0x2060, 0x206F }, { 0x3164, 0x3164 }, { 0xFDD0, 0xFDEF }, { 0xFEFF, 0xFEFF },
		{ 0xFFA0, 0xFFA0 }, { 0xFFF9, 0xFFFB }, { 0x110BD, 0x110BD }, { 0x110CD, 0x110CD },
		{ 0x13430, 0x1343F }, { 0x1BCA0, 0x1BCA3 }, { 0x1D173, 0x1D17A },
		{ 0xE0000, 0xE007F },
	};

	if ((c & 0xFFFE) == 0xFFFE)
		return 1;               /* U+xFFFE and U+xFFFF of every plane */
	for (size_t i = 0; i < nitems(ranges); i++)
		if (c >= ranges[i][0] && c <= ranges[i][1])
			return 1;
	return 0;
}

/* The escape for one ASCII byte, or NULL when it is kept as it is. */
static const char *
vis_ascii(unsigned char c, int flags, char tmp[8])
{
	if (c == '\\')
		return flags & VIS_KEEPBS ? NULL : "\\\\";
	if (c == '\'' && (flags & VIS_SQUOTE))
		return "\\'";
	if ((c == '\n' && (flags & VIS_NL)) || (c == '\t' && (flags & VIS_TAB)))
		return NULL;
	if (c == '\n')
		return "\\n";
	if (c == '\r')
		return "\\r";
	if (c == '\t')
		return "\\t";
	if (c < 0x20 || c >= 0x7F) {
		snprintf(tmp, 8, "\\x%02x", c);
		return tmp;
	}
	return NULL;
}

void
vis_buf(struct buf *b, const char *s, size_t len, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	char tmp[16];
	const char *e;
	uint32_t cp;
	size_t i = 0, run = 0, n;

	buf_add(b, "", 0);
	while (i < len) {
		if (p[i] < 0x80) {
			e = vis_ascii(p[i], flags, tmp);
			n = 1;
		} else if ((n = vis_utf8(p + i, len - i, &cp)) == 0) {
			e = vis_ascii(p[i], flags, tmp);        /* a byte of bad UTF-8: \xHH */
			n = 1;
		} else if (vis_invisible(cp)) {
			snprintf(tmp, sizeof tmp, cp > 0xFFFF ? "\\U%08x" : "\\u%04x", (unsigned)cp);
			e = tmp;
		} else
			e = NULL;
		if (e == NULL) {
			run += n;
			i += n;
			continue;
		}
		buf_add(b, s + i - run, run);
		buf_puts(b, e);
		run = 0;
		i += n;
	}
	buf_add(b, s + i - run, run);
}

char *
vis_strf(const char *s, int flags)
{
	struct buf b;

	if (s == NULL)
		return NULL;
	buf_init(&b);
	vis_buf(&b, s, strlen(s), flags);
	return buf_steal(&b);
}

char *
vis_str(const char *s)
{
	return vis_strf(s, 0);
}

int
vis_clean(const char *s, int flags)
{
	char *v = vis_strf(s, flags);
	int same = v == NULL || strcmp(v, s) == 0;

	free(v);
	return same;
}

size_t
vis_partial(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char probe[4];
	uint32_t cp;

	for (size_t k = 1; k <= 3 && k <= len; k++) {
		size_t need, i = len - k;
		if ((p[i] & 0xC0) == 0x80)
			continue;               /* a continuation byte: look further back */
		need = p[i] >= 0xF0 ? 4 : p[i] >= 0xE0 ? 3 : p[i] >= 0xC2 ? 2 : 1;
		if (need <= k)
			return 0;               /* complete (or not a lead byte at all) */
		/* a cut-short prefix is kept only if some completion of it is valid UTF-8 */
		memcpy(probe, p + i, k);
		for (size_t j = k; j < need; j++)
			probe[j] = p[i] == 0xE0 && j == 1 ? 0xA0 : p[i] == 0xF0 && j == 1 ? 0x90 : 0x80;
		return vis_utf8(probe, need, &cp) == need ? k : 0;
	}
	return 0;
}

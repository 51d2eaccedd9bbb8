/* test-vis.c — unit tests for vis_str and quote_short: what a person is shown of untrusted text. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armpy.h"
#include "vis.h"

static void
want(const char *in, int flags, const char *out)
{
	char *v = vis_strf(in, flags);

	assert_string_equal(v, out);
	assert_int_equal(vis_clean(in, flags), strcmp(in, out) == 0);
	free(v);
}

/* The attack from the review: CR plus "erase line" made a terminal show only the decoy. */
static void
test_controls(void **state)
{
	(void)state;
	want("rm -rf /\r\x1b[2Kapt-get update", 0, "rm -rf /\\r\\x1b[2Kapt-get update");
	want("a\nb\tc", 0, "a\\nb\\tc");
	want("a\nb\tc", VIS_NL | VIS_TAB, "a\nb\tc");
	want("\x01\x7f\x1f", 0, "\\x01\\x7f\\x1f");
	want("back\\slash", 0, "back\\\\slash");
	want("title: \"a\\r\\e\"\x1b", VIS_KEEPBS, "title: \"a\\r\\e\"\\x1b");
	want("it's", 0, "it's");
	want("it's", VIS_SQUOTE, "it\\'s");
	/* An embedded NUL cannot reach a C string, but a length can carry one. */
	struct buf b;
	buf_init(&b);
	vis_buf(&b, "a\0b", 3, 0);
	assert_string_equal(b.data, "a\\x00b");
	buf_free(&b);
}

/* C1 controls (CSI is U+009B) and the characters that reorder or hide text. */
static void
test_unicode(void **state)
{
	(void)state;
	want("x\xc2\x9b" "2Ky", 0, "x\\u009b2Ky");
	want("\xe2\x80\xae" "txt.exe", 0, "\\u202etxt.exe");
	for (unsigned c = 0x202A; c <= 0x202E; c++) {
		char in[4] = { (char)0xE2, (char)0x80, (char)(0x80 | (c & 0x3F)), 0 }, out[8];
		snprintf(out, sizeof out, "\\u%04x", c);
		want(in, 0, out);
	}
	want("\xe2\x81\xa6" "a" "\xe2\x81\xa9", 0, "\\u2066a\\u2069");
	want("zero\xe2\x80\x8bwidth", 0, "zero\\u200bwidth");
	want("\xef\xbb\xbf" "bom", 0, "\\ufeffbom");
	want("line\xe2\x80\xa8sep", 0, "line\\u2028sep");
	want("tag\xf3\xa0\x80\x81", 0, "tag\\U000e0001");
	want("soft\xc2\xad" "hyphen", 0, "soft\\u00adhyphen");
	/* Visible text stays byte for byte, whatever its script. */
	want("Grüße × 80 — ÅåΩ 日本 \xf0\x9f\x99\x82", VIS_NL, "Grüße × 80 — ÅåΩ 日本 \xf0\x9f\x99\x82");
}

/* Bytes that are not UTF-8 are shown one by one, never raw. */
static void
test_bad_utf8(void **state)
{
	(void)state;
	want("Intel\xae Xeon", 0, "Intel\\xae Xeon");
	want("\xc0\xaf", 0, "\\xc0\\xaf");                 /* overlong '/' */
	want("\xed\xa0\x80", 0, "\\xed\\xa0\\x80");        /* a surrogate */
	want("\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80"); /* above U+10FFFF */
	want("\xe2\x82", 0, "\\xe2\\x82");                 /* truncated */
	want("\xe2\x82x", 0, "\\xe2\\x82x");
	want("\xff\xfe", 0, "\\xff\\xfe");
}

/* Whatever goes in, nothing a terminal interprets comes out. */
static void
test_no_control_survives(void **state)
{
	unsigned char in[257];
	char *v;

	(void)state;
	for (int i = 0; i < 256; i++)
		in[i] = (unsigned char)(255 - i);
	in[256] = '\0';
	v = vis_str((char *)in + 0);
	for (const unsigned char *p = (unsigned char *)v; *p != '\0'; p++)
		assert_true(*p >= 0x20 && *p < 0x7F);
	free(v);
	assert_null(vis_str(NULL));
	assert_int_equal(vis_clean("plain text", 0), 1);
}

/* A stream cut in the middle of a character keeps its first bytes for the next write. */
static void
test_partial(void **state)
{
	(void)state;
	assert_int_equal(vis_partial("abc", 3), 0);
	assert_int_equal(vis_partial("a\xc3", 2), 1);              /* é cut after 1 of 2 */
	assert_int_equal(vis_partial("a\xc3\xa9", 3), 0);         /* é whole */
	assert_int_equal(vis_partial("a\xe2\x80", 3), 2);         /* U+202E cut after 2 of 3 */
	assert_int_equal(vis_partial("\xf0\x9f\x99", 3), 3);      /* an emoji cut after 3 of 4 */
	assert_int_equal(vis_partial("\xff", 1), 0);               /* never UTF-8: no waiting */
	assert_int_equal(vis_partial("\xed\xa0", 2), 0);          /* a surrogate cannot complete */
	assert_int_equal(vis_partial("\x80\x80\x80", 3), 0);
	assert_int_equal(vis_partial("", 0), 0);
}

/* An error quotes at most QUOTE_MAX bytes of a value, cut on a character boundary, and says how
 * long the value was; short values are quoted whole. */
static void
test_quote_short(void **state)
{
	char *big = xmalloc(100001), *wide = xmalloc(301), *bad = xmalloc(301), want[64];
	const char *q[QUOTE_SLOTS];

	(void)state;
	assert_string_equal(quote_short(NULL), "(null)");
	memset(big, 'a', QUOTE_MAX);
	big[QUOTE_MAX] = '\0';
	assert_ptr_equal(quote_short(big), big);                 /* at the cap: whole */
	memset(big, 'a', 100000);
	big[100000] = '\0';
	assert_int_equal(strlen(quote_short(big)), QUOTE_MAX + strlen("\u2026[100000 bytes]"));
	assert_string_equal(quote_short(big) + QUOTE_MAX, "\u2026[100000 bytes]");
	big[QUOTE_MAX + 1] = '\0';                                /* cap + 1: cut */
	assert_string_equal(quote_short(big) + QUOTE_MAX, "\u2026[201 bytes]");
	/* 199 ASCII bytes, then two-byte characters: the cut falls before the one at 199-200 */
	memset(wide, 'a', 199);
	for (int i = 199; i < 299; i += 2)
		memcpy(wide + i, "\xc3\xa9", 2);
	wide[299] = '\0';
	snprintf(want, sizeof want, "\u2026[%d bytes]", 299);
	assert_int_equal(strlen(quote_short(wide)), 199 + strlen(want));
	assert_string_equal(quote_short(wide) + 199, want);
	/* bytes that are not UTF-8 at all are cut at the cap */
	memset(bad, 0x80, 300);
	bad[300] = '\0';
	assert_memory_equal(quote_short(bad), bad, QUOTE_MAX);
	assert_string_equal(quote_short(bad) + QUOTE_MAX, "\u2026[300 bytes]");
	/* one message may quote several values: each has its own buffer */
	for (int i = 0; i < QUOTE_SLOTS; i++)
		q[i] = quote_short(i % 2 ? big : bad);
	for (int i = 0; i < QUOTE_SLOTS; i++)
		assert_int_equal(q[i][0], i % 2 ? 'a' : (char)0x80);
	free(bad);
	free(wide);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_unicode),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_no_control_survives),
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_quote_short),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test-ydoc.c — unit tests for the YAML tree/emitter and the common helpers. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "armpy.h"
#include "ydoc.h"

static struct ynode *
parse(const char *s, char **cause)
{
	return ydoc_parse(s, strlen(s), "t.yaml", cause);
}

static void
test_parse_positions(void **state)
{
	char *cause = NULL;
	struct ynode *n = parse("a: 1\nb:\n  c: [x, \"y\"]\n", &cause);
	(void)state;
	assert_non_null(n);
	assert_int_equal(n->type, YNODE_MAP);
	struct ynode *b = ynode_get(n, "b");
	assert_non_null(b);
	struct ynode *c = ynode_get(b, "c");
	assert_int_equal(c->type, YNODE_SEQ);
	assert_int_equal(c->n, 2);
	assert_int_equal(c->line, 3);
	assert_int_equal(c->col, 6);
	assert_string_equal(c->items[1]->value, "y");
	assert_true(c->items[1]->quoted);
	assert_false(c->items[0]->quoted);
	ynode_free(n);
}

static void
test_refuse_alias_anchor_dup(void **state)
{
	char *cause = NULL;
	(void)state;
	assert_null(parse("a: &x 1\nb: *x\n", &cause));
	assert_non_null(strstr(cause, "t.yaml:1:4: anchors are not allowed"));
	free(cause);
	cause = NULL;
	assert_null(parse("a: 1\na: 2\n", &cause));
	assert_non_null(strstr(cause, "t.yaml:2:1: a: duplicate key"));
	free(cause);
	cause = NULL;
	/* A plain key folded over empty lines holds newlines: the message stays one line. */
	assert_null(parse("{a\n\n\nb, a\n\n\nb}\n", &cause));
	assert_string_equal(cause, "t.yaml:4:4: a\\n\\nb: duplicate key");
	free(cause);
	cause = NULL;
	assert_null(parse("a: [1, 2\n", &cause));
	assert_true(str_startswith(cause, "t.yaml:"));
	assert_non_null(strstr(cause, "malformed YAML"));
	free(cause);
	cause = NULL;
	assert_null(parse("a: !!python/object 1\n", &cause));
	assert_string_equal(cause, "t.yaml:1:1: a: YAML tags are not accepted (!!python/object): "
	    "only !!str, !!int, !!bool, !!null, !!map and !!seq, on a value of that type");
	free(cause);
	cause = NULL;
	assert_null(parse("--- 1\n--- 2\n", &cause));
	assert_non_null(strstr(cause, "only one YAML document"));
	free(cause);
}

/* An explicit tag is taken only when it is the core tag of what the node really is; any other
 * (!!float, the non-specific !, a local or a language tag, a core tag on the wrong value) is
 * refused at its key with the path to it. */
static void
test_tags(void **state)
{
	static const char *ok[] = {
		"a: !!str x\n", "a: !!str 8\n", "a: !!int 8\n", "a: !!bool true\n", "a: !!null\n",
		"a: !!null ~\n", "!!map {a: !!seq [!!int 1]}\n", "!!str k: 1\n", "a: 8\n",
	};
	static const char *bad[][2] = {
		{ "a: !!float 8\n", "t.yaml:1:1: a: YAML tags are not accepted (!!float)" },
		{ "a: ! 8\n", "t.yaml:1:1: a: YAML tags are not accepted (!)" },
		{ "a: !x 8\n", "t.yaml:1:1: a: YAML tags are not accepted (!x)" },
		{ "a: !!int \"8\"\n", "t.yaml:1:1: a: YAML tags are not accepted (!!int)" },
		{ "a: !!int x\n", "t.yaml:1:1: a: YAML tags are not accepted (!!int)" },
		{ "a: !!bool 1\n", "t.yaml:1:1: a: YAML tags are not accepted (!!bool)" },
		{ "a: !!null x\n", "t.yaml:1:1: a: YAML tags are not accepted (!!null)" },
		{ "a: !!seq {b: 1}\n", "t.yaml:1:1: a: YAML tags are not accepted (!!seq)" },
		{ "a:\n  b: [1, !!map 2]\n", "t.yaml:2:10: a.b[1]: YAML tags are not accepted (!!map)" },
		{ "!!int a: 1\n", "t.yaml:1:1: a: YAML tags are not accepted (!!int)" },
		{ "!!seq {a: 1}\n", "t.yaml:1:1: (document): YAML tags are not accepted (!!seq)" },
	};
	char *cause = NULL;
	struct ynode *n;

	(void)state;
	for (size_t i = 0; i < nitems(ok); i++) {
		n = parse(ok[i], &cause);
		if (n == NULL)
			fail_msg("%s: %s", ok[i], cause);
		ynode_free(n);
	}
	for (size_t i = 0; i < nitems(bad); i++) {
		assert_null(parse(bad[i][0], &cause));
		if (!str_startswith(cause, bad[i][1]))
			fail_msg("%s: %s", bad[i][0], cause);
		free(cause);
		cause = NULL;
	}
}

static void
test_depth_limit(void **state)
{
	struct buf b;
	char *cause = NULL;
	(void)state;
	buf_init(&b);
	for (int i = 0; i < 100; i++)
		buf_puts(&b, "[");
	for (int i = 0; i < 100; i++)
		buf_puts(&b, "]");
	assert_null(ydoc_parse(b.data, b.len, "deep", &cause));
	assert_non_null(strstr(cause, "nesting too deep"));
	free(cause);
	cause = NULL;
	/* at the cap: a value inside YDOC_MAX_DEPTH lists loads; one more list is refused */
	for (int k = YDOC_MAX_DEPTH; k <= YDOC_MAX_DEPTH + 1; k++) {
		struct ynode *n;
		b.len = 0;
		for (int i = 0; i < k; i++)
			buf_puts(&b, "[");
		buf_puts(&b, "1");
		for (int i = 0; i < k; i++)
			buf_puts(&b, "]");
		n = ydoc_parse(b.data, b.len, "deep", &cause);
		assert_true(k == YDOC_MAX_DEPTH ? n != NULL : n == NULL);
		assert_true(k == YDOC_MAX_DEPTH || strstr(cause, "nesting too deep") != NULL);
		ynode_free(n);
		free(cause);
		cause = NULL;
	}
	buf_free(&b);
}

static void
test_scalar_types(void **state)
{
	char *cause = NULL;
	struct ynode *n = parse("t: true\nf: \"false\"\nnum: 42\nnul: ~\nempty:\nq: \"~\"\n", &cause);
	int b;
	long l;
	(void)state;
	assert_non_null(n);
	assert_int_equal(ynode_bool(ynode_get(n, "t"), &b), 0);
	assert_true(b);
	assert_int_equal(ynode_bool(ynode_get(n, "f"), &b), -1);
	assert_int_equal(ynode_long(ynode_get(n, "num"), &l), 0);
	assert_int_equal(l, 42);
	assert_true(ynode_is_null(ynode_get(n, "nul")));
	assert_true(ynode_is_null(ynode_get(n, "empty")));
	assert_false(ynode_is_null(ynode_get(n, "q")));
	assert_string_equal(ynode_type_name(ynode_get(n, "f")), "a string");
	ynode_free(n);
}

static void
test_emit_round_trip(void **state)
{
	static const char *values[] = {
		"22.04", "3.11", "0xd0c", "true", "no", "null", "", "~", "plain", "a: b",
		"- x", "#c", "with \"quotes\"", "multi\nline\n", "tab\there", "NEOVERSEN1",
		"aarch64", "1e5", "@Development tools",
	};
	struct yemit *y = yemit_new();
	char *text, *cause = NULL;
	size_t len;
	struct ynode *n;
	(void)state;
	yemit_map_start(y, 0);
	for (size_t i = 0; i < nitems(values); i++) {
		char key[16];
		snprintf(key, sizeof key, "k%zu", i);
		if (strchr(values[i], '\n') != NULL) {
			yemit_str(y, key);
			yemit_literal(y, values[i]);
		} else
			yemit_kv_str(y, key, values[i]);
	}
	yemit_kv_long(y, "n", -7);
	yemit_kv_bool(y, "b", 1);
	yemit_kv_str(y, "nothing", NULL);
	yemit_map_end(y);
	text = yemit_finish(y, &len);
	yemit_free(y);
	assert_true(strstr(text, "k0: \"22.04\"") != NULL);
	n = ydoc_parse(text, len, "emitted", &cause);
	assert_non_null(n);
	for (size_t i = 0; i < nitems(values); i++) {
		char key[16];
		snprintf(key, sizeof key, "k%zu", i);
		struct ynode *v = ynode_get(n, key);
		assert_non_null(v);
		assert_string_equal(v->value, values[i]);
		assert_false(ynode_is_null(v));
	}
	assert_true(ynode_is_null(ynode_get(n, "nothing")));
	ynode_free(n);
	free(text);
}

static void
test_version_cmp(void **state)
{
	(void)state;
	assert_true(version_cmp("0.3.21", "0.3.17") > 0);
	assert_true(version_cmp("0.3.9", "0.3.17") < 0);
	assert_true(version_cmp("1.21.1", "1.21.1") == 0);
	assert_true(version_cmp("1.24.2", "1.21.1") > 0);
	assert_true(version_cmp("0.3.21+ds", "0.3.21") == 0);
	assert_true(version_cmp("1.7.1", "1.7.2") < 0);
	assert_true(version_cmp("2.0.0rc1", "1.26") > 0);
	assert_true(version_cmp("3.10", "3.9") > 0);
}

static void
test_strv_buf(void **state)
{
	char **v = strv_new();
	char *s;
	(void)state;
	v = strv_push(v, "a");
	v = strv_pushf(v, "%d", 2);
	assert_int_equal(strv_len(v), 2);
	assert_true(strv_contains(v, "2"));
	s = strv_join(v, ",");
	assert_string_equal(s, "a,2");
	free(s);
	v = strv_pushl(v, "b", "a", NULL);                 /* a,2,b,a */
	v = strv_append_new(v, (char *[]){ "a", "c", "c", NULL }); /* + c, once */
	s = strv_join(v, ",");
	assert_string_equal(s, "a,2,b,a,c");
	free(s);
	v = strv_append(v, NULL);
	v = strv_append(v, (char *[]){ "a", NULL });
	assert_int_equal(strv_len(v), 6);
	strv_free(v);
	v = strv_setenv(strv_push(strv_new(), "PATH=/usr/bin"), "PATHX=1");
	v = strv_setenv(strv_setenv(v, "PATH=/opt/bin"), "no-equals");
	s = strv_join(v, ",");
	assert_string_equal(s, "PATH=/opt/bin,PATHX=1");    /* replaced by name, not by prefix */
	free(s);
	strv_free(v);
	strv_free(NULL);
	assert_int_equal(strv_len(NULL), 0);
}

static void
test_atomic_write(void **state)
{
	char dir[] = "/tmp/armpy-test-XXXXXX";
	char *path, *data, *cause = NULL;
	struct stat st;
	size_t len;
	(void)state;
	assert_non_null(mkdtemp(dir));
	char *sub = xasprintf("%s/sub/dir", dir);
	assert_int_equal(mkdir_p(sub, 0755, &cause), 0);
	path = xasprintf("%s/file", sub);
	free(sub);
	assert_int_equal(file_write_atomic(path, "hello", 5, 0640, &cause), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	data = file_read(path, 100, &len, &cause);
	assert_string_equal(data, "hello");
	free(data);
	assert_null(file_read(path, 3, &len, &cause));
	assert_non_null(strstr(cause, "larger than 3 bytes"));
	free(cause);
	cause = NULL;
	assert_int_equal(file_write_atomic("/nonexistent-dir/x", "a", 1, 0644, &cause), -1);
	assert_non_null(cause);
	free(cause);
	free(path);
}


/* Bad bytes are refused where they stand, not at 1:1; the file name leads. */
static void
test_reader_positions(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "a: 1\nb: caf\xe9\n", "t.yaml:2:7: not valid UTF-8" },
		{ "a: 1\n\nc: [x, \"\xc3\xa9\xff\"]\n", "t.yaml:3:10: not valid UTF-8" },
		{ "a: 1\nb: x\x01y\n", "t.yaml:2:5: malformed YAML: control characters" },
		{ "\xae: 1\n", "t.yaml:1:1: not valid UTF-8" },
		{ "a: 1\nb: caf\xe9\nc: 2\n", "t.yaml:2:7: not valid UTF-8" },   /* a lead, then a newline */
		{ "a: \xe2\x82x\n", "t.yaml:1:4: not valid UTF-8" },           /* two of three */
	};
	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		char *cause = NULL;
		assert_null(parse(cases[i].text, &cause));
		if (!str_startswith(cause, cases[i].want)) {
			print_error("case %zu: got '%s', want '%s...'\n", i, cause, cases[i].want);
			fail();
		}
		free(cause);
	}
}

/* Generated documents near the 1 MiB cap parse in well under a second each (a generous
 * bound: sanitizers and a busy machine), and the last duplicate of 60k keys is found. */
static void
test_large_documents(void **state)
{
	struct buf b;
	char *cause = NULL;
	struct ynode *n;
	double t0;
	(void)state;

	buf_init(&b);
	for (int i = 0; i < 60000; i++)
		buf_printf(&b, "k%d: %d\n", i, i);
	buf_puts(&b, "k59999: dup\n");
	t0 = now_seconds();
	assert_null(ydoc_parse(b.data, b.len, "t.yaml", &cause));
	assert_true(now_seconds() - t0 < 5);
	if (strstr(cause, "t.yaml:60001:1: k59999: duplicate key") == NULL) {
		print_error("%s\n", cause);
		fail();
	}
	free(cause);
	cause = NULL;
	buf_free(&b);

	/* a flow list of 200k items, and one scalar of 1 MiB less a little */
	buf_puts(&b, "l: [");
	for (int i = 0; i < 200000; i++)
		buf_puts(&b, "ab, ");
	buf_puts(&b, "z]\n");
	t0 = now_seconds();
	n = ydoc_parse(b.data, b.len, "t.yaml", &cause);
	assert_non_null(n);
	assert_int_equal(ynode_get(n, "l")->n, 200001);
	ynode_free(n);
	buf_free(&b);
	buf_puts(&b, "s: \"");
	for (int i = 0; i < YDOC_MAX_BYTES - 16; i++)
		buf_add(&b, i % 77 == 76 ? " " : "x", 1);
	buf_puts(&b, "\"\n");
	n = ydoc_parse(b.data, b.len, "t.yaml", &cause);
	assert_non_null(n);
	ynode_free(n);
	buf_free(&b);
	assert_true(now_seconds() - t0 < 5);
}

/* The emitter checks every libyaml call: unbalanced events and bad bytes fail cleanly. */
static void
test_emit_failures(void **state)
{
	struct yemit *y;
	char *text, *cause = NULL;
	size_t len;
	struct ynode *n;
	(void)state;

	/* not UTF-8: replaced by default, and it reads back */
	y = yemit_new();
	yemit_map_start(y, 0);
	yemit_kv_str(y, "name", "Intel\xae Xeon");
	yemit_kv_str(y, "bad\xff", "x");
	yemit_map_end(y);
	assert_int_equal(yemit_end(y, &text, &len, &cause), 0);
	assert_int_equal(yemit_replaced(y), 2);
	yemit_free(y);
	n = ydoc_parse(text, len, "t.yaml", &cause);
	assert_non_null(n);
	assert_string_equal(ynode_get(n, "name")->value, "Intel\xef\xbf\xbd Xeon");
	ynode_free(n);
	free(text);

	/* strict: refused, the value quoted as text */
	y = yemit_new();
	yemit_set_strict(y);
	yemit_map_start(y, 0);
	yemit_kv_str(y, "name", "Intel\xae Xeon");
	yemit_kv_str(y, "more", "after the failure");
	yemit_map_end(y);
	assert_int_equal(yemit_end(y, &text, &len, &cause), -1);
	assert_null(text);
	assert_non_null(strstr(cause, "not valid UTF-8: 'Intel\xef\xbf\xbd Xeon'"));
	free(cause);
	cause = NULL;
	yemit_free(y);

	/* unbalanced: libyaml refuses, we say so and drop the rest */
	y = yemit_new();
	yemit_map_start(y, 0);
	yemit_seq_end(y);
	yemit_str(y, "x");
	assert_int_equal(yemit_end(y, &text, &len, &cause), -1);
	assert_non_null(strstr(cause, "YAML emitter"));
	free(cause);
	yemit_free(y);
}

/* Messages quote at most QUOTE_MAX bytes of a value, a key path or a file name. */
static void
test_error_quotes(void **state)
{
	char *big = xmalloc(5001), *cause = NULL, *clip;
	struct buf b;
	(void)state;

	memset(big, 'v', 5000);
	big[5000] = '\0';
	ynode_error(&cause, "t.yaml", NULL, big, "'%s' is not a valid name", big);
	assert_true(strlen(cause) < 3 * QUOTE_MAX);
	assert_non_null(strstr(cause, "\xe2\x80\xa6[5000 bytes]'"));
	free(cause);
	cause = NULL;
	ynode_error(&cause, big, NULL, "key", "'%s' is not a valid name", big);
	assert_true(strlen(cause) < 3 * QUOTE_MAX);
	assert_non_null(strstr(cause, "\xe2\x80\xa6[5000 bytes]:1:1: key: 'v"));
	free(cause);
	cause = NULL;
	buf_init(&b);
	buf_printf(&b, "%s: 1\n%s: 2\n", big, big);
	assert_null(ydoc_parse(b.data, b.len, "t.yaml", &cause));
	assert_true(strlen(cause) < 2 * QUOTE_MAX);
	free(cause);
	buf_free(&b);
	/* a cut never splits a character */
	clip = utf8_clip("\xc3\xa9\xc3\xa9\xc3\xa9", 3);
	assert_string_equal(clip, "\xc3\xa9\xe2\x80\xa6");
	free(clip);
	free(big);
	assert_int_equal(utf8_check("ok\xed\xa0\x80", 5), 2);   /* a surrogate */
	assert_int_equal(utf8_check("\xc0\xaf", 2), 0);         /* overlong */
}

/* Saved files keep the umask; a plan's write step keeps its exact mode. */
static void
test_save_umask(void **state)
{
	char dir[] = "/tmp/armpy-test-XXXXXX";
	char *path, *cause = NULL;
	struct stat st;
	mode_t old;
	(void)state;

	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/f", dir);
	old = umask(077);
	assert_int_equal(file_save(path, "x", 1, &cause), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	umask(022);
	assert_int_equal(file_save(path, "x", 1, &cause), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	umask(077);
	assert_int_equal(file_write_atomic(path, "x", 1, 0644, &cause), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	umask(old);
	unlink(path);
	rmdir(dir);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_positions),
		cmocka_unit_test(test_refuse_alias_anchor_dup),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_scalar_types),
		cmocka_unit_test(test_emit_round_trip),
		cmocka_unit_test(test_version_cmp),
		cmocka_unit_test(test_strv_buf),
		cmocka_unit_test(test_atomic_write),
		cmocka_unit_test(test_reader_positions),
		cmocka_unit_test(test_large_documents),
		cmocka_unit_test(test_emit_failures),
		cmocka_unit_test(test_error_quotes),
		cmocka_unit_test(test_save_umask),
	};
	return cmocka_run_group_tests_name("ydoc", tests, NULL, NULL);
}

/* test-ydoc.c — unit tests for the YAML tree/emitter and the common helpers. */
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
	assert_null(parse("a: [1, 2\n", &cause));
	assert_true(str_startswith(cause, "t.yaml:"));
	assert_non_null(strstr(cause, "malformed YAML"));
	free(cause);
	cause = NULL;
	assert_null(parse("a: !!python/object 1\n", &cause));
	assert_non_null(strstr(cause, "custom tags"));
	free(cause);
	cause = NULL;
	assert_null(parse("--- 1\n--- 2\n", &cause));
	assert_non_null(strstr(cause, "only one YAML document"));
	free(cause);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_positions),
		cmocka_unit_test(test_refuse_alias_anchor_dup),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_scalar_types),
		cmocka_unit_test(test_emit_round_trip),
		cmocka_unit_test(test_version_cmp),
		cmocka_unit_test(test_strv_buf),
		cmocka_unit_test(test_atomic_write),
	};
	return cmocka_run_group_tests_name("ydoc", tests, NULL, NULL);
}

/* test-args.c — unit tests for args_parse: one table, one parser, one wording for every command. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "armpy.h"
#include "facts.h"

static const struct args_opt opts[] = {
	{ "--profile", 0, "FILE", 0, "the profile" },
	{ "--progress", 0, "text|json", ARGS_CHOICES, "progress" },
	{ "--env", 0, "NAME=VALUE", ARGS_MULTI, "extra environment" },
	{ "--yes", 'y', NULL, 0, "approve" },
	{ "--output", 'o', "PLAN.yaml", 0, "where" },
	{ NULL, 0, NULL, 0, NULL },
};
static const struct args_spec spec = { "try", opts, 1, "[PLAN]", 0, 1 };
static const struct args_spec needs = { "need", opts, 0, "PLAN", 1, 1 };

/* args_parse of the words up to NULL (argv[0] "try" added); NULL with *cause on an error. */
static struct args *
vparse(const struct args_spec *s, char **cause, va_list ap)
{
	char *argv[16] = { "try" };
	int argc = 1;

	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	*cause = NULL;
	return args_parse(s, argc, argv, cause);
}

static struct args *
parse(const struct args_spec *s, char **cause, ...)
{
	struct args *a;
	va_list ap;

	va_start(ap, cause);
	a = vparse(s, cause, ap);
	va_end(ap);
	return a;
}

/* The words are refused with exactly this cause. */
static void
refused(const struct args_spec *s, const char *want, ...)
{
	char *cause;
	struct args *a;
	va_list ap;

	va_start(ap, want);
	a = vparse(s, &cause, ap);
	va_end(ap);
	assert_null(a);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

/* --opt=value and --opt value give the same; a flag with "=" is refused. */
static void
test_equals_form(void **state)
{
	char *cause;
	struct args *a, *b;
	struct detect_opts d;

	(void)state;
	a = parse(&spec, &cause, "--profile=p.yaml", "--root=/srv", "--arch", "aarch64", NULL);
	b = parse(&spec, &cause, "--profile", "p.yaml", "--root", "/srv", "--arch=aarch64", NULL);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(args_get(a, "--profile"), "p.yaml");
	assert_string_equal(args_get(b, "--profile"), "p.yaml");
	memset(&d, 0, sizeof d);
	args_detect(a, &d);
	assert_string_equal(d.root, "/srv");
	assert_string_equal(d.arch, "aarch64");
	assert_null(d.cpuinfo);
	memset(&d, 0, sizeof d);
	args_detect(b, &d);
	assert_string_equal(d.root, "/srv");
	assert_string_equal(d.arch, "aarch64");
	args_free(a);
	args_free(b);
	/* a value may itself hold '=' and start with '-' */
	a = parse(&spec, &cause, "--env=A=1", "--env", "B=-2", "-o", "-", NULL);
	assert_non_null(a);
	assert_string_equal(args_values(a, "--env")[0], "A=1");
	assert_string_equal(args_values(a, "--env")[1], "B=-2");
	assert_null(args_values(a, "--env")[2]);
	assert_string_equal(args_get(a, "--output"), "-");
	args_free(a);
	refused(&spec, "option '--yes' takes no value", "--yes=1", NULL);
}

/* A missing or empty value, an unknown option, a bad choice: one wording each. */
static void
test_refusals(void **state)
{
	(void)state;
	refused(&spec, "option '--root' needs a value (DIR)", "--root", NULL);
	refused(&spec, "option '--root' needs a value (DIR)", "--root=", NULL);
	refused(&spec, "option '--profile' needs a value (FILE)", "--yes", "--profile", NULL);
	refused(&spec, "unknown option '--x'; see 'armpy try --help'", "--x", NULL);
	refused(&spec, "unknown option '--rootx'; see 'armpy try --help'", "--rootx=/", NULL);
	refused(&spec, "unknown option '-ny'; see 'armpy try --help'", "-ny", NULL);
	refused(&needs, "unknown option '--root'; see 'armpy need --help'", "--root", "/", NULL);
	refused(&spec, "option '--progress' takes one of text, json, not 'yaml'",
	    "--progress=yaml", NULL);
	refused(&spec, "unexpected argument 'b'; see 'armpy try --help'", "a", "b", NULL);
	refused(&needs, "PLAN is required; see 'armpy need --help'", "--yes", NULL);
}

/* Short names, the last value wins, "--" ends the options, --help skips the checks. */
static void
test_forms(void **state)
{
	char *cause;
	struct args *a;

	(void)state;
	a = parse(&spec, &cause, "-y", "--progress", "json", "--progress=text", "--", "-x", NULL);
	assert_non_null(a);
	assert_true(args_has(a, "--yes"));
	assert_false(args_has(a, "--profile"));
	assert_string_equal(args_get(a, "--progress"), "text");
	assert_int_equal(args_count(a), 1);
	assert_string_equal(args_operand(a, 0), "-x");
	assert_null(args_operand(a, 1));
	args_free(a);
	a = parse(&needs, &cause, "-h", NULL);
	assert_non_null(a);
	assert_true(args_has(a, "--help"));
	args_free(a);
}

/* Usage and the --help list come from the table: every option, its value, nothing else. */
static void
test_generated(void **state)
{
	char *u, *h;
	const struct args_opt *o;
	size_t n = 0;

	(void)state;
	u = args_usage(&spec, "usage: ", 80);
	h = args_help(&spec);
	for (size_t i = 0; (o = args_opt_at(&spec, i)) != NULL; i++, n++) {
		char *word = o->metavar != NULL ? xasprintf("%s %s", o->name, o->metavar) :
		    xstrdup(o->name);
		if (strcmp(o->name, "--help") != 0)
			assert_non_null(strstr(u, word));
		assert_non_null(strstr(h, word));
		free(word);
	}
	assert_int_equal(n, 5 + 4 + 1);        /* its own, the detection overrides, --help */
	assert_true(str_startswith(u, "usage: armpy try [--profile FILE]"));
	assert_non_null(strstr(u, "[--env NAME=VALUE]..."));
	assert_non_null(strstr(h, "  -o, --output PLAN.yaml"));
	for (char *l = u; l != NULL; l = strchr(l + 1, '\n'))
		assert_true(strcspn(l + 1, "\n") < 80);
	for (char *l = h; l != NULL; l = strchr(l + 1, '\n'))
		assert_true(strcspn(l + 1, "\n") < 80);
	free(u);
	free(h);
	u = args_usage(&needs, "", 80);
	assert_string_equal(u, "armpy need [--profile FILE] [--progress text|json] "
	    "[--env NAME=VALUE]...\n           [--yes] [--output PLAN.yaml] PLAN");
	free(u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equals_form),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_generated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

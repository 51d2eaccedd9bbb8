/* lib.c — shared helpers of the libFuzzer targets (see lib.h). */
/* SPDX-License-Identifier: MIT */
#include "lib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armpy.h"
#include "facts.h"
#include "ydoc.h"

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "fuzz: %s:%d: property does not hold: %s\n", file, line, what);
	__builtin_trap();
}

char *
fuzz_text(const uint8_t *data, size_t len)
{
	char *s = xmalloc(len + 1);

	memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

void
fuzz_check_cause(char *cause)
{
	int line = 0, col = 0, n = 0;

	FUZZ_CHECK(cause != NULL);
	FUZZ_CHECK(sscanf(cause, FUZZ_NAME ":%d:%d: %n", &line, &col, &n) == 2 && n > 0);
	FUZZ_CHECK(line >= 1 && col >= 1);
	FUZZ_CHECK(strchr(cause, '\n') == NULL);
	FUZZ_CHECK(strlen(cause) <= 1024);
	free(cause);
}

struct facts *
fuzz_facts_base(const char *arch)
{
	struct facts *f = facts_new();

	f->arch = xstrdup(arch);
	f->multiarch = xstrdup(arch_multiarch(arch));
	f->page_size = 4096;
	return f;
}

static char *
fuzz_facts_reload(const char *text)
{
	char *cause = NULL, *again;
	struct ynode *root = ydoc_parse(text, strlen(text), FUZZ_NAME, &cause);
	struct facts *f = root != NULL ? facts_from_yaml(root, FUZZ_NAME, &cause) : NULL;

	if (f == NULL)
		fprintf(stderr, "fuzz: armpy's own facts do not load back: %s\n--- facts:\n%s---\n",
		    cause != NULL ? cause : "?", text);
	FUZZ_CHECK(f != NULL);
	again = facts_to_yaml(f);
	facts_free(f);
	ynode_free(root);
	return again;
}

void
fuzz_facts_roundtrip(const struct facts *f)
{
	char *text = facts_to_yaml(f), *again;

	FUZZ_CHECK(text != NULL);
	again = fuzz_facts_reload(text);
	FUZZ_CHECK(strcmp(text, again) == 0);
	free(text);
	free(again);
}

/* fuzz-facts.c — libFuzzer target: facts YAML (`plan --facts`); loaded facts emit and load back. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdlib.h>

#include "facts.h"
#include "lib.h"
#include "ydoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char *cause = NULL;
	struct ynode *root = ydoc_parse((const char *)data, len, FUZZ_NAME, &cause);
	struct facts *f = root != NULL ? facts_from_yaml(root, FUZZ_NAME, &cause) : NULL;

	ynode_free(root);
	if (f == NULL) {
		fuzz_check_cause(cause);
		return 0;
	}
	fuzz_facts_roundtrip(f);
	facts_free(f);
	return 0;
}

/* fuzz-plan.c — libFuzzer target: plan YAML load; a loaded plan emits, loads back, emits the same. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "plan.h"
#include "ydoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

/* Parse text as a plan; NULL (cause freed after its format is checked) when refused. */
static struct plan *
fuzz_plan_load(const char *text, size_t len)
{
	char *cause = NULL;
	struct ynode *root = ydoc_parse(text, len, FUZZ_NAME, &cause);
	struct plan *plan = root != NULL ? plan_from_node(root, FUZZ_NAME, &cause) : NULL;

	ynode_free(root);
	if (plan == NULL)
		fuzz_check_cause(cause);
	return plan;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct plan *plan = fuzz_plan_load((const char *)data, len), *back;
	char *text, *again;

	if (plan == NULL)
		return 0;
	/* what plan_save writes, `armpy run` and resume load */
	text = plan_to_yaml(plan);
	back = fuzz_plan_load(text, strlen(text));
	FUZZ_CHECK(back != NULL);
	again = plan_to_yaml(back);
	FUZZ_CHECK(strcmp(text, again) == 0);
	free(again);
	free(text);
	plan_free(back);
	plan_free(plan);
	return 0;
}

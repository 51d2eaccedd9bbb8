/* fuzz-profile.c — libFuzzer target: profile YAML load; a loaded profile saves and loads back equal. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char *cause = NULL, *text, *again;
	struct profile *p = profile_parse((const char *)data, len, FUZZ_NAME, &cause), *back;

	if (p == NULL) {
		fuzz_check_cause(cause);
		return 0;
	}
	/* profile_save's contract: what it writes loads back, profile_equal */
	text = profile_to_yaml(p);
	back = profile_parse(text, strlen(text), FUZZ_NAME, &cause);
	FUZZ_CHECK(back != NULL);
	FUZZ_CHECK(profile_equal(p, back));
	again = profile_to_yaml(back);
	FUZZ_CHECK(strcmp(text, again) == 0);
	profile_check(p, &cause);      /* semantic checks: any answer, never a crash */
	free(cause);
	free(again);
	free(text);
	profile_free(back);
	profile_free(p);
	return 0;
}

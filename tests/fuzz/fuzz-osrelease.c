/* fuzz-osrelease.c — libFuzzer target: os-release text; the facts `detect` writes load back. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "lib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char *text = fuzz_text(data, len), *cause = NULL;
	struct facts *f = fuzz_facts_base("aarch64");

	if (osrelease_parse(f, text, &cause) == 0) {
		facts_unsupported(f);
		FUZZ_CHECK(facts_sanitise(f, NULL) == 0);    /* what detect does last */
		fuzz_facts_roundtrip(f);
	} else
		FUZZ_CHECK(cause != NULL && strlen(cause) <= 1024);
	free(cause);
	facts_free(f);
	free(text);
	return 0;
}

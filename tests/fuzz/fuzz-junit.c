/* fuzz-junit.c — libFuzzer target: pytest's JUnit XML and terminal output as validate --thorough reads them. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "armpy.h"
#include "validate.h"
#include "lib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char *text = (const char *)data;    /* not NUL-terminated: only len is read */
	struct thorough_counts n;
	char **failing = NULL, *cause = NULL, *mod;
	int state = 0;

	if (thorough_junit_parse(text, len, "numpy.linalg", &n, &failing, &cause) == 0) {
		FUZZ_CHECK(n.passed >= 0 && n.failed >= 0 && n.errors >= 0);
		FUZZ_CHECK(strv_len(failing) <= THOROUGH_MAX_FAILING &&
		    (long)strv_len(failing) <= n.failed + n.errors);
		for (size_t i = 0; failing[i] != NULL; i++)
			for (const char *p = failing[i]; *p != '\0'; p++)
				FUZZ_CHECK(*p >= 0x20 && *p < 0x7f);
	} else
		FUZZ_CHECK(cause != NULL && strv_len(failing) == 0);
	strv_free(failing);
	free(cause);
	if (thorough_summary_parse(text, len, &n) == 0)
		FUZZ_CHECK(n.passed >= 0 && n.passed < 1000000000L);
	if ((mod = thorough_missing_module(text, len)) != NULL)
		FUZZ_CHECK(strlen(mod) > 0 && strlen(mod) <= 64 && strspn(mod,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == strlen(mod));
	free(mod);
	FUZZ_CHECK(thorough_progress_count(text, len, &state) <= (long)len);
	return 0;
}

/* fuzz-bundle.c — libFuzzer target: a bundle's MANIFEST, which is an attacker's until verified. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "armpy.h"
#include "bundle.h"
#include "lib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

/* What loads names only member paths bundle_path_ok takes, each once, with a hex sha256;
 * emitted, it loads back the same. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct bundle_manifest *m, *again;
	char *cause = NULL, *y;

	if ((m = bundle_manifest_parse((const char *)data, len, &cause)) == NULL) {
		FUZZ_CHECK(cause != NULL && strchr(cause, '\n') == NULL &&
		    strncmp(cause, "MANIFEST:", 9) == 0);
		free(cause);
		return 0;
	}
	FUZZ_CHECK(m->nfiles <= BUNDLE_FILES_MAX);
	for (size_t i = 0; i < m->nfiles; i++) {
		FUZZ_CHECK(bundle_path_ok(m->files[i].path, NULL) == 0);
		FUZZ_CHECK(strspn(m->files[i].sha256, "0123456789abcdef") == 64);
		FUZZ_CHECK(m->files[i].size >= 0);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(m->files[i].path, m->files[j].path) != 0);
	}
	y = bundle_manifest_yaml(m);
	again = bundle_manifest_parse(y, strlen(y), &cause);
	if (again == NULL)
		fuzz_fail(__FILE__, __LINE__, "the emitted MANIFEST does not load back");
	FUZZ_CHECK(again->nfiles == m->nfiles && strcmp(again->arch, m->arch) == 0);
	for (size_t i = 0; i < m->nfiles; i++)
		FUZZ_CHECK(strcmp(again->files[i].path, m->files[i].path) == 0 &&
		    again->files[i].size == m->files[i].size);
	bundle_manifest_free(again);
	bundle_manifest_free(m);
	free(y);
	return 0;
}

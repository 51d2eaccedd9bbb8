/* fuzz-cpuinfo.c — libFuzzer target: /proc/cpuinfo text on aarch64 and x86_64; the facts
 * `detect` writes from it load back. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdlib.h>

#include "facts.h"
#include "lib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const arches[] = { "aarch64", "x86_64" };
	char *text = fuzz_text(data, len);

	for (size_t i = 0; i < sizeof arches / sizeof arches[0]; i++) {
		struct facts *f = fuzz_facts_base(arches[i]);
		osrelease_parse(f, "", NULL);     /* no os-release: its defaults */
		f->emulated = cpuinfo_is_foreign(arches[i], text);
		cpuinfo_parse(&f->cpu, arches[i], text);
		cpu_identify(&f->cpu, arches[i]);
		FUZZ_CHECK(facts_sanitise(f, NULL) == 0);    /* what detect does last */
		fuzz_facts_roundtrip(f);
		facts_free(f);
	}
	free(text);
	return 0;
}

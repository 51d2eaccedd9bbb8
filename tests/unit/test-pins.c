/* test-pins.c — unit tests for the pinned artefacts: the OpenBLAS TARGET each CPU gets from the pinned release. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "armpy.h"
#include "facts.h"
#include "plan-pins.h"

static void
test_openblas_target(void **state)
{
	const char *why;
	(void)state;
	/* A target the pinned release lists is kept, with nothing to say. */
	assert_string_equal(pin_openblas_target("NEOVERSEN1", &why), "NEOVERSEN1");
	assert_null(why);
	assert_string_equal(pin_openblas_target("ZEN", &why), "ZEN");
	assert_null(why);
	/* Neoverse V2 (Grace, Graviton4): not a target of 0.3.21; OpenBLAS's own V1 kernels. */
	assert_string_equal(pin_openblas_target("NEOVERSEV2", &why), "NEOVERSEV1");
	assert_non_null(why);
	assert_non_null(strstr(why, "dynamic_arm64.c"));
	assert_string_equal(pin_openblas_target("CORTEXA76", &why), "CORTEXA57");
	assert_non_null(strstr(why, "KERNEL.CORTEXA76"));
	/* Unknown: no TARGET, and why says so; names are exact (case included). */
	assert_null(pin_openblas_target("FOO", &why));
	assert_non_null(why);
	assert_null(pin_openblas_target("neoversen1", &why));
	assert_null(pin_openblas_target(NULL, &why));
	assert_null(why);
}

/* Every Arm core armpy names (cpu.c's table, found by trying every implementer and part) gets
 * a TARGET the pinned OpenBLAS builds, as do the generic ones for cores it cannot name. */
static void
test_every_core(void **state)
{
	char id[8];
	unsigned impl, part, named = 0;
	const char *why;
	(void)state;
	for (impl = 0x41; impl <= 0xc0; impl++) {
		for (part = 0; part <= 0xfff; part++) {
			struct cpu_info c;
			memset(&c, 0, sizeof c);
			snprintf(id, sizeof id, "0x%02x", impl);
			c.implementer = xstrdup(id);
			snprintf(id, sizeof id, "0x%03x", part);
			c.part = xstrdup(id);
			c.features = strv_new();
			cpu_identify(&c, "aarch64");
			if (c.openblas_target == NULL ||
			    pin_openblas_target(c.openblas_target, &why) == NULL)
				fail_msg("%s (0x%02x/0x%03x): OpenBLAS TARGET %s: %s", c.name, impl,
				    part, c.openblas_target ? c.openblas_target : "none",
				    why ? why : "");
			named += strncmp(c.name, "unknown", 7) != 0;
			cpu_info_clear(&c);
		}
	}
	assert_true(named > 40);
}

/* Targets whose SVE kernels the pinned OpenBLAS builds only from a GCC on: A64FX needs GCC >= 11
 * (Makefile.arm64) and falls back to ARMV8; every fallback is a target of the pinned release
 * itself, with no GCC need of its own; a target with no need answers NULL. */
static void
test_openblas_gcc(void **state)
{
	const char *fallback, *why, *w2;
	const struct pin_rule *r;
	int n;
	(void)state;

	assert_string_equal(pin_openblas_gcc("A64FX", &fallback, &why), "11");
	assert_string_equal(fallback, "ARMV8");
	assert_non_null(strstr(why, "Makefile.arm64"));
	assert_null(pin_openblas_gcc("ARMV8", &fallback, &why));
	assert_null(fallback);
	assert_null(pin_openblas_gcc("NEOVERSEV2", &fallback, &why));   /* a substitute, no need */
	assert_null(pin_openblas_gcc(NULL, &fallback, &why));
	r = pin_openblas_rules(&n);
	for (int i = 0; i < n; i++) {
		if (r[i].gcc == NULL)
			continue;
		assert_string_equal(pin_openblas_target(r[i].target, &w2), r[i].target);
		assert_string_equal(pin_openblas_target(r[i].use, &w2), r[i].use);
		assert_null(w2);
		assert_null(pin_openblas_gcc(r[i].use, &fallback, &why));
	}
}

/* The BLIS pin is upstream's release downloaded from Debian's archive, and says both. */
static void
test_pin_sources(void **state)
{
	const struct pin *b = pin_find("blis"), *o = pin_find("openblas");
	(void)state;

	assert_non_null(strstr(b->source, "upstream's BLIS 0.9.0 release"));
	assert_non_null(b->mirror);
	assert_non_null(strstr(b->mirror, "Debian's archive"));
	assert_non_null(strstr(b->hash_from, "blis_0.9.0-1.dsc"));
	assert_null(o->mirror);                          /* upstream's own release page */
	assert_non_null(strstr(o->url, o->version));
	/* BLIS comes from a Debian mirror of the apt sources, never a host written here */
	assert_null(b->url);
	assert_non_null(strstr(b->archive, "blis_0.9.0.orig.tar.gz"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openblas_target),
		cmocka_unit_test(test_every_core),
		cmocka_unit_test(test_openblas_gcc),
		cmocka_unit_test(test_pin_sources),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

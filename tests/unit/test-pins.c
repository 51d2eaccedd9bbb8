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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openblas_target),
		cmocka_unit_test(test_every_core),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* filter.c — linked into every unit test: CMOCKA_TEST_FILTER=glob runs only the tests it names. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

/* cmocka 1.1 has the filter but reads no variable for it; this sets it before main runs.
 * The pattern is cmocka's: * and ? match, "test_profile_*" runs the profile tests. */
__attribute__((constructor)) static void
unit_filter(void)
{
	const char *p = getenv("CMOCKA_TEST_FILTER");

	if (p != NULL && *p != '\0')
		cmocka_set_test_filter(p);
}

/* test-cpuclock.c — unit tests for the measured clock: invariants only, never a model or a clock. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "armpy.h"
#include "cpuclock.h"
#include "facts.h"

/*
 * The arm64 suite runs these tests under qemu-user, where the loop times the emulator: there
 * only "a number or -1" holds. Same two signs as facts_detect(): the host's cpuinfo, or qemu in
 * our own mappings.
 */
static int
emulated(void)
{
	struct utsname u;
	char *text;
	int found = 0;

	if (uname(&u) == 0 && (text = file_read("/proc/cpuinfo", 1 << 20, NULL, NULL)) != NULL) {
		found = cpuinfo_is_foreign(arch_normalise(u.machine), text);
		free(text);
	}
	if ((text = file_read("/proc/self/maps", 1 << 22, NULL, NULL)) != NULL) {
		if (strstr(text, "qemu-") != NULL)
			found = 1;
		free(text);
	}
	return found;
}

static void
test_measure(void **state)
{
	double a, b;

	(void)state;
	a = cpuclock_measure_mhz(0.1);
#if defined(__x86_64__) || defined(__aarch64__)
	if (emulated()) {
		assert_true(a == -1 || a > 0);
		skip();
	}
	b = cpuclock_measure_mhz(0.1);
	assert_true(a >= 100 && a <= 10000);
	assert_true(b >= 100 && b <= 10000);
	assert_true(a <= 2 * b && b <= 2 * a);
#else
	(void)b;
	assert_true(a == -1);
#endif
}

/* Any seconds, even nonsense, gives a clock or -1, and returns. */
static void
test_seconds_clamped(void **state)
{
	double v[] = { 0, -1, 0.001 }, mhz;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(v); i++) {
		mhz = cpuclock_measure_mhz(v[i]);
		assert_true(mhz == -1 || mhz > 0);
	}
}

static void
test_method(void **state)
{
	const char *m = cpuclock_method();

	(void)state;
	assert_non_null(m);
	assert_true(strlen(m) > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_measure),
		cmocka_unit_test(test_seconds_clamped),
		cmocka_unit_test(test_method),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test-pyeol.c — unit tests for the CPython end-of-life table and its injectable clock. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "armpy.h"
#include "pyeol.h"
#include "distrolife.h"

/* Noon UTC of y-m-d, plus an offset in seconds. */
static time_t
day(int y, int m, int d, int hour)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = hour;
	return timegm(&tm);
}

static void
test_table(void **state)
{
	static const char *want[][2] = {
		{ "2.7", "2020-01-01" }, { "3.6", "2021-12-23" }, { "3.7", "2023-06-27" },
		{ "3.8", "2024-10-07" }, { "3.9", "2025-10-31" }, { "3.10", "2026-10-31" },
		{ "3.11", "2027-10-31" }, { "3.12", "2028-10-31" }, { "3.13", "2029-10-31" },
		{ "3.14", "2030-10-31" }, { "3.15", "2031-10-31" },
	};
	int n;
	const struct python_eol *t = pyeol_table(&n);
	(void)state;
	assert_int_equal(n, (int)nitems(want));
	for (int i = 0; i < n; i++) {
		assert_string_equal(t[i].version, want[i][0]);
		assert_string_equal(t[i].eol, want[i][1]);
		/* Dates are well-formed and increasing. */
		assert_int_equal(strlen(t[i].eol), 10);
		if (i > 0)
			assert_true(strcmp(t[i - 1].eol, t[i].eol) < 0);
	}
}

static void
test_lookup(void **state)
{
	(void)state;
	assert_string_equal(pyeol_lookup("3.8")->eol, "2024-10-07");
	assert_string_equal(pyeol_lookup("3.8.10")->eol, "2024-10-07");
	assert_string_equal(pyeol_lookup("3.10")->version, "3.10");
	assert_null(pyeol_lookup("3.99"));
	assert_null(pyeol_lookup("3.80"));
	assert_null(pyeol_lookup("3"));
	assert_null(pyeol_lookup(""));
	assert_null(pyeol_lookup(NULL));
	assert_null(pyeol_lookup("3.5"));
	assert_null(pyeol_lookup("3.1"));
}

/* The reference day: 2.7 and 3.6 to 3.10 are past, 3.11 onwards are not. */
static void
test_reference_day(void **state)
{
	time_t now = day(2026, 11, 25, 12);
	const char *past[] = { "2.7", "3.6", "3.7", "3.8", "3.9", "3.10" };
	const char *alive[] = { "3.11", "3.12", "3.13", "3.14", "3.15" };
	(void)state;
	for (size_t i = 0; i < nitems(past); i++)
		assert_int_equal(pyeol_is_past(past[i], now), 1);
	for (size_t i = 0; i < nitems(alive); i++)
		assert_int_equal(pyeol_is_past(alive[i], now), 0);
	assert_int_equal(pyeol_is_past("3.99", now), -1);
	assert_int_equal(pyeol_is_past("4.0", now), -1);
}

/* Past end of life ON the date itself, not the day before; any time of day. */
static void
test_boundary(void **state)
{
	(void)state;
	assert_int_equal(pyeol_is_past("3.8", day(2024, 10, 6, 23) + 3599), 0);
	assert_int_equal(pyeol_is_past("3.8", day(2024, 10, 7, 0)), 1);
	assert_int_equal(pyeol_is_past("3.8", day(2024, 10, 7, 23)), 1);
	assert_int_equal(pyeol_is_past("3.10", day(2026, 10, 30, 12)), 0);
	assert_int_equal(pyeol_is_past("3.10", day(2026, 10, 31, 12)), 1);
	assert_int_equal(pyeol_is_past("2.7", day(2019, 12, 31, 12)), 0);
	assert_int_equal(pyeol_is_past("2.7", day(2020, 1, 1, 0)), 1);
}

static void
test_env_clock(void **state)
{
	time_t t;
	(void)state;
	setenv("ARMPY_TODAY", "2026-11-25", 1);
	t = pyeol_now();
	assert_int_equal(pyeol_is_past("3.10", t), 1);
	assert_int_equal(pyeol_is_past("3.11", t), 0);
	setenv("ARMPY_TODAY", "2024-10-06", 1);
	assert_int_equal(pyeol_is_past("3.8", pyeol_now()), 0);
	setenv("ARMPY_TODAY", "2024-10-07", 1);
	assert_int_equal(pyeol_is_past("3.8", pyeol_now()), 1);
	setenv("ARMPY_TODAY", "2031-01-01", 1);
	assert_int_equal(pyeol_is_past("3.14", pyeol_now()), 1);
	/* Malformed overrides are ignored: the real clock is used. */
	setenv("ARMPY_TODAY", "2024-13-01", 1);
	t = pyeol_now();
	assert_true(t > day(2025, 1, 1, 0));
	setenv("ARMPY_TODAY", "yesterday", 1);
	assert_true(pyeol_now() > day(2025, 1, 1, 0));
	setenv("ARMPY_TODAY", "2024-10-07x", 1);
	assert_true(pyeol_now() > day(2025, 1, 1, 0));
	unsetenv("ARMPY_TODAY");
	t = pyeol_now();
	assert_true(t >= time(NULL) - 5 && t <= time(NULL) + 5);
}

/* The distro table: every entry well-formed, each dated one cites its vendor's page. */
static void
test_distro_table(void **state)
{
	int n;
	const struct distro_life *t = distrolife_table(&n);
	(void)state;
	assert_true(n > 20);
	for (int i = 0; i < n; i++) {
		assert_non_null(t[i].id);
		assert_non_null(t[i].name);
		assert_non_null(t[i].vendor);
		if (t[i].python != NULL)
			assert_non_null(pyeol_lookup(t[i].python));
		if (t[i].end == NULL) {
			assert_null(t[i].extended);
			continue;
		}
		assert_int_equal(strlen(t[i].end), 10);
		assert_non_null(t[i].program);
		assert_non_null(t[i].source);
		assert_non_null(strstr(t[i].source, "."));     /* a page's address in the name */
		if (t[i].extended != NULL) {
			assert_true(strcmp(t[i].end, t[i].extended) < 0);
			assert_non_null(t[i].ext_program);
		}
	}
}

static void
test_distro_lookup(void **state)
{
	const struct distro_life *l;
	(void)state;
	l = distrolife_lookup("ubuntu", "22.04", NULL);
	assert_non_null(l);
	assert_string_equal(l->python, "3.10");
	assert_string_equal(l->end, "2027-06-01");
	assert_string_equal(distrolife_lookup("rocky", "8.9", NULL)->name, "Rocky Linux 8");
	assert_string_equal(distrolife_lookup("rhel", "9", NULL)->python, "3.9");
	assert_null(distrolife_lookup("rhel", "80", NULL));
	assert_null(distrolife_lookup("ubuntu", "22.10", NULL));
	assert_null(distrolife_lookup(NULL, "8", NULL));
	assert_null(distrolife_lookup("rhel", NULL, NULL));
	/* CentOS Linux 8 and CentOS Stream 8 share ID and VERSION_ID */
	assert_string_equal(distrolife_lookup("centos", "8", "CentOS Stream 8")->end, "2024-05-31");
	assert_string_equal(distrolife_lookup("centos", "8", "CentOS Linux 8")->end, "2021-12-31");
	assert_string_equal(distrolife_lookup("centos", "8", NULL)->end, "2021-12-31");
	/* a service pack's own dates before SLES 15's */
	assert_string_equal(distrolife_lookup("sles", "15.6", NULL)->end, "2025-12-31");
	assert_null(distrolife_lookup("sles", "15.3", NULL)->end);
	assert_string_equal(distrolife_python("alpine", "3.20.3", NULL), "3.12");
	assert_string_equal(distrolife_python("debian", "12", NULL), "3.11");
}

/* Supported through its end day, past from the next one; the reference day's verdicts. */
static void
test_distro_clock(void **state)
{
	const struct distro_life *l = distrolife_lookup("debian", "11", NULL);
	time_t now = day(2026, 11, 25, 12);
	(void)state;
	assert_int_equal(distrolife_is_past(l, day(2026, 8, 31, 23)), 0);
	assert_int_equal(distrolife_is_past(l, day(2026, 9, 1, 0)), 1);
	assert_int_equal(distrolife_is_past(distrolife_lookup("ubuntu", "22.04", NULL), now), 0);
	assert_int_equal(distrolife_is_past(distrolife_lookup("ubuntu", "20.04", NULL), now), 1);
	assert_int_equal(distrolife_is_past(distrolife_lookup("amzn", "2", NULL), now), 1);
	assert_int_equal(distrolife_is_past(distrolife_lookup("alpine", "3.18", NULL), now), 1);
	assert_int_equal(distrolife_is_past(distrolife_lookup("rhel", "8.10", NULL), now), 0);
	assert_int_equal(distrolife_is_past(distrolife_lookup("ol", "8", NULL), now), -1);
	assert_int_equal(distrolife_is_past(NULL, now), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_reference_day),
		cmocka_unit_test(test_boundary),
		cmocka_unit_test(test_env_clock),
		cmocka_unit_test(test_distro_table),
		cmocka_unit_test(test_distro_lookup),
		cmocka_unit_test(test_distro_clock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

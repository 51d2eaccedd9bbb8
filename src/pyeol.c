/* pyeol.c — CPython end-of-life table (PEPs 373, 494, 537, 569, 596, 619, 664, 693, 719, 745, 790). */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "pyeol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * The day each version reached (or will reach) end of life. Past dates are the ones the
 * release PEPs and the devguide record; 3.10 onwards are scheduled for "October" of the fifth
 * year and are taken as the last day of that month. A version is past end of life ON and after
 * its date.
 */
static const struct python_eol pyeol_entries[] = {
	{ "2.7", "2020-01-01", "PEP 373 (release schedule)", "2026-12-02" },
	{ "3.6", "2021-12-23", "PEP 494 (release schedule)", "2026-12-02" },
	{ "3.7", "2023-06-27", "PEP 537 (release schedule)", "2026-12-02" },
	{ "3.8", "2024-10-07", "PEP 569 (release schedule)", "2026-12-02" },
	{ "3.9", "2025-10-31", "PEP 596 (release schedule)", "2026-12-02" },
	{ "3.10", "2026-10-31", "PEP 619 (release schedule), scheduled 2026-10", "2026-12-02" },
	{ "3.11", "2027-10-31", "PEP 664 (release schedule), scheduled 2027-10", "2026-12-02" },
	{ "3.12", "2028-10-31", "PEP 693 (release schedule), scheduled 2028-10", "2026-12-02" },
	{ "3.13", "2029-10-31", "PEP 719 (release schedule), scheduled 2029-10", "2026-12-02" },
	{ "3.14", "2030-10-31", "PEP 745 (release schedule), scheduled 2030-10", "2026-12-02" },
	{ "3.15", "2031-10-31", "PEP 790 (release schedule), scheduled 2031-10", "2026-12-02" },
};

const struct python_eol *
pyeol_table(int *n)
{
	if (n != NULL)
		*n = (int)nitems(pyeol_entries);
	return pyeol_entries;
}

const struct python_eol *
pyeol_lookup(const char *version)
{
	size_t len;
	const char *dot;

	if (version == NULL)
		return NULL;
	/* Compare major.minor only: "3.8.10" is 3.8, "3.80" is not. */
	dot = strchr(version, '.');
	if (dot == NULL)
		return NULL;
	len = strcspn(dot + 1, ".") + (size_t)(dot + 1 - version);
	for (size_t i = 0; i < nitems(pyeol_entries); i++) {
		if (strlen(pyeol_entries[i].version) == len &&
		    strncmp(pyeol_entries[i].version, version, len) == 0)
			return &pyeol_entries[i];
	}
	return NULL;
}

/* Parses exactly YYYY-MM-DD into noon UTC of that day; -1 when malformed. */
static time_t
pyeol_parse_day(const char *s)
{
	struct tm tm;
	int y, m, d, used = 0;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10)
		return (time_t)-1;
	if (s[4] != '-' || s[7] != '-' || m < 1 || m > 12 || d < 1 || d > 31 || y < 1970)
		return (time_t)-1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	return timegm(&tm);
}

int
pyeol_is_past(const char *version, time_t now)
{
	const struct python_eol *e = pyeol_lookup(version);
	struct tm tm;
	char today[16];

	if (e == NULL)
		return -1;
	if (gmtime_r(&now, &tm) == NULL)
		return -1;
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	return strcmp(today, e->eol) >= 0;
}

time_t
pyeol_now(void)
{
	const char *s = getenv("ARMPY_TODAY");
	time_t t;

	if (s != NULL && *s != '\0') {
		t = pyeol_parse_day(s);
		if (t != (time_t)-1)
			return t;
	}
	return time(NULL);
}

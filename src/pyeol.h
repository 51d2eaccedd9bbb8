/* pyeol.h — CPython end-of-life dates, compared with an injectable "today". */
/* SPDX-License-Identifier: MIT */
#ifndef PYEOL_H
#define PYEOL_H

#include <time.h>

struct python_eol {
	const char *version;     /* "3.8" */
	const char *eol;         /* "2024-10-07" (YYYY-MM-DD) */
	const char *source;      /* "PEP 569 (Python 3.8 Release Schedule)" */
	const char *checked;     /* YYYY-MM-DD: the day the row was last compared with its source */
};

/* "3.8" or "3.8.10" → its entry, NULL when not in the table. */
const struct python_eol *pyeol_lookup(const char *version);
/* 1 when past end of life on the day `now`, 0 when supported, -1 when unknown version. */
int pyeol_is_past(const char *version, time_t now);
/* The clock used for EOL decisions; ARMPY_TODAY=YYYY-MM-DD in the environment overrides it. */
time_t pyeol_now(void);
const struct python_eol *pyeol_table(int *n);

#endif

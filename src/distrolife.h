/* distrolife.h — distro releases, their python3 and the vendor's support dates (pure table). */
/* SPDX-License-Identifier: MIT */
#ifndef DISTROLIFE_H
#define DISTROLIFE_H

#include <time.h>

/*
 * One release. `end` is the last day the vendor ships security fixes to every user of the
 * release (Ubuntu's standard support, Debian's security support followed by Debian LTS, RHEL's
 * maintenance support, ...): until then the vendor maintains the release's python3 whatever
 * upstream's end of life says. `extended`/`ext_program` name a paid extension after it (Ubuntu
 * Pro ESM, SUSE LTSS, Red Hat ELS, Freexian's Debian ELTS), NULL when there is none in the
 * table. `source` is the short public name of the vendor's lifecycle page that gives the dates
 * (for a release with no dates, of the page that gives its python3): every row has one.
 */
struct distro_life {
	const char *id;           /* os-release ID: ubuntu, debian, rhel, rocky, almalinux, ... */
	const char *version;      /* VERSION_ID or its major: "22.04", "12", "8", "15.6", "3.20" */
	const char *stream;       /* a word PRETTY_NAME must hold ("Stream"), or NULL */
	const char *name;         /* "Ubuntu 22.04" */
	const char *vendor;       /* "Canonical", "Debian", "Red Hat", ... */
	const char *python;       /* the release's python3, "3.10"; NULL when not in the table */
	const char *end;          /* YYYY-MM-DD, or NULL when the table has no date */
	const char *program;      /* what runs until `end`: "standard support", "Debian LTS" */
	const char *extended;     /* YYYY-MM-DD or NULL */
	const char *ext_program;  /* "Ubuntu Pro ESM" or NULL */
	const char *source;       /* "Ubuntu's release cycle page (ubuntu.com/about/release-cycle)" */
	const char *released;     /* YYYY-MM-DD of the release, or NULL when not in the table */
	const char *checked;      /* YYYY-MM-DD: the day the row was last compared with `source` */
};

/* The entry for os-release ID/VERSION_ID (pretty: PRETTY_NAME, may be NULL); NULL when the
 * release is not in the table. "8.9" finds the "8" entry, "15.6" the "15.6" entry before "15". */
const struct distro_life *distrolife_lookup(const char *id, const char *version,
    const char *pretty);
/* 1 when `now` is past the entry's `end` (on and after the day after it), 0 when not, -1 when
 * the entry has no end date. */
int distrolife_is_past(const struct distro_life *, time_t now);
/* The release's python3 ("3.10"), or NULL. */
const char *distrolife_python(const char *id, const char *version, const char *pretty);
const struct distro_life *distrolife_table(int *n);

/* One release in Debian's distro-info-data (/usr/share/distro-info/debian.csv, ubuntu.csv),
 * in this table's terms: Debian's `end` is its eol-lts and `extended` its eol-elts; Ubuntu's
 * are eol and eol-esm. Days are YYYY-MM-DD or NULL when the CSV has none. */
struct distro_info {
	char *version;            /* the CSV's version: "12", "22.04 LTS" */
	char *released, *end, *extended;
};
/* The row of VERSION_ID `version` in distro-info-data CSV text for os-release ID `id` ("debian"
 * or "ubuntu"): 0 and *out filled (free with distro_info_clear), 1 when it has no such row,
 * -1 with *cause when the text is not such a CSV. Pure. */
int distroinfo_find(const char *csv, const char *id, const char *version,
    struct distro_info *out, char **cause);
void distro_info_clear(struct distro_info *);
/* *out is *l with distro-info's days where they are later (its extended date only when the
 * table names a program for it). A new note naming distro-info-data when a date moved, NULL
 * when *l stands. Pure; out's strings point into l and d. */
char *distrolife_merge(const struct distro_life *l, const struct distro_info *d,
    struct distro_life *out);

#endif

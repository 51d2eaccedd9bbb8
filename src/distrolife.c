/* distrolife.c — distro releases with their python3 and the vendor's support dates, each cited. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "distrolife.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The vendors' lifecycle pages (short public names, as users see them in plan messages). */
#define SRC_UBUNTU "Ubuntu's release cycle page (ubuntu.com/about/release-cycle)"
#define SRC_DEBIAN "Debian's release and LTS pages (wiki.debian.org/DebianReleases, " \
	"wiki.debian.org/LTS)"
#define SRC_RHEL "Red Hat Enterprise Linux Life Cycle (access.redhat.com/support/policy/" \
	"updates/errata)"
#define SRC_ROCKY "Rocky Linux's release version guide (wiki.rockylinux.org/rocky/version)"
#define SRC_ALMA "AlmaLinux's release notes (wiki.almalinux.org/release-notes)"
#define SRC_CENTOS "the CentOS project's end-of-life notices (centos.org)"
#define SRC_AMZN2 "the Amazon Linux 2 FAQs (aws.amazon.com/amazon-linux-2/faqs)"
#define SRC_AL2023 "Amazon Linux 2023's release cadence (docs.aws.amazon.com/linux/al2023)"
#define SRC_SUSE "SUSE's product lifecycle page (suse.com/lifecycle)"
#define SRC_ALPINE "Alpine Linux's releases page (alpinelinux.org/releases)"
/* Debian's distro-info-data (/usr/share/distro-info/debian.csv, ubuntu.csv): the releases'
 * dates as Debian and Ubuntu record them; tests/unit/test-facts.c checks these rows against it. */
#define SRC_UBUNTU_DI SRC_UBUNTU " and Debian's distro-info-data (ubuntu.csv)"
#define SRC_DEBIAN_DI SRC_DEBIAN " and Debian's distro-info-data (debian.csv: eol-lts, " \
	"eol-elts)"
#define SRC_RHEL8 SRC_RHEL "; ELS to 2033-05-31 as endoflife.date's rhel page gives it"
#define SRC_ALMA8 SRC_ALMA " and endoflife.date's almalinux page (corrected in 2026-05 to " \
	"end with RHEL 8's maintenance support)"
#define SRC_OL "Oracle Linux 8/9 release notes (docs.oracle.com): the python3 of RHEL's " \
	"same release"
#define SRC_LEAP "openSUSE Leap 15 release notes (doc.opensuse.org): python3 3.6, as SLES 15"

/*
 * Dates only where the vendor's page gives them (month-only dates are the month's last day):
 *   https://ubuntu.com/about/release-cycle — 5 years of standard support, Ubuntu Pro ESM to 10.
 *   https://wiki.debian.org/DebianReleases and https://wiki.debian.org/LTS — `end` is the end of
 *     Debian LTS, which follows the security team's support at no cost.
 *   https://access.redhat.com/support/policy/updates/errata — `end` is the end of maintenance
 *     support; Extended Life Cycle Support (ELS) is a paid add-on after it.
 *   https://wiki.rockylinux.org/rocky/version/ , https://wiki.almalinux.org/release-notes/
 *   https://blog.centos.org/2020/12/future-is-centos-stream/ (CentOS Linux 8: 2021-12-31),
 *     https://www.centos.org/centos-stream/ (Stream 8: 2024-05-31; Stream 9: the end of RHEL 9's
 *     full support phase, 2027-05-31)
 *   https://aws.amazon.com/amazon-linux-2/faqs/ (end of support 2026-06-30),
 *     https://docs.aws.amazon.com/linux/al2023/ug/release-cadence.html (2029-06-30)
 *   https://www.suse.com/lifecycle/ — general support per service pack, LTSS 3 years after it
 *   https://alpinelinux.org/releases/ — the main repository's end of support
 *   Debian's distro-info-data — Debian's and Ubuntu's release and end dates, as the rows here
 *     (Debian: `end` is eol-lts, `extended` eol-elts, Freexian's paid Extended LTS; Ubuntu: `end`
 *     is eol, `extended` eol-esm); a target's newer distro-info-data wins (distrolife_merge).
 * Ubuntu 26.04 is left out: its python3 is not confirmed here. Oracle Linux and openSUSE Leap
 * carry their python3 only. `checked` is the day a row was last compared with its source.
 */
static const struct distro_life life_entries[] = {
	{ "ubuntu", "18.04", NULL, "Ubuntu 18.04", "Canonical", "3.6", "2023-05-31",
	    "standard support", "2028-04-26", "Ubuntu Pro ESM", SRC_UBUNTU_DI,
	    "2018-04-26", "2026-12-06" },
	{ "ubuntu", "20.04", NULL, "Ubuntu 20.04", "Canonical", "3.8", "2025-05-29",
	    "standard support", "2030-04-23", "Ubuntu Pro ESM", SRC_UBUNTU_DI,
	    "2020-04-23", "2026-12-06" },
	{ "ubuntu", "22.04", NULL, "Ubuntu 22.04", "Canonical", "3.10", "2027-06-01",
	    "standard support", "2032-04-21", "Ubuntu Pro ESM", SRC_UBUNTU_DI,
	    "2022-04-21", "2026-12-06" },
	{ "ubuntu", "24.04", NULL, "Ubuntu 24.04", "Canonical", "3.12", "2029-05-31",
	    "standard support", "2034-04-25", "Ubuntu Pro ESM", SRC_UBUNTU_DI,
	    "2024-04-25", "2026-12-06" },
	{ "debian", "10", NULL, "Debian 10", "Debian", "3.7", "2024-06-30",
	    "security support, then Debian LTS",
	    "2029-06-30", "Freexian's Extended LTS", SRC_DEBIAN_DI, "2019-07-06", "2026-12-06" },
	{ "debian", "11", NULL, "Debian 11", "Debian", "3.9", "2026-08-31",
	    "security support, then Debian LTS",
	    "2031-06-30", "Freexian's Extended LTS", SRC_DEBIAN_DI, "2021-08-14", "2026-12-06" },
	{ "debian", "12", NULL, "Debian 12", "Debian", "3.11", "2028-06-30",
	    "security support, then Debian LTS",
	    "2033-06-30", "Freexian's Extended LTS", SRC_DEBIAN_DI, "2023-06-10", "2026-12-06" },
	{ "debian", "13", NULL, "Debian 13", "Debian", "3.13", "2030-06-30",
	    "security support, then Debian LTS",
	    "2035-06-30", "Freexian's Extended LTS", SRC_DEBIAN_DI, "2025-08-09", "2026-12-06" },
	{ "rhel", "8", NULL, "RHEL 8", "Red Hat", "3.6", "2029-05-31",
	    "maintenance support", "2033-05-31", "Red Hat ELS", SRC_RHEL8, NULL, "2026-12-06" },
	{ "rhel", "9", NULL, "RHEL 9", "Red Hat", "3.9", "2032-05-31",
	    "maintenance support", NULL, NULL, SRC_RHEL, NULL, "2026-12-02" },
	{ "rhel", "10", NULL, "RHEL 10", "Red Hat", "3.12", "2035-05-31",
	    "maintenance support", NULL, NULL, SRC_RHEL, NULL, "2026-12-02" },
	{ "rocky", "8", NULL, "Rocky Linux 8", "Rocky Linux", "3.6", "2029-05-31",
	    "security support", NULL, NULL, SRC_ROCKY, NULL, "2026-12-02" },
	{ "rocky", "9", NULL, "Rocky Linux 9", "Rocky Linux", "3.9", "2032-05-31",
	    "security support", NULL, NULL, SRC_ROCKY, NULL, "2026-12-02" },
	{ "rocky", "10", NULL, "Rocky Linux 10", "Rocky Linux", "3.12", "2035-05-31",
	    "security support", NULL, NULL, SRC_ROCKY, NULL, "2026-12-02" },
	{ "almalinux", "8", NULL, "AlmaLinux 8", "AlmaLinux", "3.6", "2029-05-31",
	    "security support", NULL, NULL, SRC_ALMA8, NULL, "2026-12-06" },
	{ "almalinux", "9", NULL, "AlmaLinux 9", "AlmaLinux", "3.9", "2032-05-31",
	    "security support", NULL, NULL, SRC_ALMA, NULL, "2026-12-02" },
	{ "almalinux", "10", NULL, "AlmaLinux 10", "AlmaLinux", "3.12", "2035-05-31",
	    "security support", NULL, NULL, SRC_ALMA, NULL, "2026-12-02" },
	{ "centos", "8", "Stream", "CentOS Stream 8", "CentOS", "3.6", "2024-05-31",
	    "updates", NULL, NULL, SRC_CENTOS, NULL, "2026-12-02" },
	{ "centos", "8", NULL, "CentOS Linux 8", "CentOS", "3.6", "2021-12-31",
	    "updates", NULL, NULL, SRC_CENTOS, NULL, "2026-12-02" },
	{ "centos", "9", NULL, "CentOS Stream 9", "CentOS", "3.9", "2027-05-31",
	    "updates", NULL, NULL, SRC_CENTOS, NULL, "2026-12-02" },
	{ "ol", "8", NULL, "Oracle Linux 8", "Oracle", "3.6", NULL, NULL, NULL, NULL, SRC_OL,
	    NULL, "2026-12-02" },
	{ "ol", "9", NULL, "Oracle Linux 9", "Oracle", "3.9", NULL, NULL, NULL, NULL, SRC_OL,
	    NULL, "2026-12-02" },
	{ "amzn", "2", NULL, "Amazon Linux 2", "AWS", "3.7", "2026-06-30",
	    "support", NULL, NULL, SRC_AMZN2, NULL, "2026-12-02" },
	{ "amzn", "2023", NULL, "Amazon Linux 2023", "AWS", "3.9", "2029-06-30",
	    "support", NULL, NULL, SRC_AL2023, NULL, "2026-12-02" },
	{ "sles", "15.4", NULL, "SLES 15 SP4", "SUSE", "3.6", "2023-12-31",
	    "general support", "2026-12-31", "SUSE LTSS", SRC_SUSE, NULL, "2026-12-02" },
	{ "sles", "15.5", NULL, "SLES 15 SP5", "SUSE", "3.6", "2024-12-31",
	    "general support", "2027-12-31", "SUSE LTSS", SRC_SUSE, NULL, "2026-12-02" },
	{ "sles", "15.6", NULL, "SLES 15 SP6", "SUSE", "3.6", "2025-12-31",
	    "general support", "2028-12-31", "SUSE LTSS", SRC_SUSE, NULL, "2026-12-02" },
	{ "sles", "15.7", NULL, "SLES 15 SP7", "SUSE", "3.6", "2031-07-31",
	    "general support", "2034-07-31", "SUSE LTSS", SRC_SUSE, NULL, "2026-12-02" },
	{ "sles", "15", NULL, "SLES 15", "SUSE", "3.6", NULL, NULL, NULL, NULL, SRC_SUSE,
	    NULL, "2026-12-02" },
	{ "opensuse-leap", "15", NULL, "openSUSE Leap 15", "openSUSE", "3.6", NULL, NULL, NULL,
	    NULL, SRC_LEAP, NULL, "2026-12-02" },
	{ "alpine", "3.18", NULL, "Alpine 3.18", "Alpine", "3.11", "2025-05-09",
	    "main repository support", NULL, NULL, SRC_ALPINE, NULL, "2026-12-02" },
	{ "alpine", "3.19", NULL, "Alpine 3.19", "Alpine", "3.11", "2025-11-01",
	    "main repository support", NULL, NULL, SRC_ALPINE, NULL, "2026-12-02" },
	{ "alpine", "3.20", NULL, "Alpine 3.20", "Alpine", "3.12", "2026-04-01",
	    "main repository support", NULL, NULL, SRC_ALPINE, NULL, "2026-12-02" },
	{ "alpine", "3.21", NULL, "Alpine 3.21", "Alpine", "3.12", "2026-11-01",
	    "main repository support", NULL, NULL, SRC_ALPINE, NULL, "2026-12-02" },
	{ "alpine", "3.22", NULL, "Alpine 3.22", "Alpine", "3.12", "2027-05-01",
	    "main repository support", NULL, NULL, SRC_ALPINE, NULL, "2026-12-02" },
};

const struct distro_life *
distrolife_table(int *n)
{
	if (n != NULL)
		*n = (int)nitems(life_entries);
	return life_entries;
}

/* "8.9" matches "8", "22.04" matches "22.04", "3.20.3" matches "3.20"; "80" matches not "8". */
static int
version_matches(const char *version, const char *entry)
{
	size_t n = strlen(entry);

	return strncmp(version, entry, n) == 0 && (version[n] == '\0' || version[n] == '.');
}

const struct distro_life *
distrolife_lookup(const char *id, const char *version, const char *pretty)
{
	const struct distro_life *e;

	if (id == NULL || version == NULL)
		return NULL;
	for (size_t i = 0; i < nitems(life_entries); i++) {
		e = &life_entries[i];
		if (strcmp(e->id, id) != 0 || !version_matches(version, e->version))
			continue;
		if (e->stream != NULL && (pretty == NULL || strstr(pretty, e->stream) == NULL))
			continue;
		return e;
	}
	return NULL;
}

const char *
distrolife_python(const char *id, const char *version, const char *pretty)
{
	const struct distro_life *e = distrolife_lookup(id, version, pretty);

	return e != NULL ? e->python : NULL;
}

int
distrolife_is_past(const struct distro_life *e, time_t now)
{
	struct tm tm;
	char today[16];

	if (e == NULL || e->end == NULL || gmtime_r(&now, &tm) == NULL)
		return -1;
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	return strcmp(today, e->end) > 0;
}

/* s cut at each sep, empty fields kept ("a,,b" is three); CR before a newline dropped. */
static char **
split_keep(const char *s, char sep)
{
	char **v = strv_new();
	const char *p = s, *q;

	for (;;) {
		q = strchr(p, sep);
		size_t n = q != NULL ? (size_t)(q - p) : strlen(p);

		if (n > 0 && p[n - 1] == '\r')
			n--;
		v = strv_pushf(v, "%.*s", (int)n, p);
		if (q == NULL)
			return v;
		p = q + 1;
	}
}

/* The index of column `name` in the header's comma-separated names, or -1. */
static int
distroinfo_column(char **header, const char *name)
{
	for (int i = 0; header[i] != NULL; i++)
		if (strcmp(header[i], name) == 0)
			return i;
	return -1;
}

/* Field `col` of a split row as a new string: NULL when absent, empty or not YYYY-MM-DD. */
static char *
distroinfo_day(char **row, int col)
{
	const char *v;

	if (col < 0 || (size_t)col >= strv_len(row))
		return NULL;
	v = row[col];
	if (strlen(v) != 10 || strspn(v, "0123456789-") != 10 || v[4] != '-' || v[7] != '-')
		return NULL;
	return xstrdup(v);
}

/* Fills *out from a row whose version column is `want`'s release. */
static void
distroinfo_fill(struct distro_info *out, char **header, char **row, const char *id)
{
	int deb = strcmp(id, "debian") == 0;

	out->version = xstrdup(row[0]);
	out->released = distroinfo_day(row, distroinfo_column(header, "release"));
	out->end = distroinfo_day(row, distroinfo_column(header, deb ? "eol-lts" : "eol"));
	out->extended = distroinfo_day(row, distroinfo_column(header, deb ? "eol-elts" :
	    "eol-esm"));
}

int
distroinfo_find(const char *csv, const char *id, const char *version, struct distro_info *out,
    char **cause)
{
	char **lines, **header, **row;
	int rc = 1;

	memset(out, 0, sizeof *out);
	if (csv == NULL || id == NULL || version == NULL)
		return 1;
	lines = split_keep(csv, '\n');
	header = split_keep(lines[0], ',');
	if (distroinfo_column(header, "version") != 0 || distroinfo_column(header, "release") < 0) {
		cause_set(cause, "not a distro-info-data CSV: its first line is not "
		    "'version,codename,series,created,release,eol...'");
		rc = -1;
	}
	for (size_t i = 1; rc == 1 && lines[i] != NULL; i++) {
		row = split_keep(lines[i], ',');
		/* "22.04 LTS" is 22.04; "12" is 12; "" (sid) is nothing */
		if (row[0] != NULL && row[0][0] != '\0' &&
		    strncmp(row[0], version, strlen(version)) == 0 &&
		    (row[0][strlen(version)] == '\0' || row[0][strlen(version)] == ' ')) {
			distroinfo_fill(out, header, row, id);
			rc = 0;
		}
		strv_free(row);
	}
	strv_free(header);
	strv_free(lines);
	return rc;
}

void
distro_info_clear(struct distro_info *d)
{
	free(d->version);
	free(d->released);
	free(d->end);
	free(d->extended);
	memset(d, 0, sizeof *d);
}

/* The later of two YYYY-MM-DD days (either may be NULL). */
static const char *
later_day(const char *a, const char *b)
{
	if (a == NULL)
		return b;
	return b != NULL && strcmp(b, a) > 0 ? b : a;
}

char *
distrolife_merge(const struct distro_life *l, const struct distro_info *d,
    struct distro_life *out)
{
	const char *end, *ext;

	*out = *l;
	if (d == NULL)
		return NULL;
	end = later_day(l->end, d->end);
	ext = l->ext_program != NULL ? later_day(l->extended, d->extended) : l->extended;
	if (end == l->end && ext == l->extended)
		return NULL;
	out->end = end;
	out->extended = ext;
	return xasprintf("%s: the target's distro-info-data (/usr/share/distro-info) gives a later "
	    "end than armpy's table (%s%s%s, not %s%s%s); armpy uses it", l->name, end,
	    ext != NULL ? ", extended to " : "", ext != NULL ? ext : "", l->end != NULL ? l->end :
	    "none", l->extended != NULL ? ", extended to " : "", l->extended != NULL ?
	    l->extended : "");
}

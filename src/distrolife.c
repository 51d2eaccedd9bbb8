/* distrolife.c — distro releases with their python3 and the vendor's support dates, each cited. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "distrolife.h"

#include <stdio.h>
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
 * Ubuntu 26.04 is left out: its python3 and dates are not confirmed here. Oracle Linux and
 * openSUSE Leap carry their python3 only.
 */
static const struct distro_life life_entries[] = {
	{ "ubuntu", "18.04", NULL, "Ubuntu 18.04", "Canonical", "3.6", "2023-05-31",
	    "standard support", "2028-04-30", "Ubuntu Pro ESM", SRC_UBUNTU },
	{ "ubuntu", "20.04", NULL, "Ubuntu 20.04", "Canonical", "3.8", "2025-05-31",
	    "standard support", "2030-04-30", "Ubuntu Pro ESM", SRC_UBUNTU },
	{ "ubuntu", "22.04", NULL, "Ubuntu 22.04", "Canonical", "3.10", "2027-04-30",
	    "standard support", "2032-04-30", "Ubuntu Pro ESM", SRC_UBUNTU },
	{ "ubuntu", "24.04", NULL, "Ubuntu 24.04", "Canonical", "3.12", "2029-04-30",
	    "standard support", "2034-04-30", "Ubuntu Pro ESM", SRC_UBUNTU },
	{ "debian", "10", NULL, "Debian 10", "Debian", "3.7", "2024-06-30",
	    "security support, then Debian LTS", NULL, NULL, SRC_DEBIAN },
	{ "debian", "11", NULL, "Debian 11", "Debian", "3.9", "2026-08-31",
	    "security support, then Debian LTS", NULL, NULL, SRC_DEBIAN },
	{ "debian", "12", NULL, "Debian 12", "Debian", "3.11", "2028-06-30",
	    "security support, then Debian LTS", NULL, NULL, SRC_DEBIAN },
	{ "debian", "13", NULL, "Debian 13", "Debian", "3.13", "2030-06-30",
	    "security support, then Debian LTS", NULL, NULL, SRC_DEBIAN },
	{ "rhel", "8", NULL, "RHEL 8", "Red Hat", "3.6", "2029-05-31",
	    "maintenance support", "2032-05-31", "Red Hat ELS", SRC_RHEL },
	{ "rhel", "9", NULL, "RHEL 9", "Red Hat", "3.9", "2032-05-31",
	    "maintenance support", NULL, NULL, SRC_RHEL },
	{ "rhel", "10", NULL, "RHEL 10", "Red Hat", "3.12", "2035-05-31",
	    "maintenance support", NULL, NULL, SRC_RHEL },
	{ "rocky", "8", NULL, "Rocky Linux 8", "Rocky Linux", "3.6", "2029-05-31",
	    "security support", NULL, NULL, SRC_ROCKY },
	{ "rocky", "9", NULL, "Rocky Linux 9", "Rocky Linux", "3.9", "2032-05-31",
	    "security support", NULL, NULL, SRC_ROCKY },
	{ "rocky", "10", NULL, "Rocky Linux 10", "Rocky Linux", "3.12", "2035-05-31",
	    "security support", NULL, NULL, SRC_ROCKY },
	{ "almalinux", "8", NULL, "AlmaLinux 8", "AlmaLinux", "3.6", "2029-03-01",
	    "security support", NULL, NULL, SRC_ALMA },
	{ "almalinux", "9", NULL, "AlmaLinux 9", "AlmaLinux", "3.9", "2032-05-31",
	    "security support", NULL, NULL, SRC_ALMA },
	{ "almalinux", "10", NULL, "AlmaLinux 10", "AlmaLinux", "3.12", "2035-05-31",
	    "security support", NULL, NULL, SRC_ALMA },
	{ "centos", "8", "Stream", "CentOS Stream 8", "CentOS", "3.6", "2024-05-31",
	    "updates", NULL, NULL, SRC_CENTOS },
	{ "centos", "8", NULL, "CentOS Linux 8", "CentOS", "3.6", "2021-12-31",
	    "updates", NULL, NULL, SRC_CENTOS },
	{ "centos", "9", NULL, "CentOS Stream 9", "CentOS", "3.9", "2027-05-31",
	    "updates", NULL, NULL, SRC_CENTOS },
	{ "ol", "8", NULL, "Oracle Linux 8", "Oracle", "3.6", NULL, NULL, NULL, NULL, NULL },
	{ "ol", "9", NULL, "Oracle Linux 9", "Oracle", "3.9", NULL, NULL, NULL, NULL, NULL },
	{ "amzn", "2", NULL, "Amazon Linux 2", "AWS", "3.7", "2026-06-30",
	    "support", NULL, NULL, SRC_AMZN2 },
	{ "amzn", "2023", NULL, "Amazon Linux 2023", "AWS", "3.9", "2029-06-30",
	    "support", NULL, NULL, SRC_AL2023 },
	{ "sles", "15.4", NULL, "SLES 15 SP4", "SUSE", "3.6", "2023-12-31",
	    "general support", "2026-12-31", "SUSE LTSS", SRC_SUSE },
	{ "sles", "15.5", NULL, "SLES 15 SP5", "SUSE", "3.6", "2024-12-31",
	    "general support", "2027-12-31", "SUSE LTSS", SRC_SUSE },
	{ "sles", "15.6", NULL, "SLES 15 SP6", "SUSE", "3.6", "2025-12-31",
	    "general support", "2028-12-31", "SUSE LTSS", SRC_SUSE },
	{ "sles", "15.7", NULL, "SLES 15 SP7", "SUSE", "3.6", "2031-07-31",
	    "general support", "2034-07-31", "SUSE LTSS", SRC_SUSE },
	{ "sles", "15", NULL, "SLES 15", "SUSE", "3.6", NULL, NULL, NULL, NULL, NULL },
	{ "opensuse-leap", "15", NULL, "openSUSE Leap 15", "openSUSE", "3.6", NULL, NULL, NULL,
	    NULL, NULL },
	{ "alpine", "3.18", NULL, "Alpine 3.18", "Alpine", "3.11", "2025-05-09",
	    "main repository support", NULL, NULL, SRC_ALPINE },
	{ "alpine", "3.19", NULL, "Alpine 3.19", "Alpine", "3.11", "2025-11-01",
	    "main repository support", NULL, NULL, SRC_ALPINE },
	{ "alpine", "3.20", NULL, "Alpine 3.20", "Alpine", "3.12", "2026-04-01",
	    "main repository support", NULL, NULL, SRC_ALPINE },
	{ "alpine", "3.21", NULL, "Alpine 3.21", "Alpine", "3.12", "2026-11-01",
	    "main repository support", NULL, NULL, SRC_ALPINE },
	{ "alpine", "3.22", NULL, "Alpine 3.22", "Alpine", "3.12", "2027-05-01",
	    "main repository support", NULL, NULL, SRC_ALPINE },
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

/* osrelease.c — os-release(5) parsing (shell-style quoting) and distro family / package manager. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "facts.h"
#include "ydoc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/*
 * Unquotes one os-release value in place of a new string. os-release(5): values may be
 * enclosed in single or double quotes; in double quotes and unquoted, a backslash escapes the
 * next character ($, ", \, `); single quotes are literal. Trailing whitespace outside quotes is
 * ignored. Returns NULL on an unterminated quote.
 */
static char *
osrelease_unquote(const char *s)
{
	struct buf b;
	char q = 0;

	buf_init(&b);
	for (; *s != '\0'; s++) {
		if (q == '\'') {
			if (*s == '\'')
				q = 0;
			else
				buf_add(&b, s, 1);
		} else if (*s == '\\' && s[1] != '\0') {
			s++;
			buf_add(&b, s, 1);
		} else if (q == '"') {
			if (*s == '"')
				q = 0;
			else
				buf_add(&b, s, 1);
		} else if (*s == '"' || *s == '\'') {
			q = *s;
		} else if (isspace((unsigned char)*s)) {
			/* unquoted whitespace ends the value (a trailing comment or blanks) */
			break;
		} else {
			buf_add(&b, s, 1);
		}
	}
	if (q != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static void
osrelease_set(char **field, char *value, int lower)
{
	free(*field);
	if (lower)
		for (char *p = value; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
	*field = value;
}

int
osrelease_parse(struct facts *f, const char *text, char **cause)
{
	const char *p = text;
	int lineno = 0;

	while (p != NULL && *p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, n), *s, *eq, *value;

		lineno++;
		p = nl != NULL ? nl + 1 : NULL;
		if (n > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';
		s = str_trim(line);
		if (*s == '\0' || *s == '#' || (eq = strchr(s, '=')) == NULL) {
			free(line);
			continue;
		}
		*eq = '\0';
		if ((value = osrelease_unquote(eq + 1)) == NULL) {
			/* the key is the machine's bytes: shown as text, and short */
			char *fixed = utf8_fix(s, 1, NULL);
			cause_set(cause, "line %d: %s: unterminated quote", lineno,
			    quote_short(fixed));
			free(fixed);
			free(line);
			return -1;
		}
		if (strcmp(s, "ID") == 0)
			osrelease_set(&f->distro_id, value, 1);
		else if (strcmp(s, "ID_LIKE") == 0)
			osrelease_set(&f->distro_like, value, 1);
		else if (strcmp(s, "VERSION_ID") == 0)
			osrelease_set(&f->distro_version, value, 0);
		else if (strcmp(s, "PRETTY_NAME") == 0)
			osrelease_set(&f->pretty_name, value, 0);
		else
			free(value);
		free(line);
	}
	if (f->distro_id == NULL || *f->distro_id == '\0')
		osrelease_set(&f->distro_id, xstrdup("linux"), 0);   /* os-release(5) default */
	if (f->pretty_name == NULL)
		f->pretty_name = xstrdup("Linux");
	osrelease_classify(f);
	return 0;
}

/* Is word one of the space-separated words in list? */
static int
osrelease_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;
	if (list == NULL)
		return 0;
	while ((p = strstr(p, word)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
		p += n;
	}
	return 0;
}

static int
osrelease_major(const char *version)
{
	return version != NULL ? atoi(version) : 0;
}

void
osrelease_classify(struct facts *f)
{
	static const char *debian[] = { "debian", "ubuntu", "raspbian", "linuxmint", "pop",
	    "elementary", "kali", "zorin", "neon", "devuan" };
	static const char *rhel[] = { "rhel", "centos", "rocky", "almalinux", "ol", "fedora",
	    "amzn", "circle", "eurolinux", "scientific", "virtuozzo", "navix" };
	static const char *suse[] = { "sles", "sled", "opensuse", "opensuse-leap",
	    "opensuse-tumbleweed", "suse" };
	const char *id = f->distro_id != NULL ? f->distro_id : "";
	const char *like = f->distro_like;
	int major = osrelease_major(f->distro_version);
	size_t i;

	f->family = FAMILY_UNKNOWN;
	for (i = 0; i < nitems(debian); i++)
		if (strcmp(id, debian[i]) == 0)
			f->family = FAMILY_DEBIAN;
	for (i = 0; i < nitems(rhel); i++)
		if (strcmp(id, rhel[i]) == 0)
			f->family = FAMILY_RHEL;
	for (i = 0; i < nitems(suse); i++)
		if (strcmp(id, suse[i]) == 0)
			f->family = FAMILY_SUSE;
	if (strcmp(id, "alpine") == 0)
		f->family = FAMILY_ALPINE;
	if (f->family == FAMILY_UNKNOWN) {
		if (osrelease_word(like, "debian") || osrelease_word(like, "ubuntu"))
			f->family = FAMILY_DEBIAN;
		else if (osrelease_word(like, "rhel") || osrelease_word(like, "fedora") ||
		    osrelease_word(like, "centos"))
			f->family = FAMILY_RHEL;
		else if (osrelease_word(like, "suse") || osrelease_word(like, "opensuse"))
			f->family = FAMILY_SUSE;
		else if (osrelease_word(like, "alpine"))
			f->family = FAMILY_ALPINE;
	}

	switch (f->family) {
	case FAMILY_DEBIAN:
		f->package_manager = PM_APT;
		break;
	case FAMILY_RHEL:
		if (strcmp(id, "fedora") == 0)
			f->package_manager = PM_DNF;
		else if (strcmp(id, "amzn") == 0)
			f->package_manager = major >= 2022 ? PM_DNF : PM_YUM;   /* AL2 yum, AL2023 dnf */
		else if (major != 0 && major < 8)
			f->package_manager = PM_YUM;    /* EL7 and older */
		else
			f->package_manager = PM_DNF;    /* EL8+ (and unknown versions: the current) */
		break;
	case FAMILY_SUSE:
		f->package_manager = PM_ZYPPER;
		break;
	case FAMILY_ALPINE:
		f->package_manager = PM_APK;
		break;
	default:
		f->package_manager = PM_NONE;
		break;
	}
}

const char *
family_name(enum distro_family fam)
{
	switch (fam) {
	case FAMILY_DEBIAN:
		return "debian";
	case FAMILY_RHEL:
		return "rhel";
	case FAMILY_SUSE:
		return "suse";
	case FAMILY_ALPINE:
		return "alpine";
	default:
		return "unknown";
	}
}

const char *
pkg_manager_name(enum pkg_manager pm)
{
	switch (pm) {
	case PM_APT:
		return "apt";
	case PM_DNF:
		return "dnf";
	case PM_YUM:
		return "yum";
	case PM_ZYPPER:
		return "zypper";
	case PM_APK:
		return "apk";
	default:
		return "none";
	}
}

const char *
facts_unsupported(const struct facts *f)
{
	const char *id = f->distro_id != NULL ? f->distro_id : "";
	if (strcmp(id, "freebsd") == 0 || strcmp(id, "netbsd") == 0 ||
	    strcmp(id, "openbsd") == 0 || strcmp(id, "dragonfly") == 0)
		return "armpy supports Linux only; BSD systems are out of scope "
		    "(install NumPy with the system's own ports/pkg)";
	if (f->family == FAMILY_UNKNOWN)
		return "unknown distribution family: armpy supports Debian/Ubuntu, the RHEL "
		    "family, SUSE and Alpine on Linux";
	return NULL;
}

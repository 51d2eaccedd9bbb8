/* facts-sanitise.c — what detection read made to fit the facts schema, each change noted. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "distrolife.h"
#include "facts.h"
#include "facts-int.h"
#include "ydoc.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define FACT_ID_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-"

/* The facts schema's patterns (facts-int.h), shared with the loader in facts-yaml.c. */
int
facts_is_text(const char *s)
{
	size_t n = strlen(s);
	return n <= FACT_MAX_TEXT && strchr(s, '\n') == NULL && utf8_check(s, n) == n;
}

int
facts_is_id(const char *s)
{
	return *s != '\0' && *s != '-' && strlen(s) <= FACT_MAX_TEXT &&
	    strspn(s, FACT_ID_CHARS) == strlen(s);
}

int
facts_is_path(const char *s)
{
	return *s == '/' && strstr(s, "/../") == NULL && facts_is_text(s);
}

static void
fact_note(struct facts *f, const char *fmt, ...) ARMPY_PRINTF(2, 3);

static void
fact_note(struct facts *f, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	f->notes = strv_push(f->notes, s);
	free(s);
}

/* Free text: bad bytes and control characters become U+FFFD, and it is cut to fit. */
static void
fact_text(struct facts *f, const char *name, char **field)
{
	int replaced = 0;
	char *fixed, *clipped;

	if (*field == NULL)
		return;
	fixed = utf8_fix(*field, 1, &replaced);
	clipped = utf8_clip(fixed, FACT_MAX_TEXT - 3);
	if (replaced > 0)
		fact_note(f, "%s: %d byte(s) that are not UTF-8 text replaced with U+FFFD", name,
		    replaced);
	if (strlen(clipped) < strlen(fixed))
		fact_note(f, "%s: cut to %d bytes", name, FACT_MAX_TEXT - 3);
	free(fixed);
	free(*field);
	*field = clipped;
}

/* A name or path that does not fit the schema is dropped (unknown), never passed on. */
static void
fact_drop(struct facts *f, const char *name, char **field, int (*ok)(const char *))
{
	char *shown;

	if (*field == NULL)
		return;
	if (**field == '\0') {
		free(*field);
		*field = NULL;
		return;
	}
	if (ok(*field))
		return;
	shown = utf8_fix(*field, 1, NULL);
	fact_note(f, "%s: '%s' is not a valid %s; ignored", name, quote_short(shown),
	    ok == facts_is_path ? "path" : "name");
	free(shown);
	free(*field);
	*field = NULL;
}

static void
facts_sanitise_cpu(struct facts *f)
{
	size_t j = 0, dropped = 0;

	fact_text(f, "cpu.vendor", &f->cpu.vendor);
	fact_text(f, "cpu.name", &f->cpu.name);
	fact_drop(f, "cpu.implementer", &f->cpu.implementer, facts_is_id);
	fact_drop(f, "cpu.part", &f->cpu.part, facts_is_id);
	fact_drop(f, "cpu.openblas_target", &f->cpu.openblas_target, facts_is_id);
	fact_drop(f, "cpu.blis_config", &f->cpu.blis_config, facts_is_id);
	for (size_t i = 0; f->cpu.features != NULL && f->cpu.features[i] != NULL; i++) {
		if (facts_is_id(f->cpu.features[i]))
			f->cpu.features[j++] = f->cpu.features[i];
		else {
			free(f->cpu.features[i]);
			dropped++;
		}
	}
	if (f->cpu.features != NULL)
		f->cpu.features[j] = NULL;
	if (dropped > 0)
		fact_note(f, "cpu.features: %zu name(s) that are not [A-Za-z0-9._+-] ignored",
		    dropped);
	if (f->cpu.mhz < 0)
		f->cpu.mhz = 0;
	if (f->cpu.cores < 0)
		f->cpu.cores = 0;
}

static void
facts_sanitise_pythons(struct facts *f)
{
	int j = 0;

	fact_drop(f, "python.system", &f->system_python, facts_is_id);
	fact_drop(f, "conda", &f->conda, facts_is_path);
	for (int i = 0; i < f->npythons; i++) {
		struct python_install *p = &f->pythons[i];
		fact_drop(f, "python.found.path", &p->path, facts_is_path);
		fact_drop(f, "python.found.version", &p->version, facts_is_id);
		if (p->path != NULL && p->version != NULL) {
			f->pythons[j++] = *p;
			continue;
		}
		free(p->path);
		free(p->version);
	}
	f->npythons = j;
}

/* distro-info-data's row: its days are YYYY-MM-DD already (distroinfo_find); a version that is
 * not one line of text drops the row, noted. */
static void
facts_sanitise_distro_info(struct facts *f)
{
	if (f->distro_info.version == NULL || facts_is_text(f->distro_info.version))
		return;
	fact_note(f, "distro_info: the release's row in distro-info-data is not one line of "
	    "text; ignored");
	distro_info_clear(&f->distro_info);
}

/* Makes what was read fit the facts schema (see facts.h); -1 only for a bad --arch. */
int
facts_sanitise(struct facts *f, char **cause)
{
	if (f->arch == NULL || !facts_is_id(f->arch)) {
		char *q = utf8_fix(f->arch != NULL ? f->arch : "", 1, NULL);
		cause_set(cause, "--arch: '%s' is not an architecture name", quote_short(q));
		free(q);
		return -1;
	}
	fact_drop(f, "distro.id", &f->distro_id, facts_is_id);
	if (f->distro_id == NULL)
		f->distro_id = xstrdup("linux");   /* os-release(5) default */
	fact_drop(f, "distro.version", &f->distro_version, facts_is_id);
	fact_text(f, "distro.like", &f->distro_like);
	fact_text(f, "distro.pretty_name", &f->pretty_name);
	osrelease_classify(f);
	facts_sanitise_cpu(f);
	if (f->mem_bytes > (uint64_t)LONG_MAX)
		f->mem_bytes = 0;
	facts_sanitise_pythons(f);
	facts_sanitise_distro_info(f);
	return 0;
}

/* facts.c — the facts model: one made and freed, a CPU feature asked, arch aliases. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "facts.h"
#include "facts-int.h"
#include "distrolife.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct facts *
facts_new(void)
{
	return xcalloc(1, sizeof(struct facts));
}

void
facts_free(struct facts *f)
{
	if (f == NULL)
		return;
	free(f->distro_id);
	free(f->distro_version);
	free(f->distro_like);
	free(f->pretty_name);
	free(f->arch);
	free(f->multiarch);
	cpu_info_clear(&f->cpu);
	free(f->system_python);
	for (int i = 0; i < f->npythons; i++) {
		free(f->pythons[i].path);
		free(f->pythons[i].version);
	}
	free(f->pythons);
	free(f->conda);
	free(f->apt_mirror);
	strv_free(f->notes);
	distro_info_clear(&f->distro_info);
	free(f);
}

int
facts_has_feature(const struct facts *f, const char *name)
{
	return f != NULL && strv_contains(f->cpu.features, name);
}

const char *
arch_normalise(const char *arch)
{
	if (arch == NULL)
		return NULL;
	if (strcmp(arch, "arm64") == 0)
		return "aarch64";
	if (strcmp(arch, "amd64") == 0)
		return "x86_64";
	return arch;
}

void
facts_add_python(struct facts *f, const char *path, const char *version, int pep668)
{
	struct python_install *p;
	f->pythons = xreallocarray(f->pythons, (size_t)f->npythons + 1, sizeof *f->pythons);
	p = &f->pythons[f->npythons++];
	p->path = xstrdup(path);
	p->version = xstrdup(version);
	p->pep668 = pep668;
}

int
facts_mirror_ok(const char *m)
{
	size_t n = m != NULL ? strlen(m) : 0;

	if (n <= 8 || n > 256 || strncmp(m, "https://", 8) != 0)
		return 0;
	for (const char *p = m; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 127 || *p == '"' || *p == '\'' || *p == '\\')
			return 0;
	return 1;
}

/* uri as https when its path ends in /debian (new), else NULL. */
static char *
mirror_of(const char *uri, size_t len)
{
	char *u = xstrndup(uri, len), *m = NULL;
	const char *rest = strncmp(u, "http://", 7) == 0 ? u + 7 :
	    strncmp(u, "https://", 8) == 0 ? u + 8 : NULL;
	size_t n;

	while ((n = strlen(u)) > 0 && u[n - 1] == '/')
		u[n - 1] = '\0';
	n = strlen(u);
	if (rest != NULL && n > 7 && strcmp(u + n - 7, "/debian") == 0) {
		m = xasprintf("https://%s", rest);
		if (!facts_mirror_ok(m)) {
			free(m);
			m = NULL;
		}
	}
	free(u);
	return m;
}

/* One line's words into w (at most 16), splitting at blanks; the count. */
static int
line_words(char *line, char **w)
{
	int n = 0;

	for (char *t = strtok(line, " \t"); t != NULL && n < 16; t = strtok(NULL, " \t"))
		w[n++] = t;
	return n;
}

static char *
mirror_oneline(const char *text)
{
	char *copy = xstrdup(text), *save = NULL, *m = NULL, *w[16];

	for (char *l = strtok_r(copy, "\n", &save); l != NULL && m == NULL;
	    l = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(l, '#');
		int n, i = 1;

		if (hash != NULL)
			*hash = '\0';
		if ((n = line_words(l, w)) < 2 || strcmp(w[0], "deb") != 0)
			continue;
		if (w[1][0] == '[')                 /* [options], possibly over several words */
			while (i < n && strchr(w[i], ']') == NULL)
				i++;
		if (w[1][0] == '[')
			i++;
		if (i < n)
			m = mirror_of(w[i], strlen(w[i]));
	}
	free(copy);
	return m;
}

static char *
mirror_deb822(const char *text)
{
	char *copy = xstrdup(text), *m = NULL, *w[16];
	char *stanza = copy, *next;

	for (; stanza != NULL && m == NULL; stanza = next) {
		int deb = 0, on = 1, nu = 0;
		char *uris[16], *save = NULL;

		next = strstr(stanza, "\n\n");
		if (next != NULL) {
			*next = '\0';
			next += 2;
		}
		for (char *l = strtok_r(stanza, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
			int n;
			if (l[0] == '#' || (n = line_words(l, w)) < 1)
				continue;
			if (strcasecmp(w[0], "Types:") == 0)
				for (int i = 1; i < n; i++)
					deb |= strcmp(w[i], "deb") == 0;
			else if (strcasecmp(w[0], "Enabled:") == 0)
				on = n < 2 || strcasecmp(w[1], "no") != 0;
			else if (strcasecmp(w[0], "URIs:") == 0)
				for (int i = 1; i < n && nu < 16; i++)
					uris[nu++] = w[i];
		}
		for (int i = 0; deb && on && i < nu && m == NULL; i++)
			m = mirror_of(uris[i], strlen(uris[i]));
	}
	free(copy);
	return m;
}

char *
facts_apt_mirror(const char *text, int deb822)
{
	if (text == NULL)
		return NULL;
	return deb822 ? mirror_deb822(text) : mirror_oneline(text);
}

/* facts.c — the facts model: one made and freed, a CPU feature asked, arch aliases. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "facts.h"
#include "facts-int.h"
#include "distrolife.h"

#include <stdlib.h>
#include <string.h>

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

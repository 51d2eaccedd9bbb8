/* wizard-save.c — the wizard's files: default save paths, the profile and plan saved, replay. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "plan.h"
#include "profile.h"
#include "wizard.h"

#include <stdlib.h>
#include <string.h>

/* $XDG_CONFIG_HOME/armpy/<kind>/<name><suffix>, or under ~/.config without it (or when it is
 * not absolute, as the XDG Base Directory specification says); name defaults to the
 * profile's name, else "armpy". */
static char *
wizard_save_default(const struct wizard *w, const char *kind, const char *name,
    const char *suffix)
{
	const char *x = getenv("XDG_CONFIG_HOME");

	if (name == NULL)
		name = w->profile->name != NULL ? w->profile->name : "armpy";
	if (x != NULL && *x == '/')
		return xasprintf("%s/armpy/%s/%s%s", x, kind, name, suffix);
	x = getenv("HOME");
	return xasprintf("%s/.config/armpy/%s/%s%s", x ? x : "", kind, name, suffix);
}

char *
wizard_default_profile_path(const struct wizard *w, const char *name)
{
	return wizard_save_default(w, "profiles", name, ".yaml");
}

char *
wizard_default_plan_path(const struct wizard *w, const char *name)
{
	return wizard_save_default(w, "plans", name, ".plan.yaml");
}

static int
parent_make(const char *path, char **cause)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int r = 0;

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		r = mkdir_p(dir, 0755, cause);
	}
	free(dir);
	return r;
}

int
wizard_save_profile(struct wizard *w, const char *path, char **cause)
{
	if (parent_make(path, cause) != 0 || profile_save(w->profile, path, cause) != 0)
		return -1;
	free(w->profile_path);
	w->profile_path = xstrdup(path);
	return 0;
}

int
wizard_save_plan(struct wizard *w, const char *path, char **cause)
{
	char *yaml;
	int r;

	if (w->plan == NULL) {
		cause_set(cause, "no plan: %s", w->plan_cause ? w->plan_cause : "refused");
		return -1;
	}
	if (parent_make(path, cause) != 0)
		return -1;
	yaml = plan_to_yaml(w->plan);
	r = file_save(path, yaml, strlen(yaml), cause);
	free(yaml);
	if (r != 0)
		return -1;
	free(w->plan_path);
	w->plan_path = xstrdup(path);
	return 0;
}

char *
wizard_replay_command(const struct wizard *w)
{
	char *def = NULL, *r;
	const char *p = w->profile_path;

	if (p == NULL)
		p = def = wizard_default_profile_path(w, NULL);
	r = xasprintf("armpy --profile %s --yes", p);
	free(def);
	return r;
}

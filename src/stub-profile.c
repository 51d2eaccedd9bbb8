/* stub-profile.c — TEMPORARY placeholders until the profile module lands; its owner deletes this file. */
#include "armpy.h"
#include "cmd.h"
#include "facts.h"
#include "plan.h"
#include "profile.h"

#include <stdio.h>
#include <stdlib.h>

struct profile *profile_load(const char *path, char **cause) { cause_set(cause, "%s: profiles not built yet", path); return NULL; }
void profile_free(struct profile *p) { free(p); }

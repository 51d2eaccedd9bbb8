/* profile-int.h — shared by profile.c and profile-yaml.c: the schema's names, mirrors, checks. */
/* SPDX-License-Identifier: MIT */
#ifndef PROFILE_INT_H
#define PROFILE_INT_H

#include "profile.h"

/* The schema's spelling of each enum value, indexed by the enum (extras: by bit number). */
extern const char *const profile_source_names[3];
extern const char *const profile_library_names[3];
extern const char *const profile_threading_names[3];
extern const char *const profile_build_names[2];
extern const char *const profile_installer_names[3];
extern const char *const profile_extra_names[EXTRA_COUNT];

struct url_host;
/* The entry of mirrors that names host h, or NULL: the same host (names without case,
 * addresses by value) and the same port; with any_port, a mirror without a port matches
 * every port of its host. */
const char *profile_mirror_find(char *const *mirrors, const struct url_host *h, int any_port);

/* profile_check, saying which key is at fault (*keyp, "blas.threads") and leaving the key
 * out of *cause, so that the loader can place the message at that key's node. */
int profile_check_key(const struct profile *, const char **keyp, char **cause);

#endif

/* bundle-path.c — the names a bundle's members and a bundle's download files may have (a leaf: the download action and the manifest parser both ask it). */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "armpy.h"
#include "bundle.h"
#include "vis.h"

static int
name_char_ok(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	    strchr("._+~%-", ch) != NULL;
}

int
bundle_path_ok(const char *path, char **cause)
{
	const char *p = path, *why = NULL;
	size_t len = strlen(path);
	char *shown;

	if (len == 0 || len > 512)
		why = "empty or longer than 512 bytes";
	else if (strcmp(path, "MANIFEST") == 0)
		why = "MANIFEST is only the first member";
	for (; why == NULL && *p != '\0'; p++) {
		if (*p == '/' && (p == path || p[1] == '/' || p[1] == '\0'))
			why = "an empty component";
		else if (*p != '/' && !name_char_ok(*p))
			why = "a byte outside [A-Za-z0-9._+~%-/]";
		else if ((p == path || p[-1] == '/') && *p == '.' &&
		    (p[1] == '/' || p[1] == '\0' || (p[1] == '.' && (p[2] == '/' || p[2] == '\0'))))
			why = "a '.' or '..' component";
	}
	if (why == NULL)
		return 0;
	shown = vis_str(path);     /* one line whatever the bytes: they are an attacker's */
	cause_set(cause, "member '%s': %s", quote_short(shown), why);
	free(shown);
	return -1;
}

int
bundle_download_path_ok(const char *path, char **cause)
{
	const char *pre = BUNDLE_DIR "/" BUNDLE_DOWNLOADS_DIR "/", *name = path + strlen(pre);

	if (!str_startswith(path, pre)) {
		cause_set(cause, "'%s' is not a file of the bundle (%s...)", quote_short(path), pre);
		return -1;
	}
	if (strchr(name, '/') != NULL) {
		cause_set(cause, "'%s': a file of the bundle's %s has a name of one component",
		    quote_short(path), BUNDLE_DOWNLOADS_DIR);
		return -1;
	}
	return bundle_path_ok(name, cause);
}

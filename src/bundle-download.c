/* bundle-download.c — the file of each download step a bundle's plan copies from the bundle, fetched from the URL the online plan names and checked against the step's sha256. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action.h"
#include "armpy.h"
#include "bundle.h"
#include "plan.h"

/* One download step s of the bundle's plan: its file fetched (download_file: the online step
 * on's url, s's sha256) into the directory dfd (work/downloads) as NAME and added to m. */
static int
dl_one(const struct step *s, const struct step *on, int dfd, const char *work,
    char *const *mirrors, struct bundle_manifest *m, char **cause)
{
	const char *rel = s->u.download.url + strlen(BUNDLE_DIR "/");
	char *path = xasprintf("%s/%s", work, rel), hex[65];
	struct step pinned;
	long long size;
	int rc = -1;

	if (on == NULL || on->kind != ACTION_DOWNLOAD) {
		cause_set(cause, "step '%s' downloads only in the bundle's plan", s->id);
		goto out;
	}
	pinned = *on;                             /* the bundle's plan's pin decides */
	pinned.u.download.sha256 = s->u.download.sha256;
	pinned.u.download.size = s->u.download.size;
	fprintf(stderr, "armpy bundle: %s (step '%s')\n", on->u.download.url, s->id);
	if (download_file(&pinned, dfd, strrchr(rel, '/') + 1, mirrors, cause) != 0 ||
	    bundle_sha256_file(path, &size, hex, cause) != 0)
		goto out;
	bundle_manifest_add(m, rel, size, hex);
	rc = 0;
out:
	free(path);
	return rc;
}

int
bundle_downloads_fetch(const struct plan *online, const struct plan *plan, char *const *mirrors,
    const char *work, struct bundle_manifest *m, size_t *nfiles, char **cause)
{
	char *dir = xasprintf("%s/" BUNDLE_DOWNLOADS_DIR, work);
	int rc = 0, dfd = -1;

	*nfiles = 0;
	for (size_t i = 0; rc == 0 && i < plan->nsteps; i++) {
		const struct step *s = &plan->steps[i];
		if (s->kind != ACTION_DOWNLOAD)
			continue;
		if (bundle_download_path_ok(s->u.download.url, cause) != 0 ||
		    (dfd < 0 && mkdir_p(dir, 0755, cause) != 0))
			rc = -1;
		else if (dfd < 0 && (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC)) < 0) {
			cause_set(cause, "%s: %s", dir, strerror(errno));
			rc = -1;
		} else if (dl_one(s, plan_find(online, s->id), dfd, work, mirrors, m, cause) != 0)
			rc = -1;
		else
			(*nfiles)++;
	}
	if (dfd >= 0)
		close(dfd);
	free(dir);
	return rc;
}

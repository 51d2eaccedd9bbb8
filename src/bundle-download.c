/* bundle-download.c — the file of each download step a bundle's plan copies from the bundle, fetched from the URL the online plan names and checked against the step's sha256. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "armpy.h"
#include "bundle.h"
#include "plan.h"

#define DL_TIMEOUT 3600

/* The online plan's step of the same id, or NULL. */
static const struct step *
dl_online(const struct plan *online, const char *id)
{
	for (size_t i = 0; i < online->nsteps; i++)
		if (strcmp(online->steps[i].id, id) == 0)
			return &online->steps[i];
	return NULL;
}

/* curl (this machine's) fetches url to path: https or http only, redirects too. */
static int
dl_curl(const char *url, const char *path, char **cause)
{
	char **argv = strv_pushl(strv_new(), "/usr/bin/curl", "--fail", "--location", "--silent",
	    "--show-error", "--proto", "=https,http", "--proto-redir", "=https,http",
	    "--max-redirs", "10", "--retry", "3", "-o", path, "--", url, NULL);
	char *text;
	int st = proc_capture(argv, PROC_MERGE_STDERR, DL_TIMEOUT, 1 << 16, &text);

	strv_free(argv);
	if (st < 0) {
		cause_set(cause, "/usr/bin/curl: %s", strerror(errno));
		return -1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		cause_set(cause, "curl %s: %s", url, *str_trim(text) != '\0' ? str_trim(text) :
		    "failed");
	free(text);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* One download step s of the bundle's plan: its file fetched into work/downloads/NAME,
 * verified and added to m. */
static int
dl_one(const struct step *s, const struct step *on, const char *work,
    struct bundle_manifest *m, char **cause)
{
	const char *name = s->u.download.url + strlen(BUNDLE_DIR "/");
	char *path = xasprintf("%s/%s", work, name), hex[65];
	long long size;
	int rc = -1;

	if (on == NULL || on->kind != ACTION_DOWNLOAD) {
		cause_set(cause, "step '%s' downloads only in the bundle's plan", s->id);
		goto out;
	}
	fprintf(stderr, "armpy bundle: %s (step '%s')\n", on->u.download.url, s->id);
	if (dl_curl(on->u.download.url, path, cause) != 0 ||
	    bundle_sha256_file(path, &size, hex, cause) != 0)
		goto out;
	if (strcasecmp(hex, s->u.download.sha256) != 0) {
		cause_set(cause, "%s: sha256 %s, not the %s step '%s' is pinned to",
		    on->u.download.url, hex, s->u.download.sha256, s->id);
		goto out;
	}
	bundle_manifest_add(m, name, size, hex);
	rc = 0;
out:
	free(path);
	return rc;
}

int
bundle_downloads_fetch(const struct plan *online, const struct plan *plan, const char *work,
    struct bundle_manifest *m, size_t *nfiles, char **cause)
{
	char *dir = xasprintf("%s/" BUNDLE_DOWNLOADS_DIR, work);
	int rc = 0;

	*nfiles = 0;
	for (size_t i = 0; rc == 0 && i < plan->nsteps; i++) {
		const struct step *s = &plan->steps[i];
		if (s->kind != ACTION_DOWNLOAD)
			continue;
		if (bundle_download_path_ok(s->u.download.url, cause) != 0 ||
		    (*nfiles == 0 && mkdir_p(dir, 0755, cause) != 0) ||
		    dl_one(s, dl_online(online, s->id), work, m, cause) != 0)
			rc = -1;
		else
			(*nfiles)++;
	}
	free(dir);
	return rc;
}

/* bundle.h — a bundle for machines without internet: its manifest, its verification and unpacking, and how it is made. */
/* SPDX-License-Identifier: MIT */
#ifndef BUNDLE_H
#define BUNDLE_H

#include <stddef.h>

struct facts;
struct profile;
struct plan;

/*
 * A bundle is one tar file (zstd-compressed) made by `armpy bundle` on a connected machine:
 *   MANIFEST       the first member (YAML, below)
 *   plan.yaml      the plan made for the target's facts, installing from the bundle
 *   profile.yaml   facts.yaml   (the target's)
 *   apt/ARCHIVE/dists/SUITE/InRelease, apt/ARCHIVE/dists/SUITE/main/binary-ARCH/Packages
 *                  each archive's signed index, as the mirror serves it (bundle_archives)
 *   apt/ARCHIVE/pool/...   every .deb the plan's apt steps need on a minimal installation,
 *                  at the path the index names
 *   pip/NAME       the wheels and sdists the plan's pip steps install, with the build
 *                  requirements of each sdist (bundle_pip_fetch); the bundle's plan runs pip
 *                  with --no-index --find-links BUNDLE_DIR/pip
 *   downloads/NAME the file of each download step (NAME: its dest's last component); the
 *                  bundle's plan copies it from BUNDLE_DIR/downloads with the step's sha256
 * MANIFEST:
 *   armpy_bundle: 1
 *   armpy_version: "0.9.0"
 *   target: {distro_id: debian, distro_version: "12", arch: aarch64, cpu: Neoverse-V2}
 *   files: [{path: plan.yaml, size: N, sha256: HEX}, ...]      # every member but MANIFEST
 * Installing unpacks it at BUNDLE_DIR inside the root; apt reads it there (plan_make_bundle).
 */
#define BUNDLE_DIR "/var/lib/armpy/bundle"
/* The plan's sources list for apt, BUNDLE_DIR with this suffix: beside the directory, not in
 * it, because unpacking a bundle again replaces the directory, and a second run of the same
 * bundle then finds the list it wrote (its step satisfied, no change). */
#define BUNDLE_SOURCES_SUFFIX "-sources.list"
#define BUNDLE_PIP_DIR "pip"           /* the wheels and sdists, BUNDLE_DIR/pip (bundle-pip.c) */
#define BUNDLE_DOWNLOADS_DIR "downloads" /* download steps' files, BUNDLE_DIR/downloads/NAME */
#define BUNDLE_KEYRING "/usr/share/keyrings/debian-archive-keyring.gpg"
#define BUNDLE_MANIFEST_MAX (1024 * 1024)      /* bytes of MANIFEST (YDOC_MAX_BYTES) */
#define BUNDLE_FILES_MAX 5000
#define BUNDLE_BYTES_MAX (32LL << 30)          /* all members together */

struct bundle_file {
	char *path;              /* relative, [A-Za-z0-9._+~%-] components, no "." or ".." */
	long long size;
	char sha256[65];
};

struct bundle_manifest {
	char *armpy_version;
	char *distro_id, *distro_version, *arch, *cpu;
	struct bundle_file *files;
	size_t nfiles;
};

void bundle_manifest_free(struct bundle_manifest *);
/* Adds a file (copies path). */
void bundle_manifest_add(struct bundle_manifest *, const char *path, long long size,
    const char *sha256);
char *bundle_manifest_yaml(const struct bundle_manifest *);
/* Strict: unknown keys, bad paths, duplicates, sizes, counts. NULL with *cause. */
struct bundle_manifest *bundle_manifest_parse(const char *data, size_t len, char **cause);
/* 0 when path may be a member's name; -1 with *cause saying why. */
int bundle_path_ok(const char *path, char **cause);
/* 0 when path is a download step's file in an unpacked bundle: BUNDLE_DIR/downloads/NAME,
 * NAME one member name component (bundle_path_ok); -1 with *cause. act-download.c copies it
 * (inside the root, with the step's sha256) instead of fetching a URL. */
int bundle_download_path_ok(const char *path, char **cause);
/* 0 when the manifest's target is the machine f describes (release and architecture); -1 with
 * *cause naming both. The plan's equality (bundle_plan_same) covers the CPU's part. */
int bundle_target_ok(const struct bundle_manifest *, const struct facts *, char **cause);

/* The archives a bundle carries, as the release's installation has them: debian SUITE,
 * debian SUITE-updates, debian-security SUITE-security (the codename, then suffix). */
struct bundle_archive {
	const char *dir;         /* apt/DIR in the bundle: "debian" or "debian-security" */
	const char *suffix;      /* "", "-updates", "-security" */
};
const struct bundle_archive *bundle_archives(size_t *n);

/* The Debian suite (codename) of a release a bundle can carry, or NULL: only the releases a
 * test has installed from a bundle (bundle.c says which). */
const char *bundle_suite(const struct facts *);
/* The target release's C library version as manylinux platform tags spell it ("2_36"), or
 * NULL: the wheels a bundle carries are chosen for it (bundle-pip.c). */
const char *bundle_glibc(const struct facts *);
/* 0 when a bundle may be made or installed for this profile on this machine; -1 with *cause
 * ("refused: ...") naming the reason, for every combination no test has run. */
int bundle_supported(const struct profile *, const struct facts *, char **cause);
/* 0 when plan a (made here) is the bundle's plan b, step for step; -1 with *cause naming the
 * first difference. */
int bundle_plan_same(const struct plan *a, const struct plan *b, char **cause);

/*
 * Reads the bundle FILE as hostile input: MANIFEST first (its target checked against f before
 * anything else is read), then every member: a regular file named in the manifest, once, with
 * its size and sha256; nothing extra, nothing missing. With root non-NULL the files are
 * written into a new directory under ROOT/var/lib/armpy (through the root boundary,
 * rootdir.h) which, only once everything matched, replaces ROOT/BUNDLE_DIR; on any failure it
 * is removed. With root NULL nothing is written (verification only). Returns the manifest, the
 * bundle's plan and profile text (*plan_yaml, *profile_yaml, new), or NULL with *cause.
 */
struct bundle_manifest *bundle_read(const char *file, const char *root, const struct facts *f,
    char **plan_yaml, char **profile_yaml, char **cause);

/* bundle_read, then the bundle's plan.yaml parsed into *plan and, with profile non-NULL, its
 * profile.yaml into *profile (both new): 0, or -1 with *cause and both NULL. */
int bundle_read_plan(const char *file, const char *root, const struct facts *f,
    struct plan **plan, struct profile **profile, char **cause);

/* The size and sha256 (lower-case hex) of a file; -1 with *cause (bundle-read.c). */
int bundle_sha256_file(const char *path, long long *size, char hex[65], char **cause);

/* bundle-write.c: writes the tar (MANIFEST first, then every file of m read from dir)
 * atomically at out, with progress on stderr. 0, or -1 with *cause. */
int bundle_write(const char *out, const char *dir, const struct bundle_manifest *m,
    char **cause);

/* bundle-apt.c: in the work directory work (new, private), resolves the packages with a
 * private apt configuration for the target f (its release and architecture; against a
 * minimal installation: the release's Priority: required packages, apt, and what they
 * depend on) from mirror (Debian's archive) and security (its security archive), and lays out
 * work/apt as the bundle keeps it. The files written (relative to work) are added to m. */
int bundle_apt_fetch(const struct facts *f, const char *mirror, const char *security,
    char *const *packages, const char *work, struct bundle_manifest *m, char **cause);

/* bundle-pip.c: the wheels and sdists the pip steps of plan (made for the target f with
 * plan_make_bundle) install, downloaded into work/pip with this machine's pip
 * (/usr/bin/python3 -m pip)
 * for the target's platform (its architecture and C library) and the Python its venv uses,
 * from index_url (the profile's; NULL: pip's own configuration), with the build requirements
 * of every sdist; each file is added to m as pip/NAME, *nfiles says how many. 0 (also when the
 * plan has no pip step), or -1 with *cause. */
int bundle_pip_fetch(const struct plan *plan, const struct facts *f, const char *index_url,
    const char *work, struct bundle_manifest *m, size_t *nfiles, char **cause);

/* bundle-download.c: the file of every download step of plan (plan_make_bundle's: its url is
 * BUNDLE_DIR/downloads/NAME) fetched as a download step fetches it (download_file, action.h:
 * libcurl, https or http to loopback or a host of mirrors, the profile's) from the url of
 * online's step of the same id (plan_make's, same facts and profile) into
 * work/downloads/NAME, kept only when its sha256 is the step's, and added to m; *nfiles says
 * how many. 0, or -1 with *cause. */
int bundle_downloads_fetch(const struct plan *online, const struct plan *plan,
    char *const *mirrors, const char *work, struct bundle_manifest *m, size_t *nfiles,
    char **cause);

#endif

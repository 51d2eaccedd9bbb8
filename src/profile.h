/* profile.h — the user's answers (never commands): schema v1 (profile.c), YAML (profile-yaml.c). */
/* SPDX-License-Identifier: MIT */
#ifndef PROFILE_H
#define PROFILE_H

#include <stddef.h>

struct ynode;

enum source { SOURCE_SYSTEM, SOURCE_PIP, SOURCE_CONDA };
/* BLAS_NVPL: NVIDIA's NVPL, from conda-forge's libblas nvpl build (source: conda, aarch64) */
enum blas_library { BLAS_OPENBLAS, BLAS_BLIS, BLAS_NVPL };
enum blas_threading { THREADING_OPENMP, THREADING_PTHREADS, THREADING_SERIAL };
enum blas_build { BUILD_PACKAGE, BUILD_SOURCE };
enum conda_installer { CONDA_MINIFORGE, CONDA_MINICONDA, CONDA_ANACONDA };

enum extra {
	EXTRA_PILLOW = 1 << 0,
	EXTRA_PANDAS = 1 << 1,
	EXTRA_PYTORCH = 1 << 2,
	EXTRA_DGL = 1 << 3,
	EXTRA_SENTENCEPIECE = 1 << 4,
	EXTRA_MORFEUSZ = 1 << 5,
};
#define EXTRA_COUNT 6
/* mirrors: a profile lists at most this many (docs/profile.md). */
#define PROFILE_MAX_MIRRORS 64

struct profile {
	int version;              /* schema version, 1 */
	char *name;               /* optional label, [A-Za-z0-9._-]+ */
	char *python;             /* "system" or "3.X" */
	int allow_eol;            /* accept a Python past end of life */
	enum source source;
	struct {
		enum blas_library library;
		enum blas_threading threading;
		int threads;          /* 0 = auto (all cores) */
		enum blas_build build;
	} blas;
	unsigned extras;          /* enum extra bits */
	int scipy;                /* install SciPy too (default 1) */
	struct {
		char *venv;           /* default ~/.venvs/armpy */
		char *index_url;      /* NULL = pip's default */
	} pip;
	struct {
		enum conda_installer installer;
		char *prefix;         /* default ~/miniforge3 */
		char *environment;    /* default armpy */
		char *installer_url;  /* NULL = the pinned default for the installer */
		char *installer_sha256;
	} conda;
	struct {
		char *url;            /* BLAS source tarball override (mirror), NULL = pinned */
		char *sha256;
		char *prefix;         /* install prefix for source builds, default /usr/local */
	} source_build;
	char **mirrors;           /* http hosts allowed explicitly (loopback is always allowed) */
};

struct profile *profile_new(void);        /* the defaults */
void profile_free(struct profile *);
struct profile *profile_dup(const struct profile *);
int profile_equal(const struct profile *, const struct profile *);

/* profile-yaml.c: load and validate. Errors read "FILE:LINE:COL: key.path: message"; returns
 * NULL. */
struct profile *profile_load(const char *path, char **cause);
struct profile *profile_parse(const char *text, size_t len, const char *name, char **cause);
struct profile *profile_from_node(const struct ynode *, const char *name, char **cause);
/* profile.c: semantic checks that need no machine facts (e.g. 2.7 refused, EOL without
 * allow_eol). */
int profile_check(const struct profile *, char **cause);

/* profile-yaml.c: the canonical text, and the file. */
char *profile_to_yaml(const struct profile *);
/* Atomic, mode 0644, parent directories created. Refuses (nothing written) unless the text
 * loads back valid and profile_equal to the argument. */
int profile_save(const struct profile *, const char *path, char **cause);

/* Names, for YAML and for the UI. */
const char *source_name(enum source);
const char *blas_library_name(enum blas_library);
const char *blas_threading_name(enum blas_threading);
const char *blas_build_name(enum blas_build);
const char *conda_installer_name(enum conda_installer);
const char *extra_name(enum extra);
int extra_from_name(const char *);          /* bit, or 0 when unknown */
/* Why no plan can install the extra (DGL, Morfeusz): profiles listing it are refused. NULL for
 * the installable ones. */
const char *extra_refusal(enum extra);
const char *conda_installer_prefix(enum conda_installer); /* default prefix, "~/miniforge3" */

/* Value patterns for anything that may reach a command line (profile-value.c). 1 when valid. */
int valid_python_version(const char *);     /* "3.11" */
int valid_package_name(const char *);
int valid_path(const char *);               /* path_problem(s, PATH_INSTALL_PREFIX) is NULL */
int valid_url(const char *);                /* url_parse() accepts it */
int valid_sha256(const char *);
int valid_name(const char *);               /* [A-Za-z0-9][A-Za-z0-9._-]{0,63} */
int valid_host(const char *);               /* host_parse() accepts it */

/*
 * Paths. path_normalise collapses "//", drops "." components and a trailing "/" ("~/." is
 * "~", "/." is "/"); it does not resolve "..", which path_problem refuses. path_problem says
 * why a venv or prefix path is refused (the why of "'X' is not an acceptable path: WHY", in
 * a static string or in why[whylen]), or NULL: the characters of valid_path(), then, after
 * normalising, not / or ~ itself, nothing inside a system tree (/etc, /usr except below
 * /usr/local, /proc, /sys, /dev, /lib*, ~/.ssh, ...) or a world-writable one (/tmp,
 * /var/tmp), and not a shared directory itself (/opt, /var, /usr/local/lib, ~/.local, ...).
 * PATH_INSTALL_PREFIX accepts /usr/local itself. why[] must hold at least 256 bytes.
 */
#define PATH_INSTALL_PREFIX 0x1
char *path_normalise(const char *);
/* Only the characters and the start (/ or ~/) of a path: why it is refused, or NULL. */
const char *path_chars_problem(const char *);
const char *path_problem(const char *, unsigned flags, char *why, size_t whylen);

/*
 * Hosts and URLs, parsed rather than prefix-matched. A host is an RFC 1123 name (letters,
 * digits, '-', '.'; never %-encoded; its last label not numeric), a strict dotted quad, or an
 * IPv6 literal in brackets (no zone id), then an optional :port (1-65535, no leading zeros).
 * No userinfo. A URL is http:// or https:// (lower case), the host, then an optional path
 * and query of letters, digits and / . _ ~ % + = , : @ ? - (a % starts a %XX escape).
 * Both return why the text is refused, or NULL with *h filled in.
 */
enum host_kind { HOST_NAME, HOST_IPV4, HOST_IPV6 };
struct url_host {
	char host[256];           /* as written, an IPv6 literal with its brackets */
	enum host_kind kind;
	unsigned char addr[16];   /* HOST_IPV4: 4 bytes, HOST_IPV6: 16 */
	long port;                /* 0 when none was written */
};
const char *host_parse(const char *, size_t len, struct url_host *h);
const char *url_parse(const char *, struct url_host *h, int *https);
/* Loopback: the name localhost (any case), 127.0.0.0/8 as a dotted quad, or [::1]. */
int host_loopback(const struct url_host *);
/* The same host: names without case, addresses by value ([::1] is [0::1]); ports ignored. */
int host_same(const struct url_host *, const struct url_host *);

#endif

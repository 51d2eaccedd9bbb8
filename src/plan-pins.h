/* plan-pins.h — pinned artefacts the planner downloads: URL, sha256 and version, each with its source. */
/* SPDX-License-Identifier: MIT */
#ifndef PLAN_PINS_H
#define PLAN_PINS_H

struct pin {
	const char *name;       /* "blis", "openblas", "miniforge-aarch64", ... */
	const char *version;
	const char *url;        /* https only; NULL: from a Debian mirror (archive) */
	const char *sha256;
	const char *file;       /* file name to save as */
	const char *dir;        /* directory name after extraction (strip 1) */
	const char *source;     /* the upstream release the artefact is */
	const char *hash_from;  /* where the sha256 comes from */
	const char *mirror;     /* whose copy `url` is when not the release's own site, or NULL */
	const char *checked;    /* YYYY-MM-DD: the day the hash was last compared with source */
	const char *archive;    /* url NULL: the file's path in a Debian archive, fetched from the
	                         * Debian mirror of the planning machine's apt sources */
};

/* The whole table (docs/facts.md is made from it). */
const struct pin *pin_table(int *n);

/* NULL when nothing is pinned under that name. */
const struct pin *pin_find(const char *name);

/* The TARGET the pinned OpenBLAS release's build system accepts for a CPU whose target (as
 * armpy detect names it, after OpenBLAS's newest cpuid) is target: target itself when the
 * release lists it; else the release's substitute, with *why citing upstream; else NULL, with
 * *why saying so. Pure. */
const char *pin_openblas_target(const char *target, const char **why);

/* The GCC the pinned OpenBLAS needs to build `target` as that target (its SVE kernels need an
 * -march with +sve, which its Makefile.arm64 adds for some targets only from a GCC version
 * on), or NULL when any GCC does; *fallback gets the non-SVE target to build instead and *why
 * the reason with its source. Pure. */
const char *pin_openblas_gcc(const char *target, const char **fallback, const char **why);

/* The OpenBLAS substitutes and GCC needs as rows with their sources (docs/facts.md). */
struct pin_rule {
	const char *target;     /* the TARGET armpy's CPU table names */
	const char *use;        /* the TARGET built instead */
	const char *gcc;        /* from this GCC on the target is built itself; NULL: never */
	const char *why, *checked;
};
const struct pin_rule *pin_openblas_rules(int *n);

#endif

/* plan-pins.h — pinned artefacts the planner downloads: URL, sha256 and version, each with its source. */
/* SPDX-License-Identifier: MIT */
#ifndef PLAN_PINS_H
#define PLAN_PINS_H

struct pin {
	const char *name;       /* "blis", "openblas", "miniforge-aarch64", ... */
	const char *version;
	const char *url;        /* https only */
	const char *sha256;
	const char *file;       /* file name to save as */
	const char *dir;        /* directory name after extraction (strip 1) */
	const char *source;     /* where the hash comes from */
};

/* NULL when nothing is pinned under that name. */
const struct pin *pin_find(const char *name);

/* The TARGET the pinned OpenBLAS release's build system accepts for a CPU whose target (as
 * armpy detect names it, after OpenBLAS's newest cpuid) is target: target itself when the
 * release lists it; else the release's substitute, with *why citing upstream; else NULL, with
 * *why saying so. Pure. */
const char *pin_openblas_target(const char *target, const char **why);

#endif

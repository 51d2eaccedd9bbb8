/* validate-int.h — what validate.c shares with the files beside it (validate-env.c, validate-report.c, validate-yaml.c, validate-probe.c). */
/* SPDX-License-Identifier: MIT */
#ifndef VALIDATE_INT_H
#define VALIDATE_INT_H

#include "armpy.h"
#include "validate.h"

struct facts;

/* validate-report.c: append a check to the report. */
void vcheck_add(struct validate_report *, const char *name, enum check_verdict,
    const char *fmt, ...) ARMPY_PRINTF(4, 5);
/* "OpenBLAS", "BLIS", ... for a kind; "unknown" for NULL. */
const char *vkind_label(const char *kind);
/* The value of NAME in a NAME=value list, or NULL. */
const char *venv_get(char *const *env, const char *name);

/* validate-env.c: one check each. */
void vverdict_environment(struct validate_report *, const struct facts *);
void vverdict_blis_kernels(struct validate_report *, const struct facts *);
void vverdict_scaling(struct validate_report *);
/* blas-threading: the builds really mapped (their Debian variant directory) and the libraries'
 * own word, against the threading chosen (openmp | pthreads | serial). */
void vverdict_threading(struct validate_report *, const char *want);
/* Whether OpenBLAS's core fits the CPU whose target is target (a DYNAMIC_ARCH build may pick
 * its AVX-512 SkylakeX/Cooperlake kernels on a Zen 4 whose build target is ZEN). */
int vcore_fits(const char *corename, const char *target, const struct facts *);

/* validate.c: one library of the probe's YAML (its facts decided by blasid_decide) into *l. */
struct ynode;
void vlib_parse(struct validate_lib *l, const struct ynode *n);

#endif

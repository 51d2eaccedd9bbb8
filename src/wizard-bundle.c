/* wizard-bundle.c — the wizard installing from a bundle: verified as headless does, its answers, the plans it can install, written into the root before the run. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "bundle.h"
#include "facts.h"
#include "plan.h"
#include "profile.h"
#include "wizard.h"

#include <stdlib.h>
#include <string.h>

void
wizard_bundle_free(struct wizard_bundle *b)
{
	if (b == NULL)
		return;
	free(b->file);
	free(b->target);
	free(b->answers);
	profile_free(b->profile);
	plan_free(b->plan);
	free(b);
}

/* The bundle's answers in one line, for the welcome screen and the refusals. */
static char *
wb_answers(const struct profile *p)
{
	return xasprintf("source %s, Python %s, BLAS %s/%s", source_name(p->source),
	    p->python != NULL ? p->python : "system", blas_library_name(p->blas.library),
	    blas_threading_name(p->blas.threading));
}

struct wizard_bundle *
wizard_bundle_open(const char *file, const struct facts *f, struct profile **answers,
    char **cause)
{
	struct wizard_bundle *b = xcalloc(1, sizeof *b);
	struct profile *p = NULL;
	struct plan *mine = NULL;

	*answers = NULL;
	b->file = xstrdup(file);
	if (bundle_read_plan(file, NULL, f, &b->plan, &p, cause) != 0 ||
	    profile_check(p, cause) != 0 || bundle_supported(p, f, cause) != 0 ||
	    (mine = plan_make_bundle(f, p, BUNDLE_DIR, cause)) == NULL ||
	    bundle_plan_same(mine, b->plan, cause) != 0) {
		plan_free(mine);
		profile_free(p);
		wizard_bundle_free(b);
		return NULL;
	}
	plan_free(mine);
	b->target = xasprintf("%s %s %s (%s)", f->distro_id != NULL ? f->distro_id : "?",
	    f->distro_version != NULL ? f->distro_version : "?", f->arch != NULL ? f->arch : "?",
	    f->cpu.name != NULL ? f->cpu.name : "unknown CPU");
	b->answers = wb_answers(p);
	b->profile = profile_dup(p);
	*answers = p;
	return b;
}

struct plan *
wizard_bundle_plan(const struct wizard_bundle *b, const struct facts *f,
    const struct profile *p, char **cause)
{
	struct plan *plan;

	if (bundle_supported(p, f, cause) != 0 ||
	    (plan = plan_make_bundle(f, p, BUNDLE_DIR, cause)) == NULL)
		return NULL;
	if (bundle_plan_same(plan, b->plan, NULL) == 0)
		return plan;
	plan_free(plan);
	cause_set(cause, "refused: not what the bundle holds: it was made for its own answers "
	    "(%s), and these make another plan; keep them, or make a bundle for these on a "
	    "connected machine (armpy bundle)", b->answers);
	return NULL;
}

int
wizard_bundle_unpack(const struct wizard_bundle *b, const char *root, const struct facts *f,
    const struct plan *plan, char **cause)
{
	struct plan *theirs = NULL;
	int rc;

	rc = bundle_read_plan(b->file, root != NULL ? root : "/", f, &theirs, NULL, cause);
	if (rc == 0)
		rc = bundle_plan_same(plan, theirs, cause);
	plan_free(theirs);
	return rc;
}

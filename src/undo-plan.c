/* undo-plan.c — the reverse plan: a run's undo records, newest step first, through each kind's reverse hook. */
/* SPDX-License-Identifier: MIT */
#include "undo.h"
#include "action.h"
#include "armpy.h"
#include "plan.h"

#include <stdlib.h>

struct plan *
undo_build(const char *run_id, const char *target, const struct undo_rec *recs, size_t n,
    const struct undo_now *now, char **conflict, char **cause)
{
	struct plan *p = plan_new();

	*conflict = NULL;
	p->target = xstrdup(target != NULL ? target : "");
	p->warnings = strv_new();
	p->notes = strv_new();
	plan_note(p, "this plan undoes run %s: it puts back only what that run changed, as the run "
	    "recorded it before each change", run_id);
	for (size_t i = n; i-- > 0;) {
		const struct action_ops *ops = action_ops_of(recs[i].kind);
		int rc = ops != NULL && ops->reverse != NULL ?
		    ops->reverse(&recs[i], now, p, cause) : 0;

		if (rc != 0) {
			if (rc > 0)
				*conflict = xstrdup(recs[i].id);
			plan_free(p);
			return NULL;
		}
	}
	return p;
}

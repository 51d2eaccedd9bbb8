/* cmd-resume.c — `armpy resume [RUN-ID]`: continue the last interrupted or failed run. */
#include "armpy.h"
#include "cmd.h"
#include "exec.h"
#include "headless.h"
#include "journal.h"
#include "plan.h"
#include "profile.h"
#include "runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
resume_exec(int argc, char **argv)
{
	const char *id = NULL, *log = NULL;
	struct run_info ri, *v;
	struct exec_opts eo;
	struct headless *h;
	struct plan *plan;
	struct profile *p = NULL;
	char *dir = NULL, *path, *cause = NULL;
	size_t n;
	int json = 0, yes = 0, rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--progress") == 0 && i + 1 < argc)
			json = strcmp(argv[++i], "json") == 0;
		else if (strcmp(a, "--log") == 0 && i + 1 < argc)
			log = argv[++i];
		else if (strcmp(a, "--yes") == 0 || strcmp(a, "-y") == 0)
			yes = 1;
		else if (a[0] == '-' || id != NULL) {
			fprintf(stderr, "usage: %s\n", cmd_resume_entry.usage);
			return EXIT_USAGE;
		} else
			id = a;
	}
	if (id != NULL) {
		dir = runs_find(id);
		if (dir == NULL) {
			fprintf(stderr, "armpy resume: no run '%s' (see armpy runs)\n", id);
			return EXIT_USAGE;
		}
	} else {
		v = runs_list(&n);
		for (size_t i = n; i > 0 && dir == NULL; i--)
			if (strcmp(v[i - 1].state, "ok") != 0 && strcmp(v[i - 1].state, "running") != 0)
				dir = xstrdup(v[i - 1].dir);
		runs_list_free(v, n);
		if (dir == NULL) {
			fprintf(stderr, "armpy resume: no interrupted or failed run to continue\n");
			return EXIT_USAGE;
		}
	}
	run_info_load(&ri, dir, strrchr(dir, '/') != NULL ? strrchr(dir, '/') + 1 : dir);
	if (strcmp(ri.state, "running") == 0) {
		fprintf(stderr, "armpy resume: run %s is still running\n", ri.id);
		run_info_clear(&ri);
		free(dir);
		return EXIT_USAGE;
	}
	path = xasprintf("%s/plan.yaml", dir);
	plan = plan_load(path, &cause);
	free(path);
	if (plan == NULL) {
		fprintf(stderr, "armpy resume: %s\n", cause);
		free(cause);
		run_info_clear(&ri);
		free(dir);
		return EXIT_USAGE;
	}
	path = xasprintf("%s/profile.yaml", dir);
	if (access(path, R_OK) == 0 && (p = profile_load(path, &cause)) == NULL) {
		fprintf(stderr, "armpy resume: %s\n", cause);
		free(cause);
		cause = NULL;
	}
	free(path);
	h = headless_new(json, STDOUT_FILENO);
	if (!json) {
		char *line = xasprintf("Resuming run %s (%s)%s%s\n", ri.id, ri.state,
		    ri.root != NULL ? " in " : "", ri.root != NULL ? ri.root : "");
		headless_print(h, line);
		free(line);
	}
	if (!headless_confirm(yes)) {
		fprintf(stderr, "armpy: nothing done\n");
		rc = EXIT_FAILED;
	} else {
		memset(&eo, 0, sizeof eo);
		eo.root = ri.root;
		eo.run_dir = dir;
		eo.resume = 1;
		eo.yes = 1;
		eo.log_path = log;
		eo.mirrors = p != NULL ? p->mirrors : NULL;
		rc = headless_execute(h, plan, &eo);
	}
	headless_free(h);
	profile_free(p);
	plan_free(plan);
	run_info_clear(&ri);
	free(dir);
	return rc;
}

const struct cmd_entry cmd_resume_entry = {
	.name = "resume",
	.usage = "armpy resume [RUN-ID] [--yes] [--progress text|json]",
	.summary = "continue the last interrupted or failed run (re-checks every step)",
	.help = "Without RUN-ID, the newest run that did not finish. Steps the journal records as\n"
	    "done are not run again (downloads are re-verified by their sha256); a step that was\n"
	    "cut off goes through its check first, so a step is never repeated when its effect is\n"
	    "already there. See armpy runs for the ids.\n"
	    "\n"
	    "  --yes                 do not ask\n"
	    "  --progress text|json  line progress, or one JSON object per line\n",
	.exec = resume_exec,
};

/* cmd-runs.c — `armpy runs`: past runs with id, start, profile, state and log path. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "cmd.h"
#include "runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int
runs_exec(struct args *a)
{
	struct run_info *v;
	size_t n;
	char when[32];

	(void)a;
	v = runs_list(&n);
	if (n == 0) {
		char *cause = NULL, *base = runs_base(&cause);
		if (base == NULL) {
			fprintf(stderr, "armpy runs: %s\n", cause);
			free(cause);
			return EXIT_USAGE;
		}
		printf("no runs yet (in %s)\n", base);
		free(base);
		return EXIT_OK;
	}
	printf("%-26s %-19s %-16s %-11s %s\n", "ID", "START", "PROFILE", "STATE", "LOG");
	for (size_t i = 0; i < n; i++) {
		time_t t = v[i].start;
		struct tm tm;
		if (t > 0) {
			localtime_r(&t, &tm);
			strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
		} else
			strcpy(when, "-");
		printf("%-26s %-19s %-16s %-11s %s\n", v[i].id, when,
		    v[i].profile != NULL ? v[i].profile : "-", v[i].state, v[i].log);
	}
	runs_list_free(v, n);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILED;
}

const struct cmd_entry cmd_runs_entry = {
	.args = { "runs", NULL, 0, NULL, 0, 0 },
	.summary = "list past runs: id, start, profile, state, log path",
	.help = "Runs live in $XDG_STATE_HOME/armpy/runs (~/.local/state/armpy/runs; as root\n"
	    "/var/lib/armpy/runs; ARMPY_STATE_DIR overrides). Each holds plan.yaml, profile.yaml,\n"
	    "facts.yaml, log and journal.\n",
	.exec = runs_exec,
};

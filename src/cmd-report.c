/* cmd-report.c — `armpy report`: a run as one self-contained HTML page. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "cmd.h"
#include "report.h"
#include "runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The run's directory: RUN-ID, else the newest run. NULL after saying why. */
static char *
report_pick(const char *id)
{
	struct run_info *v;
	char *dir = NULL;
	size_t n;

	if (id != NULL) {
		if ((dir = runs_find(id)) == NULL)
			fprintf(stderr, "armpy report: no run '%.200s' (see armpy runs)\n", id);
		return dir;
	}
	v = runs_list(&n);
	if (n > 0)
		dir = xstrdup(v[n - 1].dir);
	else
		fprintf(stderr, "armpy report: no runs yet (see armpy runs)\n");
	runs_list_free(v, n);
	return dir;
}

/* Whether path names a device or a FIFO (/dev/stdout): where the page went is no news there,
 * and a line after the page would be read as part of it. */
static int
report_is_stream(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode));
}

static int
report_exec(struct args *a)
{
	const char *out = args_get(a, "--html");
	char *dir, *html, *cause = NULL, *path;
	int rc;

	if ((dir = report_pick(args_operand(a, 0))) == NULL)
		return EXIT_USAGE;
	if ((html = report_run(dir, args_get(a, "--gflops"), &cause)) == NULL) {
		fprintf(stderr, "armpy report: %s\n", cause);
		free(cause);
		free(dir);
		return EXIT_USAGE;
	}
	path = out != NULL ? xstrdup(out) : xasprintf("%s/report.html", dir);
	rc = report_save(path, html, &cause);
	if (rc != 0)
		fprintf(stderr, "armpy report: %s\n", cause);
	else if (strcmp(path, "-") != 0 && !report_is_stream(path))
		printf("report: %s\n", path);
	free(cause);
	free(path);
	free(html);
	free(dir);
	return rc == 0 ? EXIT_OK : EXIT_FAILED;
}

static const struct args_opt report_opts[] = {
	{ "--html", 0, "FILE", 0, "write the page to FILE (- for stdout; default report.html in "
	    "the run's directory)" },
	{ "--gflops", 0, "FILE.yaml", 0, "add a saved `armpy gflops --format yaml` as the speed "
	    "section" },
	{ NULL, 0, NULL, 0, NULL },
};

const struct cmd_entry cmd_report_entry = {
	.args = { "report", report_opts, 0, "[RUN-ID]", 0, 1 },
	.summary = "a run (default: the newest) as one self-contained HTML page",
	.help = "The page shows the machine (distribution, CPU, OpenBLAS TARGET, BLIS config,\n"
	    "cores, FP64 peak), the plan's steps with their outcomes and times, every validation\n"
	    "check with its verdict, and charts of dgemm GFLOPS against the peak and of thread\n"
	    "scaling. It is one file with inline CSS and SVG: no script, nothing fetched, so it\n"
	    "opens anywhere and can be mailed as it is. Every text from a profile, a plan or the\n"
	    "probe is escaped. `armpy validate --format html` and `armpy gflops --format html`\n"
	    "make the same page for one validation or one benchmark.\n",
	.notes = "Exit: 0 written, 1 the file could not be written, 2 no such run or a file of\n"
	    "the run does not load.\n",
	.exec = report_exec,
};

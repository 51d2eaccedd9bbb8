/* main.c — entry point: dispatches to the command table, prints help and version, checks output. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "cmd.h"
#include "vis.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct cmd_entry *const cmd_table[] = {
	&cmd_main_entry,
	&cmd_detect_entry,
	&cmd_plan_entry,
	&cmd_run_entry,
	&cmd_resume_entry,
	&cmd_runs_entry,
	&cmd_validate_entry,
	&cmd_gflops_entry,
	&cmd_report_entry,
	&cmd_undo_entry,
	&cmd_bundle_entry,
	NULL,
};

/* "armpy", or "armpy plan": what its messages and usage start with. */
static const char *
cmd_prefix(const struct cmd_entry *e)
{
	static char buf[64];

	snprintf(buf, sizeof buf, "armpy%s%s", e->args.command != NULL ? " " : "",
	    e->args.command != NULL ? e->args.command : "");
	return buf;
}

/* Which commands take --root, --os-release, --cpuinfo and --arch, from their tables. */
static void
usage_detect(FILE *f)
{
	const char *sep = "";

	fputs("The detection overrides (--root, --os-release, --cpuinfo, --arch) are taken by:\n", f);
	for (const struct cmd_entry *const *e = cmd_table; *e != NULL; e++)
		if ((*e)->args.detect) {
			fprintf(f, "%s'%s'", sep, cmd_prefix(*e));
			sep = ", ";
		}
	fputs(" only.\nUse them to plan for another machine, or under qemu-user, where "
	    "/proc/cpuinfo\nshows the host CPU.\n", f);
}

/* The usage line(s), the summary, the help, the option list and the notes of one command. */
static void
cmd_help(const struct cmd_entry *e, FILE *f)
{
	char *text = args_usage(&e->args, "usage: ", 80);

	fprintf(f, "%s\n\n%s.\n\n", text, e->summary);
	free(text);
	if (e->help != NULL)
		fprintf(f, "%s\n", e->help);
	text = args_help(&e->args);
	fprintf(f, "Options:\n%s", text);
	free(text);
	if (e->notes != NULL)
		fprintf(f, "\n%s", e->notes);
}

void
usage_print(FILE *f)
{
	fprintf(f, "armpy %s — a validated NumPy/SciPy stack on the BLAS you choose, for Arm64 "
	    "servers\n\n", ARMPY_VERSION);
	cmd_help(&cmd_main_entry, f);
	fprintf(f, "\nCommands (armpy COMMAND --help shows a command's options):\n");
	for (const struct cmd_entry *const *e = cmd_table; *e != NULL; e++)
		if ((*e)->args.command != NULL)
			fprintf(f, "  %-10s %s\n", (*e)->args.command, (*e)->summary);
	fputc('\n', f);
	usage_detect(f);
	fprintf(f, "\n"
	    "Exit status: 0 ok; 1 a step or a validation check failed, or the output could not be\n"
	    "written; 2 usage error or bad input; 130 interrupted.\n"
	    "See armpy(1) and docs/profile.md for the profile format.\n");
}

/* Output that did not reach stdout (a full disk, /dev/full, a closed pipe) is a failure:
 * say so on stderr, and exit 1 unless the command already failed. */
static int
stdout_check(int rc)
{
	int failed = ferror(stdout);

	errno = 0;
	if (fflush(stdout) != 0)
		failed = 1;
	if (stdout != vis_stdout_raw && fclose(stdout) != 0)
		failed = 1;             /* the escaping stream: its last bytes, its errors */
	if (!failed)
		return rc;
	if (errno != 0)
		fprintf(stderr, "armpy: cannot write the output: %s\n", strerror(errno));
	else
		fprintf(stderr, "armpy: cannot write the output (standard output failed)\n");
	return rc == EXIT_OK ? EXIT_FAILED : rc;
}

static const struct cmd_entry *
main_find(const char *name)
{
	for (const struct cmd_entry *const *e = cmd_table; *e != NULL; e++)
		if ((*e)->args.command != NULL && strcmp((*e)->args.command, name) == 0)
			return *e;
	return NULL;
}

/* The command of argv[1] (else the default command) with its options parsed by its table. */
static int
main_dispatch(int argc, char **argv)
{
	const struct cmd_entry *e = &cmd_main_entry;
	struct args *a;
	char *cause = NULL;
	int rc;

	if (argc >= 2 && strcmp(argv[1], "help") == 0) {
		usage_print(stdout);
		return EXIT_OK;
	}
	if (argc >= 2 && argv[1][0] != '-' && (e = main_find(argv[1])) == NULL) {
		fprintf(stderr, "armpy: unknown command '%s'; see 'armpy --help'\n",
		    quote_short(argv[1]));
		return EXIT_USAGE;
	}
	if (e != &cmd_main_entry) {
		argc--;
		argv++;
	}
	if ((a = args_parse(&e->args, argc, argv, &cause)) == NULL) {
		fprintf(stderr, "%s: %s\n", cmd_prefix(e), cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (args_has(a, "--help")) {
		if (e == &cmd_main_entry)
			usage_print(stdout);
		else
			cmd_help(e, stdout);
		rc = EXIT_OK;
	} else
		rc = e->exec(a);
	args_free(a);
	return rc;
}

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* Every message escapes hostile bytes; stdout too when a person reads it on a terminal
	 * (redirected, YAML keeps its exact bytes). Children keep fds 1 and 2 as they are. */
	vis_stdout_raw = stdout;
	vis_stream_open(&stderr, STDERR_FILENO, _IONBF);
	if (isatty(STDOUT_FILENO))
		vis_stream_open(&stdout, STDOUT_FILENO, _IOLBF);
	return stdout_check(main_dispatch(argc, argv));
}

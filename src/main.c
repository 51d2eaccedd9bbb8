/* main.c — entry point: dispatches to the command table, prints help and version, checks output. */
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
	&cmd_bench_entry,
	NULL,
};

void
usage_print(FILE *f)
{
	fprintf(f,
	    "armpy %s — a validated NumPy/SciPy stack on the BLAS you choose, for Arm64 servers\n"
	    "\n"
	    "Usage:\n", ARMPY_VERSION);
	for (const struct cmd_entry *const *e = cmd_table; *e != NULL; e++)
		fprintf(f, "  %s\n", (*e)->usage);
	fprintf(f,
	    "\n"
	    "Commands:\n");
	for (const struct cmd_entry *const *e = cmd_table; *e != NULL; e++)
		if ((*e)->name != NULL)
			fprintf(f, "  %-10s %s\n", (*e)->name, (*e)->summary);
	fprintf(f,
	    "\n"
	    "Detection overrides (every command): --root DIR, --os-release FILE, --cpuinfo FILE,\n"
	    "  --arch ARCH. Use them to plan for another machine or under qemu-user, where\n"
	    "  /proc/cpuinfo shows the host CPU.\n"
	    "\n"
	    "A plan is code: it runs commands as root. Read it (--dry-run, or the wizard's review\n"
	    "screen) before you run it, and only run plans you trust.\n"
	    "\n"
	    "Exit status: 0 ok; 1 a step or a validation check failed, or the output could not be\n"
	    "written; 2 usage error or bad input; 130 interrupted.\n"
	    "See armpy(1) and docs/profile.md for the profile format.\n");
}

int
cmd_detect_option(int argc, char **argv, int *i, struct detect_opts *d)
{
	static const char *names[] = { "--root", "--os-release", "--cpuinfo", "--arch" };
	const char *arg = argv[*i];
	const char *val = NULL;
	size_t k;

	for (k = 0; k < nitems(names); k++) {
		size_t n = strlen(names[k]);
		if (strcmp(arg, names[k]) == 0) {
			if (*i + 1 >= argc) {
				fprintf(stderr, "armpy: %s needs an argument\n", names[k]);
				return -1;
			}
			val = argv[++*i];
			break;
		}
		if (strncmp(arg, names[k], n) == 0 && arg[n] == '=') {
			val = arg + n + 1;
			break;
		}
	}
	switch (k) {
	case 0:
		d->root = val;
		return 1;
	case 1:
		d->os_release = val;
		return 1;
	case 2:
		d->cpuinfo = val;
		return 1;
	case 3:
		d->arch = val;
		return 1;
	}
	return 0;
}

void
cmd_show(const char *text)
{
	char *v;

	if (!isatty(STDOUT_FILENO)) {
		fputs(text, stdout);
		return;
	}
	v = vis_strf(text, VIS_NL | VIS_TAB | VIS_KEEPBS);
	fputs(v, stdout);
	free(v);
}

/* stderr's writes: every message escaped on its way out (vis.h), so an error that quotes a
 * hostile input cannot send its bytes to the terminal raw. Backslashes stay (YAML escapes). */
static ssize_t
stderr_write(void *cookie, const char *data, size_t len)
{
	struct buf b;
	size_t off = 0;
	ssize_t n;

	(void)cookie;
	buf_init(&b);
	vis_buf(&b, data, len, VIS_NL | VIS_TAB | VIS_KEEPBS);
	while (off < b.len) {
		n = write(STDERR_FILENO, b.data + off, b.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;          /* nowhere left to complain to */
		off += (size_t)n;
	}
	buf_free(&b);
	return (ssize_t)len;
}

/* Every fprintf(stderr, ...) of armpy goes through stderr_write; children keep fd 2 as is. */
static void
stderr_escape(void)
{
	cookie_io_functions_t io = { .write = stderr_write };
	FILE *f = fopencookie(NULL, "w", io);

	if (f == NULL)
		return;
	setvbuf(f, NULL, _IONBF, 0);
	stderr = f;
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
	if (!failed)
		return rc;
	if (errno != 0)
		fprintf(stderr, "armpy: cannot write the output: %s\n", strerror(errno));
	else
		fprintf(stderr, "armpy: cannot write the output (standard output failed)\n");
	return rc == EXIT_OK ? EXIT_FAILED : rc;
}

static int
main_dispatch(int argc, char **argv)
{
	if (argc >= 2) {
		if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
		    strcmp(argv[1], "help") == 0) {
			usage_print(stdout);
			return EXIT_OK;
		}
		if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
			printf("armpy %s\n", ARMPY_VERSION);
			return EXIT_OK;
		}
		for (const struct cmd_entry *const *e = cmd_table; *e != NULL; e++) {
			if ((*e)->name == NULL || strcmp((*e)->name, argv[1]) != 0)
				continue;
			if ((*e)->help != NULL && argc >= 3 && (strcmp(argv[2], "--help") == 0 ||
			    strcmp(argv[2], "-h") == 0)) {
				printf("usage: %s\n\n%s.\n\n%s", (*e)->usage, (*e)->summary,
				    (*e)->help);
				return EXIT_OK;
			}
			return (*e)->exec(argc - 1, argv + 1);
		}
		if (argv[1][0] != '-') {
			fprintf(stderr, "armpy: unknown command '%s' (see armpy --help)\n", argv[1]);
			return EXIT_USAGE;
		}
	}
	return cmd_main_entry.exec(argc, argv);
}

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	stderr_escape();
	return stdout_check(main_dispatch(argc, argv));
}

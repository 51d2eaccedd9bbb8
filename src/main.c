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

FILE *cmd_stdout_raw;

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

/* A stream to a person: what armpy writes goes out escaped (vis.h) on fd, a character cut
 * between two writes waits for the rest. Backslashes stay (YAML has escapes of its own). */
struct vis_stream {
	int fd;
	int failed;           /* a write failed: the stream reports it (stdout exits 1) */
	size_t npend;
	char pend[4];
};

static int
vis_stream_out(struct vis_stream *v, const char *data, size_t len)
{
	struct buf b;

	buf_init(&b);
	vis_buf(&b, data, len, VIS_NL | VIS_TAB | VIS_KEEPBS);
	if (write_all(v->fd, b.data, b.len) != 0)
		v->failed = 1;
	buf_free(&b);
	return v->failed ? -1 : 0;
}

static ssize_t
vis_stream_write(void *cookie, const char *data, size_t len)
{
	struct vis_stream *v = cookie;
	struct buf b;
	size_t keep;
	int rc;

	buf_init(&b);
	buf_add(&b, v->pend, v->npend);
	buf_add(&b, data, len);
	keep = vis_partial(b.data, b.len);
	v->npend = keep;
	memcpy(v->pend, b.data + b.len - keep, keep);
	rc = vis_stream_out(v, b.data, b.len - keep);
	buf_free(&b);
	return rc == 0 ? (ssize_t)len : -1;
}

static int
vis_stream_close(void *cookie)
{
	struct vis_stream *v = cookie;
	int rc = v->npend > 0 ? vis_stream_out(v, v->pend, v->npend) : 0;

	return rc == 0 && !v->failed ? 0 : -1;
}

/* *fp becomes a stream that escapes what it writes to fd; the old one is kept for curses. */
static void
vis_stream_open(FILE **fp, int fd, int mode)
{
	static struct vis_stream streams[2];
	cookie_io_functions_t io = { .write = vis_stream_write, .close = vis_stream_close };
	struct vis_stream *v = &streams[fd == STDERR_FILENO];
	FILE *f;

	v->fd = fd;
	if ((f = fopencookie(v, "w", io)) == NULL)
		return;
	setvbuf(f, NULL, mode, 0);
	fflush(*fp);
	*fp = f;
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
	if (stdout != cmd_stdout_raw && fclose(stdout) != 0)
		failed = 1;             /* the escaping stream: its last bytes, its errors */
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
	/* Every message escapes hostile bytes; stdout too when a person reads it on a terminal
	 * (redirected, YAML keeps its exact bytes). Children keep fds 1 and 2 as they are. */
	cmd_stdout_raw = stdout;
	vis_stream_open(&stderr, STDERR_FILENO, _IONBF);
	if (isatty(STDOUT_FILENO))
		vis_stream_open(&stdout, STDOUT_FILENO, _IOLBF);
	return stdout_check(main_dispatch(argc, argv));
}

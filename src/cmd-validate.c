/* cmd-validate.c — `armpy validate`: which BLAS/LAPACK really serve NumPy, checked against the DevKit guide. */
#include "armpy.h"
#include "cmd.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
cmd_validate_usage(FILE *f)
{
	fprintf(f,
	    "usage: armpy validate [--python PATH] [--root DIR] [--expect openblas|blis]\n"
	    "                      [--format text|yaml] [--quick] [--env NAME=VALUE]...\n"
	    "                      [--no-login-env]\n"
	    "\n"
	    "Runs a probe inside the target Python that resolves NumPy's cblas_dgemm and\n"
	    "numpy.linalg's dgetrf_ the way the dynamic linker does (dlsym through the extension\n"
	    "module, dladdr, realpath) and identifies the libraries by their exported symbols.\n"
	    "Names the kernels each library runs on this CPU (OpenBLAS's core, BLIS's\n"
	    "sub-configuration) and warns about generic reference kernels. Checks the version\n"
	    "floors of the DevKit guide (Python on Arm64), duplicate BLAS, thread settings,\n"
	    "dgemm/solve correctness, and measures dgemm GFLOPS at 1 and all threads.\n"
	    "\n"
	    "The probe runs with the variables of this environment that change which BLAS or\n"
	    "kernels load and how they run (OPENBLAS_*, GOTO*, BLIS_*, OMP_*, GOMP_*, KMP_*,\n"
	    "MKL_*, FLEXIBLAS*, LD_PRELOAD, LD_LIBRARY_PATH), and reports each one set.\n"
	    "\n"
	    "  --python PATH  interpreter to probe (default python3)\n"
	    "  --root DIR     chroot into DIR first (root only); PATH is inside DIR\n"
	    "  --expect LIB   fail unless LIB (openblas or blis) serves cblas_dgemm\n"
	    "  --format FMT   text (default) or yaml\n"
	    "  --quick        fixed small sizes (emulation, tests)\n"
	    "  --env N=V      extra environment for the probe (thread settings)\n"
	    "  --no-login-env with --root: do not apply the BLAS settings armpy wrote there for\n"
	    "                 logins (/etc/profile.d/armpy-blas.sh, or the venv's armpy-blas.sh)\n"
	    "\n"
	    "Exit: 0 every check passed, 1 a check failed, 2 bad usage.\n");
}

static int
cmd_validate_exec(int argc, char **argv)
{
	struct validate_opts o;
	struct validate_report *r;
	const char *format = "text";
	char *cause = NULL, *out, **env = strv_new();
	int i, rc;

	memset(&o, 0, sizeof o);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int has = i + 1 < argc;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cmd_validate_usage(stdout);
			strv_free(env);
			return EXIT_OK;
		}
		if (strcmp(a, "--quick") == 0) {
			o.quick = 1;
			continue;
		}
		if (strcmp(a, "--no-login-env") == 0) {
			o.no_login_env = 1;
			continue;
		}
		if (strcmp(a, "--python") != 0 && strcmp(a, "--root") != 0 &&
		    strcmp(a, "--expect") != 0 && strcmp(a, "--format") != 0 &&
		    strcmp(a, "--env") != 0) {
			fprintf(stderr, "armpy validate: unknown argument '%s'\n", a);
			goto usage;
		}
		if (!has || argv[i + 1][0] == '\0') {
			fprintf(stderr, "armpy validate: %s needs an argument\n", a);
			goto usage;
		}
		i++;
		if (strcmp(a, "--python") == 0)
			o.python = argv[i];
		else if (strcmp(a, "--root") == 0)
			o.root = argv[i];
		else if (strcmp(a, "--expect") == 0) {
			if (strcmp(argv[i], "openblas") != 0 && strcmp(argv[i], "blis") != 0) {
				fprintf(stderr, "armpy validate: --expect takes openblas or blis, not "
				    "'%s'\n", argv[i]);
				goto usage;
			}
			o.expect = argv[i];
		} else if (strcmp(a, "--format") == 0) {
			if (strcmp(argv[i], "text") != 0 && strcmp(argv[i], "yaml") != 0) {
				fprintf(stderr, "armpy validate: --format takes text or yaml, not "
				    "'%s'\n", argv[i]);
				goto usage;
			}
			format = argv[i];
		} else {
			if (strchr(argv[i], '=') == NULL || argv[i][0] == '=') {
				fprintf(stderr, "armpy validate: --env takes NAME=VALUE, not '%s'\n",
				    argv[i]);
				goto usage;
			}
			env = strv_push(env, argv[i]);
		}
	}
	o.env = env;
	if ((r = validate_run(&o, &cause)) == NULL) {
		fprintf(stderr, "armpy validate: %s\n", cause);
		free(cause);
		strv_free(env);
		return EXIT_FAILED;
	}
	out = strcmp(format, "yaml") == 0 ? validate_to_yaml(r) : validate_to_text(r);
	fputs(out, stdout);
	free(out);
	rc = validate_passed(r) ? EXIT_OK : EXIT_FAILED;
	validate_report_free(r);
	strv_free(env);
	if (fflush(stdout) != 0)
		return EXIT_FAILED;
	return rc;
usage:
	cmd_validate_usage(stderr);
	strv_free(env);
	return EXIT_USAGE;
}

const struct cmd_entry cmd_validate_entry = {
	.name = "validate",
	.usage = "armpy validate [--python PATH] [--root DIR] [--expect openblas|blis] "
	    "[--format text|yaml] [--quick] [--no-login-env]",
	.summary = "tell which BLAS/LAPACK and kernels really serve NumPy, and check them",
	.exec = cmd_validate_exec,
};

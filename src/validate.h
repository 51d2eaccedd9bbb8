/* validate.h — the truth about the BLAS that serves NumPy, and a native BLAS benchmark. */
#ifndef VALIDATE_H
#define VALIDATE_H

struct yemit;

enum check_verdict { VERDICT_PASS, VERDICT_WARN, VERDICT_FAIL, VERDICT_INFO };

struct validate_check {
	char *name;       /* "blas-library", "numpy-version", "dgemm-correctness", ... */
	enum check_verdict verdict;
	char *detail;
};

struct validate_lib {
	char *path;       /* realpath of the serving library */
	char *kind;       /* openblas | blis | flexiblas | mkl | armpl | reference | unknown */
	char *version;
	char *corename;   /* OpenBLAS core, e.g. NEOVERSEN1 */
	char *threading;  /* openmp | pthreads | serial | unknown */
};

struct validate_report {
	char *python;             /* interpreter path */
	char *numpy_version, *scipy_version;
	struct validate_lib blas, lapack;
	double gflops_1, gflops_all;   /* < 0 when not measured */
	int threads_all;
	double peak_gflops;            /* < 0 unknown */
	int emulated;
	struct validate_check *checks;
	int nchecks;
};

struct validate_opts {
	const char *python;     /* default python3 (or the venv's) */
	const char *root;       /* chroot */
	const char *expect;     /* openblas | blis | NULL */
	int quick;              /* small sizes (emulation, tests) */
	char **env;             /* extra NAME=value for the probe */
};

struct validate_report *validate_run(const struct validate_opts *, char **cause);
/* Parse the probe's YAML and decide the verdicts (pure; used by unit tests). */
struct validate_report *validate_from_probe(const char *yaml, size_t len,
    const struct validate_opts *, char **cause);
void validate_report_free(struct validate_report *);
int validate_passed(const struct validate_report *);     /* no FAIL */
char *validate_to_yaml(const struct validate_report *);
char *validate_to_text(const struct validate_report *);
const char *verdict_name(enum check_verdict);

#endif

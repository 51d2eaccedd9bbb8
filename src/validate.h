/* validate.h — the truth about the BLAS that serves NumPy, and a native BLAS benchmark. */
/* SPDX-License-Identifier: MIT */
#ifndef VALIDATE_H
#define VALIDATE_H

#include <stddef.h>

struct yemit;
struct facts;
struct thorough_report;

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
	/* added by the validate module (compatible extension) */
	char *consumer;   /* the module whose symbol was resolved: numpy._multiarray_umath */
	char *symbol;     /* the symbol resolved: cblas_dgemm, scipy_cblas_dgemm64_, dgetrf_ */
	char *scope;      /* module (its dependency scope) | global (preload, RTLD_GLOBAL) */
	char *provider;   /* realpath of the file exporting the identification symbols */
	char *evidence;   /* how the kind was decided: "exports openblas_get_config" */
	char *config;     /* openblas_get_config() text */
	char *kernels;    /* kernel set running here: OpenBLAS's core, BLIS's sub-configuration
	                   * (bli_arch_string), NULL unknown */
	char *kernels_evidence;  /* how the kernel set was found out */
	/* a dispatcher (FlexiBLAS): the backend it runs, as it names it and as identified (kind,
	 * version, the file); threading and kernels above are the backend's. NULL otherwise. */
	char *backend, *backend_kind, *backend_version, *backend_path;
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
	/* added by the validate module (compatible extension) */
	struct validate_lib scipy_blas, scipy_lapack;  /* path NULL when SciPy is absent */
	char **mapped;                 /* BLAS/LAPACK-like files mapped in the probe process */
	char **errors;                 /* what the probe could not find out */
	double dgemm_relerr;           /* < 0 not measured */
	double solve_residual, scipy_solve_residual;   /* < 0 not measured */
	int n_1, n_all;                /* matrix sizes of the two timings */
	int cpu_count;                 /* CPUs the probe may run on */
	double peak_1;                 /* one core's FP64 peak, < 0 unknown */
	char *speed_method;            /* how the GFLOPS were measured */
	double first_1, first_all;     /* the first timing when all threads measured slower than
	                                * one and both were measured again; < 0 otherwise */
	double cgroup_cpus;            /* cgroup v2 cpu.max quota in CPUs, < 0 none or unknown */
	double loadavg;                /* 1-minute load average during the probe, < 0 unknown */
	double clock_mhz;              /* the clock the peak uses, < 0 unknown */
	int flops_per_cycle;           /* the FP64 FLOPs/cycle the peak uses, 0 unknown */
	char *clock_source;            /* where that clock comes from */
	char **env;                    /* NAME=value: the probe's variables that change which
	                                * BLAS or kernels load and how they run */
	char **env_applied;            /* NAME=value taken from the root's login settings */
	char *env_applied_from;        /* the file they came from */
	char *probe_yaml;              /* raw probe output (validate_run only) */
	/* added by --thorough: upstream's own tests, NULL when not asked for. Not owned: the
	 * report does not free it (thorough_free does) */
	struct thorough_report *thorough;
};

struct validate_opts {
	const char *python;     /* default python3 (or the venv's) */
	const char *root;       /* chroot */
	const char *expect;     /* LIB[:THREADING] (validate_expect_parse) | NULL */
	int quick;              /* small sizes (emulation, tests) */
	char **env;             /* extra NAME=value for the probe */
	/* added: the machine (CPU target, peak, emulation); NULL = validate_run detects it,
	 * validate_from_probe treats NULL as unknown */
	const struct facts *facts;
	/* the clock measured on this machine in MHz (validate_run measures it unless emulated);
	 * 0 = not measured */
	double clock_mhz;
	int no_login_env;       /* with root: do not apply the thread settings armpy wrote there */
	/* set by validate_run: the NAME=value a login in root gets, and the file they come from */
	char **login_env;
	const char *login_from;
};

/* Check names, in report order: probe, environment, blas-library, lapack-library,
 * blas-threading (with an expected threading), duplicate-blas, numpy-version, scipy-version, openblas-version, blas-version, openblas-core,
 * blis-kernels, threads, dgemm-correctness, lapack-correctness, speed, thread-scaling. */
const struct validate_check *validate_find(const struct validate_report *, const char *name);
/* The probe script's text (ARMPY_PROBE env, source tree next to the binary, ARMPY_DATADIR). */
char *validate_probe_text(char **cause);
/* FP64 FLOPs per cycle of one core from the facts (docs/peak.md cites each row), 0 unknown. */
int validate_core_flops(const struct facts *);
/* FP64 peak of one core in GFLOPS: the larger of the facts' nominal clock and clock_mhz
 * (measured; 0 none) times validate_core_flops(); < 0 when unknowable. */
double validate_core_peak(const struct facts *, double clock_mhz);
/* An expectation "LIB" or "LIB:THREADING" (armpy validate --expect, a plan's validate step):
 * LIB openblas|blis|reference|mkl|nvpl|armpl (met by that library loaded directly or as
 * FlexiBLAS's backend), THREADING openmp|pthreads|serial. 0 with *lib and *threading (NULL when
 * not given) set to static words, or -1 and cause. Pure. */
int validate_expect_parse(const char *expect, const char **lib, const char **threading,
    char **cause);
/* The threading of a file in a Debian threading-variant directory, from that directory
 * (/usr/lib/<triplet>/openblas-openmp/...: openmp; blis-pthread: pthreads; -serial: serial);
 * NULL for any other path. Pure. */
const char *validate_path_threading(const char *path);
/* What an environment variable does to the BLAS ("forces OpenBLAS's Haswell kernels"), or
 * NULL when it is not one that changes which library or kernels load. Pure. */
const char *validate_env_effect(const char *name);
/* NAME=value lines from a login script armpy wrote (export NAME=value; comments, blank
 * lines); names must be BLAS/thread variables and values plain. Pure. */
char **validate_login_env(const char *text);

struct validate_report *validate_run(const struct validate_opts *, char **cause);
/* The whole environment the probe runs with under o (the root's login settings applied as
 * validate_run applies them), for another process that must see the same (--thorough). */
char **validate_probe_environ(const struct validate_opts *o);
/* The probe's facts about one library file (armpy-probe.py --identify PATH under python),
 * decided by blasid_decide into l, which validate_lib_clear frees: 0, or -1 and cause. */
int validate_identify_file(const char *python, const char *path, struct validate_lib *l,
    char **cause);
void validate_lib_clear(struct validate_lib *);
/* Parse the probe's YAML and decide the verdicts (pure; used by unit tests). */
struct validate_report *validate_from_probe(const char *yaml, size_t len,
    const struct validate_opts *, char **cause);
void validate_report_free(struct validate_report *);
int validate_passed(const struct validate_report *);     /* no FAIL */
char *validate_to_yaml(const struct validate_report *);
void validate_emit(const struct validate_report *, struct yemit *);
char *validate_to_text(const struct validate_report *);
const char *verdict_name(enum check_verdict);
/* A library kind as people name it ("OpenBLAS", "BLIS", "reference (netlib)"); an unknown
 * kind as it is, NULL as "unknown". */
const char *validate_kind_label(const char *kind);

/* blasid.c: identify a dlopen'ed library by the symbols it (or its dependencies) export:
 * openblas_get_config/corename/parallel, bli_info_get_version_str, flexiblas_*, MKL, ArmPL;
 * wheel decorations (scipy_ prefix, 64_ suffix) included. Libraries that export only the BLAS
 * API are told apart by strings compiled into them (Debian's BLIS libblas.so.3 hides bli_*;
 * its version then comes from the libblis.so.* beside it). Fills every field. */
struct blasid {
	char kind[16];        /* openblas | blis | flexiblas | mkl | armpl | reference | unknown */
	char version[64];
	char threading[16];   /* openmp | pthreads | serial | unknown */
	char corename[64];
	char config[256];
	char evidence[320];
	char kernels[64];     /* kernel set the library selected at run time on this CPU: OpenBLAS's
	                       * corename, BLIS's bli_arch_string(bli_arch_query_id()); "" unknown */
	char kernels_evidence[320];   /* how the kernel set was found out */
	/* A dispatcher (FlexiBLAS): the backend it runs, as it names it ("OPENBLAS-OPENMP") and as
	 * identified like a directly loaded library; threading and kernels above are the
	 * backend's, the ones that run. Empty when not a dispatcher or unknown. */
	char backend[64];
	char backend_kind[16];
	char backend_version[64];
};
/* What a library shows, as armpy-probe.py gathers it inside the target Python or
 * blasid_identify here: facts only, no decision. blasid_decide alone turns them into a kind,
 * version, threading and kernel set, so both ways answer alike. NULL strings and -1 ints are
 * unknown. */
struct blasid_facts {
	const char *path;         /* the library asked about */
	char *const *symbols;     /* identification symbols (blasid_probe_args' --id) it exports, or a
	                           * vendor core it links does, as found: scipy_openblas_get_config64_ */
	const char *provider;     /* the file the first of them is defined in */
	char *const *markers;     /* every kind whose marker its contents hold */
	int plain_api;            /* exports dgemm_, cblas_dgemm or dgetrf_ */
	const char *config, *corename;   /* openblas_get_config(), openblas_get_corename() */
	int parallel;             /* openblas_get_parallel() */
	const char *version;      /* bli_info_get_version_str(); FlexiBLAS's, MKL's, ArmPL's */
	int blis_openmp, blis_pthreads;  /* bli_info_get_enable_openmp(), ..._pthreads() */
	const char *blis_arch;    /* bli_arch_string(bli_arch_query_id()) of the library itself */
	const char *sibling;      /* a libblis.so.* in its directory, and what that one says */
	const char *sibling_version, *sibling_arch;
	int sibling_openmp, sibling_pthreads;
	const char *arch_debug;   /* the sub-configuration BLIS named under BLIS_ARCH_DEBUG=1 while
	                           * NumPy ran a @ b (the probe, for the BLAS role only) */
	int version_code;         /* nvpl_blas_get_version(): major * 10000 + minor * 100 + patch */
	const char *backend;      /* flexiblas_current_backend() */
	const struct blasid_facts *backend_facts;   /* the facts of the file FlexiBLAS loaded for
	                           * it (a libflexiblas_*.so among the mapped files), or NULL */
	char *const *mapped;      /* the library files mapped in the process (/proc/self/maps) */
};
void blasid_decide(const struct blasid_facts *, struct blasid *);
/* The tables the probe gathers facts with (it has none of its own), as its argv words:
 * --decor=PREFIX,SUFFIX (wheel decorations), --id=SYMBOL (identification symbols, in the
 * order blasid_decide takes them), --marker=KIND:TEXT (strings compiled into libraries that
 * hide their API; the probe reports every KIND whose TEXT it finds). */
char **blasid_probe_args(void);
/* Row i of those tables for docs/facts.md (the identification functions, then the vendors'
 * file names): the function or file-name beginning, with *kind, *source (where its name and
 * signature are documented) and *checked (YYYY-MM-DD); NULL past the last row. */
const char *blasid_fact(size_t i, const char **kind, const char **source, const char **checked);
/* The kind and threading a library file's name says (the files table: libmkl_sequential.so
 * serial, libnvpl_blas_lp64_gomp.so.0 openmp, libarmpl_lp64_mp.so openmp); *threading NULL
 * when the name does not say. The kind, or NULL for a name not in the table. Pure. */
const char *blasid_file_kind(const char *path, const char **threading);
/* The release in MKL's mkl_get_version_string() text ("Intel(R) Math Kernel Library Version
 * 2020.0.4 Product Build ..." gives "2020.0.4"; oneMKL's "Version 2024.0-Product" "2024.0");
 * 0 and out filled, or -1. Pure. */
int blasid_mkl_version(const char *text, char *out, size_t len);
/* nvpl_blas_get_version()'s number as major.minor.patch; 0, or -1 for a negative one. Pure. */
int blasid_nvpl_version(int code, char *out, size_t len);
/* The kind and threading a FlexiBLAS backend name says ("OPENBLAS-OPENMP": openblas, openmp;
 * "NETLIB": reference; "BLIS-THREADS": blis, pthreads); NULL for a name it does not know. Pure. */
const char *blasid_backend_kind(const char *name, const char **threading);
/* The file FlexiBLAS loaded for the backend it names (flexiblas_current_backend()) among the
 * mapped files: "OPENBLAS-OPENMP" is .../libflexiblas_openblas-openmp.so (any case), a path
 * (FLEXIBLAS=/path/lib.so) is that file; else a library= of its own configuration: the one
 * mapped file not named libflexiblas*. NULL when none is, or two could be. armpy-probe.py
 * picks it alike. */
const char *blasid_backend_file(const char *name, char *const *mapped);
/* Whether a kernel set is a library's generic (reference, not CPU-tuned) one. */
int blasid_kernels_generic(const char *kind, const char *kernels);
/* The sub-configuration BLIS names when BLIS_ARCH_DEBUG=1 ("libblis: selecting
 * sub-configuration 'zen3'."): the library's own words, even where it hides bli_*. The last
 * one in text wins; 0 and out filled, or -1. Pure. */
int blasid_blis_debug_parse(const char *text, char *out, size_t len);
/* The kind a library's contents name ("libblis: " blis, "OpenBLAS", "FlexiBLAS", MKL's and
 * ArmPL's names), the first in that order, or NULL. Pure. */
const char *blasid_markers(const char *data, size_t len);
/* The release number in openblas_get_config()'s text ("OpenBLAS 0.3.27.dev ..." gives
 * "0.3.27"); 0 and out filled, or -1 when there is none or it does not fit. Pure. */
int blasid_openblas_version(const char *config, char *out, size_t len);
/* openblas_get_parallel()'s answer as a word: serial, pthreads, openmp or unknown. Pure. */
const char *blasid_openblas_threading(int parallel);
void blasid_identify(void *handle, const char *path, struct blasid *);
/* Resolve cblas_dgemm under its plain or wheel names; *int64 says the ints are 64-bit. */
void *blasid_dgemm(void *handle, int *int64, const char **name);
/* Threads the library will use, -1 unknown. */
int blasid_threads(void *handle);

/* bench.c: a native dgemm benchmark of every BLAS on the system, each in its own process. */
#define BENCH_REPEAT 5            /* samples of each cell by default */
#define BENCH_MAX_REPEAT 100
#define BENCH_THREADS_PER_CPU 4   /* --threads: at most this many per online CPU, */
#define BENCH_MAX_THREADS 1024    /* and never more than this */
#define BENCH_MAX_SIZE 16384      /* --size: at most this, and 3 matrices in half MemAvailable */
struct bench_opts {
	const char *root;     /* chroot first (same arch, glibc no newer than ours) */
	int threads;          /* 0: 1 and all cores; N: 1 and N */
	int size;             /* 0: default sizes */
	int quick;
	int repeat;           /* samples of each cell, 1..BENCH_MAX_REPEAT; 0: BENCH_REPEAT */
	/* When set, bench_run calls it as the work goes: before each step (one library at one
	 * thread count, every size in order; sizes predicted to take over 8 s a call are skipped
	 * inside the step) with step 1..total and sizes like "1000,2000", then once more with
	 * step == total and path NULL when every step has run. */
	void (*progress)(void *arg, int step, int total, const char *path, int threads,
	    const char *sizes);
	void *progress_arg;
};
struct bench_result {
	char *path;           /* the candidate as found (realpath) */
	struct blasid id;
	int alternative;      /* a libblas.so.3 alternatives candidate */
	int threads;          /* what the environment asked for */
	int lib_threads;      /* what the library reports, -1 unknown */
	int n;
	double seconds, gflops;   /* the median of the samples; gflops < 0 not measured */
	double gflops_min, gflops_max;   /* the spread of the samples (0: only gflops known) */
	int samples;
	char *error;          /* why not measured (failed, or skipped) */
};
struct bench_report {
	char *triplet;
	struct bench_result *results;
	int nresults;
	char *recommendation;
};
struct bench_report *bench_run(const struct bench_opts *, char **cause);
void bench_report_free(struct bench_report *);
void bench_emit(const struct bench_report *, struct yemit *);
char *bench_to_yaml(const struct bench_report *);
char *bench_to_text(const struct bench_report *);
/* The recommendation line for a set of results (pure; unit-tested): the library with the
 * higher median at the largest size and thread count, unless the other's spread (min-max)
 * reaches it: then "no clear winner". A library on generic kernels never wins over tuned. */
char *bench_recommend(const struct bench_result *, int n);
/* 0 when this machine can run o (pure; unit-tested): threads at most BENCH_THREADS_PER_CPU x
 * cpus (online CPUs; <= 0 unknown) and BENCH_MAX_THREADS; sizes at most BENCH_MAX_SIZE with
 * their three matrices in half of mem_available (bytes; <= 0 unknown); repeat in range.
 * Else -1 with *cause saying what and why. */
int bench_limits(const struct bench_opts *o, long cpus, long long mem_available, char **cause);

/* validate-thorough.c: upstream's own tests (armpy validate --thorough). NumPy's and SciPy's
 * linalg suites run under pytest in the probe's Python, root and environment, one pytest
 * process (own process group, fresh private directory as its cwd and TMPDIR, no bytecode or
 * cache written) per suite; nothing is installed. Their JUnit XML and terminal text are
 * hostile input, read bounded. */
#define THOROUGH_TIMEOUT 1800        /* seconds for all the suites (--thorough-timeout) */
#define THOROUGH_MAX_TIMEOUT 86400
#define THOROUGH_MAX_FAILING 5       /* failing test ids kept of each suite */
#define THOROUGH_MAX_KEYWORD 200     /* bytes of a -k expression */
#define THOROUGH_MAX_JUNIT (16 << 20)

enum thorough_status {
	THOROUGH_PASSED,       /* tests ran, none failed */
	THOROUGH_FAILED,       /* a test failed or errored */
	THOROUGH_NOT_RUN,      /* pytest (or what the suite's conftest needs) does not import, or
	                        * the suite's package does not */
	THOROUGH_NONE,         /* -k selected no test in it */
	THOROUGH_TIMEOUT_HIT,  /* killed at the deadline */
	THOROUGH_INTERRUPTED,  /* killed on SIGINT/SIGTERM of armpy */
	THOROUGH_ERROR,        /* pytest gave no result (internal or usage error, no summary) */
};
struct thorough_counts {
	long passed, failed, errors, skipped, xfailed, xpassed;
};
struct thorough_suite {
	char *name;                  /* numpy.linalg | scipy.linalg */
	enum thorough_status status;
	struct thorough_counts n;    /* all 0 unless ran */
	char **failing;              /* the first THOROUGH_MAX_FAILING failed/errored test ids */
	double seconds;              /* < 0 not run */
	int exit_code;               /* pytest's, -1 none */
	char *source;                /* where the counts come from: junit | summary | NULL */
	char *reason;                /* why not run, or what went wrong; NULL */
	long done;                   /* tests seen finishing (pytest's progress characters) */
	int optional;                /* part of "all", not asked for by name: its package not
	                              * importing is no failure */
};
struct thorough_report {
	enum thorough_status status;   /* the worst of the suites' */
	char *python;
	char *pytest_version;          /* NULL: pytest does not import there */
	char *selection;               /* numpy | scipy | all */
	char *keyword;                 /* the -k expression, NULL none */
	char *blas, *blas_path;        /* the library the probe found serving cblas_dgemm */
	int timeout;
	double seconds;
	struct thorough_suite *suites;
	int nsuites;
	int signo;                     /* the signal that interrupted the run, 0 none */
};
struct thorough_opts {
	const char *suite;     /* numpy | scipy | all; NULL all */
	const char *keyword;   /* pytest -k expression (thorough_keyword_check), NULL none */
	int timeout;           /* seconds for all suites; 0: THOROUGH_TIMEOUT */
	int progress;          /* tests done and time elapsed on stderr while it runs */
};
/* 0 when expr may be given to pytest's -k: at most THOROUGH_MAX_KEYWORD bytes of letters,
 * digits, spaces and _ . : [ ] ( ) + / -, not starting with '-' (so it never reads as an
 * option). Else -1 with *cause. Pure. */
int thorough_keyword_check(const char *expr, char **cause);
/* --thorough-timeout: a whole number of seconds 1..THOROUGH_MAX_TIMEOUT into *out; -1 with
 * *cause otherwise. Pure. */
int thorough_timeout_parse(const char *s, int *out, char **cause);
/* Runs the suites asked for; probe is the report of validate_run under the same vo (its BLAS
 * is recorded). NULL with *cause only when nothing could be set up (a temp directory). On
 * SIGINT/SIGTERM the suite running is killed (its process group) and signo says which. */
struct thorough_report *thorough_run(const struct thorough_opts *, const struct validate_opts *vo,
    const struct validate_report *probe, char **cause);
void thorough_free(struct thorough_report *);
/* Adds the upstream-tests check to r (FAIL unless every suite asked for passed or was not
 * selected by -k while another ran tests) and points r->thorough at t (not owned). */
void thorough_verdict(struct validate_report *r, struct thorough_report *t);
/* The upstream_tests: key and its map (validate_emit calls it when r->thorough is set). */
void thorough_emit(const struct thorough_report *, struct yemit *);
const char *thorough_status_name(enum thorough_status);
/* Pure parsers of pytest's output (hostile: any bytes, NUL included, only len read).
 * thorough_junit_parse: counts and the first failing ids ("numpy.linalg.tests.test_linalg.
 * TestSolve.test_sq_cases"; suite prefixes a relative classname) of a JUnit XML file; 0, or -1
 * with *cause when it holds no testsuite. *failing is new (NULL-ended). */
int thorough_junit_parse(const char *xml, size_t len, const char *suite,
    struct thorough_counts *n, char ***failing, char **cause);
/* The counts of pytest's last summary line ("414 passed, 1 skipped, 2 xfailed in 27.50s");
 * 0, or -1 when there is none. */
int thorough_summary_parse(const char *text, size_t len, struct thorough_counts *n);
/* The module of the last "No module named 'X'" in text (top level, a plain name), new; NULL
 * none. */
char *thorough_missing_module(const char *text, size_t len);
/* Tests done in a chunk of pytest -q's progress output; *state carries a line across chunks
 * (start at 0). */
long thorough_progress_count(const char *chunk, size_t len, int *state);

#endif

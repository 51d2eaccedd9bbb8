/* test-blasid.c — unit tests for blasid.c: its parsers on strings recorded from real libraries, and identify on the real ones where installed. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <stdio.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "armpy.h"
#include "validate.h"

/* openblas_get_config() as real builds answer it (tests/fixtures/probe/: Debian 11's 0.3.13,
 * bookworm's 0.3.21 on x86_64 and arm64, a scipy-openblas wheel's 0.3.27.dev). */
static void
test_openblas_version(void **state)
{
	static const struct { const char *config, *version; } ok[] = {
		{ "OpenBLAS 0.3.13 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY neoversen1 MAX_THREADS=64",
		  "0.3.13" },
		{ "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64",
		  "0.3.21" },
		{ "OpenBLAS 0.3.21 NO_LAPACKE NO_AFFINITY ARMV8 MAX_THREADS=64", "0.3.21" },
		{ "OpenBLAS 0.3.27.dev DYNAMIC_ARCH NO_AFFINITY neoversen1 MAX_THREADS=64", "0.3.27" },
		{ "OpenBLAS 0.3.29", "0.3.29" },
	};
	static const char *bad[] = { "", "OpenBLAS", "OpenBLAS ", "OpenBLAS dev 0.3.21",
	    "OpenBLAS .3.21", "BLIS 0.9.0", "openblas 0.3.21" };
	char v[64];
	size_t i;
	(void)state;
	for (i = 0; i < nitems(ok); i++) {
		memset(v, 'x', sizeof v);
		assert_int_equal(blasid_openblas_version(ok[i].config, v, sizeof v), 0);
		assert_string_equal(v, ok[i].version);
	}
	for (i = 0; i < nitems(bad); i++)
		assert_int_equal(blasid_openblas_version(bad[i], v, sizeof v), -1);
	assert_int_equal(blasid_openblas_version(NULL, v, sizeof v), -1);
	/* A number that does not fit is refused, never cut short. */
	assert_int_equal(blasid_openblas_version("OpenBLAS 0.3.21 X", v, 6), -1);
	assert_int_equal(blasid_openblas_version("OpenBLAS 0.3.21 X", v, 7), 0);
	assert_string_equal(v, "0.3.21");
}

static void
test_openblas_threading(void **state)
{
	(void)state;
	assert_string_equal(blasid_openblas_threading(0), "serial");
	assert_string_equal(blasid_openblas_threading(1), "pthreads");
	assert_string_equal(blasid_openblas_threading(2), "openmp");
	assert_string_equal(blasid_openblas_threading(3), "unknown");
	assert_string_equal(blasid_openblas_threading(-1), "unknown");
}

/* BLIS_ARCH_DEBUG=1 on stderr, as Debian's BLIS 0.9.0 prints it ("libblis: selecting
 * sub-configuration '%s'." is the format string in its libblas.so.3). */
static void
test_blis_debug_parse(void **state)
{
	static const char *bad[] = {
		"", "libblis: selecting sub-configuration ''.\n",
		"libblis: selecting sub-configuration 'zen3\n",
		"libblis: selecting sub-configuration 'zen3; rm -rf /'.\n",
		"libblis: selecting sub-configuration 'Zen3'.\n",
		"libblis: selecting configuration 'zen3'.\n",
	};
	char k[16];
	size_t i;
	(void)state;
	assert_int_equal(blasid_blis_debug_parse("libblis: selecting sub-configuration 'zen3'.\n",
	    k, sizeof k), 0);
	assert_string_equal(k, "zen3");
	/* The last message wins (a library initialised twice, or forced by BLIS_ARCH_TYPE). */
	assert_int_equal(blasid_blis_debug_parse("libblis: selecting sub-configuration 'zen3'.\n"
	    "warning: x\nlibblis: selecting sub-configuration 'generic'.\n", k, sizeof k), 0);
	assert_string_equal(k, "generic");
	assert_int_equal(blasid_blis_debug_parse("libblis: selecting sub-configuration "
	    "'thunderx2'.\n", k, sizeof k), 0);
	assert_string_equal(k, "thunderx2");
	for (i = 0; i < nitems(bad); i++)
		assert_int_equal(blasid_blis_debug_parse(bad[i], k, sizeof k), -1);
	assert_int_equal(blasid_blis_debug_parse(NULL, k, sizeof k), -1);
	/* Too long for out: refused, not cut. */
	assert_int_equal(blasid_blis_debug_parse("libblis: selecting sub-configuration "
	    "'cortexa57'.\n", k, 9), -1);
}

static void
test_kernels_generic(void **state)
{
	(void)state;
	/* OpenBLAS's cores that fit every CPU of their architecture, in any case. */
	assert_true(blasid_kernels_generic("openblas", "ARMV8"));
	assert_true(blasid_kernels_generic("openblas", "armv8sve"));
	assert_true(blasid_kernels_generic("openblas", "Prescott"));
	assert_false(blasid_kernels_generic("openblas", "neoversen1"));
	assert_false(blasid_kernels_generic("openblas", "Cooperlake"));
	/* BLIS: only its reference config; armv8 is not a BLIS config name. */
	assert_true(blasid_kernels_generic("blis", "generic"));
	assert_false(blasid_kernels_generic("blis", "zen3"));
	assert_false(blasid_kernels_generic("blis", "armv8"));
	/* The reference BLAS is generic by nature; unknown kernels are not called generic. */
	assert_true(blasid_kernels_generic("reference", NULL));
	assert_false(blasid_kernels_generic("openblas", ""));
	assert_false(blasid_kernels_generic("blis", NULL));
}

/* Excerpts of the strings in real binaries (strings(1) of Debian's libraries). */
static void
test_markers(void **state)
{
	static const char blis[] = "\0libblis: sup var1n2m_opt_cases not yet implemented\0"
	    "libblis: selecting sub-configuration '%s'.\0";
	static const char openblas[] = "\0OpenBLAS : munmap failed:\0OpenBLAS Warning ... cannot "
	    "install fork handler.\0";
	static const char both[] = "\0OpenBLAS\0libblis: %s (line %lu):\0";
	static const char netlib[] = "\0dgemm_\0cblas_dgemm\0 ** On entry to %6s, parameter "
	    "number %2i had an illegal value\0";
	(void)state;
	assert_string_equal(blasid_markers(blis, sizeof blis), "blis");
	assert_string_equal(blasid_markers(openblas, sizeof openblas), "openblas");
	assert_string_equal(blasid_markers(both, sizeof both), "blis");
	assert_null(blasid_markers(netlib, sizeof netlib));
	assert_null(blasid_markers(NULL, 0));
	/* The length bounds the search: a mark past it is not seen. */
	assert_null(blasid_markers(openblas, 8));
}

/* The vendors' version texts and numbers as their documentation gives them. */
static void
test_vendor_versions(void **state)
{
	char v[64];
	(void)state;
	/* MKL 2020's mkl_get_version_string() (Debian 12's libmkl-rt) and oneMKL's */
	assert_int_equal(blasid_mkl_version("Intel(R) Math Kernel Library Version 2020.0.4 "
	    "Product Build 20200917 for Intel(R) 64 architecture applications", v, sizeof v), 0);
	assert_string_equal(v, "2020.0.4");
	assert_int_equal(blasid_mkl_version("Intel(R) oneAPI Math Kernel Library Version "
	    "2024.0-Product Build 20231011 for Intel(R) 64 architecture applications", v,
	    sizeof v), 0);
	assert_string_equal(v, "2024.0");
	assert_int_equal(blasid_mkl_version("OpenBLAS Version 0.3.21", v, sizeof v), -1);
	assert_int_equal(blasid_mkl_version("Intel(R) Math Kernel Library", v, sizeof v), -1);
	assert_int_equal(blasid_mkl_version(NULL, v, sizeof v), -1);
	/* nvpl_blas_get_version(): major * 10000 + minor * 100 + patch */
	assert_int_equal(blasid_nvpl_version(601, v, sizeof v), 0);
	assert_string_equal(v, "0.6.1");
	assert_int_equal(blasid_nvpl_version(12304, v, sizeof v), 0);
	assert_string_equal(v, "1.23.4");
	assert_int_equal(blasid_nvpl_version(-1, v, sizeof v), -1);
}

static void
test_file_kind(void **state)
{
	static const struct { const char *path, *kind, *threading; } t[] = {
		{ "/opt/nvidia/nvpl/lib/libnvpl_blas_lp64_gomp.so.0", "nvpl", "openmp" },
		{ "/x/libnvpl_blas_ilp64_seq.so.0", "nvpl", "serial" },
		{ "/x/libnvpl_blas_core.so.0", "nvpl", NULL },
		{ "/opt/arm/armpl_24.10_gcc/lib/libarmpl_lp64_mp.so", "armpl", "openmp" },
		{ "/opt/arm/armpl_24.10_gcc/lib/libarmpl_lp64.so", "armpl", "serial" },
		{ "/x/libarmpl_ilp64_mp.so", "armpl", "openmp" },
		{ "/usr/lib/x86_64-linux-gnu/libmkl_rt.so", "mkl", NULL },
		{ "/usr/lib/x86_64-linux-gnu/libmkl_gnu_thread.so", "mkl", "openmp" },
		{ "/usr/lib/x86_64-linux-gnu/libmkl_sequential.so", "mkl", "serial" },
		{ "/usr/lib64/libflexiblas.so.3.4", "flexiblas", NULL },
		{ "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0", NULL, NULL },
		{ "/usr/lib/x86_64-linux-gnu/libarmplus.so", NULL, NULL },
		{ "/x/mylibmkl_rt.so", NULL, NULL },
	};
	const char *thr;
	size_t i;
	(void)state;
	for (i = 0; i < nitems(t); i++) {
		const char *k = blasid_file_kind(t[i].path, &thr);
		if (t[i].kind == NULL)
			assert_null(k);
		else
			assert_string_equal(k, t[i].kind);
		if (t[i].threading == NULL)
			assert_null(thr);
		else
			assert_string_equal(thr, t[i].threading);
	}
}

/* FlexiBLAS's backend names (Fedora's and EL9's flexiblas-* packages) and paths. */
static void
test_backend_kind(void **state)
{
	const char *thr;
	(void)state;
	assert_string_equal(blasid_backend_kind("OPENBLAS-OPENMP", &thr), "openblas");
	assert_string_equal(thr, "openmp");
	assert_string_equal(blasid_backend_kind("OPENBLAS-THREADS", &thr), "openblas");
	assert_string_equal(thr, "pthreads");
	assert_string_equal(blasid_backend_kind("BLIS-SERIAL", &thr), "blis");
	assert_string_equal(thr, "serial");
	assert_string_equal(blasid_backend_kind("NETLIB", &thr), "reference");
	assert_null(thr);
	assert_string_equal(blasid_backend_kind("/usr/lib64/flexiblas/libflexiblas_blis-openmp.so",
	    &thr), "blis");
	assert_string_equal(thr, "openmp");
	assert_null(blasid_backend_kind("__FALLBACK__", &thr));
	assert_null(thr);
	assert_null(blasid_backend_kind(NULL, &thr));
}

static void
test_backend_file(void **state)
{
	char *fedora[] = { "/usr/lib64/libflexiblas.so.3.4", "/usr/lib64/flexiblas/"
	    "libflexiblas_openblas-openmp.so", "/usr/lib64/flexiblas/libflexiblas_netlib.so",
	    "/usr/lib64/libopenblaso.so.0", NULL };
	char *own[] = { "/opt/fb/lib/libflexiblas.so.3", "/usr/lib/x86_64-linux-gnu/"
	    "blis-pthread/libblis.so.4", NULL };
	char *two[] = { "/opt/fb/lib/libflexiblas.so.3", "/a/libblis.so.4", "/b/libopenblas.so.0",
	    NULL };
	(void)state;
	assert_string_equal(blasid_backend_file("OPENBLAS-OPENMP", fedora), fedora[1]);
	assert_string_equal(blasid_backend_file("netlib", fedora), fedora[2]);
	assert_string_equal(blasid_backend_file("/usr/lib64/libopenblaso.so.0", fedora), fedora[3]);
	/* not a prefix of another name: OPENBLAS is not OPENBLAS-OPENMP's file */
	fedora[3] = NULL;
	assert_null(blasid_backend_file("OPENBLAS", fedora));
	assert_null(blasid_backend_file("api", fedora));
	/* a library= of its own configuration: the one file that is not FlexiBLAS's */
	assert_string_equal(blasid_backend_file("BLIS-PTHREAD", own), own[1]);
	assert_null(blasid_backend_file("MINE", two));
	assert_null(blasid_backend_file(NULL, fedora));
	assert_null(blasid_backend_file("", fedora));
}

/* The decision on the facts a real library gives (no vendor library needed): NVPL and ArmPL
 * cannot be installed here; their facts are what their documented functions return. */
static void
test_decide_vendors(void **state)
{
	char *nvpl_sym[] = { "nvpl_blas_get_version", NULL };
	char *nvpl_map[] = { "/opt/nvpl/lib/libnvpl_blas_lp64_gomp.so.0",
	    "/opt/nvpl/lib/libnvpl_blas_core.so.0", NULL };
	char *armpl_sym[] = { "armplversion", NULL };
	char *mkl_sym[] = { "mkl_get_version_string", "MKL_Get_Version_String", NULL };
	char *mkl_map[] = { "/usr/lib/x86_64-linux-gnu/libmkl_rt.so",
	    "/usr/lib/x86_64-linux-gnu/libmkl_core.so", "/usr/lib/x86_64-linux-gnu/"
	    "libmkl_gnu_thread.so", NULL };
	char *mkl_two[] = { "/x/libmkl_gnu_thread.so", "/x/libmkl_sequential.so", NULL };
	struct blasid_facts f = { .parallel = -1, .version_code = -1 };
	struct blasid id;
	(void)state;

	f.path = nvpl_map[0];
	f.provider = nvpl_map[1];
	f.symbols = nvpl_sym;
	f.version_code = 601;
	f.mapped = nvpl_map;
	blasid_decide(&f, &id);
	assert_string_equal(id.kind, "nvpl");
	assert_string_equal(id.version, "0.6.1");
	assert_string_equal(id.threading, "openmp");
	assert_non_null(strstr(id.evidence, "exports nvpl_blas_get_version"));
	assert_string_equal(validate_kind_label(id.kind), "NVPL");

	memset(&f, 0, sizeof f);
	f.version_code = -1;
	f.path = f.provider = "/opt/arm/armpl_24.10_gcc/lib/libarmpl_lp64.so";
	f.symbols = armpl_sym;
	f.version = "24.10.0";
	blasid_decide(&f, &id);
	assert_string_equal(id.kind, "armpl");
	assert_string_equal(id.version, "24.10.0");
	assert_string_equal(id.threading, "serial");

	memset(&f, 0, sizeof f);
	f.version_code = -1;
	f.path = f.provider = mkl_map[0];
	f.symbols = mkl_sym;
	f.version = "Intel(R) Math Kernel Library Version 2020.0.4 Product Build 20200917 for "
	    "Intel(R) 64 architecture applications";
	f.mapped = mkl_map;
	blasid_decide(&f, &id);
	assert_string_equal(id.kind, "mkl");
	assert_string_equal(id.version, "2020.0.4");
	assert_string_equal(id.threading, "openmp");
	assert_non_null(strstr(id.evidence, "libmkl_gnu_thread.so"));
	/* two threading layers mapped: no guess */
	f.mapped = mkl_two;
	blasid_decide(&f, &id);
	assert_string_equal(id.threading, "unknown");
	/* no threading layer mapped yet: unknown, not the first one named */
	f.mapped = NULL;
	blasid_decide(&f, &id);
	assert_string_equal(id.threading, "unknown");
	/* a vendor file that exports none of its functions: named by the file only */
	memset(&f, 0, sizeof f);
	f.version_code = -1;
	f.path = "/opt/nvpl/lib/libnvpl_blas_lp64_seq.so.0";
	blasid_decide(&f, &id);
	assert_string_equal(id.kind, "nvpl");
	assert_string_equal(id.threading, "serial");
	assert_non_null(strstr(id.evidence, "file name only"));
}

/* FlexiBLAS with the facts of the backend file it loaded; failing those, its backend's name. */
static void
test_decide_flexiblas(void **state)
{
	char *fb_sym[] = { "flexiblas_get_version", "flexiblas_current_backend", NULL };
	char *ob_sym[] = { "openblas_get_config", NULL };
	char *map[] = { "/opt/fb/lib/libflexiblas.so.3.4", "/usr/lib/x86_64-linux-gnu/"
	    "openblas-openmp/libopenblas.so.0", NULL };
	struct blasid_facts be = { .parallel = 2, .version_code = -1, .symbols = ob_sym,
	    .config = "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64",
	    .corename = "Haswell", .path = "/usr/lib/x86_64-linux-gnu/openblas-openmp/"
	    "libopenblas.so.0" };
	struct blasid_facts f = { .parallel = -1, .version_code = -1, .symbols = fb_sym,
	    .version = "3.4.5", .backend = "OPENBLAS-OPENMP", .backend_facts = &be,
	    .path = "/opt/fb/lib/libflexiblas.so.3.4", .mapped = map };
	struct blasid id;
	(void)state;

	blasid_decide(&f, &id);
	assert_string_equal(id.kind, "flexiblas");
	assert_string_equal(id.version, "3.4.5");
	assert_string_equal(id.backend, "OPENBLAS-OPENMP");
	assert_string_equal(id.backend_kind, "openblas");
	assert_string_equal(id.backend_version, "0.3.21");
	assert_string_equal(id.threading, "openmp");
	assert_string_equal(id.kernels, "Haswell");
	assert_non_null(strstr(id.evidence, "exports openblas_get_config"));
	/* the backend's own word wins over the name FlexiBLAS gives it */
	f.backend = "BLIS-SERIAL";
	blasid_decide(&f, &id);
	assert_string_equal(id.backend_kind, "openblas");
	assert_string_equal(id.threading, "openmp");
	/* no backend file identified: its name says */
	f.backend_facts = NULL;
	blasid_decide(&f, &id);
	assert_string_equal(id.backend_kind, "blis");
	assert_string_equal(id.threading, "serial");
	assert_string_equal(id.backend_version, "");
	/* a backend that is a dispatcher itself is not followed */
	be.backend = "NETLIB";
	f.backend_facts = &be;
	f.backend = "NETLIB";
	blasid_decide(&f, &id);
	assert_string_equal(id.backend_kind, "reference");
	assert_string_equal(id.threading, "serial");
	/* FlexiBLAS decides before whatever its backend exports through it */
	{
		char *both[] = { "openblas_get_config", "flexiblas_get_version", NULL };
		f.symbols = both;
		blasid_decide(&f, &id);
		assert_string_equal(id.kind, "flexiblas");
	}
}

/* The first installed file matching pattern, or NULL. */
static char *
installed(const char *pattern)
{
	glob_t g;
	char *p = NULL;
	if (glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc > 0)
		p = xstrdup(g.gl_pathv[0]);
	globfree(&g);
	return p;
}

/* identify on the real library at pattern; skipped when it is not installed. */
static void
identify_real(const char *pattern, const char *kind, struct blasid *id)
{
	char *path = installed(pattern);
	void *h;
	if (path == NULL)
		skip();
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL)
		fail_msg("dlopen %s: %s", path, dlerror());
	blasid_identify(h, path, id);
	assert_string_equal(id->kind, kind);
	free(path);
	/* left open: BLIS and OpenBLAS keep threads that outlive a dlclose */
}

static void
test_identify_openblas(void **state)
{
	struct blasid id;
	char v[64];
	(void)state;
	identify_real("/usr/lib/*/openblas-pthread/libopenblas.so.0", "openblas", &id);
	assert_int_equal(blasid_openblas_version(id.config, v, sizeof v), 0);
	assert_string_equal(id.version, v);
	assert_string_equal(id.threading, "pthreads");
	assert_true(id.kernels[0] != '\0');
	assert_string_equal(id.kernels, id.corename);
}

static void
test_identify_blis_hidden(void **state)
{
	struct blasid id;
	(void)state;
	/* Debian's BLIS libblas.so.3 hides bli_*: told by its strings, version from libblis.so.4. */
	identify_real("/usr/lib/*/blis-pthread/libblas.so.3", "blis", &id);
	assert_non_null(strstr(id.evidence, "binary contains blis strings"));
	assert_non_null(strstr(id.evidence, "version from sibling"));
	assert_true(id.version[0] >= '0' && id.version[0] <= '9');
	assert_string_equal(id.threading, "pthreads");
}

static void
test_identify_reference(void **state)
{
	struct blasid id;
	(void)state;
	identify_real("/usr/lib/*/blas/libblas.so.3", "reference", &id);
	assert_string_equal(id.kernels, "reference");
	assert_true(blasid_kernels_generic(id.kind, id.kernels));
}

/* "kind version threading kernels" of blasid_identify on path (the --identify PATH mode of
 * this program: a fresh process, for two builds of one soname cannot share one: the second
 * finds the first loaded). */
static int
identify_print(const char *path)
{
	struct blasid id;
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL)
		return 1;
	blasid_identify(h, path, &id);
	printf("%s %s %s %s", id.kind, id.version[0] ? id.version : "-", id.threading,
	    id.kernels[0] ? id.kernels : "-");
	return fflush(stdout) != 0;
}

/* identify_print in a new process of this program. */
static char *
identify_child(const char *path)
{
	char buf[512] = "";
	int fd[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	assert_int_equal(pipe(fd), 0);
	if ((pid = fork()) == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		execl("/proc/self/exe", "test-blasid", "--identify", path, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	while ((n = read(fd[0], buf + got, sizeof buf - 1 - got)) > 0)
		got += n;
	close(fd[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("identifying %s in a child failed", path);
	return xstrdup(buf);
}

/* The probe gathers its facts in the target Python (armpy-probe.py --identify) and
 * blasid_identify gathers them here; on the same installed libraries, every flavour of
 * Debian's OpenBLAS and BLIS, blasid_decide must give the same answer. */
static void
test_probe_agrees(void **state)
{
	static const char *patterns[] = {
		"/usr/lib/*/openblas-*/libblas.so.3", "/usr/lib/*/openblas-*/liblapack.so.3",
		"/usr/lib/*/openblas-*/libopenblas.so.0", "/usr/lib/*/blis-*/libblas.so.3",
		"/usr/lib/*/blis-*/libblis.so.?", "/usr/lib/*/blas/libblas.so.3",
	};
	struct validate_lib l;
	char *cause = NULL, *here, *there;
	size_t i, j, n = 0;
	glob_t g;
	(void)state;
	setenv("ARMPY_PROBE", "scripts/armpy-probe.py", 1);   /* this tree's probe */
	for (i = 0; i < nitems(patterns); i++) {
		if (glob(patterns[i], 0, NULL, &g) != 0)
			continue;
		for (j = 0; j < g.gl_pathc; j++, n++) {
			here = identify_child(g.gl_pathv[j]);
			if (validate_identify_file("python3", g.gl_pathv[j], &l, &cause) != 0)
				fail_msg("probe --identify %s: %s", g.gl_pathv[j], cause);
			there = xasprintf("%s %s %s %s", l.kind, l.version ? l.version : "-",
			    l.threading, l.kernels ? l.kernels : "-");
			print_message("%s: %s\n", g.gl_pathv[j], here);
			if (strcmp(here, there) != 0)
				fail_msg("%s: here '%s', the probe's facts '%s'", g.gl_pathv[j], here,
				    there);
			assert_string_not_equal(l.kind, "unknown");
			validate_lib_clear(&l);
			free(here);
			free(there);
		}
		globfree(&g);
	}
	if (n == 0)
		skip();
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--identify") == 0)
		return identify_print(argv[2]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openblas_version),
		cmocka_unit_test(test_openblas_threading),
		cmocka_unit_test(test_blis_debug_parse),
		cmocka_unit_test(test_kernels_generic),
		cmocka_unit_test(test_markers),
		cmocka_unit_test(test_vendor_versions),
		cmocka_unit_test(test_file_kind),
		cmocka_unit_test(test_backend_kind),
		cmocka_unit_test(test_backend_file),
		cmocka_unit_test(test_decide_vendors),
		cmocka_unit_test(test_decide_flexiblas),
		cmocka_unit_test(test_identify_openblas),
		cmocka_unit_test(test_identify_blis_hidden),
		cmocka_unit_test(test_identify_reference),
		cmocka_unit_test(test_probe_agrees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

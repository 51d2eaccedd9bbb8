/* plan-source.c — the guide's RedHat recipe: BLIS/OpenBLAS built from pinned tarballs, NumPy/SciPy against them. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "plan-int.h"
#include "plan-pins.h"

#define SRC_DIR "~/.cache/armpy/src"

static const char *
source_prefix(const struct pctx *c)
{
	return c->p->source_build.prefix != NULL ? c->p->source_build.prefix : "/usr/local";
}

static int
prefix_privileged(const struct pctx *c)
{
	return source_prefix(c)[0] == '/';
}

/* Where the tarball goes: named after the URL's file (a mirror may hold another version than
 * the pin), or the pin's name when the URL ends in nothing usable. */
static char *
source_dest(const struct pin *pin, const char *url, int own)
{
	const char *slash = strrchr(url, '/'), *name = slash != NULL ? slash + 1 : "";
	size_t n = strcspn(name, "?#");

	if (own || n == 0 || n > 128 || name[0] == '.' ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+-") < n)
		return xasprintf("%s/%s", SRC_DIR, pin->file);
	return xasprintf("%s/%.*s", SRC_DIR, (int)n, name);
}

/* An install step runs in the source directory; its check: PREFIX/lib/LIB exists. */
static void
source_installed(const struct pctx *c, struct step *s, const char *dir, const char *lib)
{
	char *path = xasprintf("%s/lib/%s", source_prefix(c), lib);

	s->u.run.cwd = xstrdup(dir);
	step_check_file(s, path, NULL);
	free(path);
}

/* download + extract of one library's tarball; *dir gets the source directory. */
static int
fetch_source(struct pctx *c, const char *lib, int chosen, char **dir, const char *marker)
{
	const struct pin *pin = pin_find(lib);
	const char *url, *sha = pin->sha256;
	char *dest, *id, *title, *why, *mark, *pinned = NULL;
	struct step *s;
	int own = 1;

	if (chosen && c->p->source_build.url != NULL) {
		if (c->p->source_build.sha256 == NULL)
			return pc_refuse(c, "source_build.url is set without source_build.sha256; "
			    "armpy never downloads without a verified sha256");
		url = c->p->source_build.url;
		sha = c->p->source_build.sha256;
		own = 0;
	} else if (pin->url == NULL && c->f->apt_mirror == NULL) {
		return pc_refuse(c, "%s %s's source is the file Debian's archive keeps (%s), and no "
		    "Debian mirror is in the apt sources where armpy plans: plan on a machine whose apt "
		    "sources name one, or give source_build.url and source_build.sha256", lib,
		    pin->version, pin->archive);
	} else
		url = pin->url != NULL ? pin->url : (pinned = xasprintf("%s/%s", c->f->apt_mirror,
		    pin->archive));
	dest = source_dest(pin, url, own);
	if (!own)
		why = xasprintf("source_build.url from the profile (a mirror of %s %s), verified "
		    "with source_build.sha256", lib, pin->version);
	else
		why = xasprintf(GUIDE_NAME ": 'git clone https://github.com/%s' -- armpy downloads "
		    "a pinned release tarball instead, so the build is reproducible and verified "
		    "(%s %s; sha256 from %s%s%s)", strcmp(lib, "blis") == 0 ? "flame/blis $HOME/blis" :
		    "xianyi/OpenBLAS.git $HOME/OpenBLAS", lib, pin->version, pin->hash_from,
		    pin->mirror != NULL ? "; upstream's release as kept in " : "", pin->mirror != NULL ?
		    pin->mirror : "");
	if (own && pin->url == NULL) {
		char *w = xasprintf("%s, from the Debian mirror of the apt sources where armpy "
		    "planned", why);
		free(why);
		why = w;
	}
	id = xasprintf("%s-download", lib);
	title = xasprintf("Download the %s %s source", strcmp(lib, "blis") == 0 ? "BLIS" :
	    "OpenBLAS", !own ? "(mirror)" : pin->version);
	pc_download(c, id, title, why, url, sha, dest);
	free(pinned);
	free(id);
	free(title);
	free(why);

	*dir = xasprintf("%s/%s", SRC_DIR, lib);
	id = xasprintf("%s-extract", lib);
	title = xasprintf("Unpack the %s source", strcmp(lib, "blis") == 0 ? "BLIS" : "OpenBLAS");
	s = plan_add(c->plan, id, title, "the downloaded tarball, unpacked safely (no absolute "
	    "paths, no ..) with its top directory stripped");
	free(id);
	free(title);
	s->kind = ACTION_EXTRACT;
	s->est_seconds = 10;
	s->u.extract.archive = dest;
	s->u.extract.dest = xstrdup(*dir);
	s->u.extract.strip = 1;
	mark = xasprintf("%s/%s", *dir, marker);
	step_check_file(s, mark, NULL);
	free(mark);
	return 0;
}

static int
plan_blis_build(struct pctx *c, const char *jobs)
{
	const char *prefix = source_prefix(c);
	const char *cfg = c->f->cpu.blis_config;
	const char *model = c->p->blas.threading == THREADING_OPENMP ? "openmp" :
	    c->p->blas.threading == THREADING_PTHREADS ? "pthreads" : "no";
	char *dir, *why;
	struct step *s;

	if (fetch_source(c, "blis", 1, &dir, "configure") != 0)
		return -1;
	if (cfg == NULL) {
		cfg = strcmp(c->f->arch, "aarch64") == 0 ? "cortexa57" : "auto";
		plan_note(c->plan, "the BLIS configuration for this CPU is unknown; using %s%s",
		    cfg, strcmp(cfg, "cortexa57") == 0 ? " (the choice of " GUIDE_NAME ")" : "");
	} else if (toolchain_blis_gcc(cfg) != NULL && c->cc_gcc != NULL &&
	    version_cmp(c->cc_gcc, toolchain_blis_gcc(cfg)) < 0) {
		plan_warn(c->plan, "BLIS's %s configuration needs GCC >= 10 (its SVE kernels include "
		    "arm_sve.h, which GCC ships from GCC 10, per the GCC 10 release notes) and %s's "
		    "GCC is %s: BLIS is built with cortexa57, the choice of " GUIDE_NAME ", without "
		    "SVE kernels", cfg, c->plan->target, c->cc_gcc);
		cfg = "cortexa57";
	}
	why = xasprintf(GUIDE_NAME ": './configure --enable-threading=openmp --enable-cblas "
	    "--prefix=/usr cortexa57' -- with threading %s, prefix %s and the BLIS configuration "
	    "for this CPU (%s); " GUIDE_NAME ": 'one needs to both configure with "
	    "--enable-threading=openmp and set the environment variable BLIS_NUM_THREADS'", model,
	    prefix, cfg);
	{
		char **argv = strv_new();

		argv = strv_push(argv, "./configure");
		argv = strv_pushf(argv, "--enable-threading=%s", model);
		argv = strv_push(argv, "--enable-cblas");
		argv = strv_pushf(argv, "--prefix=%s", prefix);
		argv = strv_push(argv, cfg);
		s = pc_runv(c, "blis-configure", "Configure BLIS", why, 0, 30, argv);
		s->u.run.cwd = xstrdup(dir);
		pc_toolchain_env(c, s);
	}
	free(why);
	{
		char **argv = strv_pushl(strv_new(), "make", jobs, NULL);

		s = pc_runv(c, "blis-build", "Build BLIS", GUIDE_NAME ": 'make -j' (BLIS)", 0, 600,
		    argv);
		s->u.run.cwd = xstrdup(dir);
		pc_toolchain_env(c, s);
	}
	{
		static const char *argv[] = { "make", "install", NULL };

		s = pc_run(c, "blis-install", "Install BLIS", prefix_privileged(c) ? GUIDE_NAME ": "
		    "'sudo make install' (BLIS) -- root because the prefix is a system path" :
		    GUIDE_NAME ": 'make install' (BLIS) -- into the profile's prefix",
		    prefix_privileged(c), 20, argv);
		source_installed(c, s, dir, "libblis.so.4");
	}
	free(dir);
	return 0;
}

/* t, or its non-SVE fallback when the build's GCC is older than the one t needs (warned). */
static const char *
openblas_target_gcc(struct pctx *c, const char *t)
{
	const char *gcc, *fallback, *why;

	if ((gcc = pin_openblas_gcc(t, &fallback, &why)) == NULL)
		return t;
	if (c->cc_gcc == NULL) {
		plan_note(c->plan, "OpenBLAS TARGET=%s needs GCC >= %s (%s); the GCC of %s is not "
		    "in armpy's table, not checked", t, gcc, why, c->plan->target);
		return t;
	}
	if (version_cmp(c->cc_gcc, gcc) >= 0)
		return t;
	plan_warn(c->plan, "OpenBLAS TARGET=%s needs GCC >= %s and %s's GCC is %s: %s; OpenBLAS "
	    "is built with TARGET=%s, without SVE kernels", t, gcc, c->plan->target, c->cc_gcc,
	    why, fallback);
	return fallback;
}

/* The TARGET for this CPU that the pinned OpenBLAS builds; a substitute or a fallback is noted. */
static const char *
openblas_target(struct pctx *c)
{
	const char *cpu = c->f->cpu.openblas_target, *why, *t;
	int sve;

	if ((t = pin_openblas_target(cpu, &why)) != NULL) {
		if (why != NULL)
			plan_note(c->plan, "OpenBLAS TARGET=%s for this %s core: %s", t, cpu, why);
		return openblas_target_gcc(c, t);
	}
	if (cpu == NULL || strcmp(c->f->arch, "aarch64") != 0)
		return NULL;
	/* What OpenBLAS's cpuid picks for an Arm core it does not know. */
	sve = strv_contains(c->f->cpu.features, "sve");
	t = sve ? "ARMV8SVE" : "ARMV8";
	plan_note(c->plan, "OpenBLAS TARGET=%s: the detected %s is not a target of the pinned "
	    "OpenBLAS (%s); %s is what OpenBLAS's cpuid picks for an Arm core it does not know",
	    t, cpu, why, t);
	return t;
}

static int
plan_openblas_build(struct pctx *c, const char *jobs)
{
	const char *prefix = source_prefix(c);
	const char *target = openblas_target(c);
	int blis = strcmp(c->lib, "blis") == 0;
	char *dir, *why;
	char **argv;
	struct step *s;

	if (fetch_source(c, "openblas", !blis, &dir, "Makefile") != 0)
		return -1;
	argv = strv_pushl(strv_new(), "make", jobs, "BINARY=64", NULL);
	argv = strv_pushf(argv, "FC=%s", c->cc_fc != NULL ? c->cc_fc : "gfortran");
	switch (c->p->blas.threading) {
	case THREADING_OPENMP:
		argv = strv_push(argv, "USE_OPENMP=1");
		break;
	case THREADING_PTHREADS:
		argv = strv_pushl(argv, "USE_OPENMP=0", "USE_THREAD=1", NULL);
		break;
	case THREADING_SERIAL:
		argv = strv_pushl(argv, "USE_OPENMP=0", "USE_THREAD=0", NULL);
		break;
	}
	if (target != NULL)
		argv = strv_pushf(argv, "TARGET=%s", target);
	else
		plan_note(c->plan, "the OpenBLAS TARGET for this CPU is unknown; OpenBLAS detects "
		    "the build machine's CPU");
	why = xasprintf(GUIDE_NAME ": 'make -j BINARY=64 FC=gfortran USE_OPENMP=1' -- %s "
	    "threading%s%s%s", c->thr, target != NULL ? ", TARGET=" : "", target != NULL ? target :
	    "", blis ? "; built alongside BLIS to provide LAPACK (" GUIDE_NAME ": 'OpenBLAS or "
	    "LAPACK libraries need to be installed along BLIS to provide LAPACK functionality')" :
	    "");
	s = pc_runv(c, "openblas-build", "Build OpenBLAS", why, 0, 900, argv);
	free(why);
	s->u.run.cwd = xstrdup(dir);
	pc_toolchain_env(c, s);

	argv = strv_pushf(strv_push(strv_new(), "make"), "PREFIX=%s", prefix);
	argv = strv_push(argv, "install");
	s = pc_runv(c, "openblas-install", "Install OpenBLAS", prefix_privileged(c) ? GUIDE_NAME
	    ": 'sudo make PREFIX=/usr install' (OpenBLAS) -- root because the prefix is a system "
	    "path" : GUIDE_NAME ": 'make PREFIX=/usr install' (OpenBLAS) -- into the profile's "
	    "prefix", prefix_privileged(c), 30, argv);
	source_installed(c, s, dir, "libopenblas.so.0");
	free(dir);
	return 0;
}

/* Make PREFIX/lib visible to the dynamic loader. */
static void
plan_ld_path(struct pctx *c)
{
	const char *prefix = source_prefix(c);
	static const char *argv[] = { "ldconfig", NULL };
	struct step *s;

	if (!prefix_privileged(c)) {
		c->extra_env = strv_pushf(c->extra_env, "LD_LIBRARY_PATH=%s/lib", prefix);
		plan_note(c->plan, "the libraries live in %s/lib, outside the loader's path: the "
		    "BLAS settings script exports LD_LIBRARY_PATH", prefix);
		return;
	}
	if (c->f->family != FAMILY_DEBIAN || strcmp(prefix, "/usr/local") != 0) {
		s = plan_add(c->plan, "ld-conf", "Add the prefix's lib directory to the loader "
		    "path", "the loader searches only its trusted directories and ld.so.conf "
		    "(the RHEL family does not list /usr/local/lib; Debian does, in libc.conf)");
		s->kind = ACTION_WRITE;
		s->privileged = 1;
		s->est_seconds = 1;
		s->u.write.path = xstrdup("/etc/ld.so.conf.d/armpy-blas.conf");
		s->u.write.mode = 0644;
		s->u.write.content = xasprintf("%s/lib\n", prefix);
	}
	pc_run(c, "ldconfig", "Refresh the loader cache (ldconfig)", GUIDE_NAME ": 'sudo ldconfig "
	    "-v' after 'sudo make install'", 1, 5, argv);
}

int
plan_source(struct pctx *c)
{
	enum distro_family fam = c->f->family;
	int blis = strcmp(c->lib, "blis") == 0;
	char **names = NULL, **pre = NULL, *jobs, *pc;
	const char *prefix = source_prefix(c);
	int rc = -1;

	if (fam != FAMILY_DEBIAN && fam != FAMILY_RHEL)
		return pc_unsupported(c, "build: source is planned for the Debian and RHEL families "
		    "only (%s)", c->plan->target);
	if (c->p->source_build.url != NULL && c->p->source_build.sha256 == NULL)
		return pc_refuse(c, "source_build.url is set without source_build.sha256; armpy "
		    "never downloads without a verified sha256");
	if (blis && fam == FAMILY_RHEL && c->p->blas.build == BUILD_PACKAGE)
		plan_warn(c->plan, "BLIS is not packaged in %s's BaseOS/AppStream: it is built "
		    "from source, as " GUIDE_NAME " does in 'Install NumPy and SciPy with BLIS on "
		    "RedHat'", c->plan->target);
	if (pc_resolve_python(c, 1) != 0)
		return -1;
	if (extras_pip(c, &names, &pre) != 0)
		return -1;
	strv_free(names);
	pre = strv_push(pre, fam == FAMILY_DEBIAN ? "pkg-config" : "pkgconf-pkg-config");
	if (plan_venv_prereqs(c, pre, "pkg-config lets NumPy's meson build find the BLAS "
	    "installed under the prefix") != 0)
		goto out;
	if (pc_toolchain(c, blis ? c->f->cpu.blis_config : NULL) != 0)
		goto out;
	plan_venv(c);
	jobs = pc_cores(c) > 0 ? xasprintf("-j%d", pc_cores(c)) : xstrdup("-j");
	if (blis && plan_blis_build(c, jobs) != 0) {
		free(jobs);
		goto out;
	}
	rc = plan_openblas_build(c, jobs);
	free(jobs);
	if (rc != 0)
		goto out;
	rc = -1;
	plan_ld_path(c);
	pc = xasprintf("%s/lib/pkgconfig:%s/share/pkgconfig", prefix, prefix);
	plan_venv_blas_build(c, pc);
	free(pc);
	if (plan_venv_extras(c) != 0)
		goto out;
	plan_venv_env_script(c);
	rc = 0;
out:
	strv_free(pre);
	return rc;
}

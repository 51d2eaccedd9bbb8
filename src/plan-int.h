/* plan-int.h — internals shared by the planner's route files (plan-*.c); not a public contract. */
/* SPDX-License-Identifier: MIT */
#ifndef PLAN_INT_H
#define PLAN_INT_H

#include "armpy.h"
#include "facts.h"
#include "plan.h"
#include "profile.h"

/* The planning context: inputs plus the decisions taken so far. */
struct pctx {
	const struct facts *f;
	const struct profile *p;
	struct plan *plan;
	char **cause;
	const char *triplet;      /* Debian multiarch triplet (aarch64-linux-gnu) */
	const char *lib;          /* "openblas" | "blis" | "nvpl" (conda only) */
	const char *thr;          /* Debian spelling: "openmp" | "pthread" | "serial" */
	const char *check_thr;    /* the threading validation holds the route to, NULL none */
	int threads;              /* threads to export, 0 = unknown (not written) */
	char *pyver;              /* resolved "3.11", NULL when unknown */
	char *interp;             /* interpreter that creates the venv / runs the system route */
	char *pyuser;             /* interpreter the user will use (validate) */
	char *pywhy;              /* why this interpreter (for the steps that install it) */
	char **py_pkgs;           /* distro packages that provide the interpreter (RHEL python3.11) */
	char *env_script;         /* where the thread/LD_PRELOAD script goes, NULL = none */
	int env_privileged;
	int apt_updated;          /* apt-get update already planned */
	char **extra_env;         /* NAME=value beyond threads (LD_LIBRARY_PATH for a ~ prefix) */
	int wheels;               /* the plan installs wheels or conda packages (page size) */
	/* the compiler of source builds (plan-toolchain.c) */
	const char *cc_gcc;       /* the GCC the builds use ("8.5"), NULL when unknown */
	char *cc_how;             /* how the plan meets the builds' needs, for their why */
	char **cc_env;            /* PATH, CC, CXX, FC of a planned gcc-toolset, NULL = none */
	char *cc_fc;              /* that toolset's gfortran, NULL = none */
	char *numpy_spec;         /* "numpy<2.3" when pinned to what the GCC builds, else NULL */
	char *scipy_spec;
	/* the release's lifecycle row, with the target's later distro-info-data days (pc_life) */
	struct distro_life life;
	int life_noted;
	const char *bundle;       /* the unpacked bundle's directory in the root (bundle.h), NULL: online */
};

/* Steps. argv/packages are NULL-terminated lists of string literals or copies. */
struct step *pc_run(struct pctx *, const char *id, const char *title, const char *why,
    int privileged, int est, const char *const *argv);
struct step *pc_runv(struct pctx *, const char *id, const char *title, const char *why,
    int privileged, int est, char **argv);              /* takes ownership of argv */
struct step *pc_download(struct pctx *, const char *id, const char *title, const char *why,
    const char *url, const char *sha256, const char *dest);   /* with its file+sha256 check */
void step_env(struct step *, const char *fmt, ...) ARMPY_PRINTF(2, 3);
void step_check_dpkg(struct step *, char *const *packages);
void step_check_rpm(struct step *, char *const *packages);
void step_check_file(struct step *, const char *path, const char *sha256);
void step_check_command(struct step *, const char *const *argv);
void step_check_import(struct step *, const char *python, const char *modules);

/* Refusals: set *cause ("refused: ..." / "unsupported: ...") and return -1. */
int pc_refuse(struct pctx *, const char *fmt, ...) ARMPY_PRINTF(2, 3);
int pc_unsupported(struct pctx *, const char *fmt, ...) ARMPY_PRINTF(2, 3);

/* Facts helpers. */
const char *distro_default_python(const struct facts *);  /* the release's python3, or NULL */
int distro_major(const struct facts *);
const char *pc_pm(const struct pctx *);               /* apt, dnf, yum, zypper, apk */
const char *pc_target(const struct pctx *);           /* "debian 12" */
int pc_cores(const struct pctx *);

/* Shared planning blocks. */
void pc_apt_update(struct pctx *);
/* argv with the apt options that point apt at the bundle's archive (c->bundle), else argv. */
char **pc_apt_opts(const struct pctx *, char **argv);
int pc_resolve_python(struct pctx *, int need_interp);
int pc_python_eol(struct pctx *, const char *ver, const char *what);
/* Warns when versions a plan installs are below the guide's floors (NULL: unknown). */
void pc_floor_warn(struct pctx *, const char *what, const char *numpy, const char *scipy,
    const char *openblas, const char *advice);
void pc_env_script(struct pctx *, const char *path, int privileged, const char *why);
void pc_validate(struct pctx *);
char **pc_thread_env(const struct pctx *);

/* Toolchains (plan-toolchain.c). A release line of a package built from source: its releases
 * [from, below) (below NULL: and later) support Python py_min..py_max (NULL: open) and need
 * GCC >= gcc, as `source` (a public name) says. */
struct build_need {
	const char *pkg, *from, *below, *py_min, *py_max, *gcc, *source;
	const char *checked;      /* YYYY-MM-DD: the day the row was last compared with source */
};
const struct build_need *toolchain_needs(int *n);
/* The gcc a release ships, by os-release IDs and from VERSION_ID major.minor on. */
struct distro_gcc {
	const char *ids;          /* space-separated os-release IDs */
	int major, minor;
	const char *gcc, *source, *checked;
};
const struct distro_gcc *toolchain_distro_gccs(int *n);
/* Red Hat's GCC Toolset packages, from the EL minor release that brought them. */
struct toolset {
	int major, minor;
	const char *pkg, *gcc, *source, *checked;
};
const struct toolset *toolchain_toolsets(int *n);
/* The newest line of pkg for Python py (NULL: any) that GCC gcc builds (NULL: any GCC): what
 * pip picks; NULL when none. */
const struct build_need *toolchain_pick(const char *pkg, const char *py, const char *gcc);
const char *toolchain_distro_gcc(const struct facts *);   /* the release's gcc, or NULL */
const char *toolchain_blis_gcc(const char *config);       /* the GCC a BLIS config needs */
/* The GCC the pinned OpenBLAS needs for the CPU's TARGET in a build: source plan, or NULL;
 * *why gets the reason. */
const char *toolchain_openblas_gcc(const struct pctx *, const char **why);
char *toolchain_need_text(const struct build_need *);
char *toolchain_why(const struct pctx *, const char *pkg); /* "; <need>: <how>" */
/* Plans how the build steps get a GCC they need (BLIS config blis_cfg, NULL: not built): the
 * distro's, a gcc-toolset (a step), or pins; -1 with the refusal naming what is missing. */
int pc_toolchain(struct pctx *, const char *blis_cfg);
void pc_toolchain_env(const struct pctx *, struct step *);

/* A fact a vendor or distribution BLAS offer rests on, with its public source (docs/facts.md). */
struct blas_fact {
	const char *what, *fact, *source;
	const char *checked;      /* YYYY-MM-DD */
};
const struct blas_fact *plan_conda_facts(int *n);     /* NVPL through conda-forge */
const struct blas_fact *plan_rhel_facts(int *n);      /* FlexiBLAS on EL9 and Fedora */

/* Routes. */
int plan_debian(struct pctx *);        /* source: system on apt */
int plan_rhel(struct pctx *);          /* source: system on dnf/yum */
int plan_suse(struct pctx *);          /* source: system on zypper */
int plan_alpine(struct pctx *);        /* source: system on apk */
int plan_pip(struct pctx *);           /* source: pip (wheels, or a BLIS build on Debian) */
int plan_source(struct pctx *);        /* build BLIS/OpenBLAS from source, NumPy/SciPy against it */
int plan_conda(struct pctx *);         /* Miniforge + environment file */
/* Extras: packages for the system route, pip names, conda names; -1 with cause on refusal. */
int extras_system(struct pctx *, char ***pkgs);
int extras_pip(struct pctx *, char ***names, char ***prereqs);
int extras_conda(struct pctx *, char ***names);
/* plan-venv.c: the venv and pip steps the pip and source routes share. Distro prerequisites
 * for building Python packages (the guide's lines). */
int plan_venv_prereqs(struct pctx *, char **extra_pkgs, const char *why_extra);
const char *plan_venv_dir(const struct pctx *);
void plan_venv(struct pctx *);
int plan_venv_extras(struct pctx *);
void plan_venv_blas_build(struct pctx *, const char *pkgconfig_path);
/* `PY -m pip install` with the index: the profile's, or from a bundle only its pip directory
 * (--no-index --find-links BUNDLE/pip). */
char **plan_venv_pip_argv(const struct pctx *);
void plan_venv_env_script(struct pctx *);
/* plan-distro.c: the distro-package helpers the routes share. A distro-package system route
 * (RHEL/SUSE/Alpine): one transaction + env script. */
int plan_system_packages(struct pctx *, char **argv_head, char **pkgs, const char *why);
/* SUSE and Alpine: refuses BLIS, whose packages there are built against
 * OpenBLAS with no BLAS switch; then resolves the Python. 0, or -1 with the refusal. */
int plan_openblas_only(struct pctx *, const char *distro);
/* Debian helpers the system and pip routes share. */
char **plan_debian_blas_packages(struct pctx *, int dev);
/* libblis soname of the release (3, 4); 0 before libopenblas0-<threading> (Debian 11, Ubuntu 20.04) */
int plan_blis_soname(const struct facts *);
int plan_debian_release_ok(struct pctx *);

#endif

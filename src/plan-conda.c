/* plan-conda.c — conda route: the pinned Miniforge installer, an environment file, conda env create. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "plan-int.h"
#include "plan-pins.h"

/* The facts the nvpl variant rests on (docs/facts.md). */
static const struct blas_fact conda_facts[] = {
	{ "conda-forge's libblas nvpl build",
	    "linux-aarch64 only, since 2025-09 (blas_impl nvpl); libblas=*=*nvpl selects it",
	    "conda-forge's blas-feedstock, recipe/conda_build_config.yaml ('nvpl # [linux and "
	    "aarch64]') and recipe/meta.yaml (build string ..._{{ blas_impl }}; nvpl_version "
	    "25.11.0.*), github.com/conda-forge/blas-feedstock", "2026-12-06" },
	{ "the NVPL library it links",
	    "libnvpl_blas_lp64_gomp.so.0 and libnvpl_lapack_lp64_gomp.so.0: LP64, OpenMP",
	    "conda-forge's blas-feedstock, recipe/conda_build_config.yaml (blas_impl_lib, "
	    "lapack_impl_lib; the ilp64 ABI is not offered; a sequential nvpl variant was "
	    "dropped before the merge, commit 'REF: Only one NVPL variant', 2025-09-08)",
	    "2026-12-06" },
	{ "NVPL BLAS threading interfaces",
	    "sequential (_seq) and OpenMP (_gomp); no pthreads interface",
	    "NVIDIA's NVPL BLAS documentation, Building and Linking "
	    "(docs.nvidia.com/nvpl/latest/blas/programming_model/building_and_linking.html)",
	    "2026-12-06" },
	{ "NVPL on NVIDIA Grace",
	    "NVIDIA's libraries for Grace, whose cores are Neoverse V2 (MIDR 0x41/0xd4f); "
	    "supported on any Armv8.1-A or later CPU",
	    "NVIDIA Performance Libraries documentation (docs.nvidia.com/nvpl): 'optimized for "
	    "the NVIDIA Grace Armv9.0-A architecture', CPU Support 'NVIDIA Grace (Armv9.0-A "
	    "Neoverse-V2)'; lscpu-arm.c (util-linux) for the part", "2026-12-06" },
};

const struct blas_fact *
plan_conda_facts(int *n)
{
	*n = (int)nitems(conda_facts);
	return conda_facts;
}

/* The threading part of the environment file's why. */
static const char *
conda_variant_why(const struct pctx *c)
{
	if (strcmp(c->lib, "nvpl") == 0)
		return ", NVIDIA's NVPL (conda-forge's blas-feedstock builds it for linux-aarch64; "
		    "NVIDIA's NVPL BLAS documentation)";
	if (strcmp(c->lib, "openblas") != 0)
		return "";
	return c->p->blas.threading == THREADING_OPENMP ? ", and libopenblas's openmp build for "
	    "threading: openmp" : ", and libopenblas's pthreads build";
}

/* What conda-forge does not build: -1 with the refusal, else 0. */
static int
conda_refusal(struct pctx *c)
{
	const struct profile *p = c->p;

	if (p->blas.build == BUILD_SOURCE)
		return pc_refuse(c, "build: source with source: conda -- conda installs "
		    "conda-forge's binary builds; use build: package, or source: pip/system for a "
		    "source build");
	if (strcmp(c->lib, "blis") == 0 && strcmp(c->f->arch, "aarch64") == 0)
		return pc_refuse(c, "BLIS with source: conda on aarch64 -- conda-forge switches "
		    "BLAS with libblas build variants, and builds OpenBLAS and NVIDIA NVPL ones "
		    "for linux-aarch64, no BLIS (its blas-feedstock); use library: openblas or nvpl, "
		    "or source: system/pip for BLIS");
	if (strcmp(c->lib, "nvpl") == 0 && strcmp(c->f->arch, "aarch64") != 0)
		return pc_refuse(c, "library: nvpl on %s -- conda-forge builds its libblas nvpl "
		    "variant for linux-aarch64 only (its blas-feedstock: 'nvpl # [linux and "
		    "aarch64]'); use library: openblas", c->f->arch);
	return 0;
}

/* The environment file: Python, NumPy, SciPy, the libblas variant, the extras. */
static void
conda_envfile(struct pctx *c, const char *env, const char *want, char **extras,
    const char *envfile)
{
	const struct profile *p = c->p;
	struct buf b;
	struct step *s;
	char *why;

	buf_init(&b);
	buf_printf(&b, "# armpy: conda environment for NumPy/SciPy on %s\n", c->lib);
	buf_printf(&b, "name: %s\nchannels:\n  - conda-forge\ndependencies:\n", env);
	if (strcmp(want, "system") == 0) {
		buf_puts(&b, "  - python\n");
		plan_note(c->plan, "python: system with conda -- conda-forge's current Python is "
		    "installed in the environment (conda does not use the distro's python3)");
	} else
		buf_printf(&b, "  - python=%s\n", want);
	buf_puts(&b, "  - numpy\n");
	if (p->scipy)
		buf_puts(&b, "  - scipy\n");
	buf_printf(&b, "  - libblas=*=*%s\n", c->lib);
	if (strcmp(c->lib, "openblas") == 0) {
		if (p->blas.threading == THREADING_OPENMP)
			buf_puts(&b, "  - libopenblas=*=*openmp*\n");
		else
			buf_puts(&b, "  - libopenblas=*=*pthreads*\n");
	}
	for (size_t i = 0; extras != NULL && extras[i] != NULL; i++)
		buf_printf(&b, "  - %s\n", extras[i]);
	why = xasprintf("the DevKit guide's Anaconda page: 'write an environment file and run "
	    "conda env create -f FILE'; conda-forge switches BLAS with the libblas build variants "
	    "(libblas=*=*%s)%s", c->lib, conda_variant_why(c));
	s = plan_add(c->plan, "conda-envfile", "Write the conda environment file", why);
	free(why);
	s->kind = ACTION_WRITE;
	s->est_seconds = 1;
	s->u.write.path = xstrdup(envfile);
	s->u.write.mode = 0644;
	s->u.write.content = buf_steal(&b);
}

/* What the user does next, and what the variant means. */
static void
conda_notes(struct pctx *c, const char *prefix, const char *env)
{
	plan_note(c->plan, "activate the environment with: . %s/bin/activate %s", prefix, env);
	plan_note(c->plan, "conda installers do not bring distro libraries: on minimal systems "
	    "install missing shared libraries (for example libXfixes.so.3) with %s (the DevKit "
	    "guide's Anaconda page)", pc_pm(c));
	if (c->f->conda != NULL)
		plan_note(c->plan, "an existing conda was found at %s; armpy installs its own "
		    "Miniforge at %s", c->f->conda, prefix);
	if (strcmp(c->lib, "nvpl") == 0)
		plan_note(c->plan, "NVPL: conda-forge's libblas nvpl build (its blas-feedstock, "
		    "linux-aarch64) links NVIDIA's NVPL BLAS and LAPACK through their OpenMP "
		    "interface (libnvpl_blas_lp64_gomp.so.0), under NVIDIA's license; NVIDIA's NVPL "
		    "BLAS documentation: OMP_NUM_THREADS sets its threads");
	if (c->p->blas.threading == THREADING_SERIAL)
		plan_note(c->plan, "threading: serial -- conda-forge's %s is a threaded build; "
		    "the thread variables are set to 1", strcmp(c->lib, "nvpl") == 0 ? "NVPL (its "
		    "OpenMP interface)" : "OpenBLAS");
}

int
plan_conda(struct pctx *c)
{
	const struct profile *p = c->p;
	const char *prefix = p->conda.prefix != NULL ? p->conda.prefix : "~/miniforge3";
	const char *env = p->conda.environment != NULL ? p->conda.environment : "armpy";
	const char *url, *sha, *file, *want = p->python != NULL ? p->python : "system";
	const struct pin *pin = NULL;
	char *pinname, *dest, *why, *envfile, *envpy, *conda, *path;
	char **extras = NULL, **argv;
	struct step *s;

	if (conda_refusal(c) != 0)
		return -1;
	pinname = xasprintf("miniforge-%s", c->f->arch);
	pin = pin_find(pinname);
	free(pinname);
	if (p->conda.installer_url != NULL) {
		if (p->conda.installer_sha256 == NULL)
			return pc_refuse(c, "conda.installer_url is set without "
			    "conda.installer_sha256; armpy never runs an installer it has not "
			    "verified");
		url = p->conda.installer_url;
		sha = p->conda.installer_sha256;
		file = "conda-installer.sh";
	} else if (p->conda.installer != CONDA_MINIFORGE) {
		return pc_refuse(c, "conda.installer: %s -- armpy pins only Miniforge; give "
		    "conda.installer_url and conda.installer_sha256", p->conda.installer ==
		    CONDA_MINICONDA ? "miniconda" : "anaconda");
	} else if (pin == NULL) {
		return pc_unsupported(c, "no pinned Miniforge installer for %s; give "
		    "conda.installer_url and conda.installer_sha256", c->f->arch);
	} else {
		url = pin->url;
		sha = pin->sha256;
		file = pin->file;
	}
	if (strcmp(want, "system") != 0) {
		if (!valid_python_version(want))
			return pc_refuse(c, "python: '%s' is not \"system\" or \"3.X\"", want);
		if (pc_python_eol(c, want, "chosen in the profile") != 0)
			return -1;
	}
	if (extras_conda(c, &extras) != 0)
		return -1;

	c->wheels = 1;
	/* 1. the installer, verified */
	dest = xasprintf("~/.cache/armpy/%s", file);
	if (pin != NULL && url == pin->url)
		why = xasprintf("Miniforge's releases publish aarch64 installers with a .sha256 "
		    "file and its embedded MD5 check only warns, so armpy verifies the sha256 "
		    "(pinned Miniforge %s; sha256 from %s)", pin->version, pin->hash_from);
	else
		why = xstrdup("conda.installer_url from the profile, verified with "
		    "conda.installer_sha256");
	pc_download(c, "conda-download", "Download the conda installer", why, url, sha, dest);
	free(why);

	/* 2. batch install */
	argv = strv_pushl(strv_new(), "bash", dest, "-b", "-p", prefix, NULL);
	s = pc_runv(c, "conda-install", "Install conda (batch mode)", "the DevKit guide's Anaconda "
	    "page: the installers run as 'bash <installer>'; '-b -p PREFIX' runs them in batch mode",
	    0, 120, argv);
	conda = xasprintf("%s/bin/conda", prefix);
	step_check_file(s, conda, NULL);
	free(dest);

	/* 3. the environment file */
	envfile = xasprintf("~/.cache/armpy/conda-%s.yml", env);
	conda_envfile(c, env, want, extras, envfile);
	strv_free(extras);

	/* 4. conda env create */
	argv = strv_pushl(strv_new(), conda, "env", "create", "-f", envfile, NULL);
	s = pc_runv(c, "conda-env", "Create the conda environment", "the DevKit guide's Anaconda "
	    "page: 'conda env create -f FILE' (mamba is a faster compatible front end)", 0, 300,
	    argv);
	envpy = xasprintf("%s/envs/%s/bin/python", prefix, env);
	step_check_import(s, envpy, p->scipy ? "numpy, scipy" : "numpy");
	free(envfile);
	free(conda);
	free(c->pyuser);
	c->pyuser = envpy;

	path = xasprintf("%s/envs/%s/etc/conda/activate.d/armpy-blas.sh", prefix, env);
	pc_env_script(c, path, 0, GUIDE_NAME ": 'OMP_NUM_THREADS can be set to specify the maximum "
	    "number of threads' and 'set the environment variable BLIS_NUM_THREADS'; conda "
	    "sources etc/conda/activate.d/*.sh when the environment is activated");
	free(path);
	conda_notes(c, prefix, env);
	return 0;
}

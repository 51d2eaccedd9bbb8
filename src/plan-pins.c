/* plan-pins.c — the pinned source tarballs and installers (never an invented hash: each cites its source). */
/* SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <string.h>

#include "plan-pins.h"

static const struct pin pins[] = {
	/* BLIS 0.9.0, upstream's release (flame/blis tag 0.9.0), downloaded from Debian's archive,
	 * which keeps it as blis_0.9.0.orig.tar.gz: the sha256 is the one listed for that file in
	 * Checksums-Sha256 of bookworm's blis_0.9.0-1.dsc (fetched with apt-get source; the same
	 * bytes unpack to blis-0.9.0/, checked 2026-12-06). */
	{ "blis", "0.9.0", NULL,
	  "1135f664be7355427b91025075562805cdc6cc730d3173f83533b2c5dcc2f308",
	  "blis_0.9.0.orig.tar.gz", "blis-0.9.0",
	  "upstream's BLIS 0.9.0 release (flame/blis tag 0.9.0)",
	  "Debian bookworm's blis_0.9.0-1.dsc Checksums-Sha256",
	  "Debian's archive (pool/main/b/blis, the orig tarball of blis 0.9.0-1)", "2026-12-06",
	  "pool/main/b/blis/blis_0.9.0.orig.tar.gz" },
	/* Upstream OpenBLAS 0.3.21 (the version bookworm ships). Not Debian's +ds tarball: that one
	 * excludes lapack-netlib/ (Files-Excluded in debian/copyright), and the guide builds
	 * OpenBLAS to provide LAPACK. The sha256 is spack's builtin openblas package.py pin for 0.3.21. */
	{ "openblas", "0.3.21",
	  "https://github.com/OpenMathLib/OpenBLAS/releases/download/v0.3.21/OpenBLAS-0.3.21.tar.gz",
	  "f36ba3d7a60e7c8bcc54cd9aaa9b1223dd42eaf02c811791c37e8ca707c241ca",
	  "OpenBLAS-0.3.21.tar.gz", "OpenBLAS-0.3.21",
	  "upstream's OpenBLAS 0.3.21 release (OpenMathLib/OpenBLAS releases)",
	  "spack builtin packages/openblas/package.py version 0.3.21", NULL, "2026-12-02", NULL },
	/* Miniforge 26.3.2-3, upstream's release (conda-forge/miniforge). Both hashes are the ones
	 * Spack's builtin miniforge3 package.py pins for 26.3.2-3 (Linux-aarch64, Linux-x86_64);
	 * Homebrew's miniforge-cn cask of 26.3.2-3 (Brewforge/homebrew-chinese) pins the same two
	 * (arm64_linux, x86_64_linux). The URL is the versioned file name Spack's url_for_version
	 * builds. Checked 2026-12-06. */
	{ "miniforge-aarch64", "26.3.2-3",
	  "https://github.com/conda-forge/miniforge/releases/download/26.3.2-3/Miniforge3-26.3.2-3-Linux-aarch64.sh",
	  "2c113a69297e612b01ca0f320c22a3107a11f2ab9b573d79ac868a175945ce29",
	  "Miniforge3-26.3.2-3-Linux-aarch64.sh", NULL,
	  "Miniforge 26.3.2-3 (conda-forge/miniforge releases)",
	  "Spack's miniforge3 package.py (26.3.2-3 Linux-aarch64), the same in Homebrew's "
	  "miniforge-cn cask", NULL, "2026-12-06", NULL },
	{ "miniforge-x86_64", "26.3.2-3",
	  "https://github.com/conda-forge/miniforge/releases/download/26.3.2-3/Miniforge3-26.3.2-3-Linux-x86_64.sh",
	  "848194851a98903134187fbb4ab50efe87b003e0c0f808f97644b7524a62bf2c",
	  "Miniforge3-26.3.2-3-Linux-x86_64.sh", NULL,
	  "Miniforge 26.3.2-3 (conda-forge/miniforge releases)",
	  "Spack's miniforge3 package.py (26.3.2-3 Linux-x86_64), the same in Homebrew's "
	  "miniforge-cn cask", NULL, "2026-12-06", NULL },
};

const struct pin *
pin_table(int *n)
{
	*n = (int)(sizeof pins / sizeof pins[0]);
	return pins;
}

const struct pin *
pin_find(const char *name)
{
	for (size_t i = 0; i < sizeof pins / sizeof pins[0]; i++) {
		if (strcmp(pins[i].name, name) == 0)
			return &pins[i];
	}
	return NULL;
}

/*
 * The TARGETs the pinned OpenBLAS accepts: 0.3.21's TargetList.txt, sections 1 (x86) and 8 (ARM
 * 64-bit); each has an #ifdef FORCE_<TARGET> in its getarch.c. tests/conform/run.sh checks every
 * planned TARGET against Debian's openblas_0.3.21+ds tree with getarch itself. A pin of another
 * version gets no TARGET from this table until the table is redone from that release.
 */
#define OPENBLAS_TARGETS_VERSION "0.3.21"
static const char *const openblas_targets[] = {
	"P2", "KATMAI", "COPPERMINE", "NORTHWOOD", "PRESCOTT", "BANIAS", "YONAH", "CORE2",
	"PENRYN", "DUNNINGTON", "NEHALEM", "SANDYBRIDGE", "HASWELL", "SKYLAKEX", "ATOM",
	"COOPERLAKE", "SAPPHIRERAPIDS", "ATHLON", "OPTERON", "OPTERON_SSE3", "BARCELONA",
	"SHANGHAI", "ISTANBUL", "BOBCAT", "BULLDOZER", "PILEDRIVER", "STEAMROLLER", "EXCAVATOR",
	"ZEN", "SSE_GENERIC", "VIAC3", "NANO",
	"ARMV8", "CORTEXA53", "CORTEXA57", "CORTEXA72", "CORTEXA73", "CORTEXA510", "CORTEXA710",
	"CORTEXX1", "CORTEXX2", "NEOVERSEN1", "NEOVERSEV1", "NEOVERSEN2", "CORTEXA55", "EMAG8180",
	"FALKOR", "THUNDERX", "THUNDERX2T99", "TSV110", "THUNDERX3T110", "VORTEX", "A64FX",
	"ARMV8SVE", "FT2000",
};

/* Cores newer OpenBLAS names that 0.3.21 does not, and what upstream itself runs on them (gcc
 * NULL); then targets 0.3.21 builds with SVE kernels only with a new enough GCC (gcc set). */
static const struct pin_rule openblas_rules[] = {
	/* Neither 0.3.21 nor 0.3.29 lists NEOVERSEV2 in TargetList.txt or getarch.c (0.3.29's
	 * cpuid_arm64.c knows the core, 0xd4f "NVIDIA Grace et al.", but TARGET=NEOVERSEV2 is not
	 * a target: getarch ignores the unknown FORCE_ and describes the build machine). 0.3.29's
	 * driver/others/dynamic_arm64.c runs the Neoverse V1 kernels there:
	 * "#define gotoblas_NEOVERSEV2 gotoblas_NEOVERSEV1". */
	{ "NEOVERSEV2", "NEOVERSEV1", NULL, "OpenBLAS " OPENBLAS_TARGETS_VERSION " has no "
	  "NEOVERSEV2 target (TargetList.txt); OpenBLAS's own runtime dispatch (driver/others/"
	  "dynamic_arm64.c, 0.3.29) runs the NEOVERSEV1 kernels on a Neoverse V2", "2026-12-02" },
	/* CORTEXA76 is a target from 0.3.27 on, checked in OpenMathLib/OpenBLAS's git: tag
	 * v0.3.26's TargetList.txt and getarch.c have no CORTEXA76, v0.3.27's list it and have
	 * FORCE_CORTEXA76, and its Changelog.txt says "added initial support for the Cortex-A76
	 * cpu"; kernel/arm64/KERNEL.CORTEXA76 is "include $(KERNELDIR)/KERNEL.CORTEXA57" from
	 * v0.3.27 to 0.3.29. */
	{ "CORTEXA76", "CORTEXA57", NULL, "OpenBLAS " OPENBLAS_TARGETS_VERSION " has no "
	  "CORTEXA76 target (TargetList.txt; it came in 0.3.27); newer OpenBLAS builds its "
	  "Cortex-A76 target from the CORTEXA57 kernels (kernel/arm64/KERNEL.CORTEXA76)",
	  "2026-12-06" },
	/* 0.3.21's Makefile.arm64: "ifeq (1, $(filter 1,$(GCCVERSIONGTEQ11) $(ISCLANG)))" guards
	 * the -march=armv8.2-a+sve of A64FX (and armv8.4-a+sve of CORTEXA510/CORTEXA710), and
	 * their KERNEL files use the *_sve.c kernels: with GCC 10 those do not build. The
	 * fallbacks have no SVE kernels: ARMV8 (-march=armv8-a) for the A64FX, which has no
	 * dot product (so not the N1 kernels' -mcpu=neoverse-n1); CORTEXA55 and NEOVERSEN1
	 * (0.3.21's TargetList.txt) for the Armv9 cores, which have all of Armv8.2. */
	{ "A64FX", "ARMV8", "11", "OpenBLAS " OPENBLAS_TARGETS_VERSION "'s Makefile.arm64 adds "
	  "A64FX's -march=armv8.2-a+sve only for GCC >= 11 or clang, and its A64FX kernels are "
	  "SVE kernels; ARMV8 (TargetList.txt) builds without SVE", "2026-12-06" },
	{ "CORTEXA510", "CORTEXA55", "11", "OpenBLAS " OPENBLAS_TARGETS_VERSION "'s "
	  "Makefile.arm64 adds CORTEXA510's -march=armv8.4-a+sve only for GCC >= 11 or clang, and "
	  "its kernels are SVE kernels; CORTEXA55 (TargetList.txt) builds without SVE",
	  "2026-12-06" },
	{ "CORTEXA710", "NEOVERSEN1", "11", "OpenBLAS " OPENBLAS_TARGETS_VERSION "'s "
	  "Makefile.arm64 adds CORTEXA710's -march=armv8.4-a+sve only for GCC >= 11 or clang, and "
	  "its kernels are SVE kernels; NEOVERSEN1 (TargetList.txt) builds without SVE",
	  "2026-12-06" },
};

const struct pin_rule *
pin_openblas_rules(int *n)
{
	*n = (int)(sizeof openblas_rules / sizeof openblas_rules[0]);
	return openblas_rules;
}

const char *
pin_openblas_gcc(const char *target, const char **fallback, const char **why)
{
	*fallback = *why = NULL;
	for (size_t i = 0; target != NULL && i < sizeof openblas_rules /
	    sizeof openblas_rules[0]; i++)
		if (openblas_rules[i].gcc != NULL && strcmp(openblas_rules[i].target, target) == 0) {
			*fallback = openblas_rules[i].use;
			*why = openblas_rules[i].why;
			return openblas_rules[i].gcc;
		}
	return NULL;
}

const char *
pin_openblas_target(const char *target, const char **why)
{
	size_t i;

	*why = NULL;
	if (target == NULL)
		return NULL;
	if (strcmp(pin_find("openblas")->version, OPENBLAS_TARGETS_VERSION) != 0) {
		*why = "armpy's list of OpenBLAS targets is for another release than the pinned one";
		return NULL;
	}
	for (i = 0; i < sizeof openblas_targets / sizeof openblas_targets[0]; i++)
		if (strcmp(openblas_targets[i], target) == 0)
			return openblas_targets[i];
	for (i = 0; i < sizeof openblas_rules / sizeof openblas_rules[0]; i++)
		if (openblas_rules[i].gcc == NULL && strcmp(openblas_rules[i].target, target) == 0) {
			*why = openblas_rules[i].why;
			return openblas_rules[i].use;
		}
	*why = "OpenBLAS " OPENBLAS_TARGETS_VERSION "'s TargetList.txt does not list it";
	return NULL;
}
